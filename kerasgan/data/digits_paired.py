"""Paired digits for pix2pix: ``digits-edges``, ``digits-inverse``, ``edges-digits``; batches ``(source, target)``.

* ``digits-edges`` -- source: a scikit-learn digit, target: its binary edge
  map (:func:`kerasgan.data.transforms.edge_map`, +1 on edges);
* ``digits-inverse`` -- source: a digit, target: its negative (``-source``);
* ``edges-digits`` -- the generative direction of ``digits-edges`` (the
  pix2pix paper's edges -> photo): source the edge map, target the digit.

Pair ``i`` of a batch is aligned (the target is the translation of that
very source); ``direction="BtoA"`` swaps the two. Since the target is a
known function of the source, both sets have a ground truth
(:func:`kerasgan.data.ground_truth`).
"""

from __future__ import annotations

from typing import Tuple

import numpy as np
import tensorflow as tf

from kerasgan.data import digits, pipeline, registry, transforms, two_sided
from kerasgan.data.base import DataSpec, TranslationTruth

__all__ = [
    "DIGITS_PAIRED",
    "EDGE_THRESHOLD",
    "digits_pair_spec",
    "digits_pair_arrays",
    "digits_pair_truth",
    "load_digits_pairs",
]

#: Paired sets built from scikit-learn digits.
DIGITS_PAIRED = ("digits-edges", "digits-inverse", "edges-digits")
#: Edge threshold of ``digits-edges`` ([0, 1] intensity change over a 3x3 window).
EDGE_THRESHOLD = 0.5

_TRUTH = {
    "digits-edges": (
        f"target: the binary edge map of each source digit (transforms.edge_map, threshold {EDGE_THRESHOLD})"
    ),
    "digits-inverse": "target: the negative of each source digit (transforms.invert)",
    "edges-digits": (
        f"target: the digit whose binary edge map (transforms.edge_map, threshold {EDGE_THRESHOLD}) "
        "is the source"
    ),
}
#: How a translation is brought back to a plain digit before the digits judge reads it.
_UNDO = {
    "digits-edges": (transforms.unchanged, "none: an edge map has no inverse, so it is classified "
                     "as drawn (the true edge maps' figure is the ceiling)"),
    "digits-inverse": (transforms.invert, "inverted back (transforms.invert)"),
    "edges-digits": (transforms.unchanged, "none: the output is a digit"),
}


def digits_pair_spec(name: str, image_size=None, channels=None) -> DataSpec:
    """Describe ``digits-edges`` / ``digits-inverse`` / ``edges-digits``.

    Args:
        name: ``"digits-edges"``, ``"digits-inverse"`` or ``"edges-digits"``.
        image_size: Side length (default 16).
        channels: 1 (default) or 3.

    Returns:
        ``DataSpec(name, "paired", (S, S, C), None, target_shape=(S, S, C))``.

    Example:
        >>> digits_pair_spec("digits-inverse").target_shape
        (16, 16, 1)
    """
    if name not in DIGITS_PAIRED:
        raise ValueError(f"not a paired digits set: {name!r}; choices: {', '.join(DIGITS_PAIRED)}")
    shape = digits.digits_spec(image_size, channels).shape
    return DataSpec(name, "paired", shape, None, target_shape=shape)


def digits_pair_arrays(
    name: str, split: str = "train", image_size=None, channels=None
) -> Tuple[np.ndarray, np.ndarray]:
    """All ``(source, target)`` pairs of a digits paired set, in memory.

    Sources are :func:`kerasgan.data.digits.digits_images` of ``split`` (the
    fixed digits train/test split); targets are computed on the grey image at
    the final size, then channels are repeated. ``edges-digits`` is
    ``digits-edges`` with source and target swapped (edge map -> digit).

    Args:
        name: ``"digits-edges"``, ``"digits-inverse"`` or ``"edges-digits"``.
        split: ``"train"``, ``"test"`` or ``"all"``.
        image_size: Side length (default 16).
        channels: 1 (default) or 3.

    Returns:
        ``(source, target)``: float32 ``(N, S, S, C)`` arrays in [-1, 1].

    Example:
        >>> s, t = digits_pair_arrays("digits-inverse", "test")
        >>> bool((t == -s).all())
        True
    """
    spec = digits_pair_spec(name, image_size, channels)
    size, c = spec.shape[0], spec.shape[2]
    source, _ = digits.digits_images(split, size, 1)
    if name in ("digits-edges", "edges-digits"):
        target = transforms.edge_map(source, threshold=EDGE_THRESHOLD)
        if name == "edges-digits":
            source, target = target, source
    else:
        target = transforms.invert(source)
    if c == 3:
        source, target = np.repeat(source, 3, axis=-1), np.repeat(target, 3, axis=-1)
    return source.astype(np.float32), target.astype(np.float32)


def digits_pair_truth(name: str, split: str = "test") -> TranslationTruth:
    """The ground truth of a digits paired set: every digit of ``split`` and its target.

    Args:
        name: ``"digits-edges"``, ``"digits-inverse"`` or ``"edges-digits"``.
        split: ``"test"`` (default), ``"train"`` or ``"all"``.

    Returns:
        :class:`kerasgan.data.TranslationTruth` of 16x16x1 images (the pairs
        of :func:`digits_pair_arrays`) with the digit class of each source
        and the undo of the target transform.

    Example:
        >>> digits_pair_truth("digits-edges").source.shape
        (360, 16, 16, 1)
    """
    source, target = digits_pair_arrays(name, split)
    _, labels = digits.digits_images(split, digits.DIGITS_DEFAULT_SIZE, 1)
    undo, undo_description = _UNDO[name]
    return TranslationTruth(source, target, _TRUTH[name], labels=labels, label_set="digits",
                            undo=undo, undo_description=undo_description)


def load_digits_pairs(
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
    direction=None,
) -> tf.data.Dataset:
    """``digits-edges`` / ``digits-inverse`` / ``edges-digits`` as a batched ``tf.data`` pipeline.

    Args:
        name: ``"digits-edges"``, ``"digits-inverse"`` or ``"edges-digits"``.
        batch_size: Pairs per batch (validated by the caller).
        split: ``"train"`` (1437 pairs), ``"test"`` (360) or ``"all"``.
        image_size: Side length (default 16).
        channels: 1 (default) or 3.
        shuffle: Reshuffle (pairs stay together) every epoch.
        seed: Shuffle seed.
        with_labels: Must be ``False``.
        epoch_size: Pairs per epoch (default: the split size).
        drop_remainder: Drop the last incomplete batch.
        direction: ``"AtoB"`` (the set's own direction, default) or ``"BtoA"``.

    Returns:
        ``tf.data.Dataset`` of ``(source, target)``, both float32
        ``(B, S, S, C)`` in [-1, 1].

    Example:
        >>> src, tgt = next(iter(load_digits_pairs("digits-edges", 8)))
        >>> src.shape == tgt.shape
        True
    """
    two_sided.reject_labels(name, "paired", with_labels)
    direction = two_sided.check_direction(direction)
    source, target = digits_pair_arrays(name, split, image_size, channels)
    if direction == "BtoA":
        source, target = target, source
    ds = tf.data.Dataset.from_tensor_slices((source, target))
    return pipeline.finalize(
        ds,
        name=name,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        shuffle_buffer=len(source),
        epoch_size=pipeline.check_epoch_size(epoch_size),
        drop_remainder=drop_remainder,
    )


def _spec(name, image_size=None, channels=None, data_dir=None) -> DataSpec:
    return digits_pair_spec(name, image_size, channels)


def _load(name, batch_size, *, data_dir, **options) -> tf.data.Dataset:
    return load_digits_pairs(name, batch_size, **options)


registry.register(
    registry.DataSource(_spec, _load, names=DIGITS_PAIRED, directions=True, ground_truth=digits_pair_truth)
)
