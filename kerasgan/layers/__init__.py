"""Reusable layers that Keras does not have."""

from kerasgan.layers.image_pool import ImageHistoryPool

__all__ = ["ImageHistoryPool"]
