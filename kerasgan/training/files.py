"""Run-folder files: strict JSON, YAML and ``.keras`` models written atomically, and read back.

Every write goes to a temporary file in the same folder and is renamed into
place (``kerasgan.files``), so an interrupted run never leaves a truncated file.
"""

from __future__ import annotations

import json
import math
import os

import numpy as np

from kerasgan.files import atomic_path

__all__ = [
    "checkpoint_paths",
    "load_model_file",
    "read_state",
    "save_model_atomic",
    "write_json",
    "write_yaml",
]

def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _finite_or_none(value):
    """Strict JSON: NaN and infinities become ``null``; recurses into containers."""
    if isinstance(value, dict):
        return {k: _finite_or_none(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite_or_none(v) for v in value]
    if isinstance(value, np.ndarray):
        return _finite_or_none(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_json(data, path):
    """Writes ``data`` as indented, strict JSON atomically.

    numpy values are converted; NaN and infinities are written as ``null``.
    """
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(
                _finite_or_none(data), handle, indent=2, allow_nan=False, default=_json_default
            )
            handle.write("\n")


def write_yaml(data, path):
    """Writes ``data`` as YAML atomically, keys in insertion order."""
    import yaml

    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as handle:
            yaml.safe_dump(data, handle, sort_keys=False, default_flow_style=False)


def save_model_atomic(model, path):
    """``model.save(path)`` through a temporary ``.keras`` file and ``os.replace``."""
    with atomic_path(path, suffix=".keras") as tmp:
        model.save(tmp)


def checkpoint_paths(out_dir):
    """Paths of the checkpoint model and state file of a run folder."""
    folder = os.path.join(os.fspath(out_dir), "checkpoints")
    return os.path.join(folder, "last.keras"), os.path.join(folder, "state.json")


def read_state(out_dir):
    """The checkpoint state of a run folder, or ``None`` if it has none.

    Returns:
        dict with ``epoch`` (epochs finished), ``config`` and ``history``.

    Raises:
        ResumeError: the state file is not valid JSON or lacks its keys
            (naming the file and how to go on).
    """
    from kerasgan.errors import ResumeError

    _, state_path = checkpoint_paths(out_dir)
    if not os.path.isfile(state_path):
        return None
    try:
        with open(state_path, encoding="utf-8") as handle:
            state = json.load(handle)
        int(state["epoch"])
        dict(state["config"])
    except (ValueError, KeyError, TypeError) as error:
        raise ResumeError(
            f"the checkpoint state {state_path} is corrupt ({type(error).__name__}: {error}); "
            "delete the checkpoints/ folder and train again with --overwrite."
        ) from None
    return state


def load_model_file(path, error=ValueError, compile=False):
    """Loads a kerasgan model saved with ``model.save("x.keras")``, with one-line errors.

    The one home of loading a ``.keras`` file for the CLI, export and the
    zoo: it registers the families (built-in and installed plugins) first.

    Args:
        path: the ``.keras`` file.
        error: the exception class to raise (``CLIError``, ``ExportError``...).
        compile: replay the saved compile arguments.

    Returns:
        The model.

    Raises:
        ``error``: a path that is not a ``.keras`` file, does not exist, does
            not load (the message names the file and the first line of the
            cause), or holds a Keras model that is not a kerasgan family.
    """
    import keras

    from kerasgan import families

    path = os.fspath(path)
    if not path.endswith(".keras"):
        raise error(
            f"{path} is not a .keras file; pass a model saved with model.save('model.keras') "
            "(kerasgan train writes RUN/model.keras)."
        )
    if not os.path.isfile(path):
        raise error(f"model file {path!r} not found; pass the model.keras of a training run.")
    families.names()  # loads entry-point plugins, so their classes deserialize
    try:
        model = keras.models.load_model(path, compile=compile)
    except Exception as cause:  # noqa: BLE001  any load failure is reported in one line
        first = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
        if first.startswith("Could not locate class"):
            missing = first.split("'")[1] if first.count("'") >= 2 else "?"
            raise error(
                f"{path!r} holds a model of class {missing!r}, which no loaded module registers; "
                "pass the module that defines it with --plugin MODULE_OR_FILE.py (Python: "
                "kerasgan.families.load_plugin(...) before loading)."
            ) from None
        if len(first) > 300:
            first = first[:300] + "..."
        raise error(
            f"could not load {path!r} as a kerasgan model ({first}); is it a kerasgan family "
            "saved with model.save()? A family of your own needs --plugin MODULE_OR_FILE.py."
        ) from None
    if families.name_of(model) is None:
        raise error(
            f"{path!r} holds a {type(model).__name__}, not a kerasgan family model; "
            f"kerasgan reads models of the families {', '.join(families.names())}."
        )
    return model
