"""The zoo entry schema: what a ``kerasgan/zoo/configs/NAME.yaml`` file holds.

An entry names a family, its networks, the data, the training recipe, the
metrics measured on the published weights and where those weights live::

    name: gan-ring8
    description: ...
    family: gan
    nets: {builder: default, latent_dim: 16, family_kwargs: {}}
    data: {name: ring8, image_size: null, channels: null, epoch_size: null,
           preprocessing: ...}
    training:
      optimizers:
        generator: {type: Adam, learning_rate: 0.001, beta_1: 0.5, beta_2: 0.999}
        discriminator: {type: Adam, learning_rate: 0.001, beta_1: 0.5, beta_2: 0.999}
      batch_size: 256
      epochs: 150
      d_steps: 1
      seed: 0
      mixed_precision: float32
      jit_compile: true
    metrics: {protocol: {...}, values: {...}}      # or: none
    weights: {url: weights/gan-ring8.weights.h5, sha256: ..., size: ...}   # or: none

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
    "optimizer_spec",
    "train_config_values",
    "validate_entry",
]

#: The literal that marks "no weights published" / "no metrics measured".
NONE = "none"
#: Builders of ``nets.builder``: only the family's ``build_for_data`` can be
#: reproduced by ``kerasgan train`` (TrainConfig has no custom-network keys).
BUILDERS = ("default",)
OPTIMIZER_TYPES = ("Adam", "RMSprop")
MIXED_PRECISION = ("float32", "mixed_float16", "mixed_bfloat16")
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")
_SHA_RE = re.compile(r"^[0-9a-f]{64}$")


class ZooConfigError(ConfigError):
    """An invalid zoo entry: names the file, the key and what is allowed."""


# Field specs: key -> (type name, required). Type names are checked by _check.
_TOP = {
    "name": ("name", True),
    "description": ("str", True),
    "family": ("str", True),
    "nets": ("mapping", True),
    "data": ("mapping", True),
    "training": ("mapping", True),
    "metrics": ("mapping_or_none", True),
    "weights": ("mapping_or_none", True),
}
_NETS = {
    "builder": ("str", True),
    "latent_dim": ("int_or_null", True),
    "family_kwargs": ("mapping", False),
}
_DATA = {
    "name": ("str", True),
    "image_size": ("int_or_null", True),
    "channels": ("int_or_null", True),
    "epoch_size": ("int_or_null", False),
    "data_dir": ("str_or_null", False),
    "preprocessing": ("str", False),
}
_TRAINING = {
    "optimizers": ("mapping", True),
    "batch_size": ("int", True),
    "epochs": ("int", True),
    "d_steps": ("int_or_null", True),
    "seed": ("int", True),
    "mixed_precision": ("str", True),
    "jit_compile": ("bool", True),
    "sample_every": ("int", False),
}
_OPTIMIZERS = {"generator": ("mapping", True), "discriminator": ("mapping", True)}
_OPTIMIZER = {
    "type": ("str", True),
    "learning_rate": ("positive", True),
    "beta_1": ("number", False),
    "beta_2": ("number", False),
    "rho": ("number", False),
    "ema_momentum": ("number", False),
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


def validate_entry(entry, source=None):
    """Validates a parsed zoo entry in place of a schema library.

    Args:
        entry: the mapping read from the YAML file.
        source: the file name, for messages.

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
    from kerasgan import families  # light: no TensorFlow until a family is built

    _check_choice(entry["family"], families.names(), source, "family")
    _check_section(entry["nets"], _NETS, source, "nets.")
    _check_choice(entry["nets"]["builder"], BUILDERS, source, "nets.builder")
    kwargs = entry["nets"].get("family_kwargs", {})
    if not all(isinstance(k, str) for k in kwargs):
        _fail(source, "nets.family_kwargs", "argument names must be strings.")
    _check_section(entry["data"], _DATA, source, "data.")
    training = entry["training"]
    _check_section(training, _TRAINING, source, "training.")
    _check_choice(training["mixed_precision"], MIXED_PRECISION, source, "training.mixed_precision")
    _check_section(training["optimizers"], _OPTIMIZERS, source, "training.optimizers.")
    for side in ("generator", "discriminator"):
        prefix = f"training.optimizers.{side}."
        _check_section(training["optimizers"][side], _OPTIMIZER, source, prefix)
        _check_choice(training["optimizers"][side]["type"], OPTIMIZER_TYPES, source, prefix + "type")
    if entry["metrics"] != NONE:
        _check_section(entry["metrics"], _METRICS, source, "metrics.")
    if entry["weights"] != NONE:
        _check_section(entry["weights"], _WEIGHTS, source, "weights.")
        if entry["weights"]["size"] < 1:
            _fail(source, "weights.size", f"must be >= 1, got {entry['weights']['size']}.")
    return entry


def is_entry(values):
    """True when a parsed YAML mapping is a zoo entry rather than a flat TrainConfig."""
    return isinstance(values, dict) and "training" in values and "nets" in values


def load_entry(path):
    """Reads and validates a zoo entry YAML file.

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
    return validate_entry(entry, source=path)


def _short(value):
    """A float32 value as the shortest float that rounds to it (7 significant digits)."""
    return float(f"{float(value):.7g}")


def optimizer_spec(optimizer):
    """The ``training.optimizers.*`` mapping of a Keras optimizer (type, lr, betas or rho)."""
    config = optimizer.get_config()
    kind = type(optimizer).__name__
    # Optimizer configs hold float32 values: 1e-3 reads back as 0.0010000000474974513.
    spec = {"type": kind, "learning_rate": _short(config["learning_rate"])}
    for key in ("beta_1", "beta_2") if kind == "Adam" else ("rho",):
        spec[key] = _short(config[key])
    if config.get("use_ema"):
        spec["ema_momentum"] = _short(config["ema_momentum"])
    return spec


def _check_optimizers(entry, source):
    """TrainConfig can only change learning rates: the rest must be the family's."""
    from kerasgan import families

    family_cls = families.get(entry["family"])
    defaults = family_cls.default_optimizers()
    for side, default in zip(("generator", "discriminator"), defaults):
        given = entry["training"]["optimizers"][side]
        expected = optimizer_spec(default)
        for key, value in given.items():
            if key == "learning_rate" or (key == "ema_momentum" and side == "generator"):
                continue
            if key not in expected or (
                expected[key] != value if key == "type" else not math.isclose(expected[key], value)
            ):
                shown = {k: v for k, v in expected.items() if k != "learning_rate"}
                _fail(
                    source,
                    f"training.optimizers.{side}.{key}",
                    f"{value!r} differs from the {entry['family']} family's optimizer {shown}; "
                    "kerasgan train can only change the learning rate, so set these as the "
                    "family's (or drop the key).",
                )


def train_config_values(entry, source=None):
    """The :class:`kerasgan.training.TrainConfig` keys that reproduce an entry.

    ``nets.builder: default`` means ``FamilyClass.build_for_data``; the
    optimizer type and betas must be the family's (checked), the learning
    rates become ``g_lr`` / ``d_lr``.

    Args:
        entry: a validated entry (see :func:`validate_entry`).
        source: the file name, for messages.

    Returns:
        dict of TrainConfig keys.
    """
    _check_optimizers(entry, source)
    data, nets, training = entry["data"], entry["nets"], entry["training"]
    values = {
        "family": entry["family"],
        "data": data["name"],
        "epochs": training["epochs"],
        "batch_size": training["batch_size"],
        "epoch_size": data.get("epoch_size"),
        "image_size": data["image_size"],
        "channels": data["channels"],
        "latent_dim": nets["latent_dim"],
        "seed": training["seed"],
        "g_lr": float(training["optimizers"]["generator"]["learning_rate"]),
        "d_lr": float(training["optimizers"]["discriminator"]["learning_rate"]),
        # A generator average is part of the recipe: absent means none.
        "ema_momentum": float(training["optimizers"]["generator"].get("ema_momentum", 0.0)),
        "d_steps": training["d_steps"],
        "mixed_precision": training["mixed_precision"],
        "jit_compile": training["jit_compile"],
        "data_dir": data.get("data_dir"),
        "family_kwargs": dict(nets.get("family_kwargs", {})),
    }
    if "sample_every" in training:
        values["sample_every"] = training["sample_every"]
    return values
