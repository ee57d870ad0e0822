"""Multi-domain image data for StarGAN: ``digits-domains``, ``digits-styles``; batches ``(image, domain_label)``.

Each digit image of the split is put in exactly one of K = 3 domains (the
images are dealt round-robin, so domains share no source image).
``digits-domains``:

====== =========== =============================================
index  domain      image
====== =========== =============================================
0      original    the digit as is
1      inverted    its negative (:func:`kerasgan.data.transforms.invert`)
2      rotated90   rotated 90 degrees counter-clockwise
====== =========== =============================================

``digits-styles`` keeps the two appearance domains and replaces the
geometric one (a 90-degree rotation, which a convolutional generator can
hardly express; see ``kerasgan/recipes/stargan.yaml``) by another
appearance change:

====== =========== =============================================
index  domain      image
====== =========== =============================================
0      original    the digit as is
1      inverted    its negative
2      thick       thicker strokes (:func:`kerasgan.data.transforms.thicken`,
                   window ``max(2, size // 8)`` as ``digits-thick``)
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
from kerasgan.data.digits_unpaired import thicken_size
from kerasgan.data.base import DataSpec, DomainTruth

__all__ = [
    "DIGITS_DOMAINS",
    "DIGITS_STYLES",
    "DOMAINS",
    "STYLES",
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

#: Name of the appearance-only multi-domain digits set.
DIGITS_STYLES = "digits-styles"
#: Its domain names, by domain index.
STYLES = ("original", "inverted", "thick")


def _thick(x):
    return transforms.thicken(x, thicken_size(np.shape(x)[-3]))


#: name -> (domain names, transform by domain, undo by domain, truth text, undo text).
_SETS = {
    DIGITS_DOMAINS: (
        DOMAINS, DOMAIN_TRANSFORMS, DOMAIN_UNDO,
        "targets[d]: each original digit in domain d (1: its negative, 2: rotated 90 degrees)",
        "original: none; inverted: inverted back (transforms.invert); rotated90: rotated back "
        "(transforms.rotate90, k=-1)",
    ),
    DIGITS_STYLES: (
        STYLES, (transforms.unchanged, transforms.invert, _thick),
        (transforms.unchanged, transforms.invert, transforms.unchanged),
        "targets[d]: each original digit in domain d (1: its negative, 2: thicker strokes, "
        "transforms.thicken window 2 at 16 px)",
        "original: none; inverted: inverted back (transforms.invert); thick: none (a thick digit "
        "is still the digit)",
    ),
}


def _set(name):
    if name not in _SETS:
        raise ValueError(f"not a multi-domain digits set: {name!r}; choices: {', '.join(_SETS)}")
    return _SETS[name]


def domains_spec(image_size=None, channels=None, name: str = DIGITS_DOMAINS) -> DataSpec:
    """Describe ``digits-domains`` (or ``digits-styles``).

    Args:
        image_size: Side length (default 16).
        channels: 1 (default) or 3.
        name: ``"digits-domains"`` (default) or ``"digits-styles"``.

    Returns:
        ``DataSpec(name, "image", (S, S, C), 3)``.

    Example:
        >>> domains_spec().num_classes
        3
    """
    names = _set(name)[0]
    shape = digits.digits_spec(image_size, channels).shape
    return DataSpec(name, "image", shape, len(names))


def domains_arrays(
    split: str = "train", image_size=None, channels=None, name: str = DIGITS_DOMAINS
) -> Tuple[np.ndarray, np.ndarray]:
    """All images of ``digits-domains`` (or ``digits-styles``) with their domain labels, in memory.

    Args:
        split: ``"train"``, ``"test"`` or ``"all"`` (the digits split).
        image_size: Side length (default 16).
        channels: 1 (default) or 3.
        name: ``"digits-domains"`` (default) or ``"digits-styles"``.

    Returns:
        ``(images, domains)``: float32 ``(N, S, S, C)`` in [-1, 1] and int32
        ``(N,)`` in 0..2 (see :data:`DOMAINS`), ordered by domain.

    Example:
        >>> x, d = domains_arrays("test")
        >>> np.bincount(d).tolist()
        [120, 120, 120]
    """
    spec = domains_spec(image_size, channels, name)
    names, make = _set(name)[:2]
    size, c = spec.shape[0], spec.shape[2]
    x, _ = digits.digits_images(split, size, 1)
    parts = digits.disjoint_parts(x, len(names))
    out = np.concatenate([fn(x[idx]) for fn, idx in zip(make, parts)]).astype(np.float32)
    labels = np.concatenate([np.full(len(idx), d, np.int32) for d, idx in enumerate(parts)])
    if c == 3:
        out = np.repeat(out, 3, axis=-1)
    return out, labels


def domains_truth(name: str = DIGITS_DOMAINS, split: str = "test") -> DomainTruth:
    """The ground truth of ``digits-domains`` / ``digits-styles``: every digit of ``split`` in every domain.

    Args:
        name: ``"digits-domains"`` or ``"digits-styles"``.
        split: ``"test"`` (default), ``"train"`` or ``"all"``.

    Returns:
        :class:`kerasgan.data.DomainTruth`: ``source`` the 16x16x1 original
        digits, ``targets[d]`` their image in domain ``d`` (1, 2) made by
        the set's transforms (:data:`DOMAIN_TRANSFORMS` for
        ``digits-domains``), ``domain_names`` (:data:`DOMAINS` /
        :data:`STYLES`), the digit class of each source and the undo of
        each domain (:data:`DOMAIN_UNDO` for ``digits-domains``).

    Example:
        >>> t = domains_truth()
        >>> sorted(t.targets), t.domain_names[2]
        ([1, 2], 'rotated90')
    """
    names, make, undo, text, undo_text = _set(name)
    x, labels = digits.digits_images(split, digits.DIGITS_DEFAULT_SIZE, 1)
    targets = {d: make[d](x) for d in range(1, len(names))}
    return DomainTruth(
        x, targets, names, text, labels=labels, label_set="digits", undo=dict(enumerate(undo)),
        undo_description=undo_text,
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
    name: str = DIGITS_DOMAINS,
) -> tf.data.Dataset:
    """``digits-domains`` (or ``digits-styles``) as a batched ``tf.data`` pipeline.

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
        name: ``"digits-domains"`` (default) or ``"digits-styles"``.

    Returns:
        ``tf.data.Dataset`` of float32 ``(B, S, S, C)`` in [-1, 1], or
        ``(x, domain)``.

    Example:
        >>> x, d = next(iter(load_domains(8, with_labels=True)))
        >>> d.dtype
        tf.int32
    """
    x, labels = domains_arrays(split, image_size, channels, name)
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


def _spec(name, image_size=None, channels=None, data_dir=None) -> DataSpec:
    return domains_spec(image_size, channels, name)


def _load(name, batch_size, *, data_dir, **options) -> tf.data.Dataset:
    return load_domains(batch_size, name=name, **options)


registry.register(registry.DataSource(_spec, _load, names=tuple(_SETS), ground_truth=domains_truth))
