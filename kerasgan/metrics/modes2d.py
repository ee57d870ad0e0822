"""Mode-coverage metrics for 2-D Gaussian-mixture benchmarks (ring8, grid25).

Protocol (VEEGAN, Srivastava et al. 2017, "VEEGAN: Reducing Mode Collapse in
GANs using Implicit Variational Learning", NeurIPS; PacGAN, Lin et al. 2018,
"PacGAN: The power of two samples in generative adversarial networks",
NeurIPS, Sec. 4.1 and its public evaluation code):

1. Draw generator samples -- both papers use **2 500** samples.
2. Assign every sample to its nearest mode, distance measured in units of
   that mode's standard deviation (``||x - mu_k|| / sigma_k``).
3. A sample is **high quality** if that distance is below ``threshold``
   (default **3**, "within three standard deviations").
4. A mode is **covered** if at least ``min_count`` high-quality samples are
   assigned to it. Default ``min_count=1``, as in the PacGAN evaluation code
   (a mode counts when its high-quality count is non-zero). Stricter variants
   in later papers (e.g. several samples per mode) are available through
   ``min_count``.
5. **Reverse KL** = ``KL(p_gen || uniform)`` in nats, where ``p_gen`` is the
   histogram of the *high-quality* samples over the modes, normalised to sum
   to 1, and the target puts mass ``1/K`` on each of the ``K`` modes:
   ``sum_k p_k * log(p_k * K)`` with ``0 * log 0 = 0``. It is 0 for perfectly
   balanced coverage and ``log(K / m)`` when ``m`` modes are hit equally. It
   is NaN when there are no high-quality samples (the histogram is undefined).

Reference expectation: samples drawn exactly from the mixture are high
quality with probability ``P(r < 3 sigma) = 1 - exp(-9/2) ~= 0.9889`` (the
radius of a 2-D isotropic Gaussian is Rayleigh distributed), not the 1-D
"99.7 %".

All arithmetic is float64 and vectorised; :class:`ModeCoverage` accumulates
batches so arbitrarily many samples can be scored in bounded memory.
"""

from __future__ import annotations

import math
import numbers
from typing import Dict, Optional

import numpy as np

__all__ = [
    "ModeCoverage",
    "mode_coverage",
    "mode_coverage_for",
    "reverse_kl_to_uniform",
    "EXPECTED_HIGH_QUALITY_2D",
    "RECOMMENDED_NUM_SAMPLES",
]

#: Fraction of exact mixture samples within 3 sigma in 2-D: 1 - exp(-4.5).
EXPECTED_HIGH_QUALITY_2D = 1.0 - math.exp(-4.5)
#: Sample count used by VEEGAN / PacGAN for these benchmarks.
RECOMMENDED_NUM_SAMPLES = 2500
_CHUNK = 8192


def reverse_kl_to_uniform(counts) -> float:
    """``KL(p || uniform)`` in nats of a histogram over ``K`` bins.

    Args:
        counts: Non-negative counts, shape ``(K,)`` (``K >= 1``).

    Returns:
        ``sum_k p_k log(p_k K)`` with ``p = counts / counts.sum()``; NaN if all
        counts are zero.

    Raises:
        ValueError: empty, non-1-D or negative counts.

    Example:
        >>> round(reverse_kl_to_uniform([2, 1, 1, 0]), 6)  # 0.5 * log 2
        0.346574
    """
    c = np.asarray(counts, dtype=np.float64)
    if c.ndim != 1 or c.size == 0:
        raise ValueError(f"counts must be a non-empty 1-D array, got shape {c.shape}")
    if np.any(c < 0) or not np.all(np.isfinite(c)):
        raise ValueError("counts must be finite and non-negative")
    total = c.sum()
    if total == 0:
        return float("nan")
    p = c / total
    nz = p > 0
    return float(np.sum(p[nz] * np.log(p[nz] * c.size)))


class ModeCoverage:
    """Streaming mode-coverage accumulator (see the module docstring for the protocol).

    Args:
        centers: Mode means, array ``(K, D)``.
        std: Standard deviation of every mode (scalar) or per mode ``(K,)``.
        threshold: High-quality radius in standard deviations (default 3).
        min_count: High-quality samples a mode needs to count as covered
            (default 1).

    Example:
        >>> from kerasgan.data.toy2d import TOY2D
        >>> ring = TOY2D["ring8"]
        >>> acc = ModeCoverage(ring.centers, ring.std)
        >>> for seed in range(5):
        ...     _ = acc.update(ring.sample(500, seed=seed))
        >>> acc.result()["modes"]
        8
    """

    def __init__(self, centers, std, *, threshold: float = 3.0, min_count: Optional[int] = None):
        c = np.asarray(centers, dtype=np.float64)
        if c.ndim != 2 or c.shape[0] < 1 or c.shape[1] < 1:
            raise ValueError(f"centers must have shape (K, D) with K, D >= 1, got {c.shape}")
        if not np.all(np.isfinite(c)):
            raise ValueError("centers must be finite")
        s = np.asarray(std, dtype=np.float64)
        if s.ndim == 0:
            s = np.full(c.shape[0], float(s))
        if s.shape != (c.shape[0],):
            raise ValueError(f"std must be a scalar or have shape ({c.shape[0]},), got {s.shape}")
        if not np.all(np.isfinite(s)) or np.any(s <= 0):
            raise ValueError(f"std must be finite and > 0, got {std!r}")
        if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not threshold > 0:
            raise ValueError(f"threshold must be a number > 0, got {threshold!r}")
        if min_count is None:
            min_count = 1
        if isinstance(min_count, bool) or not isinstance(min_count, numbers.Integral) or min_count < 1:
            raise ValueError(f"min_count must be None or an int >= 1, got {min_count!r}")
        self.centers = c
        self.std = s
        self.threshold = float(threshold)
        self.min_count = int(min_count)
        self.reset()

    @property
    def num_modes(self) -> int:
        """Number of modes ``K``.

        Example:
            >>> ModeCoverage([[0, 0], [1, 1]], 0.1).num_modes
            2
        """
        return int(self.centers.shape[0])

    def reset(self) -> "ModeCoverage":
        """Forget all samples seen so far.

        Returns:
            ``self``.

        Example:
            >>> ModeCoverage([[0, 0]], 1.0).update([[0, 0]]).reset().num_samples
            0
        """
        self.counts = np.zeros(self.num_modes, dtype=np.int64)
        self.num_samples = 0
        return self

    def _check_samples(self, samples) -> np.ndarray:
        x = np.asarray(samples, dtype=np.float64)
        d = self.centers.shape[1]
        if x.ndim != 2 or x.shape[1] != d:
            raise ValueError(f"samples must have shape (N, {d}), got {x.shape}")
        return x

    def assign(self, samples):
        """Nearest mode and standardised distance of each sample.

        Args:
            samples: Array ``(N, D)``.

        Returns:
            ``(nearest, distance)``: int64 ``(N,)`` mode indices and float64
            ``(N,)`` distances in standard deviations (``inf`` for
            non-finite samples).

        Example:
            >>> m = ModeCoverage([[0, 0], [10, 0]], 1.0)
            >>> idx, dist = m.assign([[9.0, 0.0]])
            >>> int(idx[0]), float(dist[0])
            (1, 1.0)
        """
        x = self._check_samples(samples)
        n = x.shape[0]
        nearest = np.zeros(n, dtype=np.int64)
        dist = np.full(n, np.inf)
        for start in range(0, n, _CHUNK):
            xb = x[start : start + _CHUNK]
            diff = xb[:, None, :] - self.centers[None, :, :]
            z = np.sqrt(np.einsum("nkd,nkd->nk", diff, diff)) / self.std[None, :]
            z = np.where(np.isfinite(z), z, np.inf)
            k = np.argmin(z, axis=1)
            nearest[start : start + _CHUNK] = k
            dist[start : start + _CHUNK] = z[np.arange(xb.shape[0]), k]
        return nearest, dist

    def update(self, samples) -> "ModeCoverage":
        """Add a batch of samples.

        Args:
            samples: Array-like ``(N, D)`` (numpy, list, tf.Tensor); ``N`` may
                be 0. Non-finite samples count as low quality.

        Returns:
            ``self`` (for chaining).

        Raises:
            ValueError: wrong shape.

        Example:
            >>> ModeCoverage([[0, 0]], 1.0).update([[0.5, 0]]).counts.tolist()
            [1]
        """
        nearest, dist = self.assign(samples)
        hq = dist < self.threshold
        self.counts += np.bincount(nearest[hq], minlength=self.num_modes).astype(np.int64)
        self.num_samples += int(nearest.shape[0])
        return self

    def result(self) -> Dict[str, object]:
        """Metrics over every sample seen since the last reset.

        Returns:
            dict with ``modes`` (covered modes), ``num_modes``,
            ``high_quality`` (fraction in [0, 1]), ``high_quality_pct``
            (percent), ``reverse_kl`` (nats; NaN without high-quality
            samples), ``counts`` (high-quality samples per mode, list of
            int), ``num_samples``, ``num_high_quality``, ``threshold``,
            ``min_count``.

        Raises:
            ValueError: if no samples were seen.

        Example:
            >>> r = ModeCoverage([[0, 0], [5, 5]], 1.0).update([[0, 0], [9, 9]]).result()
            >>> r["modes"], r["high_quality"]
            (1, 0.5)
        """
        if self.num_samples == 0:
            raise ValueError("no samples: call update() with a non-empty (N, D) array first")
        num_hq = int(self.counts.sum())
        frac = num_hq / self.num_samples
        return {
            "modes": int(np.sum(self.counts >= self.min_count)),
            "num_modes": self.num_modes,
            "high_quality": float(frac),
            "high_quality_pct": float(100.0 * frac),
            "reverse_kl": reverse_kl_to_uniform(self.counts),
            "counts": [int(v) for v in self.counts],
            "num_samples": int(self.num_samples),
            "num_high_quality": num_hq,
            "threshold": self.threshold,
            "min_count": self.min_count,
        }


def mode_coverage(samples, centers, std, *, threshold: float = 3.0, min_count: Optional[int] = None) -> Dict[str, object]:
    """Score generator samples against a Gaussian mixture (VEEGAN/PacGAN protocol).

    See the module docstring for the exact definitions; use 2 500 samples to
    compare with the papers.

    Args:
        samples: Array-like ``(N, D)`` with ``N >= 1``.
        centers: Mode means ``(K, D)``.
        std: Scalar or per-mode ``(K,)`` standard deviation.
        threshold: High-quality radius in standard deviations (default 3).
        min_count: High-quality samples needed to cover a mode (default 1).

    Returns:
        The dict of :meth:`ModeCoverage.result`.

    Raises:
        ValueError: empty or wrongly shaped samples, bad centers/std/threshold.

    Example:
        >>> from kerasgan.data.toy2d import TOY2D
        >>> g = TOY2D["grid25"]
        >>> r = mode_coverage(g.sample(2500, seed=0), g.centers, g.std)
        >>> r["modes"], r["num_modes"]
        (25, 25)
    """
    acc = ModeCoverage(centers, std, threshold=threshold, min_count=min_count)
    x = acc._check_samples(samples)
    if x.shape[0] == 0:
        raise ValueError("samples is empty: need at least one (N >= 1) sample")
    return acc.update(x).result()


def mode_coverage_for(dataset_name: str, samples, *, threshold: float = 3.0, min_count: Optional[int] = None) -> Dict[str, object]:
    """:func:`mode_coverage` with the centres/std of a built-in 2-D data set.

    Args:
        dataset_name: ``"ring8"`` or ``"grid25"``.
        samples: Array-like ``(N, 2)``.
        threshold: High-quality radius in standard deviations (default 3).
        min_count: High-quality samples needed to cover a mode (default 1).

    Returns:
        The dict of :meth:`ModeCoverage.result`.

    Raises:
        ValueError: unknown data-set name or bad samples.

    Example:
        >>> from kerasgan.data.toy2d import TOY2D
        >>> mode_coverage_for("ring8", TOY2D["ring8"].sample(2500))["modes"]
        8
    """
    from kerasgan.data.toy2d import TOY2D

    if dataset_name not in TOY2D:
        raise ValueError(
            f"mode coverage needs a 2-D mixture data set; dataset_name must be one of "
            f"{sorted(TOY2D)}, got {dataset_name!r}"
        )
    mix = TOY2D[dataset_name]
    return mode_coverage(samples, mix.centers, mix.std, threshold=threshold, min_count=min_count)
