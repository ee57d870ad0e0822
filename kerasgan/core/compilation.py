"""Whether a model's train step is compiled with XLA when the caller does not say.

``compile(jit_compile=None)`` (the default) asks :func:`choose_jit_compile`,
a fixed rule backed by measurements of every family on both paths
(``docs/performance.md``, ``tools/bench.py``):

- eager steps (``run_eagerly=True``) and multi-replica ``tf.distribute``
  strategies: no XLA (TensorFlow cannot compile them);
- with a GPU or TPU: XLA, as Keras' own ``jit_compile="auto"`` does there;
- on CPU only: XLA when the networks have no convolution (the 2-D MLPs)
  or only small ones (feature maps up to 16 x 16, the digits nets), where
  per-op overhead dominates and XLA's fusion removes it; not for larger
  convolutions (32 px and up), where oneDNN's kernels beat XLA's CPU ones.

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


#: Largest convolution output (height x width) for which XLA is chosen on CPU.
XLA_MAX_FEATURE_MAP = 16 * 16


def _convolutions(networks):
    for network in networks:
        for layer in network._flatten_layers(include_self=False):
            inner = getattr(layer, "layer", None)  # wrappers such as SpectralNormalization
            names = {type(layer).__name__, type(inner).__name__ if inner is not None else ""}
            if names & set(CONVOLUTION_LAYERS):
                yield layer


def has_convolutions(networks):
    """True when any layer of ``networks`` (nested models and wrappers included) is a convolution."""
    return next(_convolutions(networks), None) is not None


def largest_feature_map(networks):
    """The largest spatial size (height x width, or length) of a convolution's output.

    Returns:
        An int, 0 without convolutions, ``None`` when a convolution's output
        shape is not known (a subclassed network never called).
    """
    largest = 0
    for layer in _convolutions(networks):
        try:
            shape = tuple(layer.output.shape)
        except (AttributeError, ValueError):
            return None
        spatial = shape[1:-1]
        if any(d is None for d in spatial):
            return None
        area = 1
        for d in spatial:
            area *= int(d)
        largest = max(largest, area)
    return largest


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
    area = largest_feature_map(networks)
    if area is None:
        return False, "convolutions of unknown size on CPU"
    if area == 0:
        return True, "dense nets on CPU: XLA fuses the small ops"
    if area <= XLA_MAX_FEATURE_MAP:
        return True, f"small convolutions on CPU (feature maps up to {area} pixels): XLA fuses them"
    return False, (f"large convolutions on CPU (feature maps up to {area} pixels): oneDNN's "
                   "kernels are faster than XLA's")


def report(model_name, jit_compile, reason):
    """Logs the choice (logger ``"kerasgan"``, level INFO)."""
    logger.info("%s: XLA %s (%s)", model_name, "on" if jit_compile else "off", reason)
