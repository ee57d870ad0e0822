"""Whether a model's train step is compiled with XLA when the caller does not say.

``compile(jit_compile=None)`` (the default) asks :func:`choose_jit_compile`,
a fixed rule backed by measurements of every family on both paths
(``docs/performance.md``, ``tools/bench.py``):

- eager steps (``run_eagerly=True``) and multi-replica ``tf.distribute``
  strategies: no XLA (TensorFlow cannot compile them);
- with a GPU or TPU: XLA, as Keras' own ``jit_compile="auto"`` does there;
- on CPU only: XLA for small nets (at most 16 M multiply-adds per sample
  over the networks' forward pass: the 2-D MLPs, the 16 px digits nets and
  pix2pix's), whose steps are dominated by per-op overhead that XLA's fusion
  removes; not for larger ones (the 32 px DCGAN, StarGAN and CycleGAN),
  where oneDNN's convolution kernels beat XLA's CPU code.

The rule is deterministic (no timing at run time), so a recipe trains to the
same weights on the same machine every time; ``jit_compile=True/False``
still forces either path. The choice and its reason are kept on the model
(``model.jit_compile``, ``model.jit_compile_reason``) and logged.
"""

from __future__ import annotations

import logging

from kerasgan.core import backend

logger = logging.getLogger("kerasgan")

#: Layer class names that count as convolutions for the CPU rule.
CONVOLUTION_LAYERS = (
    "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
    "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D",
)


#: Largest work per sample (multiply-adds of all networks' forward pass) for which XLA is
#: chosen on CPU: between the 16 px image-to-image nets (pix2pix, 7.5 M, XLA 1.4x faster)
#: and the 32 px DCGAN (34 M, XLA 0.8x) and 16 px StarGAN (39 M, XLA 0.7x).
XLA_MAX_MULTIPLY_ADDS = 16_000_000


def _weighted_layers(networks):
    for network in networks:
        for layer in network._flatten_layers(include_self=False):
            inner = getattr(layer, "layer", None)  # wrappers such as SpectralNormalization
            if inner is not None and hasattr(inner, "kernel"):
                yield layer, inner
            elif hasattr(layer, "kernel") and not hasattr(layer, "layers"):
                yield layer, layer


def _product(values):
    total = 1
    for value in values:
        total *= int(value)
    return total


def has_convolutions(networks):
    """True when any layer of ``networks`` (nested models and wrappers included) is a convolution."""
    return any(type(inner).__name__ in CONVOLUTION_LAYERS for _, inner in _weighted_layers(networks))


def multiply_adds_per_sample(networks):
    """Multiply-adds of one sample's forward pass through ``networks`` (dense and convolution layers).

    A convolution costs its kernel's size times its output positions (input
    positions for a transposed one); a dense layer its kernel's size per
    input row.

    Returns:
        An int, or ``None`` when a layer's input or output shape is unknown
        (a subclassed network that was never called).
    """
    total = 0
    for layer, inner in _weighted_layers(networks):
        try:
            kernel = _product(inner.kernel.shape)
            positions_of = layer.input if "Transpose" in type(inner).__name__ else layer.output
            if type(inner).__name__ in CONVOLUTION_LAYERS:
                positions = _product(positions_of.shape[1:-1])
            else:
                positions = _product(layer.input.shape[1:-1])
        except (AttributeError, ValueError, TypeError):
            return None
        total += kernel * positions
    return total


def choose_jit_compile(networks, run_eagerly=False):
    """The default ``jit_compile`` for a train step over ``networks``, with its reason.

    Args:
        networks: the Keras models the step runs.
        run_eagerly: whether the step runs eagerly.

    Returns:
        ``(jit_compile, reason)``: a bool and a short sentence.
    """
    if run_eagerly:
        return False, "eager steps are not compiled"
    if backend.num_replicas() > 1:
        return False, "TensorFlow cannot XLA-compile a multi-replica step"
    found = backend.accelerators()
    if found:
        return True, f"XLA on {found[0]}"
    work = multiply_adds_per_sample(networks)
    if work is None:
        return False, "networks of unknown size on CPU"
    millions = f"{work / 1e6:.1f} M multiply-adds per sample"
    if work <= XLA_MAX_MULTIPLY_ADDS:
        return True, f"small nets on CPU ({millions}): XLA fuses their many small ops"
    return False, f"large nets on CPU ({millions}): oneDNN's kernels beat XLA's"


def report(model_name, jit_compile, reason):
    """Logs the choice (logger ``"kerasgan"``, level INFO)."""
    logger.info("%s: XLA %s (%s)", model_name, "on" if jit_compile else "off", reason)
