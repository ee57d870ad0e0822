"""The progress bar of ``kerasgan train``: Keras' bar, counting steps that really ran.

With ``steps_per_execution`` > 1 Keras reports the last step of each compiled
call as ``step + steps_per_execution - 1``, even when the epoch ends inside
that call: with 32 steps per call, an epoch of 22 steps showed ``32/22`` and a
negative ETA, one of 39 steps ``64/39``. The batch a call reports is capped at
the epoch's last step here, so the bar is right whatever ``steps_per_execution``.
"""

from __future__ import annotations

import keras

__all__ = ["ProgressBar"]


class ProgressBar(keras.callbacks.ProgbarLogger):
    """``keras.callbacks.ProgbarLogger`` that never counts past the epoch's steps.

    ``fit`` uses it instead of its own bar when it is in ``callbacks``.

    Example:
        >>> model.fit(dataset, epochs=3, callbacks=[ProgressBar()])  # doctest: +SKIP
    """

    def _last_step(self, batch):
        if self.target is None:
            return batch
        return min(int(batch), int(self.target) - 1)

    def on_train_batch_end(self, batch, logs=None):
        """Updates the bar with ``batch`` capped at the epoch's last step."""
        super().on_train_batch_end(self._last_step(batch), logs)

    def on_test_batch_end(self, batch, logs=None):
        """Updates an ``evaluate`` bar with ``batch`` capped at the last step."""
        super().on_test_batch_end(self._last_step(batch), logs)

    def on_predict_batch_end(self, batch, logs=None):
        """Updates a ``predict`` bar with ``batch`` capped at the last step."""
        super().on_predict_batch_end(self._last_step(batch), logs)
