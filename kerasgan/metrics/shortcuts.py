"""One-metric shortcuts over :func:`kerasgan.metrics.evaluate`.

Each runs one metric and returns only its values; the options are those of
:func:`~kerasgan.metrics.evaluate`.
"""

from __future__ import annotations

from typing import Dict

from kerasgan.metrics.evaluation import evaluate

__all__ = [
    "fid",
    "kid",
    "inception_score",
    "precision_recall",
    "class_mode_coverage",
    "parzen_log_likelihood",
]


def fid(samples, reference, **options) -> float:
    """Fréchet Inception Distance between ``samples`` and ``reference``.

    Args:
        samples: a model, data set or array (as for :func:`evaluate`).
        reference: the real data (as ``data`` of :func:`evaluate`).
        **options: :func:`evaluate` options.

    Returns:
        The FID, a float.

    Example:
        >>> import numpy as np
        >>> x = np.random.default_rng(0).normal(size=(500, 2))
        >>> fid(x, x) < 1e-9
        True
    """
    return evaluate(samples, reference, ["fid"], **options)["fid"]


def kid(samples, reference, **options) -> Dict[str, float]:
    """Kernel Inception Distance of ``samples`` against ``reference`` (arguments as for :func:`fid`).

    Returns:
        ``{"kid", "kid_std"}``.
    """
    r = evaluate(samples, reference, ["kid"], **options)
    return {"kid": r["kid"], "kid_std": r["kid_std"]}


def inception_score(samples, extractor="inception", **options) -> Dict[str, float]:
    """Inception Score of image samples.

    Args:
        samples: a model, data set or array of images.
        extractor: the classifier (default InceptionV3; ``"digits"`` for digits).
        **options: :func:`evaluate` options (``data=`` too).

    Returns:
        ``{"is", "is_std", "is_single"}``.
    """
    r = evaluate(samples, options.pop("data", None), ["is"], extractor=extractor, **options)
    return {"is": r["is"], "is_std": r["is_std"], "is_single": r["is_single"]}


def precision_recall(samples, reference, **options) -> Dict[str, float]:
    """Improved precision and recall of ``samples`` against ``reference`` (arguments as for :func:`fid`).

    Returns:
        ``{"precision", "recall"}``.
    """
    r = evaluate(samples, reference, ["pr"], **options)
    return {"precision": r["precision"], "recall": r["recall"]}


def class_mode_coverage(samples, data=None, **options) -> Dict[str, object]:
    """Mode coverage: class histogram for images (classifier from ``extractor``), 2-D modes for points.

    Args:
        samples: a model, data set or array.
        data: the real data set (``"ring8"`` / ``"grid25"`` for points).
        **options: :func:`evaluate` options.

    Returns:
        ``{"modes", "num_modes", "mode_kl", "mode_counts"}`` plus
        ``mean_confidence`` (images) or ``high_quality`` (points).
    """
    r = evaluate(samples, data, ["modes"], **options)
    keys = ("modes", "num_modes", "mode_kl", "mean_confidence", "high_quality", "mode_counts")
    return {k: r[k] for k in keys if k in r}


def parzen_log_likelihood(samples, data=None, **options) -> Dict[str, float]:
    """Parzen-window log-likelihood of real test data under ``samples``.

    Args:
        samples: a model, data set or array.
        data: a named data set: the bandwidth is chosen on its ``train``
            split and its ``test`` split is scored; otherwise pass
            ``parzen_validation=`` and ``parzen_test=``.
        **options: :func:`evaluate` options.

    Returns:
        ``{"parzen_ll", "parzen_se", "parzen_sigma"}``.
    """
    r = evaluate(samples, data, ["parzen"], **options)
    return {"parzen_ll": r["parzen_ll"], "parzen_se": r["parzen_se"], "parzen_sigma": r["parzen_sigma"]}
