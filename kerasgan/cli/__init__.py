"""The ``kerasgan`` command line: one module per command.

Subcommands::

    kerasgan train   --family F --data D --out RUN      (kerasgan.cli.train)
    kerasgan sample  RUN/model.keras -o samples.png     (kerasgan.cli.sample)
    kerasgan eval    RUN/model.keras --data D           (kerasgan.cli.eval)
    kerasgan export  savedmodel|onnx RUN/model.keras    (kerasgan.cli.export)
    kerasgan serve   BASE                               (kerasgan.cli.serve)
    kerasgan zoo     list|info|fetch                    (kerasgan.cli.zoo)
    kerasgan invert  MODEL.keras --input DIR            (kerasgan.cli.invert)
    kerasgan complete MODEL.keras --input DIR --mask M  (kerasgan.cli.complete)

Commands that build or load models take ``--plugin MODULE_OR_FILE.py``
(repeatable) to import families registered outside kerasgan. Errors
(unknown family, data set or config key, missing files, bad flag values)
print one line ``kerasgan: error: ...`` on stderr and exit with status 2.
Set ``KERASGAN_DEBUG=1`` (or pass ``--debug``) to see the full traceback.
TensorFlow's log lines are hidden and warnings print as one line
``kerasgan: warning: ...``; ``kerasgan --verbose COMMAND`` (or
``KERASGAN_VERBOSE=1``) shows them in full (:mod:`kerasgan.cli.quiet`).

Adding a subcommand: a module here with ``register(subparsers)`` that adds
its parser and sets ``handler``, listed in :data:`SUBCOMMANDS`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from kerasgan.cli import quiet
from kerasgan.errors import CLIError

__all__ = ["CLIError", "SUBCOMMANDS", "build_parser", "main"]

PROG = "kerasgan"
EXIT_USAGE = 2
#: Command modules of this package, in help order.
SUBCOMMANDS = ("train", "sample", "eval", "export", "serve", "zoo", "invert", "complete")


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line (no usage dump), exit status 2."""

    def error(self, message):
        """Raises :class:`CLIError` instead of printing the usage and exiting."""
        raise CLIError(f"{message} (see '{self.prog} --help')")


def _plugins_in(argv):
    """The ``--plugin`` values of ``argv``, imported before the parser lists the families."""
    plugins = []
    for i, arg in enumerate(argv):
        if arg == "--plugin" and i + 1 < len(argv):
            plugins.append(argv[i + 1])
        elif arg.startswith("--plugin="):
            plugins.append(arg.split("=", 1)[1])
    return plugins


def build_parser():
    """The ``kerasgan`` argument parser with every subcommand."""
    from kerasgan import __version__

    parser = _Parser(
        prog=PROG,
        description="kerasgan: train, sample, evaluate, export and serve Keras GANs; use the model zoo.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="full tracebacks on errors (also KERASGAN_DEBUG=1)"
    )
    parser.add_argument(
        "--verbose",
        dest="show_logs",
        action="store_true",
        help="show TensorFlow's log lines and warnings in full (also KERASGAN_VERBOSE=1); "
        "give it before the command",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in SUBCOMMANDS:
        importlib.import_module(f"{__name__}.{command}").register(subparsers)
    return parser


def _command_index(argv):
    """Index of the command in ``argv`` (flags before it are the top-level ones)."""
    return next((i for i, arg in enumerate(argv) if arg in SUBCOMMANDS), len(argv))


def _one_line(error):
    text = str(error).strip()
    return " ".join(text.split()) or type(error).__name__


def main(argv=None):
    """Runs the ``kerasgan`` command line and returns its exit status.

    Args:
        argv: argument list (default ``sys.argv[1:]``).

    Returns:
        0 on success, 2 on a user error (reported as one ``kerasgan: error:`` line).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv or os.environ.get("KERASGAN_DEBUG", "") not in ("", "0")
    with quiet.terminal(verbose="--verbose" in argv[: _command_index(argv)]):
        return _run(argv, debug)


def _run(argv, debug):
    """:func:`main` after the terminal is set up."""
    try:
        plugins = _plugins_in(argv)
        if plugins:  # before the parser: its help lists the families
            from kerasgan.cli.args import load_plugins

            load_plugins(argparse.Namespace(plugins=plugins))
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exit_:  # --help / --version
            return exit_.code if isinstance(exit_.code, int) else 0
        if args.command is None:
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        return int(args.handler(args) or 0)
    except (CLIError, ValueError, FileNotFoundError) as error:
        if debug:
            raise
        print(f"{PROG}: error: {_one_line(error)}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:  # a full disk, a read-only folder, a missing parent...
        if debug:
            raise
        where = f" ({error.filename})" if getattr(error, "filename", None) else ""
        print(
            f"{PROG}: error: {error.strerror or _one_line(error)}{where}; check that the folder "
            "exists, is writable and that the disk has space.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
