"""Class-label inputs and codes shared by the conditional builders.

Labels are an int32 input of shape ``(N,)`` (``keras.Input(shape=(),
dtype="int32")``); a label outside ``[0, num_classes)`` is encoded as all
zeros by the one-hot code.
"""

from __future__ import annotations

import keras


def int_input(name: str):
    """A scalar-per-sample int32 input, e.g. class labels of shape ``(N,)``.

    Args:
        name: Input name (``"label"``, ``"domain"``).

    Returns:
        The ``keras.Input`` tensor.
    """
    return keras.Input(shape=(), dtype="int32", name=name)


def label_code(label, num_classes: int, embedding_dim, name: str):
    """``(N,)`` int labels -> ``(N, D)`` code: one-hot or a learned embedding.

    Args:
        label: int32 label tensor ``(N,)``.
        num_classes: Number of classes.
        embedding_dim: ``None`` for a one-hot code (layer ``f"{name}_onehot"``),
            else the size of a learned ``Embedding`` (``f"{name}_embedding"``).
        name: Prefix of the layer name.

    Returns:
        The ``(N, num_classes)`` or ``(N, embedding_dim)`` code.
    """
    if embedding_dim is None:
        return keras.layers.CategoryEncoding(
            num_tokens=num_classes, output_mode="one_hot", name=f"{name}_onehot"
        )(label)
    return keras.layers.Embedding(num_classes, embedding_dim, name=f"{name}_embedding")(label)


def tile_code(code, image_size: int, name: str):
    """``(N, D)`` code -> ``(N, image_size, image_size, D)`` spatially constant map.

    Args:
        code: The ``(N, D)`` code.
        image_size: Side of the map.
        name: Prefix of the ``f"{name}_reshape"`` and ``f"{name}_tile"`` layers.

    Returns:
        The tiled code.
    """
    dim = code.shape[-1]
    h = keras.layers.Reshape((1, 1, dim), name=f"{name}_reshape")(code)
    return keras.layers.UpSampling2D(size=image_size, name=f"{name}_tile")(h)


def append_label(h, label, num_classes: int, embedding_dim, name: str, concat_name: str):
    """Concatenate the code of ``label`` to ``h``: as features, or as image channels.

    Args:
        h: ``(N, D)`` vectors or ``(N, S, S, C)`` images (the code is then
            tiled over the image).
        label: int32 label tensor ``(N,)``.
        num_classes: Number of classes.
        embedding_dim: ``None`` (one-hot) or a learned embedding size.
        name: Prefix of the code layers (see :func:`label_code`).
        concat_name: Name of the ``Concatenate`` layer.

    Returns:
        ``h`` with the code appended on the last axis.
    """
    code = label_code(label, num_classes, embedding_dim, name=name)
    if len(h.shape) == 4:
        code = tile_code(code, h.shape[1], name=name)
    return keras.layers.Concatenate(name=concat_name)([h, code])
