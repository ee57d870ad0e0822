"""Fully convolutional patch discriminators: pix2pix / CycleGAN PatchGAN and StarGAN's.

* :func:`patchgan_discriminator` -- the "70x70" PatchGAN of pix2pix (Isola et
  al., 2017, arXiv:1611.07004), also used by CycleGAN: a map of real/fake
  logits, one per overlapping image patch. With ``condition_channels > 0`` it
  scores ``(condition, image)`` pairs, as the pix2pix discriminator does.
* :func:`stargan_discriminator` -- StarGAN's (Choi et al., 2018,
  arXiv:1711.09020) patch critic with an auxiliary domain classifier, without
  normalisation so that it suits WGAN-GP.

Both are functional :class:`keras.Model` objects of built-in layers with
float32 outputs under mixed precision. Convolutions use ``"same"`` padding, so
a ``k``-stride-2-layer net maps ``image_size`` to ``image_size / 2**k``.
"""

from __future__ import annotations

import keras

from kerasgan.nets.blocks import conv, down_block
from kerasgan.nets.checks import (
    check_channels,
    check_norm,
    check_optional_count,
    check_positive_int,
    check_translation_size,
)
from kerasgan.nets.registry import register_net

__all__ = ["patchgan_discriminator", "stargan_discriminator"]


@register_net
def patchgan_discriminator(
    image_size: int = 256,
    channels: int = 3,
    condition_channels: int = 0,
    base_filters: int = 64,
    num_layers: int = 3,
    norm: str = "batch",
    spectral_norm: bool = False,
    name: str = "patchgan_discriminator",
) -> keras.Model:
    """Build a PatchGAN discriminator ``image [, condition] -> logit map``.

    Layout (``num_layers=3`` is the 70x70 PatchGAN, C64-C128-C256-C512):
    ``num_layers`` blocks ``Conv2D(kernel 4, stride 2)`` + [norm] +
    LeakyReLU(0.2) (``conv_1`` ... , no norm on the first) with filters
    ``base_filters * min(2**(i-1), 8)``, one stride-1 block (``conv_{n+1}``),
    then a float32 stride-1 ``Conv2D(1)`` (``"logits"``). ``num_layers`` is
    reduced to ``log2(image_size)`` for small images so the map stays >= 1x1.

    Args:
        image_size: Input side length; a power of two >= 16.
        channels: Channels of the scored image.
        condition_channels: ``0`` for an unconditional PatchGAN (CycleGAN);
            else the channels of the conditioning image (pix2pix: the input
            of the translation), concatenated to the image.
        base_filters: Filters of the first conv.
        num_layers: Stride-2 conv blocks (receptive field 70 for 3, 34 for 2,
            142 for 4).
        norm: ``"batch"`` (pix2pix), ``"instance"`` (CycleGAN;
            ``GroupNormalization(groups=-1)``), ``"layer"`` or ``"none"``.
        spectral_norm: Wrap every conv in ``keras.layers.SpectralNormalization``.
        name: Model name.

    Returns:
        A functional ``keras.Model`` with input ``"image"`` ``(N, image_size,
        image_size, channels)`` (and ``"condition"`` ``(N, image_size,
        image_size, condition_channels)`` when ``condition_channels > 0``)
        returning a float32 logit map ``(N, s, s, 1)`` with
        ``s = image_size / 2**num_layers``.

    Raises:
        ValueError: on an invalid ``image_size``, channel count, ``norm`` or
            ``num_layers``.

    Example:
        >>> d = patchgan_discriminator(image_size=256, channels=3, condition_channels=3)
        >>> d.output_shape
        (None, 32, 32, 1)
    """
    depth = check_translation_size(image_size)
    check_channels(channels)
    check_optional_count(condition_channels, "condition_channels", "unconditional")
    check_positive_int(base_filters, "base_filters")
    check_positive_int(num_layers, "num_layers")
    norm = check_norm(norm)
    spectral_norm = bool(spectral_norm)
    n = min(num_layers, depth)

    image = keras.Input((image_size, image_size, channels), name="image")
    inputs = image
    h = image
    if condition_channels:
        condition = keras.Input((image_size, image_size, condition_channels), name="condition")
        inputs = [image, condition]
        h = keras.layers.Concatenate(name="image_condition")([image, condition])

    for i in range(1, n + 2):
        stride = 2 if i <= n else 1
        filters = base_filters * min(2 ** (i - 1), 8)
        h = down_block(h, filters, f"conv_{i}", stride=stride, norm=norm if i > 1 else "none",
                       spectral_norm=spectral_norm)

    logits = conv(h, 1, 4, 1, "logits", spectral_norm=spectral_norm, dtype="float32")
    return keras.Model(inputs, logits, name=name)


@register_net
def stargan_discriminator(
    image_size: int = 128,
    channels: int = 3,
    num_domains: int = 5,
    base_filters: int = 64,
    max_filters: int = 2048,
    num_layers: int | None = None,
    spectral_norm: bool = False,
    name: str = "stargan_discriminator",
) -> keras.Model:
    """Build StarGAN's discriminator ``image -> {logits, domain_logits}``.

    Layout: ``num_layers`` blocks ``Conv2D(kernel 4, stride 2)`` +
    LeakyReLU(0.01) (``conv_1`` ...; filters ``min(base_filters * 2**(i-1),
    max_filters)``) without normalisation, then two float32 heads: a 3x3
    ``Conv2D(1)`` real/fake patch map (``"logits"``) and a ``Conv2D
    (num_domains)`` spanning the whole final map, reshaped to
    ``(N, num_domains)`` (``"domain_logits"``).

    Args:
        image_size: Input side length; a power of two >= 16.
        channels: Image channels.
        num_domains: Number of domains of the auxiliary classifier.
        base_filters: Filters of the first conv.
        max_filters: Cap on the filters of any conv.
        num_layers: Stride-2 blocks; ``None`` = ``log2(image_size) - 1`` (a
            2x2 final map, as StarGAN's 6 layers on 128x128). Larger values
            are reduced to ``log2(image_size)`` (a 1x1 map).
        spectral_norm: Wrap every conv in ``keras.layers.SpectralNormalization``.
        name: Model name.

    Returns:
        A functional ``keras.Model`` with input ``"image"`` returning a dict
        ``{"logits": (N, s, s, 1), "domain_logits": (N, num_domains)}`` of
        float32 raw logits, ``s = image_size / 2**num_layers``.

    Raises:
        ValueError: on an invalid ``image_size``, ``channels``,
            ``num_domains``, filter count or ``num_layers``.

    Example:
        >>> d = stargan_discriminator(image_size=128, channels=3, num_domains=5, base_filters=8)
        >>> {k: tuple(v.shape) for k, v in d(np.zeros((1, 128, 128, 3), "float32")).items()}
        {'logits': (1, 2, 2, 1), 'domain_logits': (1, 5)}
    """
    depth = check_translation_size(image_size)
    check_channels(channels)
    check_positive_int(num_domains, "num_domains")
    check_positive_int(base_filters, "base_filters")
    check_positive_int(max_filters, "max_filters")
    if num_layers is None:
        num_layers = depth - 1
    check_positive_int(num_layers, "num_layers")
    spectral_norm = bool(spectral_norm)
    n = min(num_layers, depth)

    image = keras.Input((image_size, image_size, channels), name="image")
    h = image
    for i in range(1, n + 1):
        filters = min(base_filters * 2 ** (i - 1), max_filters)
        h = down_block(h, filters, f"conv_{i}", spectral_norm=spectral_norm, negative_slope=0.01)

    size = image_size // 2**n
    logits = conv(h, 1, 3, 1, "logits", spectral_norm=spectral_norm, use_bias=False,
                  dtype="float32")
    d = conv(h, num_domains, size, 1, "domain_conv", spectral_norm=spectral_norm,
             padding="valid", use_bias=False, dtype="float32")
    domain_logits = keras.layers.Reshape((num_domains,), dtype="float32", name="domain_logits")(d)
    return keras.Model(image, {"logits": logits, "domain_logits": domain_logits}, name=name)
