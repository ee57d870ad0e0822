"""``kerasgan zoo``: placeholder until the zoo package lands (issue 6)."""


def register(subparsers):
    """Registers ``kerasgan zoo`` (placeholder that reports it is not built yet)."""
    from kerasgan.cli import CLIError

    def _not_built(args):
        raise CLIError("kerasgan zoo is not built yet")

    subparsers.add_parser("zoo", help="model zoo (not built yet)").set_defaults(
        handler=_not_built
    )
