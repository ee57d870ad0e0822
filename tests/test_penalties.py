"""Penalties against hand-computed values."""

import keras
import numpy as np
import tensorflow as tf

from kerasgan.core import penalties


def linear_critic(weights, bias=0.3):
    inputs = keras.Input((len(weights),))
    layer = keras.layers.Dense(1)
    model = keras.Model(inputs, layer(inputs))
    layer.set_weights([np.reshape(weights, (-1, 1)).astype("float32"), np.array([bias], "float32")])
    return model


def test_gradient_penalty_on_linear_critic():
    # For D(x) = w.x + b the gradient is w everywhere: penalty = (||w|| - 1)^2.
    w = np.array([3.0, 4.0], "float32")
    critic = linear_critic(w)
    real = np.random.default_rng(0).normal(size=(5, 2)).astype("float32")
    fake = np.random.default_rng(1).normal(size=(5, 2)).astype("float32")
    alpha = np.linspace(0, 1, 5).astype("float32")
    gp = penalties.gradient_penalty(critic, real, fake, alpha).numpy()
    np.testing.assert_allclose(gp, np.full(5, (5.0 - 1.0) ** 2), rtol=1e-5)


def test_gradient_penalty_uses_the_interpolates():
    # D(x) = sum(x^2): grad at x_hat is 2 x_hat, so the penalty depends on alpha.
    inputs = keras.Input((2,))
    critic = keras.Model(inputs, keras.ops.sum(inputs**2, axis=-1, keepdims=True))
    real = np.array([[1.0, 0.0], [0.0, 2.0]], "float32")
    fake = np.array([[0.0, 0.0], [0.0, 0.0]], "float32")
    alpha = np.array([0.25, 1.0], "float32")
    x_hat = alpha[:, None] * real + (1 - alpha[:, None]) * fake
    expected = (np.linalg.norm(2 * x_hat, axis=1) - 1.0) ** 2
    got = penalties.gradient_penalty(critic, real, fake, alpha).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5)  # [0.25, 9.0]


def test_r1_penalty_is_squared_gradient_norm_on_real():
    critic = linear_critic(np.array([1.0, 2.0, 2.0], "float32"))
    real = np.ones((4, 3), "float32")
    np.testing.assert_allclose(penalties.r1_penalty(critic, real).numpy(), np.full(4, 9.0), rtol=1e-6)


def test_clip_weights_bounds_every_variable():
    variables = [tf.Variable([-1.0, 0.005, 2.0]), tf.Variable([[0.5, -0.002]])]
    penalties.clip_weights(variables, 0.01)
    np.testing.assert_allclose(variables[0].numpy(), [-0.01, 0.005, 0.01])
    np.testing.assert_allclose(variables[1].numpy(), [[0.01, -0.002]])
