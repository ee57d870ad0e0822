"""Metrics of zoo entries, measured on the published weights (used by tools/build_zoo.py).

Protocols (all with seed 0, on the published weights loaded by
:func:`kerasgan.zoo.load`):

- 2-D points: :func:`kerasgan.metrics.evaluate` ``modes`` on 2,500 samples
  (modes covered, high-quality fraction within 3 std, reverse KL of the mode
  histogram to uniform);
- digits and mnist5k (noise and conditional families): FID, KID, IS,
  improved precision / recall (k=3) and class coverage of 10,000 samples with
  the data set's shipped judge (:mod:`kerasgan.metrics.digits_classifier`),
  reference = the ``train`` split. Generators conditioned on ``labels`` add
  per-class precision / recall of 1,000 samples per class against that
  class's real digits (and, when the family lists ``class_accuracy`` in its
  ``zoo_metrics``, the fraction the judge classifies as the requested class);
  generators conditioned on unsupervised ``categories`` add how purely each
  category maps to one digit and how many digits the categories cover;
  families that list ``reconstruction`` in their ``zoo_metrics`` (those with
  an encoder and ``model.reconstruct``) add how often ``G(E(x))`` of a
  held-out digit keeps its class, and the pixel error;
- data sets whose channels each show one class (``stacked-digits``,
  :func:`kerasgan.data.channel_modes`): ``modes`` of 26,000 samples (the
  Stacked-MNIST protocol of VEEGAN / PacGAN), each channel judged by the
  declared set's shipped classifier: modes covered and KL(mode histogram ||
  uniform);
- translation (``task_l1``): the mean absolute difference in [0, 1] pixel
  units between the translation of held-out (``test`` split) digits and the
  true translation the data set knows (:func:`kerasgan.data.ground_truth`:
  the paired target, the rotated digit and back, each domain's transform);
  ``identity_l1`` is the same error for the untranslated input; families
  that list ``content_kept`` add the share of translations the shipped
  digits classifier puts in the source digit's class after undoing the
  target domain's transform, with the untranslated input's and the true
  translation's figures (:mod:`kerasgan.metrics.translation`).

- domain adaptation (``target_accuracy``): the share of held-out target-domain
  images (``test`` split, the target's labels never seen in training) that
  ``model.classify`` labels correctly, and per class.

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
#: Samples of the Stacked-MNIST mode count (VEEGAN, PacGAN: 26,000).
CHANNEL_MODE_SAMPLES = 26_000


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


def _per_code_samples(model, condition, count):
    """``PER_CLASS`` samples of every code value 0..count-1 (seed 0) and their codes."""
    codes = np.repeat(np.arange(count), PER_CLASS)
    return model.generate(len(codes), seed=SEED, **{condition: codes}), codes


def _class_figures(model, data, extractor, wanted):
    """Class accuracy and per-class diversity of a label-conditional generator.

    ``class_recall``: for each class, the improved recall (k=3) of its
    ``PER_CLASS`` samples against the real ``train`` digits of that class in
    the judge's feature space, averaged over classes (0: one image per class,
    1: every real style covered); ``class_precision`` likewise.
    """
    from kerasgan import data as data_module
    from kerasgan.metrics import precision_recall_from_features

    count = model.conditions()["labels"]
    images, labels = _per_code_samples(model, "labels", count)
    features, logits = extractor(images)
    values = {}
    if "class_accuracy" in wanted:
        values["class_accuracy"] = float(np.mean(np.argmax(logits, axis=-1) == labels))
    real_x, real_y = _real_images(data_module, data, images.shape)
    real_features, _ = extractor(real_x)
    recalls, precisions = [], []
    for label in range(count):
        pr = precision_recall_from_features(real_features[real_y == label], features[labels == label])
        recalls.append(pr["recall"])
        precisions.append(pr["precision"])
    values["class_precision"] = float(np.mean(precisions))
    values["class_recall"] = float(np.mean(recalls))
    text = (f"class_accuracy = judge argmax equals the requested label ({PER_CLASS} per class); "
            if "class_accuracy" in values else "")
    text += (f"class_precision / class_recall = precision / recall (k=3) of each class's {PER_CLASS} "
             "samples against the real train digits of that class, averaged over classes")
    return values, text


def _real_images(data_module, data, shape, split="train"):
    """The real images of a split (at the samples' size) and labels."""
    batches = data_module.load(data, 1000, split=split, image_size=int(shape[1]),
                               channels=int(shape[-1]), shuffle=False, with_labels=True,
                               drop_remainder=False)
    xs, ys = zip(*[(x.numpy(), y.numpy()) for x, y in batches])
    return np.concatenate(xs), np.concatenate(ys)


def _category_figures(model, extractor):
    """How well unsupervised categorical codes map to single digits (InfoGAN's headline result).

    ``category_purity``: for each code value, the share of its ``PER_CLASS``
    samples the judge assigns to the code's most frequent digit, averaged
    over codes (1: every code is one digit); ``category_digits``: distinct
    most-frequent digits over the codes (10: the codes are the ten digits).
    """
    count = model.conditions()["categories"]
    images, codes = _per_code_samples(model, "categories", count)
    _, logits = extractor(images)
    predicted = np.argmax(logits, axis=-1)
    purity, majority = [], []
    for code in range(count):
        histogram = np.bincount(predicted[codes == code], minlength=logits.shape[-1])
        majority.append(int(np.argmax(histogram)))
        purity.append(histogram.max() / histogram.sum())
    values = {"category_purity": float(np.mean(purity)), "category_digits": len(set(majority))}
    text = (f"category_purity = share of each categorical code's {PER_CLASS} samples the judge "
            "assigns to the code's most frequent digit, averaged over codes; category_digits = "
            "distinct most frequent digits over the codes")
    return values, text


def _reconstruction_figures(model, data, extractor, shape):
    """How much of a held-out digit survives the encoder and the generator.

    ``reconstruction_class_kept``: share of the ``test`` digits whose
    reconstruction ``G(E(x))`` the judge puts in the class it gives the digit;
    ``reconstruction_l1``: mean ``|G(E(x)) - x|`` in [0, 1] pixel units.
    """
    from kerasgan import data as data_module
    from kerasgan.metrics.translation import pixel_l1

    x, _ = _real_images(data_module, data, shape, split="test")
    reconstructed = model.reconstruct(x)
    _, original = extractor(x)
    _, again = extractor(reconstructed)
    values = {
        "reconstruction_class_kept": float(np.mean(np.argmax(original, -1) == np.argmax(again, -1))),
        "reconstruction_l1": pixel_l1(reconstructed, x),
    }
    text = (f"reconstruction_class_kept = share of the {len(x)} held-out (test split) digits whose "
            "reconstruction G(E(x)) the judge assigns the digit's own predicted class; "
            "reconstruction_l1 = mean |G(E(x)) - x| in [0, 1] pixel units")
    return values, text


def _judged(model, data, wanted):
    """FID, KID, IS, precision / recall and class coverage with the data set's shipped judge."""
    from kerasgan import metrics
    from kerasgan.metrics.digits_classifier import digits_classifier_info, judge_for

    judge = judge_for(data)
    result = metrics.evaluate(
        model, data, ["fid", "kid", "is", "pr", "modes"], num_samples=IMAGE_SAMPLES, seed=SEED
    )
    values = {k: result[k] for k in ("fid", "kid", "is", "precision", "recall", "modes", "mode_kl")}
    values["classes_covered"] = values.pop("modes")
    num_train = digits_classifier_info(data)["num_train"]
    protocol = {
        "num_samples": IMAGE_SAMPLES,
        "seed": SEED,
        "extractor": f"{judge.name} (shipped; features layer, 64-d; logits for IS and classes)",
        "data_split": f"{data} train split ({num_train:,} images) as reference",
        "metrics": "fid, kid (100 subsets of 1000), is (10 splits), precision / recall "
                   "(improved, k=3), classes_covered = digit classes the judge assigns to at "
                   "least one sample, mode_kl = KL(class histogram || uniform)",
    }
    conditions = model.conditions()
    extractor = None
    if "labels" in conditions or "categories" in conditions or "reconstruction" in wanted:
        extractor = metrics.get_extractor(judge.data)
    if "labels" in conditions:
        more, text = _class_figures(model, data, extractor, wanted)
    elif "categories" in conditions:
        more, text = _category_figures(model, extractor)
    else:
        more, text = {}, ""
    values.update(more)
    if text:
        protocol["metrics"] += "; " + text
    if "reconstruction" in wanted:
        shape = model.generator.outputs[0].shape
        more, text = _reconstruction_figures(model, data, extractor, shape)
        values.update(more)
        protocol["metrics"] += "; " + text
    return values, protocol


def _channel_modes(model, data):
    """Modes covered out of ``classes ** channels`` and KL to uniform (Stacked MNIST's protocol)."""
    from kerasgan import metrics

    result = metrics.evaluate(model, data, ["modes"], num_samples=CHANNEL_MODE_SAMPLES, seed=SEED)
    values = {k: result[k] for k in ("modes", "mode_kl", "mean_confidence")}
    settings = result["protocol"]["modes"]
    protocol = {
        "num_samples": CHANNEL_MODE_SAMPLES,
        "seed": SEED,
        "extractor": f"{settings['classifier']} (shipped; logits), one channel at a time",
        "data_split": settings["kind"],
        "metrics": f"modes = modes (class tuples) with at least one of the samples, out of "
                   f"{result['num_modes']}; mode_kl = KL(mode histogram || uniform), nats; "
                   "mean_confidence = the judge's mean top probability per channel",
    }
    return values, protocol


def _translation(model, data, wanted=("task_l1",)):
    """Task L1 (and, when the family lists ``content_kept``, content kept) on the held-out truth."""
    from kerasgan import data as data_module
    from kerasgan.metrics.translation import TRANSLATION_SPLIT, check_content_truth, translation_figures

    truth = data_module.ground_truth(data, split=TRANSLATION_SPLIT)
    content = "content_kept" in wanted
    if content:
        check_content_truth(truth, data)
    values, text = translation_figures(model, truth, content=content)
    protocol = {
        "num_samples": len(truth.source),
        "seed": SEED,
        "extractor": f"{truth.label_set}_cnn (shipped; logits) for content_kept, pixels for L1"
                     if content else "none (pixels)",
        "data_split": "digits test split (held out from training)",
        "metrics": text,
    }
    return values, protocol


def _adaptation(model, data):
    """Target-domain accuracy of a classifier family on the held-out target domain."""
    from kerasgan.metrics.adaptation import ADAPT_SPLIT, adaptation_truth, target_accuracy_figures

    from kerasgan.data.domain_adapt import adapt_arrays

    truth = adaptation_truth(data, ADAPT_SPLIT)
    values, text = target_accuracy_figures(model, truth)
    source, labels, _, _ = adapt_arrays(data, ADAPT_SPLIT)
    values["source_accuracy"] = float(np.mean(model.classify(source) == labels))
    text += f"; source_accuracy: the same for the {len(source)} source-domain images of that split"
    protocol = {
        "num_samples": len(truth.target),
        "seed": SEED,
        "extractor": "none (the model's own classify)",
        "data_split": "digits test split (held out from training), every digit in the target style",
        "metrics": text,
    }
    return values, protocol


def measure_model(model, entry):
    """``{"protocol", "values"}`` for a model of ``entry`` (see the module docstring)."""
    from kerasgan import data as data_module
    from kerasgan.metrics.digits_classifier import judge_for

    data = entry["data"]
    kind = data_module.spec(data).kind
    wanted = type(model).zoo_metrics.get(kind, ())
    if "target_accuracy" in wanted:
        values, protocol = _adaptation(model, data)
    elif "task_l1" in wanted:
        values, protocol = _translation(model, data, wanted)
    elif kind == "points" and data in data_module.TOY2D:
        values, protocol = _points(model, data)
    elif kind == "image" and data_module.channel_modes(data) is not None:
        values, protocol = _channel_modes(model, data)
    elif judge_for(data) is not None and wanted:
        values, protocol = _judged(model, data, wanted)
    else:
        raise ValueError(f"no zoo metrics protocol for {entry['family']} on {data!r}")
    return {"protocol": protocol, "values": _round(values)}


def measure_entry(name):
    """Loads entry ``name`` with its published weights and measures it."""
    from kerasgan import zoo

    entry = zoo.info(name)
    model = zoo.load(name)
    return measure_model(model, entry)
