"""The GAN base model, checked over every family: schedule, precision, XLA,
distribution, serialization and resume."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import kerasgan
from gan_helpers import (
    FAMILY_NAMES,
    LATENT_DIM,
    images_dataset,
    max_abs_change,
    points_dataset,
    tiny_image_model,
    tiny_points_model,
    trainable_snapshot,
)


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_each_update_changes_only_its_own_network(family):
    model = tiny_points_model(family)
    model.compile(jit_compile=False)
    real = tf.constant(np.random.default_rng(0).normal(size=(16, 2)), tf.float32)
    z = tf.random.normal((16, model.d_steps + 1, LATENT_DIM))
    batch = model.unpack_batch({"x": real, "latents": z})

    g_before, d_before = trainable_snapshot(model.generator), trainable_snapshot(model.discriminator)
    model.apply_update(
        model.d_optimizer,
        model.discriminator_variables(),
        lambda: model.discriminator_terms(batch, 0),
        "d_loss",
    )
    assert max_abs_change(g_before, model.generator) == 0.0
    assert max_abs_change(d_before, model.discriminator) > 0.0

    g_before, d_before = trainable_snapshot(model.generator), trainable_snapshot(model.discriminator)
    model.apply_update(
        model.g_optimizer, model.generator_variables(), lambda: model.generator_terms(batch), "g_loss"
    )
    assert max_abs_change(d_before, model.discriminator) == 0.0
    assert max_abs_change(g_before, model.generator) > 0.0


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_fit_runs_the_family_schedule_and_logs_its_metrics(family):
    model = tiny_points_model(family)
    model.compile()
    assert model.jit_compile is True  # XLA is the default path
    history = model.fit(points_dataset(n=128, batch_size=32), epochs=2, verbose=0)
    steps = 2 * 4
    assert int(model.g_optimizer.iterations) == steps
    assert int(model.d_optimizer.iterations) == steps * model.d_steps
    expected = set(type(model).metric_names)
    assert set(history.history) == expected
    for values in history.history.values():
        assert len(values) == 2 and np.all(np.isfinite(values))


def test_paper_defaults_of_the_critic_families():
    wgan = tiny_points_model("wgan")
    wgan.compile()
    assert wgan.d_steps == 5 and wgan.clip_value == 0.01
    assert isinstance(wgan.d_optimizer, keras.optimizers.RMSprop)
    assert np.isclose(float(wgan.d_optimizer.learning_rate), 5e-5)

    gp = tiny_points_model("wgan_gp")
    gp.compile()
    assert gp.d_steps == 5 and gp.gp_weight == 10.0
    assert isinstance(gp.g_optimizer, keras.optimizers.Adam)
    assert np.isclose(float(gp.g_optimizer.learning_rate), 1e-4)
    assert float(gp.g_optimizer.beta_1) == 0.0 and np.isclose(float(gp.g_optimizer.beta_2), 0.9)

    assert tiny_points_model("sngan").loss_name == "hinge"
    assert tiny_points_model("lsgan").loss_name == "least_squares"
    assert tiny_points_model("gan", loss="minimax").loss_name == "minimax"


def test_wgan_clips_the_critic_after_training():
    model = tiny_points_model("wgan")
    model.compile(d_optimizer=keras.optimizers.RMSprop(0.1))  # large steps: clipping must act
    model.fit(points_dataset(), epochs=1, verbose=0)
    largest = max(float(np.max(np.abs(v))) for v in model.discriminator.trainable_variables)
    assert largest <= 0.01 + 1e-7


def supplied_latents_dataset(model, batch=16, steps=3, seed=0):
    """Points plus explicit latents (the ``{"x", "latents"}`` hook), so two runs
    see exactly the same noise whatever their RNG implementation."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch * steps, 2)).astype("float32")
    latents = rng.normal(size=(batch * steps, model.d_steps + 1, LATENT_DIM)).astype("float32")
    return tf.data.Dataset.from_tensor_slices({"x": x, "latents": latents}).batch(batch)


@pytest.mark.parametrize("family", ["gan", "wgan"])
def test_xla_on_and_off_make_the_same_updates(family):
    # SGD, not Adam: Adam turns float rounding differences of near-zero
    # gradients into full-size steps, which would hide real disagreements.
    # Latents are supplied: XLA implements the stateless RNG differently.
    def trained(jit):
        model = tiny_points_model(family)
        model.compile(keras.optimizers.SGD(0.01), keras.optimizers.SGD(0.01), jit_compile=jit)
        assert model.jit_compile is jit
        model.fit(supplied_latents_dataset(model), epochs=1, verbose=0)
        return model

    with_xla, without_xla = trained(True), trained(False)
    for a, b in zip(with_xla.get_weights(), without_xla.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)


class _WeightsAtTrainEnd(keras.callbacks.Callback):
    """Records the generator's raw weights when the epochs are done."""

    def on_train_end(self, logs=None):
        self.generator_weights = trainable_snapshot(self.model.generator)
        self.discriminator_weights = trainable_snapshot(self.model.discriminator)


def test_fit_moves_the_generator_average_into_the_generator():
    model = tiny_points_model("gan")
    model.compile(
        g_optimizer=keras.optimizers.Adam(1e-2, use_ema=True, ema_momentum=0.9),
        d_optimizer=keras.optimizers.Adam(1e-2),
    )
    seen = _WeightsAtTrainEnd()
    model.fit(points_dataset(), epochs=2, verbose=0, callbacks=[seen])
    averages = {
        id(v): a for v, a in zip(model.generator_variables(),
                                 model.g_optimizer._model_variables_moving_average)
    }
    for variable in model.generator_variables():
        np.testing.assert_allclose(variable.numpy(), averages[id(variable)].numpy())
    # The average is not the last iterate; the discriminator (no EMA) keeps its own.
    assert max_abs_change(seen.generator_weights, model.generator) > 1e-4
    assert max_abs_change(seen.discriminator_weights, model.discriminator) == 0


def test_generate_is_reproducible_for_a_seed():
    model = tiny_points_model("gan")
    a, b, c = model.generate(10, seed=3), model.generate(10, seed=3), model.generate(10, seed=4)
    assert a.shape == (10, 2) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)
    # call(z) and predict(z) run the generator
    z = np.random.default_rng(0).normal(size=(5, LATENT_DIM)).astype("float32")
    np.testing.assert_allclose(model.predict(z, verbose=0), model.generator(z).numpy(), atol=1e-6)


@pytest.mark.parametrize("policy_name", ["mixed_float16", "mixed_bfloat16"])
@pytest.mark.parametrize("family", ["gan", "wgan_gp", "sngan"])
def test_mixed_precision_trains_with_float32_losses(policy, policy_name, family):
    policy(policy_name)
    model = tiny_image_model(family)
    model.compile()
    wrapped = isinstance(model.g_optimizer, keras.optimizers.LossScaleOptimizer)
    assert wrapped == (policy_name == "mixed_float16")
    assert isinstance(model.d_optimizer, keras.optimizers.LossScaleOptimizer) == wrapped
    assert model.generator.layers[-1].compute_dtype == "float32"
    before = trainable_snapshot(model.generator)
    history = model.fit(images_dataset(), epochs=1, verbose=0)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    assert max_abs_change(before, model.generator) > 0.0
    logits = model.discriminator(model.generate(2, seed=0))
    assert keras.backend.standardize_dtype(logits.dtype) == "float32"


@pytest.mark.parametrize("family", FAMILY_NAMES)
def test_save_and_load_round_trip(tmp_path, family):
    model = tiny_image_model(family)
    model.compile()
    model.fit(images_dataset(), epochs=1, verbose=0)
    path = tmp_path / f"{family}.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded) is type(model)
    assert loaded.get_config()["d_steps"] == model.d_steps
    np.testing.assert_array_equal(loaded.generate(4, seed=1), model.generate(4, seed=1))
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert int(loaded.g_optimizer.iterations) == int(model.g_optimizer.iterations)
    clone = type(model).from_config(model.get_config())
    assert clone.get_config() == model.get_config()


@pytest.mark.parametrize("family", ["gan", "wgan_gp"])
def test_resume_from_checkpoint_equals_uninterrupted_training(tmp_path, family):
    straight = tiny_image_model(family)
    straight.compile()
    straight.fit(images_dataset(), epochs=2, verbose=0)

    first = tiny_image_model(family)
    first.compile()
    first.fit(images_dataset(), epochs=1, verbose=0)
    first.save(tmp_path / "ckpt.keras")
    resumed = keras.models.load_model(tmp_path / "ckpt.keras")
    resumed.fit(images_dataset(), epochs=1, verbose=0)

    for a, b in zip(resumed.get_weights(), straight.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    for name in ("g_optimizer", "d_optimizer"):
        for a, b in zip(getattr(resumed, name).variables, getattr(straight, name).variables):
            np.testing.assert_allclose(np.array(a), np.array(b), rtol=1e-5, atol=1e-6)


_STRATEGY = []


def _two_replica_strategy():
    """One MirroredStrategy for the whole module: several strategies in one
    process can share collective instance keys and abort each other's all-reduce."""
    devices = tf.config.list_logical_devices("CPU")
    if len(devices) < 2:
        pytest.skip("needs two logical CPU devices (configured in conftest.py)")
    if not _STRATEGY:
        _STRATEGY.append(tf.distribute.MirroredStrategy([d.name for d in devices[:2]]))
    return _STRATEGY[0]


@pytest.mark.parametrize("family", ["gan", "lsgan", "wgan"])
def test_mirrored_strategy_makes_the_single_device_update(family):
    single = tiny_points_model(family)
    single.compile()
    single_history = single.fit(supplied_latents_dataset(single), epochs=1, verbose=0)

    with _two_replica_strategy().scope():
        mirrored = tiny_points_model(family)
        mirrored.compile()
    assert mirrored.jit_compile is False  # XLA cannot compile a multi-device step
    mirrored_history = mirrored.fit(supplied_latents_dataset(mirrored), epochs=1, verbose=0)

    for a, b in zip(single.get_weights(), mirrored.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)
    # The logged losses are global means, not one replica's.
    for key, values in single_history.history.items():
        np.testing.assert_allclose(mirrored_history.history[key], values, rtol=1e-4, atol=1e-6)


def test_each_replica_draws_its_own_latents():
    strategy = _two_replica_strategy()
    with strategy.scope():
        model = tiny_points_model("gan")
        model.compile()
    per_replica = strategy.run(lambda: model.sample_latents(4, 0))
    first, second = (t.numpy() for t in strategy.experimental_local_results(per_replica))
    assert first.shape == (4, LATENT_DIM)
    assert not np.allclose(first, second)


def test_compile_rejects_keras_loss_arguments():
    model = tiny_points_model("gan")
    with pytest.raises(TypeError, match="g_optimizer/d_optimizer"):
        model.compile(optimizer="adam")


def test_unknown_family_lists_valid_names():
    with pytest.raises(ValueError, match="Did you mean 'wgan_gp'.*Valid families"):
        kerasgan.families.get("wgan-gp")
