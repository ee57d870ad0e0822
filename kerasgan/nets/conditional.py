"""Class-conditional and auxiliary-head builders (cGAN, ACGAN, InfoGAN).

* cGAN (Mirza & Osindero, 2014, arXiv:1411.1784): generators take ``(z, label)``
  and concatenate a label code with ``z``; discriminators take
  ``(x, label)`` and either concatenate the label code with the input
  (``mode="concat"``) or use the projection discriminator of Miyato & Koyama
  (2018, arXiv:1802.05637), ``logit = psi(phi(x)) + <embed(y), phi(x)>``
  (``mode="projection"``).
* ACGAN (Odena et al., 2017, arXiv:1610.09585): an unconditional discriminator
  with an auxiliary classifier head.
* InfoGAN (Chen et al., 2016, arXiv:1606.03657): a discriminator sharing its
  trunk with the recognition network ``Q(c | x)``.

Labels are an int32 input named ``"label"`` of shape ``(N,)`` (``keras.Input(
shape=(), dtype="int32")``); a label outside ``[0, num_classes)`` is encoded as
all zeros by the one-hot code. Every builder returns a functional
:class:`keras.Model` of built-in layers (serializable without custom objects);
multi-output models return dicts keyed by output name. All outputs are float32
under mixed-precision policies.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras

from kerasgan.nets.dcgan import (
    _check_channels,
    _check_norm,
    _dense_head,
    _discriminator_trunk,
    _generator_body,
    check_image_size,
)
from kerasgan.nets.mlp import _check_hidden_units, _check_positive_int, _maybe_sn

__all__ = [
    "conditional_mlp_generator",
    "conditional_mlp_discriminator",
    "conditional_dcgan_generator",
    "conditional_dcgan_discriminator",
    "acgan_discriminator",
    "infogan_discriminator",
    "infogan_mlp_discriminator",
]

_MODES = ("projection", "concat")
_MLP_INIT = "glorot_uniform"  # Keras' Dense default, as in mlp.py


# ----------------------------------------------------------------------- helpers


def _check_mode(mode) -> str:
    if mode not in _MODES:
        raise ValueError(f"`mode` must be one of {list(_MODES)}; got {mode!r}.")
    return mode


def _check_embedding_dim(embedding_dim):
    if embedding_dim is None:
        return None
    return _check_positive_int(embedding_dim, "embedding_dim")


def _check_nonnegative_int(value, arg_name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"`{arg_name}` must be a non-negative integer; got {value!r}.")
    return value


def _int_input(name: str):
    """A scalar-per-sample int32 input, e.g. class labels of shape ``(N,)``."""
    return keras.Input(shape=(), dtype="int32", name=name)


def _label_code(label, num_classes: int, embedding_dim, name: str):
    """``(N,)`` int labels -> ``(N, D)`` code: one-hot (``embedding_dim=None``) or learned."""
    if embedding_dim is None:
        return keras.layers.CategoryEncoding(
            num_tokens=num_classes, output_mode="one_hot", name=f"{name}_onehot"
        )(label)
    return keras.layers.Embedding(num_classes, embedding_dim, name=f"{name}_embedding")(label)


def _tile_code(code, image_size: int, name: str):
    """``(N, D)`` code -> ``(N, image_size, image_size, D)`` spatially constant map."""
    dim = code.shape[-1]
    h = keras.layers.Reshape((1, 1, dim), name=f"{name}_reshape")(code)
    return keras.layers.UpSampling2D(size=image_size, name=f"{name}_tile")(h)


def _projection_logits(features, label, num_classes: int, spectral_norm: bool, init=None):
    """``psi(phi) + <embed(y), phi>`` with float32 ``psi``/``projection``/``logits`` layers.

    ``init`` initialises ``psi`` and the embedding (``None`` = DCGAN's N(0, 0.02)).
    """
    psi = _dense_head(features, 1, spectral_norm, name="psi", kernel_initializer=init)
    init = init or keras.initializers.RandomNormal(stddev=0.02)
    dim = features.shape[-1]
    if spectral_norm:
        # SN-GAN spectrally normalises the class embedding too. Keras'
        # SpectralNormalization casts its output to its input's dtype, which
        # would truncate an Embedding's output to int32; a bias-free Dense on
        # the one-hot label is the same lookup ``W[y]`` with a float input.
        onehot = _label_code(label, num_classes, None, name="label")
        embed = keras.layers.Dense(
            dim, use_bias=False, kernel_initializer=init, name="label_embedding_inner"
        )
        e = _maybe_sn(embed, True, name="label_embedding")(onehot)
    else:
        e = keras.layers.Embedding(
            num_classes, dim, embeddings_initializer=init, name="label_embedding"
        )(label)
    proj = keras.layers.Dot(axes=1, dtype="float32", name="projection")([e, features])
    return keras.layers.Add(dtype="float32", name="logits")([psi, proj])


def _q_heads(h, num_categories: int, num_continuous: int, continuous_log_std: bool,
             spectral_norm: bool, init=None) -> dict:
    outputs = {}
    if num_categories:
        outputs["q_categorical"] = _dense_head(
            h, num_categories, spectral_norm, "q_categorical", kernel_initializer=init
        )
    if num_continuous:
        outputs["q_continuous"] = _dense_head(
            h, num_continuous, spectral_norm, "q_continuous", kernel_initializer=init
        )
        if continuous_log_std:
            outputs["q_continuous_log_std"] = _dense_head(
                h, num_continuous, spectral_norm, "q_continuous_log_std",
                kernel_initializer=init,
            )
    return outputs


def _check_codes(num_categories, num_continuous):
    _check_nonnegative_int(num_categories, "num_categories")
    _check_nonnegative_int(num_continuous, "num_continuous")
    if num_categories == 0 and num_continuous == 0:
        raise ValueError(
            "InfoGAN needs at least one latent code: `num_categories` and "
            "`num_continuous` are both 0."
        )


def _mlp_trunk(h, units, activation: str, spectral_norm: bool):
    for i, width in enumerate(units, start=1):
        dense = keras.layers.Dense(
            width, activation=activation,
            name=f"dense_{i}_inner" if spectral_norm else f"dense_{i}",
        )
        h = _maybe_sn(dense, spectral_norm, name=f"dense_{i}")(h)
    return h


# -------------------------------------------------------------------------- MLPs


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
    is set) is concatenated with ``z`` and fed to a ``Dense`` stack whose
    linear output layer computes in float32.

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
    _check_positive_int(latent_dim, "latent_dim")
    _check_positive_int(num_classes, "num_classes")
    _check_positive_int(output_dim, "output_dim")
    units = _check_hidden_units(hidden_units)
    embedding_dim = _check_embedding_dim(embedding_dim)

    z = keras.Input((latent_dim,), name="z")
    label = _int_input("label")
    code = _label_code(label, num_classes, embedding_dim, name="label")
    h = keras.layers.Concatenate(name="z_label")([z, code])
    h = _mlp_trunk(h, units, activation, spectral_norm=False)
    out = keras.layers.Dense(
        output_dim, activation=output_activation, dtype="float32", name="output"
    )(h)
    return keras.Model([z, label], out, name=name)


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
    _check_positive_int(input_dim, "input_dim")
    _check_positive_int(num_classes, "num_classes")
    units = _check_hidden_units(hidden_units)
    mode = _check_mode(mode)
    embedding_dim = _check_embedding_dim(embedding_dim)
    spectral_norm = bool(spectral_norm)

    x = keras.Input((input_dim,), name="x")
    label = _int_input("label")
    if mode == "concat":
        code = _label_code(label, num_classes, embedding_dim, name="label")
        h = keras.layers.Concatenate(name="x_label")([x, code])
        h = _mlp_trunk(h, units, activation, spectral_norm)
        logits = _dense_head(h, 1, spectral_norm, name="logits", kernel_initializer=_MLP_INIT)
    else:
        h = _mlp_trunk(x, units, activation, spectral_norm)
        logits = _projection_logits(h, label, num_classes, spectral_norm, init=_MLP_INIT)
    return keras.Model([x, label], logits, name=name)


# ------------------------------------------------------------------------- DCGAN


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
    :func:`~kerasgan.nets.dcgan_generator` body (same layers and names).

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
    _check_positive_int(latent_dim, "latent_dim")
    _check_positive_int(num_classes, "num_classes")
    n_up = check_image_size(image_size)
    _check_channels(channels)
    _check_positive_int(base_filters, "base_filters")
    embedding_dim = _check_embedding_dim(embedding_dim)

    z = keras.Input((latent_dim,), name="z")
    label = _int_input("label")
    code = _label_code(label, num_classes, embedding_dim, name="label")
    h = keras.layers.Concatenate(name="z_label")([z, code])
    image = _generator_body(h, n_up, channels, base_filters)
    return keras.Model([z, label], image, name=name)


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

    The trunk is the :func:`~kerasgan.nets.dcgan_discriminator` conv stack
    down to 4x4 and ``Flatten`` (``phi``).

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
    n_down = check_image_size(image_size)
    _check_channels(channels)
    _check_positive_int(num_classes, "num_classes")
    mode = _check_mode(mode)
    norm = _check_norm(norm)
    spectral_norm = bool(spectral_norm)
    _check_positive_int(base_filters, "base_filters")
    embedding_dim = _check_embedding_dim(embedding_dim)

    image = keras.Input((image_size, image_size, channels), name="image")
    label = _int_input("label")
    if mode == "concat":
        code = _label_code(label, num_classes, embedding_dim, name="label")
        label_map = _tile_code(code, image_size, name="label")
        h = keras.layers.Concatenate(name="image_label")([image, label_map])
        h = _discriminator_trunk(h, n_down, base_filters, norm, spectral_norm)
        logits = _dense_head(h, 1, spectral_norm, name="logits")
    else:
        h = _discriminator_trunk(image, n_down, base_filters, norm, spectral_norm)
        logits = _projection_logits(h, label, num_classes, spectral_norm)
    return keras.Model([image, label], logits, name=name)


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
    n_down = check_image_size(image_size)
    _check_channels(channels)
    _check_positive_int(num_classes, "num_classes")
    _check_positive_int(base_filters, "base_filters")
    norm = _check_norm(norm)
    spectral_norm = bool(spectral_norm)

    image = keras.Input((image_size, image_size, channels), name="image")
    h = _discriminator_trunk(image, n_down, base_filters, norm, spectral_norm)
    outputs = {
        "logits": _dense_head(h, 1, spectral_norm, name="logits"),
        "class_logits": _dense_head(h, num_classes, spectral_norm, name="class_logits"),
    }
    return keras.Model(image, outputs, name=name)


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
    n_down = check_image_size(image_size)
    _check_channels(channels)
    _check_codes(num_categories, num_continuous)
    _check_positive_int(base_filters, "base_filters")
    norm = _check_norm(norm)
    spectral_norm = bool(spectral_norm)
    _check_positive_int(q_units, "q_units")

    image = keras.Input((image_size, image_size, channels), name="image")
    h = _discriminator_trunk(image, n_down, base_filters, norm, spectral_norm)
    outputs = {"logits": _dense_head(h, 1, spectral_norm, name="logits")}
    q_dense = keras.layers.Dense(q_units, name="q_dense_inner" if spectral_norm else "q_dense")
    q = _maybe_sn(q_dense, spectral_norm, name="q_dense")(h)
    q = keras.layers.LeakyReLU(negative_slope=0.2, name="q_lrelu")(q)
    outputs.update(_q_heads(q, num_categories, num_continuous, continuous_log_std, spectral_norm))
    return keras.Model(image, outputs, name=name)


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
        dict as :func:`infogan_discriminator`.

    Raises:
        ValueError: on an invalid size, or when both code counts are 0.

    Example:
        >>> d = infogan_mlp_discriminator(num_categories=8, num_continuous=1)
        >>> d(np.zeros((4, 2), "float32"))["q_categorical"].shape
        TensorShape([4, 8])
    """
    _check_positive_int(input_dim, "input_dim")
    _check_codes(num_categories, num_continuous)
    units = _check_hidden_units(hidden_units)
    spectral_norm = bool(spectral_norm)

    x = keras.Input((input_dim,), name="x")
    h = _mlp_trunk(x, units, activation, spectral_norm)
    logits = _dense_head(h, 1, spectral_norm, name="logits", kernel_initializer=_MLP_INIT)
    outputs = {"logits": logits}
    outputs.update(
        _q_heads(h, num_categories, num_continuous, continuous_log_std, spectral_norm, _MLP_INIT)
    )
    return keras.Model(x, outputs, name=name)
