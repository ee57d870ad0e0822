"""Image files on disk, shared by the folder sources (``folder:``, ``pairs:``, ``unpaired:``).

Listing image files, checking folders, finding a split's subfolder, reading
``"DIR_A,DIR_B"`` paths, and decoding a file into a float32 image.
"""

from __future__ import annotations

import os
from typing import List, Tuple

import tensorflow as tf

from kerasgan.data import pipeline
from kerasgan.data.base import DataError

__all__ = [
    "IMAGE_EXTENSIONS",
    "list_images",
    "check_dir",
    "split_root",
    "parse_pairs_path",
    "decode_image",
    "decode_square",
]

#: File suffixes (case-insensitive) picked up in image folders.
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp")


def list_images(path: str) -> List[str]:
    """All image files under ``path`` (recursive, sorted, hidden files skipped).

    Args:
        path: A directory.

    Returns:
        Sorted list of file paths whose suffix is in :data:`IMAGE_EXTENSIONS`.

    Raises:
        DataError: if ``path`` does not exist, is not a directory, or holds no
            image files.

    Example:
        >>> list_images("/some/folder")  # doctest: +SKIP
        ['/some/folder/a.png', '/some/folder/sub/b.jpg']
    """
    path = os.path.expanduser(str(path))
    if not path:
        raise DataError("folder data set needs a path: use 'folder:/path/to/images'")
    check_dir(path)
    files = []
    for root, dirs, names in os.walk(path, followlinks=True):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for fname in names:
            if not fname.startswith(".") and fname.lower().endswith(IMAGE_EXTENSIONS):
                files.append(os.path.join(root, fname))
    if not files:
        raise DataError(
            f"image folder {path!r} contains no image files "
            f"(looked recursively for {', '.join(IMAGE_EXTENSIONS)})"
        )
    return sorted(files)


def check_dir(path: str) -> str:
    """Raise :class:`DataError` unless ``path`` is an existing directory.

    Args:
        path: A folder path.

    Returns:
        ``path``.

    Example:
        >>> check_dir("/no/such/dir")
        Traceback (most recent call last):
        ...
        kerasgan.data.base.DataError: image folder '/no/such/dir' does not exist
    """
    if not os.path.exists(path):
        raise DataError(f"image folder {path!r} does not exist")
    if not os.path.isdir(path):
        raise DataError(f"image folder {path!r} is not a directory")
    return path


def split_root(path: str, split, name: str) -> str:
    """The folder holding ``split`` of an image-folder data set.

    ``"all"`` is the whole folder; otherwise ``PATH/<split>`` when it exists
    (the pix2pix layout has ``train/``, ``val/``, ``test/``); a folder without
    split subfolders is all ``"train"``.

    Args:
        path: The data set's folder.
        split: ``"all"`` or a subfolder name.
        name: Data-set name for messages.

    Returns:
        The folder path.

    Raises:
        DataError: the folder is missing, or ``split`` has no subfolder.

    Example:
        >>> split_root("/data/facades", "test", "pairs:/data/facades")  # doctest: +SKIP
        '/data/facades/test'
    """
    if not isinstance(split, str) or not split or os.sep in split or split in (".", ".."):
        raise ValueError(
            f"split for data set {name!r} must be 'all' or a subfolder name like 'train'; got {split!r}"
        )
    check_dir(path)
    if split == "all":
        return path
    sub = os.path.join(path, split)
    if os.path.isdir(sub):
        return sub
    subdirs = sorted(d for d in os.listdir(path) if os.path.isdir(os.path.join(path, d)) and not d.startswith("."))
    if split == "train" and not {"test", "val", "validation"} & set(subdirs):
        return path
    raise DataError(
        f"data set {name!r}: no folder for split {split!r} ({sub!r} does not exist); "
        f"subfolders of {path!r}: {subdirs or 'none'}. Use split='all' for every image."
    )


def parse_pairs_path(path: str) -> Tuple[str, ...]:
    """Split the path of ``pairs:``/``unpaired:`` names into one or two folders.

    ``"DIR_A,DIR_B"`` gives two folders unless the whole string is itself an
    existing directory (a folder whose name contains a comma).

    Args:
        path: The name without its prefix.

    Returns:
        ``(path,)`` or ``(dir_a, dir_b)`` (user ``~`` expanded).

    Raises:
        DataError: empty path, or a comma list that is not exactly two folders.

    Example:
        >>> parse_pairs_path("/data/A,/data/B")
        ('/data/A', '/data/B')
    """
    path = str(path).strip()
    if not path:
        raise DataError("a folder path is needed, e.g. 'pairs:/data/facades' or 'pairs:/data/A,/data/B'")
    if "," in path and not os.path.isdir(os.path.expanduser(path)):
        parts = [p.strip() for p in path.split(",")]
        if len(parts) != 2 or not all(parts):
            raise DataError(f"expected exactly two folders 'DIR_A,DIR_B', got {path!r}")
        return tuple(os.path.expanduser(p) for p in parts)
    return (os.path.expanduser(path),)


def decode_image(path: tf.Tensor, channels: int) -> tf.Tensor:
    """Read and decode one image file to float32 ``(H, W, channels)`` in [0, 1].

    Args:
        path: String tensor, the file path.
        channels: 1 or 3 (grey<->RGB converted, alpha dropped).

    Returns:
        float32 tensor at the file's native size.

    Example:
        >>> decode_image(tf.constant("/imgs/a.png"), 3).shape  # doctest: +SKIP
        TensorShape([32, 48, 3])
    """
    raw = tf.io.read_file(path)
    img = tf.io.decode_image(raw, channels=0, dtype=tf.float32, expand_animations=False)
    return pipeline.convert_channels(img, channels)


def decode_square(path: tf.Tensor, size: int, channels: int) -> tf.Tensor:
    """Decode an image file, centre-crop it square, resize it to ``size`` and scale it to [-1, 1].

    Args:
        path: String tensor, the file path.
        size: Output side length.
        channels: 1 or 3.

    Returns:
        float32 ``(size, size, channels)`` tensor in [-1, 1].

    Example:
        >>> decode_square(tf.constant("/imgs/a.png"), 64, 3).shape  # doctest: +SKIP
        TensorShape([64, 64, 3])
    """
    img = pipeline.resize_square(decode_image(path, channels), size)
    return pipeline.to_model_range(img)
