"""Discriminator output heads on a features vector ``phi``: logit, projection, class, Q.

* Projection discriminator (Miyato & Koyama, 2018, arXiv:1802.05637):
  ``logit = psi(phi) + <embed(y), phi>``.
* ACGAN (Odena et al., 2017, arXiv:1610.09585): an auxiliary classifier head.
* InfoGAN (Chen et al., 2016, arXiv:1606.03657): the recognition network
  ``Q(c | x)`` sharing the discriminator's trunk.

Every head computes in float32, so logits stay float32 under mixed precision.
"""

from __future__ import annotations

import keras

from kerasgan.nets.blocks import dcgan_init, maybe_sn
from kerasgan.nets.labels import label_code


def dense_head(h, units: int, spectral_norm: bool, name: str, kernel_initializer=None):
    """A float32 ``Dense(units)`` output layer named ``name`` (optionally spectral-normalised).

    The spectral-norm wrapper casts its output back to its input dtype, so it
    is made float32 too.

    Args:
        h: Input features ``(N, D)``.
        units: Output size.
        spectral_norm: Wrap the layer in ``SpectralNormalization`` (the wrapper
            is ``name``, the wrapped layer ``name + "_inner"``).
        name: Output layer name.
        kernel_initializer: Kernel initializer; ``None`` = DCGAN's N(0, 0.02).

    Returns:
        The float32 output tensor ``(N, units)``.
    """
    inner = "_inner" if spectral_norm else ""
    head = keras.layers.Dense(
        units, kernel_initializer=kernel_initializer or dcgan_init(), dtype="float32",
        name=f"{name}{inner}",
    )
    return maybe_sn(head, spectral_norm, dtype="float32", name=name)(h)


def projection_logits(features, label, num_classes: int, spectral_norm: bool, init=None):
    """The projection logit ``psi(phi) + <embed(y), phi>``.

    Layers ``"psi"``, ``"label_embedding"``, ``"projection"`` and ``"logits"``.

    Args:
        features: ``phi``, the ``(N, D)`` discriminator features.
        label: int32 labels ``(N,)``.
        num_classes: Number of classes.
        spectral_norm: Spectrally normalise ``psi`` and the class embedding.
        init: Initializer of ``psi`` and the embedding; ``None`` = N(0, 0.02).

    Returns:
        The float32 ``(N, 1)`` logits.
    """
    psi = dense_head(features, 1, spectral_norm, name="psi", kernel_initializer=init)
    init = init or keras.initializers.RandomNormal(stddev=0.02)
    dim = features.shape[-1]
    if spectral_norm:
        # SN-GAN spectrally normalises the class embedding too. Keras'
        # SpectralNormalization casts its output to its input's dtype, which
        # would truncate an Embedding's output to int32; a bias-free Dense on
        # the one-hot label is the same lookup ``W[y]`` with a float input.
        onehot = label_code(label, num_classes, None, name="label")
        embed = keras.layers.Dense(
            dim, use_bias=False, kernel_initializer=init, name="label_embedding_inner"
        )
        e = maybe_sn(embed, True, name="label_embedding")(onehot)
    else:
        e = keras.layers.Embedding(
            num_classes, dim, embeddings_initializer=init, name="label_embedding"
        )(label)
    proj = keras.layers.Dot(axes=1, dtype="float32", name="projection")([e, features])
    return keras.layers.Add(dtype="float32", name="logits")([psi, proj])


def q_heads(h, num_categories: int, num_continuous: int, continuous_log_std: bool,
            spectral_norm: bool, init=None, q_units=None) -> dict:
    """InfoGAN's recognition heads ``Q(c | x)`` on the shared features ``h``.

    Args:
        h: Shared discriminator features ``(N, D)``.
        num_categories: Categories of the categorical code (``0`` = none).
        num_continuous: Number of continuous codes (``0`` = none).
        continuous_log_std: Also output the continuous codes' log std.
        spectral_norm: Spectrally normalise every ``Q`` layer.
        init: Initializer of the output layers; ``None`` = N(0, 0.02).
        q_units: Width of a hidden ``Dense`` + LeakyReLU(0.2) layer
            (``"q_dense"``, ``"q_lrelu"``) before the outputs; ``None`` = none.

    Returns:
        A dict with ``"q_categorical"`` logits, ``"q_continuous"`` means and
        ``"q_continuous_log_std"``, for the codes that exist.
    """
    if q_units:
        dense = keras.layers.Dense(q_units, name="q_dense_inner" if spectral_norm else "q_dense")
        h = maybe_sn(dense, spectral_norm, name="q_dense")(h)
        h = keras.layers.LeakyReLU(negative_slope=0.2, name="q_lrelu")(h)
    outputs = {}
    if num_categories:
        outputs["q_categorical"] = dense_head(
            h, num_categories, spectral_norm, "q_categorical", kernel_initializer=init
        )
    if num_continuous:
        outputs["q_continuous"] = dense_head(
            h, num_continuous, spectral_norm, "q_continuous", kernel_initializer=init
        )
        if continuous_log_std:
            outputs["q_continuous_log_std"] = dense_head(
                h, num_continuous, spectral_norm, "q_continuous_log_std",
                kernel_initializer=init,
            )
    return outputs


def discriminator_heads(features, spectral_norm: bool, init=None, *, label=None,
                        num_classes: int = 0, class_head: bool = False,
                        num_categories: int = 0, num_continuous: int = 0,
                        continuous_log_std: bool = False, q_units=None):
    """The real/fake logit and the optional heads of a discriminator, on its features.

    Args:
        features: ``phi``, the ``(N, D)`` output of the discriminator trunk.
        spectral_norm: Spectrally normalise every head.
        init: Initializer of the heads; ``None`` = N(0, 0.02).
        label: int32 labels: the logit is the projection
            ``psi(phi) + <embed(label), phi>``; ``None`` = a plain ``Dense(1)``.
        num_classes: Classes of the projection embedding or the class head.
        class_head: Add ACGAN's ``"class_logits"`` ``(N, num_classes)`` head.
        num_categories, num_continuous, continuous_log_std, q_units: InfoGAN's
            ``Q`` heads (see :func:`q_heads`); none when both counts are 0.

    Returns:
        The ``(N, 1)`` float32 logits alone, or with any extra head a dict
        ``{"logits": ..., "class_logits" | "q_*": ...}``.
    """
    if label is not None:
        logits = projection_logits(features, label, num_classes, spectral_norm, init=init)
    else:
        logits = dense_head(features, 1, spectral_norm, name="logits", kernel_initializer=init)
    outputs = {"logits": logits}
    if class_head:
        outputs["class_logits"] = dense_head(
            features, num_classes, spectral_norm, name="class_logits", kernel_initializer=init
        )
    if num_categories or num_continuous:
        outputs.update(q_heads(features, num_categories, num_continuous, continuous_log_std,
                               spectral_norm, init=init, q_units=q_units))
    return logits if len(outputs) == 1 else outputs
