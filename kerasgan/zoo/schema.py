"""The zoo entry schema: what a ``kerasgan/zoo/configs/NAME.yaml`` file holds.

An entry names a family and a data set, lists only how its training differs
from the family's default recipe (:func:`kerasgan.training.default_recipe`),
and records the metrics measured on the published weights and where those
weights live::

    name: wgan-gp-ring8
    description: ...
    family: wgan_gp
    data: ring8
    preprocessing: raw 2-D coordinates (no scaling)     # optional
    recipe: {}                                         # TrainConfig keys that differ, e.g. {epochs: 25}
    metrics: {protocol: {...}, values: {...}}          # or: none
    weights: {url: weights/wgan-gp-ring8.weights.h5, sha256: ..., size: ...}   # or: none

:func:`validate_entry` checks every key (unknown keys get a ``difflib``
suggestion, nothing is silently defaulted), :func:`train_config_values` maps
an entry onto :class:`kerasgan.training.TrainConfig` keys.
"""

from __future__ import annotations

import difflib
import math
import numbers
import os
import re

from kerasgan.errors import ConfigError

__all__ = [
    "NONE",
    "ZooConfigError",
    "is_entry",
    "load_entry",
    "train_config_values",
    "validate_entry",
]

#: The literal that marks "no weights published" / "no metrics measured".
NONE = "none"
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")
#: TrainConfig keys an entry's recipe may not set (they are the entry's own fields).
_OWN_FIELDS = ("family", "data")


class ZooConfigError(ConfigError):
    """An invalid zoo entry: names the file, the key and what is allowed."""


# Field specs: key -> (type name, required). Type names are checked by _check.
_TOP = {
    "name": ("name", True),
    "description": ("str", True),
    "family": ("str", True),
    "data": ("str", True),
    "preprocessing": ("str", False),
    "recipe": ("mapping", True),
    "metrics": ("mapping_or_none", True),
    "weights": ("mapping_or_none", True),
}
_METRICS = {"protocol": ("mapping", True), "values": ("mapping", True)}
_WEIGHTS = {"url": ("str", True), "sha256": ("sha256", True), "size": ("int", True)}

_TYPE_WORDS = {
    "name": "a lower-case name (letters, digits, '-', '_', '.')",
    "str": "a non-empty string",
    "str_or_null": "a string or null",
    "int": "an integer",
    "int_or_null": "an integer or null",
    "bool": "true or false",
    "number": "a number",
    "positive": "a positive number",
    "mapping": "a mapping",
    "mapping_or_none": f"a mapping or '{NONE}'",
    "sha256": "64 lower-case hex digits",
}


def _fail(source, key, message):
    where = f"{source}: " if source else ""
    raise ZooConfigError(f"{where}key {key!r}: {message}")


def _is_int(value):
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _type_ok(kind, value):
    if kind == "name":
        return isinstance(value, str) and bool(_NAME_RE.match(value))
    if kind == "str":
        return isinstance(value, str) and bool(value.strip())
    if kind == "str_or_null":
        return value is None or isinstance(value, str)
    if kind == "int":
        return _is_int(value)
    if kind == "int_or_null":
        return value is None or _is_int(value)
    if kind == "bool":
        return isinstance(value, bool)
    if kind in ("number", "positive"):
        ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
        ok = ok and math.isfinite(value)
        return ok and (kind == "number" or value > 0)
    if kind == "mapping":
        return isinstance(value, dict)
    if kind == "mapping_or_none":
        return isinstance(value, dict) or value == NONE
    if kind == "sha256":
        return isinstance(value, str) and bool(_SHA_RE.match(value))
    raise AssertionError(kind)


def _check_section(values, spec, source, prefix):
    """Checks one mapping against ``spec``; ``prefix`` is the dotted path for messages."""
    allowed = list(spec)
    for key in values:
        if key not in spec:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            _fail(source, f"{prefix}{key}", f"unknown key.{hint} Allowed keys: {', '.join(allowed)}.")
    for key, (kind, required) in spec.items():
        if key not in values:
            if required:
                _fail(source, f"{prefix}{key}", f"missing; it must be {_TYPE_WORDS[kind]}.")
            continue
        value = values[key]
        if not _type_ok(kind, value):
            _fail(
                source,
                f"{prefix}{key}",
                f"must be {_TYPE_WORDS[kind]}, got {value!r} ({type(value).__name__}).",
            )


def _check_choice(value, choices, source, key):
    if value not in choices:
        close = difflib.get_close_matches(str(value), list(choices), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        _fail(source, key, f"{value!r} is not allowed.{hint} Allowed values: {', '.join(choices)}.")


def validate_entry(entry, source=None, full=True):
    """Validates a parsed zoo entry in place of a schema library.

    Args:
        entry: the mapping read from the YAML file.
        source: the file name, for messages.
        full: also check ``family`` against the registered families and the
            recipe's values against TrainConfig (this imports them, and Keras;
            listing the zoo checks the keys and types only).

    Returns:
        ``entry`` unchanged.

    Raises:
        ZooConfigError: unknown key (with the closest allowed key), missing
            key, wrong type, or a value outside the allowed ones; the message
            names the file, the dotted key and what is allowed.

    Example:
        >>> validate_entry({"name": "x"}, "x.yaml")
        Traceback (most recent call last):
        ...
        kerasgan.zoo.schema.ZooConfigError: x.yaml: key 'description': missing; ...
    """
    if not isinstance(entry, dict):
        where = f"{source}: " if source else ""
        raise ZooConfigError(f"{where}a zoo entry must be a mapping, got {type(entry).__name__}.")
    _check_section(entry, _TOP, source, "")
    if full:
        from kerasgan import families

        _check_choice(entry["family"], families.names(), source, "family")
        _check_recipe(entry, source)
    if entry["metrics"] != NONE:
        _check_section(entry["metrics"], _METRICS, source, "metrics.")
    if entry["weights"] != NONE:
        _check_section(entry["weights"], _WEIGHTS, source, "weights.")
        if entry["weights"]["size"] < 1:
            _fail(source, "weights.size", f"must be >= 1, got {entry['weights']['size']}.")
    return entry


def is_entry(values):
    """True when a parsed YAML mapping is a zoo entry rather than a flat TrainConfig."""
    return isinstance(values, dict) and "recipe" in values and "weights" in values


def load_entry(path, full=True):
    """Reads and validates a zoo entry YAML file (``full``: see :func:`validate_entry`).

    Raises:
        FileNotFoundError: no such file.
        ZooConfigError: not YAML, not a mapping, or not a valid entry.
    """
    import yaml

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"zoo config {path!r} not found.")
    with open(path, encoding="utf-8") as handle:
        try:
            entry = yaml.safe_load(handle)
        except yaml.YAMLError as error:
            detail = " ".join(str(error).split())
            raise ZooConfigError(f"{path}: not valid YAML: {detail}") from None
    return validate_entry(entry, source=path, full=full)


def _check_recipe(entry, source):
    """Every recipe key is a TrainConfig key with a valid value."""
    from kerasgan.training import TrainConfig

    recipe = entry["recipe"]
    valid = [k for k in TrainConfig.keys() if k not in _OWN_FIELDS]
    for key in recipe:
        if key in _OWN_FIELDS:
            _fail(source, f"recipe.{key}", f"set {key!r} as the entry's own top-level key.")
        if key not in valid:
            close = difflib.get_close_matches(str(key).replace("-", "_"), valid, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            _fail(source, f"recipe.{key}", f"unknown key.{hint} Allowed keys: {', '.join(valid)}.")
    try:
        TrainConfig.from_dict({"family": entry["family"], "data": entry["data"], **recipe})
    except ConfigError as error:
        message = str(error)
        key = next((k for k in recipe if f"'{k}'" in message), None)
        _fail(source, f"recipe.{key}" if key else "recipe", message)


def train_config_values(entry, source=None):
    """The :class:`kerasgan.training.TrainConfig` keys that reproduce an entry.

    The family's default recipe fills every key the entry's ``recipe`` does
    not set (``TrainConfig.resolved``).

    Args:
        entry: a validated entry (see :func:`validate_entry`).
        source: the file name, for messages.

    Returns:
        dict of TrainConfig keys.
    """
    return {"family": entry["family"], "data": entry["data"], **entry["recipe"]}
