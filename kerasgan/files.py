"""Atomic file writes: the one home for "no file is left half-written".

Every file kerasgan writes (models, checkpoints, pictures, JSON / YAML,
TF Serving configs, downloaded weights) goes through a temporary file in the
destination folder that is renamed onto the final path only once complete.
"""

from __future__ import annotations

import contextlib
import os
import tempfile

__all__ = ["atomic_path", "atomic_write_text"]


@contextlib.contextmanager
def atomic_path(path, suffix=None):
    """Yields a temporary path next to ``path``; moves it onto ``path`` on success.

    The temporary file lives in the same folder (so ``os.replace`` is atomic),
    starts with a dot (so TF Serving and folder listings skip it) and keeps
    ``path``'s extension unless ``suffix`` is given (Keras needs ``.keras``).
    On an exception the temporary file is removed and ``path`` is left untouched.

    Args:
        path: final file path (its folder is created if missing).
        suffix: extension of the temporary file (default: that of ``path``).

    Example:
        >>> with atomic_path("/tmp/out.json") as tmp:
        ...     open(tmp, "w").write("{}")
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    if suffix is None:
        suffix = os.path.splitext(path)[1]
    prefix = "." + os.path.basename(path) + "."
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".tmp" + suffix)
    os.close(fd)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise


def atomic_write_text(path, text):
    """Writes ``text`` (UTF-8) to ``path`` atomically (see :func:`atomic_path`).

    Args:
        path: final file path.
        text: the whole content.
    """
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as handle:
        handle.write(text)
