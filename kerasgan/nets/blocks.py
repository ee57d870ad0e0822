"""Shared building blocks of the network builders: init, normalisation, convs, dense stacks.

Naming convention kept by every block (the zoo's weights files depend on it):
a spectrally normalised layer is a ``SpectralNormalization`` wrapper carrying
the block's name around the wrapped layer named ``name + "_inner"``; a
normalisation layer after block ``name`` is ``f"{name}_{norm}norm"``.
"""

from __future__ import annotations

import keras

BN_MOMENTUM = 0.9  # DCGAN reference value; Keras' 0.99 adapts too slowly for GANs.


def dcgan_init():
    """DCGAN weight init: N(0, 0.02).

    Returns:
        A fresh ``keras.initializers.RandomNormal(mean=0.0, stddev=0.02)``.
    """
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02)


def maybe_sn(layer: keras.layers.Layer, spectral_norm: bool, **wrapper_kwargs):
    """Wrap ``layer`` in ``keras.layers.SpectralNormalization`` when ``spectral_norm``.

    Args:
        layer: The layer to wrap.
        spectral_norm: Whether to wrap it.
        **wrapper_kwargs: Passed to the wrapper (e.g. ``name``, ``dtype``).

    Returns:
        The wrapper, or ``layer`` itself.
    """
    if not spectral_norm:
        return layer
    return keras.layers.SpectralNormalization(layer, **wrapper_kwargs)


def norm_layer(norm: str, name: str):
    """The normalisation layer for an already validated ``norm``, or ``None`` for ``"none"``.

    Args:
        norm: ``"batch"``, ``"instance"`` (``GroupNormalization(groups=-1)``),
            ``"layer"`` (per sample over H, W, C) or ``"none"``.
        name: Layer name.

    Returns:
        A new Keras layer, or ``None``.
    """
    if norm == "batch":
        return keras.layers.BatchNormalization(momentum=BN_MOMENTUM, epsilon=1e-5, name=name)
    if norm == "instance":
        return keras.layers.GroupNormalization(groups=-1, epsilon=1e-5, name=name)
    if norm == "layer":
        # No cross-sample statistics, so per-sample gradient penalties (WGAN-GP) stay valid.
        return keras.layers.LayerNormalization(axis=[1, 2, 3], epsilon=1e-5, name=name)
    return None


def apply_norm(h, norm: str, name: str):
    """Apply ``norm`` to ``h`` as layer ``f"{name}_{norm}norm"`` (identity for ``"none"``)."""
    layer = norm_layer(norm, f"{name}_{norm}norm")
    return h if layer is None else layer(h)


def conv(h, filters: int, kernel: int, stride: int, name: str, *, spectral_norm: bool = False,
         transpose: bool = False, padding: str = "same", use_bias: bool = True,
         activation=None, dtype=None):
    """Apply a DCGAN-initialised ``Conv2D`` (or ``Conv2DTranspose``) named ``name``.

    Args:
        h: Input tensor (NHWC).
        filters, kernel, stride, padding, use_bias, activation: As for ``Conv2D``.
        name: Layer name (the wrapper's, with spectral norm).
        spectral_norm: Wrap the conv in ``SpectralNormalization``.
        transpose: Use ``Conv2DTranspose`` (upsampling by ``stride``).
        dtype: Layer dtype (e.g. ``"float32"`` for output layers); ``None`` =
            the global policy.

    Returns:
        The output tensor.
    """
    cls = keras.layers.Conv2DTranspose if transpose else keras.layers.Conv2D
    inner = "_inner" if spectral_norm else ""
    layer = cls(
        filters, kernel, strides=stride, padding=padding, use_bias=use_bias,
        activation=activation, kernel_initializer=dcgan_init(), dtype=dtype,
        name=f"{name}{inner}",
    )
    return maybe_sn(layer, spectral_norm, dtype=dtype, name=name)(h)


def down_block(h, filters: int, name: str, *, stride: int = 2, norm: str = "none",
               spectral_norm: bool = False, negative_slope: float = 0.2):
    """``Conv2D(kernel 4)`` + [norm] + LeakyReLU: the discriminators' / encoders' block.

    The conv has a bias only without a norm (a norm would cancel it).

    Args:
        h: Input tensor (NHWC).
        filters: Conv filters.
        name: Block name: layers ``name``, ``f"{name}_{norm}norm"``, ``f"{name}_lrelu"``.
        stride: Conv stride.
        norm: An already validated norm, or ``"none"``.
        spectral_norm: Spectrally normalise the conv.
        negative_slope: LeakyReLU slope.

    Returns:
        The output tensor.
    """
    h = conv(h, filters, 4, stride, name, spectral_norm=spectral_norm, use_bias=norm == "none")
    h = apply_norm(h, norm, name)
    return keras.layers.LeakyReLU(negative_slope=negative_slope, name=f"{name}_lrelu")(h)


def dense_stack(h, units, activation: str, spectral_norm: bool = False):
    """Hidden ``Dense`` layers ``dense_1``, ``dense_2``, ... (optionally spectral-normalised).

    Args:
        h: Input tensor ``(N, D)``.
        units: Width of each layer, in order.
        activation: Keras activation of every layer.
        spectral_norm: Wrap each ``Dense`` in ``SpectralNormalization``.

    Returns:
        The output of the last layer.
    """
    for i, width in enumerate(units, start=1):
        dense = keras.layers.Dense(
            width, activation=activation,
            name=f"dense_{i}_inner" if spectral_norm else f"dense_{i}",
        )
        h = maybe_sn(dense, spectral_norm, name=f"dense_{i}")(h)
    return h

