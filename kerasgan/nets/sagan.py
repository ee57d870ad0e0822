"""SAGAN's networks (Zhang et al., 2019): spectrally normalised DCGAN-style nets with self-attention.

The paper's nets are ResNets at 128 px with the attention block on the
32x32 (G) and 32x32 (D) feature maps. At kerasgan's small image sizes the
trunk is DCGAN's (stride-2 transposed convolutions up, stride-2 convolutions
down), every convolution and dense layer spectrally normalised in both
networks (the paper's choice), and one :class:`kerasgan.layers.SelfAttention`
block on the feature map of side ``attention_size`` (default: half the
image side, the largest map below the image).
"""

from __future__ import annotations

import keras

from kerasgan.layers.self_attention import SelfAttention
from kerasgan.nets.blocks import conv, down_block, maybe_sn, norm_layer
from kerasgan.nets.checks import check_channels, check_image_size, check_positive_int
from kerasgan.nets.registry import register_net

__all__ = ["sagan_generator", "sagan_discriminator"]


def _attention_size(image_size, attention_size):
    """Validates the side of the attended map: a power of two in [4, image_size / 2]."""
    size = image_size // 2 if attention_size is None else attention_size
    ok = isinstance(size, int) and not isinstance(size, bool) and 4 <= size <= image_size // 2
    if not ok or size & (size - 1):
        raise ValueError(
            f"attention_size must be a power of two from 4 to image_size / 2 = {image_size // 2} "
            f"(the side of the feature map the attention block sees); got {attention_size!r}"
        )
    return size


@register_net
def sagan_generator(
    latent_dim: int = 128,
    image_size: int = 32,
    channels: int = 1,
    base_filters: int = 64,
    attention_size: int | None = None,
    name: str = "sagan_generator",
) -> keras.Model:
    """Build a SAGAN generator ``z -> image`` with outputs in ``[-1, 1]``.

    Layout: a spectrally normalised ``Dense`` to 4x4 + BN + ReLU, then
    spectrally normalised ``Conv2DTranspose(kernel 4, stride 2)`` + BN + ReLU
    blocks (filters halving, as :func:`kerasgan.nets.dcgan_generator`), a
    :class:`~kerasgan.layers.SelfAttention` block (``"attention"``) after the
    block whose map has side ``attention_size``, and a spectrally normalised
    tanh ``"image"`` layer in float32.

    Args:
        latent_dim: Size of ``z`` (128 in the paper).
        image_size: Output side length; a power of two >= 8.
        channels: Output channels (any int >= 1).
        base_filters: Filters of the last hidden block.
        attention_size: Side of the attended feature map (a power of two
            from 4 to ``image_size / 2``); ``None``: ``image_size / 2``.
        name: Model name.

    Returns:
        A functional ``keras.Model`` mapping ``(N, latent_dim)`` (input
        ``"z"``) to float32 images ``(N, image_size, image_size, channels)``.

    Raises:
        ValueError: on an invalid size, channel count or ``attention_size``.

    Example:
        >>> g = sagan_generator(latent_dim=16, image_size=16, base_filters=8)
        >>> g(keras.random.normal((2, 16))).shape
        TensorShape([2, 16, 16, 1])
    """
    check_positive_int(latent_dim, "latent_dim")
    n_up = check_image_size(image_size)
    check_channels(channels)
    check_positive_int(base_filters, "base_filters")
    attend_at = _attention_size(image_size, attention_size)

    z = keras.Input((latent_dim,), name="z")
    filters = base_filters * 2 ** (n_up - 1)
    dense = keras.layers.Dense(4 * 4 * filters, use_bias=False, name="project_inner")
    h = maybe_sn(dense, True, name="project")(z)
    h = norm_layer("batch", "project_bn")(h)
    h = keras.layers.ReLU(name="project_relu")(h)
    h = keras.layers.Reshape((4, 4, filters), name="reshape")(h)
    side = 4
    if side == attend_at:
        h = SelfAttention(name="attention")(h)
    for i in range(1, n_up):
        filters //= 2
        h = conv(h, filters, 4, 2, f"deconv_{i}", transpose=True, use_bias=False, spectral_norm=True)
        h = norm_layer("batch", f"deconv_{i}_bn")(h)
        h = keras.layers.ReLU(name=f"deconv_{i}_relu")(h)
        side *= 2
        if side == attend_at:
            h = SelfAttention(name="attention")(h)
    image = conv(h, channels, 4, 2, "image", transpose=True, activation="tanh", dtype="float32",
                 spectral_norm=True)
    return keras.Model(z, image, name=name)


@register_net
def sagan_discriminator(
    image_size: int = 32,
    channels: int = 1,
    base_filters: int = 64,
    attention_size: int | None = None,
    name: str = "sagan_discriminator",
) -> keras.Model:
    """Build a SAGAN discriminator ``image -> logit``.

    Layout: spectrally normalised ``Conv2D(kernel 4, stride 2)`` +
    LeakyReLU(0.2) blocks (no normalisation layer; filters doubling from
    ``base_filters`` down to a 4x4 map), a
    :class:`~kerasgan.layers.SelfAttention` block (``"attention"``) on the
    map of side ``attention_size``, then ``Flatten`` and a spectrally
    normalised ``Dense(1)`` raw logit in float32.

    Args:
        image_size: Input side length; a power of two >= 8.
        channels: Input channels (any int >= 1).
        base_filters: Filters of the first conv block.
        attention_size: Side of the attended feature map (a power of two
            from 4 to ``image_size / 2``); ``None``: ``image_size / 2``.
        name: Model name.

    Returns:
        A functional ``keras.Model`` mapping images (input ``"image"``) to
        ``(N, 1)`` float32 logits.

    Raises:
        ValueError: on an invalid size, channel count or ``attention_size``.

    Example:
        >>> d = sagan_discriminator(image_size=16, base_filters=8)
        >>> d.output_shape
        (None, 1)
    """
    n_down = check_image_size(image_size)
    check_channels(channels)
    check_positive_int(base_filters, "base_filters")
    attend_at = _attention_size(image_size, attention_size)

    image = keras.Input((image_size, image_size, channels), name="image")
    h, filters, side = image, base_filters, image_size
    for i in range(1, n_down + 1):
        h = down_block(h, filters, f"conv_{i}", spectral_norm=True)
        filters *= 2
        side //= 2
        if side == attend_at:
            h = SelfAttention(name="attention")(h)
    h = keras.layers.Flatten(name="flatten")(h)
    dense = keras.layers.Dense(1, dtype="float32", name="logits_inner")
    logits = maybe_sn(dense, True, dtype="float32", name="logits")(h)
    return keras.Model(image, logits, name=name)
