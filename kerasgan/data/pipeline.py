"""Argument validation, image conversion and the common tf.data tail.

Every source builds an *unbatched* dataset of examples and hands it to
:func:`finalize`, which applies the same shuffle / epoch / batch / prefetch
policy everywhere, so ``load("ring8")`` and ``load("mnist")`` behave alike.
"""

from __future__ import annotations

import numbers
from typing import Optional

import numpy as np
import tensorflow as tf

from kerasgan.data.base import DataError

__all__ = [
    "IMAGE_CHANNELS",
    "MIN_IMAGE_SIZE",
    "MAX_IMAGE_SIZE",
    "check_batch_size",
    "check_image_size",
    "check_channels",
    "check_epoch_size",
    "check_split",
    "check_labels",
    "to_unit_range_float",
    "convert_channels",
    "center_crop_square",
    "resize_square",
    "to_model_range",
    "finalize",
]

#: Allowed values of the ``channels`` argument for image data sets.
IMAGE_CHANNELS = (1, 3)
#: Smallest accepted ``image_size``.
MIN_IMAGE_SIZE = 8
#: Largest accepted ``image_size``: one 1024x1024x3 float32 image is 12 MiB, a batch of 64 is 768 MiB.
MAX_IMAGE_SIZE = 1024
#: Upper bound (bytes) of raw examples held in a tf.data shuffle buffer.
_SHUFFLE_BUFFER_BYTES = 256 * 1024 * 1024
_MAX_SHUFFLE_BUFFER = 10_000
_MIN_SHUFFLE_BUFFER = 1_000


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_batch_size(batch_size) -> int:
    """Validate ``batch_size`` (a positive int).

    Args:
        batch_size: Requested examples per batch.

    Returns:
        ``batch_size`` as a Python int.

    Raises:
        ValueError: if it is not an int >= 1.

    Example:
        >>> check_batch_size(64)
        64
    """
    if not _is_int(batch_size) or batch_size <= 0:
        raise ValueError(f"batch_size must be an int >= 1, got {batch_size!r}")
    return int(batch_size)


def check_image_size(image_size, *, default: Optional[int] = None) -> Optional[int]:
    """Validate ``image_size`` (``None`` or an int from 8 to :data:`MAX_IMAGE_SIZE`).

    Every data set that resizes images calls it, so ``--image-size 100000``
    is one line instead of an attempt to allocate a 100000 x 100000 batch.

    Args:
        image_size: Requested square side length in pixels, or ``None``.
        default: Value returned when ``image_size`` is ``None``.

    Returns:
        The size as an int, or ``default``.

    Raises:
        ValueError: if it is not ``None`` and not an int in [8, 1024].

    Example:
        >>> check_image_size(None, default=16)
        16
    """
    if image_size is None:
        return default
    if not _is_int(image_size) or not MIN_IMAGE_SIZE <= image_size <= MAX_IMAGE_SIZE:
        raise ValueError(
            f"image_size (--image-size) must be None or an int >= {MIN_IMAGE_SIZE} and "
            f"<= {MAX_IMAGE_SIZE} (the largest side images are resized to), got {image_size!r}"
        )
    return int(image_size)


def check_channels(channels, *, default: Optional[int] = None) -> Optional[int]:
    """Validate ``channels`` for image data (``None``, 1 or 3).

    Args:
        channels: Requested channel count, or ``None``.
        default: Value returned when ``channels`` is ``None``.

    Returns:
        The channel count as an int, or ``default``.

    Raises:
        ValueError: if it is not ``None``, 1 or 3.

    Example:
        >>> check_channels(3)
        3
    """
    if channels is None:
        return default
    if not _is_int(channels) or int(channels) not in IMAGE_CHANNELS:
        raise ValueError(f"channels must be None, 1 or 3, got {channels!r}")
    return int(channels)


def check_epoch_size(epoch_size) -> Optional[int]:
    """Validate ``epoch_size`` (``None`` or an int >= 1).

    Args:
        epoch_size: Examples per epoch, or ``None`` for the natural size.

    Returns:
        The value as an int, or ``None``.

    Raises:
        ValueError: if it is not ``None`` and not an int >= 1.

    Example:
        >>> check_epoch_size(None) is None
        True
    """
    if epoch_size is None:
        return None
    if not _is_int(epoch_size) or epoch_size <= 0:
        raise ValueError(f"epoch_size must be None or an int >= 1, got {epoch_size!r}")
    return int(epoch_size)


def check_split(split, allowed, name: str) -> str:
    """Validate ``split`` against a fixed tuple of split names.

    Args:
        split: Requested split.
        allowed: Accepted split names.
        name: Data-set name, used in the message.

    Returns:
        ``split`` unchanged.

    Raises:
        ValueError: if ``split`` is not one of ``allowed``.

    Example:
        >>> check_split("train", ("train", "test"), "digits")
        'train'
    """
    if split not in allowed:
        choices = ", ".join(repr(s) for s in allowed)
        raise ValueError(f"split for data set {name!r} must be one of {choices}; got {split!r}")
    return split


def check_labels(labels, num_classes) -> np.ndarray:
    """Validate class labels: integers in ``[0, num_classes)``.

    Call it on eager values (numpy arrays, lists, eager tensors) -- e.g. on
    a batch from :func:`kerasgan.data.load` with ``with_labels=True`` before
    training a conditional model -- to fail early with a readable message
    instead of an out-of-range embedding lookup or one-hot.

    Args:
        labels: Array-like of labels, any shape.
        num_classes: Number of classes (int >= 1), e.g. ``spec(name).num_classes``.

    Returns:
        The labels as an int32 numpy array of the same shape.

    Raises:
        ValueError: ``num_classes`` is not an int >= 1.
        DataError (a ``ValueError``): labels are not integers, or some lie
            outside ``[0, num_classes)``; the message names the bad values
            and the valid range.

    Example:
        >>> check_labels([0, 3, 9], 10)
        array([0, 3, 9], dtype=int32)
        >>> check_labels([0, 10, -1], 10)
        Traceback (most recent call last):
        ...
        kerasgan.data.base.DataError: 2 of 3 labels are outside the class range [0, 10) ...
    """
    if not _is_int(num_classes) or num_classes < 1:
        raise ValueError(f"num_classes must be an int >= 1, got {num_classes!r}")
    num_classes = int(num_classes)
    if isinstance(labels, tf.Tensor):
        labels = labels.numpy()  # symbolic tensors raise here: eager values only
    arr = np.asarray(labels)
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)):
        raise DataError(f"labels must be integers in [0, {num_classes}), got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.floating):
        finite = np.isfinite(arr)
        non_int = ~finite | (np.floor(np.where(finite, arr, 0)) != arr)
        if np.any(non_int):
            bad = np.unique(arr[non_int])[:10]
            raise DataError(
                f"labels must be integers in [0, {num_classes}); got non-integer values {bad.tolist()}"
            )
    bad_mask = (arr < 0) | (arr >= num_classes)
    if np.any(bad_mask):
        bad = np.unique(arr[bad_mask])
        shown = ", ".join(str(v) for v in bad[:10].tolist()) + (", ..." if bad.size > 10 else "")
        raise DataError(
            f"{int(bad_mask.sum())} of {arr.size} labels are outside the class range "
            f"[0, {num_classes}) (valid: 0..{num_classes - 1}); bad values: {shown}"
        )
    return arr.astype(np.int32)


def to_unit_range_float(image: tf.Tensor) -> tf.Tensor:
    """Convert an integer image (uint8/uint16/...) to float32 in [0, 1].

    Float inputs are assumed to already be in [0, 1] and are only cast.

    Args:
        image: Tensor ``(..., H, W, C)``.

    Returns:
        float32 tensor of the same shape in [0, 1].

    Example:
        >>> float(to_unit_range_float(tf.constant([[[255]]], tf.uint8))[0, 0, 0])
        1.0
    """
    return tf.image.convert_image_dtype(image, tf.float32)


def convert_channels(image: tf.Tensor, channels: int) -> tf.Tensor:
    """Convert a float image to ``channels`` (1 or 3), whatever it has now.

    1 -> 3 repeats the grey channel; 3/4 -> 1 uses luma weights; an alpha
    channel (2 or 4 channels) is dropped. Works when the current channel
    count is only known at run time (decoded files).

    Args:
        image: float tensor ``(H, W, C)`` with C in {1, 2, 3, 4}.
        channels: Target channel count, 1 or 3.

    Returns:
        float tensor ``(H, W, channels)``.

    Example:
        >>> convert_channels(tf.zeros([4, 4, 1]), 3).shape
        TensorShape([4, 4, 3])
    """
    static_c = image.shape[-1]
    if static_c is not None:
        if static_c == channels:
            return image
        if static_c in (1, 2):
            grey = image[..., :1]
            return grey if channels == 1 else tf.image.grayscale_to_rgb(grey)
        rgb = image[..., :3]
        return rgb if channels == 3 else tf.image.rgb_to_grayscale(rgb)
    # Channel count unknown until run time: go through RGB.
    num_c = tf.shape(image)[-1]
    rgb = tf.cond(
        num_c >= 3,
        lambda: image[..., :3],
        lambda: tf.image.grayscale_to_rgb(image[..., :1]),
    )
    rgb.set_shape(image.shape[:-1].concatenate([3]))
    return rgb if channels == 3 else tf.image.rgb_to_grayscale(rgb)


def center_crop_square(image: tf.Tensor) -> tf.Tensor:
    """Crop the largest centred square out of an ``(H, W, C)`` image.

    Args:
        image: Tensor ``(H, W, C)``.

    Returns:
        Tensor ``(S, S, C)`` with ``S = min(H, W)``.

    Example:
        >>> center_crop_square(tf.zeros([6, 4, 1])).shape
        TensorShape([4, 4, 1])
    """
    h, w = image.shape[0], image.shape[1]
    if h is not None and w is not None:
        side = min(h, w)
        top, left = (h - side) // 2, (w - side) // 2
        return image[top : top + side, left : left + side, :]
    shape = tf.shape(image)
    side = tf.minimum(shape[0], shape[1])
    top, left = (shape[0] - side) // 2, (shape[1] - side) // 2
    return image[top : top + side, left : left + side, :]


def resize_square(image: tf.Tensor, size: int) -> tf.Tensor:
    """Centre-crop to a square (if needed) and resize bilinearly to ``size``.

    Downscaling is anti-aliased. Images already ``size x size`` are returned
    unchanged.

    Args:
        image: float tensor ``(H, W, C)``.
        size: Output side length.

    Returns:
        float32 tensor ``(size, size, C)``.

    Example:
        >>> resize_square(tf.zeros([28, 28, 1]), 16).shape
        TensorShape([16, 16, 1])
    """
    if image.shape[0] == size and image.shape[1] == size:
        return image
    image = center_crop_square(image)
    out = tf.image.resize(image, (size, size), method="bilinear", antialias=True)
    out.set_shape([size, size, image.shape[-1]])
    return out


def to_model_range(image01: tf.Tensor) -> tf.Tensor:
    """Map a [0, 1] float image to [-1, 1] (float32, clipped).

    Args:
        image01: float tensor in [0, 1].

    Returns:
        float32 tensor in [-1, 1].

    Example:
        >>> float(to_model_range(tf.constant(0.5)))
        0.0
    """
    return tf.clip_by_value(tf.cast(image01, tf.float32) * 2.0 - 1.0, -1.0, 1.0)


def shuffle_buffer_for(example_bytes: int, num_examples: Optional[int]) -> int:
    """Pick a shuffle-buffer size that keeps the buffer under ~256 MiB.

    Args:
        example_bytes: Approximate bytes per buffered example.
        num_examples: Examples in the data set, if known.

    Returns:
        Buffer size in examples (between 1 and 10 000).

    Example:
        >>> shuffle_buffer_for(28 * 28, 60000)
        10000
    """
    size = _SHUFFLE_BUFFER_BYTES // max(1, int(example_bytes))
    size = max(_MIN_SHUFFLE_BUFFER, min(_MAX_SHUFFLE_BUFFER, size))
    if num_examples is not None and num_examples > 0:
        size = min(size, int(num_examples))
    return max(1, size)


def finalize(
    ds: tf.data.Dataset,
    *,
    name: str,
    batch_size: int,
    shuffle: bool,
    seed: int,
    shuffle_buffer: int,
    epoch_size: Optional[int],
    drop_remainder: bool,
    preprocess=None,
) -> tf.data.Dataset:
    """Apply the common shuffle / epoch / map / batch / prefetch tail.

    Order: shuffle raw examples (seeded, reshuffled every iteration), then
    repeat+take when ``epoch_size`` is given, then ``preprocess`` (parallel,
    deterministic order), batch, prefetch.

    Args:
        ds: Unbatched dataset of raw examples.
        name: Data-set name (for messages).
        batch_size: Examples per batch (validated).
        shuffle: Whether to shuffle.
        seed: Shuffle seed.
        shuffle_buffer: Shuffle buffer size in examples.
        epoch_size: Examples per epoch, or ``None`` for one pass.
        drop_remainder: Drop the last incomplete batch.
        preprocess: Optional per-example function applied after shuffling.

    Returns:
        The batched, prefetched ``tf.data.Dataset``.

    Raises:
        ValueError: if the epoch is known to be too short for one full batch
            while ``drop_remainder=True``.

    Example:
        >>> ds = finalize(tf.data.Dataset.range(10), name="r", batch_size=5,
        ...               shuffle=False, seed=0, shuffle_buffer=10,
        ...               epoch_size=None, drop_remainder=True)
        >>> int(ds.cardinality())
        2
    """
    n = int(ds.cardinality())
    effective = epoch_size if epoch_size is not None else (n if n >= 0 else None)
    if drop_remainder and effective is not None and effective < batch_size:
        raise ValueError(
            f"data set {name!r} yields {effective} examples per epoch, fewer than "
            f"batch_size={batch_size}; with drop_remainder=True no batch would be "
            "produced. Use a smaller batch_size, a larger epoch_size, or "
            "drop_remainder=False."
        )
    if shuffle:
        ds = ds.shuffle(max(1, int(shuffle_buffer)), seed=seed, reshuffle_each_iteration=True)
    if epoch_size is not None:
        ds = ds.repeat().take(epoch_size)
    if preprocess is not None:
        ds = ds.map(preprocess, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    return ds.prefetch(tf.data.AUTOTUNE)
