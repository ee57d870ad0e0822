"""Streaming feature statistics and the Fréchet distance behind FID.

:class:`FeatureStats` consumes feature batches and keeps float64 sufficient
statistics (count, mean, centred scatter matrix), merged batch by batch with
the pairwise update of Chan, Golub & LeVeque (1979), which does not suffer the
cancellation of ``E[xx^T] - E[x]E[x]^T``. It can also keep the features
themselves (float32) for the metrics that need samples rather than moments
(KID, precision/recall), and it saves to / loads from an ``.npz`` file that
records the protocol the statistics were computed with.

:func:`frechet_distance` is the Fréchet (2-Wasserstein) distance between two
Gaussians (Dowson & Landau 1982), the formula of FID (Heusel et al. 2017)::

    d^2 = ||mu1 - mu2||^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2))

The trace of the matrix square root is computed from the eigenvalues of the
symmetric positive semi-definite matrix ``S1^(1/2) S2 S1^(1/2)``, which has the
same spectrum as ``S1 S2``; this is exact for singular covariances and never
returns complex values (see :func:`trace_sqrt_product`).
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

import numpy as np

from kerasgan.files import atomic_path

__all__ = [
    "FeatureStats",
    "frechet_distance",
    "trace_sqrt_product",
    "sqrtm_psd",
    "CACHE_FORMAT_VERSION",
]

#: Version of the ``.npz`` cache layout written by :meth:`FeatureStats.save`.
CACHE_FORMAT_VERSION = 1


def _as_features(x) -> np.ndarray:
    a = np.asarray(x, dtype=np.float64)
    if a.ndim == 1:
        a = a[None, :]
    if a.ndim != 2:
        a = a.reshape(a.shape[0], -1)
    return a


class FeatureStats:
    """Streaming float64 mean and covariance of feature vectors.

    Args:
        keep_features: also keep every feature vector (as float32), for
            metrics that need the samples themselves (KID, precision/recall).
        max_features: keep at most this many vectors (the first ones); the
            moments always use every vector. ``None``: no limit.
        protocol: a dict describing how the features were made (extractor,
            layer, resize, data set, split ...); stored by :meth:`save`.

    Example:
        >>> import numpy as np
        >>> stats = FeatureStats()
        >>> for batch in np.array_split(np.arange(12.0).reshape(6, 2), 3):
        ...     _ = stats.update(batch)
        >>> stats.num_samples, stats.mean.tolist()
        (6, [5.0, 6.0])
    """

    def __init__(self, keep_features: bool = False, max_features: Optional[int] = None, protocol=None):
        self.keep_features = bool(keep_features)
        self.max_features = None if max_features is None else int(max_features)
        self.protocol: Dict[str, Any] = dict(protocol or {})
        self.num_samples = 0
        self._mean: Optional[np.ndarray] = None
        self._scatter: Optional[np.ndarray] = None
        self._kept: list = []
        self._kept_count = 0

    @property
    def dim(self) -> Optional[int]:
        """Feature dimension (``None`` before the first update)."""
        return None if self._mean is None else int(self._mean.shape[0])

    def update(self, features) -> "FeatureStats":
        """Adds a batch of feature vectors.

        Args:
            features: array-like ``(N, D)`` (higher ranks are flattened per
                sample); ``N`` may be 0.

        Returns:
            ``self``.

        Raises:
            ValueError: a feature dimension different from earlier batches,
                or non-finite features.
        """
        x = _as_features(features)
        n = x.shape[0]
        if n == 0:
            return self
        if self._mean is not None and x.shape[1] != self._mean.shape[0]:
            raise ValueError(f"feature dimension changed from {self._mean.shape[0]} to {x.shape[1]}")
        if not np.all(np.isfinite(x)):
            raise ValueError(
                "features contain NaN or inf; check the samples (a diverged generator?) "
                "and the feature extractor"
            )
        batch_mean = x.mean(axis=0)
        centred = x - batch_mean
        batch_scatter = centred.T @ centred
        if self._mean is None:
            self._mean, self._scatter, self.num_samples = batch_mean, batch_scatter, n
        else:
            total = self.num_samples + n
            delta = batch_mean - self._mean
            self._scatter = (
                self._scatter + batch_scatter + np.outer(delta, delta) * (self.num_samples * n / total)
            )
            self._mean = self._mean + delta * (n / total)
            self.num_samples = total
        if self.keep_features:
            room = n if self.max_features is None else max(0, self.max_features - self._kept_count)
            if room:
                self._kept.append(np.asarray(x[:room], dtype=np.float32))
                self._kept_count += min(room, n)
        return self

    def _require(self):
        if self._mean is None:
            raise ValueError("no features: call update() with a non-empty batch first")

    @property
    def mean(self) -> np.ndarray:
        """float64 mean ``(D,)``."""
        self._require()
        return self._mean.copy()

    @property
    def covariance(self) -> np.ndarray:
        """Unbiased float64 covariance ``(D, D)`` (divides by ``N - 1``; needs ``N >= 2``)."""
        self._require()
        if self.num_samples < 2:
            raise ValueError("a covariance needs at least 2 feature vectors")
        cov = self._scatter / (self.num_samples - 1)
        return (cov + cov.T) / 2.0

    @property
    def features(self) -> np.ndarray:
        """The kept feature vectors (float32 ``(M, D)``).

        Raises:
            ValueError: created without ``keep_features=True``.
        """
        if not self.keep_features:
            raise ValueError("these statistics keep no features; create them with keep_features=True")
        self._require()
        if len(self._kept) > 1:
            self._kept = [np.concatenate(self._kept, axis=0)]
        return self._kept[0]

    # ---------------------------------------------------------------- caching

    def save(self, path: str) -> str:
        """Writes the statistics (and kept features) to an ``.npz`` file.

        The file holds ``mean``, ``covariance`` (float64), ``num_samples``,
        optionally ``features`` (float32), and ``protocol`` (JSON text). It is
        written atomically (:func:`kerasgan.files.atomic_path`), so a reader
        never sees a partial file.

        Args:
            path: destination; ``.npz`` is appended if missing.

        Returns:
            The path written.
        """
        self._require()
        if not path.endswith(".npz"):
            path = path + ".npz"
        arrays = {
            "mean": self._mean,
            "covariance": self.covariance if self.num_samples > 1 else np.zeros((self.dim, self.dim)),
            "num_samples": np.int64(self.num_samples),
            "protocol": np.array(json.dumps(self.protocol, sort_keys=True, default=str)),
            "format_version": np.int64(CACHE_FORMAT_VERSION),
        }
        if self.keep_features:
            arrays["features"] = self.features
        with atomic_path(path) as tmp:
            np.savez(tmp, **arrays)
        return path

    @classmethod
    def load(cls, path: str) -> "FeatureStats":
        """Reads statistics written by :meth:`save`.

        Args:
            path: an ``.npz`` file.

        Returns:
            A :class:`FeatureStats` (``keep_features`` is True when the file
            holds features) whose ``protocol`` is the recorded one.
        """
        with np.load(path, allow_pickle=False) as f:
            protocol = json.loads(str(f["protocol"])) if "protocol" in f else {}
            stats = cls(keep_features="features" in f, protocol=protocol)
            n = int(f["num_samples"])
            stats.num_samples = n
            stats._mean = np.asarray(f["mean"], dtype=np.float64)
            stats._scatter = np.asarray(f["covariance"], dtype=np.float64) * max(n - 1, 0)
            if "features" in f:
                stats._kept = [np.asarray(f["features"], dtype=np.float32)]
                stats._kept_count = stats._kept[0].shape[0]
        return stats

    @classmethod
    def from_features(cls, features, keep_features: bool = False, protocol=None) -> "FeatureStats":
        """Statistics of an in-memory ``(N, D)`` array (one update)."""
        return cls(keep_features=keep_features, protocol=protocol).update(features)

    def __repr__(self):
        return (
            f"FeatureStats(num_samples={self.num_samples}, dim={self.dim}, "
            f"keep_features={self.keep_features})"
        )


def sqrtm_psd(matrix) -> np.ndarray:
    """Symmetric square root of a symmetric positive semi-definite matrix.

    Uses ``eigh``; eigenvalues below zero (round-off of a PSD matrix) are set
    to zero.

    Args:
        matrix: symmetric ``(D, D)`` array.

    Returns:
        float64 ``(D, D)`` ``R`` with ``R @ R ~= matrix`` and ``R = R^T``.
    """
    a = np.asarray(matrix, dtype=np.float64)
    a = (a + a.T) / 2.0
    w, v = np.linalg.eigh(a)
    w = np.clip(w, 0.0, None)
    return (v * np.sqrt(w)) @ v.T


def trace_sqrt_product(sigma1, sigma2) -> float:
    """``tr((S1 S2)^(1/2))`` for two covariance matrices, computed stably.

    ``S1 S2`` is similar to the symmetric PSD matrix ``M = S1^(1/2) S2
    S1^(1/2)``, so ``tr((S1 S2)^(1/2)) = sum_i sqrt(lambda_i(M))``. Eigenvalues
    of ``M`` that round-off makes slightly negative are clipped to zero. This
    needs no ``eps`` retry for singular covariances (fewer samples than
    feature dimensions) and never produces an imaginary part, unlike a general
    ``scipy.linalg.sqrtm(S1 @ S2)``.

    Args:
        sigma1, sigma2: symmetric PSD ``(D, D)`` arrays.

    Returns:
        The trace, a float >= 0.
    """
    root1 = sqrtm_psd(sigma1)
    s2 = np.asarray(sigma2, dtype=np.float64)
    m = root1 @ ((s2 + s2.T) / 2.0) @ root1
    w = np.linalg.eigvalsh((m + m.T) / 2.0)
    return float(np.sum(np.sqrt(np.clip(w, 0.0, None))))


def frechet_distance(mu1, sigma1, mu2, sigma2) -> float:
    """Fréchet distance between ``N(mu1, sigma1)`` and ``N(mu2, sigma2)`` (squared W2).

    Args:
        mu1, mu2: means ``(D,)``.
        sigma1, sigma2: covariances ``(D, D)``.

    Returns:
        ``||mu1 - mu2||^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2))``, clipped
        at 0 (round-off can make identical inputs give ``-1e-13``).

    Raises:
        ValueError: shape mismatch or non-finite input.

    Example:
        >>> import numpy as np
        >>> round(frechet_distance(np.zeros(2), np.eye(2), np.ones(2), 4 * np.eye(2)), 6)
        4.0
    """
    mu1 = np.atleast_1d(np.asarray(mu1, dtype=np.float64))
    mu2 = np.atleast_1d(np.asarray(mu2, dtype=np.float64))
    s1 = np.atleast_2d(np.asarray(sigma1, dtype=np.float64))
    s2 = np.atleast_2d(np.asarray(sigma2, dtype=np.float64))
    d = mu1.shape[0]
    if mu2.shape != (d,) or s1.shape != (d, d) or s2.shape != (d, d):
        raise ValueError(
            f"shape mismatch: mu1 {mu1.shape}, sigma1 {s1.shape}, mu2 {mu2.shape}, sigma2 {s2.shape}"
        )
    for arr in (mu1, mu2, s1, s2):
        if not np.all(np.isfinite(arr)):
            raise ValueError("means and covariances must be finite")
    diff = mu1 - mu2
    value = diff @ diff + np.trace(s1) + np.trace(s2) - 2.0 * trace_sqrt_product(s1, s2)
    return float(max(value, 0.0))
