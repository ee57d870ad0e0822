"""kerasgan.inversion: back from samples to latents, completion, attribute vectors."""

import numpy as np
import pytest

from kerasgan import data, families, inversion, zoo


@pytest.fixture(scope="module")
def dcgan():
    """The zoo's dcgan-digits (its weights ship with kerasgan): real digits, not noise."""
    return zoo.load("dcgan-digits")


def test_inverting_generated_samples_recovers_them(dcgan):
    targets = dcgan.generate(16, seed=11)
    random_start = inversion.invert(dcgan, targets, steps=0, starts=1, seed=99)
    found = inversion.invert(dcgan, targets, steps=150, seed=99)
    error_before = np.abs(inversion.regenerate(dcgan, random_start) - targets).mean()
    error_after = np.abs(inversion.regenerate(dcgan, found) - targets).mean()
    assert found.shape == (16, dcgan.latent_dim) and found.dtype == np.float32
    assert error_after < 0.25 * error_before, (error_before, error_after)


def test_best_of_several_starts_is_no_worse_than_one(dcgan):
    targets = dcgan.generate(16, seed=12)

    def error(z):  # the search's own distance: mean squared error per image
        return np.square(inversion.regenerate(dcgan, z) - targets).mean(axis=(1, 2, 3))

    one = error(inversion.invert(dcgan, targets, steps=0, starts=1, seed=5))
    eight = error(inversion.invert(dcgan, targets, steps=0, starts=8, seed=5))
    assert np.all(eight <= one + 1e-6)  # the first of the eight draws is the single draw


def test_an_encoder_gives_the_starting_latents(dcgan):
    targets = dcgan.generate(4, seed=13)
    start = np.full((4, dcgan.latent_dim), 0.5, "float32")
    z = inversion.invert(dcgan, targets, steps=0, encoder=lambda images: start)
    np.testing.assert_array_equal(z, start)


def test_completion_keeps_the_known_pixels_and_fills_the_hidden_ones(dcgan):
    targets = dcgan.generate(16, seed=14)
    mask = np.ones_like(targets)
    mask[:, 8:] = 0.0  # bottom half hidden
    masked_input = targets * mask  # hidden pixels at 0, the middle of [-1, 1]
    filled = inversion.complete(dcgan, targets, mask, steps=150, seed=1)
    np.testing.assert_array_equal(filled[:, :8], targets[:, :8])
    hidden_error = np.abs(filled[:, 8:] - targets[:, 8:]).mean()
    baseline = np.abs(masked_input[:, 8:] - targets[:, 8:]).mean()
    assert hidden_error < 0.7 * baseline, (hidden_error, baseline)


def test_attribute_vector_moves_samples_towards_the_attribute(dcgan):
    rng = np.random.default_rng(0)
    z = rng.standard_normal((16, dcgan.latent_dim)).astype("float32")
    direction = np.zeros(dcgan.latent_dim, "float32")
    direction[:4] = 1.5
    with_attribute = inversion.regenerate(dcgan, z + direction)
    without = inversion.regenerate(dcgan, z)
    vector = inversion.attribute_vector(dcgan, with_attribute, without, steps=100, seed=2)
    moved = inversion.regenerate(dcgan, z + vector)
    before = np.abs(without - with_attribute).mean()
    after = np.abs(moved - with_attribute).mean()
    assert vector.shape == (dcgan.latent_dim,)
    assert after < 0.8 * before, (before, after)


def test_points_models_invert_too():
    model = families.get("gan").build_tiny(seed=4)[0]
    targets = model.generate(32, seed=3)
    z = inversion.invert(model, targets, steps=200, seed=0, learning_rate=0.1)
    assert np.abs(inversion.regenerate(model, z) - targets).mean() < 0.05


def test_interpolation_ends_at_both_latents_and_slerp_keeps_the_norm():
    rng = np.random.default_rng(1)
    z0, z1 = rng.standard_normal(64), rng.standard_normal(64)
    for method in ("slerp", "linear"):
        path = inversion.interpolate(z0, z1, 5, method=method)
        assert path.shape == (5, 64)
        np.testing.assert_allclose(path[0], z0, atol=1e-5)
        np.testing.assert_allclose(path[-1], z1, atol=1e-5)
    norms = np.linalg.norm(inversion.interpolate(z0, z1, 9), axis=1)
    linear_middle = np.linalg.norm(inversion.interpolate(z0, z1, 9, method="linear")[4])
    assert norms[4] > linear_middle  # linear cuts through the low-density centre
    assert norms.min() > 0.8 * min(np.linalg.norm(z0), np.linalg.norm(z1))


def test_bad_inputs_are_named():
    conditional = families.get("cgan").build_tiny(seed=1)[0]
    with pytest.raises(ValueError, match="latent vector alone"):
        inversion.invert(conditional, np.zeros((2, 2), "float32"))
    model = families.get("dcgan").build_for_data(data.spec("digits", image_size=16), latent_dim=8)
    shape = model.generate(1, seed=0).shape[1:]
    with pytest.raises(ValueError, match="resize them"):
        inversion.invert(model, np.zeros((2, 5, 5, 1), "float32"))
    with pytest.raises(ValueError, match="does not broadcast"):
        inversion.invert(model, np.zeros((2, *shape), "float32"), mask=np.ones((3, 3)))
    with pytest.raises(ValueError, match="0 \\(hidden\\) or 1"):
        inversion.invert(model, np.zeros((2, *shape), "float32"), mask=np.full(shape, 0.5))
    with pytest.raises(ValueError, match="slerp"):
        inversion.interpolate(np.zeros(3), np.ones(3), 3, method="cubic")
