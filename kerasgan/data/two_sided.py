"""What the paired and unpaired sources share: the pair direction, the label refusal, zipping two domains."""

from __future__ import annotations

from typing import Optional, Tuple

import tensorflow as tf

from kerasgan.data import pipeline
from kerasgan.data.base import DataError

__all__ = ["DIRECTIONS", "check_direction", "reject_labels", "zip_domains"]

#: Accepted values of ``direction`` (paired sets).
DIRECTIONS = ("AtoB", "BtoA")

_WHAT = {
    "paired": "(source, target) image pairs",
    "unpaired": "unpaired (a, b) images from two domains",
}


def check_direction(direction) -> str:
    """Validate ``direction`` (``None`` means ``"AtoB"``).

    Args:
        direction: ``None``, ``"AtoB"`` or ``"BtoA"``.

    Returns:
        ``"AtoB"`` or ``"BtoA"``.

    Example:
        >>> check_direction(None)
        'AtoB'
    """
    if direction is None:
        return "AtoB"
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'AtoB' or 'BtoA', got {direction!r}")
    return direction


def reject_labels(name: str, kind: str, with_labels: bool) -> None:
    """Raise :class:`DataError` when labels are asked of a paired or unpaired set (they have none).

    Args:
        name: Data-set name for the message.
        kind: ``"paired"`` or ``"unpaired"``.
        with_labels: The caller's ``with_labels``.

    Example:
        >>> reject_labels("digits-edges", "paired", False)
    """
    if with_labels:
        raise DataError(f"data set {name!r} yields {_WHAT[kind]} and has no class labels; use with_labels=False")


def zip_domains(
    ds_a: tf.data.Dataset,
    ds_b: tf.data.Dataset,
    *,
    name: str,
    batch_size: int,
    shuffle: bool,
    seed: int,
    shuffle_buffers: Tuple[int, int],
    epoch_size: Optional[int],
    drop_remainder: bool,
    preprocess=None,
) -> tf.data.Dataset:
    """Shuffle two unbatched domains separately, zip them, batch.

    Domain A is shuffled with ``seed`` and B with ``seed + 1``; each is
    repeated (a fresh shuffle per pass) and cut to the epoch length:
    ``epoch_size`` or the larger domain's size. ``preprocess(a, b)`` runs
    after zipping; then :func:`kerasgan.data.pipeline.finalize` batches.

    Args:
        ds_a, ds_b: Unbatched datasets with known, non-zero cardinality.
        name, batch_size, shuffle, seed, epoch_size, drop_remainder,
            preprocess: as for :func:`kerasgan.data.pipeline.finalize`.
        shuffle_buffers: Buffer sizes (examples) of the two domains.

    Returns:
        ``tf.data.Dataset`` of batched ``(a, b)``.

    Example:
        >>> a, b = tf.data.Dataset.range(3), tf.data.Dataset.range(10, 15)
        >>> ds = zip_domains(a, b, name="r", batch_size=5, shuffle=False, seed=0,
        ...                  shuffle_buffers=(3, 5), epoch_size=None, drop_remainder=True)
        >>> [x.numpy().tolist() for x in next(iter(ds))]
        [[0, 1, 2, 0, 1], [10, 11, 12, 13, 14]]
    """
    sizes = []
    for label, ds in (("A", ds_a), ("B", ds_b)):
        n = int(ds.cardinality())
        if n == 0:
            raise DataError(f"data set {name!r}: domain {label} is empty")
        if n < 0 and epoch_size is None:
            raise DataError(f"data set {name!r}: the size of domain {label} is unknown; pass epoch_size")
        sizes.append(n)
    n = epoch_size if epoch_size is not None else max(sizes)

    def domain(ds, buffer, domain_seed):
        if shuffle:
            ds = ds.shuffle(max(1, int(buffer)), seed=domain_seed, reshuffle_each_iteration=True)
        return ds.repeat().take(n)

    zipped = tf.data.Dataset.zip(
        domain(ds_a, shuffle_buffers[0], seed), domain(ds_b, shuffle_buffers[1], seed + 1)
    )
    return pipeline.finalize(
        zipped,
        name=name,
        batch_size=batch_size,
        shuffle=False,
        seed=seed,
        shuffle_buffer=1,
        epoch_size=None,
        drop_remainder=drop_remainder,
        preprocess=preprocess,
    )
