"""Parzen-window (Gaussian kernel density) log-likelihood.

The protocol of Breuleux et al. (2011), used by Goodfellow et al. (2014) for
GANs: fit an isotropic Gaussian kernel density to ``G`` generated samples
``g_1..g_G`` (the paper: 10,000), choose its bandwidth ``sigma`` by maximising
the mean log-likelihood of a validation set, then report the mean
log-likelihood (nats) of a test set and its standard error::

    log p(x) = logsumexp_i( -||x - g_i||^2 / (2 sigma^2) ) - log G - (D/2) log(2 pi sigma^2)

Images are flattened and (by :func:`kerasgan.metrics.parzen_log_likelihood`)
mapped to [0, 1] pixel values first, like Goodfellow et al.'s MNIST numbers;
2-D points are used as they are. The estimate is known to be high-variance
and a poor likelihood proxy in high dimension (Theis et al. 2016): use it to
compare with those papers, not as a model-selection criterion.

:class:`ParzenWindow` holds the generated samples (the kernel centres, which
the estimator needs) and scores validation and test data batch by batch.
"""

from __future__ import annotations

import math
from typing import Dict, Iterable, Optional

import numpy as np

__all__ = ["ParzenWindow", "DEFAULT_SIGMAS", "select_bandwidth", "score", "parzen_from_arrays"]

#: Bandwidth grid (log-spaced from 1e-3 to 10^0.5, 10 per decade); covers 2-D
#: mixtures with std 0.01 and [0, 1] images alike.
DEFAULT_SIGMAS = tuple(float(s) for s in np.logspace(-3.0, 0.5, 36))
_CHUNK_ELEMENTS = 1 << 22


class ParzenWindow:
    """Gaussian Parzen window over fixed kernel centres, scored in batches.

    Args:
        centres: ``(G, D)`` generated samples (higher ranks are flattened).
        sigmas: bandwidth grid (default :data:`DEFAULT_SIGMAS`).

    Example:
        >>> import numpy as np
        >>> pw = ParzenWindow(np.zeros((1, 1)), sigmas=[1.0])
        >>> round(float(pw.log_likelihood(np.zeros((1, 1)))[0, 0]), 6)  # log N(0; 0, 1)
        -0.918939
    """

    def __init__(self, centres, sigmas: Optional[Iterable[float]] = None):
        c = np.asarray(centres, dtype=np.float64)
        c = c.reshape(c.shape[0], -1)
        if c.shape[0] < 1:
            raise ValueError("the Parzen window needs at least one generated sample")
        if not np.all(np.isfinite(c)):
            raise ValueError("generated samples contain NaN or inf")
        s = np.asarray(DEFAULT_SIGMAS if sigmas is None else list(sigmas), dtype=np.float64)
        if s.ndim != 1 or s.size == 0 or np.any(~(s > 0)) or not np.all(np.isfinite(s)):
            raise ValueError(f"sigmas must be a non-empty list of positive numbers, got {sigmas!r}")
        self.centres = c
        self.sigmas = s
        self._norms = np.einsum("ij,ij->i", c, c)

    @property
    def dim(self) -> int:
        """Dimension ``D`` of a sample."""
        return int(self.centres.shape[1])

    def log_likelihood(self, x, sigmas=None) -> np.ndarray:
        """Per-sample log-likelihood for every bandwidth.

        Args:
            x: ``(B, D)`` points (higher ranks are flattened).
            sigmas: bandwidths (default: the grid).

        Returns:
            float64 ``(len(sigmas), B)``.
        """
        s = self.sigmas if sigmas is None else np.atleast_1d(np.asarray(sigmas, dtype=np.float64))
        x = np.asarray(x, dtype=np.float64)
        x = x.reshape(x.shape[0], -1)
        if x.shape[1] != self.dim:
            raise ValueError(f"points have dimension {x.shape[1]}, the generated samples {self.dim}")
        out = np.empty((s.size, x.shape[0]))
        rows = max(1, _CHUNK_ELEMENTS // self.centres.shape[0])
        g = self.centres.shape[0]
        for start in range(0, x.shape[0], rows):
            xb = x[start : start + rows]
            d2 = np.einsum("ij,ij->i", xb, xb)[:, None] + self._norms[None, :] - 2.0 * (xb @ self.centres.T)
            d2 = np.maximum(d2, 0.0)
            for i, sigma in enumerate(s):
                a = -d2 / (2.0 * sigma * sigma)
                m = a.max(axis=1)
                lse = m + np.log(np.exp(a - m[:, None]).sum(axis=1))
                out[i, start : start + rows] = (
                    lse - math.log(g) - 0.5 * self.dim * math.log(2.0 * math.pi * sigma * sigma)
                )
        return out


class _MeanAccumulator:
    """Running mean and variance of K series; sums are taken around the first
    batch's mean so that the variance does not cancel catastrophically."""

    def __init__(self, size):
        self.n = 0
        self.shift = None
        self.sum = np.zeros(size)
        self.sum_sq = np.zeros(size)

    def update(self, values):  # values (K, B)
        if values.shape[1] == 0:
            return
        if self.shift is None:
            self.shift = values.mean(axis=1)
        d = values - self.shift[:, None]
        self.n += values.shape[1]
        self.sum += d.sum(axis=1)
        self.sum_sq += (d**2).sum(axis=1)

    def mean(self):
        return self.shift + self.sum / self.n

    def variance(self):
        m = self.sum / self.n
        return np.maximum(self.sum_sq / self.n - m * m, 0.0)


def select_bandwidth(window: ParzenWindow, validation_batches) -> Dict[str, object]:
    """Picks the bandwidth with the highest mean validation log-likelihood.

    Args:
        window: a :class:`ParzenWindow`.
        validation_batches: iterable of ``(B, D)`` arrays.

    Returns:
        ``{"sigma", "validation_ll", "sigma_at_edge", "num_validation"}``;
        ``sigma_at_edge`` is True when the best value is the first or last
        of the grid (widen the grid).
    """
    acc = _MeanAccumulator(window.sigmas.size)
    for batch in validation_batches:
        acc.update(window.log_likelihood(batch))
    if acc.n == 0:
        raise ValueError("the Parzen validation set is empty")
    means = acc.mean()
    best = int(np.argmax(means))
    return {
        "sigma": float(window.sigmas[best]),
        "validation_ll": float(means[best]),
        "sigma_at_edge": bool(window.sigmas.size > 1 and best in (0, window.sigmas.size - 1)),
        "num_validation": int(acc.n),
    }


def score(window: ParzenWindow, sigma: float, test_batches) -> Dict[str, float]:
    """Mean test log-likelihood and its standard error at one bandwidth.

    Returns:
        ``{"parzen_ll", "parzen_se", "num_test"}`` (``se = std / sqrt(n)``, population std).
    """
    acc = _MeanAccumulator(1)
    for batch in test_batches:
        acc.update(window.log_likelihood(batch, sigmas=[sigma]))
    if acc.n == 0:
        raise ValueError("the Parzen test set is empty")
    mean = float(acc.mean()[0])
    var = float(acc.variance()[0])
    return {"parzen_ll": mean, "parzen_se": math.sqrt(var / acc.n), "num_test": int(acc.n)}


def parzen_from_arrays(samples, validation, test, sigmas=None) -> Dict[str, object]:
    """The whole Parzen protocol on in-memory arrays.

    Args:
        samples: ``(G, D)`` generated samples (kernel centres).
        validation: ``(V, D)`` data that chooses ``sigma``.
        test: ``(T, D)`` data that is scored.
        sigmas: bandwidth grid (default :data:`DEFAULT_SIGMAS`).

    Returns:
        ``{"parzen_ll", "parzen_se", "parzen_sigma", "parzen_validation_ll",
        "parzen_sigma_at_edge", "num_test", "num_validation", "num_centres"}``.
    """
    window = ParzenWindow(samples, sigmas)
    chosen = select_bandwidth(window, [np.asarray(validation)])
    result = score(window, chosen["sigma"], [np.asarray(test)])
    return {
        "parzen_ll": result["parzen_ll"],
        "parzen_se": result["parzen_se"],
        "parzen_sigma": chosen["sigma"],
        "parzen_validation_ll": chosen["validation_ll"],
        "parzen_sigma_at_edge": chosen["sigma_at_edge"],
        "num_test": result["num_test"],
        "num_validation": chosen["num_validation"],
        "num_centres": int(window.centres.shape[0]),
    }
