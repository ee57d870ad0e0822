"""One entry point for every metric: :func:`evaluate` and :class:`Evaluator`.

``evaluate(model, "digits", metrics=["fid", "kid", "is", "modes"])`` draws
samples from the model in chunks, passes each chunk once through the feature
extractor, feeds every requested metric's streaming accumulator, computes (or
reads from a cache) the statistics of the real data, and returns one flat
dict of numbers plus a ``"protocol"`` entry saying exactly how they were
obtained. The single-metric helpers (:func:`fid`, :func:`kid`,
:func:`inception_score`, :func:`precision_recall`, :func:`class_mode_coverage`,
:func:`parzen_log_likelihood`) are thin wrappers around it.

Metric names (:data:`METRICS`): ``fid``, ``kid``, ``is``, ``pr``
(precision/recall), ``modes`` (class histogram for images, VEEGAN/PacGAN 2-D
mode coverage for ``ring8`` / ``grid25``) and ``parzen``. The protocol --
sample counts, reference split, resize, feature layer -- is in
``docs/metrics.md``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from typing import Dict, Iterable, Optional, Sequence

import numpy as np

from kerasgan.metrics import mmd as kid_module
from kerasgan.metrics import parzen as parzen_module
from kerasgan.metrics.classifier import DEFAULT_SPLITS, ClassifierStats
from kerasgan.metrics.extractors import FeatureExtractor, get_extractor
from kerasgan.metrics.manifold import DEFAULT_K, precision_recall_from_features
from kerasgan.metrics.sources import DEFAULT_BATCH_SIZE, is_generator_model, iter_batches
from kerasgan.metrics.stats import FeatureStats, frechet_distance

__all__ = [
    "METRICS",
    "DEFAULT_METRICS",
    "IMAGE_NUM_SAMPLES",
    "POINT_NUM_SAMPLES",
    "REFERENCE_MAX_FEATURES",
    "UnknownMetricError",
    "parse_metrics",
    "default_extractor_name",
    "reference_statistics",
    "Evaluator",
    "evaluate",
    "fid",
    "kid",
    "inception_score",
    "precision_recall",
    "class_mode_coverage",
    "parzen_log_likelihood",
    "scalar_results",
]

#: Every metric name, in report order.
METRICS = ("fid", "kid", "is", "pr", "modes", "parzen")
#: Metrics computed when none are named (2-D points: without ``is``).
DEFAULT_METRICS = ("fid", "kid", "is", "modes")
_ALIASES = {
    "inception_score": "is",
    "precision_recall": "pr",
    "precision": "pr",
    "recall": "pr",
    "mode_coverage": "modes",
    "parzen_ll": "parzen",
}
#: Generated samples per evaluation of an image model (FID-10k / IS-10k).
IMAGE_NUM_SAMPLES = 10_000
#: Generated samples per evaluation of a 2-D point model (VEEGAN / PacGAN).
POINT_NUM_SAMPLES = 2_500
#: Reference feature vectors kept (for KID and precision/recall); the
#: reference mean and covariance always use the whole reference set.
REFERENCE_MAX_FEATURES = 10_000
#: Validation points (``train`` split) that choose the Parzen bandwidth.
PARZEN_VALIDATION = 1_000
#: Test points (``test`` split) scored by the Parzen window, at most.
PARZEN_TEST = 10_000
_POINT_SETS = ("ring8", "grid25")


class UnknownMetricError(ValueError):
    """A metric name not in :data:`METRICS` (the message lists the valid ones)."""


def parse_metrics(metrics) -> tuple:
    """Normalises metric names: a comma-separated string or a list; aliases resolved.

    Args:
        metrics: e.g. ``"fid,kid"`` or ``["fid", "inception_score"]``.

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
        if key not in METRICS:
            raise UnknownMetricError(
                f"unknown metric {str(name).strip()!r}; valid metrics: {', '.join(METRICS)}"
            )
        out.append(key)
    if not out:
        raise UnknownMetricError(f"no metric given; valid metrics: {', '.join(METRICS)}")
    return tuple(m for m in METRICS if m in out)


def default_extractor_name(data_name: Optional[str], kind: str) -> str:
    """The feature extractor a data set is judged with by default.

    ``digits`` -> ``"digits"`` (the shipped CNN); 2-D points -> ``"identity"``;
    any other image data -> ``"inception"``.
    """
    if kind == "points":
        return "identity"
    if data_name == "digits":
        return "digits"
    return "inception"


def scalar_results(results: Dict[str, object]) -> Dict[str, float]:
    """The plain numbers of a result dict (what callbacks log and the CLI tabulates)."""
    out = {}
    for key, value in results.items():
        if isinstance(value, (bool, np.bool_)):
            continue
        if isinstance(value, (int, float, np.integer, np.floating)):
            out[key] = float(value) if isinstance(value, (float, np.floating)) else int(value)
    return out


# ------------------------------------------------------------- reference data


def _load_named(name, split, *, image_size, channels, data_dir, batch_size, num_samples=None):
    from kerasgan import data as data_module

    kwargs = dict(split=split, shuffle=True, seed=0, drop_remainder=False)
    if name in _POINT_SETS:
        if num_samples is not None:
            kwargs["epoch_size"] = int(num_samples)
        return data_module.load(name, batch_size, **kwargs)
    return data_module.load(
        name, batch_size, image_size=image_size, channels=channels, data_dir=data_dir, **kwargs
    )


def _protocol_key(protocol) -> str:
    return hashlib.sha1(json.dumps(protocol, sort_keys=True, default=str).encode()).hexdigest()[:12]


def _cache_path(cache, name, split, extractor_name, protocol):
    if str(cache).endswith(".npz"):
        return str(cache)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name)).strip("_") or "data"
    return os.path.join(str(cache), f"{safe}-{split}-{extractor_name}-{_protocol_key(protocol)}.npz")


def _describe(data) -> Optional[str]:
    return data if isinstance(data, str) else None


def reference_statistics(
    data,
    extractor=None,
    *,
    split: str = "train",
    num_samples: Optional[int] = None,
    image_size: Optional[int] = None,
    channels: Optional[int] = None,
    data_dir: Optional[str] = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    cache: Optional[str] = None,
    max_features: Optional[int] = REFERENCE_MAX_FEATURES,
    inception_weights: str = "imagenet",
) -> FeatureStats:
    """Feature statistics of real data, computed once and optionally cached to ``.npz``.

    Args:
        data: a data-set name for :func:`kerasgan.data.load`, a
            ``tf.data.Dataset`` / array / iterable of batches, a
            :class:`FeatureStats`, or the path of a cached ``.npz``.
        extractor: feature extractor (name, Keras model, callable or
            :class:`FeatureExtractor`); default by data set (see
            :func:`default_extractor_name`).
        split: split of a named data set (default ``"train"``).
        num_samples: reference samples (default: the whole split; 10,000
            fresh draws for 2-D point sets).
        image_size, channels: load a named image set at this size / channel
            count (use the generator's).
        data_dir: tensorflow_datasets root.
        batch_size: batch size for reading and feature extraction.
        cache: a folder (file name derived from the protocol) or an ``.npz``
            path. An existing file is used when its recorded protocol equals
            this one; a file path whose protocol differs is an error. Only
            named data sets can be cached in a folder.
        max_features: feature vectors kept for KID and precision/recall.
        inception_weights: weights of the InceptionV3 extractor.

    Returns:
        :class:`FeatureStats` whose ``protocol`` records extractor, layer,
        resize, data set, split, sample count, image size and channels.

    Raises:
        ValueError: a cache file computed with another protocol.
    """
    if isinstance(data, FeatureStats):
        return data
    if isinstance(data, str) and data.endswith(".npz"):
        if not os.path.isfile(data):
            raise FileNotFoundError(f"cached statistics file {data!r} not found")
        return FeatureStats.load(data)
    name = _describe(data)
    kind = "points" if name in _POINT_SETS else "image"
    batches = None
    if extractor is None and name is None:
        # Unnamed data: look at the first batch to tell points from images.
        batches = iter_batches(data, num_samples, batch_size=batch_size)
        first = next(batches, None)
        if first is None:
            raise ValueError("the reference data yielded no samples")
        kind = "points" if first.ndim == 2 else "image"
        batches = _chain(first, batches)
    if extractor is None:
        extractor = default_extractor_name(name, kind)
    extractor = (
        get_extractor(extractor, inception_weights=inception_weights)
        if not isinstance(extractor, FeatureExtractor)
        else extractor
    )
    protocol = {
        "data": name if name is not None else "custom",
        "split": split if name is not None else None,
        "requested_samples": None if num_samples is None else int(num_samples),
        "image_size": None if kind == "points" else image_size,
        "channels": None if kind == "points" else channels,
        "extractor": extractor.protocol(),
        "max_features": max_features,
    }
    path = None
    if cache is not None and extractor.cacheable and (name is not None or str(cache).endswith(".npz")):
        path = _cache_path(cache, name or "custom", split, extractor.name, protocol)
        if os.path.isfile(path):
            stats = FeatureStats.load(path)
            recorded = {k: v for k, v in stats.protocol.items() if k != "num_samples"}
            if json.loads(json.dumps(recorded, default=str)) == json.loads(json.dumps(protocol, default=str)):
                return stats
            if str(cache).endswith(".npz"):
                raise ValueError(
                    f"cached statistics {path!r} were computed with another protocol "
                    f"({recorded}); expected {protocol}. Delete the file or choose another cache path."
                )
    if name is not None:
        source = _load_named(
            name,
            split,
            image_size=image_size,
            channels=channels,
            data_dir=data_dir,
            batch_size=batch_size,
            num_samples=num_samples,
        )
        batches = iter_batches(source, num_samples, batch_size=batch_size)
    elif batches is None:
        batches = iter_batches(data, num_samples, batch_size=batch_size)
    stats = FeatureStats(keep_features=True, max_features=max_features, protocol=protocol)
    for batch in batches:
        stats.update(extractor(batch)[0])
    if stats.num_samples == 0:
        raise ValueError("the reference data yielded no samples")
    stats.protocol["num_samples"] = stats.num_samples
    if path is not None:
        stats.save(path)
    return stats


# ------------------------------------------------------------------ evaluator


def _sample_shape(source):
    """Shape of one sample of a generator model, without drawing a whole batch."""
    if hasattr(source, "generator") and getattr(source.generator, "outputs", None):
        shape = tuple(source.generator.outputs[0].shape[1:])
        if all(d is not None for d in shape):
            return shape
    if hasattr(source, "generate"):
        return tuple(np.asarray(source.generate(1, seed=0)).shape[1:])
    shape = tuple(source.outputs[0].shape[1:])
    if any(d is None for d in shape):
        import tensorflow as tf

        return tuple(np.asarray(source(tf.zeros((1, source.inputs[0].shape[-1])))).shape[1:])
    return shape


class Evaluator:
    """Evaluates samples on a fixed protocol; reuses the real-data statistics between calls.

    The callback and the CLI use this; :func:`evaluate` makes a fresh one.
    Arguments are those of :func:`evaluate` (except the samples).

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
        kid_subsets: int = kid_module.DEFAULT_SUBSETS,
        kid_subset_size: int = kid_module.DEFAULT_SUBSET_SIZE,
        splits: int = DEFAULT_SPLITS,
        pr_k: int = DEFAULT_K,
        min_count: int = 1,
        min_confidence: float = 0.0,
        parzen_sigmas: Optional[Iterable[float]] = None,
        parzen_validation=None,
        parzen_test=None,
    ):
        self.metrics = parse_metrics(metrics)
        self.default_metrics = metrics is None
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
        self.kid_subsets = int(kid_subsets)
        self.kid_subset_size = int(kid_subset_size)
        self.splits = int(splits)
        self.pr_k = int(pr_k)
        self.min_count = int(min_count)
        self.min_confidence = float(min_confidence)
        self.parzen_sigmas = None if parzen_sigmas is None else tuple(float(s) for s in parzen_sigmas)
        self.parzen_validation = parzen_validation
        self.parzen_test = parzen_test
        self._extractor = None
        self._references = {}
        self._parzen_data = {}
        needs_reference = any(m in self.metrics for m in ("fid", "kid", "pr"))
        if data is None and needs_reference:
            raise ValueError(
                f"metrics {', '.join(m for m in self.metrics if m in ('fid', 'kid', 'pr'))} "
                "need real data: pass data="
            )
        if (
            "parzen" in self.metrics
            and self.data_name is None
            and (parzen_validation is None or parzen_test is None)
        ):
            raise ValueError(
                "parzen needs a named data set (train split: validation, test split: test) "
                "or parzen_validation= and parzen_test= data"
            )

    # ---------------------------------------------------------------- pieces

    def extractor(self, kind: str) -> FeatureExtractor:
        """The feature extractor (built once)."""
        if self._extractor is None:
            spec = self.extractor_spec
            from_stats = isinstance(self.data, FeatureStats) or (
                isinstance(self.data, str) and self.data.endswith(".npz")
            )
            if spec is None and from_stats:
                spec = self._extractor_from_stats()
            if spec is None:
                spec = default_extractor_name(self.data_name, kind)
            self._extractor = get_extractor(spec, inception_weights=self.inception_weights)
        return self._extractor

    def _extractor_from_stats(self):
        stats = self.data if isinstance(self.data, FeatureStats) else FeatureStats.load(self.data)
        name = (stats.protocol.get("extractor") or {}).get("extractor")
        known = {"digits_cnn": "digits", "inception_v3": "inception", "identity": "identity"}
        if name not in known:
            raise ValueError(
                "cannot tell which feature extractor made these statistics "
                f"(recorded: {name!r}); pass extractor="
            )
        return known[name]

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

    def _parzen_sources(self, kind, shape):
        if self.parzen_validation is not None and self.parzen_test is not None:
            return self.parzen_validation, None, self.parzen_test, None, "given"
        image_size = channels = None
        if kind == "image":
            image_size, channels = int(shape[0]), int(shape[-1])
        common = dict(
            image_size=image_size, channels=channels, data_dir=self.data_dir, batch_size=self.batch_size
        )
        validation = _load_named(self.data_name, "train", num_samples=PARZEN_VALIDATION, **common)
        test = _load_named(self.data_name, "test", num_samples=PARZEN_TEST, **common)
        described = f"{self.data_name}: validation=train[:{PARZEN_VALIDATION}], test=test[:{PARZEN_TEST}]"
        return validation, PARZEN_VALIDATION, test, PARZEN_TEST, described

    # ------------------------------------------------------------------- run

    def __call__(
        self, samples, num_samples: Optional[int] = None, seed: Optional[int] = None
    ) -> Dict[str, object]:
        """Evaluates ``samples`` (a model, data set or array); see :func:`evaluate`."""
        seed = self.seed if seed is None else int(seed)
        num_samples = self.num_samples if num_samples is None else int(num_samples)
        generated = is_generator_model(samples)
        if generated:
            shape = _sample_shape(samples)
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
        shape = first.shape[1:]
        return self._run(first, batches, kind, shape, num_samples, seed, generated)

    def _run(self, first, batches, kind, shape, num_samples, seed, generated):
        metrics = self.metrics
        if self.default_metrics and kind == "points":
            metrics = tuple(m for m in metrics if m != "is")
        if self.data_name in _POINT_SETS and kind != "points":
            raise ValueError(
                f"data {self.data_name!r} holds 2-D points but the samples have shape {tuple(shape)}"
            )
        if kind == "points" and self.data_name is not None and self.data_name not in _POINT_SETS:
            raise ValueError(f"the samples are 2-D points but data {self.data_name!r} is an image data set")
        if kind == "points" and "is" in metrics:
            raise ValueError("'is' needs a classifier over images; 2-D points have none (use 'modes')")
        point_modes = kind == "points" and "modes" in metrics
        if point_modes and self.data_name not in _POINT_SETS:
            raise ValueError(f"'modes' on 2-D points needs data 'ring8' or 'grid25', got {self.data_name!r}")
        need_reference = any(m in metrics for m in ("fid", "kid", "pr"))
        need_classifier = "is" in metrics or ("modes" in metrics and not point_modes)
        need_features = need_reference
        keep = "kid" in metrics or "pr" in metrics
        reference = self.reference(kind, shape) if need_reference else None
        extractor = self.extractor(kind) if (need_features or need_classifier) else None
        if need_classifier and extractor.num_classes is None:
            raise ValueError(
                f"'is' and class-histogram 'modes' need an extractor with logits; {extractor.name!r} has none"
            )
        stats = FeatureStats(keep_features=keep) if need_features else None
        classes = None
        if need_classifier:
            classes = ClassifierStats(
                extractor.num_classes,
                splits=self.splits,
                num_samples=num_samples if generated else None,
                min_count=self.min_count,
                min_confidence=self.min_confidence,
            )
        modes2d = None
        if point_modes:
            from kerasgan.data.toy2d import TOY2D
            from kerasgan.metrics.modes2d import ModeCoverage

            mix = TOY2D[self.data_name]
            modes2d = ModeCoverage(mix.centers, mix.std, min_count=self.min_count)
        parzen_kept = [] if "parzen" in metrics else None

        seen = 0
        for batch in _chain(first, batches):
            seen += len(batch)
            if extractor is not None:
                features, logits = extractor(batch)
                if stats is not None:
                    stats.update(features)
                if classes is not None:
                    classes.update(logits)
            if modes2d is not None:
                modes2d.update(batch)
            if parzen_kept is not None:
                parzen_kept.append(_parzen_view(batch, kind))

        results: Dict[str, object] = {}
        protocol: Dict[str, object] = {
            "metrics": list(metrics),
            "num_samples": seen,
            "seed": seed if generated else None,
            "data": (
                self.data_name
                if self.data_name is not None
                else ("statistics" if isinstance(self.data, FeatureStats) else "custom")
            ),
            "kind": kind,
            "sample_shape": list(shape),
        }
        if extractor is not None:
            protocol["extractor"] = extractor.protocol()
        if reference is not None:
            protocol["reference"] = {
                k: reference.protocol.get(k)
                for k in ("data", "split", "num_samples", "image_size", "channels")
            }
        if "fid" in metrics:
            results["fid"] = frechet_distance(
                reference.mean, reference.covariance, stats.mean, stats.covariance
            )
        if "kid" in metrics:
            k = kid_module.kid_from_features(
                _reference_features(reference),
                stats.features,
                num_subsets=self.kid_subsets,
                subset_size=self.kid_subset_size,
                seed=seed,
            )
            results["kid"], results["kid_std"] = k["kid"], k["kid_std"]
            protocol["kid"] = {
                "subsets": k["kid_subsets"],
                "subset_size": k["kid_subset_size"],
                "kernel": "(x.y/d + 1)^3",
            }
        if "is" in metrics or (classes is not None and "modes" in metrics):
            c = classes.result()
            if "is" in metrics:
                results["is"], results["is_std"], results["is_single"] = c["is"], c["is_std"], c["is_single"]
                protocol["is"] = {"splits": self.splits, "classifier": extractor.name}
            if "modes" in metrics:
                results["modes"] = c["modes"]
                results["num_modes"] = c["num_classes"]
                results["mode_kl"] = c["mode_kl"]
                results["mean_confidence"] = c["mean_confidence"]
                results["mode_counts"] = c["class_counts"]
                protocol["modes"] = {
                    "kind": "class histogram",
                    "classifier": extractor.name,
                    "min_count": self.min_count,
                    "min_confidence": self.min_confidence,
                }
        if "pr" in metrics:
            real = _reference_features(reference)
            fake = stats.features
            n = min(len(real), len(fake))
            pr = precision_recall_from_features(real[:n], fake[:n], k=self.pr_k)
            results["precision"], results["recall"] = pr["precision"], pr["recall"]
            protocol["pr"] = {"k": self.pr_k, "num_samples": n}
        if modes2d is not None:
            m = modes2d.result()
            results["modes"] = m["modes"]
            results["num_modes"] = m["num_modes"]
            results["mode_kl"] = m["reverse_kl"]
            results["high_quality"] = m["high_quality"]
            results["mode_counts"] = m["counts"]
            protocol["modes"] = {
                "kind": "2-D mixture (VEEGAN/PacGAN)",
                "threshold_std": m["threshold"],
                "min_count": m["min_count"],
            }
        if parzen_kept is not None:
            validation, n_val, test, n_test, described = self._parzen_sources(kind, shape)
            window = parzen_module.ParzenWindow(np.concatenate(parzen_kept), self.parzen_sigmas)

            def view(src, cap):
                return (_parzen_view(b, kind) for b in iter_batches(src, cap, batch_size=self.batch_size))

            chosen = parzen_module.select_bandwidth(window, view(validation, n_val))
            scored = parzen_module.score(window, chosen["sigma"], view(test, n_test))
            results["parzen_ll"], results["parzen_se"] = scored["parzen_ll"], scored["parzen_se"]
            results["parzen_sigma"] = chosen["sigma"]
            protocol["parzen"] = {
                "data": described,
                "num_validation": chosen["num_validation"],
                "num_test": scored["num_test"],
                "num_centres": int(window.centres.shape[0]),
                "sigma_grid": [float(window.sigmas[0]), float(window.sigmas[-1]), int(window.sigmas.size)],
                "sigma_at_edge": chosen["sigma_at_edge"],
                "validation_ll": chosen["validation_ll"],
                "input": "pixels mapped to [0, 1], flattened" if kind == "image" else "raw 2-D points",
            }
        results["num_samples"] = seen
        results["protocol"] = protocol
        return results


def _chain(first, rest):
    yield first
    yield from rest


def _parzen_view(batch, kind):
    x = np.asarray(batch, dtype=np.float32).reshape(len(batch), -1)
    return (x + 1.0) / 2.0 if kind == "image" else x


def _reference_features(reference: FeatureStats) -> np.ndarray:
    if not reference.keep_features:
        raise ValueError(
            "these reference statistics hold no feature vectors; KID and precision/recall need them"
        )
    return reference.features


# ------------------------------------------------------------------ functions


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
            * ``kid_subsets`` (100), ``kid_subset_size`` (1000),
              ``splits`` (IS, 10), ``pr_k`` (3), ``min_count`` (1),
              ``min_confidence`` (0), ``parzen_sigmas``,
              ``parzen_validation`` / ``parzen_test`` (for unnamed data).

    Returns:
        Flat dict: ``fid``; ``kid``, ``kid_std``; ``is``, ``is_std``,
        ``is_single``; ``precision``, ``recall``; ``modes``, ``num_modes``,
        ``mode_kl``, ``mean_confidence`` (images) or ``high_quality``
        (points), ``mode_counts``; ``parzen_ll``, ``parzen_se``,
        ``parzen_sigma``; ``num_samples``; and ``protocol`` (a dict: sample
        count, seed, extractor, reference split ...).

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


def fid(samples, reference, **options) -> float:
    """Fréchet Inception Distance between ``samples`` and ``reference`` (see :func:`evaluate`).

    Example:
        >>> import numpy as np
        >>> x = np.random.default_rng(0).normal(size=(500, 2))
        >>> fid(x, x) < 1e-9
        True
    """
    return evaluate(samples, reference, ["fid"], **options)["fid"]


def kid(samples, reference, **options) -> Dict[str, float]:
    """Kernel Inception Distance: ``{"kid", "kid_std"}`` (see :func:`evaluate`)."""
    r = evaluate(samples, reference, ["kid"], **options)
    return {"kid": r["kid"], "kid_std": r["kid_std"]}


def inception_score(samples, extractor="inception", **options) -> Dict[str, float]:
    """Inception Score ``{"is", "is_std", "is_single"}`` of image samples.

    ``extractor`` is the classifier (default InceptionV3; ``"digits"`` for
    digits). See :func:`evaluate` for the options.
    """
    r = evaluate(samples, options.pop("data", None), ["is"], extractor=extractor, **options)
    return {"is": r["is"], "is_std": r["is_std"], "is_single": r["is_single"]}


def precision_recall(samples, reference, **options) -> Dict[str, float]:
    """Improved precision and recall ``{"precision", "recall"}`` (see :func:`evaluate`)."""
    r = evaluate(samples, reference, ["pr"], **options)
    return {"precision": r["precision"], "recall": r["recall"]}


def class_mode_coverage(samples, data=None, **options) -> Dict[str, object]:
    """Mode coverage: class histogram for images (classifier from ``extractor``), 2-D modes for points.

    Returns:
        ``{"modes", "num_modes", "mode_kl", "mode_counts"}`` plus
        ``mean_confidence`` (images) or ``high_quality`` (points).
    """
    r = evaluate(samples, data, ["modes"], **options)
    keys = ("modes", "num_modes", "mode_kl", "mean_confidence", "high_quality", "mode_counts")
    return {k: r[k] for k in keys if k in r}


def parzen_log_likelihood(samples, data=None, **options) -> Dict[str, float]:
    """Parzen-window log-likelihood ``{"parzen_ll", "parzen_se", "parzen_sigma"}``.

    With a named data set the bandwidth is chosen on its ``train`` split and
    the ``test`` split is scored; otherwise pass ``parzen_validation=`` and
    ``parzen_test=``.
    """
    r = evaluate(samples, data, ["parzen"], **options)
    return {"parzen_ll": r["parzen_ll"], "parzen_se": r["parzen_se"], "parzen_sigma": r["parzen_sigma"]}
