"""Atomic file writes: the one home for "no file is left half-written".

Every file kerasgan writes (models, checkpoints, pictures, JSON / YAML,
TF Serving configs, downloaded weights) goes through a temporary file in the
destination folder that is renamed onto the final path only once complete.

Temporary files and folders are private (``tempfile`` makes them 0600 / 0700);
what is published gets the modes a plain ``open`` or ``mkdir`` would give
(0644 / 0755 under the usual umask 022), so that a server running as another
user (TF Serving in a container) can read it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile

__all__ = [
    "atomic_path",
    "atomic_write_text",
    "file_mode",
    "folder_mode",
    "make_readable",
]


def _umask():
    """The process umask, read without changing it where Linux tells it."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode():
    """Mode of a new file under the current umask: ``0o666 & ~umask`` (0644 under 022)."""
    return 0o666 & ~_umask()


def folder_mode():
    """Mode of a new folder under the current umask: ``0o777 & ~umask`` (0755 under 022)."""
    return 0o777 & ~_umask()


def make_readable(path):
    """Gives ``path`` (a file, or a folder and everything in it) the umask's modes.

    Files get :func:`file_mode` (executable ones, and folders,
    :func:`folder_mode`): what they would have had without ``tempfile``.

    Args:
        path: a file or folder.
    """
    path = os.fspath(path)
    files, folders = file_mode(), folder_mode()

    def fix_file(name):
        executable = os.stat(name).st_mode & 0o111
        os.chmod(name, folders if executable else files)

    if not os.path.isdir(path):
        fix_file(path)
        return
    os.chmod(path, folders)
    for root, dirs, names in os.walk(path):
        for name in dirs:
            os.chmod(os.path.join(root, name), folders)
        for name in names:
            full = os.path.join(root, name)
            if not os.path.islink(full):
                fix_file(full)



@contextlib.contextmanager
def atomic_path(path, suffix=None):
    """Yields a temporary path next to ``path``; moves it onto ``path`` on success.

    The temporary file lives in the same folder (so ``os.replace`` is atomic),
    starts with a dot (so TF Serving and folder listings skip it) and keeps
    ``path``'s extension unless ``suffix`` is given (Keras needs ``.keras``).
    On an exception the temporary file is removed and ``path`` is left untouched.
    The file published gets the umask's mode (0644 under 022), not
    ``tempfile``'s private 0600.

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
        make_readable(tmp)
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
