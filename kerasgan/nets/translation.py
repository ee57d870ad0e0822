"""Image-to-image generators: pix2pix U-Net and the CycleGAN / StarGAN ResNet.

* :func:`unet_generator` -- the U-Net of pix2pix (Isola et al., 2017,
  arXiv:1611.07004): a stride-2 conv encoder down to 1x1 and a transposed-conv
  decoder with skip connections to the encoder feature map of the same size.
* :func:`resnet_generator` -- the residual translator of CycleGAN (Zhu et al.,
  2017, arXiv:1703.10593; after Johnson et al., 2016): c7s1 - two stride-2
  downsamples - residual blocks - two stride-2 upsamples - c7s1 tanh. With
  ``num_domains > 0`` it is the StarGAN generator (Choi et al., 2018,
  arXiv:1711.09020): the target domain's one-hot code is tiled over the image
  and concatenated as extra input channels.

Both are functional :class:`keras.Model` objects of built-in layers with input
``"image"`` and a float32 tanh output layer ``"output"`` in ``[-1, 1]``.
"""

from __future__ import annotations

import keras

from kerasgan.nets.blocks import apply_norm, conv, down_block
from kerasgan.nets.checks import (
    check_channels,
    check_dropout,
    check_norm,
    check_optional_count,
    check_positive_int,
    check_translation_size,
)
from kerasgan.nets.labels import append_label, int_input
from kerasgan.nets.registry import register_net

__all__ = ["unet_generator", "resnet_generator"]


@register_net
def unet_generator(
    image_size: int = 256,
    in_channels: int = 3,
    out_channels: int = 3,
    base_filters: int = 64,
    max_filters: int = 512,
    dropout: float = 0.5,
    norm: str = "batch",
    name: str = "unet_generator",
) -> keras.Model:
    """Build the pix2pix U-Net generator ``image -> image``.

    Encoder: ``log2(image_size)`` blocks ``Conv2D(kernel 4, stride 2)`` +
    [norm] + LeakyReLU(0.2) (layers ``enc_1`` ...), filters
    ``min(base_filters * 2**(i-1), max_filters)``, down to a 1x1 bottleneck;
    no norm on the first and on the 1x1 block (a batch/instance norm over one
    pixel would erase it). Decoder: ``Conv2DTranspose(kernel 4, stride 2)`` +
    [norm] + [Dropout on the first three blocks] + ReLU, each followed by a
    ``Concatenate`` (``skip_i``) with the encoder map of the same size; then a
    float32 ``Conv2DTranspose(out_channels)`` with tanh. For 256x256 this is
    the paper's C64-C128-C256-C512-C512-C512-C512-C512 encoder.

    Args:
        image_size: Side of the (square) input and output; a power of two >= 16.
        in_channels: Input image channels.
        out_channels: Output image channels.
        base_filters: Filters of the first encoder block.
        max_filters: Cap on the filters of any block.
        dropout: Dropout rate of the first three decoder blocks (``0`` = none).
            pix2pix also uses dropout at test time: call with ``training=True``.
        norm: ``"batch"`` (pix2pix), ``"instance"``, ``"layer"`` or ``"none"``.
        name: Model name.

    Returns:
        A functional ``keras.Model`` mapping ``(N, image_size, image_size,
        in_channels)`` (input ``"image"``) to float32 tanh images
        ``(N, image_size, image_size, out_channels)`` (layer ``"output"``).

    Raises:
        ValueError: on an invalid ``image_size``, channel count, ``norm``,
            ``dropout`` or filter count.

    Example:
        >>> g = unet_generator(image_size=64, in_channels=1, out_channels=3, base_filters=8)
        >>> g(np.zeros((2, 64, 64, 1), "float32")).shape
        TensorShape([2, 64, 64, 3])
    """
    depth = check_translation_size(image_size)
    check_channels(in_channels, "in_channels")
    check_channels(out_channels, "out_channels")
    check_positive_int(base_filters, "base_filters")
    check_positive_int(max_filters, "max_filters")
    dropout = check_dropout(dropout)
    norm = check_norm(norm)

    image = keras.Input((image_size, image_size, in_channels), name="image")
    h = image
    skips = []
    for i in range(1, depth + 1):
        filters = min(base_filters * 2 ** (i - 1), max_filters)
        block_norm = norm if 1 < i < depth else "none"
        h = down_block(h, filters, f"enc_{i}", norm=block_norm)
        skips.append(h)

    # Decoder block j restores the size of encoder block j and concatenates it.
    for n, j in enumerate(range(depth - 1, 0, -1)):
        filters = skips[j - 1].shape[-1]
        h = conv(h, filters, 4, 2, f"dec_{j}", transpose=True, use_bias=norm == "none")
        h = apply_norm(h, norm, f"dec_{j}")
        if dropout and n < 3:
            h = keras.layers.Dropout(dropout, name=f"dec_{j}_dropout")(h)
        h = keras.layers.ReLU(name=f"dec_{j}_relu")(h)
        h = keras.layers.Concatenate(name=f"skip_{j}")([h, skips[j - 1]])

    out = conv(h, out_channels, 4, 2, "output", transpose=True, activation="tanh", dtype="float32")
    return keras.Model(image, out, name=name)


@register_net
def resnet_generator(
    image_size: int = 256,
    in_channels: int = 3,
    out_channels: int = 3,
    base_filters: int = 64,
    num_blocks: int | None = None,
    norm: str = "instance",
    num_domains: int = 0,
    name: str = "resnet_generator",
) -> keras.Model:
    """Build the CycleGAN / StarGAN residual generator ``image [, domain] -> image``.

    Layout (CycleGAN notation, ``b = base_filters``): c7s1-b, d2b, d4b
    (``Conv2D`` 3x3 stride 2), ``num_blocks`` residual blocks R4b
    (conv3-norm-ReLU-conv3-norm + identity, layers ``res_i_*``), u2b, ub
    (``Conv2DTranspose`` 3x3 stride 2), c7s1-out_channels with tanh in float32.
    Every conv but the last is followed by ``norm`` and ReLU. Padding is
    ``"same"`` (zero) rather than the paper's reflection padding.

    With ``num_domains > 0`` (StarGAN) the model has a second int32 input
    ``"domain"`` of shape ``(N,)``; its one-hot code is tiled over the image
    and concatenated to it as ``num_domains`` extra channels.

    Args:
        image_size: Side of the (square) input and output; a power of two >= 16.
        in_channels: Input image channels.
        out_channels: Output image channels.
        base_filters: Filters of the first conv (``64`` in both papers).
        num_blocks: Residual blocks; ``None`` = 9 for ``image_size >= 256``,
            else 6 (CycleGAN's choice).
        norm: ``"instance"`` (``GroupNormalization(groups=-1)``), ``"batch"``,
            ``"layer"`` or ``"none"``.
        num_domains: ``0`` for an unconditional translator (CycleGAN), else
            the number of target domains (StarGAN).
        name: Model name.

    Returns:
        A functional ``keras.Model`` with input ``"image"`` ``(N, image_size,
        image_size, in_channels)`` (plus ``"domain"`` int32 ``(N,)`` when
        ``num_domains > 0``) and float32 tanh images ``(N, image_size,
        image_size, out_channels)`` (layer ``"output"``).

    Raises:
        ValueError: on an invalid ``image_size``, channel count, ``norm``,
            ``num_blocks`` or ``num_domains``.

    Example:
        >>> g = resnet_generator(image_size=32, base_filters=8, num_blocks=2, num_domains=5)
        >>> g({"image": np.zeros((2, 32, 32, 3), "float32"), "domain": np.array([0, 4])}).shape
        TensorShape([2, 32, 32, 3])
    """
    check_translation_size(image_size)
    check_channels(in_channels, "in_channels")
    check_channels(out_channels, "out_channels")
    check_positive_int(base_filters, "base_filters")
    if num_blocks is None:
        num_blocks = 9 if image_size >= 256 else 6
    check_positive_int(num_blocks, "num_blocks")
    norm = check_norm(norm)
    check_optional_count(num_domains, "num_domains", "no domain input")

    def conv_norm(h, filters, kernel, stride, layer_name, transpose=False):
        h = conv(h, filters, kernel, stride, layer_name, transpose=transpose,
                 use_bias=norm == "none")
        return apply_norm(h, norm, layer_name)

    image = keras.Input((image_size, image_size, in_channels), name="image")
    inputs = [image]
    h = image
    if num_domains:
        domain = int_input("domain")
        inputs.append(domain)
        h = append_label(image, domain, num_domains, None, "domain", "image_domain")

    h = conv_norm(h, base_filters, 7, 1, "c7s1")
    h = keras.layers.ReLU(name="c7s1_relu")(h)
    for i, mult in enumerate((2, 4), start=1):
        h = conv_norm(h, base_filters * mult, 3, 2, f"down_{i}")
        h = keras.layers.ReLU(name=f"down_{i}_relu")(h)

    filters = base_filters * 4
    for i in range(1, num_blocks + 1):
        r = conv_norm(h, filters, 3, 1, f"res_{i}_conv_1")
        r = keras.layers.ReLU(name=f"res_{i}_relu")(r)
        r = conv_norm(r, filters, 3, 1, f"res_{i}_conv_2")
        h = keras.layers.Add(name=f"res_{i}_add")([h, r])

    for i, mult in enumerate((2, 1), start=1):
        h = conv_norm(h, base_filters * mult, 3, 2, f"up_{i}", transpose=True)
        h = keras.layers.ReLU(name=f"up_{i}_relu")(h)

    out = conv(h, out_channels, 7, 1, "output", activation="tanh", dtype="float32")
    return keras.Model(inputs if num_domains else image, out, name=name)
