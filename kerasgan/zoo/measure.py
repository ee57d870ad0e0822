"""Metrics of zoo entries, measured on the published weights (used by tools/build_zoo.py).

Protocols (all with seed 0, on the published weights loaded by
:func:`kerasgan.zoo.load`):

- 2-D points: :func:`kerasgan.metrics.evaluate` ``modes`` on 2,500 samples
  (modes covered, high-quality fraction within 3 std, reverse KL of the mode
  histogram to uniform);
- digits (noise and label-conditional families): FID, KID, IS and class
  coverage of 10,000 samples with the shipped digits CNN, reference = the
  digits ``train`` split; families that list ``class_accuracy`` in their
  ``zoo_metrics`` add the fraction of 1,000 samples per class that the CNN
  classifies as the requested class;
- translation (``task_l1``): the mean absolute difference in [0, 1] pixel
  units between the translation of held-out (``test`` split) digits and the
  true translation the data set knows (:func:`kerasgan.data.ground_truth`:
  the paired target, the rotated digit and back, each domain's transform);
  ``identity_l1`` is the same error for the untranslated input.

The family says which metrics it publishes (``zoo_metrics``, by data kind)
and what it can be conditioned on (``conditions()``: a ``direction`` gives
both directions, ``domains`` every target domain).
"""

from __future__ import annotations

import numpy as np

__all__ = ["measure_entry", "measure_model"]

SEED = 0
POINT_SAMPLES = 2500
IMAGE_SAMPLES = 10_000
PER_CLASS = 1000


def _round(values):
    out = {}
    for key, value in values.items():
        if isinstance(value, (float, np.floating)):
            out[key] = float(f"{float(value):.5g}")
        elif isinstance(value, (int, np.integer)):
            out[key] = int(value)
    return out


def _points(model, data):
    from kerasgan import metrics

    result = metrics.evaluate(model, data, ["modes"], num_samples=POINT_SAMPLES, seed=SEED)
    values = {k: result[k] for k in ("modes", "high_quality", "mode_kl")}
    protocol = {
        "num_samples": POINT_SAMPLES,
        "seed": SEED,
        "extractor": "identity (raw 2-D points)",
        "data_split": f"{data} mixture: {len(result['mode_counts'])} modes, high quality within 3 std",
        "metrics": "modes = modes covered, high_quality = fraction of samples within 3 std "
                   "of a mode, mode_kl = reverse KL(mode histogram || uniform), nats",
    }
    return values, protocol


def _class_accuracy(model):
    from kerasgan.metrics import load_digits_classifier

    classifier = load_digits_classifier()
    count = model.conditions()["labels"]
    labels = np.repeat(np.arange(count), PER_CLASS)
    images = model.generate(len(labels), seed=SEED, labels=labels)
    logits = classifier.predict(images, batch_size=500, verbose=0)
    return float(np.mean(np.argmax(logits, axis=-1) == labels))


def _digits(model, wanted):
    from kerasgan import metrics

    result = metrics.evaluate(
        model, "digits", ["fid", "kid", "is", "modes"], num_samples=IMAGE_SAMPLES, seed=SEED
    )
    values = {k: result[k] for k in ("fid", "kid", "is", "modes", "mode_kl")}
    values["classes_covered"] = values.pop("modes")
    protocol = {
        "num_samples": IMAGE_SAMPLES,
        "seed": SEED,
        "extractor": "digits_cnn (shipped; features layer, 64-d; logits for IS and classes)",
        "data_split": "digits train split (1,437 images) as reference",
        "metrics": "fid, kid (100 subsets of 1000), is (10 splits), classes_covered = digit "
                   "classes the CNN assigns to at least one sample, mode_kl = KL(class "
                   "histogram || uniform)",
    }
    if "class_accuracy" in wanted:
        values["class_accuracy"] = _class_accuracy(model)
        protocol["metrics"] += (
            f"; class_accuracy = CNN argmax equals the requested label ({PER_CLASS} per class)"
        )
    return values, protocol


def _l1(a, b):
    """Mean absolute difference of [-1, 1] images in [0, 1] pixel units."""
    return float(np.mean(np.abs(np.asarray(a) - np.asarray(b))) / 2.0)


def _translation(model, data):
    from kerasgan import data as data_module

    truth = data_module.ground_truth(data, split="test")
    conditions = model.conditions()
    x = truth.source
    if getattr(truth, "targets", None):
        if "domains" not in conditions:
            raise ValueError(f"{data!r} has target domains but {type(model).__name__} takes no domains.")
        values, identity = {}, []
        for domain, target in truth.targets.items():
            name = truth.domain_names[domain]
            values[f"task_l1_{name}"] = _l1(model.translate(x, domains=domain), target)
            identity.append(_l1(x, target))
        values["task_l1"] = float(np.mean(list(values.values())))
        values["identity_l1"] = float(np.mean(identity))
    elif "direction" in conditions:
        l1_ab = _l1(model.translate(x, direction="ab"), truth.target)
        l1_ba = _l1(model.translate(truth.target, direction="ba"), x)
        values = {"task_l1": (l1_ab + l1_ba) / 2, "task_l1_ab": l1_ab, "task_l1_ba": l1_ba,
                  "identity_l1": _l1(x, truth.target)}
    else:
        values = {"task_l1": _l1(model.translate(x), truth.target),
                  "identity_l1": _l1(x, truth.target)}
    protocol = {
        "num_samples": len(x),
        "seed": SEED,
        "extractor": "none (pixels)",
        "data_split": "digits test split (held out from training)",
        "metrics": f"task_l1 = mean |translation - target| in [0, 1] pixel units; target: "
                   f"{truth.description}; identity_l1 = the same for the untranslated input",
    }
    return values, protocol


def measure_model(model, entry):
    """``{"protocol", "values"}`` for a model of ``entry`` (see the module docstring)."""
    from kerasgan import data as data_module

    data = entry["data"]
    kind = data_module.spec(data).kind
    wanted = type(model).zoo_metrics.get(kind, ())
    if "task_l1" in wanted:
        values, protocol = _translation(model, data)
    elif kind == "points" and data in data_module.TOY2D:
        values, protocol = _points(model, data)
    elif data == "digits" and wanted:
        values, protocol = _digits(model, wanted)
    else:
        raise ValueError(f"no zoo metrics protocol for {entry['family']} on {data!r}")
    return {"protocol": protocol, "values": _round(values)}


def measure_entry(name):
    """Loads entry ``name`` with its published weights and measures it."""
    from kerasgan import zoo

    entry = zoo.info(name)
    model = zoo.load(name)
    return measure_model(model, entry)
