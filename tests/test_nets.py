"""Tests for kerasgan.nets: shapes, dtypes, serialization, validation."""

import keras
import numpy as np
import pytest

import kerasgan
from kerasgan import nets

BF = 4  # tiny base_filters keeps every model small and the file fast


def _z(n, dim, seed=0):
    return np.random.default_rng(seed).normal(size=(n, dim)).astype("float32")


def _images(n, size, channels, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, size=(n, size, size, channels)).astype(
        "float32"
    )


def _layer_types(model):
    """Class names of all layers, including those wrapped by SpectralNormalization."""
    names = []
    for layer in model.layers:
        names.append(type(layer).__name__)
        if isinstance(layer, keras.layers.Wrapper):
            names.append(type(layer.layer).__name__)
    return names


@pytest.fixture(params=["mixed_float16", "mixed_bfloat16"])
def mixed_policy(request):
    keras.mixed_precision.set_global_policy(request.param)
    request.addfinalizer(lambda: keras.mixed_precision.set_global_policy("float32"))
    return request.param


# --------------------------------------------------------------------------- shapes


@pytest.mark.parametrize("image_size", [8, 16, 32, 64, 128])
@pytest.mark.parametrize("channels", [1, 3])
def test_dcgan_generator_shape_and_range(image_size, channels):
    g = nets.dcgan_generator(latent_dim=8, image_size=image_size, channels=channels, base_filters=BF)
    assert g.input.name == "z" or g.inputs[0].name == "z"
    assert g.output_shape == (None, image_size, image_size, channels)
    out = keras.ops.convert_to_numpy(g(_z(3, 8) * 10.0, training=True))
    assert out.shape == (3, image_size, image_size, channels)
    assert out.dtype == np.float32
    assert np.all(out >= -1.0) and np.all(out <= 1.0)
    assert g.layers[-1].name == "image"
    # DCGAN layout: one transposed conv per doubling from 4x4.
    n_deconv = sum(isinstance(l, keras.layers.Conv2DTranspose) for l in g.layers)
    assert n_deconv == int(np.log2(image_size)) - 2


@pytest.mark.parametrize("image_size", [8, 16, 32, 64])
@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("norm", ["batch", "layer", "none"])
def test_dcgan_discriminator_shape(image_size, channels, norm):
    d = nets.dcgan_discriminator(
        image_size=image_size, channels=channels, base_filters=BF, norm=norm
    )
    assert d.inputs[0].name == "image"
    assert d.input_shape == (None, image_size, image_size, channels)
    logits = keras.ops.convert_to_numpy(d(_images(2, image_size, channels), training=True))
    assert logits.shape == (2, 1)
    assert logits.dtype == np.float32
    assert np.all(np.isfinite(logits))
    # The last feature map before flatten is 4x4.
    flat = d.get_layer("flatten")
    assert flat.input.shape[1:3] == (4, 4)


def test_dcgan_discriminator_norm_layers():
    types = {
        norm: _layer_types(nets.dcgan_discriminator(image_size=16, base_filters=BF, norm=norm))
        for norm in ("batch", "layer", "none")
    }
    assert "BatchNormalization" in types["batch"]
    assert "BatchNormalization" not in types["layer"]
    assert "LayerNormalization" in types["layer"]
    assert "BatchNormalization" not in types["none"]
    assert "LayerNormalization" not in types["none"]
    # No norm on the first block: the layer right after conv_1 is its activation.
    d = nets.dcgan_discriminator(image_size=16, base_filters=BF, norm="batch")
    idx = [l.name for l in d.layers].index("conv_1")
    assert isinstance(d.layers[idx + 1], keras.layers.LeakyReLU)


@pytest.mark.parametrize("norm", ["layer", "none"])
def test_critic_norms_are_per_sample(norm):
    """In training mode each logit depends only on its own sample (needed for WGAN-GP)."""
    d = nets.dcgan_discriminator(image_size=16, channels=1, base_filters=BF, norm=norm)
    x = _images(4, 16, 1)
    together = keras.ops.convert_to_numpy(d(x, training=True))
    alone = np.concatenate(
        [keras.ops.convert_to_numpy(d(x[i : i + 1], training=True)) for i in range(4)]
    )
    np.testing.assert_allclose(together, alone, rtol=1e-4, atol=1e-5)


def test_batch_norm_discriminator_mixes_samples():
    """Sanity check of the test above: batch norm does couple samples."""
    d = nets.dcgan_discriminator(image_size=16, channels=1, base_filters=BF, norm="batch")
    x = _images(4, 16, 1)
    together = keras.ops.convert_to_numpy(d(x, training=True))
    alone = np.concatenate(
        [keras.ops.convert_to_numpy(d(x[i : i + 1], training=True)) for i in range(4)]
    )
    assert not np.allclose(together, alone, atol=1e-5)


def test_mlp_shapes_and_names():
    g = nets.mlp_generator(latent_dim=3, output_dim=2, hidden_units=(16, 16))
    d = nets.mlp_discriminator(input_dim=2, hidden_units=(16, 16))
    assert g.inputs[0].name == "z" and d.inputs[0].name == "x"
    out = keras.ops.convert_to_numpy(g(_z(5, 3)))
    assert out.shape == (5, 2) and out.dtype == np.float32
    logits = keras.ops.convert_to_numpy(d(out))
    assert logits.shape == (5, 1) and logits.dtype == np.float32
    assert sum(isinstance(l, keras.layers.Dense) for l in g.layers) == 3


def test_mlp_discriminator_input_scale_is_a_gain_on_the_input():
    plain = nets.mlp_discriminator(hidden_units=(8,), spectral_norm=True)
    scaled = nets.mlp_discriminator(hidden_units=(8,), spectral_norm=True, input_scale=100.0)
    scaled.set_weights(plain.get_weights())
    x = _z(4, 2)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(scaled(x * 0.01)),
        keras.ops.convert_to_numpy(plain(x)),
        rtol=1e-5, atol=1e-6,
    )
    with pytest.raises(ValueError, match="input_scale"):
        nets.mlp_discriminator(input_scale=0)
    spec = kerasgan.data.spec("ring8")
    model = kerasgan.SNGAN.build_for_data(spec, discriminator_input_scale=100.0)
    assert model.discriminator.get_layer("input_scale").scale == 100.0
    with pytest.raises(ValueError, match="2-D points only"):
        kerasgan.SNGAN.build_for_data(kerasgan.data.spec("digits"), discriminator_input_scale=2.0)


def test_mlp_generator_output_is_linear():
    """Toy data (e.g. grid25 at +-4) needs outputs outside [-1, 1]."""
    g = nets.mlp_generator(hidden_units=(8,))
    assert g.get_layer("output").activation is keras.activations.linear
    out = g.get_layer("output")
    out.set_weights([np.full_like(w, 3.0) for w in out.get_weights()])
    y = keras.ops.convert_to_numpy(g(np.ones((2, 2), "float32")))
    assert np.abs(y).max() > 1.0


# ------------------------------------------------------------------ mixed precision


def test_mixed_precision_output_dtypes(mixed_policy):
    compute = mixed_policy.split("_")[1]
    cases = [
        (nets.mlp_generator(hidden_units=(8,)), _z(2, 2)),
        (nets.mlp_discriminator(hidden_units=(8,)), _z(2, 2)),
        (nets.mlp_discriminator(hidden_units=(8,), spectral_norm=True), _z(2, 2)),
        (nets.dcgan_generator(latent_dim=8, image_size=16, channels=3, base_filters=BF), _z(2, 8)),
        (nets.dcgan_discriminator(image_size=16, channels=3, base_filters=BF), _images(2, 16, 3)),
        (
            nets.dcgan_discriminator(
                image_size=16, channels=3, base_filters=BF, norm="none", spectral_norm=True
            ),
            _images(2, 16, 3),
        ),
    ]
    for model, x in cases:
        # Hidden layers really do follow the mixed policy ...
        assert any(l.compute_dtype == compute for l in model.layers[1:]), model.name
        # ... while the outputs are float32.
        for training in (False, True):
            y = model(x, training=training)
            assert keras.backend.standardize_dtype(y.dtype) == "float32", (model.name, y.dtype)
            assert np.all(np.isfinite(keras.ops.convert_to_numpy(y)))


def test_policy_restored_after_mixed_fixture():
    assert keras.mixed_precision.global_policy().name == "float32"


# ------------------------------------------------------------------- spectral norm


def test_spectral_norm_mlp_discriminator_normalizes_kernels():
    d = nets.mlp_discriminator(hidden_units=(32, 32), spectral_norm=True)
    sn = [l for l in d.layers if isinstance(l, keras.layers.SpectralNormalization)]
    assert len(sn) == 3  # two hidden + logits
    x = _z(16, 2)
    for _ in range(30):
        d(x, training=True)
    for layer in sn:
        kernel = keras.ops.convert_to_numpy(layer.layer.kernel)
        sigma = np.linalg.svd(kernel, compute_uv=False)[0]
        assert sigma == pytest.approx(1.0, abs=0.05), layer.name
    assert keras.ops.convert_to_numpy(d(x)).shape == (16, 1)


def test_spectral_norm_dcgan_discriminator_trains():
    d = nets.dcgan_discriminator(
        image_size=16, channels=3, base_filters=BF, norm="none", spectral_norm=True
    )
    sn = [l for l in d.layers if isinstance(l, keras.layers.SpectralNormalization)]
    assert len(sn) == 3  # conv_1, conv_2, logits
    assert "BatchNormalization" not in _layer_types(d)
    d.compile(optimizer="adam", loss=keras.losses.BinaryCrossentropy(from_logits=True))
    x = _images(8, 16, 3)
    y = np.ones((8, 1), "float32")
    hist = d.fit(x, y, epochs=2, batch_size=4, verbose=0)
    assert np.all(np.isfinite(hist.history["loss"]))
    assert d.predict(x, verbose=0).shape == (8, 1)


# ------------------------------------------------------------------- serialization


SERIALIZE_CASES = [
    ("mlp_generator", dict(latent_dim=3, hidden_units=(8, 8)), lambda: _z(4, 3, seed=1)),
    ("mlp_discriminator", dict(hidden_units=(8,), spectral_norm=True), lambda: _z(4, 2, seed=1)),
    ("dcgan_generator", dict(latent_dim=8, image_size=16, channels=3, base_filters=BF),
     lambda: _z(4, 8, seed=1)),
    ("dcgan_discriminator", dict(image_size=16, channels=1, base_filters=BF, norm="layer"),
     lambda: _images(4, 16, 1, seed=1)),
    ("dcgan_discriminator",
     dict(image_size=16, channels=3, base_filters=BF, norm="none", spectral_norm=True),
     lambda: _images(4, 16, 3, seed=1)),
]


def _perturbed(model, x):
    """Make weights non-default (incl. BN stats / SN vectors) by running a training pass."""
    model(x, training=True)
    model.set_weights([w + 0.01 for w in model.get_weights()])
    return model


@pytest.mark.parametrize("name,kwargs,make_x", SERIALIZE_CASES)
def test_config_round_trip(name, kwargs, make_x):
    x = make_x()
    model = _perturbed(nets.build(name, **kwargs), x)
    clone = keras.Model.from_config(model.get_config())
    assert [l.name for l in clone.layers] == [l.name for l in model.layers]
    clone.set_weights(model.get_weights())
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(clone(x, training=False)),
        keras.ops.convert_to_numpy(model(x, training=False)),
        rtol=1e-6, atol=1e-6,
    )


@pytest.mark.parametrize("name,kwargs,make_x", [SERIALIZE_CASES[1], SERIALIZE_CASES[2]])
def test_save_and_load_model_without_custom_objects(tmp_path, name, kwargs, make_x):
    x = make_x()
    model = _perturbed(nets.build(name, **kwargs), x)
    path = tmp_path / f"{name}.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded(x, training=False)),
        keras.ops.convert_to_numpy(model(x, training=False)),
        rtol=1e-6, atol=1e-6,
    )


# ---------------------------------------------------------------------- validation


@pytest.mark.parametrize("bad", [0, 4, 12, 48, 100, -32, 32.0, "32", True])
@pytest.mark.parametrize("builder", [nets.dcgan_generator, nets.dcgan_discriminator])
def test_bad_image_size(builder, bad):
    with pytest.raises(ValueError, match="image_size") as err:
        builder(image_size=bad, base_filters=BF)
    msg = str(err.value)
    assert repr(bad) in msg and "power of two" in msg and "8, 16, 32, 64" in msg


@pytest.mark.parametrize("bad", [0, -1, 1.5, "3", None])
@pytest.mark.parametrize("builder", [nets.dcgan_generator, nets.dcgan_discriminator])
def test_bad_channels(builder, bad):
    with pytest.raises(ValueError, match="channels") as err:
        builder(image_size=8, channels=bad, base_filters=BF)
    assert repr(bad) in str(err.value)


@pytest.mark.parametrize("channels", [2, 4])
def test_unusual_channel_counts(channels):
    g = nets.dcgan_generator(latent_dim=4, image_size=8, channels=channels, base_filters=BF)
    d = nets.dcgan_discriminator(image_size=8, channels=channels, base_filters=BF)
    assert tuple(d(g(_z(2, 4))).shape) == (2, 1)


def test_bad_norm():
    with pytest.raises(ValueError, match="norm") as err:
        nets.dcgan_discriminator(image_size=8, norm="instance")
    assert "'batch'" in str(err.value) and "'instance'" in str(err.value)


@pytest.mark.parametrize(
    "builder,kwargs",
    [
        (nets.mlp_generator, dict(latent_dim=0)),
        (nets.mlp_generator, dict(hidden_units=(8, 0))),
        (nets.mlp_discriminator, dict(hidden_units="128")),
        (nets.dcgan_generator, dict(base_filters=0)),
    ],
)
def test_bad_sizes(builder, kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        builder(**kwargs)


# ------------------------------------------------------------------------ registry


def test_registry_contents():
    assert {
        "mlp_generator", "mlp_discriminator", "dcgan_generator", "dcgan_discriminator",
    } <= set(nets.NET_BUILDERS)
    d = nets.build("dcgan_discriminator", image_size=8, channels=3, base_filters=BF, norm="none")
    assert isinstance(d, keras.Model) and d.input_shape == (None, 8, 8, 3)
    assert "BatchNormalization" not in _layer_types(d)


def test_registry_unknown_name_suggests_close_match():
    with pytest.raises(ValueError) as err:
        nets.build("dcgan_generater")
    msg = str(err.value)
    assert "dcgan_generater" in msg and "Did you mean 'dcgan_generator'" in msg
    for valid in nets.NET_BUILDERS:
        assert valid in msg


def test_registry_unknown_name_without_close_match():
    with pytest.raises(ValueError, match="Valid names") as err:
        nets.build("resnet")
    assert "Did you mean" not in str(err.value)


def test_registry_unknown_kwarg():
    with pytest.raises(TypeError) as err:
        nets.build("dcgan_generator", img_size=32)
    msg = str(err.value)
    assert "img_size" in msg and "image_size" in msg and "latent_dim" in msg


def test_public_functions_documented():
    for fn in [*nets.NET_BUILDERS.values(), nets.build, nets.check_image_size]:
        doc = fn.__doc__ or ""
        assert "Args:" in doc and "Returns:" in doc and "Example:" in doc, fn.__name__
