"""Name -> builder registry for the network builders."""

from __future__ import annotations

import difflib
import inspect
from typing import Callable

import keras

from kerasgan.nets.conditional import (
    acgan_discriminator,
    conditional_dcgan_discriminator,
    conditional_dcgan_generator,
    conditional_mlp_discriminator,
    conditional_mlp_generator,
    infogan_discriminator,
    infogan_mlp_discriminator,
)
from kerasgan.nets.dcgan import dcgan_discriminator, dcgan_generator
from kerasgan.nets.mlp import mlp_discriminator, mlp_generator
from kerasgan.nets.patchgan import patchgan_discriminator, stargan_discriminator
from kerasgan.nets.translation import resnet_generator, unet_generator

__all__ = ["NET_BUILDERS", "build"]

NET_BUILDERS: dict[str, Callable[..., keras.Model]] = {
    "mlp_generator": mlp_generator,
    "mlp_discriminator": mlp_discriminator,
    "dcgan_generator": dcgan_generator,
    "dcgan_discriminator": dcgan_discriminator,
    # conditional / auxiliary-head (cGAN, ACGAN, InfoGAN)
    "conditional_mlp_generator": conditional_mlp_generator,
    "conditional_mlp_discriminator": conditional_mlp_discriminator,
    "conditional_dcgan_generator": conditional_dcgan_generator,
    "conditional_dcgan_discriminator": conditional_dcgan_discriminator,
    "acgan_discriminator": acgan_discriminator,
    "infogan_discriminator": infogan_discriminator,
    "infogan_mlp_discriminator": infogan_mlp_discriminator,
    # image-to-image (pix2pix, CycleGAN, StarGAN)
    "unet_generator": unet_generator,
    "resnet_generator": resnet_generator,
    "patchgan_discriminator": patchgan_discriminator,
    "stargan_discriminator": stargan_discriminator,
}


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
    builder = NET_BUILDERS.get(name) if isinstance(name, str) else None
    if builder is None:
        valid = sorted(NET_BUILDERS)
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
