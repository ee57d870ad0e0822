"""Unpaired digits for CycleGAN: ``digits-rotated`` and ``digits-thick``, batches ``(a, b)``.

* ``digits-rotated`` -- A: upright digits, B: digits rotated 90 degrees
  counter-clockwise (:func:`kerasgan.data.transforms.rotate90`);
* ``digits-thick`` -- A: digits, B: thicker-stroke digits (grey dilation,
  :func:`kerasgan.data.transforms.thicken`).

The split's digits are dealt into two disjoint halves
(:func:`kerasgan.data.digits.disjoint_parts`): A is one half as is, B the
other half transformed, so no digit of A has its partner in B. Each domain
is shuffled on its own (:func:`kerasgan.data.two_sided.zip_domains`). The
true a->b translation of any digit is the transform, so both sets have a
ground truth (:func:`kerasgan.data.ground_truth`).
"""

from __future__ import annotations

from typing import Tuple

import numpy as np
import tensorflow as tf

from kerasgan.data import digits, pipeline, registry, transforms, two_sided
from kerasgan.data.base import DataSpec, TranslationTruth

__all__ = [
    "DIGITS_UNPAIRED",
    "thicken_size",
    "digits_unpaired_spec",
    "digits_unpaired_arrays",
    "digits_unpaired_truth",
    "load_digits_unpaired",
]

#: Unpaired sets built from scikit-learn digits.
DIGITS_UNPAIRED = ("digits-rotated", "digits-thick")

_TRUTH = {
    "digits-rotated": (
        "a->b: each digit rotated 90 degrees counter-clockwise (transforms.rotate90, k=1); "
        "b->a: the rotated digit back to upright"
    ),
    "digits-thick": (
        "a->b: each digit with thicker strokes (transforms.thicken, window 2 at 16 px); "
        "b->a: the thick digit back to its original strokes"
    ),
}

#: How a domain-B image is brought back to a plain digit before the digits judge reads it.
_UNDO = {
    "digits-rotated": (lambda x: transforms.rotate90(x, -1), "rotated back (transforms.rotate90, k=-1)"),
    "digits-thick": (transforms.unchanged, "none: a thick digit is still the digit"),
}


def thicken_size(image_size: int) -> int:
    """Dilation window of ``digits-thick``: ``max(2, image_size // 8)`` (2 at 16 px).

    Strokes grow by about one raw 8x8 pixel's worth of width, enough to
    see, not so much that loops close up.

    Args:
        image_size: Side length of the images.

    Returns:
        The window side.

    Example:
        >>> thicken_size(16), thicken_size(32)
        (2, 4)
    """
    return max(2, int(image_size) // 8)


def _transform(name: str, x: np.ndarray) -> np.ndarray:
    """Domain B's image of each digit of ``x`` (1 channel, side ``x.shape[1]``)."""
    if name == "digits-rotated":
        return transforms.rotate90(x, 1)
    return transforms.thicken(x, thicken_size(x.shape[1]))


def digits_unpaired_spec(name: str, image_size=None, channels=None) -> DataSpec:
    """Describe ``digits-rotated`` / ``digits-thick``.

    Args:
        name: ``"digits-rotated"`` or ``"digits-thick"``.
        image_size: Side length (default 16).
        channels: 1 (default) or 3.

    Returns:
        ``DataSpec(name, "unpaired", (S, S, C), None, target_shape=(S, S, C))``.

    Example:
        >>> digits_unpaired_spec("digits-thick").kind
        'unpaired'
    """
    if name not in DIGITS_UNPAIRED:
        raise ValueError(f"not an unpaired digits set: {name!r}; choices: {', '.join(DIGITS_UNPAIRED)}")
    shape = digits.digits_spec(image_size, channels).shape
    return DataSpec(name, "unpaired", shape, None, target_shape=shape)


def digits_unpaired_arrays(
    name: str, split: str = "train", image_size=None, channels=None
) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Both domains of a digits unpaired set, in memory.

    The split's digits (:func:`kerasgan.data.digits.digits_images`) are
    dealt into two disjoint halves (:func:`kerasgan.data.digits.disjoint_parts`);
    A is the first half as is, B the second half transformed.

    Args:
        name: ``"digits-rotated"`` or ``"digits-thick"``.
        split: ``"train"``, ``"test"`` or ``"all"``.
        image_size: Side length (default 16).
        channels: 1 (default) or 3.

    Returns:
        ``(a, b, index_a, index_b)``: float32 ``(N_A, S, S, C)`` and
        ``(N_B, S, S, C)`` images in [-1, 1] and the digit indices within the
        split they come from.

    Example:
        >>> a, b, ia, ib = digits_unpaired_arrays("digits-rotated", "test")
        >>> len(a), len(b), len(set(ia) & set(ib))
        (180, 180, 0)
    """
    spec = digits_unpaired_spec(name, image_size, channels)
    c = spec.shape[2]
    x, _ = digits.digits_images(split, spec.shape[0], 1)
    index_a, index_b = digits.disjoint_parts(x, 2)
    a, b = x[index_a], _transform(name, x[index_b])
    if c == 3:
        a, b = np.repeat(a, 3, axis=-1), np.repeat(b, 3, axis=-1)
    return a.astype(np.float32), b.astype(np.float32), index_a, index_b


def digits_unpaired_truth(name: str, split: str = "test") -> TranslationTruth:
    """The a->b ground truth of a digits unpaired set: every digit of ``split`` and its domain-B image.

    Unlike the training domains (disjoint halves), every digit of the split
    is a source here, since the truth of each is known.

    Args:
        name: ``"digits-rotated"`` or ``"digits-thick"``.
        split: ``"test"`` (default), ``"train"`` or ``"all"``.

    Returns:
        :class:`kerasgan.data.TranslationTruth` of 16x16x1 images with the
        digit class of each source and the undo of the B transform.

    Example:
        >>> t = digits_unpaired_truth("digits-rotated")
        >>> bool((t.target == transforms.rotate90(t.source)).all())
        True
    """
    digits_unpaired_spec(name)
    x, labels = digits.digits_images(split, digits.DIGITS_DEFAULT_SIZE, 1)
    undo, undo_description = _UNDO[name]
    return TranslationTruth(x, _transform(name, x), _TRUTH[name], labels=labels, label_set="digits",
                            undo=undo, undo_description=undo_description)


def load_digits_unpaired(
    name: str,
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
    """``digits-rotated`` / ``digits-thick`` as a batched ``tf.data`` pipeline.

    Args:
        name: ``"digits-rotated"`` or ``"digits-thick"``.
        batch_size: Pairs per batch (validated by the caller).
        split: ``"train"`` (719 + 718 digits), ``"test"`` (180 + 180) or ``"all"``.
        image_size: Side length (default 16).
        channels: 1 (default) or 3.
        shuffle: Shuffle each domain separately, reshuffled every epoch.
        seed: Shuffle seed.
        with_labels: Must be ``False``.
        epoch_size: Pairs per epoch (default: the larger domain).
        drop_remainder: Drop the last incomplete batch.

    Returns:
        ``tf.data.Dataset`` of ``(a, b)``, both float32 ``(B, S, S, C)`` in [-1, 1].

    Example:
        >>> a, b = next(iter(load_digits_unpaired("digits-rotated", 8)))
        >>> a.shape
        TensorShape([8, 16, 16, 1])
    """
    two_sided.reject_labels(name, "unpaired", with_labels)
    a, b, _, _ = digits_unpaired_arrays(name, split, image_size, channels)
    return two_sided.zip_domains(
        tf.data.Dataset.from_tensor_slices(a),
        tf.data.Dataset.from_tensor_slices(b),
        name=name,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        shuffle_buffers=(len(a), len(b)),
        epoch_size=pipeline.check_epoch_size(epoch_size),
        drop_remainder=drop_remainder,
    )


def _spec(name, image_size=None, channels=None, data_dir=None) -> DataSpec:
    return digits_unpaired_spec(name, image_size, channels)


def _load(name, batch_size, *, data_dir, **options) -> tf.data.Dataset:
    return load_digits_unpaired(name, batch_size, **options)


registry.register(registry.DataSource(_spec, _load, names=DIGITS_UNPAIRED, ground_truth=digits_unpaired_truth))
