"""Every network builder keeps its architecture: layer names, variable order and shapes, outputs.

The zoo's shipped weights load by variable order and shape, so a refactor of
``kerasgan.nets`` must not change them. Each case builds a network, fills its
variables with fixed values (in ``model.weights`` order), runs it on a fixed
input and compares against the fingerprint recorded before the refactor.

Regenerate ``REFERENCE`` (only when an architecture change is intended) with
``PYTHONPATH=. python tests/test_nets_stable.py`` (from the repository root).
"""

from __future__ import annotations

import hashlib
import json

import keras
import numpy as np
import pytest

from kerasgan import nets

# (builder name, kwargs): the argument sets the families' build_for_data and the
# zoo entries use, shrunk where possible, plus each branch (norm, spectral norm,
# projection / concat, embeddings, optional heads and inputs).
CASES = {
    "mlp_g": ("mlp_generator", dict(latent_dim=16, output_dim=2, hidden_units=(8, 8))),
    "mlp_g_default": ("mlp_generator", dict(latent_dim=16, output_dim=2)),
    "mlp_d": ("mlp_discriminator", dict(input_dim=2, hidden_units=(8, 8))),
    "mlp_d_sn_scale": ("mlp_discriminator", dict(input_dim=2, spectral_norm=True, input_scale=100.0)),
    "dcgan_g8": ("dcgan_generator", dict(latent_dim=8, image_size=8, channels=1, base_filters=4)),
    "dcgan_g32": ("dcgan_generator", dict(latent_dim=8, image_size=32, channels=3, base_filters=4)),
    "dcgan_d_batch": ("dcgan_discriminator", dict(image_size=16, channels=1, base_filters=4)),
    "dcgan_d_layer": ("dcgan_discriminator", dict(image_size=16, channels=3, base_filters=4, norm="layer")),
    "dcgan_d_sn": ("dcgan_discriminator",
                   dict(image_size=16, channels=1, base_filters=4, norm="none", spectral_norm=True)),
    "cmlp_g": ("conditional_mlp_generator", dict(latent_dim=4, num_classes=3, hidden_units=(8,))),
    "cmlp_g_emb": ("conditional_mlp_generator",
                   dict(latent_dim=4, num_classes=3, hidden_units=(8,), embedding_dim=5)),
    "cmlp_d_proj": ("conditional_mlp_discriminator", dict(num_classes=3, hidden_units=(8, 8))),
    "cmlp_d_proj_sn": ("conditional_mlp_discriminator",
                       dict(num_classes=3, hidden_units=(8,), spectral_norm=True)),
    "cmlp_d_concat": ("conditional_mlp_discriminator",
                      dict(num_classes=3, hidden_units=(8,), mode="concat")),
    "cmlp_d_concat_emb_sn": ("conditional_mlp_discriminator",
                             dict(num_classes=3, hidden_units=(8,), mode="concat", embedding_dim=4,
                                  spectral_norm=True)),
    "cdcgan_g": ("conditional_dcgan_generator",
                 dict(latent_dim=8, num_classes=10, image_size=8, channels=1, base_filters=4)),
    "cdcgan_g_emb": ("conditional_dcgan_generator",
                     dict(latent_dim=8, num_classes=3, image_size=16, channels=3, base_filters=4,
                          embedding_dim=6)),
    "cdcgan_d_proj": ("conditional_dcgan_discriminator",
                      dict(image_size=8, channels=1, num_classes=10, base_filters=4)),
    "cdcgan_d_proj_sn": ("conditional_dcgan_discriminator",
                         dict(image_size=16, channels=3, num_classes=3, base_filters=4, norm="none",
                              spectral_norm=True)),
    "cdcgan_d_concat": ("conditional_dcgan_discriminator",
                        dict(image_size=16, channels=1, num_classes=3, base_filters=4, mode="concat",
                             norm="layer")),
    "cdcgan_d_concat_emb": ("conditional_dcgan_discriminator",
                            dict(image_size=8, channels=2, num_classes=3, base_filters=4, mode="concat",
                                 embedding_dim=2, spectral_norm=True)),
    "acgan_d": ("acgan_discriminator", dict(image_size=8, channels=1, num_classes=10, base_filters=4)),
    "acgan_d_sn": ("acgan_discriminator",
                   dict(image_size=16, channels=3, num_classes=4, base_filters=4, norm="none",
                        spectral_norm=True)),
    "infogan_d": ("infogan_discriminator",
                  dict(image_size=8, channels=1, num_categories=10, num_continuous=2, base_filters=4,
                       q_units=8)),
    "infogan_d_cat_sn": ("infogan_discriminator",
                         dict(image_size=16, channels=1, num_categories=4, num_continuous=0,
                              base_filters=4, q_units=8, norm="layer", spectral_norm=True)),
    "infogan_d_logstd": ("infogan_discriminator",
                         dict(image_size=8, channels=3, num_categories=0, num_continuous=2,
                              base_filters=4, q_units=8, continuous_log_std=True)),
    "infogan_mlp_d": ("infogan_mlp_discriminator", dict(num_categories=8, num_continuous=2)),
    "infogan_mlp_d_sn": ("infogan_mlp_discriminator",
                         dict(num_categories=0, num_continuous=1, hidden_units=(8,),
                              spectral_norm=True, continuous_log_std=True)),
    "mlp_ae": ("mlp_autoencoder", dict(input_dim=2, hidden_units=(8,), code_dim=4)),
    "conv_ae": ("conv_autoencoder", dict(image_size=16, channels=1, base_filters=4, code_dim=8)),
    "conv_enc": ("conv_encoder", dict(image_size=16, channels=1, latent_dim=4, base_filters=4)),
    "conv_enc_vae_layer": ("conv_encoder", dict(image_size=8, channels=3, latent_dim=3, base_filters=4,
                                                norm="layer", variational=True)),
    "joint_d": ("joint_discriminator", dict(image_size=16, channels=1, latent_dim=4, base_filters=4,
                                            z_units=(8,), joint_units=(8,))),
    "joint_d_batch_dropout": ("joint_discriminator",
                              dict(image_size=8, channels=1, latent_dim=3, base_filters=4, norm="batch",
                                   z_units=(8, 8), joint_units=(8, 8), dropout=0.2)),
    "vaegan_d": ("vaegan_discriminator", dict(image_size=16, channels=1, base_filters=4)),
    "vaegan_d_sn": ("vaegan_discriminator",
                    dict(image_size=16, channels=3, base_filters=4, norm="none", spectral_norm=True)),
    "unet": ("unet_generator", dict(image_size=16, in_channels=1, out_channels=1, base_filters=4)),
    "unet_instance": ("unet_generator",
                      dict(image_size=32, in_channels=3, out_channels=2, base_filters=4, max_filters=8,
                           norm="instance", dropout=0.0)),
    "resnet": ("resnet_generator",
               dict(image_size=16, in_channels=1, out_channels=1, base_filters=4, num_blocks=2)),
    "resnet_domains": ("resnet_generator",
                       dict(image_size=16, in_channels=1, out_channels=1, base_filters=4, num_blocks=2,
                            num_domains=3, norm="batch")),
    "patchgan": ("patchgan_discriminator", dict(image_size=16, channels=1, base_filters=4, norm="instance")),
    "patchgan_cond": ("patchgan_discriminator",
                      dict(image_size=16, channels=1, condition_channels=1, base_filters=4)),
    "patchgan_sn": ("patchgan_discriminator",
                    dict(image_size=32, channels=3, base_filters=4, num_layers=2, norm="none",
                         spectral_norm=True)),
    "stargan_d": ("stargan_discriminator", dict(image_size=16, channels=1, num_domains=3, base_filters=4)),
    "stargan_d_sn": ("stargan_discriminator",
                     dict(image_size=32, channels=3, num_domains=2, base_filters=4, max_filters=8,
                          num_layers=9, spectral_norm=True)),
    "sagan_g": ("sagan_generator", dict(latent_dim=8, image_size=16, channels=1, base_filters=8)),
    "sagan_g_att4": ("sagan_generator",
                     dict(latent_dim=8, image_size=16, channels=3, base_filters=8, attention_size=4)),
    "sagan_d": ("sagan_discriminator", dict(image_size=16, channels=1, base_filters=8)),
}


def _fill(model):
    """Assign fixed values to every variable, in ``model.weights`` order."""
    for i, v in enumerate(model.weights):
        shape = tuple(v.shape)
        values = 0.2 * np.sin(np.arange(int(np.prod(shape))) * 0.37 + i).reshape(shape)
        if v.path.endswith("variance"):
            values = 0.5 + np.abs(values)
        v.assign(values.astype(v.dtype))


def _inputs(model, n=3):
    """A fixed input for each model input: int labels, else floats in [-1, 1]."""
    rng = np.random.default_rng(0)
    out = {}
    for t in model.inputs:
        shape = (n, *t.shape[1:])
        if "int" in str(t.dtype):
            out[t.name] = (np.arange(n) % 2).astype("int32")
        else:
            out[t.name] = rng.uniform(-1, 1, size=shape).astype("float32")
    return out if len(out) > 1 else next(iter(out.values()))


def fingerprint(name: str, kwargs: dict) -> dict:
    """Build ``nets.build(name, **kwargs)`` and summarise its structure and outputs.

    Returns:
        ``{"structure": sha256 of layer names/classes and variable paths/shapes,
        "outputs": {output name: [sum, weighted sum]}}``.
    """
    model = nets.build(name, **kwargs)
    _fill(model)
    layers = [(layer.name, type(layer).__name__) for layer in model.layers]
    variables = [(v.path, list(v.shape)) for v in model.weights]
    structure = hashlib.sha256(json.dumps([model.name, layers, variables]).encode()).hexdigest()
    y = model(_inputs(model), training=False)
    y = y if isinstance(y, dict) else {"output": y}
    outputs = {}
    for key in sorted(y):
        a = keras.ops.convert_to_numpy(y[key]).astype("float64").ravel()
        outputs[key] = [float(a.sum()), float((a * np.cos(np.arange(a.size))).sum())]
    return {"structure": structure[:16], "outputs": outputs}


REFERENCE = {  # recorded from the builders before the nets/ split (python tests/test_nets_stable.py)
    "acgan_d": {"structure": "ae3c1ec7e615e37a", "outputs": {
        "class_logits": [-2.353814, 0.0975026],
        "logits": [-0.08778962, -0.5986993],
    }},
    "acgan_d_sn": {"structure": "59096f333f057006", "outputs": {
        "class_logits": [2.047006, 0.07281092],
        "logits": [-0.4700348, -0.5283457],
    }},
    "cdcgan_d_concat": {"structure": "57d5785d4d7368ca", "outputs": {
        "output": [1.995884, 0.8271514],
    }},
    "cdcgan_d_concat_emb": {"structure": "4d4de7179e28bfb4", "outputs": {
        "output": [0.2447469, -0.105933],
    }},
    "cdcgan_d_proj": {"structure": "05e4b41b0e4fe1e5", "outputs": {
        "output": [-0.8498843, -0.5889902],
    }},
    "cdcgan_d_proj_sn": {"structure": "463deeda4d93070a", "outputs": {
        "output": [-0.1428725, 0.8042328],
    }},
    "cdcgan_g": {"structure": "cf91bf19d937587e", "outputs": {
        "output": [-4.147193, -0.2792877],
    }},
    "cdcgan_g_emb": {"structure": "7e0d00177c889b25", "outputs": {
        "output": [-97.98733, -0.962194],
    }},
    "cmlp_d_concat": {"structure": "f2846f0fe498c776", "outputs": {
        "output": [0.09875264, -0.0034565],
    }},
    "cmlp_d_concat_emb_sn": {"structure": "87075f8a1d205ec2", "outputs": {
        "output": [-0.1625319, -0.1021659],
    }},
    "cmlp_d_proj": {"structure": "e79b67b368a96496", "outputs": {
        "output": [-0.2261994, -0.0871361],
    }},
    "cmlp_d_proj_sn": {"structure": "2312571aae6c5189", "outputs": {
        "output": [0.09074818, -0.005430817],
    }},
    "cmlp_g": {"structure": "b191ac2a8c72fb52", "outputs": {
        "output": [-0.4338724, -0.1691948],
    }},
    "cmlp_g_emb": {"structure": "ddd4e0f77b404e48", "outputs": {
        "output": [-1.485462, -0.05746208],
    }},
    "dcgan_d_batch": {"structure": "e0d5c93b43a951eb", "outputs": {
        "output": [0.4833975, 0.1906687],
    }},
    "dcgan_d_layer": {"structure": "2e9143347e306e96", "outputs": {
        "output": [2.472734, 0.8506912],
    }},
    "dcgan_d_sn": {"structure": "c595de89763ca40f", "outputs": {
        "output": [0.8567533, 0.329743],
    }},
    "dcgan_g32": {"structure": "4a9cadc64d77fb6c", "outputs": {
        "output": [-1087.037, -0.6903105],
    }},
    "dcgan_g8": {"structure": "54028a2d55eaedca", "outputs": {
        "output": [-4.852203, -0.2375096],
    }},
    "infogan_d": {"structure": "1ef87b8f6e15d18c", "outputs": {
        "logits": [-0.08778962, -0.5986993],
        "q_categorical": [2.23598, 0.05150708],
        "q_continuous": [0.3660161, 0.003512438],
    }},
    "infogan_d_cat_sn": {"structure": "8ace5737aa5e0a7d", "outputs": {
        "logits": [-3.677004, -1.396788],
        "q_categorical": [0.6471196, 0.04807481],
    }},
    "infogan_d_logstd": {"structure": "7965914369b5878f", "outputs": {
        "logits": [-1.325394, -0.3832742],
        "q_continuous": [0.8895959, -0.02671771],
        "q_continuous_log_std": [0.2623215, -0.009131421],
    }},
    "infogan_mlp_d": {"structure": "41134139ffb18f96", "outputs": {
        "logits": [2.944872, 1.102179],
        "q_categorical": [-2.486688, -0.151369],
        "q_continuous": [-1.432983, 0.07326858],
    }},
    "infogan_mlp_d_sn": {"structure": "0f6ff4e74699c1c8", "outputs": {
        "logits": [-0.6064895, -0.2734549],
        "q_continuous": [0.5849408, 0.2637738],
        "q_continuous_log_std": [-0.5516846, -0.2488133],
    }},
    "mlp_d": {"structure": "9949c9c049310944", "outputs": {
        "output": [-0.5362398, -0.1996934],
    }},
    "mlp_d_sn_scale": {"structure": "277b01a3ba8c02b2", "outputs": {
        "output": [1.903607, 0.5073177],
    }},
    "mlp_g": {"structure": "2109f2ba6a4174a6", "outputs": {
        "output": [-1.075624, 0.04371282],
    }},
    "mlp_g_default": {"structure": "3e5883a0332bb028", "outputs": {
        "output": [-1.313289, 0.04701674],
    }},
    "patchgan": {"structure": "053bf38dc7cb1135", "outputs": {
        "output": [-1.582132, -0.5687198],
    }},
    "patchgan_cond": {"structure": "59f73ae0f445c59e", "outputs": {
        "output": [-1.628647, -0.03991226],
    }},
    "patchgan_sn": {"structure": "b7a9431911b7b431", "outputs": {
        "output": [-49.53055, -3.191273],
    }},
    "resnet": {"structure": "2d76976d11e8e5ce", "outputs": {
        "output": [15.24506, 0.09215902],
    }},
    "resnet_domains": {"structure": "c9ce8cc0f1b744a9", "outputs": {
        "output": [137.0321, 0.2407281],
    }},
    "stargan_d": {"structure": "3572d6a59d4bfab5", "outputs": {
        "domain_logits": [-0.00698115, -0.0007299871],
        "logits": [4.947329, -0.249423],
    }},
    "stargan_d_sn": {"structure": "b19cf6dc516eb311", "outputs": {
        "domain_logits": [-0.368903, 0.009386585],
        "logits": [-0.4162189, -0.1600089],
    }},
    "mlp_ae": {"structure": "ba5f0fe1eebb0074", "outputs": {
        "embedding": [-0.9773362, 0.09122343],
        "reconstruction": [0.4516795, -0.01895473],
    }},
    "conv_ae": {"structure": "cdd285b1bd6b4bf0", "outputs": {
        "embedding": [0.2016235, 0.1609688],
        "reconstruction": [64.56634, 0.1364508],
    }},
    "conv_enc": {"structure": "800fc071600d100b", "outputs": {
        "output": [1.835069, -0.03054830],
    }},
    "conv_enc_vae_layer": {"structure": "5f6660363076a589", "outputs": {
        "log_var": [0.4571451, 0.2324771],
        "mean": [-2.070641, -0.8115560],
    }},
    "joint_d": {"structure": "9ee536d6c3e96595", "outputs": {
        "output": [0.4537518, 0.1957793],
    }},
    "joint_d_batch_dropout": {"structure": "34dfe12340737ad4", "outputs": {
        "output": [-0.5738551, -0.2151459],
    }},
    "vaegan_d": {"structure": "4498463a26403037", "outputs": {
        "features": [25.99163, -0.3905742],
        "logits": [2.133620, 0.8562071],
    }},
    "vaegan_d_sn": {"structure": "2f0bd1cb6279ee5a", "outputs": {
        "features": [26.87825, 0.1389110],
        "logits": [0.5045962, 0.6390263],
    }},
    "unet": {"structure": "461e1524edb391bc", "outputs": {
        "output": [-141.5193, -0.2414052],
    }},
    "unet_instance": {"structure": "b5b08576585dcd89", "outputs": {
        "output": [941.0892, -4.622681],
    }},
    "sagan_g": {"structure": "5d23e8337b54d42a", "outputs": {
        "output": [-124.8488, -0.2184831],
    }},
    "sagan_g_att4": {"structure": "fbee74cf8c22842c", "outputs": {
        "output": [-422.5107, -0.01319579],
    }},
    "sagan_d": {"structure": "153fc696e8dce696", "outputs": {
        "output": [-1.979635, -2.433211],
    }},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_architecture_and_outputs_unchanged(case):
    expected = REFERENCE[case]
    got = fingerprint(*CASES[case])
    assert got["structure"] == expected["structure"], f"{case}: layers or variables changed"
    assert sorted(got["outputs"]) == sorted(expected["outputs"])
    for key, values in expected["outputs"].items():
        np.testing.assert_allclose(got["outputs"][key], values, rtol=1e-4, atol=1e-5,
                                   err_msg=f"{case}/{key}")


def test_every_builtin_builder_has_a_case():
    builtin = {n for n, fn in nets.NET_BUILDERS.items() if fn.__module__.startswith("kerasgan.nets")}
    assert builtin <= {name for name, _ in CASES.values()}


if __name__ == "__main__":
    print(json.dumps({case: fingerprint(*CASES[case]) for case in sorted(CASES)}, indent=1))
