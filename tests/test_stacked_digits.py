"""stacked-digits (three digits as the channels, 1000 modes) and the `modes` metric read per channel."""

import keras
import numpy as np
import pytest

from kerasgan import data
from kerasgan.data.digits import digits_images
from kerasgan.metrics import evaluate


def test_spec_and_declared_modes():
    spec = data.spec("stacked-digits")
    assert spec == data.DataSpec("stacked-digits", "image", (16, 16, 3), 1000)
    assert data.spec("stacked-digits", image_size=32).shape == (32, 32, 3)
    with pytest.raises(ValueError, match="3 channels"):
        data.spec("stacked-digits", channels=1)
    modes = data.channel_modes("stacked-digits")
    assert (modes.label_set, modes.classes, modes.channels, modes.num_modes) == ("digits", 10, 3, 1000)
    assert data.channel_modes("digits") is None


def test_images_are_three_digits_and_the_label_is_their_triple():
    x, y = data.stacked_digits.stacked_digits_images("test", seed=3)
    singles, labels = digits_images("test")
    assert x.shape == (2000, 16, 16, 3) and x.dtype == np.float32
    # Every channel is one held-out digit, and the label reads the three classes in order.
    flat = singles.reshape(len(singles), -1)
    for i in (0, 1, 1999):
        classes = []
        for k in range(3):
            match = np.flatnonzero((flat == x[i, ..., k].reshape(1, -1)).all(axis=1))
            assert len(match) >= 1
            classes.append(labels[match[0]])
        assert y[i] == 100 * classes[0] + 10 * classes[1] + classes[2]
    # Deterministic given the seed; another seed draws other triples.
    x_again, _ = data.stacked_digits.stacked_digits_images("test", seed=3)
    other, _ = data.stacked_digits.stacked_digits_images("test", seed=4)
    np.testing.assert_array_equal(x, x_again)
    assert not np.array_equal(x, other)
    batch, modes = next(iter(data.load("stacked-digits", 8, with_labels=True, seed=1)))
    assert batch.shape == (8, 16, 16, 3) and int(modes.numpy().max()) < 1000


def test_modes_metric_real_data_covers_nearly_all_and_a_collapsed_generator_few():
    real, _ = data.stacked_digits.stacked_digits_images("train", seed=0)
    r = evaluate(real, "stacked-digits", ["modes"])
    assert r["num_modes"] == 1000
    assert r["modes"] >= 990, r["modes"]
    assert r["mode_kl"] < 0.15, r["mode_kl"]
    assert r["protocol"]["modes"]["classifier"] == "digits_cnn"

    # A collapsed generator: the same stacked image whatever z is; one mode, KL = log(1000).
    z = keras.Input((4,), name="z")
    flat = keras.layers.Dense(16 * 16 * 3, kernel_initializer="zeros",
                              bias_initializer=keras.initializers.Constant(real[0].ravel()))(z)
    collapsed = keras.Model(z, keras.layers.Reshape((16, 16, 3))(flat))
    c = evaluate(collapsed, "stacked-digits", ["modes"], num_samples=500)
    assert c["modes"] == 1
    np.testing.assert_allclose(c["mode_kl"], np.log(1000), rtol=1e-6)


def test_modes_metric_refuses_images_with_another_channel_count():
    with pytest.raises(ValueError, match="3 channels"):
        evaluate(np.zeros((10, 16, 16, 1), "float32"), "stacked-digits", ["modes"])
