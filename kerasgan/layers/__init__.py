"""Reusable layers that Keras does not have."""

from kerasgan.layers.gradient_reversal import GradientReversal, reversal_schedule
from kerasgan.layers.image_pool import ImageHistoryPool
from kerasgan.layers.minibatch import MinibatchDiscrimination, MinibatchStddev, PackSamples
from kerasgan.layers.self_attention import SelfAttention

__all__ = [
    "GradientReversal", "ImageHistoryPool", "MinibatchDiscrimination", "MinibatchStddev", "PackSamples",
    "SelfAttention", "reversal_schedule",
]
