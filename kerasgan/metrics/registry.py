"""The one list of metrics the Evaluator knows, and the parsing of metric names.

To add a metric, write a :class:`~kerasgan.metrics.base.Metric` subclass and
append it to :data:`METRIC_CLASSES` (the order is the report order).
"""

from __future__ import annotations

from typing import Dict, Tuple, Type

from kerasgan.metrics.adaptation import TargetAccuracy
from kerasgan.metrics.base import Metric
from kerasgan.metrics.classifier_metrics import InceptionScore, Modes
from kerasgan.metrics.content_kept import ContentKept
from kerasgan.metrics.feature_metrics import (
    FrechetInceptionDistance,
    KernelInceptionDistance,
    PrecisionRecall,
)
from kerasgan.metrics.parzen_metric import ParzenLogLikelihood

__all__ = [
    "METRIC_CLASSES",
    "METRICS",
    "DEFAULT_METRICS",
    "UnknownMetricError",
    "parse_metrics",
    "metric_class",
    "metric_options",
    "model_metric_names",
]

#: Every metric class, in report order.
METRIC_CLASSES: Tuple[Type[Metric], ...] = (
    FrechetInceptionDistance,
    KernelInceptionDistance,
    InceptionScore,
    PrecisionRecall,
    Modes,
    ParzenLogLikelihood,
    ContentKept,
    TargetAccuracy,
)
_BY_NAME: Dict[str, Type[Metric]] = {cls.name: cls for cls in METRIC_CLASSES}
_ALIASES: Dict[str, str] = {alias: cls.name for cls in METRIC_CLASSES for alias in cls.aliases}

#: Every metric name, in report order.
METRICS = tuple(_BY_NAME)
#: Metrics computed when none are named (2-D points: those that apply to points).
DEFAULT_METRICS = ("fid", "kid", "is", "modes")


class UnknownMetricError(ValueError):
    """A metric name not in :data:`METRICS` (the message lists the valid ones)."""


def metric_class(name: str) -> Type[Metric]:
    """The class of a canonical metric name (see :func:`parse_metrics`)."""
    return _BY_NAME[name]


def model_metric_names(model) -> tuple:
    """The metrics that measure ``model`` itself rather than its samples (by its ``sampling``).

    ``("content_kept",)`` for image-to-image families, ``("target_accuracy",)``
    for classifier families (DANN), ``()`` for families that sample.
    """
    sampling = getattr(model, "sampling", None)
    return tuple(c.name for c in METRIC_CLASSES if c.reads_translator and c.reads_sampling == sampling)


def metric_options() -> Dict[str, object]:
    """Every metric option (an Evaluator keyword) with its default value."""
    out: Dict[str, object] = {}
    for cls in METRIC_CLASSES:
        out.update(cls.options)
    return out


def parse_metrics(metrics) -> tuple:
    """Normalises metric names: a comma-separated string or a list; aliases resolved.

    Args:
        metrics: e.g. ``"fid,kid"`` or ``["fid", "inception_score"]``;
            ``None`` gives :data:`DEFAULT_METRICS`.

    Returns:
        Tuple of canonical names in :data:`METRICS` order, without duplicates.

    Raises:
        UnknownMetricError: an unknown name.

    Example:
        >>> parse_metrics("kid, fid,inception_score")
        ('fid', 'kid', 'is')
    """
    if metrics is None:
        return DEFAULT_METRICS
    names = metrics.split(",") if isinstance(metrics, str) else list(metrics)
    out = []
    for name in names:
        key = str(name).strip().lower()
        if not key:
            continue
        key = _ALIASES.get(key, key)
        if key not in _BY_NAME:
            raise UnknownMetricError(
                f"unknown metric {str(name).strip()!r}; valid metrics: {', '.join(METRICS)}"
            )
        out.append(key)
    if not out:
        raise UnknownMetricError(f"no metric given; valid metrics: {', '.join(METRICS)}")
    return tuple(m for m in METRICS if m in out)
