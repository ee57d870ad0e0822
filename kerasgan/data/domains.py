"""Multi-domain image data for StarGAN: ``digits-domains``, batches ``(image, domain_label)``.

Each digit image of the split is put in exactly one of K = 3 domains (the
images are dealt round-robin, so domains share no source image):

====== =========== =============================================
index  domain      image
====== =========== =============================================
0      original    the digit as is
1      inverted    its negative (:func:`kerasgan.data.transforms.invert`)
2      rotated90   rotated 90 degrees counter-clockwise
====== =========== =============================================

It is a labelled image set (``DataSpec(kind="image", num_classes=3)``):
``load("digits-domains", with_labels=True)`` yields ``(image, domain)`` with
int32 domains, exactly like ``load("digits", with_labels=True)`` yields digit
classes for cGAN/ACGAN; without ``with_labels`` it yields the images alone.
Its ground truth (:func:`kerasgan.data.ground_truth`) is every digit of a
split in each domain.
"""

from __future__ import annotations

from typing import Tuple

import numpy as np
import tensorflow as tf

from kerasgan.data import digits, pipeline, registry, transforms
from kerasgan.data.base import DataSpec, DomainTruth

__all__ = [
    "DIGITS_DOMAINS",
    "DOMAINS",
    "DOMAIN_TRANSFORMS",
    "DOMAIN_UNDO",
    "domains_spec",
    "domains_arrays",
    "domains_truth",
    "load_domains",
]

#: Name of the multi-domain digits set.
DIGITS_DOMAINS = "digits-domains"
#: Domain names, by domain index.
DOMAINS = ("original", "inverted", "rotated90")

#: The transform that makes each domain from an original digit, by domain index.
DOMAIN_TRANSFORMS = (
    lambda x: x,
    transforms.invert,
    lambda x: transforms.rotate90(x, 1),
)
_DOMAIN_TRANSFORMS = DOMAIN_TRANSFORMS  # the former private name, still imported by callers
#: The inverse of each domain's transform (back to the original digit), by domain index.
DOMAIN_UNDO = (
    transforms.unchanged,
    transforms.invert,
    lambda x: transforms.rotate90(x, -1),
)


def domains_spec(image_size=None, channels=None) -> DataSpec:
    """Describe ``digits-domains``.

    Returns:
        ``DataSpec("digits-domains", "image", (S, S, C), 3)``.

    Example:
        >>> domains_spec().num_classes
        3
    """
    shape = digits.digits_spec(image_size, channels).shape
    return DataSpec(DIGITS_DOMAINS, "image", shape, len(DOMAINS))


def domains_arrays(split: str = "train", image_size=None, channels=None) -> Tuple[np.ndarray, np.ndarray]:
    """All images of ``digits-domains`` with their domain labels, in memory.

    Args:
        split: ``"train"``, ``"test"`` or ``"all"`` (the digits split).
        image_size: Side length (default 16).
        channels: 1 (default) or 3.

    Returns:
        ``(images, domains)``: float32 ``(N, S, S, C)`` in [-1, 1] and int32
        ``(N,)`` in 0..2 (see :data:`DOMAINS`), ordered by domain.

    Example:
        >>> x, d = domains_arrays("test")
        >>> np.bincount(d).tolist()
        [120, 120, 120]
    """
    spec = domains_spec(image_size, channels)
    size, c = spec.shape[0], spec.shape[2]
    x, _ = digits.digits_images(split, size, 1)
    parts = digits.disjoint_parts(x, len(DOMAINS))
    out = np.concatenate([fn(x[idx]) for fn, idx in zip(DOMAIN_TRANSFORMS, parts)]).astype(np.float32)
    labels = np.concatenate([np.full(len(idx), d, np.int32) for d, idx in enumerate(parts)])
    if c == 3:
        out = np.repeat(out, 3, axis=-1)
    return out, labels


def domains_truth(name: str = DIGITS_DOMAINS, split: str = "test") -> DomainTruth:
    """The ground truth of ``digits-domains``: every digit of ``split`` in every domain.

    Args:
        name: ``"digits-domains"``.
        split: ``"test"`` (default), ``"train"`` or ``"all"``.

    Returns:
        :class:`kerasgan.data.DomainTruth`: ``source`` the 16x16x1 original
        digits, ``targets[d]`` their image in domain ``d`` (1, 2) made by
        :data:`DOMAIN_TRANSFORMS`, ``domain_names`` :data:`DOMAINS`, the
        digit class of each source and :data:`DOMAIN_UNDO`.

    Example:
        >>> t = domains_truth()
        >>> sorted(t.targets), t.domain_names[2]
        ([1, 2], 'rotated90')
    """
    x, labels = digits.digits_images(split, digits.DIGITS_DEFAULT_SIZE, 1)
    targets = {d: DOMAIN_TRANSFORMS[d](x) for d in range(1, len(DOMAINS))}
    return DomainTruth(
        x, targets, DOMAINS, "targets[d]: each original digit in domain d (1: its negative, 2: rotated 90 degrees)",
        labels=labels, label_set="digits", undo=dict(enumerate(DOMAIN_UNDO)),
        undo_description="original: none; inverted: inverted back (transforms.invert); rotated90: "
                         "rotated back (transforms.rotate90, k=-1)",
    )


def load_domains(
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
    """``digits-domains`` as a batched ``tf.data`` pipeline.

    Args:
        batch_size: Images per batch (validated by the caller).
        split: ``"train"`` (479 per domain), ``"test"`` (120) or ``"all"``.
        image_size: Side length (default 16).
        channels: 1 (default) or 3.
        shuffle: Reshuffle (domains mixed) every epoch.
        seed: Shuffle seed.
        with_labels: Yield ``(image, domain)`` with int32 domain labels.
        epoch_size: Images per epoch (default: the split size).
        drop_remainder: Drop the last incomplete batch.

    Returns:
        ``tf.data.Dataset`` of float32 ``(B, S, S, C)`` in [-1, 1], or
        ``(x, domain)``.

    Example:
        >>> x, d = next(iter(load_domains(8, with_labels=True)))
        >>> d.dtype
        tf.int32
    """
    x, labels = domains_arrays(split, image_size, channels)
    ds = tf.data.Dataset.from_tensor_slices((x, labels) if with_labels else x)
    return pipeline.finalize(
        ds,
        name=DIGITS_DOMAINS,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        shuffle_buffer=len(labels),
        epoch_size=pipeline.check_epoch_size(epoch_size),
        drop_remainder=drop_remainder,
    )


def _spec(name, image_size=None, channels=None, data_dir=None) -> DataSpec:
    return domains_spec(image_size, channels)


def _load(name, batch_size, *, data_dir, **options) -> tf.data.Dataset:
    return load_domains(batch_size, **options)


registry.register(registry.DataSource(_spec, _load, names=(DIGITS_DOMAINS,), ground_truth=domains_truth))
