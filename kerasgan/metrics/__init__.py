"""Evaluation metrics for kerasgan models.

One call judges a model on a documented protocol (``docs/metrics.md``)::

    >>> import kerasgan
    >>> results = kerasgan.metrics.evaluate(model, "digits", ["fid", "kid", "is"])  # doctest: +SKIP
    >>> results["fid"], results["modes"]                                                    # doctest: +SKIP

Metrics: FID (:func:`fid`), KID (:func:`kid`), Inception Score
(:func:`inception_score`), improved precision/recall
(:func:`precision_recall`), class-histogram and 2-D mode coverage
(:func:`class_mode_coverage`, :func:`mode_coverage`), Parzen-window
log-likelihood (:func:`parzen_log_likelihood`), and for image-to-image
models the share of translations that keep their content next to pixel L1
(``content_kept``, :mod:`kerasgan.metrics.translation`). All stream their samples in
batches and keep float64 statistics; real-data statistics can be cached to
``.npz`` (:func:`reference_statistics`). Feature extractors: InceptionV3
(:func:`inception_v3`), the shipped digits CNN (:func:`digits_extractor`), or
any Keras model (:class:`KerasExtractor`). Each metric is a
:class:`Metric` subclass listed in :data:`METRIC_CLASSES`
(:mod:`kerasgan.metrics.registry`). The formula-level functions
(:func:`frechet_distance`, :func:`kid_from_features`,
:func:`inception_score_from_probs`, :func:`precision_recall_from_features`,
:func:`parzen_from_arrays`) work on in-memory features.
"""

from kerasgan.metrics.base import EvalContext, Metric
from kerasgan.metrics.classifier import (
    ClassifierStats,
    class_histogram_from_probs,
    inception_score_from_probs,
)
from kerasgan.metrics.digits_classifier import (
    build_digits_classifier,
    digits_classifier_info,
    digits_extractor,
    load_digits_classifier,
)
from kerasgan.metrics.evaluation import Evaluator, evaluate, scalar_results
from kerasgan.metrics.extractors import (
    FeatureExtractor,
    IdentityExtractor,
    InceptionWeightsNotFoundError,
    KerasExtractor,
    get_extractor,
    inception_v3,
)
from kerasgan.metrics.manifold import precision_recall_from_features
from kerasgan.metrics.mmd import kid_from_features, mmd2_unbiased
from kerasgan.metrics.modes2d import ModeCoverage, mode_coverage, mode_coverage_for
from kerasgan.metrics.parzen import ParzenWindow, parzen_from_arrays
from kerasgan.metrics.reference import reference_statistics
from kerasgan.metrics.registry import (
    DEFAULT_METRICS,
    METRIC_CLASSES,
    METRICS,
    UnknownMetricError,
    parse_metrics,
)
from kerasgan.metrics.shortcuts import (
    class_mode_coverage,
    fid,
    inception_score,
    kid,
    parzen_log_likelihood,
    precision_recall,
)
from kerasgan.metrics.stats import FeatureStats, frechet_distance

__all__ = [
    "METRICS",
    "DEFAULT_METRICS",
    "evaluate",
    "Evaluator",
    "parse_metrics",
    "scalar_results",
    "UnknownMetricError",
    "Metric",
    "EvalContext",
    "METRIC_CLASSES",
    "fid",
    "kid",
    "inception_score",
    "precision_recall",
    "class_mode_coverage",
    "parzen_log_likelihood",
    "reference_statistics",
    "FeatureStats",
    "frechet_distance",
    "kid_from_features",
    "mmd2_unbiased",
    "inception_score_from_probs",
    "class_histogram_from_probs",
    "ClassifierStats",
    "precision_recall_from_features",
    "ParzenWindow",
    "parzen_from_arrays",
    "FeatureExtractor",
    "KerasExtractor",
    "IdentityExtractor",
    "InceptionWeightsNotFoundError",
    "get_extractor",
    "inception_v3",
    "digits_extractor",
    "build_digits_classifier",
    "load_digits_classifier",
    "digits_classifier_info",
    "ModeCoverage",
    "mode_coverage",
    "mode_coverage_for",
]
