"""The shared train step in detail: exact updates across XLA and replicas, the generator
average, reproducible sampling, float32 losses under mixed precision.

Behaviour every family must have is checked by ``tests/test_families.py`` (the harness);
this file pins down the core's exact numerics on the base GAN."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import kerasgan
from kerasgan.core import compilation
from kerasgan.testing import tiny_dataset, two_replica_strategy

LATENT_DIM = 4  # GAN.build_tiny's latent size


def tiny(family="gan", **kwargs):
    model, _ = kerasgan.families.get(family).build_tiny(**kwargs)
    return model


def snapshot(model):
    return [keras.ops.convert_to_numpy(v) for v in model.trainable_variables]


def max_abs_change(before, model):
    return max(float(np.max(np.abs(b - keras.ops.convert_to_numpy(v))))
               for b, v in zip(before, model.trainable_variables))


def supplied_latents_dataset(model, batch=16, steps=3, seed=0):
    """Points plus explicit latents (the ``{"x", "latents"}`` hook), so two runs
    see exactly the same noise whatever their RNG implementation."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch * steps, 2)).astype("float32")
    latents = rng.normal(size=(batch * steps, model.d_steps + 1, LATENT_DIM)).astype("float32")
    return tf.data.Dataset.from_tensor_slices({"x": x, "latents": latents}).batch(batch)


def test_compile_chooses_xla_for_small_nets_and_not_for_large_ones_on_cpu():
    model = tiny("wgan_gp")
    model.compile()
    assert model.jit_compile is True and "small nets" in model.jit_compile_reason
    assert model.d_steps == 5
    small, _ = kerasgan.families.get("cgan").build_tiny()  # 16 px convolutions, 4 filters
    small.compile()
    assert small.jit_compile is True and "small nets" in small.jit_compile_reason
    large = kerasgan.DCGAN(kerasgan.nets.dcgan_generator(latent_dim=4, image_size=64, base_filters=32),
                           kerasgan.nets.dcgan_discriminator(image_size=64, base_filters=32))
    large.compile()
    assert large.jit_compile is False and "large nets" in large.jit_compile_reason
    large.compile(jit_compile=True)  # an explicit choice wins
    assert large.jit_compile is True
    dense = keras.Sequential([keras.Input((5,)), keras.layers.Dense(3), keras.layers.Dense(2)])
    assert compilation.multiply_adds_per_sample([dense]) == 5 * 3 + 3 * 2
    conv = keras.Sequential([keras.Input((8, 8, 2)), keras.layers.Conv2D(4, 3, strides=2, padding="same"),
                             keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same")])
    assert compilation.multiply_adds_per_sample([conv]) == 4 * 4 * (3 * 3 * 2 * 4) + 4 * 4 * (4 * 4 * 1 * 4)
    conv = small
    assert compilation.has_convolutions([conv.generator])
    assert not compilation.has_convolutions([model.generator, model.discriminator])


@pytest.mark.parametrize("family", ["gan", "wgan"])
def test_xla_on_and_off_make_the_same_updates(family):
    # SGD, not Adam: Adam turns float rounding differences of near-zero
    # gradients into full-size steps, which would hide real disagreements.
    # Latents are supplied: XLA implements the stateless RNG differently.
    def trained(jit):
        model = tiny(family)
        model.compile(g_optimizer=keras.optimizers.SGD(0.01), d_optimizer=keras.optimizers.SGD(0.01),
                      jit_compile=jit)
        assert model.jit_compile is jit
        model.fit(supplied_latents_dataset(model), epochs=1, verbose=0)
        return model

    with_xla, without_xla = trained(True), trained(False)
    for a, b in zip(with_xla.get_weights(), without_xla.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)


class _WeightsAtTrainEnd(keras.callbacks.Callback):
    """Records the networks' raw weights when the epochs are done."""

    def on_train_end(self, logs=None):
        self.generator_weights = snapshot(self.model.generator)
        self.discriminator_weights = snapshot(self.model.discriminator)


def test_fit_moves_the_generator_average_into_the_generator():
    model = tiny("gan")
    model.compile(
        g_optimizer=keras.optimizers.Adam(1e-2, use_ema=True, ema_momentum=0.9),
        d_optimizer=keras.optimizers.Adam(1e-2),
    )
    seen = _WeightsAtTrainEnd()
    model.fit(supplied_latents_dataset(model), epochs=2, verbose=0, callbacks=[seen])
    averages = {
        id(v): a for v, a in zip(model.generator_variables(),
                                 model.g_optimizer._model_variables_moving_average)
    }
    for variable in model.generator_variables():
        np.testing.assert_allclose(variable.numpy(), averages[id(variable)].numpy())
    # The average is not the last iterate; the discriminator (no EMA) keeps its own.
    assert max_abs_change(seen.generator_weights, model.generator) > 1e-4
    assert max_abs_change(seen.discriminator_weights, model.discriminator) == 0


def test_generate_is_reproducible_for_a_seed_and_matches_the_exported_latents():
    model = tiny("gan")
    a, b, c = model.generate(10, seed=3), model.generate(10, seed=3), model.generate(10, seed=4)
    assert a.shape == (10, 2) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    # One seed-to-latent map: the exported generate(seed=[s]) draws latents_for_seeds.
    z = model.latents_for_seeds(tf.constant([3, 4], tf.int64))
    np.testing.assert_allclose(z[0], model.latents_from_seed(1, 3)[0])
    np.testing.assert_allclose(model.generator(z[:1]).numpy(), a[:1], atol=1e-6)
    # call(z) and predict(z) run the generator
    z = np.random.default_rng(0).normal(size=(5, LATENT_DIM)).astype("float32")
    np.testing.assert_allclose(model.predict(z, verbose=0), model.generator(z).numpy(), atol=1e-6)


def test_infogan_generate_matches_its_served_latents():
    model = tiny("infogan")
    z = model.latents_for_seeds(tf.constant([5, 6], tf.int64), categories=tf.constant([1, 2]))
    direct = model.sample_latents_for_seed(1, 6, categories=[2])
    np.testing.assert_allclose(z[1], direct[0])
    np.testing.assert_allclose(
        model.generate(1, seed=6, categories=[2]), model.generator(z[1:]).numpy(), atol=1e-6
    )


@pytest.mark.parametrize("policy_name", ["mixed_float16", "mixed_bfloat16"])
def test_mixed_precision_keeps_logits_and_losses_in_float32(policy, policy_name):
    policy(policy_name)
    model = tiny("wgan_gp")
    model.compile(jit_compile=False)
    assert model.generator.layers[-1].compute_dtype == "float32"
    batch = model.unpack_batch(next(iter(supplied_latents_dataset(model))))
    terms = model.discriminator_terms(batch, 0)
    assert all(keras.backend.standardize_dtype(t.dtype) == "float32" for t in terms.values())
    logits = model.discriminator(model.generate(2, seed=0))
    assert keras.backend.standardize_dtype(logits.dtype) == "float32"


@pytest.mark.distributed
@pytest.mark.parametrize("family", ["gan"])
def test_mirrored_strategy_makes_the_single_device_update(family):
    single = tiny(family)
    single.compile()
    single_history = single.fit(supplied_latents_dataset(single), epochs=1, verbose=0)

    with two_replica_strategy().scope():
        mirrored = tiny(family)
        mirrored.compile()
    assert mirrored.jit_compile is False  # XLA cannot compile a multi-device step
    mirrored_history = mirrored.fit(supplied_latents_dataset(mirrored), epochs=1, verbose=0)

    for a, b in zip(single.get_weights(), mirrored.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)
    # The logged losses are global means, not one replica's.
    for key, values in single_history.history.items():
        np.testing.assert_allclose(mirrored_history.history[key], values, rtol=1e-4, atol=1e-6)


@pytest.mark.distributed
def test_mirrored_cyclegan_matches_one_device():
    # CycleGAN's nets use instance norm (per sample), so with the pool off (it
    # draws per replica) two replicas must make exactly the one-device update.
    # SGD, not Adam: Adam would turn rounding differences into full steps.
    def trained(scope):
        with scope:
            model, spec = kerasgan.CycleGAN.build_tiny(pool_size=0)
            model.compile(g_optimizer=keras.optimizers.SGD(0.05), d_optimizer=keras.optimizers.SGD(0.05),
                          jit_compile=False)
        history = model.fit(tiny_dataset(spec), epochs=1, verbose=0)
        return model, history.history

    single, single_history = trained(tf.distribute.get_strategy().scope())
    mirrored, mirrored_history = trained(two_replica_strategy().scope())
    for a, b in zip(single.get_weights(), mirrored.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)
    for key, values in single_history.items():
        np.testing.assert_allclose(mirrored_history[key], values, rtol=1e-4, atol=1e-6)


@pytest.mark.distributed
def test_each_replica_draws_its_own_latents():
    strategy = two_replica_strategy()
    with strategy.scope():
        model = tiny("gan")
        model.compile()
    per_replica = strategy.run(lambda: model.sample_latents(4, 0))
    first, second = (t.numpy() for t in strategy.experimental_local_results(per_replica))
    assert first.shape == (4, LATENT_DIM)
    assert not np.allclose(first, second)


def test_compile_rejects_keras_loss_arguments():
    with pytest.raises(TypeError, match="g_optimizer/d_optimizer"):
        tiny("gan").compile(optimizer="adam")
