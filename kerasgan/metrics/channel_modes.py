"""Mode coverage of images whose channels each show one class (Stacked MNIST, ``stacked-digits``).

The protocol of Metz et al. (2017), VEEGAN and PacGAN: every channel of a
sample is classified on its own by a classifier of single images (here the
shipped judge of the data set's ``label_set``), the tuple of classes is the
sample's mode, and the figures are the number of modes that received at
least ``min_count`` samples and ``KL(histogram || uniform)`` over all
``classes ** channels`` modes.
"""

from __future__ import annotations

from typing import Dict

import numpy as np

from kerasgan.metrics.classifier import softmax
from kerasgan.metrics.modes2d import reverse_kl_to_uniform

__all__ = ["ChannelModeCoverage"]


class ChannelModeCoverage:
    """Accumulates the mode histogram of images whose channels are judged one by one.

    Args:
        modes: the data set's :class:`kerasgan.data.ChannelModes`.
        extractor: a feature extractor with logits over ``modes.classes``
            classes, taking one-channel images (the shipped judge).
        min_count: samples a mode needs to count as covered (1).

    Example:
        >>> from kerasgan.data import ChannelModes
        >>> from kerasgan.metrics.extractors import FunctionExtractor
        >>> judge = FunctionExtractor(lambda x: (x[:, 0, 0], np.eye(10)[x[:, 0, 0, 0].astype(int)]),
        ...                           num_classes=10)
        >>> acc = ChannelModeCoverage(ChannelModes("digits", 10, 3), judge)
        >>> acc.update(np.array([1, 2, 3], "float32").reshape(1, 1, 1, 3)).result()["modes"]
        1
    """

    def __init__(self, modes, extractor, min_count: int = 1):
        if extractor.num_classes != modes.classes:
            raise ValueError(
                f"the classifier of {modes.label_set!r} has {extractor.num_classes} classes, "
                f"but the data set declares {modes.classes} per channel"
            )
        self.modes = modes
        self.extractor = extractor
        self.min_count = int(min_count)
        self.counts = np.zeros(modes.num_modes, dtype=np.int64)
        self._confidence_sum = 0.0
        self._seen = 0

    def update(self, samples) -> "ChannelModeCoverage":
        """Adds a batch of images ``(N, H, W, channels)``."""
        x = np.asarray(samples, dtype=np.float32)
        if x.ndim != 4 or x.shape[-1] != self.modes.channels:
            raise ValueError(
                f"images of a set with one {self.modes.label_set} class per channel must have "
                f"{self.modes.channels} channels (N, H, W, {self.modes.channels}); got shape {x.shape}"
            )
        classes, confidence = [], np.zeros(len(x))
        for k in range(self.modes.channels):
            _, logits = self.extractor(x[..., k : k + 1])
            probs = softmax(logits)
            classes.append(np.argmax(probs, axis=1))
            confidence += np.max(probs, axis=1)
        modes = self.modes.mode_of(np.stack(classes, axis=1))
        self.counts += np.bincount(modes, minlength=self.modes.num_modes)
        self._confidence_sum += float(confidence.sum()) / self.modes.channels
        self._seen += len(x)
        return self

    def result(self) -> Dict[str, object]:
        """``{"modes", "num_modes", "mode_kl", "mean_confidence", "counts"}``.

        ``mean_confidence`` is the classifier's mean top probability over
        channels and samples.
        """
        return {
            "modes": int(np.sum(self.counts >= self.min_count)),
            "num_modes": self.modes.num_modes,
            "mode_kl": reverse_kl_to_uniform(self.counts),
            "mean_confidence": self._confidence_sum / self._seen if self._seen else float("nan"),
            "counts": self.counts.tolist(),
        }
