"""DCGAN discriminators: one conv trunk with optional label input and heads.

The trunk (Radford et al., 2015, arXiv:1511.06434) is stride-2
``Conv2D(kernel 4)`` + [norm] + LeakyReLU(0.2) blocks down to 4x4, then
``Flatten`` (``phi``). The builders differ only in what surrounds it:

* :func:`dcgan_discriminator` -- a ``Dense(1)`` logit;
* :func:`conditional_dcgan_discriminator` -- a label as extra image channels
  (``"concat"``) or a projection term (``"projection"``, Miyato & Koyama, 2018);
* :func:`acgan_discriminator` -- an auxiliary classifier head (ACGAN);
* :func:`infogan_discriminator` -- InfoGAN's recognition network ``Q``;
* :func:`vaegan_discriminator` -- the logit and the trunk's features (VAE-GAN's
  learned similarity ``Dis_l``).

Heads are in :mod:`kerasgan.nets.heads`; every output is float32.
"""

from __future__ import annotations

import keras

from kerasgan.nets.blocks import down_block
from kerasgan.nets.checks import (
    DCGAN_NORMS,
    check_channels,
    check_codes,
    check_embedding_dim,
    check_image_size,
    check_mode,
    check_norm,
    check_positive_int,
)
from kerasgan.nets.heads import discriminator_heads
from kerasgan.nets.labels import append_label, int_input
from kerasgan.nets.registry import register_net

__all__ = [
    "dcgan_discriminator",
    "conditional_dcgan_discriminator",
    "acgan_discriminator",
    "infogan_discriminator",
    "vaegan_discriminator",
]


def _discriminator(image_size, channels, base_filters, norm, spectral_norm, name, *,
                   condition=None, num_classes=0, embedding_dim=None, features=False, **heads):
    """Validate the trunk's arguments and build ``image [, label] -> logit [+ heads]``.

    ``condition`` adds a ``"label"`` input: ``"concat"`` tiles its code over
    the image, ``"projection"`` makes the logit the projection term; ``None``
    = no label input. ``num_classes`` and the other ``heads`` go to
    :func:`~kerasgan.nets.heads.discriminator_heads`. ``features`` adds the
    flattened trunk as a float32 ``"features"`` output.
    """
    n_down = check_image_size(image_size)
    check_channels(channels)
    check_positive_int(base_filters, "base_filters")
    norm = check_norm(norm, DCGAN_NORMS)
    spectral_norm = bool(spectral_norm)

    image = keras.Input((image_size, image_size, channels), name="image")
    inputs, h, projected = image, image, None
    if condition:
        label = int_input("label")
        inputs = [image, label]
        if condition == "concat":
            h = append_label(h, label, num_classes, embedding_dim, "label", "image_label")
        else:
            projected = label
    filters = base_filters
    for i in range(1, n_down + 1):
        block_norm = norm if i > 1 else "none"
        h = down_block(h, filters, f"conv_{i}", norm=block_norm, spectral_norm=spectral_norm)
        filters *= 2
    h = keras.layers.Flatten(name="flatten")(h)
    outputs = discriminator_heads(h, spectral_norm, label=projected, num_classes=num_classes,
                                  **heads)
    if features:
        outputs = outputs if isinstance(outputs, dict) else {"logits": outputs}
        outputs["features"] = keras.layers.Activation("linear", dtype="float32", name="features")(h)
    return keras.Model(inputs, outputs, name=name)


@register_net
def dcgan_discriminator(
    image_size: int = 32,
    channels: int = 1,
    base_filters: int = 64,
    norm: str = "batch",
    spectral_norm: bool = False,
    name: str = "dcgan_discriminator",
) -> keras.Model:
    """Build a DCGAN discriminator / critic ``image -> logit``.

    Layout: ``Conv2D(kernel 4, stride 2, "same")`` + [norm] + LeakyReLU(0.2)
    blocks (no norm on the first) doubling the filters from ``base_filters``
    until the map is 4x4, then ``Flatten`` and ``Dense(1)`` raw logits
    (computed in float32).

    Args:
        image_size: Input side length; a power of two >= 8.
        channels: Input channels (any int >= 1).
        base_filters: Filters of the first conv block.
        norm: ``"batch"`` (classic DCGAN), ``"layer"`` (per-sample
            LayerNormalization over H, W, C; use for WGAN-GP critics) or
            ``"none"`` (e.g. with spectral norm).
        spectral_norm: Wrap every conv and the final dense in
            ``keras.layers.SpectralNormalization`` (usually with ``norm="none"``).
        name: Model name.

    Returns:
        A functional ``keras.Model`` mapping images
        ``(N, image_size, image_size, channels)`` (input ``"image"``) to
        ``(N, 1)`` float32 logits.

    Raises:
        ValueError: on an invalid ``image_size``, ``channels``, ``norm`` or size.

    Example:
        >>> d = dcgan_discriminator(image_size=32, channels=3, norm="layer")
        >>> d(keras.random.normal((2, 32, 32, 3))).shape
        TensorShape([2, 1])
    """
    return _discriminator(image_size, channels, base_filters, norm, spectral_norm, name)


@register_net
def conditional_dcgan_discriminator(
    image_size: int = 32,
    channels: int = 1,
    num_classes: int = 10,
    mode: str = "projection",
    norm: str = "batch",
    spectral_norm: bool = False,
    base_filters: int = 64,
    embedding_dim: int | None = None,
    name: str = "conditional_dcgan_discriminator",
) -> keras.Model:
    """Build a class-conditional DCGAN discriminator ``(image, label) -> logit``.

    The trunk is the :func:`dcgan_discriminator` conv stack down to 4x4 and
    ``Flatten`` (``phi``).

    * ``mode="projection"`` (Miyato & Koyama, 2018):
      ``logit = psi(phi) + <embed(label), phi>`` with a
      ``(num_classes, 16 * C_last)`` embedding (layers ``"psi"``,
      ``"label_embedding"``, ``"projection"``, ``"logits"``).
    * ``mode="concat"``: the label code (one-hot, or a learned embedding of
      size ``embedding_dim``) is tiled over the image and concatenated as
      extra input channels.

    Args:
        image_size: Input side length; a power of two >= 8.
        channels: Image channels (any int >= 1).
        num_classes: Number of classes.
        mode: ``"projection"`` or ``"concat"``.
        norm: ``"batch"``, ``"layer"`` (per sample; for WGAN-GP) or ``"none"``.
        spectral_norm: Spectrally normalise convs, heads and the projection
            embedding (usually with ``norm="none"``).
        base_filters: Filters of the first conv block.
        embedding_dim: ``"concat"`` mode only; ``None`` = one-hot channels.
        name: Model name.

    Returns:
        A functional ``keras.Model`` with inputs ``"image"``
        ``(N, image_size, image_size, channels)`` and ``"label"`` int32
        ``(N,)``, and ``(N, 1)`` float32 logits.

    Raises:
        ValueError: on an invalid ``image_size``, ``channels``, ``mode``,
            ``norm``, size or ``num_classes``.

    Example:
        >>> d = conditional_dcgan_discriminator(32, 3, num_classes=10, norm="none",
        ...                                     spectral_norm=True, base_filters=8)
        >>> d({"image": np.zeros((2, 32, 32, 3), "float32"), "label": np.array([1, 2])}).shape
        TensorShape([2, 1])
    """
    check_positive_int(num_classes, "num_classes")
    mode = check_mode(mode)
    embedding_dim = check_embedding_dim(embedding_dim)
    return _discriminator(image_size, channels, base_filters, norm, spectral_norm, name,
                          condition=mode, num_classes=num_classes, embedding_dim=embedding_dim)


@register_net
def acgan_discriminator(
    image_size: int = 32,
    channels: int = 1,
    num_classes: int = 10,
    base_filters: int = 64,
    norm: str = "batch",
    spectral_norm: bool = False,
    name: str = "acgan_discriminator",
) -> keras.Model:
    """Build an ACGAN discriminator ``image -> {logits, class_logits}``.

    The DCGAN trunk (conv stack down to 4x4, ``Flatten``) feeds two float32
    ``Dense`` heads: the real/fake logit and the auxiliary classifier.

    Args:
        image_size: Input side length; a power of two >= 8.
        channels: Image channels (any int >= 1).
        num_classes: Number of classes of the auxiliary classifier.
        base_filters: Filters of the first conv block.
        norm: ``"batch"``, ``"layer"`` or ``"none"``.
        spectral_norm: Spectrally normalise the convs and both heads.
        name: Model name.

    Returns:
        A functional ``keras.Model`` with input ``"image"`` returning a dict
        ``{"logits": (N, 1), "class_logits": (N, num_classes)}`` of float32
        raw logits.

    Raises:
        ValueError: on an invalid ``image_size``, ``channels``, ``norm``, size
            or ``num_classes``.

    Example:
        >>> d = acgan_discriminator(32, 1, num_classes=10, base_filters=8)
        >>> {k: tuple(v.shape) for k, v in d(np.zeros((2, 32, 32, 1), "float32")).items()}
        {'logits': (2, 1), 'class_logits': (2, 10)}
    """
    check_positive_int(num_classes, "num_classes")
    return _discriminator(image_size, channels, base_filters, norm, spectral_norm, name,
                          num_classes=num_classes, class_head=True)


@register_net
def infogan_discriminator(
    image_size: int = 32,
    channels: int = 1,
    num_categories: int = 10,
    num_continuous: int = 2,
    base_filters: int = 64,
    norm: str = "batch",
    spectral_norm: bool = False,
    q_units: int = 128,
    continuous_log_std: bool = False,
    name: str = "infogan_discriminator",
) -> keras.Model:
    """Build an InfoGAN discriminator + recognition network ``Q`` on a shared trunk.

    The DCGAN trunk (conv stack down to 4x4, ``Flatten``) feeds the real/fake
    logit directly and ``Q`` through ``Dense(q_units)`` + LeakyReLU(0.2);
    ``Q`` outputs the categorical code's logits and the continuous codes'
    means (and, optionally, log standard deviations).

    Args:
        image_size: Input side length; a power of two >= 8.
        channels: Image channels (any int >= 1).
        num_categories: Categories of the categorical code (``0`` = none).
        num_continuous: Number of continuous codes (``0`` = none).
        base_filters: Filters of the first conv block.
        norm: ``"batch"``, ``"layer"`` or ``"none"``.
        spectral_norm: Spectrally normalise the convs and all dense layers.
        q_units: Width of the hidden ``Q`` layer.
        continuous_log_std: Also output ``"q_continuous_log_std"`` (a Gaussian
            ``Q`` with learned variance; otherwise use a fixed-variance loss).
        name: Model name.

    Returns:
        A functional ``keras.Model`` with input ``"image"`` returning a dict of
        float32 tensors: ``"logits"`` ``(N, 1)``; ``"q_categorical"``
        ``(N, num_categories)`` logits (if ``num_categories > 0``);
        ``"q_continuous"`` ``(N, num_continuous)`` means and optionally
        ``"q_continuous_log_std"`` (if ``num_continuous > 0``).

    Raises:
        ValueError: on an invalid ``image_size``, ``channels``, ``norm``, size,
            or when both ``num_categories`` and ``num_continuous`` are 0.

    Example:
        >>> d = infogan_discriminator(32, 1, num_categories=10, num_continuous=2, base_filters=8)
        >>> sorted(d(np.zeros((2, 32, 32, 1), "float32")))
        ['logits', 'q_categorical', 'q_continuous']
    """
    check_codes(num_categories, num_continuous)
    check_positive_int(q_units, "q_units")
    return _discriminator(image_size, channels, base_filters, norm, spectral_norm, name,
                          num_categories=num_categories, num_continuous=num_continuous,
                          continuous_log_std=continuous_log_std, q_units=q_units)


@register_net
def vaegan_discriminator(
    image_size: int = 32,
    channels: int = 1,
    base_filters: int = 64,
    norm: str = "layer",
    spectral_norm: bool = False,
    name: str = "vaegan_discriminator",
) -> keras.Model:
    """Build a DCGAN discriminator that also returns its features ``image -> {logits, features}``.

    The DCGAN trunk (conv stack down to 4x4, ``Flatten``) feeds the ``Dense(1)``
    logit; the flattened last conv block is returned too, as the layer
    ``Dis_l`` in which VAE-GAN measures reconstructions (Larsen et al., 2016,
    arXiv:1512.09300).

    Args:
        image_size: Input side length; a power of two >= 8.
        channels: Image channels (any int >= 1).
        base_filters: Filters of the first conv block.
        norm: ``"layer"`` (default: per-sample statistics, so a sample's
            features do not depend on the rest of its batch), ``"batch"`` or ``"none"``.
        spectral_norm: Spectrally normalise the convs and the logit.
        name: Model name.

    Returns:
        A functional ``keras.Model`` with input ``"image"`` returning a dict of
        float32 tensors: ``"logits"`` ``(N, 1)`` and ``"features"``
        ``(N, 16 * base_filters * 2**(log2(image_size / 4) - 1))``.

    Raises:
        ValueError: on an invalid ``image_size``, ``channels``, ``norm`` or size.

    Example:
        >>> d = vaegan_discriminator(16, 1, base_filters=8)
        >>> {k: tuple(v.shape) for k, v in d(np.zeros((2, 16, 16, 1), "float32")).items()}
        {'features': (2, 256), 'logits': (2, 1)}
    """
    return _discriminator(image_size, channels, base_filters, norm, spectral_norm, name,
                          features=True)
