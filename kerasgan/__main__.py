"""``python -m kerasgan``: the same as the ``kerasgan`` command (see :mod:`kerasgan.cli`)."""

import sys

from kerasgan.cli import main

if __name__ == "__main__":
    sys.exit(main())
