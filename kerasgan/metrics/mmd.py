"""Kernel Inception Distance (Bińkowski et al. 2018, "Demystifying MMD GANs", ICLR).

KID is the squared maximum mean discrepancy between real and generated
features under the cubic polynomial kernel ``k(x, y) = (x.y / d + 1)^3``
(``d`` = feature dimension), estimated without bias::

    MMD^2_u = 1/(m(m-1)) sum_{i != j} k(x_i, x_j)
            + 1/(n(n-1)) sum_{i != j} k(y_i, y_j)
            - 2/(mn) sum_{i, j} k(x_i, y_j)

Following the paper's code, it is averaged over ``num_subsets`` random
subsets of ``subset_size`` vectors drawn without replacement from each set
(defaults 100 and 1000), and the standard deviation over subsets is reported
too. Unlike FID it is unbiased, so it can be slightly negative for sets from
the same distribution.
"""

from __future__ import annotations

from typing import Dict, Optional

import numpy as np

__all__ = [
    "polynomial_kernel",
    "mmd2_unbiased",
    "kid_from_features",
    "DEFAULT_SUBSETS",
    "DEFAULT_SUBSET_SIZE",
]

#: Subsets and subset size of Bińkowski et al.'s reference implementation.
DEFAULT_SUBSETS = 100
DEFAULT_SUBSET_SIZE = 1000


def polynomial_kernel(x, y, degree: int = 3, gamma: Optional[float] = None, coef0: float = 1.0) -> np.ndarray:
    """``(gamma * x @ y.T + coef0) ** degree`` in float64 (``gamma`` defaults to ``1/d``).

    Args:
        x: ``(M, D)`` array.
        y: ``(N, D)`` array.
        degree, gamma, coef0: kernel parameters (KID: 3, 1/D, 1).

    Returns:
        float64 ``(M, N)`` kernel matrix.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if gamma is None:
        gamma = 1.0 / x.shape[1]
    k = x @ y.T
    k *= gamma
    k += coef0
    if degree == 3:
        return k * k * k
    return k**degree


def mmd2_unbiased(x, y, **kernel_args) -> float:
    """Unbiased estimate of ``MMD^2`` between samples ``x`` and ``y`` (polynomial kernel).

    Args:
        x: ``(M, D)`` features, ``M >= 2``.
        y: ``(N, D)`` features, ``N >= 2``.
        **kernel_args: passed to :func:`polynomial_kernel`.

    Returns:
        The estimate (may be slightly negative).
    """
    m, n = len(x), len(y)
    if m < 2 or n < 2:
        raise ValueError(f"unbiased MMD needs at least 2 vectors per set, got {m} and {n}")
    kxx = polynomial_kernel(x, x, **kernel_args)
    kyy = polynomial_kernel(y, y, **kernel_args)
    kxy = polynomial_kernel(x, y, **kernel_args)
    sum_xx = kxx.sum() - np.trace(kxx)
    sum_yy = kyy.sum() - np.trace(kyy)
    return float(sum_xx / (m * (m - 1)) + sum_yy / (n * (n - 1)) - 2.0 * kxy.sum() / (m * n))


def kid_from_features(
    real,
    fake,
    *,
    num_subsets: int = DEFAULT_SUBSETS,
    subset_size: int = DEFAULT_SUBSET_SIZE,
    seed: int = 0,
) -> Dict[str, float]:
    """KID between two feature sets, averaged over random subsets.

    Args:
        real: ``(M, D)`` reference features.
        fake: ``(N, D)`` generated features.
        num_subsets: number of subsets (default 100).
        subset_size: vectors per subset and set (default 1000); reduced to
            ``min(M, N)`` when a set is smaller (recorded in the result).
        seed: seed of the subset draws.

    Returns:
        ``{"kid": mean, "kid_std": std over subsets, "kid_subsets": ...,
        "kid_subset_size": ...}``.

    Example:
        >>> import numpy as np
        >>> rng = np.random.default_rng(0)
        >>> real, fake = rng.normal(size=(500, 4)), rng.normal(size=(500, 4))
        >>> abs(kid_from_features(real, fake, num_subsets=10, subset_size=200)["kid"]) < 0.05
        True
        >>> kid_from_features(real, fake + 1.0, num_subsets=10, subset_size=200)["kid"] > 0.5
        True
    """
    real = np.asarray(real, dtype=np.float64)
    fake = np.asarray(fake, dtype=np.float64)
    if real.ndim != 2 or fake.ndim != 2 or real.shape[1] != fake.shape[1]:
        raise ValueError(f"features must be (N, D) arrays of equal D, got {real.shape} and {fake.shape}")
    if int(num_subsets) < 1:
        raise ValueError(f"num_subsets must be >= 1, got {num_subsets!r}")
    size = min(int(subset_size), len(real), len(fake))
    if size < 2:
        raise ValueError(f"KID needs at least 2 feature vectors per set, got {len(real)} and {len(fake)}")
    rng = np.random.default_rng(seed)
    values = np.empty(int(num_subsets))
    for s in range(int(num_subsets)):
        r = real if size == len(real) else real[rng.choice(len(real), size, replace=False)]
        f = fake if size == len(fake) else fake[rng.choice(len(fake), size, replace=False)]
        values[s] = mmd2_unbiased(r, f)
    return {
        "kid": float(values.mean()),
        "kid_std": float(values.std()),
        "kid_subsets": int(num_subsets),
        "kid_subset_size": int(size),
    }
