"""Name -> builder registry of the network builders.

Each builder registers itself where it is defined, with :func:`register_net`;
importing :mod:`kerasgan.nets` imports every built-in builder module.
"""

from __future__ import annotations

import difflib
import inspect
import types
from typing import Callable

import keras

__all__ = ["NET_BUILDERS", "build", "register_net"]

_BUILDERS: dict[str, Callable[..., keras.Model]] = {}

#: Read-only view of the registered builders, by name.
NET_BUILDERS: types.MappingProxyType = types.MappingProxyType(_BUILDERS)


def _origin(fn) -> tuple:
    return getattr(fn, "__module__", None), getattr(fn, "__qualname__", None)


def register_net(name=None):
    """Register a network builder under ``name`` (default: the function's name).

    Use as ``@register_net`` or ``@register_net("name")``. The builder is
    returned unchanged.

    Args:
        name: Registry name, or the builder itself when used without arguments.

    Returns:
        The builder (bare use) or a decorator that registers and returns it.

    Raises:
        ValueError: if another builder is already registered under the name.

    Example:
        >>> @register_net
        ... def tiny_generator(latent_dim=2):
        ...     z = keras.Input((latent_dim,), name="z")
        ...     return keras.Model(z, keras.layers.Dense(2, name="output")(z))
        >>> build("tiny_generator", latent_dim=3).input_shape
        (None, 3)
    """
    def decorator(builder, key=None):
        key = key or builder.__name__
        existing = _BUILDERS.get(key)
        # The same function again (a module reload) may re-register; another may not.
        if existing is not None and _origin(existing) != _origin(builder):
            raise ValueError(f"A network builder is already registered as {key!r}: {existing}.")
        _BUILDERS[key] = builder
        return builder

    if callable(name):
        return decorator(name)
    return lambda builder: decorator(builder, name)


def build(name: str, **kwargs) -> keras.Model:
    """Build a network by registry name.

    Args:
        name: One of ``NET_BUILDERS`` (e.g. ``"mlp_generator"``,
            ``"dcgan_discriminator"``, ``"conditional_dcgan_generator"``,
            ``"unet_generator"``, ``"patchgan_discriminator"``; see
            ``sorted(NET_BUILDERS)``).
        **kwargs: Keyword arguments forwarded to the builder.

    Returns:
        The functional ``keras.Model`` built by that builder.

    Raises:
        ValueError: if ``name`` is not registered (lists the valid names and
            suggests a close match).
        TypeError: if a keyword argument is not accepted by the builder.

    Example:
        >>> d = build("dcgan_discriminator", image_size=16, channels=3, norm="none")
        >>> d.output_shape
        (None, 1)
    """
    builder = _BUILDERS.get(name) if isinstance(name, str) else None
    if builder is None:
        valid = sorted(_BUILDERS)
        hint = ""
        if isinstance(name, str):
            close = difflib.get_close_matches(name, valid, n=1)
            if close:
                hint = f" Did you mean {close[0]!r}?"
        raise ValueError(f"Unknown network {name!r}.{hint} Valid names: {valid}.")

    accepted = list(inspect.signature(builder).parameters)
    unknown = sorted(k for k in kwargs if k not in accepted)
    if unknown:
        raise TypeError(
            f"{name}() got unexpected keyword argument(s) {unknown}; "
            f"accepted: {accepted}."
        )
    return builder(**kwargs)
