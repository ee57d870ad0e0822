"""Fully connected generator / discriminator builders (2-D toy data, vectors).

Both builders return plain functional :class:`keras.Model` objects made only
of built-in layers, so they round-trip through ``get_config``/``from_config``
and ``keras.models.load_model`` without custom objects.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras

__all__ = ["mlp_generator", "mlp_discriminator"]


def _check_positive_int(value, arg_name: str) -> int:
    """Return ``value`` if it is a positive int (bools rejected), else raise ValueError."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"`{arg_name}` must be a positive integer; got {value!r}.")
    return value


def _check_hidden_units(hidden_units) -> tuple[int, ...]:
    """Normalise ``hidden_units`` to a tuple of positive ints."""
    if isinstance(hidden_units, (str, bytes)) or not isinstance(hidden_units, Sequence):
        raise ValueError(
            "`hidden_units` must be a sequence of positive integers, "
            f"e.g. (128, 128); got {hidden_units!r}."
        )
    units = tuple(hidden_units)
    for u in units:
        if isinstance(u, bool) or not isinstance(u, int) or u < 1:
            raise ValueError(
                "`hidden_units` must contain only positive integers; "
                f"got {hidden_units!r}."
            )
    return units


def _maybe_sn(layer: keras.layers.Layer, spectral_norm: bool, **wrapper_kwargs):
    """Wrap ``layer`` in ``SpectralNormalization`` when requested."""
    if not spectral_norm:
        return layer
    return keras.layers.SpectralNormalization(layer, **wrapper_kwargs)


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
    _check_positive_int(latent_dim, "latent_dim")
    _check_positive_int(output_dim, "output_dim")
    units = _check_hidden_units(hidden_units)

    z = keras.Input((latent_dim,), name="z")
    h = z
    for i, width in enumerate(units, start=1):
        h = keras.layers.Dense(width, activation=activation, name=f"dense_{i}")(h)
    out = keras.layers.Dense(
        output_dim, activation=output_activation, dtype="float32", name="output"
    )(h)
    return keras.Model(z, out, name=name)


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
    _check_positive_int(input_dim, "input_dim")
    units = _check_hidden_units(hidden_units)
    spectral_norm = bool(spectral_norm)

    if not (isinstance(input_scale, (int, float)) and input_scale > 0):
        raise ValueError(f"input_scale must be a positive number, got {input_scale!r}.")

    x = keras.Input((input_dim,), name="x")
    h = x
    if input_scale != 1:
        h = keras.layers.Rescaling(float(input_scale), name="input_scale")(h)
    for i, width in enumerate(units, start=1):
        dense = keras.layers.Dense(
            width,
            activation=activation,
            name=f"dense_{i}_inner" if spectral_norm else f"dense_{i}",
        )
        h = _maybe_sn(dense, spectral_norm, name=f"dense_{i}")(h)
    head = keras.layers.Dense(
        1, dtype="float32", name="logits_inner" if spectral_norm else "logits"
    )
    # The wrapper casts its output back to its input dtype, so it must be float32 too.
    logits = _maybe_sn(head, spectral_norm, dtype="float32", name="logits")(h)
    return keras.Model(x, logits, name=name)
