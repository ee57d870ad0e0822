"""What individual families do beyond the shared harness: paper defaults, clipping,
label and shape checks, both CycleGAN directions, the image pool, default nets."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from kerasgan import data, families
from kerasgan.testing import SHIPPED_DATA, tiny_dataset


def tiny(name, **kwargs):
    return families.get(name).build_tiny(**kwargs)


def test_paper_defaults_of_the_critic_families():
    wgan, _ = tiny("wgan")
    wgan.compile()
    assert wgan.d_steps == 5 and wgan.clip_value == 0.01
    assert isinstance(wgan.d_optimizer, keras.optimizers.RMSprop)
    assert np.isclose(float(wgan.d_optimizer.learning_rate), 5e-5)

    gp, _ = tiny("wgan_gp")
    gp.compile()
    assert gp.d_steps == 5 and gp.gp_weight == 10.0
    assert isinstance(gp.g_optimizer, keras.optimizers.Adam)
    assert np.isclose(float(gp.g_optimizer.learning_rate), 1e-4)
    assert float(gp.g_optimizer.beta_1) == 0.0 and np.isclose(float(gp.g_optimizer.beta_2), 0.9)

    assert tiny("sngan")[0].loss_name == "hinge"
    assert tiny("lsgan")[0].loss_name == "least_squares"
    assert tiny("gan", loss="minimax")[0].loss_name == "minimax"


def test_wgan_clips_the_critic_after_training():
    model, spec = tiny("wgan")
    model.compile(d_optimizer=keras.optimizers.RMSprop(0.1))  # large steps: clipping must act
    model.fit(tiny_dataset(spec), epochs=1, verbose=0)
    largest = max(float(np.max(np.abs(v))) for v in model.discriminator.trainable_variables)
    assert largest <= 0.01 + 1e-7


def test_cgan_rejects_unlabelled_batches():
    model, _ = tiny("cgan")
    model.compile()
    unlabelled = tf.data.Dataset.from_tensor_slices(np.zeros((8, 16, 16, 1), "float32")).batch(8)
    with pytest.raises(ValueError, match="with_labels=True"):
        model.fit(unlabelled, epochs=1, verbose=0)


def test_generation_rejects_labels_outside_the_class_range():
    with pytest.raises(ValueError, match=r"labels must be in \[0, 3\)"):
        tiny("cgan")[0].generate(2, seed=0, labels=[0, 3])
    with pytest.raises(ValueError, match=r"domains must be in \[0, 3\)"):
        tiny("stargan")[0].translate(np.zeros((1, 16, 16, 1), "float32"), domains=[5])
    with pytest.raises(ValueError, match=r"categorys must be in \[0, 3\)|categories"):
        tiny("infogan")[0].generate(2, seed=0, categories=[7])


def test_translation_models_reject_wrong_shapes_and_noise_sampling():
    model, _ = tiny("pix2pix")
    with pytest.raises(ValueError, match=r"shape \(N,\) \+ \(16, 16, 1\)"):
        model.translate(np.zeros((2, 8, 8, 1), "float32"))
    with pytest.raises(TypeError, match="translate"):
        model.generate(4)


def test_cyclegan_translates_both_ways():
    model, _ = tiny("cyclegan")
    images = np.random.default_rng(0).uniform(-1, 1, (2, 16, 16, 1)).astype("float32")
    ab = model.translate(images, direction="ab")
    ba = model.translate(images, direction="ba")
    np.testing.assert_allclose(ab, model.generator_ab(images).numpy(), atol=1e-6)
    np.testing.assert_allclose(ba, model.generator_ba(images).numpy(), atol=1e-6)
    with pytest.raises(ValueError, match="direction"):
        model.translate(images, direction="sideways")
    assert [d for d, _ in model.serving_generators()] == ["ab", "ba"]


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


# Each family's default networks train on a data set that ships, of a kind it declares.
_SHIPPED = SHIPPED_DATA


@pytest.mark.parametrize("name", families.names())
def test_build_for_data_trains_on_a_shipped_data_set(name):
    cls = families.get(name)
    kind = next(k for k in ("image", "points", "paired", "unpaired", "adapt") if k in cls.data_kinds)
    data_name = _SHIPPED[kind]
    size = {} if kind == "points" else {"image_size": 16}
    spec = data.spec(data_name, **size)
    cls.check_data(spec)
    model = cls.build_for_data(spec, seed=0)
    model.compile(run_eagerly=True)
    dataset = data.load(data_name, batch_size=4, epoch_size=8, with_labels=cls.needs_labels, **size)
    history = model.fit(dataset, epochs=1, verbose=0)
    assert all(np.isfinite(v[-1]) for v in history.history.values())


def test_families_name_the_data_they_need():
    from kerasgan.errors import ConfigError

    with pytest.raises(ConfigError, match="paired"):
        families.get("pix2pix").check_data(data.spec("digits", image_size=16))
    with pytest.raises(ConfigError, match="unpaired"):
        families.get("cyclegan").check_data(data.spec("digits-edges", image_size=16))
    with pytest.raises(ConfigError, match="without labels"):
        families.get("acgan").check_data(data.DataSpec("x", "image", (16, 16, 1)))


def test_stargan_own_domain_loss_term():
    # id_weight adds |G(x, c_orig) - x| to the generator loss; 0 (the paper's loss) leaves it
    # out but still reports it; a negative weight is refused.
    images = np.random.default_rng(0).uniform(-1, 1, (4, 16, 16, 1)).astype("float32")
    batch = {"real": tf.constant(images), "domains": tf.constant([0, 1, 2, 0], tf.int32)}
    losses = {}
    for weight in (0.0, 7.0):
        model, _ = tiny("stargan", id_weight=weight)
        assert model.get_config()["id_weight"] == weight
        model.compile()
        terms = model.generator_terms(batch, training=False)
        own = np.mean(np.abs(model.translate(images, domains=[0, 1, 2, 0]) - images))
        np.testing.assert_allclose(float(terms["own_domain"]), own, rtol=1e-4)
        losses[weight] = (float(terms["g_loss"]), float(terms["own_domain"]))
    # Same seed, same weights, same target draw: the two losses differ by exactly 7 x own.
    np.testing.assert_allclose(losses[7.0][0] - losses[0.0][0], 7.0 * losses[7.0][1], rtol=1e-4)
    with pytest.raises(ValueError, match="id_weight"):
        tiny("stargan", id_weight=-1.0)
