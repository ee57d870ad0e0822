"""``parzen``: the Parzen-window log-likelihood of real test data under the generated samples.

The window (:class:`~kerasgan.metrics.ParzenWindow`) is centred on every
generated sample; its bandwidth is chosen on validation data and the test
data is scored (Breuleux et al. 2011; Goodfellow et al. 2014). For a named
data set these are its ``train`` and ``test`` splits.
"""

from __future__ import annotations

import numpy as np

from kerasgan.metrics import parzen
from kerasgan.metrics.base import SAMPLES, Metric
from kerasgan.metrics.reference import load_named
from kerasgan.metrics.sources import iter_batches

__all__ = ["ParzenLogLikelihood", "PARZEN_VALIDATION", "PARZEN_TEST"]

#: Validation points (``train`` split) that choose the Parzen bandwidth.
PARZEN_VALIDATION = 1_000
#: Test points (``test`` split) scored by the Parzen window, at most.
PARZEN_TEST = 10_000


def _view(batch, kind):
    """Images flattened and mapped from [-1, 1] to [0, 1] pixels; points as they are."""
    x = np.asarray(batch, dtype=np.float32).reshape(len(batch), -1)
    return (x + 1.0) / 2.0 if kind == "image" else x


class ParzenLogLikelihood(Metric):
    """``parzen``: Parzen-window log-likelihood (nats) of real test data.

    Options: ``parzen_sigmas`` (bandwidth grid, default
    :data:`kerasgan.metrics.parzen.DEFAULT_SIGMAS`), ``parzen_validation`` /
    ``parzen_test`` (data that choose the bandwidth / are scored; needed when
    the real data is not a named data set). Values: ``parzen_ll``,
    ``parzen_se``, ``parzen_sigma``.
    """

    name = "parzen"
    aliases = ("parzen_ll",)
    options = {"parzen_sigmas": None, "parzen_validation": None, "parzen_test": None}

    def inputs(self, kind):
        """Reads the raw samples (the window's centres)."""
        return (SAMPLES,)

    def check_data(self, data_name):
        """Raises ``ValueError`` without a named data set or given validation and test data."""
        given = self.settings["parzen_validation"] is not None and self.settings["parzen_test"] is not None
        if data_name is None and not given:
            raise ValueError(
                "parzen needs a named data set (train split: validation, test split: test) "
                "or parzen_validation= and parzen_test= data"
            )

    def start(self, context):
        """Forgets the centres of an earlier pass."""
        self._kind = context.kind
        self._kept = []

    def update(self, batch):
        """Keeps the batch's samples as window centres."""
        self._kept.append(_view(batch[SAMPLES], self._kind))

    def _sources(self, context):
        validation, test = self.settings["parzen_validation"], self.settings["parzen_test"]
        if validation is not None and test is not None:
            return validation, None, test, None, "given"
        image_size, channels = context.image_size_and_channels
        common = dict(
            image_size=image_size, channels=channels, data_dir=context.data_dir, batch_size=context.batch_size
        )
        name = context.data_name
        validation = load_named(name, "train", num_samples=PARZEN_VALIDATION, **common)
        test = load_named(name, "test", num_samples=PARZEN_TEST, **common)
        described = f"{name}: validation=train[:{PARZEN_VALIDATION}], test=test[:{PARZEN_TEST}]"
        return validation, PARZEN_VALIDATION, test, PARZEN_TEST, described

    def compute(self, generated, reference, context):
        """Chooses the bandwidth on the validation data and scores the test data."""
        kind = context.kind
        validation, n_val, test, n_test, described = self._sources(context)
        sigmas = self.settings["parzen_sigmas"]
        if sigmas is not None:
            sigmas = tuple(float(s) for s in sigmas)
        window = parzen.ParzenWindow(np.concatenate(self._kept), sigmas)

        def view(source, cap):
            return (_view(b, kind) for b in iter_batches(source, cap, batch_size=context.batch_size))

        chosen = parzen.select_bandwidth(window, view(validation, n_val))
        scored = parzen.score(window, chosen["sigma"], view(test, n_test))
        values = {
            "parzen_ll": scored["parzen_ll"],
            "parzen_se": scored["parzen_se"],
            "parzen_sigma": chosen["sigma"],
        }
        protocol = {
            "data": described,
            "num_validation": chosen["num_validation"],
            "num_test": scored["num_test"],
            "num_centres": int(window.centres.shape[0]),
            "sigma_grid": [float(window.sigmas[0]), float(window.sigmas[-1]), int(window.sigmas.size)],
            "sigma_at_edge": chosen["sigma_at_edge"],
            "validation_ll": chosen["validation_ll"],
            "input": "pixels mapped to [0, 1], flattened" if kind == "image" else "raw 2-D points",
        }
        return values, protocol
