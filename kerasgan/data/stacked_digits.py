"""``stacked-digits``: three random scikit-learn digits as the three channels of one image.

The Stacked-MNIST benchmark of mode collapse (Metz et al. 2017; VEEGAN,
PacGAN) on data that ships: each image stacks three digits drawn
independently and uniformly from one split of the 8x8 digits (resized to
16x16 like ``digits``) as its R, G and B channels, so the set has 10**3 =
1000 modes (the class triples), all about equally likely. The label of an
image is its mode, ``100 * c0 + 10 * c1 + c2``.

The draw is deterministic: the triples of a split come from ``seed`` (the
``seed`` of :func:`kerasgan.data.load`, which also seeds the shuffling), so
the same seed gives the same images on every machine. The set declares its
modes (:class:`kerasgan.data.ChannelModes`): the ``modes`` metric judges each
channel with the shipped digits classifier and counts the triples covered.
"""

from __future__ import annotations

import functools

import numpy as np
import tensorflow as tf

from kerasgan.data import pipeline, registry
from kerasgan.data.base import ChannelModes, DataSpec
from kerasgan.data.digits import DIGITS, DIGITS_DEFAULT_SIZE, DIGITS_SPLITS, digits_images
from kerasgan.data.in_memory import arrays_dataset

__all__ = ["STACKED_DIGITS", "STACKED_COUNTS", "STACKED_MODES", "stacked_digits_images", "load_stacked_digits"]

#: Name of the data set.
STACKED_DIGITS = "stacked-digits"
#: Images drawn per split (about 10 per mode in ``train``).
STACKED_COUNTS = {"train": 10_000, "test": 2_000, "all": 12_000}
#: Its modes: one digit class per channel, read by the shipped digits classifier.
STACKED_MODES = ChannelModes(DIGITS, classes=10, channels=3)


def _spec(name=STACKED_DIGITS, image_size=None, channels=None, data_dir=None) -> DataSpec:
    size = pipeline.check_image_size(image_size, default=DIGITS_DEFAULT_SIZE)
    if channels not in (None, STACKED_MODES.channels):
        raise ValueError(
            f"{STACKED_DIGITS} has {STACKED_MODES.channels} channels (one digit each); got "
            f"channels={channels!r}: leave --channels unset or pass 3"
        )
    return DataSpec(STACKED_DIGITS, "image", (size, size, STACKED_MODES.channels), STACKED_MODES.num_modes)


@functools.lru_cache(maxsize=4)
def _stacked(split, size, seed):
    pipeline.check_split(split, DIGITS_SPLITS, STACKED_DIGITS)
    x, labels = digits_images(split, size, 1)
    rng = np.random.default_rng([seed, 15])
    picks = rng.integers(0, len(labels), size=(STACKED_COUNTS[split], STACKED_MODES.channels))
    images = np.concatenate([x[picks[:, k]] for k in range(STACKED_MODES.channels)], axis=-1)
    modes = STACKED_MODES.mode_of(labels[picks]).astype(np.int32)
    images.setflags(write=False)
    modes.setflags(write=False)
    return images, modes


def stacked_digits_images(split: str = "train", image_size=None, seed: int = 0):
    """The stacked digits of one split in memory.

    Args:
        split: ``"train"`` (10,000 images from the 1,437 training digits),
            ``"test"`` (2,000 from the 360 held-out digits) or ``"all"``
            (12,000 from all 1,797).
        image_size: side length (default 16).
        seed: seed of the draw of digit triples.

    Returns:
        ``(images, modes)``: float32 ``(N, S, S, 3)`` in [-1, 1] and int32
        ``(N,)`` in 0..999 (``100 * c0 + 10 * c1 + c2``).

    Example:
        >>> x, y = stacked_digits_images("test")
        >>> x.shape, int(y.max()) < 1000
        ((2000, 16, 16, 3), True)
    """
    spec = _spec(image_size=image_size)
    return _stacked(split, spec.shape[0], int(seed))


def load_stacked_digits(batch_size, *, split="train", image_size=None, channels=None, shuffle=True,
                        seed=0, with_labels=False, epoch_size=None, drop_remainder=True) -> tf.data.Dataset:
    """``stacked-digits`` as a batched ``tf.data`` pipeline (see :func:`kerasgan.data.load`).

    Args:
        batch_size: images per batch.
        split: ``"train"``, ``"test"`` or ``"all"``.
        image_size: side length (default 16).
        channels: ``None`` or 3.
        shuffle: reshuffle every epoch.
        seed: seed of the triples and of the shuffling.
        with_labels: yield ``(x, mode)``.
        epoch_size: images per epoch (default: the split's count).
        drop_remainder: drop the last incomplete batch.

    Returns:
        ``tf.data.Dataset`` of float32 ``(B, S, S, 3)`` in [-1, 1].

    Example:
        >>> next(iter(load_stacked_digits(8))).shape
        TensorShape([8, 16, 16, 3])
    """
    _spec(image_size=image_size, channels=channels)
    x, modes = stacked_digits_images(split, image_size, seed)
    return arrays_dataset(STACKED_DIGITS, x, modes, batch_size, with_labels=with_labels, shuffle=shuffle,
                          seed=seed, epoch_size=epoch_size, drop_remainder=drop_remainder)


def _load(name, batch_size, *, data_dir, **options) -> tf.data.Dataset:
    return load_stacked_digits(batch_size, **options)


registry.register(registry.DataSource(_spec, _load, names=(STACKED_DIGITS,), channel_modes=STACKED_MODES))
