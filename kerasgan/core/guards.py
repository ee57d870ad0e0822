"""Stopping training when a loss stops being a number."""

from __future__ import annotations

import math

import keras

__all__ = ["TerminateOnNonFiniteLoss", "first_non_finite"]


def first_non_finite(logs):
    """``(name, value)`` of the first logged value that is NaN or infinite, else ``None``."""
    for name, value in (logs or {}).items():
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if not math.isfinite(number):
            return name, number
    return None


class TerminateOnNonFiniteLoss(keras.callbacks.Callback):
    """Stops ``fit`` as soon as any logged loss is NaN or infinite.

    ``keras.callbacks.TerminateOnNaN`` watches only ``loss``; a GAN logs
    ``d_loss``, ``g_loss`` and its family's terms, so this watches all of
    them. ``AdversarialModel.fit`` adds it unless told not to
    (``fit(..., terminate_on_non_finite=False)``).

    Attributes:
        stopped: ``None``, or ``{"epoch": N, "name": ..., "value": ...}`` of
            the first non-finite value (epochs counted from 1).
    """

    def __init__(self):
        super().__init__()
        self.stopped = None
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        """Remembers the epoch for the report."""
        self._epoch = epoch + 1

    def on_train_batch_end(self, batch, logs=None):
        """Stops training at the first non-finite logged value."""
        self._check(logs)

    def on_epoch_end(self, epoch, logs=None):
        """Also checks the epoch's means."""
        self._check(logs)

    def _check(self, logs):
        if self.stopped is not None:
            return
        found = first_non_finite(logs)
        if found is not None:
            self.stopped = {"epoch": self._epoch, "name": found[0], "value": found[1]}
            self.model.stop_training = True
