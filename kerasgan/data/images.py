"""Image data that needs no download: scikit-learn ``digits`` and ``folder:PATH``.

Both produce float32 NHWC batches in [-1, 1], like every image source of
:mod:`kerasgan.data`.
"""

from __future__ import annotations

import functools
import os
from typing import List, Optional, Tuple

import numpy as np
import tensorflow as tf

from kerasgan.data import pipeline
from kerasgan.data.base import DataError, DataSpec

__all__ = [
    "DIGITS_DEFAULT_SIZE",
    "DIGITS_SPLITS",
    "FOLDER_DEFAULT_SIZE",
    "FOLDER_DEFAULT_CHANNELS",
    "IMAGE_EXTENSIONS",
    "digits_arrays",
    "digits_spec",
    "digits_images",
    "load_digits",
    "list_images",
    "folder_spec",
    "load_folder",
]

#: Default side length for ``digits`` (the raw images are 8x8).
DIGITS_DEFAULT_SIZE = 16
#: Splits of ``digits``: a fixed, class-stratified 80/20 split, or everything.
DIGITS_SPLITS = ("train", "test", "all")
_DIGITS_TEST_FRACTION = 0.2
_DIGITS_SPLIT_SEED = 0

#: Default side length and channel count for ``folder:PATH``.
FOLDER_DEFAULT_SIZE = 64
FOLDER_DEFAULT_CHANNELS = 3
#: File suffixes (case-insensitive) picked up in ``folder:PATH``.
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp")
_FOLDER_SPLITS = ("train", "all")


# --------------------------------------------------------------------------
# digits
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _digits_split_indices() -> dict:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    bunch = load_digits()
    images = np.asarray(bunch.images, dtype=np.float32) / 16.0  # 0..16 -> [0, 1]
    labels = np.asarray(bunch.target, dtype=np.int32)
    all_idx = np.arange(len(labels))
    train_idx, test_idx = train_test_split(
        all_idx,
        test_size=_DIGITS_TEST_FRACTION,
        random_state=_DIGITS_SPLIT_SEED,
        stratify=labels,
    )
    out = {"images": images, "labels": labels, "train": np.sort(train_idx), "test": np.sort(test_idx), "all": all_idx}
    for arr in out.values():
        arr.setflags(write=False)
    return out


def digits_arrays(split: str = "train") -> Tuple[np.ndarray, np.ndarray]:
    """Raw scikit-learn digits of one split, before resizing.

    The train/test split is a fixed class-stratified 80/20 split
    (``random_state=0``), identical on every machine.

    Args:
        split: ``"train"`` (1437 images), ``"test"`` (360) or ``"all"`` (1797).

    Returns:
        ``(images, labels)``: float32 ``(N, 8, 8)`` in [0, 1] and int32 ``(N,)``
        in 0..9.

    Example:
        >>> x, y = digits_arrays("test")
        >>> x.shape, int(y.max())
        ((360, 8, 8), 9)
    """
    pipeline.check_split(split, DIGITS_SPLITS, "digits")
    d = _digits_split_indices()
    idx = d[split]
    return d["images"][idx], d["labels"][idx]


def digits_spec(image_size=None, channels=None) -> DataSpec:
    """Describe ``digits`` at the requested size/channels.

    Args:
        image_size: Side length (default 16, any int >= 8).
        channels: 1 (default) or 3.

    Returns:
        ``DataSpec("digits", "image", (S, S, C), 10)``.

    Example:
        >>> digits_spec(32, 3).shape
        (32, 32, 3)
    """
    size = pipeline.check_image_size(image_size, default=DIGITS_DEFAULT_SIZE)
    c = pipeline.check_channels(channels, default=1)
    return DataSpec("digits", "image", (size, size, c), 10)


def digits_images(split: str = "train", image_size=None, channels=None) -> Tuple[np.ndarray, np.ndarray]:
    """Digits of one split in memory, resized and scaled like :func:`load_digits` yields them.

    The 8x8 images are resized bilinearly to ``image_size`` (unchanged at
    8), ``channels=3`` repeats the grey channel, and values are mapped to
    [-1, 1]. The digit-derived sets (``digits-edges``, ``digits-rotated``,
    ...) start from these arrays.

    Args:
        split: ``"train"``, ``"test"`` or ``"all"``.
        image_size: Side length (default 16).
        channels: 1 (default) or 3.

    Returns:
        ``(images, labels)``: float32 ``(N, S, S, C)`` in [-1, 1] and int32
        ``(N,)`` in 0..9.

    Example:
        >>> x, y = digits_images("test", 8)
        >>> x.shape, float(x.min()), float(x.max())
        ((360, 8, 8, 1), -1.0, 1.0)
    """
    spec = digits_spec(image_size, channels)
    size, c = spec.shape[0], spec.shape[2]
    images, labels = digits_arrays(split)
    x = tf.constant(images[..., None])
    if size != 8:
        x = tf.image.resize(x, (size, size), method="bilinear")
    if c == 3:
        x = tf.image.grayscale_to_rgb(x)
    return pipeline.to_model_range(x).numpy(), labels


def load_digits(
    batch_size: int,
    *,
    split: str = "train",
    image_size=None,
    channels=None,
    shuffle: bool = True,
    seed: int = 0,
    with_labels: bool = False,
    epoch_size=None,
    drop_remainder: bool = True,
) -> tf.data.Dataset:
    """scikit-learn handwritten digits as a batched ``tf.data`` pipeline.

    The 8x8 images (values 0..16) are resized bilinearly to ``image_size``
    once, in memory, then scaled to [-1, 1]. ``channels=3`` repeats the grey
    channel.

    Args:
        batch_size: Images per batch (validated by the caller).
        split: ``"train"``, ``"test"`` or ``"all"``.
        image_size: Side length (default 16).
        channels: 1 (default) or 3.
        shuffle: Reshuffle every epoch.
        seed: Shuffle seed.
        with_labels: Yield ``(x, y)`` with int32 digit labels.
        epoch_size: Examples per epoch (default: the split size).
        drop_remainder: Drop the last incomplete batch.

    Returns:
        ``tf.data.Dataset`` of float32 ``(B, S, S, C)`` in [-1, 1].

    Example:
        >>> x = next(iter(load_digits(8)))
        >>> x.shape
        TensorShape([8, 16, 16, 1])
    """
    x, labels = digits_images(split, image_size, channels)
    ds = tf.data.Dataset.from_tensor_slices((x, labels) if with_labels else x)
    return pipeline.finalize(
        ds,
        name="digits",
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        shuffle_buffer=len(labels),
        epoch_size=pipeline.check_epoch_size(epoch_size),
        drop_remainder=drop_remainder,
    )


# --------------------------------------------------------------------------
# folder:PATH
# --------------------------------------------------------------------------


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
    if not os.path.exists(path):
        raise DataError(f"image folder {path!r} does not exist")
    if not os.path.isdir(path):
        raise DataError(f"image folder {path!r} is not a directory")
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


def folder_spec(path: str, image_size=None, channels=None, *, name: Optional[str] = None) -> DataSpec:
    """Describe ``folder:PATH`` without decoding any image.

    Args:
        path: Directory of images.
        image_size: Side length (default 64).
        channels: 3 (default) or 1.
        name: Name to record in the spec (default ``"folder:" + path``).

    Returns:
        ``DataSpec(name, "image", (S, S, C), None)`` -- folders have no labels.

    Raises:
        DataError: if the folder is missing or has no images.

    Example:
        >>> folder_spec("/some/folder", 32).shape  # doctest: +SKIP
        (32, 32, 3)
    """
    size = pipeline.check_image_size(image_size, default=FOLDER_DEFAULT_SIZE)
    c = pipeline.check_channels(channels, default=FOLDER_DEFAULT_CHANNELS)
    list_images(path)
    return DataSpec(name or f"folder:{path}", "image", (size, size, c), None)


def _decode_file(path: tf.Tensor, size: int, channels: int) -> tf.Tensor:
    raw = tf.io.read_file(path)
    img = tf.io.decode_image(raw, channels=0, dtype=tf.float32, expand_animations=False)
    img = pipeline.convert_channels(img, channels)
    img = pipeline.resize_square(img, size)
    return pipeline.to_model_range(img)


def load_folder(
    path: str,
    batch_size: int,
    *,
    split: str = "train",
    image_size=None,
    channels=None,
    shuffle: bool = True,
    seed: int = 0,
    with_labels: bool = False,
    epoch_size=None,
    drop_remainder: bool = True,
    name: Optional[str] = None,
) -> tf.data.Dataset:
    """A folder of png/jpg/jpeg/bmp images as a batched ``tf.data`` pipeline.

    Files are found recursively, shuffled by path (cheap), then decoded,
    converted to ``channels`` (grey<->RGB, alpha dropped), centre-cropped to a
    square, resized bilinearly to ``image_size`` and scaled to [-1, 1].
    Unreadable files fail at iteration time with TensorFlow's decode error.

    Args:
        path: Directory of images.
        batch_size: Images per batch (validated by the caller).
        split: ``"train"`` or ``"all"`` (both: every image; folders have no
            test split).
        image_size: Side length (default 64).
        channels: 3 (default) or 1.
        shuffle: Reshuffle every epoch.
        seed: Shuffle seed.
        with_labels: Must be ``False``: folders have no labels.
        epoch_size: Examples per epoch (default: number of files).
        drop_remainder: Drop the last incomplete batch.
        name: Data-set name for messages.

    Returns:
        ``tf.data.Dataset`` of float32 ``(B, S, S, C)`` in [-1, 1].

    Raises:
        DataError: missing/empty folder, or ``with_labels=True``.

    Example:
        >>> ds = load_folder("/some/folder", 16, image_size=32)  # doctest: +SKIP
    """
    name = name or f"folder:{path}"
    pipeline.check_split(split, _FOLDER_SPLITS, name)
    if with_labels:
        raise DataError(f"data set {name!r} has no labels; use with_labels=False")
    spec = folder_spec(path, image_size, channels, name=name)
    size, c = spec.shape[0], spec.shape[2]
    files = list_images(path)
    ds = tf.data.Dataset.from_tensor_slices(files)
    return pipeline.finalize(
        ds,
        name=name,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        shuffle_buffer=len(files),
        epoch_size=pipeline.check_epoch_size(epoch_size),
        drop_remainder=drop_remainder,
        preprocess=lambda p: _decode_file(p, size, c),
    )
