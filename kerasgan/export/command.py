"""``kerasgan export``: placeholder until the export package lands (issue 5)."""


def register(subparsers):
    """Registers ``kerasgan export`` (placeholder that reports it is not built yet)."""
    from kerasgan.cli import CLIError

    def _not_built(args):
        raise CLIError("kerasgan export is not built yet")

    subparsers.add_parser("export", help="export a generator (not built yet)").set_defaults(
        handler=_not_built
    )
