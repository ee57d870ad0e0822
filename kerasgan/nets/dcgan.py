"""DCGAN-style convolutional builders (Radford et al., 2015, arXiv:1511.06434).

The generator upsamples a 4x4 feature map with stride-2 transposed convolutions
(BatchNorm + ReLU between them, tanh at the end); the discriminator mirrors it
with stride-2 convolutions and LeakyReLU(0.2) down to 4x4, then a linear logit.
Both are plain functional :class:`keras.Model` objects of built-in layers.
"""

from __future__ import annotations

import math

import keras

from kerasgan.nets.mlp import _check_positive_int, _maybe_sn

__all__ = ["dcgan_generator", "dcgan_discriminator", "check_image_size"]

_NORMS = ("batch", "layer", "none")
_KERNEL = 4
_BN_MOMENTUM = 0.9  # DCGAN reference value; Keras' 0.99 adapts too slowly for GANs.


def _init():
    """DCGAN weight init: N(0, 0.02)."""
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02)


def check_image_size(image_size) -> int:
    """Validate an image side length and return the number of 2x resampling stages.

    Args:
        image_size: Square image side; must be a power of two >= 8.

    Returns:
        ``log2(image_size / 4)``: the number of stride-2 stages between
        a 4x4 feature map and the image.

    Raises:
        ValueError: if ``image_size`` is not a power of two >= 8.

    Example:
        >>> check_image_size(32)
        3
    """
    ok = (
        isinstance(image_size, int)
        and not isinstance(image_size, bool)
        and image_size >= 8
        and (image_size & (image_size - 1)) == 0
    )
    if not ok:
        raise ValueError(
            f"`image_size` must be a power of two >= 8 (allowed: 8, 16, 32, 64, "
            f"128, 256, ...); got {image_size!r}."
        )
    return int(math.log2(image_size)) - 2


def _check_channels(channels) -> int:
    if isinstance(channels, bool) or not isinstance(channels, int) or channels < 1:
        raise ValueError(
            "`channels` must be an integer >= 1 (e.g. 1 for grayscale, 3 for RGB); "
            f"got {channels!r}."
        )
    return channels


def _norm_layer(norm: str, name: str):
    if norm == "batch":
        return keras.layers.BatchNormalization(momentum=_BN_MOMENTUM, epsilon=1e-5, name=name)
    if norm == "layer":
        # Normalise each sample over all of (H, W, C): no cross-sample statistics,
        # so per-sample gradient penalties (WGAN-GP) stay valid.
        return keras.layers.LayerNormalization(axis=[1, 2, 3], epsilon=1e-5, name=name)
    return None


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
    _check_positive_int(latent_dim, "latent_dim")
    n_up = check_image_size(image_size)
    _check_channels(channels)
    _check_positive_int(base_filters, "base_filters")

    filters = base_filters * 2 ** (n_up - 1)
    z = keras.Input((latent_dim,), name="z")
    h = keras.layers.Dense(
        4 * 4 * filters, use_bias=False, kernel_initializer=_init(), name="project"
    )(z)
    h = _norm_layer("batch", "project_bn")(h)
    h = keras.layers.ReLU(name="project_relu")(h)
    h = keras.layers.Reshape((4, 4, filters), name="reshape")(h)

    for i in range(1, n_up):
        filters //= 2
        h = keras.layers.Conv2DTranspose(
            filters, _KERNEL, strides=2, padding="same", use_bias=False,
            kernel_initializer=_init(), name=f"deconv_{i}",
        )(h)
        h = _norm_layer("batch", f"deconv_{i}_bn")(h)
        h = keras.layers.ReLU(name=f"deconv_{i}_relu")(h)

    image = keras.layers.Conv2DTranspose(
        channels, _KERNEL, strides=2, padding="same", activation="tanh",
        kernel_initializer=_init(), dtype="float32", name="image",
    )(h)
    return keras.Model(z, image, name=name)


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
    n_down = check_image_size(image_size)
    _check_channels(channels)
    _check_positive_int(base_filters, "base_filters")
    if norm is None:
        norm = "none"
    if norm not in _NORMS:
        raise ValueError(f"`norm` must be one of {list(_NORMS)}; got {norm!r}.")
    spectral_norm = bool(spectral_norm)
    inner = "_inner" if spectral_norm else ""

    image = keras.Input((image_size, image_size, channels), name="image")
    h = image
    filters = base_filters
    for i in range(1, n_down + 1):
        conv = keras.layers.Conv2D(
            filters, _KERNEL, strides=2, padding="same",
            use_bias=(i == 1 or norm == "none"),  # bias is redundant before a norm
            kernel_initializer=_init(), name=f"conv_{i}{inner}",
        )
        h = _maybe_sn(conv, spectral_norm, name=f"conv_{i}")(h)
        if i > 1:
            norm_layer = _norm_layer(norm, f"conv_{i}_{norm}norm")
            if norm_layer is not None:
                h = norm_layer(h)
        h = keras.layers.LeakyReLU(negative_slope=0.2, name=f"conv_{i}_lrelu")(h)
        filters *= 2

    h = keras.layers.Flatten(name="flatten")(h)
    head = keras.layers.Dense(
        1, kernel_initializer=_init(), dtype="float32", name=f"logits{inner}"
    )
    # The SN wrapper casts its output back to its input dtype, so it is float32 too.
    logits = _maybe_sn(head, spectral_norm, dtype="float32", name="logits")(h)
    return keras.Model(image, logits, name=name)
