"""Data sets held in memory (numpy arrays) as finished ``tf.data`` pipelines."""

from __future__ import annotations

import tensorflow as tf

from kerasgan.data import pipeline


def arrays_dataset(name, x, labels, batch_size, *, with_labels, shuffle, seed, epoch_size,
                   drop_remainder):
    """``x`` (and ``labels`` when ``with_labels``) batched by :func:`pipeline.finalize`.

    Args:
        name: the data set's name (for error messages).
        x: numpy array of examples.
        labels: numpy array of labels, one per example.
        batch_size, shuffle, seed, epoch_size, drop_remainder: see ``kerasgan.data.load``.
        with_labels: yield ``(x, label)`` pairs instead of ``x``.

    Returns:
        The batched ``tf.data.Dataset`` (the shuffle buffer holds the whole set).
    """
    ds = tf.data.Dataset.from_tensor_slices((x, labels) if with_labels else x)
    return pipeline.finalize(
        ds,
        name=name,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        shuffle_buffer=len(labels),
        epoch_size=pipeline.check_epoch_size(epoch_size),
        drop_remainder=drop_remainder,
    )
