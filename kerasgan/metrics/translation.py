"""Figures of an image-to-image model against a data set's known translation.

The data set's ground truth (:func:`kerasgan.data.ground_truth`) says what
the translation of each held-out image should be, and, when it declares
them, the class of each source image, the labelled set whose shipped
classifier reads that class, and how to bring a target-domain image back to
the source domain (``undo``). From it:

- ``task_l1``: mean ``|translation - target|`` in [0, 1] pixel units (per
  direction or target domain, then their mean); ``identity_l1`` the same
  for the untranslated input; ``own_domain_l1`` (multi-domain sets) the
  error of the translation to the input's own domain against the input;
- ``content_kept``: the share of translations that the shipped classifier,
  after ``undo``, puts in the source image's class (per direction or
  target domain, then their mean); ``identity_content_kept`` the same for
  the untranslated input and ``truth_content_kept`` for the true
  translation: the floor and the ceiling that make the figure readable.

What is translated, by the model's ``conditions()``: both directions for a
``direction`` (a->b from the sources, b->a from the true targets back to
the sources), every domain for ``domains``, else the one translation.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np

__all__ = [
    "TRANSLATION_SPLIT",
    "TranslationCase",
    "translation_cases",
    "check_content_truth",
    "content_judge",
    "pixel_l1",
    "kept_fraction",
    "translation_figures",
]

#: The split translated by default: held out from training.
TRANSLATION_SPLIT = "test"


@dataclasses.dataclass(frozen=True, eq=False)
class TranslationCase:
    """One translation to measure: inputs, the model's conditions, the truth and the undo.

    Attributes:
        key: suffix of its values (``""``, ``"ab"``, ``"ba"`` or a domain name).
        label: how pictures name its output (``"a -> b"``, ``"-> inverted"``).
        input_label, target_label: how pictures name its input and its target.
        source: the images translated, float32 ``(N, H, W, C)`` in [-1, 1].
        conditions: keyword arguments of ``model.translate`` (``direction``, ``domains``).
        target: the true translation of each source.
        undo: brings the output back to the domain the classifier reads
            (``None``: unknown).
        own_domain: the translation is to the input's own domain (the target is the input).
    """

    key: str
    label: str
    source: np.ndarray
    conditions: Dict[str, object]
    target: np.ndarray
    undo: Optional[Callable]
    own_domain: bool = False
    input_label: str = "input"
    target_label: str = "target"


def translation_cases(model, truth) -> List[TranslationCase]:
    """The translations of ``model`` that ``truth`` can check (see the module docstring).

    Args:
        model: an image-to-image model (``translate``, ``conditions()``).
        truth: a :class:`kerasgan.data.TranslationTruth` or :class:`kerasgan.data.DomainTruth`.

    Raises:
        ValueError: a multi-domain truth for a model that takes no ``domains``.
    """
    from kerasgan.data.transforms import unchanged

    conditions = model.conditions()
    undo = truth.undo
    if getattr(truth, "targets", None) is not None:
        if "domains" not in conditions:
            raise ValueError(f"the data has target domains but {type(model).__name__} takes no domains")
        cases = []
        for domain, name in enumerate(truth.domain_names):
            own = domain == truth.source_domain
            cases.append(TranslationCase(
                name, f"-> {name}", truth.source, {"domains": domain},
                truth.source if own else truth.targets[domain],
                None if undo is None else undo[domain], own_domain=own,
                input_label=f"input ({truth.domain_names[truth.source_domain]})",
                target_label=f"true {name}"))
        return cases
    if "direction" in conditions:
        return [
            TranslationCase("ab", "a -> b", truth.source, {"direction": "ab"}, truth.target, undo,
                            input_label="input a", target_label="true b"),
            TranslationCase("ba", "b -> a", truth.target, {"direction": "ba"}, truth.source, unchanged,
                            input_label="input b", target_label="true a"),
        ]
    return [TranslationCase("", "output", truth.source, {}, truth.target, undo)]


def check_content_truth(truth, data_name) -> None:
    """Raises ``ValueError`` naming what ``truth`` lacks for ``content_kept``.

    Args:
        truth: a ground truth of :func:`kerasgan.data.ground_truth`.
        data_name: the data set's name (for the message).
    """
    if truth.labels is None or truth.label_set is None:
        raise ValueError(
            f"'content_kept' needs the class of each source image, and data {data_name!r} declares "
            "no labels (its ground truth has no labels / label_set)"
        )
    if truth.undo is None:
        raise ValueError(
            f"'content_kept' needs the inverse of the target domain's transform, and data "
            f"{data_name!r} declares none (its ground truth has no undo), so a translation "
            "cannot be brought back to what the classifier reads"
        )
    from kerasgan.metrics.digits_classifier import judge_for

    if judge_for(truth.label_set) is None:
        raise ValueError(
            f"'content_kept' reads classes of {truth.label_set!r} (declared by data {data_name!r}), "
            "which has no shipped classifier"
        )


def content_judge(truth):
    """The shipped feature extractor (with logits) of ``truth.label_set``."""
    from kerasgan.metrics.extractors import get_extractor

    return get_extractor(truth.label_set)


def pixel_l1(a, b) -> float:
    """Mean absolute difference of [-1, 1] images in [0, 1] pixel units."""
    return float(np.mean(np.abs(np.asarray(a) - np.asarray(b))) / 2.0)


def kept_fraction(judge, images, labels) -> float:
    """Share of ``images`` whose class under ``judge`` (argmax of its logits) is ``labels``.

    Args:
        judge: a :class:`~kerasgan.metrics.FeatureExtractor` with logits.
        images: float32 ``(N, H, W, C)`` in [-1, 1].
        labels: int ``(N,)``.
    """
    _, logits = judge(np.asarray(images, dtype=np.float32))
    return float(np.mean(np.argmax(logits, axis=-1) == np.asarray(labels)))


def _first(truth, count):
    """``truth`` restricted to its first ``count`` sources (all when ``None``)."""
    if count is None:
        return truth
    cut = slice(0, int(count))
    changes = {"source": truth.source[cut]}
    if truth.labels is not None:
        changes["labels"] = truth.labels[cut]
    if getattr(truth, "targets", None) is not None:
        changes["targets"] = {d: t[cut] for d, t in truth.targets.items()}
    else:
        changes["target"] = truth.target[cut]
    return dataclasses.replace(truth, **changes)


def translation_figures(
    model, truth, *, content: bool = True, judge=None, num_samples: Optional[int] = None
) -> Tuple[Dict[str, float], str]:
    """Pixel L1 and (with ``content``) content kept of ``model`` on ``truth``.

    Args:
        model: an image-to-image model.
        truth: the data set's ground truth.
        content: also compute the ``content_kept`` figures (``truth`` must
            declare labels and an undo; :func:`check_content_truth`).
        judge: the classifier (default: :func:`content_judge`).
        num_samples: translate only the first N sources (default: all).

    Returns:
        ``(values, text)``: the figures of the module docstring and one
        line saying what they are.
    """
    truth = _first(truth, num_samples)
    cases = translation_cases(model, truth)
    outputs = [model.translate(case.source, **case.conditions) for case in cases]
    values: Dict[str, float] = {}
    tasks = [(c, out) for c, out in zip(cases, outputs) if not c.own_domain]
    l1 = {c.key: pixel_l1(out, c.target) for c, out in tasks}
    if len(l1) == 1 and "" in l1:
        values["task_l1"] = l1[""]
    else:
        values["task_l1"] = float(np.mean(list(l1.values())))
        values.update({f"task_l1_{key}": value for key, value in l1.items()})
    values["identity_l1"] = float(np.mean([pixel_l1(c.source, c.target) for c, _ in tasks]))
    for case, out in zip(cases, outputs):
        if case.own_domain:
            values["own_domain_l1"] = pixel_l1(out, case.source)
    text = (f"task_l1 = mean |translation - target| in [0, 1] pixel units; target: "
            f"{truth.description}; identity_l1 = the same for the untranslated input")
    if "own_domain_l1" in values:
        text += "; own_domain_l1 = mean |translation to the input's own domain - input|"
    if not content:
        return values, text
    judge = judge or content_judge(truth)
    kept = {c.key: kept_fraction(judge, c.undo(out), truth.labels) for c, out in zip(cases, outputs)}
    if len(kept) == 1 and "" in kept:
        values["content_kept"] = kept[""]
    else:
        values["content_kept"] = float(np.mean(list(kept.values())))
        values.update({f"content_kept_{key}": value for key, value in kept.items()})
    values["identity_content_kept"] = float(np.mean(
        [kept_fraction(judge, c.undo(c.source), truth.labels) for c in cases]))
    values["truth_content_kept"] = float(np.mean(
        [kept_fraction(judge, c.undo(c.target), truth.labels) for c in cases]))
    text += (f"; content_kept = share of translations the shipped {judge.name} puts in the source "
             f"image's class after undoing the target domain ({truth.undo_description}); "
             "identity_content_kept = the same for the untranslated input, truth_content_kept "
             "for the true translation")
    return values, text
