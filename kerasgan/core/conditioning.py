"""Helpers the label-conditional and translation families share."""

from __future__ import annotations

import numpy as np
from keras import ops


def as_labels(labels):
    """Integer labels as an int32 vector of shape (B,) (accepts (B, 1))."""
    return ops.reshape(ops.cast(labels, "int32"), (-1,))


def class_cross_entropy(labels, logits):
    """Per-sample sparse softmax cross-entropy in float32, shape (B,)."""
    return ops.sparse_categorical_crossentropy(
        as_labels(labels), ops.cast(logits, "float32"), from_logits=True
    )


def per_sample_l1(a, b):
    """Mean absolute difference per sample, float32, shape (B,)."""
    diff = ops.abs(ops.cast(a, "float32") - ops.cast(b, "float32"))
    return ops.mean(ops.reshape(diff, (ops.shape(diff)[0], -1)), axis=-1)


def check_label_range(labels, num_classes, what="label"):
    """Validates concrete labels before generation; returns an int32 numpy array.

    Raises:
        ValueError: naming the offending values and the valid range.
    """
    labels = np.asarray(labels).reshape(-1)
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        bad = sorted({int(v) for v in labels if v < 0 or v >= num_classes})[:10]
        raise ValueError(
            f"{what}s must be in [0, {num_classes}); got {bad}. "
            f"This model has {num_classes} {what}s (0..{num_classes - 1})."
        )
    return labels.astype("int32")


def batched_numpy(fn, inputs, batch_size):
    """Runs ``fn`` on slices of a dict of arrays and concatenates numpy outputs."""
    n = len(next(iter(inputs.values())))
    outputs = [
        ops.convert_to_numpy(fn({k: v[i : i + batch_size] for k, v in inputs.items()}))
        for i in range(0, n, batch_size)
    ]
    return np.concatenate(outputs, axis=0).astype("float32")


def labelled_num_classes(data_spec):
    """Class count of a labelled data spec, with a clear error for unlabelled sets."""
    if not data_spec.num_classes:
        raise ValueError(
            f"Data set {data_spec.name!r} has no labels; conditional families need a labelled set "
            "(e.g. digits, ring8, mnist, digits-domains)."
        )
    return int(data_spec.num_classes)


def image_shape_of(data_spec):
    """(H, W, C) of an image data spec, with a clear error for other kinds."""
    if data_spec.kind != "image":
        raise ValueError(
            f"Data set {data_spec.name!r} is {data_spec.kind!r}; this family needs labelled images."
        )
    return data_spec.shape
