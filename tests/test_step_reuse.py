"""The generator update sharing the discriminator update's forward pass (``reuse_generated``)."""

import keras
import numpy as np
import pytest

import kerasgan
from kerasgan import families, nets


def _conv_pair(seed, **kwargs):
    keras.utils.set_random_seed(seed)
    generator = nets.dcgan_generator(latent_dim=8, image_size=8, channels=1, base_filters=4)
    discriminator = nets.dcgan_discriminator(image_size=8, channels=1, base_filters=4)
    model = kerasgan.DCGAN(generator, discriminator, seed=seed, **kwargs)
    model.compile(jit_compile=False, run_eagerly=True)
    return model


def _one_step(model, real, latents):
    model.train_on_batch({"x": real, "latents": latents})
    return [np.array(v) for v in model.generator.trainable_variables], [
        np.array(v) for v in model.discriminator.trainable_variables
    ]


def test_fresh_latents_by_default_and_the_choice_is_saved():
    assert _conv_pair(0).reuse_generated is False
    assert kerasgan.GAN.build_tiny()[0].reuse_generated is False
    assert _conv_pair(0, reuse_generated=True).get_config()["reuse_generated"] is True
    with pytest.raises(ValueError, match="reuse_generated must be True or False"):
        _conv_pair(0, reuse_generated="yes")


def test_reused_pass_gives_the_update_of_two_passes_on_the_same_latents():
    """Sharing G's forward pass changes the work, not the update, when the latents agree.

    With both slices of the supplied latents equal, the two-pass step (fresh
    latents for G, which here are the same ones) and the shared-pass step
    must make identical updates of both networks, the discriminator update
    happening in between in both.
    """
    rng = np.random.default_rng(0)
    real = rng.uniform(-1, 1, (8, 8, 8, 1)).astype("float32")
    z = rng.normal(size=(8, 1, 8)).astype("float32")
    same = np.concatenate([z, z], axis=1)
    shared = _one_step(_conv_pair(3, reuse_generated=True), real, same)
    twice = _one_step(_conv_pair(3, reuse_generated=False), real, same)
    for a, b in zip(shared[0] + shared[1], twice[0] + twice[1]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    # With different latents for the generator update the two-pass step differs:
    # the shared step really reads the discriminator update's latents.
    other = np.concatenate([z, rng.normal(size=(8, 1, 8)).astype("float32")], axis=1)
    fresh = _one_step(_conv_pair(3, reuse_generated=False), real, other)
    assert not np.allclose(shared[0][0], fresh[0][0])
    reused = _one_step(_conv_pair(3, reuse_generated=True), real, other)
    np.testing.assert_allclose(reused[0][0], shared[0][0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["cgan", "acgan", "infogan", "ebgan", "wgan_gp"])
def test_every_noise_family_can_share_the_pass(name):
    model, spec = families.get(name).build_tiny(reuse_generated=True)
    model.compile(jit_compile=False, run_eagerly=True)
    rng = np.random.default_rng(0)
    x = keras.ops.convert_to_tensor(rng.uniform(-1, 1, (4,) + tuple(spec.shape)).astype("float32"))
    y = keras.ops.convert_to_tensor(np.arange(4) % 3) if model.needs_labels else None
    logs = model.train_on_batch(x, y, return_dict=True)
    assert all(np.isfinite(v) for v in logs.values())


class _OwnFakes(kerasgan.GAN):
    """A family that runs its generator itself in the generator update."""

    def generator_terms(self, batch, training=True):
        fake = self.generator(self.latents_for(batch, self.d_steps), training=training)
        logits = self.discriminator(fake, training=training)
        return {"g_loss": kerasgan.core.replica_mean(self.adversarial_loss.generator_loss(logits))}


def test_a_family_that_makes_its_own_fakes_refuses_to_share():
    keras.utils.set_random_seed(0)
    model = _OwnFakes(nets.mlp_generator(latent_dim=2, hidden_units=(8,)),
                      nets.mlp_discriminator(hidden_units=(8,)), reuse_generated=True)
    model.compile(jit_compile=False, run_eagerly=True)
    with pytest.raises(ValueError, match="reuse_generated=False"):
        model.train_on_batch(np.zeros((4, 2), "float32"))
