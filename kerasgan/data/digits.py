"""scikit-learn's handwritten digits: the ``digits`` image set and the arrays every digits-derived set starts from.

The 8x8 images (values 0..16) ship with scikit-learn, so nothing is
downloaded. A fixed class-stratified 80/20 split (``random_state=0``) gives
``train``/``test``; images are resized bilinearly (16x16 by default) and
scaled to float32 NHWC in [-1, 1].
"""

from __future__ import annotations

import functools
from typing import List, Tuple

import numpy as np
import tensorflow as tf

from kerasgan.data import pipeline, registry
from kerasgan.data.in_memory import arrays_dataset
from kerasgan.data.base import DataSpec

__all__ = [
    "DIGITS",
    "DIGITS_DEFAULT_SIZE",
    "DIGITS_SPLITS",
    "IN_MEMORY_BYTES",
    "digits_arrays",
    "digits_spec",
    "digits_images",
    "disjoint_parts",
    "load_digits",
]

#: Name of the image set.
DIGITS = "digits"
#: Default side length for ``digits`` (the raw images are 8x8).
DIGITS_DEFAULT_SIZE = 16
#: Splits of ``digits``: a fixed, class-stratified 80/20 split, or everything.
DIGITS_SPLITS = ("train", "test", "all")
_DIGITS_TEST_FRACTION = 0.2
_DIGITS_SPLIT_SEED = 0
#: The digits sets hold every resized image in memory (float32): at most this many bytes per array.
IN_MEMORY_BYTES = 1 << 30
_DIGITS_COUNT = 1797


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
    pipeline.check_split(split, DIGITS_SPLITS, DIGITS)
    d = _digits_split_indices()
    idx = d[split]
    return d["images"][idx], d["labels"][idx]


def digits_spec(image_size=None, channels=None) -> DataSpec:
    """Describe ``digits`` at the requested size/channels.

    Args:
        image_size: Side length (default 16; from 8 up to what fits in
            :data:`IN_MEMORY_BYTES`: 386 with 1 channel, 223 with 3).
        channels: 1 (default) or 3.

    Returns:
        ``DataSpec("digits", "image", (S, S, C), 10)``.

    Raises:
        ValueError: a bad ``image_size`` or ``channels``, or a size at which
            the 1,797 images would take more than :data:`IN_MEMORY_BYTES`.

    Example:
        >>> digits_spec(32, 3).shape
        (32, 32, 3)
    """
    size = pipeline.check_image_size(image_size, default=DIGITS_DEFAULT_SIZE)
    c = pipeline.check_channels(channels, default=1)
    needed = _DIGITS_COUNT * size * size * c * 4
    if needed > IN_MEMORY_BYTES:
        largest = int((IN_MEMORY_BYTES / (_DIGITS_COUNT * c * 4)) ** 0.5)
        raise ValueError(
            f"image_size (--image-size) {size} is too large for the digits data sets, which hold "
            f"their {_DIGITS_COUNT} images in memory: {needed / 2**20:.0f} MiB with {c} channel(s), "
            f"over the limit of {IN_MEMORY_BYTES / 2**20:.0f} MiB; pass --image-size {largest} or less"
        )
    return DataSpec(DIGITS, "image", (size, size, c), 10)


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


def disjoint_parts(x: np.ndarray, parts: int) -> List[np.ndarray]:
    """Deal images into ``parts`` groups with no image content shared between groups.

    Image ``i`` goes to group ``i % parts``, except that exact duplicates
    always follow their first occurrence, so no image of one group equals an
    image of another. The unpaired and multi-domain digits sets use it so
    that no digit appears in two domains.

    Args:
        x: Array ``(N, ...)``.
        parts: Number of groups (int >= 1).

    Returns:
        ``parts`` sorted int index arrays that partition ``range(N)``.

    Example:
        >>> [p.tolist() for p in disjoint_parts(np.array([5, 6, 5, 7]), 2)]
        [[0, 2, 3], [1]]
    """
    flat = np.asarray(x).reshape(len(x), -1)
    _, first, inverse = np.unique(flat, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    # Number groups by first appearance; deal the groups round-robin.
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    part = rank[inverse] % parts
    return [np.flatnonzero(part == p) for p in range(parts)]


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
    return arrays_dataset(DIGITS, x, labels, batch_size, with_labels=with_labels, shuffle=shuffle,
                          seed=seed, epoch_size=epoch_size, drop_remainder=drop_remainder)


def _spec(name, image_size=None, channels=None, data_dir=None) -> DataSpec:
    return digits_spec(image_size, channels)


def _load(name, batch_size, *, data_dir, **options) -> tf.data.Dataset:
    return load_digits(batch_size, **options)


registry.register(registry.DataSource(_spec, _load, names=(DIGITS,)))
