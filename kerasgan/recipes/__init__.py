"""The families' default training recipes: YAML data, read here for Python and the CLI alike.

A family's recipe is ``kerasgan/recipes/NAME.yaml`` (or the file its class
names in ``recipe_file``, for a family written outside the package), holding
one section per data kind with training keys (``epochs``, ``batch_size``,
``latent_dim``, ``g_lr``, ``d_lr``, ``ema_momentum``, ``family_kwargs``,
``d_steps``, ``epoch_size``). A file lists only the differences from the
recipe of the family's nearest base class with one (``extends: NAME`` names
another recipe explicitly). The measured reasons for each value are comments
in the files.

This is the one reader of those files: ``Family.build_for_data`` +
``compile()`` (through :meth:`kerasgan.core.FamilyContract.default_recipe`)
and ``kerasgan train`` (through :func:`kerasgan.training.default_recipe`)
both call :func:`recipe_for`. It imports nothing of kerasgan but its errors,
so core can use it.

Example:
    >>> import kerasgan
    >>> recipe_for(kerasgan.WGANGP, kerasgan.data.spec("ring8"))["family_kwargs"]
    {'gp_weight': 1.0}
"""

from __future__ import annotations

import copy
import difflib
import functools
import os

from kerasgan.errors import ConfigError

__all__ = ["RECIPE_DIR", "RECIPE_KEYS", "recipe_document", "recipe_for"]

#: Folder of the built-in families' recipe files.
RECIPE_DIR = os.path.dirname(os.path.abspath(__file__))
#: Keys of a data-kind section that are not recipe keys.
_SECTION_KEYS = ("by_data", "by_size")
#: Keys a recipe may set (all are TrainConfig keys).
RECIPE_KEYS = ("epochs", "batch_size", "latent_dim", "g_lr", "d_lr", "ema_momentum",
               "family_kwargs", "d_steps", "epoch_size")


@functools.lru_cache(maxsize=None)
def _read_yaml(path):
    import yaml

    with open(path, encoding="utf-8") as handle:
        try:
            values = yaml.safe_load(handle) or {}
        except yaml.YAMLError as error:
            raise ConfigError(f"{path}: not valid YAML: {str(error).splitlines()[0]}") from None
    if not isinstance(values, dict):
        raise ConfigError(f"{path}: a recipe must be a mapping of data kinds to settings.")
    return values


def _merge(base, diff):
    """``diff`` over ``base``: mappings merge key by key, ``by_size`` lists are replaced."""
    out = copy.deepcopy(base)
    for key, value in diff.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _recipe_file_of(cls):
    """The recipe file a class declares or has in RECIPE_DIR, or None."""
    declared = cls.__dict__.get("recipe_file")
    if declared:
        return os.fspath(declared)
    name = cls.__dict__.get("family_name")
    if name:
        path = os.path.join(RECIPE_DIR, f"{name}.yaml")
        if os.path.isfile(path):
            return path
    return None


def _check_keys(values, where):
    for key in values:
        if key not in RECIPE_KEYS:
            close = difflib.get_close_matches(str(key), RECIPE_KEYS, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ConfigError(
                f"{where}: unknown recipe key {key!r}.{hint} Valid keys: {', '.join(RECIPE_KEYS)}."
            )


def _check_document(values, path):
    """Every key of every section of a recipe file is a recipe key (the error names the file)."""
    for kind, section in values.items():
        if kind == "extends":
            continue
        if not isinstance(section, dict):
            raise ConfigError(f"{path}: section {kind!r} must be a mapping of recipe keys.")
        _check_keys({k: v for k, v in section.items() if k not in _SECTION_KEYS}, f"{path} [{kind}]")
        for name, override in (section.get("by_data") or {}).items():
            _check_keys(override, f"{path} [{kind}.by_data.{name}]")
        for entry in section.get("by_size") or []:
            _check_keys({k: v for k, v in entry.items() if k != "max_size"}, f"{path} [{kind}.by_size]")


def _document_of_file(path, seen=()):
    if path in seen:
        raise ConfigError(f"{path}: 'extends' loops back to itself ({' -> '.join(seen)}).")
    values = dict(_read_yaml(path))
    _check_document(values, path)
    parent = values.pop("extends", None)
    if parent is None:
        return values
    parent_path = os.path.join(RECIPE_DIR, f"{parent}.yaml")
    if not os.path.isfile(parent_path):
        raise ConfigError(f"{path}: 'extends: {parent}' names no recipe in {RECIPE_DIR}.")
    return _merge(_document_of_file(parent_path, seen + (path,)), values)


def recipe_document(family_cls):
    """The merged recipe document of a family class: ``{data kind: section}``.

    Walks the class hierarchy from the most basic class with a recipe to the
    family itself, merging each file's differences.
    """
    document = {}
    for klass in reversed(family_cls.__mro__):
        path = _recipe_file_of(klass)
        if path is not None:
            document = _merge(document, _document_of_file(path))
    return document


def recipe_for(family_cls, data_spec):
    """The default training recipe of a family class on a data set.

    Args:
        family_cls: the family class (its ``family_name`` / ``recipe_file``
            and its base classes' name the files).
        data_spec: the :class:`kerasgan.data.DataSpec` of the data (its
            ``kind``, ``name`` and ``shape``).

    Returns:
        dict of recipe keys (``epochs``, ``batch_size``, ``latent_dim``,
        ``g_lr``, ``d_lr``, ``ema_momentum``, ``family_kwargs``, ...); ``None``
        learning rates mean the family's paper optimizers.

    Raises:
        ConfigError: the family has no recipe for this kind of data, or a
            recipe file with an unknown key.
    """
    name = family_cls.family_name or family_cls.__name__
    document = recipe_document(family_cls)
    section = document.get(data_spec.kind)
    if not isinstance(section, dict):
        kinds = ", ".join(k for k, v in document.items() if isinstance(v, dict)) or "none"
        raise ConfigError(
            f"{name} has no default recipe for {data_spec.kind} data ({data_spec.name}); "
            f"its recipe covers: {kinds}. Add a '{data_spec.kind}:' section to its recipe file."
        )
    recipe = {k: copy.deepcopy(v) for k, v in section.items() if k not in _SECTION_KEYS}
    recipe = _merge(recipe, (section.get("by_data") or {}).get(data_spec.name, {}))
    if section.get("by_size") and len(data_spec.shape) == 3:
        side = int(data_spec.shape[0])
        for entry in section["by_size"]:
            if entry.get("max_size") is None or side <= int(entry["max_size"]):
                recipe = _merge(recipe, {k: v for k, v in entry.items() if k != "max_size"})
                break
    _check_keys(recipe, f"recipe of {name} for {data_spec.kind} data")
    recipe.setdefault("family_kwargs", {})
    return recipe
