"""The exceptions every part of kerasgan shares.

A leaf module: it imports nothing of kerasgan, so any layer (core, training,
the zoo, export, serving, the CLI) can raise or catch these without an
import back into another layer.
"""

import difflib

__all__ = ["CLIError", "ConfigError", "ExportError", "ResumeError", "TrainingDivergedError",
           "did_you_mean"]


def did_you_mean(name, choices):
    """``" Did you mean 'x'?"`` for the closest of ``choices`` to ``name``, or ``""``.

    Example:
        >>> did_you_mean("hinje", ["hinge", "wasserstein"])
        " Did you mean 'hinge'?"
    """
    close = difflib.get_close_matches(str(name), list(choices), n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


class ConfigError(ValueError):
    """An invalid training config or recipe (unknown key, wrong type or value).

    The message names the key, what was expected and, for a typo, the closest
    valid key.
    """


class ResumeError(ValueError):
    """A run cannot be resumed (no checkpoint, or a config that differs)."""


class ExportError(ValueError):
    """An export that cannot be made or did not reproduce the model (message says why)."""


class CLIError(Exception):
    """A user error on the command line: one ``kerasgan: error:`` line, exit status 2."""


class TrainingDivergedError(ValueError):
    """Training stopped because a loss became NaN or infinite (message: the epoch, the
    last finite checkpoint and how to resume it)."""
