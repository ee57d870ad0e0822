"""VAE-GAN and BiGAN: their loss terms, which gradients reach the encoder, encode / reconstruct,
the ``encode`` export signature, inversion from the encoder, and short learning runs on digits."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from kerasgan import data, families, inversion, nets
from kerasgan.families.vaegan import gaussian_kl
from kerasgan.metrics.digits_classifier import load_digits_classifier
from kerasgan.testing import tiny_dataset


def _batch(model, n=8, seed=0):
    rng = np.random.default_rng(seed)
    real = rng.uniform(-1, 1, size=(n, 16, 16, 1)).astype("float32")
    latents = rng.normal(size=(n, model.d_steps + 1, model.latent_dim)).astype("float32")
    return model.unpack_batch({"x": real, "latents": latents})


def _compiled(name, learning_rate=0.1, **kwargs):
    model, spec = families.get(name).build_tiny(**kwargs)
    model.compile(g_optimizer=keras.optimizers.SGD(learning_rate),
                  d_optimizer=keras.optimizers.SGD(learning_rate), run_eagerly=True)
    return model, spec


def _values(variables):
    return [np.array(v.numpy()) for v in variables]


def _moved(before, variables):
    """Largest change of any of ``variables`` since ``before`` (their values then)."""
    return max(float(np.abs(a - b).max()) for a, b in zip(before, _values(variables)))


# ------------------------------------------------------------------ VAE-GAN


def test_gaussian_kl_matches_a_monte_carlo_estimate():
    rng = np.random.default_rng(0)
    mean = np.array([[0.5, -1.0, 0.0]], "float32")
    log_var = np.array([[0.3, -0.7, 0.0]], "float32")
    std = np.exp(0.5 * log_var)
    z = mean + std * rng.normal(size=(200_000, 3))
    log_q = -0.5 * (((z - mean) / std) ** 2 + log_var).sum(axis=1)
    log_p = -0.5 * (z ** 2).sum(axis=1)
    assert float(gaussian_kl(mean, log_var)[0]) == pytest.approx((log_q - log_p).mean(), abs=5e-3)
    assert float(gaussian_kl(np.zeros((1, 3), "float32"), np.zeros((1, 3), "float32"))[0]) == 0.0


def test_vaegan_encoder_follows_only_its_own_loss():
    """One generator-side step moves the encoder by -lr * grad(KL + Dis_l), never by the adversarial term."""
    model, _ = _compiled("vaegan", learning_rate=0.1)
    batch = _batch(model)
    encoder_vars = model.encoder.trainable_variables
    with tf.GradientTape(persistent=True) as tape:
        terms = model.generator_terms(batch)
    own = tape.gradient(terms["encoder_loss"], encoder_vars)
    total = tape.gradient(terms["g_loss"], encoder_vars)
    # The decoder's loss does reach the encoder through the reconstructions: following it
    # would move the encoder differently.
    assert max(float(np.abs(a - b).max()) for a, b in zip(own, total)) > 1e-6
    before = _values(encoder_vars)
    model.apply_update(model.g_optimizer, model.generator_variables(),
                       lambda: model.generator_terms(batch), "g_loss")
    for old, gradient, new in zip(before, own, _values(encoder_vars)):
        np.testing.assert_allclose(new, old - 0.1 * gradient.numpy(), rtol=1e-4, atol=1e-6)


def test_vaegan_encoder_does_not_move_without_kl_and_feature_terms():
    model, spec = _compiled("vaegan", kl_weight=0.0, feature_weight=0.0)
    encoder = _values(model.encoder.trainable_variables)
    decoder = _values(model.generator.trainable_variables)
    model.fit(tiny_dataset(spec), epochs=1, verbose=0)
    assert _moved(encoder, model.encoder.trainable_variables) == 0.0
    assert _moved(decoder, model.generator.trainable_variables) > 0
    moving, _ = _compiled("vaegan")  # the same step with the paper's weights does move it
    before = _values(moving.encoder.trainable_variables)
    moving.fit(tiny_dataset(spec), epochs=1, verbose=0)
    assert _moved(before, moving.encoder.trainable_variables) > 0


def test_vaegan_discriminator_sees_real_against_reconstructions_and_prior_samples():
    model, _ = _compiled("vaegan")
    batch = _batch(model)
    # In inference mode, so that the generator's batch norm does not mix the two batches.
    z, _, _ = model.posterior_sample(batch["real"], 0, training=False)
    reconstruction = model.generator(z, training=False)
    prior = model.generator(batch["latents"][:, 0], training=False)

    def logits(x):
        return model.discriminator(x)["logits"].numpy().ravel()

    def softplus(v):
        return np.logaddexp(0.0, v)

    real, rec, fake = logits(batch["real"]), logits(reconstruction), logits(prior)
    expected = (softplus(-real) + 0.5 * (softplus(rec) + softplus(fake))).mean()
    d_loss = float(model.discriminator_terms(batch, 0, training=False)["d_loss"])
    assert d_loss == pytest.approx(expected, rel=1e-4)


def test_vaegan_checks_its_arguments_and_networks():
    with pytest.raises(ValueError, match="gamma"):
        families.get("vaegan").build_tiny(gamma=0.0)
    with pytest.raises(ValueError, match="kl_weight"):
        families.get("vaegan").build_tiny(kl_weight=-1.0)
    generator = nets.dcgan_generator(latent_dim=4, image_size=16, base_filters=4)
    encoder = nets.conv_encoder(image_size=16, latent_dim=5, base_filters=4, variational=True)
    discriminator = nets.vaegan_discriminator(image_size=16, base_filters=4)
    with pytest.raises(ValueError, match="latents of size 5 but the generator takes 4"):
        families.get("vaegan")(generator, encoder, discriminator)


# -------------------------------------------------------------------- BiGAN


def test_bigan_terms_score_joint_pairs_with_swapped_labels():
    model, _ = _compiled("bigan")
    batch = _batch(model)
    x, z = tf.constant(batch["real"]), tf.constant(batch["latents"][:, 0])
    # Inference mode throughout: the encoder's and generator's batch norm use fixed statistics.
    real = model.discriminator([x, model.encoder(x)]).numpy().ravel()
    fake = model.discriminator([model.generator(z), z]).numpy().ravel()

    def softplus(v):
        return np.logaddexp(0.0, v)

    d_loss = float(model.discriminator_terms(batch, 0, training=False)["d_loss"])
    assert d_loss == pytest.approx((softplus(-real) + softplus(fake)).mean(), rel=1e-4)
    z1 = tf.constant(batch["latents"][:, 1])
    fake1 = model.discriminator([model.generator(z1), z1]).numpy().ravel()
    g_loss = float(model.generator_terms(batch, training=False)["g_loss"])
    assert g_loss == pytest.approx((softplus(real) + softplus(-fake1)).mean(), rel=1e-4)


def test_bigan_step_trains_encoder_and_generator_together():
    model, _ = _compiled("bigan")
    encoder = _values(model.encoder.trainable_variables)
    decoder = _values(model.generator.trainable_variables)
    discriminator = _values(model.discriminator.weights)
    model.apply_update(model.g_optimizer, model.generator_variables(),
                       lambda: model.generator_terms(_batch(model)), "g_loss")
    assert _moved(encoder, model.encoder.trainable_variables) > 0
    assert _moved(decoder, model.generator.trainable_variables) > 0
    assert _moved(discriminator, model.discriminator.weights) == 0.0


# --------------------------------------------------------- shared behaviour


@pytest.mark.parametrize("name", ["vaegan", "bigan"])
def test_encode_and_reconstruct(name):
    model, _ = families.get(name).build_tiny()
    x = _batch(model, n=5)["real"]
    z = model.encode(x, batch_size=2)
    latents = model.encoder_latents(x)
    np.testing.assert_allclose(z, np.asarray(latents), atol=1e-6)
    np.testing.assert_allclose(model.reconstruct(x, batch_size=3),
                               np.asarray(model.generator(latents, training=False)), atol=1e-6)
    with pytest.raises(ValueError, match=r"shape \(8, 8, 1\) per sample .* takes \(16, 16, 1\)"):
        model.encode(np.zeros((2, 8, 8, 1), "float32"))


def test_reconstruction_picture_pairs_each_image_with_its_reconstruction():
    model, _ = families.get("vaegan").build_tiny()
    x = _batch(model, n=3)["real"]
    picture = model.reconstruction_picture(x)
    assert picture.layout == "groups"
    np.testing.assert_array_equal(picture.samples[0], x)
    np.testing.assert_allclose(picture.samples[1], model.reconstruct(x), atol=1e-6)
    noise_family, _ = families.get("dcgan").build_tiny()
    assert noise_family.reconstruction_picture(x) is None


def test_inversion_starts_from_the_family_encoder():
    model, _ = families.get("bigan").build_tiny()
    x = _batch(model, n=4)["real"]
    np.testing.assert_allclose(inversion.invert(model, x, steps=0), model.encode(x), atol=1e-6)
    searched = inversion.invert(model, x, steps=20)
    error = [np.abs(inversion.regenerate(model, z) - x).mean() for z in (model.encode(x), searched)]
    assert error[1] < error[0]


def test_exported_encode_signature_matches_model_encode(tmp_path):
    from kerasgan.export import describe_savedmodel, export_onnx, export_savedmodel

    model, _ = families.get("vaegan").build_tiny()
    result = export_savedmodel(model, tmp_path / "serving", "vaegan", warmup=False, batching=False)
    encode = describe_savedmodel(result.path)["encode"]
    assert encode["inputs"] == {"image": ("float32", (None, 16, 16, 1))}
    assert encode["outputs"] == {"z": ("float32", (None, 4))}
    images = np.random.default_rng(1).uniform(0, 1, (6, 16, 16, 1)).astype("float32")
    served = tf.saved_model.load(result.path).signatures["encode"](image=tf.constant(images))["z"]
    np.testing.assert_allclose(served.numpy(), model.encode(images * 2 - 1), atol=1e-5)
    onnx = export_onnx(model, str(tmp_path / "encoder.onnx"), encoder=True)
    assert onnx.inputs == {"image": ("float32", (None, 16, 16, 1))} and onnx.max_abs_diff < 1e-4
    dcgan, _ = families.get("dcgan").build_tiny()
    with pytest.raises(Exception, match="dcgan has no encoder"):
        export_onnx(dcgan, str(tmp_path / "none.onnx"), encoder=True)


# ------------------------------------------------------------------ learning


@pytest.fixture(scope="module")
def held_out():
    """The held-out digits at 16 px and the judge's classes of them."""
    classifier = load_digits_classifier()
    images = np.concatenate([x.numpy() for x in data.load(
        "digits", image_size=16, batch_size=512, split="test", shuffle=False, drop_remainder=False)])

    def classes(x):
        return np.argmax(classifier.predict(x, verbose=0, batch_size=512), axis=1)

    return images, classes(images), classes


def _trained(name, epochs, learning_rate, batch_size=32, **kwargs):
    """A family's default networks (shrunk by ``kwargs``) trained on digits, without XLA."""
    keras.utils.set_random_seed(0)
    model = families.get(name).build_for_data(data.spec("digits"), seed=0, **kwargs)
    model.compile(g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
                  d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5), jit_compile=False)
    model.fit(data.load("digits", batch_size=batch_size, seed=0), epochs=epochs, verbose=0)
    return model


def _kept(model, held_out, encoder_weights=None):
    """Share of held-out digits whose reconstruction the judge puts in the digit's class."""
    images, labels, classes = held_out
    trained = model.encoder.get_weights()
    if encoder_weights is not None:
        model.encoder.set_weights(encoder_weights)
    kept = float(np.mean(classes(model.reconstruct(images)) == labels))
    model.encoder.set_weights(trained)
    return kept


def _random_encoder_weights(name, **kwargs):
    keras.utils.set_random_seed(1)
    return families.get(name).build_for_data(data.spec("digits"), seed=1, **kwargs).encoder.get_weights()


def test_vaegan_reconstructions_keep_the_digit_class(held_out):
    small = dict(latent_dim=16, base_filters=16)
    model = _trained("vaegan", epochs=4, learning_rate=1e-3, **small)
    kept = _kept(model, held_out)
    floor = _kept(model, held_out, _random_encoder_weights("vaegan", **small))
    # Measured: 90.6% kept after 4 epochs (176 steps; 21% after one); a random encoder through
    # the trained decoder keeps about one digit in ten (chance).
    assert kept > 0.7 and kept > floor + 0.5, (kept, floor)


@pytest.mark.parametrize("entry, margin", [("bigan-digits", 0.5), ("vaegan-digits", 0.7)])
def test_published_encoders_reconstruct_far_above_a_random_encoder(held_out, entry, margin):
    """The zoo's weights, trained by tools/build_zoo.py on the default recipes, invert the generator.

    BiGAN's encoder learns to invert the generator only through the joint discriminator,
    after ~40 epochs (1,700 steps; see kerasgan/recipes/bigan.yaml): too long for a test run,
    so its learning is judged on the published weights.
    """
    from kerasgan import zoo

    model = zoo.load(entry)
    keras.utils.set_random_seed(1)
    untrained = type(model).build_for_data(data.spec("digits"), seed=1)  # the same recipe's nets
    kept = _kept(model, held_out)
    floor = _kept(model, held_out, untrained.encoder.get_weights())
    assert kept > floor + margin, (kept, floor)
