"""SAGAN: the SelfAttention layer (against a NumPy reference), its nets and the family's settings."""

import keras
import numpy as np
import pytest

from kerasgan import families, nets
from kerasgan.layers import SelfAttention
from kerasgan.testing import tiny_dataset


def _numpy_attention(layer, x):
    """The paper's block written out in NumPy from the layer's (already normalised) kernels."""
    def kernel(conv):
        inner = conv.layer if isinstance(conv, keras.layers.SpectralNormalization) else conv
        return keras.ops.convert_to_numpy(inner.kernel)[0, 0]  # (C_in, C_out) of a 1x1 conv

    def pool(h):  # 2x2 max pool, even sides
        n, hh, ww, c = h.shape
        return h.reshape(n, hh // 2, 2, ww // 2, 2, c).max(axis=(2, 4))

    n, hh, ww, c = x.shape
    q = (x @ kernel(layer.query)).reshape(n, hh * ww, -1)
    k = pool(x @ kernel(layer.key)).reshape(n, hh * ww // 4, -1)
    v = pool(x @ kernel(layer.value)).reshape(n, hh * ww // 4, -1)
    logits = q @ k.transpose(0, 2, 1)
    beta = np.exp(logits - logits.max(axis=-1, keepdims=True))
    beta /= beta.sum(axis=-1, keepdims=True)
    o = (beta @ v).reshape(n, hh, ww, -1) @ kernel(layer.projection)
    return x + float(layer.gamma.numpy()) * o


def test_self_attention_channels_identity_start_and_reference():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 8, 8, 16)).astype("float32")
    layer = SelfAttention()
    y = keras.ops.convert_to_numpy(layer(x))
    # gamma starts at 0: the block is the identity.
    assert float(layer.gamma.numpy()) == 0.0
    np.testing.assert_array_equal(y, x)
    # 1x1 convs: queries/keys C/8, values C/2, projection back to C; all spectrally normalised.
    shapes = {name: tuple(getattr(layer, name).layer.kernel.shape)
              for name in ("query", "key", "value", "projection")}
    assert shapes == {"query": (1, 1, 16, 2), "key": (1, 1, 16, 2), "value": (1, 1, 16, 8),
                      "projection": (1, 1, 8, 16)}
    assert all(isinstance(getattr(layer, n), keras.layers.SpectralNormalization)
               for n in ("query", "key", "value", "projection"))
    layer.gamma.assign(0.7)
    y = keras.ops.convert_to_numpy(layer(x))
    assert np.abs(y - x).max() > 1e-3
    np.testing.assert_allclose(y, _numpy_attention(layer, x), rtol=1e-4, atol=1e-5)


def test_self_attention_saves_and_runs_in_mixed_precision(tmp_path):
    inputs = keras.Input((7, 7, 8))  # odd side: keys and values are padded before pooling
    model = keras.Model(inputs, SelfAttention(spectral_norm=False, name="attention")(inputs))
    model.get_layer("attention").gamma.assign(0.5)
    x = np.random.default_rng(1).normal(size=(3, 7, 7, 8)).astype("float32")
    path = str(tmp_path / "attention.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded(x)), keras.ops.convert_to_numpy(model(x)),
                               rtol=1e-6, atol=1e-6)
    assert loaded.get_layer("attention").get_config()["spectral_norm"] is False
    previous = keras.mixed_precision.global_policy()
    try:
        for policy in ("mixed_float16", "mixed_bfloat16"):
            keras.mixed_precision.set_global_policy(policy)
            layer = SelfAttention()
            y = layer(x)  # the layer casts its input to the policy's compute dtype
            assert layer.gamma.dtype == "float32"
            assert keras.backend.standardize_dtype(y.dtype) == policy.split("_")[1]
            assert np.all(np.isfinite(keras.ops.convert_to_numpy(keras.ops.cast(y, "float32"))))
    finally:
        keras.mixed_precision.set_global_policy(previous)


def test_self_attention_bad_arguments():
    with pytest.raises(ValueError, match="key_ratio"):
        SelfAttention(key_ratio=0)
    with pytest.raises(ValueError, match="NHWC"):
        SelfAttention()(np.zeros((2, 8), "float32"))
    with pytest.raises(ValueError, match="attention_size"):
        nets.sagan_generator(image_size=16, attention_size=16)


def test_sagan_nets_put_attention_at_the_requested_side():
    g = nets.sagan_generator(latent_dim=8, image_size=32, base_filters=4, attention_size=8)
    d = nets.sagan_discriminator(image_size=32, base_filters=4)
    assert g.get_layer("attention").output.shape[1] == 8
    assert d.get_layer("attention").output.shape[1] == 16
    # Spectral norm on every conv and dense layer of both networks.
    for net in (g, d):
        for layer in net.layers:
            if isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose, keras.layers.Dense)):
                pytest.fail(f"{net.name}: {layer.name} is not spectrally normalised")


def test_sagan_family_defaults_and_gamma_is_logged_and_moves():
    cls = families.get("sagan")
    g_opt, d_opt = cls.default_optimizers()
    assert (float(g_opt.learning_rate), float(d_opt.learning_rate)) == pytest.approx((1e-4, 4e-4))
    assert (g_opt.beta_1, g_opt.beta_2, d_opt.beta_1, d_opt.beta_2) == (0.0, 0.9, 0.0, 0.9)
    model, spec = cls.build_tiny()
    assert model.loss_name == "hinge"
    assert {k: float(v) for k, v in model.attention_gammas().items()} == {
        "g_attention_gamma": 0.0, "d_attention_gamma": 0.0}
    model.compile(run_eagerly=True)
    history = model.fit(tiny_dataset(spec), epochs=2, verbose=0)
    for key in ("g_attention_gamma", "d_attention_gamma"):
        assert key in history.history
        # gamma starts at 0 and both networks' updates move it.
        assert abs(history.history[key][-1]) > 0.0, key
        assert abs(float(model.attention_gammas()[key])) > 0.0, key
    with pytest.raises(Exception, match="images"):
        cls.build_for_data(__import__("kerasgan").data.spec("ring8"))
