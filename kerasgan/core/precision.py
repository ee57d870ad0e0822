"""Mixed precision: the policies kerasgan supports, the one that suits the hardware, float32 copies."""

from __future__ import annotations

#: The global dtype policies a run can use (``TrainConfig.mixed_precision``, ``--mixed-precision``).
MIXED_PRECISION_POLICIES = ("float32", "mixed_float16", "mixed_bfloat16")
#: What ``mixed_precision`` may also say: pick the policy from the hardware (:func:`auto_policy`).
AUTO = "auto"
#: CPU feature flags (``/proc/cpuinfo``) of native bfloat16 arithmetic: AVX-512 BF16, AMX.
BFLOAT16_CPU_FLAGS = ("avx512_bf16", "amx_bf16")


def cpu_flags(path="/proc/cpuinfo"):
    """The CPU's feature flags (an empty set where ``/proc/cpuinfo`` is not readable)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def auto_policy(gpu_capabilities=None, accelerators=None, flags=None):
    """The dtype policy the hardware runs fastest without losing float32's range.

    - GPUs of compute capability 8.0 or newer (Ampere on), TPUs, and CPUs
      with native bfloat16 arithmetic (:data:`BFLOAT16_CPU_FLAGS`):
      ``"mixed_bfloat16"`` (float32's exponent range: no loss scaling);
    - older GPUs (tensor cores for float16 only): ``"mixed_float16"``, with
      the loss-scale optimizers ``compile`` adds;
    - other CPUs: ``"float32"`` (emulated half precision is slower).

    Logits, losses and penalty terms stay float32 under every policy.

    Args:
        gpu_capabilities, accelerators, flags: the hardware facts (default:
            this machine's, from TensorFlow and ``/proc/cpuinfo``); given
            for tests.

    Returns:
        One of :data:`MIXED_PRECISION_POLICIES`.
    """
    if gpu_capabilities is None or accelerators is None:
        from kerasgan.core import backend

        gpu_capabilities = backend.gpu_compute_capabilities() if gpu_capabilities is None else gpu_capabilities
        accelerators = backend.accelerators() if accelerators is None else accelerators
    if gpu_capabilities:
        return "mixed_bfloat16" if min(gpu_capabilities) >= (8, 0) else "mixed_float16"
    if "TPU" in accelerators:
        return "mixed_bfloat16"
    flags = cpu_flags() if flags is None else set(flags)
    return "mixed_bfloat16" if flags & set(BFLOAT16_CPU_FLAGS) else "float32"


def resolve_policy(name):
    """``name`` itself, or :func:`auto_policy`'s choice for ``"auto"``."""
    return auto_policy() if name == AUTO else name


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
