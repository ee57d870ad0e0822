"""Autoencoder discriminators (EBGAN, BEGAN): ``x -> {reconstruction, embedding}``.

The discriminator of the energy-based families is an autoencoder; its
reconstruction error is the energy. Both builders return the reconstruction
(in the input's shape, linear, float32) and the code between encoder and
decoder (EBGAN's pull-away term reads it).
"""

from __future__ import annotations

from typing import Sequence

import keras

from kerasgan.nets.blocks import apply_norm, conv, dcgan_init, dense_stack, down_block
from kerasgan.nets.checks import (
    check_channels,
    check_hidden_units,
    check_image_size,
    check_norm,
    check_positive_int,
)
from kerasgan.nets.registry import register_net


@register_net
def mlp_autoencoder(
    input_dim: int = 2,
    hidden_units: Sequence[int] = (128, 128),
    code_dim: int = 16,
    activation: str = "leaky_relu",
    name: str = "mlp_autoencoder",
) -> keras.Model:
    """Build an MLP autoencoder ``x -> {"reconstruction", "embedding"}`` for 2-D points.

    Args:
        input_dim: Size of each sample.
        hidden_units: Widths of the encoder's hidden layers (the decoder mirrors them).
        code_dim: Size of the embedding.
        activation: Hidden activation (``"leaky_relu"`` uses slope 0.2).
        name: Model name.

    Returns:
        A functional ``keras.Model`` (input ``"x"``) returning a dict:
        ``reconstruction`` ``(N, input_dim)`` and ``embedding`` ``(N, code_dim)``, float32.

    Example:
        >>> ae = mlp_autoencoder(input_dim=2, code_dim=8)
        >>> ae(keras.random.normal((5, 2)))["embedding"].shape
        TensorShape([5, 8])
    """
    check_positive_int(input_dim, "input_dim")
    check_positive_int(code_dim, "code_dim")
    units = check_hidden_units(hidden_units)
    if activation == "leaky_relu":
        activation = keras.layers.LeakyReLU(negative_slope=0.2)
    x = keras.Input((input_dim,), name="x")
    h = dense_stack(x, units, activation)
    code = keras.layers.Dense(code_dim, dtype="float32", name="embedding")(h)
    h = code
    for i, width in enumerate(reversed(units), start=1):
        h = keras.layers.Dense(width, activation=activation, name=f"decoder_{i}")(h)
    reconstruction = keras.layers.Dense(input_dim, dtype="float32", name="reconstruction")(h)
    return keras.Model(x, {"reconstruction": reconstruction, "embedding": code}, name=name)


@register_net
def conv_autoencoder(
    image_size: int = 32,
    channels: int = 1,
    base_filters: int = 32,
    code_dim: int = 64,
    norm: str = "none",
    name: str = "conv_autoencoder",
) -> keras.Model:
    """Build a convolutional autoencoder ``image -> {"reconstruction", "embedding"}``.

    Encoder: stride-2 ``Conv2D(kernel 4)`` + LeakyReLU blocks doubling the
    filters from ``base_filters`` down to a 4x4 map, then ``Dense(code_dim)``.
    Decoder: ``Dense`` back to 4x4, stride-2 ``Conv2DTranspose`` + ReLU blocks
    halving the filters, and a linear 3x3 conv to ``channels`` (float32).

    Args:
        image_size: Side length; a power of two >= 8.
        channels: Image channels.
        base_filters: Filters of the first encoder block.
        code_dim: Size of the embedding.
        norm: ``"none"`` (default), ``"batch"`` or ``"layer"`` in the hidden blocks.
        name: Model name.

    Returns:
        A functional ``keras.Model`` (input ``"image"``) returning a dict:
        ``reconstruction`` (the input's shape) and ``embedding`` ``(N, code_dim)``.

    Example:
        >>> ae = conv_autoencoder(image_size=16, channels=1, base_filters=8)
        >>> ae(keras.random.normal((2, 16, 16, 1)))["reconstruction"].shape
        TensorShape([2, 16, 16, 1])
    """
    stages = check_image_size(image_size)
    check_channels(channels)
    check_positive_int(base_filters, "base_filters")
    check_positive_int(code_dim, "code_dim")
    norm = check_norm(norm)
    image = keras.Input((image_size, image_size, channels), name="image")
    h, filters = image, base_filters
    for i in range(stages):
        h = down_block(h, filters, f"encoder_{i + 1}", norm="none" if i == 0 else norm)
        filters *= 2
    filters //= 2
    h = keras.layers.Flatten(name="flatten")(h)
    code = keras.layers.Dense(code_dim, kernel_initializer=dcgan_init(), dtype="float32",
                              name="embedding")(h)
    h = keras.layers.Dense(4 * 4 * filters, kernel_initializer=dcgan_init(), name="decoder_project")(code)
    h = keras.layers.Reshape((4, 4, filters), name="decoder_reshape")(h)
    for i in range(stages):
        filters = max(filters // 2, base_filters)
        h = conv(h, filters, 4, 2, f"decoder_{i + 1}", transpose=True, use_bias=norm == "none")
        h = apply_norm(h, norm, f"decoder_{i + 1}")
        h = keras.layers.ReLU(name=f"decoder_{i + 1}_relu")(h)
    reconstruction = conv(h, channels, 3, 1, "reconstruction", dtype="float32")
    return keras.Model(image, {"reconstruction": reconstruction, "embedding": code}, name=name)
