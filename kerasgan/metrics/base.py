"""The metric interface: what a metric reads and how it turns samples into numbers.

A metric is a small class (:class:`Metric`). It declares

* its name (``"fid"``) and aliases, the options it takes (keyword arguments
  of :class:`kerasgan.metrics.Evaluator`) and their defaults;
* the sample kinds it applies to (``"image"``, ``"points"``);
* what it reads per batch of generated samples (:meth:`Metric.inputs`):
  ``"features"`` (the extractor's feature vectors, accumulated once for all
  metrics into a :class:`FeatureStats`), ``"logits"`` (the extractor's
  classifier outputs) or ``"samples"`` (the raw samples);
* whether it compares against real-data feature statistics
  (:attr:`Metric.needs_reference`);
* or that it reads an image-to-image model itself instead of samples
  (:attr:`Metric.reads_translator`, :meth:`Metric.measure_translator`).

:class:`kerasgan.metrics.Evaluator` draws the samples once, feeds every
metric's :meth:`Metric.update`, and asks each for its values with
:meth:`Metric.compute` given the generated and the reference side. New
metrics are registered in :mod:`kerasgan.metrics.registry`.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar, Dict, Mapping, Optional, Tuple

import numpy as np

from kerasgan.metrics.stats import FeatureStats

__all__ = ["Metric", "EvalContext", "SAMPLES", "FEATURES", "LOGITS", "KINDS"]

#: Per-batch inputs a metric can read.
SAMPLES, FEATURES, LOGITS = "samples", "features", "logits"
#: Sample kinds: images ``(N, H, W, C)`` and 2-D points ``(N, 2)``.
KINDS = ("image", "points")


@dataclasses.dataclass(frozen=True)
class EvalContext:
    """What one evaluation knows besides the samples (given to every metric hook).

    Attributes:
        kind: ``"image"`` or ``"points"``.
        shape: shape of one sample.
        seed: seed of the generated samples (and of KID's subsets).
        generated: whether the samples come from a generator (so their count
            is known before they are drawn).
        num_samples: requested sample count (``None``: all of a data source).
        data_name: name of the real data set, or ``None``.
        batch_size: samples per batch when reading data.
        data_dir: tensorflow_datasets root.
        extractor: the feature extractor in use, or ``None`` when no metric
            reads features or logits.
    """

    kind: str
    shape: Tuple[int, ...]
    seed: int
    generated: bool
    num_samples: Optional[int]
    data_name: Optional[str]
    batch_size: int
    data_dir: Optional[str]
    extractor: Any = None

    @property
    def image_size_and_channels(self) -> Tuple[Optional[int], Optional[int]]:
        """``(side, channels)`` of image samples; ``(None, None)`` for points."""
        if self.kind != "image":
            return None, None
        return int(self.shape[0]), int(self.shape[-1])


class Metric:
    """Base class of every metric computed by :class:`kerasgan.metrics.Evaluator`.

    Subclasses set the class attributes and override :meth:`compute` (and
    :meth:`start` / :meth:`update` when they accumulate logits or samples
    themselves).

    Class attributes:
        name: canonical name (``"fid"``), used in ``metrics=`` and as the
            ``protocol`` key of its settings.
        aliases: other accepted names (``"inception_score"``).
        options: Evaluator keyword -> default value; the instance holds the
            chosen values in :attr:`settings`.
        kinds: sample kinds it applies to.
        needs_reference: compares against real-data feature statistics.
        keeps_features: needs the generated feature vectors themselves, not
            only their mean and covariance.
        reads_translator: measures a model itself on the data's ground
            truth (:meth:`measure_translator`) rather than samples: an
            image-to-image model, or the family kind :attr:`reads_sampling` names.

    Args:
        **options: values for the keys of :attr:`options` (others are ignored,
            so the Evaluator can pass all of its metric options to each).
    """

    name: ClassVar[str] = ""
    aliases: ClassVar[Tuple[str, ...]] = ()
    options: ClassVar[Mapping[str, Any]] = {}
    kinds: ClassVar[Tuple[str, ...]] = KINDS
    needs_reference: ClassVar[bool] = False
    keeps_features: ClassVar[bool] = False
    reads_translator: ClassVar[bool] = False
    #: The ``sampling`` of the models a :attr:`reads_translator` metric reads
    #: (``"translation"``: ``translate``; ``"classification"``: ``classify``).
    reads_sampling: ClassVar[str] = "translation"

    def __init__(self, **options):
        self.settings: Dict[str, Any] = {
            key: options.get(key, default) for key, default in self.options.items()
        }

    def inputs(self, kind: str) -> Tuple[str, ...]:
        """Per-batch inputs read on ``kind`` samples (of :data:`SAMPLES`, :data:`FEATURES`, :data:`LOGITS`).

        The default: features when the metric compares with a reference.
        """
        return (FEATURES,) if self.needs_reference else ()

    def check_data(self, data_name: Optional[str]) -> None:
        """Raises ``ValueError`` when the real data given to the Evaluator cannot serve this metric."""

    def check(self, context: EvalContext) -> None:
        """Raises ``ValueError`` when the metric does not apply to these samples."""
        if context.kind not in self.kinds:
            raise ValueError(f"{self.name!r} does not apply to {context.kind} samples")

    def start(self, context: EvalContext) -> None:
        """Begins a pass over the samples (reset per-call accumulators here)."""

    def update(self, batch: Dict[str, np.ndarray]) -> None:
        """Reads one batch: a dict holding the entries named by :meth:`inputs`."""

    def compute(
        self, generated: Optional[FeatureStats], reference: Optional[FeatureStats], context: EvalContext
    ) -> Tuple[Dict[str, Any], Optional[Dict[str, Any]]]:
        """The metric's values after the pass.

        Args:
            generated: feature statistics of the generated samples (with the
                vectors when :attr:`keeps_features`); ``None`` when no metric
                reads features.
            reference: real-data feature statistics when :attr:`needs_reference`.
            context: the evaluation's :class:`EvalContext`.

        Returns:
            ``(values, protocol)``: result entries (e.g. ``{"kid": ...,
            "kid_std": ...}``) and the settings recorded under
            ``protocol[name]`` (``None``: nothing to record).
        """
        raise NotImplementedError

    def measure_translator(
        self, model, context: EvalContext
    ) -> Tuple[Dict[str, Any], Optional[Dict[str, Any]]]:
        """The values of a :attr:`reads_translator` metric for an image-to-image ``model``.

        Returns:
            ``(values, protocol)`` as :meth:`compute`.
        """
        raise NotImplementedError

    def __repr__(self):
        return f"{type(self).__name__}({self.settings})"

