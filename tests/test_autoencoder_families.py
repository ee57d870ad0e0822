"""EBGAN and BEGAN: their loss terms, BEGAN's k_t control, its state on save and load."""

import keras
import numpy as np
import pytest

from kerasgan import families, nets
from kerasgan.families.ebgan import pull_away_term
from kerasgan.testing import tiny_dataset


def test_pull_away_term_is_zero_for_orthogonal_and_one_for_parallel_embeddings():
    assert float(pull_away_term(np.eye(4, dtype="float32"))) == pytest.approx(0.0, abs=1e-6)
    parallel = np.tile(np.array([[1.0, 2.0, 3.0]], "float32"), (5, 1)) * np.arange(1, 6)[:, None]
    assert float(pull_away_term(parallel.astype("float32"))) == pytest.approx(1.0, abs=1e-5)


def _batch(model, n=32, seed=0):
    rng = np.random.default_rng(seed)
    real = rng.normal(size=(n, 2)).astype("float32")
    latents = rng.normal(size=(n, model.d_steps + 1, model.latent_dim)).astype("float32")
    return {"x": real, "latents": latents}


def test_ebgan_terms_follow_the_paper():
    model, _ = families.get("ebgan").build_tiny(margin=0.7, pt_weight=0.3)
    batch = model.unpack_batch(_batch(model))
    real_energy = model.energy(batch["real"])[0].numpy()
    fake = model.generator(batch["latents"][:, 0]).numpy()
    fake_energy, embedding = (t.numpy() for t in model.energy(fake))
    d = model.discriminator_terms(batch, 0)
    assert float(d["d_loss"]) == pytest.approx(
        real_energy.mean() + np.maximum(0.7 - fake_energy, 0).mean(), rel=1e-5)
    g = model.generator_terms(batch)
    fake_g = model.generator(batch["latents"][:, 1]).numpy()
    energy_g, embedding_g = (t.numpy() for t in model.energy(fake_g))
    unit = embedding_g / np.linalg.norm(embedding_g, axis=1, keepdims=True)
    cosine2 = (unit @ unit.T) ** 2
    pt = (cosine2.sum() - np.trace(cosine2)) / (len(unit) * (len(unit) - 1))
    assert float(g["g_loss"]) == pytest.approx(energy_g.mean() + 0.3 * pt, rel=1e-4)


def test_began_k_moves_by_the_proportional_control_and_stays_in_0_1():
    model, _ = families.get("began").build_tiny(gamma=0.5, lambda_k=0.5)
    batch = _batch(model)
    terms = model.discriminator_terms(model.unpack_batch(batch), 0)
    expected = np.clip(0.5 * (0.5 * float(terms["real_loss"]) - float(terms["fake_loss"])), 0, 1)
    model.compile(g_optimizer=keras.optimizers.SGD(0.0), d_optimizer=keras.optimizers.SGD(0.0),
                  jit_compile=False)
    model.fit(batch, batch_size=32, epochs=1, verbose=0, shuffle=False)
    assert float(model.k.numpy()) == pytest.approx(expected, abs=1e-6)
    huge, spec = families.get("began").build_tiny(gamma=1.0, lambda_k=1e6)
    huge.compile(jit_compile=False)
    huge.fit(tiny_dataset(spec), epochs=1, verbose=0)
    assert 0.0 <= float(huge.k.numpy()) <= 1.0


def test_began_k_is_saved_and_loaded_with_the_model(tmp_path):
    model, spec = families.get("began").build_tiny(lambda_k=0.05)
    model.compile(jit_compile=False)
    model.fit(tiny_dataset(spec), epochs=2, verbose=0)
    assert float(model.k.numpy()) != 0.0
    model.save(tmp_path / "began.keras")
    loaded = keras.models.load_model(tmp_path / "began.keras")
    assert float(loaded.k.numpy()) == float(model.k.numpy())
    assert loaded.gamma == model.gamma and loaded.lambda_k == model.lambda_k


def test_autoencoder_nets_reconstruct_the_input_shape():
    image_ae = nets.conv_autoencoder(image_size=16, channels=3, base_filters=8, code_dim=12)
    outputs = image_ae(np.zeros((2, 16, 16, 3), "float32"))
    assert outputs["reconstruction"].shape == (2, 16, 16, 3) and outputs["embedding"].shape == (2, 12)
    with pytest.raises(ValueError):
        nets.conv_autoencoder(image_size=12)
    with pytest.raises(ValueError, match="margin"):
        families.get("ebgan").build_tiny(margin=0.0)
    with pytest.raises(ValueError, match="gamma"):
        families.get("began").build_tiny(gamma=1.5)


@pytest.mark.parametrize("entry", ["ebgan-digits", "began-digits"])
def test_published_digits_entries_draw_every_digit_evenly(entry):
    """The zoo weights, trained by tools/build_zoo.py on the default recipes, are not collapsed.

    BEGAN on the paper's settings (gamma 0.5, lambda_k 0.001) drew one digit class only, and
    EBGAN with margin 1 blurry digits (see kerasgan/recipes/): these thresholds fail for both.
    """
    from kerasgan import zoo
    from kerasgan.metrics.digits_classifier import load_digits_classifier

    samples = zoo.load(entry).generate(2000, seed=3)
    probabilities = load_digits_classifier().predict(samples, verbose=0, batch_size=500)
    histogram = np.bincount(np.argmax(probabilities, axis=1), minlength=10) / len(samples)
    kl_to_uniform = float(np.sum(histogram[histogram > 0] * np.log(histogram[histogram > 0] * 10)))
    assert np.count_nonzero(histogram > 0.03) == 10, histogram
    assert kl_to_uniform < 0.12, (kl_to_uniform, histogram)
    assert float(np.mean(np.max(probabilities, axis=1))) > 0.8
