"""f-GAN's divergence table against hand-computed values, and the fgan family's own rules.

The generators ``f`` and their derivatives are written out here by hand, so
the tests check the table's algebra (conjugates, output activations, the
safe forms of ``f*(g_f(v))``), not a copy of it.
"""

import math

import keras
import numpy as np
import pytest
import scipy.optimize
import tensorflow as tf

from kerasgan import families
from kerasgan.core import losses
from kerasgan.families import fgan as fgan_module

NAMES = ("kl", "reverse_kl", "pearson", "squared_hellinger", "js", "gan")

#: name -> (f(u), f'(u)) by hand; f'(p/q) is the optimal T = g_f(V).
HAND = {
    "kl": (lambda u: u * np.log(u), lambda u: np.log(u) + 1),
    "reverse_kl": (lambda u: -np.log(u), lambda u: -1 / u),
    "pearson": (lambda u: (u - 1) ** 2, lambda u: 2 * (u - 1)),
    "squared_hellinger": (lambda u: (np.sqrt(u) - 1) ** 2, lambda u: 1 - 1 / np.sqrt(u)),
    "js": (lambda u: u * np.log(u) - (u + 1) * np.log((u + 1) / 2),
           lambda u: np.log(2 * u / (u + 1))),
    "gan": (lambda u: u * np.log(u) - (u + 1) * np.log(u + 1), lambda u: np.log(u / (u + 1))),
}
#: Upper bound of the range of g_f (the domain of f*), None for all reals.
RANGE = {"kl": None, "reverse_kl": 0.0, "pearson": None, "squared_hellinger": 1.0,
         "js": math.log(2), "gan": 0.0}

U = np.array([0.1, 0.5, 1.0, 2.0, 7.0])
V = np.linspace(-4.0, 4.0, 17)


def np64(x):
    return np.asarray(keras.ops.convert_to_numpy(x), dtype="float64")


@pytest.mark.parametrize("name", NAMES)
def test_generator_f_matches_the_hand_written_one(name):
    table = fgan_module.get_divergence(name)
    np.testing.assert_allclose(np64(table.f(U)), HAND[name][0](U), rtol=1e-5, atol=1e-6)
    # f(1) = 0 (D_f(P || P) = 0), except the GAN's f: its divergence is 2 JS - log 4.
    at_one = -math.log(4) if name == "gan" else 0.0
    assert float(np64(table.f(np.array([1.0])))[0]) == pytest.approx(at_one, abs=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_fenchel_young_inequality_and_equality_at_the_derivative(name):
    table = fgan_module.get_divergence(name)
    f, derivative = HAND[name]
    t = np64(table.activation(V))
    conjugate = np64(table.conjugate(t))
    for u in U:
        assert np.all(conjugate >= t * u - f(u) - 1e-5), (name, u)
    # Equality where t = f'(u): f*(f'(u)) = u f'(u) - f(u).
    np.testing.assert_allclose(np64(table.conjugate(derivative(U))), U * derivative(U) - f(U),
                               rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_activation_range_and_safe_composite(name):
    table = fgan_module.get_divergence(name)
    t = np64(table.activation(V))
    if RANGE[name] is not None:
        assert np.all(t < RANGE[name])
    np.testing.assert_allclose(np64(table.conjugate_of_activation(V)), np64(table.conjugate(t)),
                               rtol=1e-4, atol=1e-5)


_BOUND_FUNCTIONS = {}


def _bound_and_gradient(table):
    """A traced ``(V, p, q) -> (sum p g_f(V) - q f*(g_f(V)) scaled by 1 / (p + q), gradient)``."""
    if table.name not in _BOUND_FUNCTIONS:
        spec = tf.TensorSpec([None], "float64")

        @tf.function(input_signature=[spec, spec, spec])
        def bound(v, p, q):
            with tf.GradientTape() as tape:
                tape.watch(v)
                value = tf.reduce_sum((p * table.activation(v)
                                       - q * table.conjugate_of_activation(v)) / (p + q))
            return value, tape.gradient(value, v)

        _BOUND_FUNCTIONS[table.name] = bound
    return _BOUND_FUNCTIONS[table.name]


def _optimal_bound(table, p, q):
    """max over V of sum p g_f(V) - q f*(g_f(V)), found pointwise (each point scaled)."""
    bound = _bound_and_gradient(table)
    p64, q64 = tf.constant(p, "float64"), tf.constant(q, "float64")

    def negative(v):
        value, gradient = bound(tf.constant(v, "float64"), p64, q64)
        return -float(value), -gradient.numpy()

    result = scipy.optimize.minimize(negative, np.zeros_like(p), jac=True, method="L-BFGS-B",
                                     options={"maxiter": 500, "gtol": 1e-10, "ftol": 1e-14})
    v = tf.constant(result.x, dtype="float64")
    return float(np.sum(p * np64(table.activation(v)) - q * np64(table.conjugate_of_activation(v))))


def _gaussian(x, mean):
    return np.exp(-0.5 * (x - mean) ** 2) / math.sqrt(2 * math.pi)


# N(0, 1) against N(1, 1): closed forms where they exist.
CLOSED_GAUSSIAN = {"kl": 0.5, "reverse_kl": 0.5, "pearson": math.e - 1,
                   "squared_hellinger": 2 * (1 - math.exp(-1 / 8))}


@pytest.mark.parametrize("name", NAMES)
def test_optimal_critic_recovers_the_divergence(name):
    table, f = fgan_module.get_divergence(name), HAND[name][0]
    # Bernoulli(0.2) against Bernoulli(0.7).
    p, q = np.array([0.8, 0.2]), np.array([0.3, 0.7])
    expected = float(np.sum(q * f(p / q)))
    assert _optimal_bound(table, p, q) == pytest.approx(expected, rel=1e-4, abs=1e-6)
    # Two unit Gaussians one apart, on a quadrature grid.
    x = np.linspace(-4.4, 5.4, 50)
    dx = x[1] - x[0]
    p, q = _gaussian(x, 0.0) * dx, _gaussian(x, 1.0) * dx
    expected = float(np.sum(q * f(p / q)))
    if name in CLOSED_GAUSSIAN:
        assert expected == pytest.approx(CLOSED_GAUSSIAN[name], rel=1e-3)
    assert _optimal_bound(table, p, q) == pytest.approx(expected, rel=2e-3)


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
@pytest.mark.parametrize("name", NAMES)
def test_losses_and_gradients_stay_finite_at_extreme_critic_outputs(name, dtype):
    outputs = tf.constant([[1e4], [-1e4], [0.0], [30.0], [-30.0]], dtype=dtype)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(outputs)
        values = [fgan_module.critic_loss(name, outputs, outputs[::-1]),
                  fgan_module.generator_loss(name, outputs, "saddle"),
                  fgan_module.generator_loss(name, outputs, "activation")]
        totals = [tf.reduce_mean(v) for v in values]
    for value, total in zip(values, totals):
        assert value.dtype == tf.float32
        assert np.all(np.isfinite(value.numpy())), (name, value.numpy())
        assert np.all(np.isfinite(np.asarray(tape.gradient(total, outputs), "float32")))


def test_gan_divergence_is_the_cross_entropy_gan():
    real = np.array([[2.0], [-1.0], [40.0]], "float32")
    fake = np.array([[-3.0], [0.5], [-40.0]], "float32")
    np.testing.assert_allclose(np64(fgan_module.critic_loss("gan", real, fake)),
                               np64(losses.bce_discriminator_loss(real, fake)), rtol=1e-6)
    np.testing.assert_allclose(np64(fgan_module.generator_loss("gan", fake)),
                               np64(losses.minimax_generator_loss(fake)), rtol=1e-6)
    np.testing.assert_allclose(np64(fgan_module.generator_loss("gan", fake, "activation")),
                               np64(losses.non_saturating_generator_loss(fake)), rtol=1e-6)


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ValueError, match="reverse_kl, pearson"):
        fgan_module.get_divergence("reverse-kl")
    fgan = families.get("fgan")
    with pytest.raises(ValueError, match="squared_hellinger"):
        fgan.build_tiny(divergence="hellinger")
    with pytest.raises(ValueError, match="saddle, activation"):
        fgan.build_tiny(generator_objective="alternative")
    with pytest.raises(TypeError, match="divergence="):
        fgan.build_tiny(loss="hinge")


def test_fgan_config_names_its_divergence():
    model, _ = families.get("fgan").build_tiny(divergence="reverse_kl",
                                              generator_objective="activation")
    config = model.get_config()
    assert config["divergence"] == "reverse_kl" and "loss" not in config
    clone = type(model).from_config(config)
    assert (clone.divergence.name, clone.generator_objective) == ("reverse_kl", "activation")
