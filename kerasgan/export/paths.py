"""Where exports are written: model names, path lengths, write errors, clean-up after a failure.

Checked before any work is done, so a name or path the file system (or TF
Serving) cannot take is one :class:`~kerasgan.errors.ExportError` line naming
the limit, never a raw ``OSError`` half-way through an export.
"""

from __future__ import annotations

import os
import re

from kerasgan.errors import ExportError

__all__ = [
    "MAX_NAME_LENGTH",
    "check_file_name",
    "check_model_name",
    "check_path_length",
    "remove_if_empty",
    "write_error",
]

#: Longest model name: one folder name takes 255 bytes on every common file system
#: (NAME_MAX); the rest is room for the ``.tmp-*`` folders written next to it.
MAX_NAME_LENGTH = 200
_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
#: The longest file written inside a version folder, relative to it.
_LONGEST_INNER = os.path.join("variables", "variables.data-00000-of-00001")


def _limits(path):
    """``(NAME_MAX, PATH_MAX)`` of the file system holding ``path`` (or its nearest existing parent)."""
    probe = os.path.abspath(path)
    while not os.path.exists(probe) and os.path.dirname(probe) != probe:
        probe = os.path.dirname(probe)
    try:
        return os.pathconf(probe, "PC_NAME_MAX"), os.pathconf(probe, "PC_PATH_MAX")
    except (AttributeError, OSError, ValueError):  # no pathconf (Windows) or no answer
        return 255, 4096


def check_model_name(name):
    """Refuses a model name that a file system, a URL or TF Serving cannot take.

    Args:
        name: the ``NAME`` of ``BASE/NAME/VERSION``.

    Returns:
        ``name``.

    Raises:
        ExportError: not letters, digits, ``_ . -`` starting with a letter or
            digit; longer than :data:`MAX_NAME_LENGTH`; or all digits (it would
            read as a version folder of ``BASE``).

    Example:
        >>> check_model_name("digits")
        'digits'
    """
    if not isinstance(name, str) or not _NAME_PATTERN.match(name):
        shown = repr(name) if not isinstance(name, str) or len(name) <= 60 else repr(name[:60]) + "..."
        raise ExportError(
            f"model name must be letters, digits, '_', '.' or '-' (not starting with them), got {shown}."
        )
    if len(name) > MAX_NAME_LENGTH:
        raise ExportError(
            f"model name is {len(name)} characters long; the limit is {MAX_NAME_LENGTH} "
            "(file systems take at most 255 per folder name): pass a shorter --name."
        )
    if name.isdigit():
        raise ExportError(
            f"model name {name!r} is all digits, so BASE/{name} would read as a version folder "
            "of BASE (TF Serving, kerasgan serve); pass a --name with a letter in it."
        )
    return name


def check_path_length(version_dir):
    """Refuses an export whose deepest file would have a path longer than the file system takes.

    Args:
        version_dir: the ``BASE/NAME/VERSION`` folder to be written.

    Raises:
        ExportError: the path of ``VERSION/variables/variables.data-...`` is
            too long.
    """
    _, path_max = _limits(version_dir)
    longest = len(os.fsencode(os.path.join(version_dir, _LONGEST_INNER)))
    if longest >= path_max:
        raise ExportError(
            f"the export's file paths would be {longest} bytes long, over the file system's "
            f"limit of {path_max - 1}: choose a shorter BASE folder or --name."
        )


def check_file_name(path, flag):
    """Refuses a file whose name or path is longer than the file system takes.

    Args:
        path: the absolute file path to be written.
        flag: the option that named it, for the message (``"-o"``).

    Raises:
        ExportError: the name or the path is too long.
    """
    name_max, path_max = _limits(os.path.dirname(path))
    name = len(os.fsencode(os.path.basename(path)))
    if name > name_max:
        raise ExportError(
            f"file name is {name} bytes long; the file system's limit is {name_max}: "
            f"pass a shorter {flag} file name."
        )
    full = len(os.fsencode(path))
    if full >= path_max:
        raise ExportError(
            f"file path is {full} bytes long; the file system's limit is {path_max - 1}: "
            f"pass a shorter {flag} path."
        )


def remove_if_empty(folders):
    """Removes ``folders`` (innermost first) while they are empty; stops at the first that is not.

    Used after a failed export for the folders it created itself, so another
    export's or a user's files are never touched.
    """
    for folder in folders:
        try:
            os.rmdir(folder)
        except OSError:  # not empty, or already gone
            return


def write_error(path, error, where):
    """An ``OSError`` while writing (disk full, read-only folder) as a one-line :class:`ExportError`.

    Args:
        path: what was being written.
        error: the ``OSError``.
        where: the option to change, for the message (``"--base folder"``).
    """
    reason = error.strerror or str(error)
    return ExportError(
        f"cannot write {path}: {reason} ({error.filename or path}); free disk space or "
        f"choose a writable {where}."
    )
