"""Reusable layers that Keras does not have."""

from kerasgan.layers.gradient_reversal import GradientReversal, reversal_schedule
from kerasgan.layers.image_pool import ImageHistoryPool

__all__ = ["GradientReversal", "ImageHistoryPool", "reversal_schedule"]
