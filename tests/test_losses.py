"""Adversarial losses against their closed forms on fixed logits."""

import keras
import numpy as np
import pytest

from kerasgan.core import losses

REAL = np.array([[2.0], [-1.0], [0.0], [40.0]], dtype="float32")
FAKE = np.array([[-3.0], [0.5], [0.0], [-40.0]], dtype="float32")


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x.astype("float64")))


def to_np(x):
    return np.asarray(x, dtype="float64")


# Closed forms written with probabilities D = sigmoid(logit), not softplus, so
# the test checks the algebra of the stable forms, not a copy of them.
EXPECTED = {
    "minimax": (
        -np.log(sigmoid(REAL)) - np.log(1 - sigmoid(FAKE)),
        np.log(1 - sigmoid(FAKE)),
    ),
    "non_saturating": (
        -np.log(sigmoid(REAL)) - np.log(1 - sigmoid(FAKE)),
        -np.log(sigmoid(FAKE)),
    ),
    "least_squares": (0.5 * (REAL - 1) ** 2 + 0.5 * FAKE**2, 0.5 * (FAKE - 1) ** 2),
    "wasserstein": (FAKE - REAL, -FAKE),
    "hinge": (np.maximum(0, 1 - REAL) + np.maximum(0, 1 + FAKE), -FAKE),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_loss_matches_closed_form(name):
    pair = losses.get(name)
    d_expected, g_expected = EXPECTED[name]
    # The last row has |logit| = 40: the probability forms lose precision
    # there (1 - sigmoid(40) == 0 in float64 gives log(0)), so compare the
    # first three rows to the closed form and check the last one is finite.
    d = to_np(pair.discriminator_loss(REAL, FAKE))
    g = to_np(pair.generator_loss(FAKE))
    assert d.shape == (4,) and g.shape == (4,)
    np.testing.assert_allclose(d[:3], d_expected[:3, 0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(g[:3], g_expected[:3, 0], rtol=1e-5, atol=1e-6)
    assert np.all(np.isfinite(d)) and np.all(np.isfinite(g))


def test_softplus_forms_are_stable_for_saturated_logits():
    pair = losses.get("non_saturating")
    big = np.array([[80.0], [-80.0]], dtype="float32")
    d = to_np(pair.discriminator_loss(-big, big))  # D confidently wrong
    np.testing.assert_allclose(d, [160.0, 0.0], atol=1e-4)
    g = to_np(pair.generator_loss(np.array([[-80.0]], "float32")))
    np.testing.assert_allclose(g, [80.0], rtol=1e-6)


def test_spatial_logits_are_averaged_per_sample():
    # A PatchGAN-style (B, H, W, 1) logit map reduces to one value per sample.
    real = np.zeros((2, 3, 3, 1), "float32")
    fake = np.ones((2, 3, 3, 1), "float32")
    d = to_np(losses.get("least_squares").discriminator_loss(real, fake))
    np.testing.assert_allclose(d, [1.0, 1.0])


def test_half_precision_logits_give_float32_losses():
    d = losses.get("hinge").discriminator_loss(REAL.astype("float16"), FAKE.astype("float16"))
    assert keras.backend.standardize_dtype(d.dtype) == "float32"


def test_unknown_loss_names_the_choices():
    with pytest.raises(ValueError, match="Did you mean 'hinge'.*Valid losses"):
        losses.get("hinje")
