"""The zoo's entries: where the YAMLs live, listing, reading and rewriting them.

Entries are package data (``kerasgan/zoo/configs/NAME.yaml``), found through
``importlib.resources`` so that an installed (non-editable) package finds
them as well as a checkout.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib.resources
import os

from kerasgan.zoo.schema import NONE, ZooConfigError, load_entry, validate_entry

__all__ = [
    "UnknownEntryError",
    "config_dir",
    "config_path",
    "entries",
    "file_sha256",
    "info",
    "names",
    "publish_weights",
    "update_entry",
    "weights_path",
    "zoo_dir",
]


class UnknownEntryError(ValueError):
    """No zoo entry of that name; the message lists the close (or all) names."""


def zoo_dir():
    """The folder of the ``kerasgan.zoo`` package (relative weight urls start here)."""
    return os.fspath(importlib.resources.files("kerasgan.zoo"))


def config_dir():
    """The folder of the entry YAMLs: ``importlib.resources.files("kerasgan.zoo") / "configs"``."""
    return os.fspath(importlib.resources.files("kerasgan.zoo") / "configs")


def config_path(name):
    """Path of entry ``name``'s YAML (it may not exist)."""
    return os.path.join(config_dir(), f"{name}.yaml")


def weights_path(name):
    """Where ``tools/build_zoo.py`` publishes entry ``name``'s weights."""
    return os.path.join(zoo_dir(), "weights", f"{name}.weights.h5")


def names():
    """Sorted names of every zoo entry."""
    folder = config_dir()
    if not os.path.isdir(folder):
        return []
    return sorted(f[: -len(".yaml")] for f in os.listdir(folder) if f.endswith(".yaml"))


def _check_name(name):
    known = names()
    if name in known:
        return
    close = difflib.get_close_matches(str(name), known, n=3, cutoff=0.5)
    if close:
        hint = f"Did you mean {', '.join(repr(c) for c in close)}?"
    else:
        hint = f"Zoo entries: {', '.join(known)}."
    raise UnknownEntryError(f"unknown zoo entry {name!r}. {hint}")


def info(name, full=True):
    """The parsed, validated entry ``name`` (a dict, see :mod:`kerasgan.zoo.schema`).

    Args:
        name: the entry.
        full: check its family and recipe too (this imports the families,
            and Keras; see :func:`kerasgan.zoo.schema.validate_entry`).

    Raises:
        UnknownEntryError: no such entry (lists close names, or all of them).
        ZooConfigError: the YAML is invalid.

    Example:
        >>> info("gan-ring8")["family"]
        'gan'
    """
    _check_name(name)
    path = config_path(name)
    entry = load_entry(path, full=full)
    if entry["name"] != name:
        raise ZooConfigError(
            f"{path}: key 'name': {entry['name']!r} differs from the file name; "
            f"set it to {name!r}."
        )
    return entry


def entries(full=True):
    """Every entry, parsed, in name order (``full``: see :func:`info`)."""
    return [info(name, full=full) for name in names()]


def update_entry(name, **changes):
    """Rewrites top-level keys of entry ``name``'s YAML (validated, atomic).

    Args:
        name: the entry.
        **changes: top-level keys and their new values (e.g. ``metrics=...``).

    Returns:
        The new entry.
    """
    from kerasgan.training import write_yaml

    entry = dict(info(name))
    entry.update(changes)
    path = config_path(name)
    validate_entry(entry, source=path)
    write_yaml(entry, path)
    return entry


def file_sha256(path):
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def publish_weights(name, path):
    """Records a shipped weights file (relative url, sha256, size) in entry ``name``.

    The entry's metrics are reset to ``none``: they belonged to the old weights.
    """
    rel = os.path.relpath(os.path.abspath(path), zoo_dir()).replace(os.sep, "/")
    weights = {"url": rel, "sha256": file_sha256(path), "size": os.path.getsize(path)}
    return update_entry(name, weights=weights, metrics=NONE)
