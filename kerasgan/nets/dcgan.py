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


def _generator_body(h, n_up: int, channels: int, base_filters: int):
    """DCGAN generator layers from a latent vector ``h`` to the float32 ``"image"``.

    Shared by :func:`dcgan_generator` and the conditional generators (which
    feed ``concat(z, label code)`` in place of ``z``).
    """
    filters = base_filters * 2 ** (n_up - 1)
    h = keras.layers.Dense(
        4 * 4 * filters, use_bias=False, kernel_initializer=_init(), name="project"
    )(h)
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

    return keras.layers.Conv2DTranspose(
        channels, _KERNEL, strides=2, padding="same", activation="tanh",
        kernel_initializer=_init(), dtype="float32", name="image",
    )(h)


def _check_norm(norm, allowed=_NORMS) -> str:
    """Normalise ``norm`` (``None`` -> ``"none"``) and check it is one of ``allowed``."""
    if norm is None:
        norm = "none"
    if norm not in allowed:
        raise ValueError(f"`norm` must be one of {list(allowed)}; got {norm!r}.")
    return norm


def _discriminator_trunk(h, n_down: int, base_filters: int, norm: str, spectral_norm: bool):
    """DCGAN discriminator conv blocks down to 4x4, then ``Flatten`` (layer ``"flatten"``).

    Shared by :func:`dcgan_discriminator` and the conditional / auxiliary-head
    discriminators. ``norm`` must already be validated.
    """
    inner = "_inner" if spectral_norm else ""
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
    return keras.layers.Flatten(name="flatten")(h)


def _dense_head(h, units: int, spectral_norm: bool, name: str, kernel_initializer=None):
    """A float32 ``Dense(units)`` output layer named ``name`` (optionally spectral-normalised).

    With spectral norm the wrapper carries ``name`` (the wrapped layer gets
    ``name + "_inner"``); the wrapper casts its output back to its input dtype,
    so it is float32 too. ``kernel_initializer`` defaults to DCGAN's N(0, 0.02).
    """
    inner = "_inner" if spectral_norm else ""
    head = keras.layers.Dense(
        units, kernel_initializer=kernel_initializer or _init(), dtype="float32",
        name=f"{name}{inner}",
    )
    return _maybe_sn(head, spectral_norm, dtype="float32", name=name)(h)


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

    z = keras.Input((latent_dim,), name="z")
    image = _generator_body(z, n_up, channels, base_filters)
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
    norm = _check_norm(norm)
    spectral_norm = bool(spectral_norm)

    image = keras.Input((image_size, image_size, channels), name="image")
    h = _discriminator_trunk(image, n_down, base_filters, norm, spectral_norm)
    logits = _dense_head(h, 1, spectral_norm, name="logits")
    return keras.Model(image, logits, name=name)
