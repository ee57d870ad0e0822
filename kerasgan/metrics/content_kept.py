"""``content_kept``: does an image-to-image model keep what it translates? (next to pixel L1)

The metric reads the model itself, not samples: it translates the held-out
images of the data set's ground truth and judges each translation with the
shipped classifier the data set names, after undoing the target domain's
transform (:mod:`kerasgan.metrics.translation`).
"""

from __future__ import annotations

from kerasgan.metrics.base import Metric
from kerasgan.metrics.translation import (
    TRANSLATION_SPLIT,
    check_content_truth,
    translation_figures,
)

__all__ = ["ContentKept"]


def _truth(data_name, split):
    from kerasgan import data

    if data_name is None:
        raise ValueError(
            "'content_kept' needs a data set whose translation is known (e.g. digits-edges, "
            "digits-thick, digits-domains): pass its name as data"
        )
    try:
        return data.ground_truth(data_name, split=split)
    except ValueError as error:
        raise ValueError(f"'content_kept' cannot judge translations on this data: {error}") from None


class ContentKept(Metric):
    """``content_kept``: share of translations the shipped classifier puts in the source's class.

    Reads an image-to-image model (``translate``, ``conditions()``) and the
    ground truth of the named data set, which must declare the class of
    each source and the inverse of its target transform. Option:
    ``translation_split`` (``"test"``). Values: ``content_kept`` (and per
    direction / target domain), ``identity_content_kept`` and
    ``truth_content_kept`` (the untranslated input's and the true
    translation's figures), ``task_l1`` (and per direction / domain),
    ``identity_l1``, ``own_domain_l1`` (multi-domain sets).
    """

    name = "content_kept"
    aliases = ("class_kept",)
    options = {"translation_split": TRANSLATION_SPLIT}
    kinds = ("image",)
    reads_translator = True

    def check_data(self, data_name):
        """Raises ``ValueError`` naming why the data cannot serve: no truth, no labels or no undo."""
        truth = _truth(data_name, self.settings["translation_split"])
        check_content_truth(truth, data_name)

    def measure_translator(self, model, context):
        """Translates the truth's sources (the first ``num_samples``) and judges them."""
        split = self.settings["translation_split"]
        truth = _truth(context.data_name, split)
        values, text = translation_figures(model, truth, num_samples=context.num_samples)
        count = len(truth.source) if context.num_samples is None else min(len(truth.source), context.num_samples)
        protocol = {"split": split, "num_samples": count, "classifier": f"{truth.label_set}_cnn",
                    "undo": truth.undo_description, "metrics": text}
        return values, protocol
