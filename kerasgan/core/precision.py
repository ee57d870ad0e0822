"""Mixed precision: the policies kerasgan supports and float32 copies of networks."""

from __future__ import annotations

#: The global dtype policies a run can use (``TrainConfig.mixed_precision``, ``--mixed-precision``).
MIXED_PRECISION_POLICIES = ("float32", "mixed_float16", "mixed_bfloat16")


def compute_dtype(network):
    """The lowest compute dtype of ``network``'s layers (``"float32"`` when all are)."""
    dtypes = {getattr(layer, "compute_dtype", "float32") for layer in network.layers}
    dtypes.discard("float32")
    return min(dtypes) if dtypes else "float32"


def float32_network(network):
    """The network itself if it computes in float32, else a float32 copy with its weights.

    Mixed-precision networks (``mixed_float16`` / ``mixed_bfloat16``) are
    rebuilt from their config with every dtype policy set to float32 and the
    same weights, so exports compute in float32 end to end (clean ONNX
    graphs, no float16 kernels needed on CPU servers).
    """
    if compute_dtype(network) == "float32":
        return network
    import keras

    config = _float32_config(keras.saving.serialize_keras_object(network))
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy("float32")
    try:
        copy = keras.saving.deserialize_keras_object(config)
    finally:
        keras.mixed_precision.set_global_policy(previous)
    copy.set_weights(network.get_weights())
    return copy


def _float32_config(config):
    if isinstance(config, dict):
        if config.get("class_name") in ("DTypePolicy", "FloatDTypePolicy") and isinstance(
            config.get("config"), dict
        ):
            return {**config, "config": {**config["config"], "name": "float32"}}
        return {key: _float32_config(value) for key, value in config.items()}
    if isinstance(config, list):
        return [_float32_config(value) for value in config]
    if config in MIXED_PRECISION_POLICIES[1:]:
        return "float32"
    return config
