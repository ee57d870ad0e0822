"""Fully connected builders for vector (e.g. 2-D toy) data: plain, class-conditional, InfoGAN.

One generator and one discriminator architecture; the conditional builders
add a label input (cGAN, Mirza & Osindero, 2014, arXiv:1411.1784) and the
discriminators take optional heads (projection, InfoGAN ``Q``; see
:mod:`kerasgan.nets.heads`). All return functional :class:`keras.Model`
objects of built-in layers with float32 outputs under mixed precision.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras

from kerasgan.nets.blocks import dense_stack
from kerasgan.nets.checks import (
    check_codes,
    check_embedding_dim,
    check_hidden_units,
    check_input_scale,
    check_mode,
    check_positive_int,
)
from kerasgan.nets.heads import discriminator_heads
from kerasgan.nets.labels import append_label, int_input
from kerasgan.nets.registry import register_net

__all__ = [
    "mlp_generator",
    "mlp_discriminator",
    "conditional_mlp_generator",
    "conditional_mlp_discriminator",
    "infogan_mlp_discriminator",
]

_INIT = "glorot_uniform"  # Keras' Dense default, also for the heads


def _generator(latent_dim, output_dim, hidden_units, activation, output_activation, name,
               num_classes=0, embedding_dim=None):
    """``z [, label] -> x``: the label code (if any) is concatenated with ``z``."""
    z = keras.Input((latent_dim,), name="z")
    inputs, h = z, z
    if num_classes:
        label = int_input("label")
        inputs = [z, label]
        h = append_label(z, label, num_classes, embedding_dim, "label", "z_label")
    h = dense_stack(h, hidden_units, activation)
    out = keras.layers.Dense(
        output_dim, activation=output_activation, dtype="float32", name="output"
    )(h)
    return keras.Model(inputs, out, name=name)


def _discriminator(input_dim, hidden_units, activation, spectral_norm, name, *,
                   input_scale=1.0, condition=None, num_classes=0, embedding_dim=None,
                   **heads):
    """``x [, label] -> logit [+ heads]``.

    ``condition`` (``"concat"``, ``"projection"`` or ``None``) is how a
    ``"label"`` input enters; ``num_classes`` and the other ``heads`` go to
    :func:`~kerasgan.nets.heads.discriminator_heads`.
    """
    x = keras.Input((input_dim,), name="x")
    inputs, h, projected = x, x, None
    if input_scale != 1:
        h = keras.layers.Rescaling(float(input_scale), name="input_scale")(h)
    if condition:
        label = int_input("label")
        inputs = [x, label]
        if condition == "concat":
            h = append_label(h, label, num_classes, embedding_dim, "label", "x_label")
        else:
            projected = label
    h = dense_stack(h, hidden_units, activation, spectral_norm)
    outputs = discriminator_heads(h, spectral_norm, _INIT, label=projected,
                                  num_classes=num_classes, **heads)
    return keras.Model(inputs, outputs, name=name)


@register_net
def mlp_generator(
    latent_dim: int = 2,
    output_dim: int = 2,
    hidden_units: Sequence[int] = (128, 128, 128),
    activation: str = "relu",
    output_activation: str | None = None,
    name: str = "mlp_generator",
) -> keras.Model:
    """Build a multilayer-perceptron generator ``z -> x``.

    The output layer is linear by default because toy 2-D distributions are not
    confined to ``[-1, 1]`` (e.g. the 25-Gaussian grid has modes at +-4). It is
    computed in float32 even under a mixed-precision policy.

    Args:
        latent_dim: Size of the latent vector ``z``.
        output_dim: Size of each generated sample.
        hidden_units: Width of each hidden ``Dense`` layer, in order.
        activation: Keras activation for the hidden layers.
        output_activation: Optional activation of the output layer
            (``None`` = linear; use ``"tanh"`` for data scaled to [-1, 1]).
        name: Model name.

    Returns:
        A functional ``keras.Model`` mapping ``(N, latent_dim)`` float inputs
        (input name ``"z"``) to ``(N, output_dim)`` float32 outputs.

    Example:
        >>> g = mlp_generator(latent_dim=2, output_dim=2, hidden_units=(64, 64))
        >>> g(keras.random.normal((5, 2))).shape
        TensorShape([5, 2])
    """
    check_positive_int(latent_dim, "latent_dim")
    check_positive_int(output_dim, "output_dim")
    units = check_hidden_units(hidden_units)
    return _generator(latent_dim, output_dim, units, activation, output_activation, name)


@register_net
def mlp_discriminator(
    input_dim: int = 2,
    hidden_units: Sequence[int] = (128, 128, 128),
    activation: str = "leaky_relu",
    spectral_norm: bool = False,
    input_scale: float = 1.0,
    name: str = "mlp_discriminator",
) -> keras.Model:
    """Build a multilayer-perceptron discriminator / critic ``x -> logit``.

    Returns raw, unbounded logits (no sigmoid), suitable for
    ``from_logits=True`` losses, hinge losses or Wasserstein critics. The final
    layer is computed in float32 even under a mixed-precision policy.

    Args:
        input_dim: Size of each input sample.
        hidden_units: Width of each hidden ``Dense`` layer, in order.
        activation: Keras activation for the hidden layers
            (``"leaky_relu"`` uses slope 0.2; ``"relu"`` also works).
        spectral_norm: Wrap every ``Dense`` (including the output) in
            ``keras.layers.SpectralNormalization`` (SN-GAN).
        input_scale: factor applied to the inputs before the first layer.
            A spectrally normalised critic is 1-Lipschitz in its input, too
            flat to tell apart points 0.01 from a mode centre; a gain of 100
            lets it see structure at that scale.
        name: Model name.

    Returns:
        A functional ``keras.Model`` mapping ``(N, input_dim)`` inputs
        (input name ``"x"``) to ``(N, 1)`` float32 logits.

    Example:
        >>> d = mlp_discriminator(input_dim=2, spectral_norm=True)
        >>> d(keras.random.normal((5, 2))).shape
        TensorShape([5, 1])
    """
    check_positive_int(input_dim, "input_dim")
    units = check_hidden_units(hidden_units)
    check_input_scale(input_scale)
    return _discriminator(input_dim, units, activation, bool(spectral_norm), name,
                          input_scale=input_scale)


@register_net
def conditional_mlp_generator(
    latent_dim: int = 2,
    num_classes: int = 8,
    output_dim: int = 2,
    hidden_units: Sequence[int] = (128, 128, 128),
    activation: str = "relu",
    output_activation: str | None = None,
    embedding_dim: int | None = None,
    name: str = "conditional_mlp_generator",
) -> keras.Model:
    """Build a class-conditional MLP generator ``(z, label) -> x``.

    The label code (one-hot, or a learned ``Embedding`` when ``embedding_dim``
    is set) is concatenated with ``z`` and fed to the :func:`mlp_generator`
    layers (linear float32 output layer).

    Args:
        latent_dim: Size of the latent vector ``z``.
        num_classes: Number of classes (labels are ints in ``[0, num_classes)``).
        output_dim: Size of each generated sample.
        hidden_units: Width of each hidden ``Dense`` layer, in order.
        activation: Keras activation for the hidden layers.
        output_activation: Optional output activation (``None`` = linear).
        embedding_dim: ``None`` for a one-hot label code, or the size of a
            learned label embedding.
        name: Model name.

    Returns:
        A functional ``keras.Model`` with inputs ``"z"`` ``(N, latent_dim)``
        and ``"label"`` int32 ``(N,)``, and a float32 ``(N, output_dim)``
        output (layer ``"output"``).

    Raises:
        ValueError: on a non-positive size, ``num_classes`` or ``embedding_dim``.

    Example:
        >>> g = conditional_mlp_generator(latent_dim=2, num_classes=8)
        >>> g({"z": np.zeros((4, 2), "float32"), "label": np.arange(4)}).shape
        TensorShape([4, 2])
    """
    check_positive_int(latent_dim, "latent_dim")
    check_positive_int(num_classes, "num_classes")
    check_positive_int(output_dim, "output_dim")
    units = check_hidden_units(hidden_units)
    embedding_dim = check_embedding_dim(embedding_dim)
    return _generator(latent_dim, output_dim, units, activation, output_activation, name,
                      num_classes=num_classes, embedding_dim=embedding_dim)


@register_net
def conditional_mlp_discriminator(
    input_dim: int = 2,
    num_classes: int = 8,
    hidden_units: Sequence[int] = (128, 128, 128),
    activation: str = "leaky_relu",
    mode: str = "projection",
    spectral_norm: bool = False,
    embedding_dim: int | None = None,
    name: str = "conditional_mlp_discriminator",
) -> keras.Model:
    """Build a class-conditional MLP discriminator ``(x, label) -> logit``.

    ``mode="projection"``: ``phi`` is the last hidden layer, ``logit =
    psi(phi) + <embed(label), phi>`` (layers ``"psi"``, ``"label_embedding"``,
    ``"projection"``, ``"logits"``). ``mode="concat"``: the label code is
    concatenated with ``x`` before the first layer. Raw float32 logits.

    Args:
        input_dim: Size of each input sample.
        num_classes: Number of classes.
        hidden_units: Width of each hidden ``Dense`` layer, in order.
        activation: Keras activation for the hidden layers.
        mode: ``"projection"`` or ``"concat"``.
        spectral_norm: Wrap every ``Dense`` (and the projection embedding) in
            ``keras.layers.SpectralNormalization``.
        embedding_dim: ``"concat"`` mode only: ``None`` for a one-hot label
            code, or the size of a learned label embedding.
        name: Model name.

    Returns:
        A functional ``keras.Model`` with inputs ``"x"`` ``(N, input_dim)``
        and ``"label"`` int32 ``(N,)``, and ``(N, 1)`` float32 logits.

    Raises:
        ValueError: on an invalid ``mode``, size or ``num_classes``.

    Example:
        >>> d = conditional_mlp_discriminator(input_dim=2, num_classes=8)
        >>> d({"x": np.zeros((4, 2), "float32"), "label": np.arange(4)}).shape
        TensorShape([4, 1])
    """
    check_positive_int(input_dim, "input_dim")
    check_positive_int(num_classes, "num_classes")
    units = check_hidden_units(hidden_units)
    mode = check_mode(mode)
    embedding_dim = check_embedding_dim(embedding_dim)
    return _discriminator(input_dim, units, activation, bool(spectral_norm), name,
                          condition=mode, num_classes=num_classes, embedding_dim=embedding_dim)


@register_net
def infogan_mlp_discriminator(
    input_dim: int = 2,
    num_categories: int = 10,
    num_continuous: int = 2,
    hidden_units: Sequence[int] = (128, 128, 128),
    activation: str = "leaky_relu",
    spectral_norm: bool = False,
    continuous_log_std: bool = False,
    name: str = "infogan_mlp_discriminator",
) -> keras.Model:
    """Build an MLP InfoGAN discriminator + ``Q`` for vector (e.g. 2-D) data.

    All hidden ``Dense`` layers are shared; the real/fake logit and the ``Q``
    heads are float32 ``Dense`` layers on the last hidden layer.

    Args:
        input_dim: Size of each input sample.
        num_categories: Categories of the categorical code (``0`` = none).
        num_continuous: Number of continuous codes (``0`` = none).
        hidden_units: Width of each shared hidden ``Dense`` layer.
        activation: Keras activation for the hidden layers.
        spectral_norm: Spectrally normalise every ``Dense``.
        continuous_log_std: Also output ``"q_continuous_log_std"``.
        name: Model name.

    Returns:
        A functional ``keras.Model`` with input ``"x"`` returning the same
        dict as :func:`~kerasgan.nets.infogan_discriminator`.

    Raises:
        ValueError: on an invalid size, or when both code counts are 0.

    Example:
        >>> d = infogan_mlp_discriminator(num_categories=8, num_continuous=1)
        >>> d(np.zeros((4, 2), "float32"))["q_categorical"].shape
        TensorShape([4, 8])
    """
    check_positive_int(input_dim, "input_dim")
    check_codes(num_categories, num_continuous)
    units = check_hidden_units(hidden_units)
    return _discriminator(input_dim, units, activation, bool(spectral_norm), name,
                          num_categories=num_categories, num_continuous=num_continuous,
                          continuous_log_std=continuous_log_std)
