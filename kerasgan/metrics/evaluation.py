"""One entry point for every metric: :func:`evaluate` and :class:`Evaluator`.

``evaluate(model, "digits", metrics=["fid", "kid", "is", "modes"])`` draws
samples from the model in chunks, passes each chunk once through the feature
extractor, feeds every requested metric (:mod:`kerasgan.metrics.registry`),
computes (or reads from a cache) the statistics of the real data, and returns
one flat dict of numbers plus a ``"protocol"`` entry saying exactly how they
were obtained. The protocol -- sample counts, reference split, resize,
feature layer -- is in ``docs/metrics.md``.
"""

from __future__ import annotations

import dataclasses
from typing import Dict, Optional, Sequence

import numpy as np

from kerasgan.metrics.base import FEATURES, LOGITS, SAMPLES, EvalContext
from kerasgan.metrics.extractors import FeatureExtractor, get_extractor
from kerasgan.metrics.reference import (
    REFERENCE_MAX_FEATURES,
    default_extractor_name,
    extractor_name_from_stats,
    point_mixture,
    reference_statistics,
)
from kerasgan.metrics.registry import (
    DEFAULT_METRICS,
    METRICS,
    UnknownMetricError,
    metric_class,
    metric_options,
    parse_metrics,
)
from kerasgan.metrics.sources import DEFAULT_BATCH_SIZE, is_generator_model, iter_batches, prepend, sample_shape
from kerasgan.metrics.stats import FeatureStats

__all__ = [
    "IMAGE_NUM_SAMPLES",
    "POINT_NUM_SAMPLES",
    "Evaluator",
    "evaluate",
    "scalar_results",
    # Re-exported for the callers of this module (the CLI, the callback).
    "METRICS",
    "DEFAULT_METRICS",
    "REFERENCE_MAX_FEATURES",
    "UnknownMetricError",
    "parse_metrics",
    "default_extractor_name",
    "reference_statistics",
]

#: Generated samples per evaluation of an image model (FID-10k / IS-10k).
IMAGE_NUM_SAMPLES = 10_000
#: Generated samples per evaluation of a 2-D point model (VEEGAN / PacGAN).
POINT_NUM_SAMPLES = 2_500


def scalar_results(results: Dict[str, object]) -> Dict[str, float]:
    """The plain numbers of a result dict (what callbacks log and the CLI tabulates).

    Args:
        results: a dict returned by :func:`evaluate`.

    Returns:
        Its int and float entries (booleans, lists and the protocol left out).
    """
    out = {}
    for key, value in results.items():
        if isinstance(value, (bool, np.bool_)):
            continue
        if isinstance(value, (int, float, np.integer, np.floating)):
            out[key] = float(value) if isinstance(value, (float, np.floating)) else int(value)
    return out


class Evaluator:
    """Evaluates samples on a fixed protocol; reuses the real-data statistics between calls.

    The callback and the CLI use this; :func:`evaluate` makes a fresh one.
    Arguments are those of :func:`evaluate` (except the samples); the metric
    options (``kid_subsets``, ``splits``, ``pr_k``, ``min_count`` ...) are
    those the metric classes declare.

    Raises:
        TypeError: an option no metric declares.
        UnknownMetricError: an unknown metric name.
        ValueError: metrics that need real data without it.

    Example:
        >>> ev = Evaluator("digits", ["fid", "is"], num_samples=1000)   # doctest: +SKIP
        >>> ev(model)["fid"]                                             # doctest: +SKIP
    """

    def __init__(
        self,
        data=None,
        metrics: Optional[Sequence[str]] = None,
        *,
        extractor=None,
        num_samples: Optional[int] = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        seed: int = 0,
        reference_split: str = "train",
        reference_samples: Optional[int] = None,
        cache_dir: Optional[str] = None,
        data_dir: Optional[str] = None,
        inception_weights: str = "imagenet",
        **options,
    ):
        unknown = sorted(set(options) - set(metric_options()))
        if unknown:
            raise TypeError(f"Evaluator got unexpected keyword arguments: {', '.join(unknown)}")
        self.metrics = parse_metrics(metrics)
        self.default_metrics = metrics is None
        self.metric_objects = tuple(metric_class(name)(**options) for name in self.metrics)
        self.data = data
        self.data_name = data if isinstance(data, str) and not data.endswith(".npz") else None
        self.extractor_spec = extractor
        self.num_samples = None if num_samples is None else int(num_samples)
        self.batch_size = int(batch_size)
        self.seed = int(seed)
        self.reference_split = reference_split
        self.reference_samples = reference_samples
        self.cache_dir = cache_dir
        self.data_dir = data_dir
        self.inception_weights = inception_weights
        self._extractor = None
        self._references = {}
        compared = [m.name for m in self.metric_objects if m.needs_reference]
        if data is None and compared:
            raise ValueError(f"metrics {', '.join(compared)} need real data: pass data=")
        for metric in self.metric_objects:
            metric.check_data(self.data_name)

    def extractor(self, kind: str) -> FeatureExtractor:
        """The feature extractor (built once): the one given, else the cached statistics', else the data set's default."""
        if self._extractor is None:
            spec = self.extractor_spec
            from_stats = isinstance(self.data, FeatureStats) or (
                isinstance(self.data, str) and self.data.endswith(".npz")
            )
            if spec is None and from_stats:
                spec = extractor_name_from_stats(self.data)
            if spec is None:
                spec = default_extractor_name(self.data_name, kind)
            self._extractor = get_extractor(spec, inception_weights=self.inception_weights)
        return self._extractor

    def reference(self, kind: str, shape) -> FeatureStats:
        """Real-data statistics at the samples' image size / channels (computed once)."""
        image_size = channels = None
        if kind == "image":
            image_size, channels = int(shape[0]), int(shape[-1])
        key = (image_size, channels)
        if key not in self._references:
            extractor = self.extractor(kind)
            stats = reference_statistics(
                self.data,
                extractor,
                split=self.reference_split,
                num_samples=self.reference_samples,
                image_size=image_size,
                channels=channels,
                data_dir=self.data_dir,
                batch_size=self.batch_size,
                cache=self.cache_dir,
                inception_weights=self.inception_weights,
            )
            recorded = stats.protocol.get("extractor")
            if recorded is not None and recorded != extractor.protocol():
                raise ValueError(
                    f"the reference statistics were computed with extractor {recorded}, "
                    f"not the one in use ({extractor.protocol()})"
                )
            self._references[key] = stats
        return self._references[key]

    def __call__(
        self, samples, num_samples: Optional[int] = None, seed: Optional[int] = None
    ) -> Dict[str, object]:
        """Evaluates ``samples`` (a model, data set or array); see :func:`evaluate`."""
        seed = self.seed if seed is None else int(seed)
        num_samples = self.num_samples if num_samples is None else int(num_samples)
        if self._reads_translator(samples):
            return self._translator_results(samples, num_samples, seed)
        generated = is_generator_model(samples)
        if generated:
            shape = sample_shape(samples)
            kind = "points" if len(shape) == 1 else "image"
            if num_samples is None:
                num_samples = POINT_NUM_SAMPLES if kind == "points" else IMAGE_NUM_SAMPLES
            batches = iter_batches(samples, num_samples, batch_size=self.batch_size, seed=seed)
            first = next(batches)
        else:
            batches = iter_batches(samples, num_samples, batch_size=self.batch_size, seed=seed)
            try:
                first = next(batches)
            except StopIteration:
                raise ValueError("the samples are empty") from None
            kind = "points" if first.ndim == 2 else "image"
        context = EvalContext(
            kind=kind,
            shape=tuple(first.shape[1:]),
            seed=seed,
            generated=generated,
            num_samples=num_samples,
            data_name=self.data_name,
            batch_size=self.batch_size,
            data_dir=self.data_dir,
        )
        return self._run(prepend(first, batches), context)

    def _reads_translator(self, samples) -> bool:
        """Whether the metrics measure ``samples`` as a model (a translator, a classifier), checked."""
        from kerasgan.metrics.registry import model_metric_names

        readers = [m for m in self.metric_objects if m.reads_translator]
        sampling = getattr(samples, "sampling", None)
        model_metrics = list(model_metric_names(samples))
        if not readers:
            if model_metrics:
                raise ValueError(
                    f"{type(samples).__name__} is measured as a model ({sampling}) rather than by "
                    f"sampling it: evaluate it with metrics={model_metrics}"
                )
            return False
        others = [m.name for m in self.metric_objects if not m.reads_translator]
        names = [m.name for m in readers]
        if others:
            raise ValueError(
                f"{', '.join(names)} measure a model and {', '.join(others)} "
                "samples: evaluate them separately"
            )
        wrong = [m.name for m in readers if m.reads_sampling != sampling]
        if wrong:
            verb = {"translation": "an image-to-image model (with translate())",
                    "classification": "a classifier (with classify())"}
            wanted = "; ".join(f"{m.name} measure {verb.get(m.reads_sampling, m.reads_sampling)}"
                               for m in readers if m.name in wrong)
            hint = f"; for this model use metrics={model_metrics}" if model_metrics else ""
            raise ValueError(f"{wanted}; got {type(samples).__name__}{hint}")
        return True

    def _translator_results(self, model, num_samples, seed) -> Dict[str, object]:
        """Runs the translator metrics on ``model`` (see :meth:`Metric.measure_translator`)."""
        context = EvalContext(
            kind="image", shape=(), seed=seed, generated=False, num_samples=num_samples, data_name=self.data_name,
            batch_size=self.batch_size, data_dir=self.data_dir,
        )
        results: Dict[str, object] = {}
        protocol: Dict[str, object] = {"metrics": list(self.metrics), "data": self.data_name,
                                       "kind": getattr(model, "sampling", "translation")}
        for metric in self.metric_objects:
            values, settings = metric.measure_translator(model, context)
            results.update(values)
            protocol[metric.name] = settings
        protocol["num_samples"] = max(settings["num_samples"] for settings in
                                      (protocol[m.name] for m in self.metric_objects))
        results["num_samples"] = protocol["num_samples"]
        results["protocol"] = protocol
        return results

    def _check_kind(self, kind, shape):
        points_data = point_mixture(self.data_name) is not None
        if points_data and kind != "points":
            raise ValueError(f"data {self.data_name!r} holds 2-D points but the samples have shape {tuple(shape)}")
        if kind == "points" and self.data_name is not None and not points_data:
            raise ValueError(f"the samples are 2-D points but data {self.data_name!r} is an image data set")

    def _run(self, batches, context: EvalContext) -> Dict[str, object]:
        kind = context.kind
        metrics = self.metric_objects
        if self.default_metrics:
            metrics = tuple(m for m in metrics if kind in m.kinds)
        self._check_kind(kind, context.shape)
        for metric in metrics:
            metric.check(context)
        inputs = {name for metric in metrics for name in metric.inputs(kind)}
        reference = self.reference(kind, context.shape) if any(m.needs_reference for m in metrics) else None
        extractor = self.extractor(kind) if inputs & {FEATURES, LOGITS} else None
        if LOGITS in inputs and extractor.num_classes is None:
            readers = " and ".join(repr(m.name) for m in metrics if LOGITS in m.inputs(kind))
            raise ValueError(f"{readers} need an extractor with logits; {extractor.name!r} has none")
        context = dataclasses.replace(context, extractor=extractor)
        features = None
        if FEATURES in inputs:
            features = FeatureStats(keep_features=any(m.keeps_features for m in metrics))
        for metric in metrics:
            metric.start(context)

        seen = 0
        for batch in batches:
            seen += len(batch)
            entries = {SAMPLES: batch}
            if extractor is not None:
                entries[FEATURES], entries[LOGITS] = extractor(batch)
                if features is not None:
                    features.update(entries[FEATURES])
            for metric in metrics:
                metric.update(entries)

        protocol = self._protocol(metrics, seen, context, reference)
        results: Dict[str, object] = {}
        for metric in metrics:
            values, settings = metric.compute(features, reference, context)
            results.update(values)
            if settings is not None:
                protocol[metric.name] = settings
        results["num_samples"] = seen
        results["protocol"] = protocol
        return results

    def _protocol(self, metrics, seen, context, reference) -> Dict[str, object]:
        if self.data_name is not None:
            data = self.data_name
        else:
            data = "statistics" if isinstance(self.data, FeatureStats) else "custom"
        protocol: Dict[str, object] = {
            "metrics": [m.name for m in metrics],
            "num_samples": seen,
            "seed": context.seed if context.generated else None,
            "data": data,
            "kind": context.kind,
            "sample_shape": list(context.shape),
        }
        if context.extractor is not None:
            protocol["extractor"] = context.extractor.protocol()
        if reference is not None:
            keys = ("data", "split", "num_samples", "image_size", "channels")
            protocol["reference"] = {k: reference.protocol.get(k) for k in keys}
        return protocol


def evaluate(
    model_or_samples, data=None, metrics: Optional[Sequence[str]] = None, **options
) -> Dict[str, object]:
    """Evaluates a generator (or samples) with several metrics in one pass.

    Args:
        model_or_samples: a kerasgan model (samples drawn with
            ``generate(n, seed)`` in chunks), a Keras generator ``z -> x``, a
            ``tf.data.Dataset`` of batches, an iterable of batches or an array.
        data: the real data: a data-set name (``"digits"``, ``"ring8"``,
            ``"mnist"``, ``"folder:PATH"`` ...), a ``tf.data.Dataset`` /
            array, a :class:`FeatureStats` or a cached ``.npz``. Only ``is``
            and image ``modes`` work without it.
        metrics: names from :data:`METRICS` (list or ``"fid,kid"``); default
            :data:`DEFAULT_METRICS` (``fid, kid, is, modes``; no ``is`` for
            2-D points).
        **options: keyword arguments of :class:`Evaluator`:

            * ``num_samples`` -- generated samples (default 10,000 for
              images, 2,500 for 2-D points; arrays / data sets: all);
            * ``extractor`` -- ``"inception"``, ``"digits"``, ``"identity"``,
              a Keras model, a callable or a :class:`FeatureExtractor`
              (default: ``digits`` for digits, identity for points,
              InceptionV3 otherwise);
            * ``inception_weights`` -- ``"imagenet"`` (local cache only), a
              path, or ``"random"``;
            * ``batch_size`` (250), ``seed`` (0);
            * ``reference_split`` (``"train"``), ``reference_samples``
              (all), ``cache_dir`` (cache real statistics there),
              ``data_dir`` (tfds);
            * metric options: ``kid_subsets`` (100), ``kid_subset_size``
              (1000), ``splits`` (IS, 10), ``pr_k`` (3), ``min_count`` (1),
              ``min_confidence`` (0), ``parzen_sigmas``,
              ``parzen_validation`` / ``parzen_test`` (for unnamed data).

    Returns:
        Flat dict: ``fid``; ``kid``, ``kid_std``; ``is``, ``is_std``,
        ``is_single``; ``precision``, ``recall``; ``modes``, ``num_modes``,
        ``mode_kl``, ``mean_confidence`` (images) or ``high_quality``
        (points), ``mode_counts``; ``parzen_ll``, ``parzen_se``,
        ``parzen_sigma``; ``num_samples``; and ``protocol`` (a dict: sample
        count, seed, extractor, reference split ...). An image-to-image
        model with ``content_kept`` gives the figures of
        :mod:`kerasgan.metrics.translation` (``content_kept``, ``task_l1``
        ... per direction or target domain) on the data's held-out truth.

    Raises:
        UnknownMetricError: unknown metric name.
        ValueError: a metric that does not apply (e.g. ``is`` on points).

    Example:
        >>> from kerasgan.data.toy2d import TOY2D
        >>> r = evaluate(TOY2D["ring8"].sample(2500, seed=1), "ring8", ["fid", "modes"])
        >>> r["modes"], r["fid"] < 0.01
        (8, True)
    """
    return Evaluator(data, metrics, **options)(model_or_samples)
