"""Argument checks shared by the network builders.

Each check raises ``ValueError`` naming the argument and what is allowed, and
returns the (normalised) value so builders can write ``norm = check_norm(norm)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["check_image_size"]

NORMS = ("batch", "instance", "layer", "none")
DCGAN_NORMS = ("batch", "layer", "none")
MODES = ("projection", "concat")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_positive_int(value, arg_name: str) -> int:
    """Return ``value`` if it is a positive int (bools rejected), else raise ValueError."""
    if not _is_int(value) or value < 1:
        raise ValueError(f"`{arg_name}` must be a positive integer; got {value!r}.")
    return value


def check_nonnegative_int(value, arg_name: str) -> int:
    """Return ``value`` if it is an int >= 0 (bools rejected), else raise ValueError."""
    if not _is_int(value) or value < 0:
        raise ValueError(f"`{arg_name}` must be a non-negative integer; got {value!r}.")
    return value


def check_optional_count(value, arg_name: str, what: str) -> int:
    """Return ``value`` if it is ``0`` or a positive int; the error says ``0`` means ``what``."""
    if not _is_int(value) or value < 0:
        raise ValueError(
            f"`{arg_name}` must be 0 ({what}) or a positive integer; got {value!r}."
        )
    return value


def check_hidden_units(hidden_units) -> tuple[int, ...]:
    """Normalise ``hidden_units`` to a tuple of positive ints, else raise ValueError."""
    if isinstance(hidden_units, (str, bytes)) or not isinstance(hidden_units, Sequence):
        raise ValueError(
            "`hidden_units` must be a sequence of positive integers, "
            f"e.g. (128, 128); got {hidden_units!r}."
        )
    units = tuple(hidden_units)
    for u in units:
        if not _is_int(u) or u < 1:
            raise ValueError(
                "`hidden_units` must contain only positive integers; "
                f"got {hidden_units!r}."
            )
    return units


def check_channels(value, arg_name: str = "channels") -> int:
    """Return ``value`` if it is an int >= 1 (a channel count), else raise ValueError."""
    if not _is_int(value) or value < 1:
        raise ValueError(
            f"`{arg_name}` must be an integer >= 1 (e.g. 1 for grayscale, 3 for RGB); "
            f"got {value!r}."
        )
    return value


def _check_power_of_two(image_size, minimum: int) -> int:
    """Return ``log2(image_size)`` if it is a power of two >= ``minimum``, else raise ValueError."""
    if not (_is_int(image_size) and image_size >= minimum and image_size & (image_size - 1) == 0):
        allowed = ", ".join(str(2**i) for i in range(minimum.bit_length() - 1, 9))
        raise ValueError(
            f"`image_size` must be a power of two >= {minimum} (allowed: {allowed}, ...); "
            f"got {image_size!r}."
        )
    return int(math.log2(image_size))


def check_image_size(image_size) -> int:
    """Validate an image side length and return the number of 2x resampling stages.

    Args:
        image_size: Square image side; must be a power of two >= 8.

    Returns:
        ``log2(image_size / 4)``: the number of stride-2 stages between
        a 4x4 feature map and the image.

    Raises:
        ValueError: if ``image_size`` is not a power of two >= 8.

    Example:
        >>> check_image_size(32)
        3
    """
    return _check_power_of_two(image_size, 8) - 2


def check_translation_size(image_size) -> int:
    """Validate an image side for the image-to-image nets; return ``log2(image_size)``.

    Raises:
        ValueError: if ``image_size`` is not a power of two >= 16.
    """
    return _check_power_of_two(image_size, 16)


def check_norm(norm, allowed: Sequence[str] = NORMS) -> str:
    """Normalise ``norm`` (``None`` -> ``"none"``) and check it is one of ``allowed``."""
    if norm is None:
        norm = "none"
    if norm not in allowed:
        raise ValueError(f"`norm` must be one of {list(allowed)}; got {norm!r}.")
    return norm


def check_mode(mode) -> str:
    """Check a conditional discriminator's ``mode`` (``"projection"`` or ``"concat"``)."""
    if mode not in MODES:
        raise ValueError(f"`mode` must be one of {list(MODES)}; got {mode!r}.")
    return mode


def check_embedding_dim(embedding_dim):
    """``None`` (one-hot label code) or a positive int (learned embedding size)."""
    if embedding_dim is None:
        return None
    return check_positive_int(embedding_dim, "embedding_dim")


def check_codes(num_categories, num_continuous) -> None:
    """Check InfoGAN's latent code counts: non-negative ints, not both 0."""
    check_nonnegative_int(num_categories, "num_categories")
    check_nonnegative_int(num_continuous, "num_continuous")
    if num_categories == 0 and num_continuous == 0:
        raise ValueError(
            "InfoGAN needs at least one latent code: `num_categories` and "
            "`num_continuous` are both 0."
        )


def check_dropout(dropout) -> float:
    """Return ``dropout`` as a float in ``[0, 1)``, else raise ValueError."""
    if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) or not 0 <= dropout < 1:
        raise ValueError(f"`dropout` must be a number in [0, 1); got {dropout!r}.")
    return float(dropout)


def check_input_scale(input_scale) -> float:
    """Return ``input_scale`` if it is a positive number, else raise ValueError."""
    if not (isinstance(input_scale, (int, float)) and input_scale > 0):
        raise ValueError(f"input_scale must be a positive number, got {input_scale!r}.")
    return input_scale
