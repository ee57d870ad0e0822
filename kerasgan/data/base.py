"""Shared vocabulary of :mod:`kerasgan.data`: the data-set description and the errors.

Everything a caller may want to ``except`` or inspect lives here so that the
source modules (``toy2d``, ``images``, ``tfds_source``) and the registry agree
on one definition.
"""

from __future__ import annotations

import dataclasses
from typing import Literal, Optional, Tuple

__all__ = [
    "DataSpec",
    "DataError",
    "UnknownDatasetError",
    "DatasetNotPreparedError",
]


@dataclasses.dataclass(frozen=True)
class DataSpec:
    """Static description of a data set, enough to pick and build networks.

    Attributes:
        name: The data-set name as given to :func:`kerasgan.data.load`
            (e.g. ``"ring8"``, ``"digits"``, ``"mnist"``, ``"folder:/imgs"``).
        kind: ``"points"`` for 2-D point clouds, ``"image"`` for NHWC images.
        shape: Shape of ONE example (no batch axis): ``(2,)`` for points,
            ``(H, W, C)`` for images.
        num_classes: Number of label values (labels are ``0..num_classes-1``),
            or ``None`` when the data set has no labels.

    Example:
        >>> s = DataSpec("digits", "image", (16, 16, 1), 10)
        >>> s.shape[-1]
        1
    """

    name: str
    kind: Literal["points", "image"]
    shape: Tuple[int, ...]
    num_classes: Optional[int] = None

    def __post_init__(self):
        if self.kind not in ("points", "image"):
            raise ValueError(f"DataSpec.kind must be 'points' or 'image', got {self.kind!r}")
        object.__setattr__(self, "shape", tuple(int(d) for d in self.shape))

    @property
    def has_labels(self) -> bool:
        """``True`` when the data set provides class labels.

        Example:
            >>> DataSpec("ring8", "points", (2,), 8).has_labels
            True
        """
        return self.num_classes is not None


class DataError(ValueError):
    """Base class of every error raised by :mod:`kerasgan.data`.

    Subclasses :class:`ValueError`, so ``except ValueError`` also catches it.

    Example:
        >>> try:
        ...     raise DataError("bad data")
        ... except ValueError as e:
        ...     print(e)
        bad data
    """


class UnknownDatasetError(DataError):
    """The data-set name is neither a built-in nor a tensorflow_datasets name.

    The message lists the valid choices and, when one is close, a suggestion.

    Example:
        >>> isinstance(UnknownDatasetError("x"), ValueError)
        True
    """


class DatasetNotPreparedError(DataError):
    """A tensorflow_datasets data set exists but its files are not on disk.

    kerasgan never downloads (``download=False``); the message says which
    directory was searched and how to prepare the data on a machine with
    internet access.

    Example:
        >>> isinstance(DatasetNotPreparedError("x"), DataError)
        True
    """
