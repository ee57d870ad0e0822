"""Shared vocabulary of :mod:`kerasgan.data`: the data-set description, the ground truths, the errors.

Everything a caller may want to ``except`` or inspect lives here so that the
source modules and the registry agree on one definition.
"""

from __future__ import annotations

import dataclasses
from typing import Callable, Dict, Literal, Optional, Tuple

import numpy as np

__all__ = [
    "KINDS",
    "DataSpec",
    "TranslationTruth",
    "DomainTruth",
    "ChannelModes",


    "AdaptTruth",
    "DataError",
    "UnknownDatasetError",
    "DatasetNotPreparedError",
]


#: Values of :attr:`DataSpec.kind`.
KINDS = ("points", "image", "paired", "unpaired", "adapt")


@dataclasses.dataclass(frozen=True, repr=False)
class DataSpec:
    """Static description of a data set, enough to pick and build networks.

    What one element of ``load(name)`` looks like, by ``kind``:

    * ``"points"``: ``x`` of shape ``(B, 2)`` (``(x, y)`` with labels);
    * ``"image"``: ``x`` NHWC (``(x, y)`` with ``with_labels=True`` when
      ``num_classes`` is set -- class labels for cGAN/ACGAN, domain labels
      for StarGAN);
    * ``"paired"``: ``(source, target)`` aligned image pairs (pix2pix);
      ``source`` has ``shape``, ``target`` has ``target_shape``;
    * ``"unpaired"``: ``(a, b)`` drawn independently from two domains
      (CycleGAN); ``a`` has ``shape``, ``b`` has ``target_shape``.
    * ``"adapt"``: ``((source, labels), target)`` for domain adaptation
      (DANN): labelled source images of ``shape`` with ``num_classes``
      classes and unlabelled target images of ``target_shape``, drawn
      independently.

    Attributes:
        name: The data-set name as given to :func:`kerasgan.data.load`
            (e.g. ``"ring8"``, ``"digits"``, ``"mnist"``, ``"folder:/imgs"``).
        kind: ``"points"``, ``"image"``, ``"paired"``, ``"unpaired"`` or ``"adapt"``.
        shape: Shape of ONE example (no batch axis): ``(2,)`` for points,
            ``(H, W, C)`` for images, the source / domain-A image for
            paired / unpaired sets.
        num_classes: Number of label values (labels are ``0..num_classes-1``),
            or ``None`` when the data set has no labels.
        target_shape: Shape of the target / domain-B image of paired /
            unpaired sets (required there); ``None`` for points and images.

    Example:
        >>> s = DataSpec("digits", "image", (16, 16, 1), 10)
        >>> s.shape[-1]
        1
        >>> DataSpec("digits-edges", "paired", (16, 16, 1), target_shape=(16, 16, 1)).is_two_sided
        True
    """

    name: str
    kind: Literal["points", "image", "paired", "unpaired", "adapt"]
    shape: Tuple[int, ...]
    num_classes: Optional[int] = None
    target_shape: Optional[Tuple[int, ...]] = None

    def __post_init__(self):
        if self.kind not in KINDS:
            choices = ", ".join(repr(k) for k in KINDS)
            raise ValueError(f"DataSpec.kind must be one of {choices}, got {self.kind!r}")
        object.__setattr__(self, "shape", tuple(int(d) for d in self.shape))
        if self.kind in ("paired", "unpaired", "adapt"):
            if self.target_shape is None:
                raise ValueError(f"DataSpec of kind {self.kind!r} needs target_shape (the second image's shape)")
            object.__setattr__(self, "target_shape", tuple(int(d) for d in self.target_shape))
        elif self.target_shape is not None:
            raise ValueError(
                f"DataSpec.target_shape applies to 'paired'/'unpaired'/'adapt' sets only, "
                f"not kind {self.kind!r}; got {self.target_shape!r}"
            )

    def __repr__(self) -> str:
        # Same repr as before target_shape existed when it is unset.
        tail = f", target_shape={self.target_shape!r}" if self.target_shape is not None else ""
        return (
            f"DataSpec(name={self.name!r}, kind={self.kind!r}, shape={self.shape!r}, "
            f"num_classes={self.num_classes!r}{tail})"
        )

    @property
    def has_labels(self) -> bool:
        """``True`` when the data set provides class labels.

        Example:
            >>> DataSpec("ring8", "points", (2,), 8).has_labels
            True
        """
        return self.num_classes is not None

    @property
    def is_two_sided(self) -> bool:
        """``True`` for ``"paired"`` and ``"unpaired"`` sets (elements are image 2-tuples).

        Example:
            >>> DataSpec("digits", "image", (16, 16, 1), 10).is_two_sided
            False
        """
        return self.kind in ("paired", "unpaired")


@dataclasses.dataclass(frozen=True, eq=False)
class TranslationTruth:
    """The true translation of a synthetic two-sided set (see :func:`kerasgan.data.ground_truth`).

    The optional fields let a classifier judge whether a translation keeps
    its content (:mod:`kerasgan.metrics.translation`): the class of each
    source, the labelled set whose shipped classifier reads those classes,
    and how to bring a target-domain image back to the source domain.

    Attributes:
        source: float32 ``(N, H, W, C)`` images in [-1, 1].
        target: float32 ``(N, H, W, C)``: the true translation of each
            source (for an unpaired set the a->b truth; b->a maps ``target``
            back to ``source``).
        description: One line saying what the truth is.
        labels: int ``(N,)`` class of each source, or ``None`` (no labels).
        label_set: the labelled data set whose classes ``labels`` are (its
            shipped classifier judges the content), e.g. ``"digits"``.
        undo: maps target-domain images back to the source domain before
            they are classified (:func:`kerasgan.data.transforms.unchanged`
            when nothing needs undoing); ``None`` when no inverse is known.
        undo_description: One line saying what ``undo`` does.

    Example:
        >>> t = TranslationTruth(np.zeros((1, 8, 8, 1)), np.zeros((1, 8, 8, 1)), "identity")
        >>> t.target.shape, t.labels is None
        ((1, 8, 8, 1), True)
    """

    source: np.ndarray
    target: np.ndarray
    description: str
    labels: Optional[np.ndarray] = None
    label_set: Optional[str] = None
    undo: Optional[Callable] = None
    undo_description: str = ""


@dataclasses.dataclass(frozen=True, eq=False)
class DomainTruth:
    """The true images of a synthetic multi-domain set in every domain (see :func:`kerasgan.data.ground_truth`).

    Attributes:
        source: float32 ``(N, H, W, C)`` images of the original domain, in [-1, 1].
        targets: Domain index -> float32 ``(N, H, W, C)``: the true image of
            each source in that domain, for every domain but the original.
        domain_names: Domain names by index.
        description: One line saying what the truth is.
        labels: int ``(N,)`` class of each source, or ``None``.
        label_set: the labelled data set whose classes ``labels`` are.
        undo: Domain index -> function that brings an image of that domain
            back to the original domain (every domain, the original's
            included); ``None`` when the inverses are not known.
        undo_description: One line saying what ``undo`` does.
        source_domain: the domain index of ``source`` (0).

    Example:
        >>> x = np.zeros((1, 8, 8, 1))
        >>> DomainTruth(x, {1: -x}, ("original", "inverted"), "negative").domain_names[1]
        'inverted'
    """

    source: np.ndarray
    targets: Dict[int, np.ndarray]
    domain_names: Tuple[str, ...]
    description: str
    labels: Optional[np.ndarray] = None
    label_set: Optional[str] = None
    undo: Optional[Dict[int, Callable]] = None
    undo_description: str = ""
    source_domain: int = 0


@dataclasses.dataclass(frozen=True)
class ChannelModes:
    """The modes of a set whose every channel shows one class of a labelled set (Stacked MNIST).

    A data set declares this (see :func:`kerasgan.data.channel_modes`) when
    each image is ``channels`` independent images of ``label_set``, one per
    channel, so that a mode is the tuple of their classes: ``classes **
    channels`` modes in all. The ``modes`` metric then classifies each
    channel with the shipped classifier of ``label_set`` and counts the
    modes covered, without naming the data set.

    Attributes:
        label_set: the labelled data set whose shipped classifier reads one
            channel (e.g. ``"digits"``).
        classes: classes per channel (10 digits).
        channels: channels per image (3).

    Example:
        >>> m = ChannelModes("digits", 10, 3)
        >>> m.num_modes, int(m.mode_of(np.array([[1, 2, 3]]))[0])
        (1000, 123)
    """

    label_set: str
    classes: int
    channels: int

    @property
    def num_modes(self) -> int:
        """``classes ** channels``."""
        return int(self.classes) ** int(self.channels)

    def mode_of(self, channel_classes) -> np.ndarray:
        """The mode index of each image from the class of each of its channels.

        Args:
            channel_classes: int array ``(N, channels)``, channel 0 first.

        Returns:
            int64 ``(N,)``: ``sum_k c_k * classes ** (channels - 1 - k)`` (the
            classes read as the digits of a base-``classes`` number).
        """
        c = np.asarray(channel_classes, dtype=np.int64)
        if c.ndim != 2 or c.shape[1] != self.channels:
            raise ValueError(f"channel classes must have shape (N, {self.channels}), got {c.shape}")
        weights = self.classes ** np.arange(self.channels - 1, -1, -1, dtype=np.int64)
        return c @ weights


@dataclasses.dataclass(frozen=True, eq=False)
class AdaptTruth:
    """The labelled target domain of a domain-adaptation set (see :func:`kerasgan.data.ground_truth`).

    Training never sees these labels; metrics read them to score a
    classifier on the target domain.

    Attributes:
        target: float32 target-domain images ``(N, H, W, C)`` in [-1, 1].
        labels: int32 class of each image ``(N,)``.
        description: one line saying what the target domain is.
        num_classes: number of classes.

    Example:
        >>> t = AdaptTruth(np.zeros((2, 8, 8, 1)), np.array([0, 1]), "two blanks", 10)
        >>> t.num_classes
        10
    """

    target: np.ndarray
    labels: np.ndarray
    description: str
    num_classes: int


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

    Attributes:
        spec: the :class:`DataSpec` the data set would have, read from its
            metadata (``None`` when unknown), so that a model can be built
            for the data without the data (an untrained zoo entry).

    Example:
        >>> isinstance(DatasetNotPreparedError("x"), DataError)
        True
    """

    spec = None
