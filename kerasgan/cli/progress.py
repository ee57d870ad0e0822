"""Progress of the long commands (``eval``, ``export``, ``zoo fetch``) on stderr.

On a terminal the line is redrawn in place; otherwise (a log file, a pipe) a
new line is written at most every 10% of the work, so logs stay short. The
output of the command itself (tables, paths) stays on stdout.
"""

from __future__ import annotations

import sys
import time

__all__ = ["Progress", "Steps"]

PROG = "kerasgan"


def _interactive(stream):
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Progress:
    """``kerasgan eval: generating samples  2500/10000 (25%)  3.1 s``.

    Args:
        command: the command's name (``"eval"``).
        what: what is counted (``"generating samples"``).
        total: the count when done (``None``: unknown, no percentage).
        unit: written after the counts (``"KiB"``).
        stream: where to write (default ``sys.stderr``).
    """

    def __init__(self, command, what, total=None, unit="", stream=None):
        self.command, self.what, self.total, self.unit = command, what, total, unit
        self.stream = sys.stderr if stream is None else stream
        self.done = 0
        self._started = time.monotonic()
        self._shown_tenths = -1
        self._redraw = _interactive(self.stream)
        self._open_line = False

    def _line(self):
        counts = f"{self.done}" if self.total is None else f"{self.done}/{self.total}"
        unit = f" {self.unit}" if self.unit else ""
        share = f" ({100 * self.done // self.total}%)" if self.total else ""
        seconds = time.monotonic() - self._started
        return f"{PROG} {self.command}: {self.what} {counts}{unit}{share}  {seconds:.1f} s"

    def advance(self, amount):
        """Counts ``amount`` more units of work and shows the line if it is due."""
        self.update(self.done + amount)

    def update(self, done):
        """Sets the count to ``done`` and shows the line if it is due."""
        self.done = done
        if self._redraw:
            self.stream.write("\r" + self._line())
            self._open_line = True
        else:
            tenths = 10 * done // self.total if self.total else -1
            if self.total and (tenths <= self._shown_tenths or tenths == 0):
                return  # a line per 10% reached, none before the first 10%
            self._shown_tenths = tenths
            self.stream.write(self._line() + "\n")
        self.stream.flush()

    def close(self, failed=False):
        """Ends the line (on a terminal); ``failed=True`` erases it, so the error stands alone."""
        if self._open_line:
            self.stream.write("\r" + " " * len(self._line()) + "\r" if failed else "\n")
            self.stream.flush()
            self._open_line = False


class Steps:
    """``kerasgan export: [2/4] tracing the signatures``: one line per step of a known list.

    Call it with each step's description as the step starts; the line ends
    with the time since the command began.

    Args:
        command: the command's name (``"export savedmodel"``).
        count: how many steps there are (``None``: not numbered).
        stream: where to write (default ``sys.stderr``).
    """

    def __init__(self, command, count=None, stream=None):
        self.command, self.count = command, count
        self.stream = sys.stderr if stream is None else stream
        self.number = 0
        self._started = time.monotonic()

    def __call__(self, description):
        """Reports that the step ``description`` starts."""
        self.number += 1
        seconds = time.monotonic() - self._started
        where = f"[{self.number}/{self.count}] " if self.count else ""
        self.stream.write(f"{PROG} {self.command}: {where}{description}  ({seconds:.1f} s)\n")
        self.stream.flush()
