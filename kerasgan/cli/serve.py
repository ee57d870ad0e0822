"""``kerasgan serve``: the TF-Serving-compatible server (its flags live with the server)."""

__all__ = ["register"]


def register(subparsers):
    """Registers ``kerasgan serve`` (see :mod:`kerasgan.serving.command`)."""
    from kerasgan.serving.command import register as register_serve

    register_serve(subparsers)
