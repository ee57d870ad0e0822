"""A quiet terminal for the ``kerasgan`` command: TensorFlow's logs hidden, warnings on one line.

TensorFlow prints C++ log lines when it loads (CUDA probing on machines
without a GPU, ``absl::InitializeLog`` notes), some before its own
``TF_CPP_MIN_LOG_LEVEL`` is read, and absl's Python logger adds more. None of
them is actionable for a command-line user. By default the command hides
them: the level is set to 3 unless the user chose one (on a machine without
a GPU even CUDA's probe logs an error line; errors that matter reach the
command as Python exceptions, reported on one line), the start-up lines
printed while ``tensorflow`` is imported, before that level is read, are
filtered out (error lines are kept), and the ``absl`` / ``tensorflow``
Python loggers show errors only. ``kerasgan --verbose COMMAND`` or ``KERASGAN_VERBOSE=1``
shows everything again.

Python warnings are printed as one line, ``kerasgan: warning: ...``, without
the source line Python adds.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.util
import logging
import os
import re
import sys
import tempfile
import warnings

__all__ = ["VERBOSE_ENV", "terminal", "verbose_requested"]

#: Set to 1 to see TensorFlow's logs and warnings with their source lines.
VERBOSE_ENV = "KERASGAN_VERBOSE"

#: Lines TensorFlow's C++ side prints while loading, at INFO or WARNING severity
#: (glog format ``I0000 00:00:17.. 123 file.cc:31] ...``), and absl's note about them.
_NOISE = re.compile(
    r"^(WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|[IW]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ \S+:\d+\] )"
)
#: TensorFlow's C++ logs: 0 everything, 2 errors only, 3 none.
_TF_LOG_ENV = "TF_CPP_MIN_LOG_LEVEL"


def verbose_requested():
    """True when ``KERASGAN_VERBOSE`` is set to something other than 0."""
    return os.environ.get(VERBOSE_ENV, "") not in ("", "0")


def _one_line_warning(message, category, filename, lineno, line=None):
    """``warnings.formatwarning`` of the command: ``kerasgan: warning: MESSAGE``."""
    return "kerasgan: warning: " + " ".join(str(message).split()) + "\n"


@contextlib.contextmanager
def _filtered_stderr():
    """Collects what is written to file descriptor 2 and replays all but TensorFlow's noise."""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    try:
        saved = os.dup(2)
    except OSError:  # no real stderr (embedded): nothing to filter
        yield
        return
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            with contextlib.suppress(OSError, ValueError):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            kept = [
                line
                for line in capture.read().decode("utf-8", "replace").splitlines(keepends=True)
                if not _NOISE.match(line)
            ]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()


class _QuietLoader(importlib.abc.Loader):
    """Runs another loader with TensorFlow's start-up lines filtered from stderr."""

    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        """The wrapped loader's module."""
        return self._loader.create_module(spec)

    def exec_module(self, module):
        """Executes the module with the start-up lines filtered."""
        with _filtered_stderr():
            self._loader.exec_module(module)


class _QuietTensorFlowImport(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` as usual, and loads it through :class:`_QuietLoader` (once)."""

    def find_spec(self, name, path=None, target=None):
        """The normal spec of ``tensorflow`` with a filtering loader; ``None`` for other modules."""
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


@contextlib.contextmanager
def terminal(verbose=False):
    """Runs the command quiet (see the module docstring), or verbose.

    Enter before TensorFlow is imported. The warning format and the loggers'
    levels are restored on exit; the log level stays in the environment.

    Args:
        verbose: show TensorFlow's logs (also when ``KERASGAN_VERBOSE=1``):
            the level kerasgan chose is dropped again, nothing is filtered.
    """
    import kerasgan

    chosen_by_kerasgan = getattr(kerasgan, "_TF_LOG_LEVEL_CHOSEN", False)
    if verbose or verbose_requested():
        os.environ[VERBOSE_ENV] = "1"
        if chosen_by_kerasgan:  # kerasgan's default, not the user's
            os.environ.pop(_TF_LOG_ENV, None)
        yield
        return
    if chosen_by_kerasgan or _TF_LOG_ENV not in os.environ:
        os.environ[_TF_LOG_ENV] = "3"
    if "tensorflow" not in sys.modules and not any(
        isinstance(finder, _QuietTensorFlowImport) for finder in sys.meta_path
    ):
        sys.meta_path.insert(0, _QuietTensorFlowImport())
    loggers = [logging.getLogger(name) for name in ("absl", "tensorflow")]
    levels = [logger.level for logger in loggers]
    previous_format = warnings.formatwarning
    warnings.formatwarning = _one_line_warning
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        warnings.formatwarning = previous_format
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)
