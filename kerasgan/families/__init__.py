"""The family registry: every GAN family, by the name the CLI and the zoo use.

A family is a subclass of :class:`kerasgan.GAN` (or of another
:class:`kerasgan.core.AdversarialModel`) decorated with :func:`register`.
Each built-in family registers itself in its own module of this package;
families written elsewhere register when their module is imported, through
``kerasgan train --plugin MODULE_OR_FILE.py`` (:func:`load_plugin`) or the
``kerasgan.families`` entry-point group of an installed package.

Example:
    >>> from kerasgan import families
    >>> "wgan_gp" in families.names()
    True
    >>> cls = families.get("wgan_gp")

    >>> @families.register("ragan")                      # doctest: +SKIP
    ... class RaGAN(kerasgan.GAN): ...
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
import re
import sys

import keras

from kerasgan.errors import did_you_mean

#: Entry-point group through which installed packages add families.
ENTRY_POINT_GROUP = "kerasgan.families"
_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
_REGISTRY: dict = {}
_entry_points_loaded = False


def register(name):
    """Class decorator: registers a family under ``name`` (and for Keras serialization).

    Args:
        name: the family's name for the CLI, recipes and the zoo: lower case
            letters, digits and ``_``, starting with a letter.

    Returns:
        The decorator; it sets ``cls.family_name = name`` and returns the class.

    Raises:
        ValueError: a malformed name, or a name (or Keras class name) already
            taken by another class.

    Example:
        >>> @register("ragan")                            # doctest: +SKIP
        ... class RaGAN(kerasgan.GAN):
        ...     def discriminator_terms(self, batch, draw, training=True): ...
    """
    if not isinstance(name, str) or not _NAME_PATTERN.match(name):
        raise ValueError(
            f"family name must be lower case letters, digits and '_', starting with a letter; "
            f"got {name!r}."
        )

    def decorator(cls):
        from kerasgan.core.adversarial import AdversarialModel

        if not (isinstance(cls, type) and issubclass(cls, AdversarialModel)):
            raise TypeError(
                f"@register({name!r}) decorates a subclass of kerasgan.GAN (or "
                f"kerasgan.core.AdversarialModel); got {cls!r}."
            )
        taken = _REGISTRY.get(name)
        if taken is not None and _qualified(taken) != _qualified(cls):
            raise ValueError(
                f"family name {name!r} is already registered by {_qualified(taken)}; "
                "choose another name."
            )
        keras_name = f"kerasgan>{cls.__name__}"
        known = keras.saving.get_registered_object(keras_name)
        if known is not None and _qualified(known) != _qualified(cls):
            raise ValueError(
                f"class name {cls.__name__!r} is already registered for Keras serialization "
                f"by {_qualified(known)}; rename the class."
            )
        cls.family_name = name
        keras.saving.register_keras_serializable(package="kerasgan")(cls)
        _REGISTRY[name] = cls
        return cls

    return decorator


def unregister(name):
    """Removes a family from the registry (tests, interactive sessions); unknown names are ignored.

    Returns:
        The class that was registered, or ``None``.
    """
    return _REGISTRY.pop(name, None)


def _qualified(cls):
    return f"{cls.__module__}.{cls.__qualname__}"


def _load_builtin_families():
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def _load_entry_points():
    """Imports the families that installed packages declare (once)."""
    global _entry_points_loaded
    if _entry_points_loaded:
        return
    _entry_points_loaded = True
    from importlib.metadata import entry_points

    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            entry_point.load()
        except Exception as error:  # noqa: BLE001  a broken plugin must not break kerasgan
            import warnings

            warnings.warn(
                f"could not load the kerasgan family plugin {entry_point.name!r} "
                f"({entry_point.value}): {error}",
                stacklevel=2,
            )


def load_plugin(module_or_file):
    """Imports a module that registers families (``--plugin``).

    Args:
        module_or_file: a dotted module name (``my_package.my_family``) or
            the path of a ``.py`` file.

    Returns:
        The imported module.

    Raises:
        ValueError: the file or module does not exist or fails to import
            (the message names it and the error).
    """
    text = os.fspath(module_or_file)
    try:
        if text.endswith(".py") or os.sep in text:
            path = os.path.abspath(text)
            if not os.path.isfile(path):
                raise ValueError(f"plugin file {text!r} not found.")
            module_name = "kerasgan_plugin_" + re.sub(r"\W", "_", os.path.splitext(path)[0])
            if module_name in sys.modules:
                return sys.modules[module_name]
            spec = importlib.util.spec_from_file_location(module_name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            try:
                spec.loader.exec_module(module)
            except BaseException:
                del sys.modules[module_name]
                raise
            return module
        return importlib.import_module(text)
    except ValueError:
        raise
    except Exception as error:  # noqa: BLE001  any import failure is the plugin's
        raise ValueError(
            f"could not import the plugin {text!r}: {type(error).__name__}: {error}"
        ) from error


def names():
    """Sorted names of every registered family (built-in, plugins, entry points)."""
    _load_entry_points()
    return sorted(_REGISTRY)


def get(name):
    """Returns the family class registered under ``name``.

    Raises:
        ValueError: for an unknown name, listing the valid ones and the
            closest match, and saying how to add a plugin family.
    """
    if name in _REGISTRY:
        return _REGISTRY[name]
    _load_entry_points()
    if name in _REGISTRY:
        return _REGISTRY[name]
    hint = did_you_mean(name, _REGISTRY)
    raise ValueError(
        f"Unknown GAN family {name!r}.{hint} Valid families: {', '.join(names())}. "
        "A family of your own is registered with @kerasgan.families.register(name) in a module "
        "passed with --plugin MODULE_OR_FILE.py."
    )


def name_of(model_or_class):
    """The registered family name of a model or class (its nearest registered base).

    Returns ``None`` for objects that are not kerasgan families.
    """
    cls = model_or_class if isinstance(model_or_class, type) else type(model_or_class)
    for klass in cls.__mro__:
        name = klass.__dict__.get("family_name")
        if name is not None and _REGISTRY.get(name) is klass:
            return name
    return None


def classes(load_entry_points=True):
    """``{name: class}`` of every registered family.

    Args:
        load_entry_points: first import the families of installed packages
            (``False``: only those registered so far).
    """
    if load_entry_points:
        _load_entry_points()
    return dict(_REGISTRY)


_load_builtin_families()
globals().update({cls.__name__: cls for cls in _REGISTRY.values()})

__all__ = ["ENTRY_POINT_GROUP", "classes", "get", "load_plugin", "name_of", "names", "register",
           "unregister"] + sorted(
    cls.__name__ for cls in _REGISTRY.values()
)
