"""``kerasgan serve``: placeholder until the serve package lands (issue 5, serving)."""


def register(subparsers):
    """Registers ``kerasgan serve`` (placeholder that reports it is not built yet)."""
    from kerasgan.cli import CLIError

    def _not_built(args):
        raise CLIError("kerasgan serve is not built yet")

    subparsers.add_parser("serve", help="serve a generator (not built yet)").set_defaults(
        handler=_not_built
    )
