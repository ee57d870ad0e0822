"""content_kept and task L1 of image-to-image models (kerasgan.metrics.translation)."""

import dataclasses

import numpy as np
import pytest

from kerasgan import data, metrics, plotting
from kerasgan.data import domains, transforms
from kerasgan.metrics import translation
from kerasgan.zoo import gallery


class _Translator:
    """A stand-in image-to-image model: ``translate`` is ``fn(images, **conditions)``."""

    sampling = "translation"

    def __init__(self, fn, conditions=None):
        self.fn, self._conditions = fn, conditions or {}

    def conditions(self):
        return self._conditions

    def translate(self, images, **conditions):
        return np.asarray(self.fn(images, **conditions), dtype=np.float32)


def _rotating(images, direction):
    return transforms.rotate90(images, 1 if direction == "ab" else -1)


@pytest.fixture(scope="module")
def judge():
    return metrics.get_extractor("digits")


def test_true_translation_keeps_the_digit_and_the_undo_is_applied(judge):
    truth = data.ground_truth("digits-inverse")
    values, text = translation.translation_figures(_Translator(transforms.invert), truth, judge=judge)
    assert values["task_l1"] == 0.0 and values["identity_l1"] > 0.3
    # The negative is inverted back before the judge reads it: every real digit is kept.
    assert values["content_kept"] == values["truth_content_kept"] > 0.97
    # The untranslated input, inverted by the undo, is a negative: the judge is at chance.
    assert values["identity_content_kept"] < 0.2
    unchanged, _ = translation.translation_figures(_Translator(lambda x: x), truth, judge=judge)
    assert unchanged["content_kept"] == unchanged["identity_content_kept"] < 0.2
    assert "inverted back" in text and "digits_cnn" in text


def test_a_constant_translation_keeps_about_one_digit_in_ten(judge):
    truth = data.ground_truth("digits-thick")
    blank = _Translator(lambda x, direction: np.full_like(x, -0.5), {"direction": ("ab", "ba")})
    values, _ = translation.translation_figures(blank, truth, judge=judge)
    assert 0.05 < values["content_kept_ab"] < 0.16 and 0.05 < values["content_kept_ba"] < 0.16
    # Thicker strokes need no undo: the untranslated input and the truth are both read as digits.
    assert values["identity_content_kept"] > 0.95 and values["truth_content_kept"] > 0.95


def test_both_directions_are_undone_on_their_own(judge):
    truth = data.ground_truth("digits-rotated")
    rotator = _Translator(_rotating, {"direction": ("ab", "ba")})
    values, _ = translation.translation_figures(rotator, truth, judge=judge)
    assert values["task_l1_ab"] == values["task_l1_ba"] == 0.0
    assert values["content_kept_ab"] > 0.97 and values["content_kept_ba"] > 0.97
    assert values["identity_content_kept"] < 0.2 < 0.97 < values["truth_content_kept"]
    # A model that rotates the wrong way round loses the digit (rotated by 180 degrees).
    backwards = _Translator(lambda x, direction: _rotating(x, "ba" if direction == "ab" else "ab"),
                            {"direction": ("ab", "ba")})
    assert translation.translation_figures(backwards, truth, judge=judge)[0]["content_kept"] < 0.5


def test_every_target_domain_is_judged_and_the_own_domain_is_compared_with_the_input(judge):
    truth = data.ground_truth("digits-domains")
    exact = _Translator(lambda x, domains: domains_module_transform(x, domains), {"domains": 3})
    values, text = translation.translation_figures(exact, truth, judge=judge, num_samples=90)
    assert values["own_domain_l1"] == values["task_l1"] == 0.0
    for name in data.DOMAINS:
        assert values[f"content_kept_{name}"] > 0.95, name
    assert set(values) >= {"task_l1_inverted", "task_l1_rotated90", "identity_content_kept"}
    assert "own_domain_l1" in text
    stuck = _Translator(lambda x, domains: x, {"domains": 3})
    values, _ = translation.translation_figures(stuck, truth, judge=judge, num_samples=90)
    assert values["own_domain_l1"] == 0.0 and values["content_kept_original"] > 0.95
    assert values["content_kept_inverted"] < 0.25 and values["content_kept_rotated90"] < 0.25


def domains_module_transform(images, domain):
    return domains.DOMAIN_TRANSFORMS[int(domain)](images)


def test_missing_labels_or_undo_are_named():
    truth = data.ground_truth("digits-edges")
    with pytest.raises(ValueError, match="declares no labels"):
        translation.check_content_truth(dataclasses.replace(truth, labels=None), "mine")
    with pytest.raises(ValueError, match="'mine' declares none .*no undo"):
        translation.check_content_truth(dataclasses.replace(truth, undo=None), "mine")
    with pytest.raises(ValueError, match="no shipped classifier"):
        translation.check_content_truth(dataclasses.replace(truth, label_set="faces"), "mine")


def test_evaluate_content_kept_checks_data_and_model():
    with pytest.raises(ValueError, match="'digits' has no known ground truth"):
        metrics.Evaluator("digits", ["content_kept"])
    with pytest.raises(ValueError, match="needs a data set whose translation is known"):
        metrics.Evaluator(None, ["class_kept"])
    inverter = _Translator(transforms.invert)
    results = metrics.evaluate(inverter, "digits-inverse", ["content_kept"], num_samples=50)
    assert results["num_samples"] == 50 and results["content_kept"] > 0.95
    assert results["protocol"]["content_kept"]["undo"].startswith("inverted back")
    with pytest.raises(ValueError, match="evaluate them separately"):
        metrics.evaluate(inverter, "digits-inverse", ["content_kept", "is"])
    with pytest.raises(ValueError, match="evaluate it with metrics=\\['content_kept'\\]"):
        metrics.evaluate(inverter, "digits-inverse", ["is"])
    with pytest.raises(ValueError, match="measure an image-to-image model"):
        metrics.evaluate(np.zeros((4, 16, 16, 1), np.float32), "digits-inverse", ["content_kept"])


def test_translation_rows_never_mix_directions():
    rotator = _Translator(_rotating, {"direction": ("ab", "ba")})
    rows, text = gallery.translation_rows(rotator, "digits-rotated")
    labels = [row if row is None else row[0] for row in rows]
    assert labels == ["input a", "a -> b", "true b", None, "input b", "b -> a", "true a"]
    assert all(row[1].shape == (10, 16, 16, 1) for row in rows if row is not None)
    assert "each class" in text
    stuck = _Translator(lambda x, domains: x, {"domains": 3})
    labels = [row[0] for row in gallery.translation_rows(stuck, "digits-domains")[0]]
    assert labels == ["input (original)", "-> original", "-> inverted", "true inverted",
                      "-> rotated90", "true rotated90"]
    assert gallery.translation_rows(stuck, "digits") is None


def test_labelled_rows_picture(tmp_path):
    from PIL import Image

    rows = [("input", np.zeros((3, 8, 8, 1))), None, ("a much longer label", np.ones((3, 8, 8, 1)))]
    path = plotting.save_labelled_rows(rows, tmp_path / "rows.png")
    with Image.open(path) as picture:
        width, height = picture.size
    assert height == 2 * (64 + 2) + 2 + plotting.GROUP_GAP and width > 3 * 64
    with pytest.raises(ValueError, match="Row 'b' needs 3 images of 8x8"):
        plotting.save_labelled_rows([("a", np.zeros((3, 8, 8, 1))), ("b", np.zeros((2, 8, 8, 1)))],
                                    tmp_path / "bad.png")

