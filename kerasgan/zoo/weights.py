"""Weights files of zoo entries: network-only ``.weights.h5``, shape checks, loading.

Published weights hold the networks' variables only (no optimizer state:
that would triple the size and is not needed to sample or fine-tune), stored
as float16 (half the size again; outputs differ from the float32 originals
by about 1e-3 on the [-1, 1] scale, and the published metrics are measured
on the float16 file). Before
loading, the file's variables are compared with the built model's, so a file
from a differently sized model fails with the layer path and both shapes
instead of a deep Keras traceback.
"""

from __future__ import annotations

import os
import tempfile
import warnings

__all__ = [
    "WeightsError",
    "check_weights",
    "load_weights",
    "model_variable_shapes",
    "save_network_weights",
    "variable_shapes",
]

#: Top-level groups of a Keras ``.weights.h5`` that hold optimizer state.
_OPTIMIZER_GROUPS = ("g_optimizer", "d_optimizer", "optimizer")


class WeightsError(ValueError):
    """Weights that cannot be fetched, verified or loaded; the message says how to fix it."""


def _is_optimizer(path):
    return path.split("/", 1)[0] in _OPTIMIZER_GROUPS


def variable_shapes(path):
    """``{variable path: shape}`` of the network variables in a ``.weights.h5`` file.

    Raises:
        WeightsError: the file is not an HDF5 file.
    """
    import h5py

    shapes = {}
    try:
        with h5py.File(path, "r") as handle:

            def visit(name, obj):
                if isinstance(obj, h5py.Dataset) and not _is_optimizer(name):
                    shapes[name] = tuple(obj.shape)

            handle.visititems(visit)
    except OSError as error:
        raise WeightsError(
            f"{path!r} is not a Keras .weights.h5 file (HDF5 could not open it: "
            f"{' '.join(str(error).split())}); delete it and fetch or save it again."
        ) from None
    return shapes


def _network_copy(src, dst, half=False):
    """Copies every group but the optimizers' from one HDF5 file into a new one.

    With ``half``, float32 variables are stored as float16 (Keras casts them
    back when loading into float32 variables).
    """
    import h5py
    import numpy as np

    with h5py.File(src, "r") as source, h5py.File(dst, "w") as target:

        def copy(name, obj):
            if _is_optimizer(name):
                return
            if isinstance(obj, h5py.Dataset):
                data = obj[()]
                if half and data.dtype == np.float32:
                    data = data.astype(np.float16)
                target.create_dataset(name, data=data)
            else:
                target.require_group(name)
            for key, value in obj.attrs.items():
                target[name].attrs[key] = value

        for key, value in source.attrs.items():
            target.attrs[key] = value
        source.visititems(copy)


def save_network_weights(model, path, half=False):
    """Saves ``model``'s network variables (no optimizer state) to ``path`` atomically.

    Args:
        model: a kerasgan family model.
        path: a ``.weights.h5`` file name.
        half: store float32 variables as float16 (half the size; the zoo's
            published weights use it, and their metrics are measured on them).
    """
    from kerasgan.files import atomic_path

    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".weights-") as scratch:
        full = os.path.join(scratch, "full.weights.h5")
        model.save_weights(full)
        with atomic_path(path, suffix=".weights.h5") as tmp:
            _network_copy(full, tmp, half=half)
            os.chmod(tmp, 0o644)


def model_variable_shapes(model):
    """``{variable path: shape}`` that ``model.save_weights`` writes (networks only)."""
    with tempfile.TemporaryDirectory(prefix="kerasgan-shapes-") as scratch:
        path = os.path.join(scratch, "model.weights.h5")
        model.save_weights(path)
        return variable_shapes(path)


def _layer_of(path):
    """``generator/layers/dense_1/vars/0`` -> ``generator/layers/dense_1`` (variable 0)."""
    head, sep, index = path.rpartition("/vars/")
    return (head, index) if sep else (path, None)


def check_weights(model, path, source=None):
    """Raises :class:`WeightsError` unless ``path`` fits ``model`` variable for variable.

    Args:
        model: the built model the weights are meant for.
        path: the ``.weights.h5`` file.
        source: what the file is (entry name, url), for the message.

    Raises:
        WeightsError: not HDF5, or a layer whose variables are missing, extra
            or of another shape; names the layer and both shapes.
    """
    what = source or path
    found = variable_shapes(path)
    expected = model_variable_shapes(model)
    problems = []
    for key, shape in expected.items():
        layer, index = _layer_of(key)
        if key not in found:
            problems.append(f"layer {layer!r} variable {index}: expected shape {shape}, "
                            "missing in the file")
        elif found[key] != shape:
            problems.append(f"layer {layer!r} variable {index}: expected shape {shape}, "
                            f"found {found[key]}")
    for key in sorted(set(found) - set(expected)):
        layer, index = _layer_of(key)
        problems.append(f"layer {layer!r} variable {index}: found shape {found[key]}, "
                        "which the model does not have")
    if problems:
        shown = "; ".join(problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise WeightsError(
            f"weights {what!r} do not fit the {type(model).__name__} model: {shown}{more}. "
            "They come from a differently configured model: build the model with the "
            "config the weights were trained with (the entry's YAML)."
        )


def load_weights(model, path, source=None):
    """Checks ``path`` against ``model`` (:func:`check_weights`) and loads it.

    Returns:
        ``model``.
    """
    check_weights(model, path, source)
    try:
        with warnings.catch_warnings():
            # Published files carry no optimizer state on purpose (see the module docstring).
            warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
            model.load_weights(path)
    except Exception as error:  # noqa: BLE001  translate Keras' errors into one message
        detail = " ".join(str(error).split()) or type(error).__name__
        raise WeightsError(f"could not load weights {source or path!r}: {detail}") from None
    return model
