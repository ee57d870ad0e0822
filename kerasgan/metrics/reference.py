"""Real-data statistics: computed once per protocol and cached to ``.npz``.

:func:`reference_statistics` reads real data (a named data set, a
``tf.data.Dataset``, an array, or a cached file), passes it through a feature
extractor and returns its :class:`FeatureStats`. The cache file name is
derived from the protocol (data set, split, sample count, image size,
channels, extractor), so a changed protocol never reuses stale numbers.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from typing import Optional

from kerasgan.data.toy2d import TOY2D
from kerasgan.metrics.digits_classifier import JUDGES, judge_for
from kerasgan.metrics.extractors import FeatureExtractor, get_extractor
from kerasgan.metrics.sources import DEFAULT_BATCH_SIZE, iter_batches, prepend
from kerasgan.metrics.stats import FeatureStats

__all__ = [
    "REFERENCE_MAX_FEATURES",
    "POINT_SETS",
    "reference_statistics",
    "default_extractor_name",
    "extractor_name_from_stats",
    "point_mixture",
    "load_named",
]

#: Reference feature vectors kept (for KID and precision/recall); the
#: reference mean and covariance always use the whole reference set.
REFERENCE_MAX_FEATURES = 10_000
#: Names of the 2-D point data sets (judged on raw points).
POINT_SETS = tuple(TOY2D)


def point_mixture(data_name: Optional[str]):
    """The 2-D Gaussian mixture behind a data-set name (``ring8``, ``grid25``), or ``None``."""
    return TOY2D.get(data_name) if isinstance(data_name, str) else None


def default_extractor_name(data_name: Optional[str], kind: str) -> str:
    """The feature extractor a data set is judged with by default.

    Args:
        data_name: the real data set's name, or ``None``.
        kind: ``"image"`` or ``"points"``.

    Returns:
        ``"digits"`` / ``"mnist5k"`` (the shipped CNNs) for ``digits`` /
        ``mnist5k``, ``"identity"`` for 2-D points, ``"inception"`` for any
        other image data.
    """
    if kind == "points":
        return "identity"
    if judge_for(data_name) is not None:
        return judge_for(data_name).data
    return "inception"


def extractor_name_from_stats(data) -> str:
    """The extractor name recorded in cached statistics (a :class:`FeatureStats` or ``.npz`` path).

    Raises:
        ValueError: the statistics do not name a known extractor.
    """
    stats = data if isinstance(data, FeatureStats) else FeatureStats.load(data)
    name = (stats.protocol.get("extractor") or {}).get("extractor")
    known = {"inception_v3": "inception", "identity": "identity"}
    known.update({judge.name: judge.data for judge in JUDGES.values()})
    if name not in known:
        raise ValueError(
            "cannot tell which feature extractor made these statistics "
            f"(recorded: {name!r}); pass extractor="
        )
    return known[name]


def load_named(name, split, *, image_size, channels, data_dir, batch_size, num_samples=None):
    """A shuffled (seed 0) ``tf.data`` pipeline of a named data set, for reference data.

    Args:
        name: data-set name for :func:`kerasgan.data.load`.
        split: its split.
        image_size, channels: image size / channels (ignored for 2-D points).
        data_dir: tensorflow_datasets root.
        batch_size: batch size.
        num_samples: points drawn from a 2-D mixture (an epoch's size).

    Returns:
        A ``tf.data.Dataset`` of batches.
    """
    from kerasgan import data as data_module

    kwargs = dict(split=split, shuffle=True, seed=0, drop_remainder=False)
    if point_mixture(name) is not None:
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


def _same_protocol(recorded, expected) -> bool:
    return json.loads(json.dumps(recorded, default=str)) == json.loads(json.dumps(expected, default=str))


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
    name = data if isinstance(data, str) else None
    kind = "points" if point_mixture(name) is not None else "image"
    batches = None
    if extractor is None and name is None:
        # Unnamed data: look at the first batch to tell points from images.
        batches = iter_batches(data, num_samples, batch_size=batch_size)
        first = next(batches, None)
        if first is None:
            raise ValueError("the reference data yielded no samples")
        kind = "points" if first.ndim == 2 else "image"
        batches = prepend(first, batches)
    if extractor is None:
        extractor = default_extractor_name(name, kind)
    if not isinstance(extractor, FeatureExtractor):
        extractor = get_extractor(extractor, inception_weights=inception_weights)
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
            if _same_protocol(recorded, protocol):
                return stats
            if str(cache).endswith(".npz"):
                raise ValueError(
                    f"cached statistics {path!r} were computed with another protocol "
                    f"({recorded}); expected {protocol}. Delete the file or choose another cache path."
                )
    if name is not None:
        source = load_named(
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
