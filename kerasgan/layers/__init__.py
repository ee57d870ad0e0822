"""Reusable layers that Keras does not have."""

from kerasgan.layers.image_pool import ImageHistoryPool
from kerasgan.layers.self_attention import SelfAttention

__all__ = ["ImageHistoryPool", "SelfAttention"]
