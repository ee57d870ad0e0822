"""Data sets for kerasgan as ``tf.data`` pipelines.

Example:
    >>> from kerasgan import data
    >>> data.spec("digits")
    DataSpec(name='digits', kind='image', shape=(16, 16, 1), num_classes=10)
    >>> ds = data.load("ring8", batch_size=128)
"""

from kerasgan.data import toy2d
from kerasgan.data.base import DataError, DatasetNotPreparedError, DataSpec, UnknownDatasetError
from kerasgan.data.registry import NAMES, available, load, spec
from kerasgan.data.toy2d import TOY2D, GaussianMixture2D

__all__ = [
    "load",
    "spec",
    "available",
    "NAMES",
    "DataSpec",
    "DataError",
    "UnknownDatasetError",
    "DatasetNotPreparedError",
    "TOY2D",
    "GaussianMixture2D",
    "toy2d",
]
