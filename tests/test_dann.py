"""Domain-adversarial training: the reversal layer, the adaptation data, the DANN update and its export."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from kerasgan import data, families, metrics
from kerasgan.data import transforms
from kerasgan.layers import GradientReversal, reversal_schedule


# ------------------------------------------------------------------ the layer


def test_gradient_reversal_is_identity_forward_and_reverses_the_gradient():
    layer = GradientReversal(strength=0.7)
    x = tf.Variable(np.linspace(-2, 2, 6, dtype="float32").reshape(2, 3))
    weights = tf.constant(np.arange(6, dtype="float32").reshape(2, 3))
    with tf.GradientTape(persistent=True) as tape:
        y = layer(x)
        scheduled = layer(x, strength=tf.constant(0.25))
        loss, loss_scheduled = tf.reduce_sum(y * weights), tf.reduce_sum(scheduled * weights)
    np.testing.assert_array_equal(y.numpy(), x.numpy())
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), -0.7 * weights.numpy(), rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(loss_scheduled, x).numpy(), -0.25 * weights.numpy(), rtol=1e-6)
    clone = GradientReversal.from_config(layer.get_config())
    assert clone.strength == 0.7


def test_reversal_schedule_rises_from_zero_as_in_the_paper():
    values = [reversal_schedule(p) for p in (0.0, 0.1, 0.5, 1.0)]
    assert values[0] == 0.0 and values == sorted(values)
    assert abs(values[-1] - (2 / (1 + np.exp(-10)) - 1)) < 1e-12
    tensor = keras.ops.convert_to_numpy(reversal_schedule(keras.ops.convert_to_tensor([0.0, 0.5])))
    np.testing.assert_allclose(tensor, [0.0, values[2]], rtol=1e-6)


# ------------------------------------------------------------------ the data


def test_digits_adaptation_sets_keep_the_target_disjoint_and_unlabelled():
    spec = data.spec("digits-adapt-inverse")
    assert (spec.kind, spec.num_classes, spec.target_shape) == ("adapt", 10, (16, 16, 1))
    source, labels, target, target_labels = data.domain_adapt.adapt_arrays("digits-adapt-inverse")
    # The target is the other half of the digits inverted: undoing it never gives a source digit.
    plain_sources = {s.tobytes() for s in source}
    assert not any(transforms.invert(t).tobytes() in plain_sources for t in target)
    assert len(source) + len(target) == len(data.digits.digits_images("train")[0])
    (xs, ys), xt = next(iter(data.load("digits-adapt-thick", 16, seed=1)))
    assert xs.shape == xt.shape == (16, 16, 16, 1) and ys.dtype == tf.int32
    truth = data.ground_truth("digits-adapt-thick", "test")
    x, y = data.digits.digits_images("test")
    np.testing.assert_array_equal(truth.labels, y)
    assert truth.target.mean() > x.mean()  # thicker strokes: more ink than the plain digits


def _write_digits(folder, images, labels=None):
    for i, image in enumerate(images):
        sub = folder if labels is None else os.path.join(folder, f"class{labels[i]}")
        os.makedirs(sub, exist_ok=True)
        pixels = np.round((image + 1) * 127.5).astype("uint8")
        tf.io.write_file(os.path.join(sub, f"{i}.png"), tf.io.encode_png(pixels))


def test_adapt_folders_take_labels_from_class_subfolders(tmp_path):
    x, y = data.digits.digits_images("test")
    source, target = str(tmp_path / "source"), str(tmp_path / "target")
    _write_digits(source, x[:30], y[:30] % 3)
    _write_digits(target, transforms.invert(x[30:50]), y[30:50] % 3)
    name = f"adapt:{source},{target}"
    spec = data.spec(name, image_size=16, channels=1)
    assert (spec.kind, spec.num_classes, spec.shape) == ("adapt", 3, (16, 16, 1))
    (xs, ys), xt = next(iter(data.load(name, 10, image_size=16, channels=1, shuffle=False)))
    assert sorted(set(ys.numpy().tolist())) <= [0, 1, 2] and xt.shape == (10, 16, 16, 1)
    truth = data.ground_truth(name)
    assert len(truth.target) == 20 and truth.num_classes == 3
    flat = str(tmp_path / "flat")
    _write_digits(flat, x[:4])
    with pytest.raises(data.DataError, match="no labels"):
        data.spec(f"adapt:{flat},{target}", image_size=16, channels=1)
    with pytest.raises(data.DataError, match="adapt:SOURCE,TARGET"):
        data.spec("adapt:onlyone")


# ------------------------------------------------------------------ the family


def _tiny(**kwargs):
    model, spec = families.get("dann").build_tiny(**kwargs)
    model.compile(run_eagerly=True)
    return model, spec


def _batch(spec, n=8, seed=0):
    rng = np.random.default_rng(seed)
    source = rng.uniform(-1, 1, (n, *spec.shape)).astype("float32")
    target = rng.uniform(-1, 1, (n, *spec.target_shape)).astype("float32")
    return {"source": source, "labels": (np.arange(n) % spec.num_classes).astype("int32"), "target": target}


def test_feature_update_gets_the_class_gradient_minus_lambda_times_the_domain_gradient():
    model, spec = _tiny(schedule_steps=10)
    batch = _batch(spec)
    model.g_optimizer.iterations.assign(3)
    strength = reversal_schedule(0.3)
    features = model.features.trainable_variables
    with tf.GradientTape(persistent=True) as tape:
        terms = model.generator_terms(batch)
        source = model.features(batch["source"])
        target = model.features(batch["target"])
        plain_domain = model._domain_terms(source, target, True)
    total = tape.gradient(terms["g_loss"], features)
    class_part = tape.gradient(terms["class_loss"], features)
    domain_part = tape.gradient(plain_domain, features)
    for t, c, d in zip(total, class_part, domain_part):
        np.testing.assert_allclose(t.numpy(), c.numpy() - strength * d.numpy(), rtol=1e-4, atol=1e-6)
    assert abs(float(terms["reversal"]) - strength) < 1e-6


def test_domain_weight_zero_is_the_source_only_baseline():
    model, spec = _tiny(domain_weight=0.0)
    batch = _batch(spec)
    with tf.GradientTape() as tape:
        terms = model.generator_terms(batch)
    np.testing.assert_allclose(float(terms["g_loss"]), float(terms["class_loss"]), rtol=1e-6)
    with pytest.raises(ValueError, match="domain_weight"):
        families.get("dann").build_tiny(domain_weight=-1.0)


def test_fit_sets_the_schedule_to_the_steps_it_runs_and_keeps_it():
    model, spec = _tiny(schedule_steps=None)
    from kerasgan.testing import tiny_dataset

    dataset = tiny_dataset(spec)  # 2 batches
    history = model.fit(dataset, epochs=2, verbose=0)
    assert model.schedule_steps == 4 and model.get_config()["schedule_steps"] == 4
    reversal = history.history["reversal"]
    assert reversal == sorted(reversal) and 0 < reversal[0] < reversal[-1] < 1
    model.fit(dataset.take(1), epochs=1, verbose=0)
    assert model.schedule_steps == 4  # a second fit goes on along the same schedule
    unknown = tf.data.Dataset.from_generator(lambda: iter(dataset), output_signature=dataset.element_spec)
    fresh, _ = _tiny(schedule_steps=None)
    with pytest.raises(ValueError, match="steps_per_epoch"):
        fresh.fit(unknown, epochs=1, verbose=0)


def test_classify_checks_shapes_and_the_export_serves_the_same_labels(tmp_path):
    from kerasgan.export import export_savedmodel

    model, spec = _tiny()
    x = np.random.default_rng(2).uniform(-1, 1, (6, *spec.target_shape)).astype("float32")
    labels = model.classify(x)
    probabilities = model.classify(x, probabilities=True)
    np.testing.assert_array_equal(labels, probabilities.argmax(-1))
    np.testing.assert_allclose(probabilities.sum(-1), 1.0, rtol=1e-5)
    with pytest.raises(ValueError, match="shape"):
        model.classify(x[..., :0])
    with pytest.raises(TypeError, match="classify"):
        model.generate(4)
    result = export_savedmodel(model, str(tmp_path), "dann", warmup=False, batching=False)
    assert {"serving_default", "classify"} <= set(result.signatures)
    served = tf.saved_model.load(result.path).signatures["classify"](image=tf.constant((x + 1) / 2))
    np.testing.assert_array_equal(served["labels"].numpy(), labels)


class _Oracle:
    """A 'classifier' that knows the first half of the labels and says 0 for the rest."""

    sampling = "classification"

    def __init__(self, labels):
        self.labels = labels

    def classify(self, images):
        out = np.zeros(len(images), dtype="int64")
        half = len(images) // 2
        out[:half] = self.labels[:half]
        return out


def test_target_accuracy_scores_the_held_out_target_domain():
    truth = data.ground_truth("digits-adapt-inverse", "test")
    oracle = _Oracle(truth.labels)
    results = metrics.evaluate(oracle, "digits-adapt-inverse", ["target_accuracy"])
    half = len(truth.labels) // 2
    expected = (half + np.sum(truth.labels[half:] == 0)) / len(truth.labels)
    assert abs(results["target_accuracy"] - expected) < 1e-9
    assert results["protocol"]["kind"] == "classification"
    with pytest.raises(ValueError, match="evaluate it with metrics=\\['target_accuracy'\\]"):
        metrics.evaluate(oracle, "digits-adapt-inverse", ["fid"])
    with pytest.raises(ValueError, match="not one"):
        metrics.Evaluator("digits-inverse", ["target_accuracy"])


def test_zoo_entry_remeasures_its_published_target_accuracy(tmp_path, capsys):
    """The shipped dann-digits-inverse weights give the published figures, through the zoo and the CLI."""
    import json

    from kerasgan import cli, zoo
    from kerasgan.zoo import measure

    published = zoo.info("dann-digits-inverse")["metrics"]
    measured = measure.measure_entry("dann-digits-inverse")
    assert measured["values"].keys() == published["values"].keys() >= {"target_accuracy", "source_accuracy"}
    for key, value in published["values"].items():
        assert measured["values"][key] == pytest.approx(value, abs=2e-3), key
    out = tmp_path / "eval.json"
    assert cli.main(["eval", "dann-digits-inverse", "--data", "digits-adapt-inverse", "--json", str(out)]) == 0
    written = json.loads(out.read_text())
    assert written["protocol"]["metrics"] == ["target_accuracy"]  # the default of a classifier
    assert written["target_accuracy"] == pytest.approx(published["values"]["target_accuracy"], abs=2e-3)
