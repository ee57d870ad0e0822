"""Improved precision and recall (Kynkäänniemi et al. 2019, NeurIPS).

Each set of feature vectors defines a manifold estimate: the union of balls
centred on its vectors, each ball's radius being the distance to that
vector's ``k``-th nearest neighbour within the same set (the vector itself
excluded; the paper uses ``k = 3``).

* **precision** = fraction of generated vectors inside the real manifold
  (quality);
* **recall** = fraction of real vectors inside the generated manifold
  (coverage / diversity).

A point lies inside a manifold when its distance to some centre is at most
that centre's radius. Distances are Euclidean, computed in float64 in row
chunks so memory stays ``O(chunk * N)``.
"""

from __future__ import annotations

from typing import Dict

import numpy as np

__all__ = ["precision_recall_from_features", "knn_radii", "DEFAULT_K"]

#: Neighbourhood size of Kynkäänniemi et al.
DEFAULT_K = 3
_CHUNK_ELEMENTS = 1 << 23


def _sq_norms(x):
    return np.einsum("ij,ij->i", x, x)


def _pairwise_sq(a, a_norms, b, b_norms):
    d2 = a_norms[:, None] + b_norms[None, :] - 2.0 * (a @ b.T)
    return np.maximum(d2, 0.0)


def _chunk_rows(n_cols):
    return max(1, _CHUNK_ELEMENTS // max(1, n_cols))


def knn_radii(features, k: int = DEFAULT_K) -> np.ndarray:
    """Distance from every vector to its ``k``-th nearest other vector of the same set.

    Args:
        features: ``(N, D)`` array, ``N > k``.
        k: neighbour rank (1 = nearest other vector).

    Returns:
        float64 ``(N,)`` radii.
    """
    x = np.asarray(features, dtype=np.float64)
    n = x.shape[0]
    if not 1 <= k < n:
        raise ValueError(f"k must be in [1, N-1] = [1, {n - 1}], got {k}")
    norms = _sq_norms(x)
    radii = np.empty(n)
    rows = _chunk_rows(n)
    for start in range(0, n, rows):
        stop = min(n, start + rows)
        d2 = _pairwise_sq(x[start:stop], norms[start:stop], x, norms)
        d2[np.arange(stop - start), np.arange(start, stop)] = -1.0  # the vector itself sorts first
        radii[start:stop] = np.sqrt(np.maximum(np.partition(d2, k, axis=1)[:, k], 0.0))
    return radii


def _inside(points, centres, radii) -> np.ndarray:
    """Boolean (P,): is each point within radius of some centre?"""
    c_norms = _sq_norms(centres)
    p_norms = _sq_norms(points)
    r2 = radii**2
    out = np.zeros(points.shape[0], dtype=bool)
    rows = _chunk_rows(centres.shape[0])
    for start in range(0, points.shape[0], rows):
        stop = min(points.shape[0], start + rows)
        d2 = _pairwise_sq(points[start:stop], p_norms[start:stop], centres, c_norms)
        out[start:stop] = np.any(d2 <= r2[None, :], axis=1)
    return out


def precision_recall_from_features(real, fake, k: int = DEFAULT_K) -> Dict[str, float]:
    """Improved precision and recall of generated features against real ones.

    Args:
        real: ``(M, D)`` real features (``M > k``).
        fake: ``(N, D)`` generated features (``N > k``).
        k: neighbourhood size (default 3).

    Returns:
        ``{"precision", "recall", "pr_k"}``.

    Example:
        >>> import numpy as np
        >>> f = np.random.default_rng(0).normal(size=(100, 3))
        >>> precision_recall_from_features(f, f)["precision"]
        1.0
    """
    real = np.asarray(real, dtype=np.float64)
    fake = np.asarray(fake, dtype=np.float64)
    if real.ndim != 2 or fake.ndim != 2 or real.shape[1] != fake.shape[1]:
        raise ValueError(f"features must be (N, D) arrays of equal D, got {real.shape} and {fake.shape}")
    k = int(k)
    precision = float(np.mean(_inside(fake, real, knn_radii(real, k))))
    recall = float(np.mean(_inside(real, fake, knn_radii(fake, k))))
    return {"precision": precision, "recall": recall, "pr_k": k}
