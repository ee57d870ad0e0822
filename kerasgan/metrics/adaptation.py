"""``target_accuracy``: how well a domain-adapted classifier labels the target domain.

The metric reads the model itself (``model.classify``), not samples: it
classifies the held-out target-domain images of an adaptation set
(:func:`kerasgan.data.ground_truth`, an :class:`~kerasgan.data.AdaptTruth`
whose labels training never saw) and counts the right ones.
"""

from __future__ import annotations

import numpy as np

from kerasgan.metrics.base import Metric

__all__ = ["ADAPT_SPLIT", "TargetAccuracy", "adaptation_truth", "target_accuracy_figures"]

#: The split the target accuracy is measured on (held out from training).
ADAPT_SPLIT = "test"


def adaptation_truth(data_name, split=ADAPT_SPLIT):
    """The labelled target domain of ``data_name``.

    Raises:
        ValueError: no data set named, or one without a labelled target domain.
    """
    from kerasgan import data

    if data_name is None:
        raise ValueError(
            "'target_accuracy' needs a domain-adaptation set with a labelled target domain "
            "(digits-adapt-inverse, digits-adapt-thick, adapt:SOURCE,TARGET): pass its name as data"
        )
    try:
        truth = data.ground_truth(data_name, split=split)
    except ValueError as error:
        raise ValueError(f"'target_accuracy' cannot score on this data: {error}") from None
    if not isinstance(truth, data.AdaptTruth):
        raise ValueError(
            f"'target_accuracy' needs a domain-adaptation set (digits-adapt-inverse, digits-adapt-thick, "
            f"adapt:SOURCE,TARGET); {data_name!r} is not one"
        )
    return truth


def target_accuracy_figures(model, truth, num_samples=None):
    """``({"target_accuracy", "target_per_class_accuracy"}, text)`` of ``model.classify`` on ``truth``.

    Args:
        model: a model with ``classify(images) -> labels``.
        truth: an :class:`~kerasgan.data.AdaptTruth`.
        num_samples: score only the first ``num_samples`` images (``None``: all).
    """
    n = len(truth.target) if num_samples is None else min(len(truth.target), int(num_samples))
    predicted = np.asarray(model.classify(truth.target[:n])).reshape(-1)
    labels = np.asarray(truth.labels[:n]).reshape(-1)
    right = predicted == labels
    per_class = [float(right[labels == k].mean()) if np.any(labels == k) else None
                 for k in range(int(truth.num_classes))]
    values = {"target_accuracy": float(right.mean()), "target_per_class_accuracy": per_class}
    text = (f"target_accuracy: share of {n} held-out target-domain images ({truth.description}) "
            "that model.classify labels correctly")
    return values, text


class TargetAccuracy(Metric):
    """``target_accuracy``: accuracy of a classifier family on the held-out target domain.

    Reads a model with ``classify`` (``sampling == "classification"``,
    e.g. DANN) and the named adaptation set. Option: ``adapt_split``
    (``"test"``). Values: ``target_accuracy`` and
    ``target_per_class_accuracy``.
    """

    name = "target_accuracy"
    aliases = ("accuracy",)
    options = {"adapt_split": ADAPT_SPLIT}
    kinds = ("image",)
    reads_translator = True
    reads_sampling = "classification"

    def check_data(self, data_name):
        """Raises ``ValueError`` unless the data has a labelled target domain."""
        adaptation_truth(data_name, self.settings["adapt_split"])

    def measure_translator(self, model, context):
        """Classifies the truth's target images (the first ``num_samples``)."""
        split = self.settings["adapt_split"]
        truth = adaptation_truth(context.data_name, split)
        values, text = target_accuracy_figures(model, truth, context.num_samples)
        count = len(truth.target) if context.num_samples is None else min(len(truth.target), context.num_samples)
        return values, {"split": split, "num_samples": count, "metrics": text}
