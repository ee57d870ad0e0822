"""Image files on disk, shared by the folder sources (``folder:``, ``pairs:``, ``unpaired:``).

Listing image files, checking that each one is whole (before training, so
that a truncated file is named instead of failing mid-epoch inside
TensorFlow), checking folders, finding a split's subfolder, reading
``"DIR_A,DIR_B"`` paths, and decoding a file into a float32 image.
"""

from __future__ import annotations

import os
import zlib
from typing import List, Optional, Sequence, Tuple

import tensorflow as tf

from kerasgan.data import pipeline
from kerasgan.data.base import DataError

__all__ = [
    "IMAGE_EXTENSIONS",
    "list_images",
    "check_image_files",
    "image_file_problem",
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


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_MAX_NAMED = 5


def _png_problem(data: memoryview) -> Optional[str]:
    pos = 8
    while pos + 12 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = bytes(data[pos + 4 : pos + 8]).decode("latin-1")
        end = pos + 12 + length
        if end > len(data):
            return f"the file ends inside its {kind} chunk: truncated"
        if zlib.crc32(data[pos + 4 : end - 4]) != int.from_bytes(data[end - 4 : end], "big"):
            return f"its {kind} chunk fails its CRC check: corrupt"
        if kind == "IEND":
            return None
        pos = end
    return "the file ends before its IEND chunk: truncated"


def _jpeg_problem(data: memoryview) -> Optional[str]:
    raw = bytes(data)
    scan = raw.rfind(b"\xff\xda")
    if scan < 0:
        return "the file ends before its image data: truncated"
    if raw.find(b"\xff\xd9", scan) < 0:
        return "the file ends before its end-of-image marker: truncated"
    return None


def _bmp_problem(data: memoryview) -> Optional[str]:
    # What TensorFlow's BMP decoder requires: 8, 24 or 32 bits per pixel, and a
    # file exactly as long as its header says (header + padded rows).
    if len(data) < 30:
        return "the file ends inside its header: truncated"
    offset = int.from_bytes(data[10:14], "little", signed=True)
    width = abs(int.from_bytes(data[18:22], "little", signed=True))
    height = abs(int.from_bytes(data[22:26], "little", signed=True))
    bits = int.from_bytes(data[28:30], "little")
    if bits not in (8, 24, 32):
        return f"a BMP with {bits} bits per pixel cannot be decoded (8, 24 or 32 only)"
    expected = offset + (bits * width + 31) // 32 * 4 * height
    if expected != len(data):
        return f"it holds {len(data)} bytes but its header describes {expected}: truncated or corrupt"
    return None


def _gif_problem(data: memoryview) -> Optional[str]:
    # giflib reads every block; a file cut between two blocks (no trailer) still decodes.
    truncated = "the file ends inside a GIF block: truncated"

    def sub_blocks(pos):
        while pos < len(data) and data[pos]:
            pos += 1 + data[pos]
        return pos + 1 if pos < len(data) else None

    if len(data) < 13:
        return truncated
    pos = 13 + (3 << ((data[10] & 7) + 1) if data[10] & 0x80 else 0)
    images = 0
    while pos < len(data):
        kind = data[pos]
        if kind == 0x3B:
            break
        if kind == 0x21 and pos + 2 <= len(data):
            pos = sub_blocks(pos + 2)
        elif kind == 0x2C and pos + 10 <= len(data):
            flags, images = data[pos + 9], images + 1
            pos = sub_blocks(pos + 11 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0))
        else:
            return truncated if kind in (0x21, 0x2C) else "it holds an unknown GIF block: corrupt"
        if pos is None or pos > len(data):
            return truncated
    return None if images else truncated


def image_file_problem(path: str) -> Optional[str]:
    """Why TensorFlow would fail to decode an image file, or ``None`` if it is whole.

    Reads the file once without decoding pixels: PNG chunks are walked and
    their CRCs checked (a truncated or damaged file fails), a JPEG must end
    its last scan with an end-of-image marker, a BMP must be as long as its
    header says, and the content must be PNG, JPEG, BMP or GIF whatever the
    file's extension (WebP does not decode to float32 in TensorFlow). Damage
    inside a JPEG's compressed data is not seen without decoding it.

    Args:
        path: An image file.

    Returns:
        A short reason (e.g. ``"the file ends inside its IDAT chunk:
        truncated"``), or ``None``.

    Example:
        >>> image_file_problem("/imgs/ok.png") is None  # doctest: +SKIP
        True
    """
    try:
        with open(path, "rb") as handle:
            data = memoryview(handle.read())
    except OSError as error:
        return f"it cannot be read ({error.strerror or error})"
    if not len(data):
        return "the file is empty"
    head = bytes(data[:16])
    if head.startswith(_PNG_SIGNATURE):
        return _png_problem(data)
    if head.startswith(b"\xff\xd8\xff"):
        return _jpeg_problem(data)
    if head.startswith(b"BM"):
        return _bmp_problem(data)
    if head.startswith(b"GIF8"):
        return _gif_problem(data)
    return "its content is not a PNG, JPEG, BMP or GIF image (convert it to PNG)"


def check_image_files(files: Sequence[str], name: str) -> None:
    """Raise :class:`DataError` naming every image file TensorFlow could not decode.

    Called when a folder data set's pipeline is built, so one truncated or
    corrupt file stops the run before training with its name, instead of
    TensorFlow's ``Invalid PNG data`` without one in the middle of an epoch.
    Each file is read once and no pixels are decoded: about 60-80 ms per
    1,000 64x64 PNG or JPEG files, against 180-250 ms to decode them with PIL.

    Args:
        files: Image file paths.
        name: Data-set name for the message.

    Raises:
        DataError: one line naming the bad files (up to 5), why each fails,
            and the fix: remove or replace them.

    Example:
        >>> check_image_files(list_images("/imgs"), "folder:/imgs")  # doctest: +SKIP
    """
    bad = [(f, p) for f, p in ((f, image_file_problem(f)) for f in files) if p is not None]
    if not bad:
        return
    named = "; ".join(f"{f!r} ({p})" for f, p in bad[:_MAX_NAMED])
    more = f"; and {len(bad) - _MAX_NAMED} more" if len(bad) > _MAX_NAMED else ""
    if len(bad) == 1:
        raise DataError(
            f"data set {name!r}: image file {named} cannot be decoded; remove it or replace it "
            "with a readable image"
        )
    raise DataError(
        f"data set {name!r}: {len(bad)} of {len(files)} image files cannot be decoded: {named}{more}; "
        "remove them or replace them with readable images"
    )


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
