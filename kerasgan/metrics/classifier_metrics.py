"""Metrics read from a classifier or from the modes of the data: Inception Score, mode coverage.

``is`` reads the extractor's logits (:class:`~kerasgan.metrics.ClassifierStats`).
``modes`` reads the logits of image samples (class histogram), the raw 2-D
points of ``ring8`` / ``grid25`` (VEEGAN/PacGAN mode coverage,
:class:`~kerasgan.metrics.ModeCoverage`), or, for a data set that declares
one class per channel (:func:`kerasgan.data.channel_modes`, e.g.
``stacked-digits``), the raw images, each channel judged by the declared
classifier (:class:`~kerasgan.metrics.channel_modes.ChannelModeCoverage`).
"""

from __future__ import annotations

from kerasgan.metrics.base import LOGITS, SAMPLES, Metric
from kerasgan.metrics.channel_modes import ChannelModeCoverage
from kerasgan.metrics.classifier import DEFAULT_SPLITS, ClassifierStats
from kerasgan.metrics.modes2d import ModeCoverage
from kerasgan.metrics.reference import POINT_SETS, point_mixture

__all__ = ["InceptionScore", "Modes"]


class InceptionScore(Metric):
    """``is``: Inception Score of image samples under the extractor's classifier.

    Option: ``splits`` (10). Values: ``is`` (mean over splits), ``is_std``,
    ``is_single`` (one split of all samples).
    """

    name = "is"
    aliases = ("inception_score",)
    options = {"splits": DEFAULT_SPLITS}
    kinds = ("image",)

    def inputs(self, kind):
        """Reads the logits."""
        return (LOGITS,)

    def check(self, context):
        """Raises ``ValueError`` on 2-D points (they have no classifier)."""
        if context.kind == "points":
            raise ValueError("'is' needs a classifier over images; 2-D points have none (use 'modes')")

    def start(self, context):
        """Starts the accumulator; splits are filled on the fly when the sample count is known."""
        self._context = context
        self._stats = ClassifierStats(
            context.extractor.num_classes,
            splits=int(self.settings["splits"]),
            num_samples=context.num_samples if context.generated else None,
        )

    def update(self, batch):
        """Adds a batch of logits."""
        self._stats.update(batch[LOGITS])

    def compute(self, generated, reference, context):
        """Returns ``({"is", "is_std", "is_single"}, {"splits", "classifier"})``."""
        c = self._stats.result()
        values = {"is": c["is"], "is_std": c["is_std"], "is_single": c["is_single"]}
        return values, {"splits": int(self.settings["splits"]), "classifier": context.extractor.name}


class Modes(Metric):
    """``modes``: mode coverage -- class histogram for images, VEEGAN/PacGAN modes for 2-D points.

    On a data set whose channels each show one class of a labelled set (it
    declares :class:`kerasgan.data.ChannelModes`; Stacked MNIST's protocol),
    each channel is classified by that set's shipped classifier and a mode is
    the tuple of classes (1000 for ``stacked-digits``).

    Options: ``min_count`` (1; samples a mode needs to count as covered),
    ``min_confidence`` (0; images: only samples at least this confident are
    counted). Values: ``modes``, ``num_modes``, ``mode_kl``, ``mode_counts``,
    plus ``mean_confidence`` (images) or ``high_quality`` (points).
    """

    name = "modes"
    aliases = ("mode_coverage",)
    options = {"min_count": 1, "min_confidence": 0.0}

    _channel_modes = None

    def check_data(self, data_name):
        """Reads whether the data set declares one class per channel (:func:`kerasgan.data.channel_modes`)."""
        from kerasgan import data

        self._channel_modes = None if data_name is None else data.channel_modes(data_name)

    def inputs(self, kind):
        """The raw samples of a 2-D mixture or of a set with channel modes, else the logits of images."""
        return (SAMPLES,) if kind == "points" or self._channel_modes is not None else (LOGITS,)

    def check(self, context):
        """Raises ``ValueError`` for 2-D points whose data set is not a known mixture."""
        if context.kind == "points" and point_mixture(context.data_name) is None:
            names = " or ".join(repr(n) for n in POINT_SETS)
            raise ValueError(f"'modes' on 2-D points needs data {names}, got {context.data_name!r}")

    def start(self, context):
        """Starts a class histogram (images), a :class:`ModeCoverage` of the data's mixture (points)
        or a :class:`ChannelModeCoverage` (a set with channel modes)."""
        from kerasgan.metrics.extractors import get_extractor

        self._points = context.kind == "points"
        self._channels = self._channel_modes is not None and not self._points
        min_count = int(self.settings["min_count"])
        if self._channels:
            judge = get_extractor(self._channel_modes.label_set)
            self._stats = ChannelModeCoverage(self._channel_modes, judge, min_count=min_count)
        elif self._points:
            mix = point_mixture(context.data_name)
            self._stats = ModeCoverage(mix.centers, mix.std, min_count=min_count)
        else:
            # Only the histogram is read, so one split: no minimum sample count.
            self._stats = ClassifierStats(
                context.extractor.num_classes,
                splits=1,
                min_count=min_count,
                min_confidence=float(self.settings["min_confidence"]),
            )

    def update(self, batch):
        """Adds a batch of points, images (channel modes) or logits."""
        self._stats.update(batch[SAMPLES] if self._points or self._channels else batch[LOGITS])

    def compute(self, generated, reference, context):
        """Returns the coverage values and their protocol (kind, thresholds, classifier)."""
        r = self._stats.result()
        if self._channels:
            values = {key: r[key] for key in ("modes", "num_modes", "mode_kl", "mean_confidence")}
            values["mode_counts"] = r["counts"]
            modes = self._channel_modes
            protocol = {
                "kind": f"one {modes.label_set} class per channel ({modes.channels} channels, "
                        f"{modes.num_modes} modes; Stacked MNIST)",
                "classifier": self._stats.extractor.name,
                "min_count": int(self.settings["min_count"]),
            }
            return values, protocol
        if self._points:
            values = {
                "modes": r["modes"],
                "num_modes": r["num_modes"],
                "mode_kl": r["reverse_kl"],
                "high_quality": r["high_quality"],
                "mode_counts": r["counts"],
            }
            protocol = {
                "kind": "2-D mixture (VEEGAN/PacGAN)",
                "threshold_std": r["threshold"],
                "min_count": r["min_count"],
            }
            return values, protocol
        values = {
            "modes": r["modes"],
            "num_modes": r["num_classes"],
            "mode_kl": r["mode_kl"],
            "mean_confidence": r["mean_confidence"],
            "mode_counts": r["class_counts"],
        }
        protocol = {
            "kind": "class histogram",
            "classifier": context.extractor.name,
            "min_count": int(self.settings["min_count"]),
            "min_confidence": float(self.settings["min_confidence"]),
        }
        return values, protocol
