"""Keras callbacks for GAN training.

:class:`EvaluationCallback` runs :mod:`kerasgan.metrics` every ``N`` epochs of
``fit`` and adds the numbers to the epoch's ``logs``, so they land in the
``History`` returned by ``fit`` and in TensorBoard, next to ``d_loss`` and
``g_loss``. The sample pictures in TensorBoard (keras-io's ``GANMonitor``)
are :class:`kerasgan.training.TensorBoardSamples`.
"""

from __future__ import annotations

import os
from typing import Dict, Optional, Sequence

import keras

from kerasgan.metrics.evaluation import Evaluator, scalar_results

__all__ = ["EvaluationCallback"]

#: Result entries that are bookkeeping, not metrics (left out of the logs).
_NOT_LOGGED = ("num_samples", "num_modes")


class EvaluationCallback(keras.callbacks.Callback):
    """Evaluates the model being trained every ``every`` epochs and logs the metrics.

    The real-data statistics are computed once (at the first evaluation) and
    reused. On an evaluation epoch the scalar results (``fid``, ``kid``,
    ``kid_std``, ``is``, ``is_std``, ``is_single``, ``precision``, ``recall``,
    ``modes``, ``mode_kl``, ``mean_confidence`` / ``high_quality``,
    ``parzen_ll`` ...) are added to ``logs`` with ``prefix``; like Keras'
    ``validation_freq``, other epochs carry no such keys, so
    ``history.history["fid"]`` has one entry per evaluation.
    :attr:`results` keeps the full result dicts by epoch (1-based).

    Keras calls callbacks in list order and adds ``History`` last: put this
    callback *before* ``keras.callbacks.TensorBoard`` in ``callbacks=[...]``
    so TensorBoard sees the values, or give ``log_dir`` to have this callback
    write them itself (under ``log_dir/evaluation``).

    Args:
        data: the real data (name, data set, array, ``FeatureStats`` or
            ``.npz``), as for :func:`kerasgan.metrics.evaluate`.
        metrics: metric names (default ``fid, kid, is, modes``; no ``is`` for 2-D points).
        every: evaluate after every ``every``-th epoch (1 = every epoch).
        num_samples: generated samples per evaluation (default: the
            protocol's 10,000 for images, 2,500 for points; fewer is faster
            but biases FID upwards).
        seed: latent seed; the same seed every time, so changes between
            epochs come from the model, not from the noise.
        prefix: prepended to every logged name (e.g. ``"eval_"``).
        log_dir: optional TensorBoard folder to write the values to.
        verbose: 1 prints the values after each evaluation.
        **evaluate_options: other :class:`kerasgan.metrics.Evaluator`
            arguments (``extractor``, ``cache_dir``, ``kid_subsets`` ...).

    Example:
        >>> cb = EvaluationCallback("digits", ["fid", "is"], every=5, num_samples=2000)  # doctest: +SKIP
        >>> history = model.fit(ds, epochs=20, callbacks=[cb])                          # doctest: +SKIP
        >>> history.history["fid"]                                                       # doctest: +SKIP
    """

    def __init__(
        self,
        data,
        metrics: Optional[Sequence[str]] = None,
        every: int = 1,
        *,
        num_samples: Optional[int] = None,
        seed: int = 0,
        prefix: str = "",
        log_dir: Optional[str] = None,
        verbose: int = 0,
        **evaluate_options,
    ):
        super().__init__()
        if int(every) < 1:
            raise ValueError(f"every must be a positive integer, got {every!r}")
        self.every = int(every)
        self.prefix = str(prefix)
        self.log_dir = log_dir
        self.verbose = int(verbose)
        self.evaluator = Evaluator(data, metrics, num_samples=num_samples, seed=seed, **evaluate_options)
        self.results: Dict[int, dict] = {}
        self._writer = None

    def _log_values(self, results) -> Dict[str, float]:
        return {
            self.prefix + key: value
            for key, value in scalar_results(results).items()
            if key not in _NOT_LOGGED
        }

    def on_epoch_end(self, epoch, logs=None):
        """Evaluates on every ``every``-th epoch and adds the values to ``logs``."""
        if (epoch + 1) % self.every:
            return
        results = self.evaluator(self.model)
        self.results[epoch + 1] = results
        values = self._log_values(results)
        if logs is not None:
            logs.update(values)
        if self.log_dir is not None:
            self._write_summaries(values, epoch)
        if self.verbose:
            text = ", ".join(f"{k}={v:.4g}" for k, v in values.items())
            print(f"\nEpoch {epoch + 1} evaluation: {text}")

    def _write_summaries(self, values, epoch):
        import tensorflow as tf

        if self._writer is None:
            self._writer = tf.summary.create_file_writer(os.path.join(self.log_dir, "evaluation"))
        with self._writer.as_default():
            for key, value in values.items():
                tf.summary.scalar(key, value, step=epoch)
        self._writer.flush()

    def on_train_end(self, logs=None):
        """Closes the summary writer, if any."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None

