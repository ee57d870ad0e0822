"""DCGAN generators (Radford et al., 2015, arXiv:1511.06434), plain and class-conditional.

A latent vector is projected to a 4x4 feature map, upsampled with stride-2
transposed convolutions (BatchNorm + ReLU between them) and ends in a float32
tanh ``"image"`` layer. The conditional generator (cGAN, Mirza & Osindero,
2014) concatenates a label code with ``z`` and shares every other layer.
"""

from __future__ import annotations

import keras

from kerasgan.nets.blocks import conv, dcgan_init, norm_layer
from kerasgan.nets.checks import (
    check_channels,
    check_embedding_dim,
    check_image_size,
    check_positive_int,
)
from kerasgan.nets.labels import append_label, int_input
from kerasgan.nets.registry import register_net

__all__ = ["dcgan_generator", "conditional_dcgan_generator"]


def _generator(latent_dim, n_up, channels, base_filters, name, num_classes=0, embedding_dim=None):
    """``z [, label] -> image``: project to 4x4, ``n_up`` stride-2 upsamplings, tanh."""
    z = keras.Input((latent_dim,), name="z")
    inputs, h = z, z
    if num_classes:
        label = int_input("label")
        inputs = [z, label]
        h = append_label(z, label, num_classes, embedding_dim, "label", "z_label")

    filters = base_filters * 2 ** (n_up - 1)
    h = keras.layers.Dense(
        4 * 4 * filters, use_bias=False, kernel_initializer=dcgan_init(), name="project"
    )(h)
    h = norm_layer("batch", "project_bn")(h)
    h = keras.layers.ReLU(name="project_relu")(h)
    h = keras.layers.Reshape((4, 4, filters), name="reshape")(h)
    for i in range(1, n_up):
        filters //= 2
        h = conv(h, filters, 4, 2, f"deconv_{i}", transpose=True, use_bias=False)
        h = norm_layer("batch", f"deconv_{i}_bn")(h)
        h = keras.layers.ReLU(name=f"deconv_{i}_relu")(h)
    image = conv(h, channels, 4, 2, "image", transpose=True, activation="tanh", dtype="float32")
    return keras.Model(inputs, image, name=name)


@register_net
def dcgan_generator(
    latent_dim: int = 100,
    image_size: int = 32,
    channels: int = 1,
    base_filters: int = 64,
    name: str = "dcgan_generator",
) -> keras.Model:
    """Build a DCGAN generator ``z -> image`` with outputs in ``[-1, 1]``.

    Layout: ``Dense(4*4*C)`` + BN + ReLU, reshape to 4x4xC, then
    ``Conv2DTranspose(kernel 4, stride 2, "same")`` + BN + ReLU blocks that
    double the spatial size and halve the filters, ending in a
    ``Conv2DTranspose(channels)`` with tanh (computed in float32). ``C`` is
    ``base_filters * 2**(log2(image_size/4) - 1)`` so the last hidden block has
    ``base_filters`` filters (e.g. 256 -> 128 -> 64 -> channels for 32x32).

    Args:
        latent_dim: Size of the latent vector ``z``.
        image_size: Output side length; a power of two >= 8.
        channels: Output channels (1 = grayscale, 3 = RGB, any int >= 1).
        base_filters: Filters of the last hidden block.
        name: Model name.

    Returns:
        A functional ``keras.Model`` mapping ``(N, latent_dim)`` (input ``"z"``)
        to float32 images ``(N, image_size, image_size, channels)`` (output
        layer ``"image"``).

    Raises:
        ValueError: on an invalid ``image_size``, ``channels`` or size argument.

    Example:
        >>> g = dcgan_generator(latent_dim=64, image_size=32, channels=3, base_filters=16)
        >>> g(keras.random.normal((2, 64))).shape
        TensorShape([2, 32, 32, 3])
    """
    check_positive_int(latent_dim, "latent_dim")
    n_up = check_image_size(image_size)
    check_channels(channels)
    check_positive_int(base_filters, "base_filters")
    return _generator(latent_dim, n_up, channels, base_filters, name)


@register_net
def conditional_dcgan_generator(
    latent_dim: int = 100,
    num_classes: int = 10,
    image_size: int = 32,
    channels: int = 1,
    base_filters: int = 64,
    embedding_dim: int | None = None,
    name: str = "conditional_dcgan_generator",
) -> keras.Model:
    """Build a class-conditional DCGAN generator ``(z, label) -> image``.

    The label code (one-hot by default, else a learned ``Embedding`` of size
    ``embedding_dim``) is concatenated with ``z`` and fed to the
    :func:`dcgan_generator` layers (same layers and names).

    Args:
        latent_dim: Size of the latent vector ``z``.
        num_classes: Number of classes.
        image_size: Output side length; a power of two >= 8.
        channels: Output channels (any int >= 1).
        base_filters: Filters of the last hidden block.
        embedding_dim: ``None`` for a one-hot label code, or the size of a
            learned label embedding.
        name: Model name.

    Returns:
        A functional ``keras.Model`` with inputs ``"z"`` ``(N, latent_dim)``
        and ``"label"`` int32 ``(N,)``, and float32 tanh images
        ``(N, image_size, image_size, channels)`` (layer ``"image"``).

    Raises:
        ValueError: on an invalid ``image_size``, ``channels``, size or
            ``num_classes``.

    Example:
        >>> g = conditional_dcgan_generator(latent_dim=16, num_classes=10, base_filters=8)
        >>> g({"z": np.zeros((2, 16), "float32"), "label": np.array([3, 7])}).shape
        TensorShape([2, 32, 32, 1])
    """
    check_positive_int(latent_dim, "latent_dim")
    check_positive_int(num_classes, "num_classes")
    n_up = check_image_size(image_size)
    check_channels(channels)
    check_positive_int(base_filters, "base_filters")
    embedding_dim = check_embedding_dim(embedding_dim)
    return _generator(latent_dim, n_up, channels, base_filters, name,
                      num_classes=num_classes, embedding_dim=embedding_dim)
