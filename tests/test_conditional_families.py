"""The conditional and image-to-image families, checked together: schedule,
serialization, resume, precision, XLA, distribution and bad input."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import family_cases as cases
from kerasgan import data, families


def snapshot(networks):
    return [keras.ops.convert_to_numpy(v) for n in networks for v in n.trainable_variables]


def change(before, networks):
    now = [v for n in networks for v in n.trainable_variables]
    return max(float(np.max(np.abs(b - keras.ops.convert_to_numpy(v)))) for b, v in zip(before, now))


def first_batch(model, name):
    return model.unpack_batch(next(iter(cases.dataset(name))))


@pytest.mark.parametrize("name", cases.NAMES)
def test_each_update_changes_only_its_own_side(name):
    model = cases.BUILDERS[name]()
    model.compile(jit_compile=False)
    batch = first_batch(model, name)
    g_nets, d_nets = model.generator_networks(), model.discriminator_networks()

    g_before, d_before = snapshot(g_nets), snapshot(d_nets)
    model.apply_update(model.d_optimizer, model.discriminator_variables(),
                       lambda: model.discriminator_terms(batch, 0), "d_loss")
    assert change(g_before, g_nets) == 0.0 and change(d_before, d_nets) > 0.0

    g_before, d_before = snapshot(g_nets), snapshot(d_nets)
    model.apply_update(model.g_optimizer, model.generator_variables(),
                       lambda: model.generator_terms(batch), "g_loss")
    assert change(d_before, d_nets) == 0.0 and change(g_before, g_nets) > 0.0


@pytest.mark.parametrize("name", cases.NAMES)
def test_fit_logs_the_family_metrics(name):
    model = cases.BUILDERS[name]()
    model.compile()
    assert model.jit_compile is True
    history = model.fit(cases.dataset(name), epochs=1, verbose=0)
    assert set(history.history) == set(type(model).metric_names)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    assert int(model.d_optimizer.iterations) == 2 * model.d_steps


@pytest.mark.parametrize("name", cases.NAMES)
def test_save_load_and_resume_are_exact(tmp_path, name):
    # XLA off: these nets take 10-40 s each to XLA-compile on 2 cores, and the
    # XLA path is covered by test_fit_logs_the_family_metrics.
    straight = cases.BUILDERS[name]()
    straight.compile(jit_compile=False)
    straight.fit(cases.dataset(name), epochs=2, verbose=0)

    first = cases.BUILDERS[name]()
    first.compile(jit_compile=False)
    first.fit(cases.dataset(name), epochs=1, verbose=0)
    first.save(tmp_path / "ckpt.keras")
    resumed = keras.models.load_model(tmp_path / "ckpt.keras")
    assert type(resumed) is type(first)
    np.testing.assert_array_equal(cases.sample_outputs(resumed, name), cases.sample_outputs(first, name))
    resumed.fit(cases.dataset(name), epochs=1, verbose=0)

    for a, b in zip(resumed.get_weights(), straight.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    clone = type(first).from_config(first.get_config())
    assert clone.get_config() == first.get_config()


@pytest.mark.parametrize("policy_name", ["mixed_float16", "mixed_bfloat16"])
@pytest.mark.parametrize("name", cases.NAMES)
def test_mixed_precision_trains(policy, policy_name, name):
    policy(policy_name)
    model = cases.BUILDERS[name]()
    model.compile(jit_compile=False)  # XLA + mixed precision: tests/test_gan_core.py
    scaled = isinstance(model.g_optimizer, keras.optimizers.LossScaleOptimizer)
    assert scaled == (policy_name == "mixed_float16")
    before = snapshot(model.generator_networks())
    # Several steps: float16 loss scaling skips the first steps while its
    # scale (2**15 at start) comes down to a size that does not overflow.
    history = model.fit(cases.dataset(name), epochs=4, verbose=0)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    assert change(before, model.generator_networks()) > 0.0
    assert cases.sample_outputs(model, name).dtype == np.float32


@pytest.mark.parametrize("name", ["cgan", "pix2pix"])
def test_xla_off_trains_too(name):
    model = cases.BUILDERS[name]()
    model.compile(jit_compile=False)
    history = model.fit(cases.dataset(name), epochs=1, verbose=0)
    assert model.jit_compile is False
    assert all(np.isfinite(v[-1]) for v in history.history.values())


def _strategy():
    from test_gan_core import _two_replica_strategy

    return _two_replica_strategy()


def test_mirrored_cyclegan_matches_one_device():
    # CycleGAN's nets use instance norm (per sample), so with the pool off (it
    # draws per replica) two replicas must make exactly the one-device update.
    # SGD, not Adam: Adam would turn rounding differences into full steps.
    # Families whose nets use batch norm (DCGAN-style, U-Net) normalise with
    # per-replica statistics under MirroredStrategy, as Keras' BatchNormalization
    # does by default, so they are only checked to run below.
    def trained(scope):
        with scope:
            model = cases.cyclegan(pool_size=0)
            model.compile(keras.optimizers.SGD(0.05), keras.optimizers.SGD(0.05), jit_compile=False)
        history = model.fit(cases.dataset("cyclegan"), epochs=1, verbose=0)
        return model, history.history

    single, single_history = trained(tf.distribute.get_strategy().scope())
    mirrored, mirrored_history = trained(_strategy().scope())
    for a, b in zip(single.get_weights(), mirrored.get_weights()):
        np.testing.assert_allclose(a, b, atol=1e-5)
    for key, values in single_history.items():
        np.testing.assert_allclose(mirrored_history[key], values, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", [n for n in cases.NAMES if n != "cyclegan"])
def test_mirrored_strategy_trains(name):
    with _strategy().scope():
        model = cases.BUILDERS[name]()
        model.compile()
    before = snapshot(model.generator_networks())
    history = model.fit(cases.dataset(name), epochs=1, verbose=0)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    assert change(before, model.generator_networks()) > 0.0


def test_cgan_rejects_unlabelled_batches():
    model = cases.cgan()
    model.compile()
    unlabelled = tf.data.Dataset.from_tensor_slices(np.zeros((8, 16, 16, 1), "float32")).batch(8)
    with pytest.raises(ValueError, match="with_labels=True"):
        model.fit(unlabelled, epochs=1, verbose=0)


def test_generation_rejects_labels_outside_the_class_range():
    with pytest.raises(ValueError, match=r"labels must be in \[0, 3\)"):
        cases.cgan().generate(2, seed=0, labels=[0, 3])
    with pytest.raises(ValueError, match=r"domains must be in \[0, 3\)"):
        cases.stargan().translate(np.zeros((1, 16, 16, 1), "float32"), domains=[5])


def test_translation_models_reject_wrong_shapes_and_noise_sampling():
    model = cases.pix2pix()
    with pytest.raises(ValueError, match=r"shape \(N,\) \+ \(16, 16, 1\)"):
        model.translate(np.zeros((2, 8, 8, 1), "float32"))
    with pytest.raises(TypeError, match="translate"):
        model.generate(4)


def test_cyclegan_translates_both_ways():
    model = cases.cyclegan()
    images = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 1)).astype("float32")
    ab = model.translate(images, direction="ab")
    ba = model.translate(images, direction="ba")
    np.testing.assert_allclose(ab, model.generator_ab(images).numpy(), atol=1e-6)
    np.testing.assert_allclose(ba, model.generator_ba(images).numpy(), atol=1e-6)
    with pytest.raises(ValueError, match="direction"):
        model.translate(images, direction="sideways")


def test_image_pool_returns_history_once_full():
    from kerasgan.layers import ImageHistoryPool

    pool = ImageHistoryPool(4, (1,))
    seed = tf.constant([1, 2], tf.int64)
    first = pool(tf.constant([[1.0], [2.0], [3.0], [4.0]]), seed=seed)
    np.testing.assert_array_equal(first.numpy(), [[1], [2], [3], [4]])  # filling: returned as is
    assert int(pool.count.numpy()) == 4
    mixed = np.concatenate(
        [pool(tf.fill((4, 1), 10.0 + i), seed=tf.constant([i, 9], tf.int64)).numpy() for i in range(20)]
    )
    # Once full, about half the returned images come from the history.
    from_history = np.mean(mixed[:, 0] < 10.0 + np.repeat(np.arange(20), 4))
    assert 0.25 < from_history < 0.75
    assert set(pool.images.numpy().ravel()) <= set(10.0 + np.arange(20)) | {1.0, 2.0, 3.0, 4.0}


@pytest.mark.parametrize(
    "name, data_name, options",
    [
        ("cgan", "digits", {"with_labels": True}),
        ("acgan", "digits", {"with_labels": True}),
        ("infogan", "digits", {}),
        ("pix2pix", "digits-edges", {}),
        ("cyclegan", "digits-rotated", {}),
        ("stargan", "digits-domains", {"with_labels": True}),
    ],
)
def test_build_for_data_trains_on_its_data_set(name, data_name, options):
    spec = data.spec(data_name, image_size=16)
    model = families.get(name).build_for_data(spec, seed=0)
    model.compile()
    dataset = data.load(data_name, batch_size=4, image_size=16, epoch_size=8, **options)
    history = model.fit(dataset, epochs=1, verbose=0)
    assert all(np.isfinite(v[-1]) for v in history.history.values())


def test_build_for_data_names_the_data_a_family_needs():
    with pytest.raises(ValueError, match="paired"):
        families.get("pix2pix").build_for_data(data.spec("digits", image_size=16))
    with pytest.raises(ValueError, match="unpaired"):
        families.get("cyclegan").build_for_data(data.spec("digits-edges", image_size=16))
    with pytest.raises(ValueError, match="no labels|labelled"):
        families.get("cgan").build_for_data(data.spec("digits-edges", image_size=16))
