"""Image encoders and the joint ``(image, z)`` discriminator of the families that learn ``x -> z``.

* :func:`conv_encoder` -- the DCGAN discriminator's conv trunk ending in
  latents: a deterministic ``z`` (BiGAN, Donahue et al., 2017) or a Gaussian
  posterior's ``mean`` and ``log_var`` (VAE-GAN, Larsen et al., 2016).
* :func:`joint_discriminator` -- BiGAN / ALI's ``D(x, z)``: a conv branch for
  the image, a dense branch for the latent, joined by a dense layer (Donahue
  et al., 2017, arXiv:1605.09782; Dumoulin et al., 2017, arXiv:1606.00704).

Every output is float32, so the networks are safe under mixed precision.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras

from kerasgan.nets.blocks import dcgan_init, down_block
from kerasgan.nets.checks import (
    DCGAN_NORMS,
    check_channels,
    check_dropout,
    check_hidden_units,
    check_image_size,
    check_norm,
    check_positive_int,
)
from kerasgan.nets.heads import dense_head
from kerasgan.nets.registry import register_net

__all__ = ["conv_encoder", "joint_discriminator"]


def _conv_trunk(image, base_filters, norm, stages):
    """Stride-2 down blocks (no norm on the first) to 4x4, then ``Flatten``."""
    h, filters = image, base_filters
    for i in range(1, stages + 1):
        h = down_block(h, filters, f"conv_{i}", norm=norm if i > 1 else "none")
        filters *= 2
    return keras.layers.Flatten(name="flatten")(h)


@register_net
def conv_encoder(
    image_size: int = 32,
    channels: int = 1,
    latent_dim: int = 100,
    base_filters: int = 64,
    norm: str = "batch",
    variational: bool = False,
    name: str = "conv_encoder",
) -> keras.Model:
    """Build a convolutional encoder ``image -> z`` (or ``-> {mean, log_var}``).

    Layout: the DCGAN discriminator's trunk (stride-2 ``Conv2D(kernel 4)`` +
    [norm] + LeakyReLU(0.2) blocks doubling the filters from ``base_filters``
    down to 4x4, no norm on the first), ``Flatten``, then linear float32
    ``Dense(latent_dim)`` output layers.

    Args:
        image_size: Input side length; a power of two >= 8.
        channels: Image channels.
        latent_dim: Size of the latent vector.
        base_filters: Filters of the first conv block.
        norm: ``"batch"``, ``"layer"`` or ``"none"`` in the blocks after the first.
        variational: Output a diagonal Gaussian's ``"mean"`` and ``"log_var"``
            (VAE-GAN) instead of one deterministic ``"z"`` (BiGAN).
        name: Model name.

    Returns:
        A functional ``keras.Model`` with input ``"image"`` returning
        ``(N, latent_dim)`` float32 latents, or with ``variational=True`` a
        dict ``{"mean", "log_var"}`` of them.

    Raises:
        ValueError: on an invalid ``image_size``, ``channels``, ``norm`` or size.

    Example:
        >>> e = conv_encoder(image_size=16, latent_dim=8, base_filters=4, variational=True)
        >>> {k: tuple(v.shape) for k, v in e(np.zeros((2, 16, 16, 1), "float32")).items()}
        {'log_var': (2, 8), 'mean': (2, 8)}
    """
    stages = check_image_size(image_size)
    check_channels(channels)
    check_positive_int(latent_dim, "latent_dim")
    check_positive_int(base_filters, "base_filters")
    norm = check_norm(norm, DCGAN_NORMS)
    image = keras.Input((image_size, image_size, channels), name="image")
    h = _conv_trunk(image, base_filters, norm, stages)
    if not variational:
        return keras.Model(image, dense_head(h, latent_dim, False, "z"), name=name)
    outputs = {
        "mean": dense_head(h, latent_dim, False, "mean"),
        # Starts near log_var = 0 (unit variance, the prior's) whatever the features' scale.
        "log_var": dense_head(h, latent_dim, False, "log_var",
                              kernel_initializer=keras.initializers.Zeros()),
    }
    return keras.Model(image, outputs, name=name)


@register_net
def joint_discriminator(
    image_size: int = 32,
    channels: int = 1,
    latent_dim: int = 100,
    base_filters: int = 32,
    norm: str = "none",
    z_units: Sequence[int] = (256,),
    joint_units: Sequence[int] = (256,),
    dropout: float = 0.0,
    name: str = "joint_discriminator",
) -> keras.Model:
    """Build BiGAN / ALI's joint discriminator ``(image, z) -> logit``.

    The image goes through the DCGAN trunk (stride-2 ``Conv2D(kernel 4)`` +
    [norm] + LeakyReLU(0.2) down to 4x4, ``Flatten``), the latent through
    ``Dense(z_units)`` + LeakyReLU(0.2) layers; the two are concatenated and
    scored by ``Dense(joint_units)`` + LeakyReLU(0.2) [+ dropout] layers and a
    float32 ``Dense(1)`` logit. The joint layers let the score depend on how
    ``x`` and ``z`` go together, not only on each alone.

    Args:
        image_size: Input side length; a power of two >= 8.
        channels: Image channels.
        latent_dim: Size of ``z``.
        base_filters: Filters of the first conv block.
        norm: ``"batch"``, ``"layer"`` or ``"none"`` in the conv blocks after the first.
        z_units: Widths of the latent branch's hidden layers.
        joint_units: Widths of the joint hidden layers.
        dropout: Dropout rate after each joint hidden layer (ALI used 0.2). Keras draws
            the masks from a random state that ``model.save`` does not keep, so training
            resumed from a saved model does not repeat the uninterrupted run exactly.
        name: Model name.

    Returns:
        A functional ``keras.Model`` with inputs ``"image"``
        ``(N, image_size, image_size, channels)`` and ``"z"``
        ``(N, latent_dim)``, returning ``(N, 1)`` float32 logits.

    Raises:
        ValueError: on an invalid size, ``norm``, widths or ``dropout``.

    Example:
        >>> d = joint_discriminator(image_size=16, latent_dim=8, base_filters=4)
        >>> d({"image": np.zeros((2, 16, 16, 1), "float32"), "z": np.zeros((2, 8), "float32")}).shape
        TensorShape([2, 1])
    """
    stages = check_image_size(image_size)
    check_channels(channels)
    check_positive_int(latent_dim, "latent_dim")
    check_positive_int(base_filters, "base_filters")
    norm = check_norm(norm, DCGAN_NORMS)
    z_widths, joint_widths = check_hidden_units(z_units), check_hidden_units(joint_units)
    dropout = check_dropout(dropout)
    leaky = keras.layers.LeakyReLU(negative_slope=0.2)
    image = keras.Input((image_size, image_size, channels), name="image")
    z = keras.Input((latent_dim,), name="z")
    h_x = _conv_trunk(image, base_filters, norm, stages)
    h_z = z
    for i, width in enumerate(z_widths, start=1):
        h_z = keras.layers.Dense(width, activation=leaky, name=f"z_dense_{i}")(h_z)
    h = keras.layers.Concatenate(name="joint")([h_x, h_z])
    for i, width in enumerate(joint_widths, start=1):
        h = keras.layers.Dense(width, activation=leaky, kernel_initializer=dcgan_init(),
                               name=f"joint_dense_{i}")(h)
        if dropout:
            h = keras.layers.Dropout(dropout, name=f"joint_dropout_{i}")(h)
    logits = dense_head(h, 1, False, "logits")
    return keras.Model([image, z], logits, name=name)
