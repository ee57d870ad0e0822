"""Reusable layers that Keras does not have."""

from kerasgan.layers.image_pool import ImageHistoryPool
from kerasgan.layers.minibatch import MinibatchDiscrimination, MinibatchStddev, PackSamples

__all__ = ["ImageHistoryPool", "MinibatchDiscrimination", "MinibatchStddev", "PackSamples"]
