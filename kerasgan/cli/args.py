"""Argument types and shared flags of the ``kerasgan`` commands."""

from __future__ import annotations

import argparse
import os

from kerasgan.errors import CLIError

__all__ = [
    "LazyChoices",
    "LazyText",
    "add_plugin_argument",
    "int_list",
    "key_value",
    "load_model_argument",
    "load_plugins",
    "non_negative_int",
    "positive_float",
    "positive_int",
    "zoo_entry_named",
]


class LazyText(str):
    """A help text made when it is shown: ``LazyText(lambda: ...)``.

    Help that lists what a registry holds (families, metrics) would import
    TensorFlow to build the parser; this defers it to ``--help`` of that command.
    """

    def __new__(cls, make):
        """``make()`` returns the text (argparse's ``%(default)s`` style allowed)."""
        text = super().__new__(cls, "...")
        text._make = make
        return text

    def __mod__(self, params):
        return self._make() % params


class LazyChoices:
    """argparse ``choices`` loaded when a value is checked or the help lists them.

    Give the argument a ``metavar``: argparse would list the choices to build one.
    """

    def __init__(self, load):
        """``load()`` returns the allowed values."""
        self._load = load

    def __contains__(self, value):
        return value in self._load()

    def __iter__(self):
        return iter(self._load())


def int_at_least(minimum, description):
    """An argparse type accepting integers >= ``minimum``."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"expected {description}, got {text!r}")
        return value

    return parse


positive_int = int_at_least(1, "a positive integer")
non_negative_int = int_at_least(0, "an integer >= 0")


def positive_float(text):
    """An argparse type accepting finite numbers > 0."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def key_value(text):
    """An argparse type for ``KEY=VALUE`` (the value parsed as YAML: numbers, booleans, lists)."""
    import yaml

    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    try:
        parsed = yaml.safe_load(value) if value else None
    except yaml.YAMLError:
        parsed = value
    return key.strip(), parsed


def int_list(text):
    """argparse type of ``--labels`` / ``--categories`` / ``--domains``: ``0,1,2``."""
    parts = [part.strip() for part in text.split(",")]
    try:
        values = [int(part) for part in parts]
    except ValueError:
        values = None
    if not values:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers like 0,1,2, got {text!r}"
        )
    return values


def add_plugin_argument(parser):
    """Adds ``--plugin MODULE_OR_FILE.py`` (repeatable) to a command that builds or loads models."""
    parser.add_argument(
        "--plugin",
        dest="plugins",
        metavar="MODULE_OR_FILE.py",
        action="append",
        default=[],
        help="import a module (dotted name or .py file) that registers GAN families with "
        "@kerasgan.families.register (repeatable)",
    )


def load_plugins(args):
    """Imports the ``--plugin`` modules of parsed ``args``; a failure is a :class:`CLIError`."""
    from kerasgan import families

    for plugin in getattr(args, "plugins", None) or []:
        try:
            families.load_plugin(plugin)
        except ValueError as error:
            raise CLIError(f"--plugin {error}") from None


def zoo_entry_named(value):
    """The zoo entry a command-line value names, or ``None`` (an existing path never does).

    ``NAME`` names entry NAME, and so does ``zoo/NAME.yaml`` (the repository's
    link to the entries) where no such file exists, e.g. after a pip install.
    """
    if os.path.exists(value):
        return None
    from kerasgan.zoo import registry

    names = registry.names()
    if value in names:
        return value
    folder, file = os.path.split(value)
    stem = file[: -len(".yaml")] if file.endswith(".yaml") else None
    if stem in names and os.path.basename(os.path.normpath(folder)) in ("zoo", "configs"):
        return stem
    return None


def load_model_argument(value):
    """The model a ``MODEL.keras`` argument names: a saved file, or a zoo entry with its weights.

    Raises:
        CLIError: no such file or entry, a file that does not load, or an
            entry without published weights.
    """
    name = zoo_entry_named(value)
    if name is None:
        from kerasgan import training

        if not os.path.exists(value) and not value.endswith(".keras"):
            raise CLIError(
                f"{value!r} is neither a .keras file nor a zoo entry; pass RUN/model.keras "
                "or an entry name (see 'kerasgan zoo list')."
            )
        return training.load_model_file(value, error=CLIError)
    from kerasgan import zoo

    return zoo.load(name, compile=False)
