"""Data sets for kerasgan as ``tf.data`` pipelines.

``spec(name).kind`` says what one element of ``load(name)`` is: ``x`` (or
``(x, y)`` with ``with_labels=True``) for "points" and "image" sets,
``(source, target)`` for "paired" sets (pix2pix), ``(a, b)`` for "unpaired"
sets (CycleGAN). ``digits-domains`` is a labelled image set whose labels are
StarGAN domains (see :mod:`kerasgan.data.domains`).

Example:
    >>> from kerasgan import data
    >>> data.spec("digits")
    DataSpec(name='digits', kind='image', shape=(16, 16, 1), num_classes=10)
    >>> ds = data.load("ring8", batch_size=128)
    >>> src, tgt = next(iter(data.load("digits-edges", 8)))
"""

from kerasgan.data import toy2d, transforms
from kerasgan.data.base import KINDS, DataError, DatasetNotPreparedError, DataSpec, UnknownDatasetError
from kerasgan.data.domains import DOMAINS
from kerasgan.data.pipeline import check_labels
from kerasgan.data.registry import NAMES, available, load, spec
from kerasgan.data.toy2d import TOY2D, GaussianMixture2D

__all__ = [
    "load",
    "spec",
    "available",
    "check_labels",
    "NAMES",
    "KINDS",
    "DOMAINS",
    "DataSpec",
    "DataError",
    "UnknownDatasetError",
    "DatasetNotPreparedError",
    "TOY2D",
    "GaussianMixture2D",
    "toy2d",
    "transforms",
]
