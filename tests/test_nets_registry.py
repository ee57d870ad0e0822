"""Tests for the network registry: ``register_net``, ``NET_BUILDERS``, ``build``."""

import keras
import pytest

from kerasgan import nets
from kerasgan.nets import registry


@pytest.fixture
def scratch_names():
    """Names registered by a test, removed afterwards so other tests see the built-ins only."""
    names = []
    yield names
    for name in names:
        registry._BUILDERS.pop(name, None)


def _tiny(latent_dim=2):
    z = keras.Input((latent_dim,), name="z")
    return keras.Model(z, keras.layers.Dense(2, name="output")(z))


def test_every_builtin_builder_is_registered_under_its_name():
    for name in nets.__all__:
        fn = getattr(nets, name)
        if name.endswith(("_generator", "_discriminator")):
            assert nets.NET_BUILDERS[name] is fn


def test_net_builders_is_read_only():
    with pytest.raises(TypeError):
        nets.NET_BUILDERS["mine"] = _tiny


def test_register_net_bare_uses_the_function_name(scratch_names):
    scratch_names.append("tiny_test_generator")

    def tiny_test_generator(latent_dim=2):
        return _tiny(latent_dim)

    assert nets.register_net(tiny_test_generator) is tiny_test_generator
    assert nets.build("tiny_test_generator", latent_dim=3).input_shape == (None, 3)
    with pytest.raises(TypeError, match="latent_dims"):
        nets.build("tiny_test_generator", latent_dims=3)


def test_register_net_with_a_name(scratch_names):
    scratch_names.append("tiny-net")
    builder = nets.register_net("tiny-net")(_tiny)
    assert builder is _tiny and nets.NET_BUILDERS["tiny-net"] is _tiny


def test_register_net_refuses_to_replace_another_builder():
    with pytest.raises(ValueError, match="already registered as 'mlp_generator'"):
        nets.register_net("mlp_generator")(_tiny)
    assert nets.NET_BUILDERS["mlp_generator"] is nets.mlp_generator
