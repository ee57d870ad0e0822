"""Tests for the conditional, auxiliary-head and image-to-image network builders."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from kerasgan import nets

BF = 4  # tiny base_filters keeps every model small and the file fast
S = 16  # image side for the fast tests


def _z(n, dim, seed=0):
    return np.random.default_rng(seed).normal(size=(n, dim)).astype("float32")


def _images(n, size, channels, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, size=(n, size, size, channels)).astype(
        "float32"
    )


def _labels(n, num_classes, seed=0):
    return np.random.default_rng(seed).integers(0, num_classes, size=(n,)).astype("int32")


def _np(x):
    return keras.ops.convert_to_numpy(x)


def _as_dict(y):
    return y if isinstance(y, dict) else {"output": y}


@pytest.fixture(params=["mixed_float16", "mixed_bfloat16"])
def mixed_policy(request):
    keras.mixed_precision.set_global_policy(request.param)
    request.addfinalizer(lambda: keras.mixed_precision.set_global_policy("float32"))
    return request.param


# A case: registry name, kwargs, inputs factory (dict keyed by input name),
# expected output shapes without the batch dim (dict for multi-output models).
CASES = {
    "cmlp_g": (
        "conditional_mlp_generator",
        dict(latent_dim=3, num_classes=5, hidden_units=(8, 8)),
        lambda n: {"z": _z(n, 3), "label": _labels(n, 5)},
        (2,),
    ),
    "cmlp_g_embed": (
        "conditional_mlp_generator",
        dict(latent_dim=3, num_classes=5, hidden_units=(8,), embedding_dim=4),
        lambda n: {"z": _z(n, 3), "label": _labels(n, 5)},
        (2,),
    ),
    "cmlp_d_proj_sn": (
        "conditional_mlp_discriminator",
        dict(num_classes=5, hidden_units=(8, 8), mode="projection", spectral_norm=True),
        lambda n: {"x": _z(n, 2), "label": _labels(n, 5)},
        (1,),
    ),
    "cmlp_d_concat": (
        "conditional_mlp_discriminator",
        dict(num_classes=5, hidden_units=(8,), mode="concat"),
        lambda n: {"x": _z(n, 2), "label": _labels(n, 5)},
        (1,),
    ),
    "cdcgan_g": (
        "conditional_dcgan_generator",
        dict(latent_dim=8, num_classes=10, image_size=S, channels=3, base_filters=BF),
        lambda n: {"z": _z(n, 8), "label": _labels(n, 10)},
        (S, S, 3),
    ),
    "cdcgan_g_embed": (
        "conditional_dcgan_generator",
        dict(latent_dim=8, num_classes=10, image_size=S, channels=1, base_filters=BF,
             embedding_dim=6),
        lambda n: {"z": _z(n, 8), "label": _labels(n, 10)},
        (S, S, 1),
    ),
    "cdcgan_d_proj": (
        "conditional_dcgan_discriminator",
        dict(image_size=S, channels=3, num_classes=10, mode="projection", base_filters=BF),
        lambda n: {"image": _images(n, S, 3), "label": _labels(n, 10)},
        (1,),
    ),
    "cdcgan_d_proj_sn": (
        "conditional_dcgan_discriminator",
        dict(image_size=S, channels=1, num_classes=10, mode="projection", norm="none",
             spectral_norm=True, base_filters=BF),
        lambda n: {"image": _images(n, S, 1), "label": _labels(n, 10)},
        (1,),
    ),
    "cdcgan_d_concat": (
        "conditional_dcgan_discriminator",
        dict(image_size=S, channels=3, num_classes=10, mode="concat", norm="layer",
             base_filters=BF),
        lambda n: {"image": _images(n, S, 3), "label": _labels(n, 10)},
        (1,),
    ),
    "cdcgan_d_concat_embed": (
        "conditional_dcgan_discriminator",
        dict(image_size=S, channels=2, num_classes=10, mode="concat", base_filters=BF,
             embedding_dim=3),
        lambda n: {"image": _images(n, S, 2), "label": _labels(n, 10)},
        (1,),
    ),
    "acgan_d": (
        "acgan_discriminator",
        dict(image_size=S, channels=3, num_classes=7, base_filters=BF),
        lambda n: {"image": _images(n, S, 3)},
        {"logits": (1,), "class_logits": (7,)},
    ),
    "acgan_d_sn": (
        "acgan_discriminator",
        dict(image_size=S, channels=1, num_classes=7, base_filters=BF, norm="none",
             spectral_norm=True),
        lambda n: {"image": _images(n, S, 1)},
        {"logits": (1,), "class_logits": (7,)},
    ),
    "infogan_d": (
        "infogan_discriminator",
        dict(image_size=S, channels=1, num_categories=10, num_continuous=2, base_filters=BF,
             q_units=8, continuous_log_std=True),
        lambda n: {"image": _images(n, S, 1)},
        {"logits": (1,), "q_categorical": (10,), "q_continuous": (2,),
         "q_continuous_log_std": (2,)},
    ),
    "infogan_mlp_d": (
        "infogan_mlp_discriminator",
        dict(num_categories=8, num_continuous=1, hidden_units=(8, 8), spectral_norm=True),
        lambda n: {"x": _z(n, 2)},
        {"logits": (1,), "q_categorical": (8,), "q_continuous": (1,)},
    ),
    "unet": (
        "unet_generator",
        dict(image_size=S, in_channels=1, out_channels=3, base_filters=BF),
        lambda n: {"image": _images(n, S, 1)},
        (S, S, 3),
    ),
    "unet_instance": (
        "unet_generator",
        dict(image_size=32, in_channels=3, out_channels=3, base_filters=BF, norm="instance",
             dropout=0.0),
        lambda n: {"image": _images(n, 32, 3)},
        (32, 32, 3),
    ),
    "resnet": (
        "resnet_generator",
        dict(image_size=S, in_channels=3, out_channels=1, base_filters=BF, num_blocks=2),
        lambda n: {"image": _images(n, S, 3)},
        (S, S, 1),
    ),
    "resnet_stargan": (
        "resnet_generator",
        dict(image_size=S, in_channels=3, out_channels=3, base_filters=BF, num_blocks=2,
             num_domains=4),
        lambda n: {"image": _images(n, S, 3), "domain": _labels(n, 4)},
        (S, S, 3),
    ),
    "patchgan": (
        "patchgan_discriminator",
        dict(image_size=32, channels=3, base_filters=BF, norm="instance"),
        lambda n: {"image": _images(n, 32, 3)},
        (4, 4, 1),
    ),
    "patchgan_cond_sn": (
        "patchgan_discriminator",
        dict(image_size=S, channels=3, condition_channels=1, base_filters=BF, norm="none",
             spectral_norm=True),
        lambda n: {"image": _images(n, S, 3), "condition": _images(n, S, 1, seed=1)},
        (2, 2, 1),
    ),
    "stargan_d": (
        "stargan_discriminator",
        dict(image_size=S, channels=3, num_domains=5, base_filters=BF),
        lambda n: {"image": _images(n, S, 3)},
        {"logits": (2, 2, 1), "domain_logits": (5,)},
    ),
    "stargan_d_sn": (
        "stargan_discriminator",
        dict(image_size=S, channels=3, num_domains=5, base_filters=BF, num_layers=4,
             spectral_norm=True),
        lambda n: {"image": _images(n, S, 3)},
        {"logits": (1, 1, 1), "domain_logits": (5,)},
    ),
}

NEW_BUILDERS = {
    "conditional_mlp_generator", "conditional_mlp_discriminator",
    "conditional_dcgan_generator", "conditional_dcgan_discriminator",
    "acgan_discriminator", "infogan_discriminator", "infogan_mlp_discriminator",
    "unet_generator", "resnet_generator", "patchgan_discriminator", "stargan_discriminator",
}


def _build(case):
    name, kwargs, make_x, expected = CASES[case]
    return nets.build(name, **kwargs), make_x, expected


def _call(model, x, training=False):
    """Call with the dict of named inputs, or the bare array for single-input models."""
    return model(x if len(x) > 1 else next(iter(x.values())), training=training)


def _check_outputs(y, expected, n):
    if isinstance(expected, dict):
        assert isinstance(y, dict) and set(y) == set(expected)
        items = [(k, y[k], expected[k]) for k in expected]
    else:
        items = [("output", y, expected)]
    for key, value, shape in items:
        assert tuple(value.shape) == (n, *shape), key
        assert keras.backend.standardize_dtype(value.dtype) == "float32", (key, value.dtype)
        assert np.all(np.isfinite(_np(value))), key


# --------------------------------------------------------------------- shapes / names


def test_every_new_builder_has_a_case():
    assert {CASES[c][0] for c in CASES} == NEW_BUILDERS


@pytest.mark.parametrize("case", sorted(CASES))
def test_shapes_dtypes_and_input_names(case):
    model, make_x, expected = _build(case)
    x = make_x(3)
    assert [t.name for t in model.inputs] == list(x)
    for t in model.inputs:
        if t.name in ("label", "domain"):
            assert t.shape == (None,) and keras.backend.standardize_dtype(t.dtype) == "int32"
    for training in (False, True):
        _check_outputs(_call(model, x, training), expected, 3)
    # Positional (list) inputs work as well as the dict keyed by input name.
    if len(x) > 1:
        by_name = _as_dict(model(x, training=False))
        by_pos = _as_dict(model(list(x.values()), training=False))
        for k in by_name:
            np.testing.assert_allclose(_np(by_pos[k]), _np(by_name[k]), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize(
    "case", ["cdcgan_g", "unet", "resnet", "resnet_stargan", "cmlp_g_embed"]
)
def test_generators_output_tanh_range(case):
    model, make_x, _ = _build(case)
    x = make_x(2)
    x = {k: (v * 50.0 if v.dtype == np.float32 else v) for k, v in x.items()}
    out = _np(_call(model, x, training=True))
    if case != "cmlp_g_embed":  # the MLP generator is linear
        assert np.all(np.abs(out) <= 1.0)


@pytest.mark.parametrize("image_size", [16, 32, 64, 128])
def test_unet_depth_adapts_to_size(image_size):
    g = nets.unet_generator(image_size=image_size, in_channels=2, out_channels=1,
                            base_filters=BF, max_filters=16)
    depth = int(np.log2(image_size))
    convs = [l for l in g.layers if type(l) is keras.layers.Conv2D]
    assert len(convs) == depth
    assert g.get_layer(f"enc_{depth}").output.shape[1:3] == (1, 1)  # 1x1 bottleneck
    assert max(l.filters for l in convs) == 16  # max_filters caps the width
    skips = [l for l in g.layers if isinstance(l, keras.layers.Concatenate)]
    assert len(skips) == depth - 1
    for layer in skips:  # each joins decoder and encoder maps of the same size
        a, b = layer.input
        assert a.shape[1:3] == b.shape[1:3]
    dropouts = [l for l in g.layers if isinstance(l, keras.layers.Dropout)]
    assert len(dropouts) == min(3, depth - 1)
    assert g.output_shape == (None, image_size, image_size, 1)


@pytest.mark.parametrize("image_size,num_layers,side", [
    (16, 3, 2), (32, 3, 4), (64, 3, 8), (16, 2, 4), (16, 6, 1), (64, 1, 32),
])
def test_patchgan_map_size(image_size, num_layers, side):
    d = nets.patchgan_discriminator(image_size=image_size, channels=1, base_filters=BF,
                                    num_layers=num_layers)
    assert d.output_shape == (None, side, side, 1)


def _patchgan_params(c_in, b, n=3):
    """Parameter count of the documented PatchGAN layout (batch norm, 4x4 kernels)."""
    total, prev = 0, c_in
    for i in range(1, n + 2):
        f = b * min(2 ** (i - 1), 8)
        total += 16 * prev * f + (f if i == 1 else 4 * f)  # bias, or BN (gamma, beta, mean, var)
        prev = f
    return total + 16 * prev + 1


def _unet_params(size, c_in, c_out, b, max_f):
    """Parameter count of the documented U-Net layout (batch norm, 4x4 kernels)."""
    d = int(np.log2(size))
    f = [min(b * 2**i, max_f) for i in range(d)]
    total, prev = 0, c_in
    for i in range(d):
        normed = 0 < i < d - 1
        total += 16 * prev * f[i] + (4 * f[i] if normed else f[i])
        prev = f[i]
    for j in range(d - 2, -1, -1):
        total += 16 * prev * f[j] + 4 * f[j]
        prev = 2 * f[j]
    return total + 16 * prev * c_out + c_out


def test_256_models_shapes_and_param_counts():
    """256x256 models (built, not run) with tiny widths: layout and parameter counts."""
    unet = nets.unet_generator(image_size=256, base_filters=BF, max_filters=8 * BF)
    assert unet.output_shape == (None, 256, 256, 3)
    assert unet.get_layer("enc_8").output.shape[1:3] == (1, 1)
    assert unet.count_params() == _unet_params(256, 3, 3, BF, 8 * BF)

    resnet = nets.resnet_generator(image_size=256, base_filters=BF)
    assert resnet.output_shape == (None, 256, 256, 3)
    assert sum(isinstance(l, keras.layers.Add) for l in resnet.layers) == 9  # 9 blocks at 256
    assert sum(isinstance(l, keras.layers.GroupNormalization) for l in resnet.layers) == 23
    small = nets.resnet_generator(image_size=128, base_filters=BF)
    assert sum(isinstance(l, keras.layers.Add) for l in small.layers) == 6

    patch = nets.patchgan_discriminator(image_size=256, channels=3, condition_channels=3,
                                        base_filters=BF)
    assert patch.output_shape == (None, 32, 32, 1)
    assert patch.count_params() == _patchgan_params(6, BF)

    star = nets.stargan_discriminator(image_size=256, channels=3, num_domains=5, base_filters=BF)
    out = star.output
    assert tuple(out["logits"].shape) == (None, 2, 2, 1)
    assert tuple(out["domain_logits"].shape) == (None, 5)


def test_infogan_optional_heads():
    d = nets.infogan_discriminator(image_size=8, num_categories=0, num_continuous=3,
                                   base_filters=BF, q_units=4)
    assert set(d(_images(2, 8, 1))) == {"logits", "q_continuous"}
    d = nets.infogan_mlp_discriminator(num_categories=4, num_continuous=0, hidden_units=(8,))
    assert set(d(_z(2, 2))) == {"logits", "q_categorical"}


def test_no_batch_norm_where_it_must_not_be():
    star = nets.stargan_discriminator(image_size=S, base_filters=BF)
    norms = (keras.layers.BatchNormalization, keras.layers.GroupNormalization,
             keras.layers.LayerNormalization)
    assert not any(isinstance(l, norms) for l in star.layers)
    patch = nets.patchgan_discriminator(image_size=S, base_filters=BF, norm="none")
    assert not any(isinstance(l, norms) for l in patch.layers)
    inst = nets.resnet_generator(image_size=S, base_filters=BF, num_blocks=1)
    assert not any(isinstance(l, keras.layers.BatchNormalization) for l in inst.layers)


# -------------------------------------------------------------- conditioning works


def _differs(a, b, tol=1e-6):
    return float(np.max(np.abs(_np(a) - _np(b)))) > tol


@pytest.mark.parametrize("case", [
    "cmlp_g", "cmlp_g_embed", "cdcgan_g", "cdcgan_g_embed", "cmlp_d_proj_sn", "cmlp_d_concat",
    "cdcgan_d_proj", "cdcgan_d_proj_sn", "cdcgan_d_concat", "cdcgan_d_concat_embed",
    "resnet_stargan",
])
def test_label_changes_output(case):
    """Same z / image, different label (or target domain) -> different output, per sample."""
    model, make_x, _ = _build(case)
    kwargs = CASES[case][1]
    x = make_x(4)
    key = "domain" if "domain" in x else "label"
    other = dict(x)
    other[key] = (x[key] + 1) % kwargs.get("num_classes", kwargs.get("num_domains"))
    a, b = _call(model, x), _call(model, other)
    for i in range(4):
        assert _differs(a[i], b[i]), i


@pytest.mark.parametrize("spectral_norm", [False, True])
def test_projection_logit_is_psi_plus_embedding_dot_features(spectral_norm):
    d = nets.conditional_dcgan_discriminator(image_size=8, channels=1, num_classes=3,
                                             norm="none", spectral_norm=spectral_norm,
                                             base_filters=BF)
    x = _images(3, 8, 1)
    y = np.array([0, 1, 2], "int32")
    d({"image": x, "label": y}, training=True)  # SN: normalise the weights once
    phi = _np(keras.Model(d.inputs, d.get_layer("flatten").output)({"image": x, "label": y}))
    psi, emb = d.get_layer("psi"), d.get_layer("label_embedding")
    if spectral_norm:
        psi, emb = psi.layer, emb.layer
        assert np.linalg.svd(_np(emb.kernel), compute_uv=False)[0] < 1.2
    w, bias = _np(psi.kernel), _np(psi.bias)
    emb = _np(emb.kernel if spectral_norm else emb.embeddings)
    expected = phi @ w + bias + np.sum(emb[y] * phi, axis=1, keepdims=True)
    np.testing.assert_allclose(_np(d({"image": x, "label": y})), expected, rtol=1e-5, atol=1e-6)


def test_concat_discriminator_sees_one_hot_label_planes():
    d = nets.conditional_dcgan_discriminator(image_size=8, channels=2, num_classes=3,
                                             mode="concat", base_filters=BF)
    probe = keras.Model(d.inputs, d.get_layer("image_label").output)
    planes = _np(probe({"image": _images(2, 8, 2), "label": np.array([2, 0], "int32")}))
    assert planes.shape == (2, 8, 8, 5)
    np.testing.assert_array_equal(planes[0, :, :, 2:], np.broadcast_to([0, 0, 1], (8, 8, 3)))
    np.testing.assert_array_equal(planes[1, :, :, 2:], np.broadcast_to([1, 0, 0], (8, 8, 3)))


# ------------------------------------------------------------------ U-Net skips


def _input_gradient(model, x):
    """d<model(x), r>/dx for a fixed random cotangent r (no cancellation as with a plain sum)."""
    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = model(x, training=False)
        r = tf.random.stateless_normal(tf.shape(y), seed=(7, 7))
        loss = tf.reduce_sum(y * r)
    return _np(tape.gradient(loss, x))


def test_unet_skip_connections_carry_fine_detail():
    g = nets.unet_generator(image_size=S, in_channels=1, out_channels=3, base_filters=BF,
                            dropout=0.0)
    x = _images(1, S, 1)
    grad = np.abs(_input_gradient(g, x))[0, :, :, 0]
    assert np.all(grad > 0)  # every input pixel reaches the output

    # Cut the bottleneck: the innermost encoder block now outputs zeros whatever the input.
    inner = g.get_layer(f"enc_{int(np.log2(S))}")
    inner.set_weights([np.zeros_like(w) for w in inner.get_weights()])
    grad = np.abs(_input_gradient(g, x))[0, :, :, 0]
    assert np.all(grad > 0)  # ... yet every pixel still reaches the output: via the skips
    y1 = _np(g(x, training=False))
    x2 = x.copy()
    x2[0, :2, :2] += 0.5  # a fine, local detail
    y2 = _np(g(x2, training=False))
    diff = np.abs(y2 - y1)[0].max(axis=-1)
    assert diff[:4, :4].max() > 1e-4  # visible where it happened ...
    assert diff[8:, 8:].max() < diff[:4, :4].max() / 10  # ... and local (no bottleneck path)


# -------------------------------------------------------------- mixed precision


@pytest.mark.parametrize("case", [
    "cmlp_g", "cmlp_d_proj_sn", "cdcgan_g", "cdcgan_d_proj", "cdcgan_d_proj_sn",
    "cdcgan_d_concat", "acgan_d_sn", "infogan_d", "infogan_mlp_d", "unet", "resnet_stargan",
    "patchgan", "patchgan_cond_sn", "stargan_d_sn",
])
def test_mixed_precision_outputs_are_float32(mixed_policy, case):
    compute = mixed_policy.split("_")[1]
    model, make_x, expected = _build(case)
    assert any(l.compute_dtype == compute for l in model.layers[1:]), model.name
    for training in (False, True):
        _check_outputs(_call(model, make_x(2), training), expected, 2)


def test_policy_restored_after_mixed_fixture():
    assert keras.mixed_precision.global_policy().name == "float32"


# ------------------------------------------------------------------ serialization


def _perturbed(model, x):
    """Make weights non-default (incl. BN stats / SN vectors) by running a training pass."""
    _call(model, x, training=True)
    model.set_weights([w + 0.01 for w in model.get_weights()])
    return model


def _assert_same_outputs(a, b, x):
    ya, yb = _as_dict(_call(a, x)), _as_dict(_call(b, x))
    assert set(ya) == set(yb)
    for k in ya:
        np.testing.assert_allclose(_np(ya[k]), _np(yb[k]), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", sorted(CASES))
def test_config_round_trip(case):
    model, make_x, _ = _build(case)
    x = make_x(2)
    model = _perturbed(model, x)
    clone = keras.Model.from_config(model.get_config())
    assert [l.name for l in clone.layers] == [l.name for l in model.layers]
    assert [t.name for t in clone.inputs] == [t.name for t in model.inputs]
    clone.set_weights(model.get_weights())
    _assert_same_outputs(model, clone, x)


@pytest.mark.parametrize("case", [
    "cmlp_d_proj_sn", "cdcgan_g", "cdcgan_d_proj_sn", "cdcgan_d_concat_embed", "acgan_d",
    "infogan_d", "unet_instance", "resnet_stargan", "patchgan_cond_sn", "stargan_d",
])
def test_save_and_load_without_custom_objects(tmp_path, case):
    model, make_x, _ = _build(case)
    x = make_x(2)
    model = _perturbed(model, x)
    path = tmp_path / f"{case}.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    _assert_same_outputs(model, loaded, x)


# --------------------------------------------------------------------- validation


BAD_ARGS = [
    (nets.conditional_mlp_generator, dict(num_classes=0), "num_classes"),
    (nets.conditional_mlp_generator, dict(embedding_dim=0), "embedding_dim"),
    (nets.conditional_mlp_discriminator, dict(mode="hinge"), "mode"),
    (nets.conditional_mlp_discriminator, dict(num_classes=2.0), "num_classes"),
    (nets.conditional_dcgan_generator, dict(image_size=24), "image_size"),
    (nets.conditional_dcgan_generator, dict(num_classes=True), "num_classes"),
    (nets.conditional_dcgan_discriminator, dict(channels=0), "channels"),
    (nets.conditional_dcgan_discriminator, dict(mode="concatenate"), "mode"),
    (nets.conditional_dcgan_discriminator, dict(norm="instance"), "norm"),
    (nets.conditional_dcgan_discriminator, dict(num_classes=-3), "num_classes"),
    (nets.acgan_discriminator, dict(num_classes=0), "num_classes"),
    (nets.acgan_discriminator, dict(image_size=100), "image_size"),
    (nets.infogan_discriminator, dict(num_categories=-1), "num_categories"),
    (nets.infogan_discriminator, dict(num_categories=0, num_continuous=0), "num_continuous"),
    (nets.infogan_mlp_discriminator, dict(num_continuous=1.5), "num_continuous"),
    (nets.unet_generator, dict(image_size=8), "image_size"),
    (nets.unet_generator, dict(image_size=96), "image_size"),
    (nets.unet_generator, dict(in_channels=0), "in_channels"),
    (nets.unet_generator, dict(out_channels="3"), "out_channels"),
    (nets.unet_generator, dict(dropout=1.0), "dropout"),
    (nets.unet_generator, dict(norm="group"), "norm"),
    (nets.unet_generator, dict(max_filters=0), "max_filters"),
    (nets.resnet_generator, dict(image_size=200), "image_size"),
    (nets.resnet_generator, dict(num_blocks=0), "num_blocks"),
    (nets.resnet_generator, dict(num_domains=-1), "num_domains"),
    (nets.resnet_generator, dict(norm="instancenorm"), "norm"),
    (nets.patchgan_discriminator, dict(image_size=12), "image_size"),
    (nets.patchgan_discriminator, dict(channels=None), "channels"),
    (nets.patchgan_discriminator, dict(condition_channels=-1), "condition_channels"),
    (nets.patchgan_discriminator, dict(num_layers=0), "num_layers"),
    (nets.stargan_discriminator, dict(num_domains=0), "num_domains"),
    (nets.stargan_discriminator, dict(image_size=4), "image_size"),
    (nets.stargan_discriminator, dict(num_layers=-2), "num_layers"),
]


@pytest.mark.parametrize(
    "builder,kwargs,arg", BAD_ARGS, ids=[f"{b.__name__}-{a}" for b, _, a in BAD_ARGS]
)
def test_bad_arguments_raise_value_error_naming_the_argument(builder, kwargs, arg):
    with pytest.raises(ValueError, match=f"`{arg}`") as err:
        builder(**kwargs)
    assert repr(kwargs.get(arg, 0)) in str(err.value)


def test_image_size_message_lists_allowed_sizes():
    with pytest.raises(ValueError, match="power of two >= 16") as err:
        nets.unet_generator(image_size=8)
    assert "16, 32, 64, 128, 256" in str(err.value)


# ------------------------------------------------------------------------ registry


def test_new_builders_are_registered_and_documented():
    assert NEW_BUILDERS <= set(nets.NET_BUILDERS)
    for name in NEW_BUILDERS:
        fn = nets.NET_BUILDERS[name]
        assert fn is getattr(nets, name)
        doc = fn.__doc__ or ""
        assert "Args:" in doc and "Returns:" in doc and "Example:" in doc, name


def test_registry_rejects_unknown_kwarg_for_new_builders():
    with pytest.raises(TypeError, match="num_classes"):
        nets.build("conditional_dcgan_generator", n_classes=10)
