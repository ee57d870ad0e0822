"""The one registry of data sources: ``spec(name)``, ``load(name)`` and ``ground_truth(name)``.

Every source module registers a :class:`DataSource` when it is imported
(:mod:`kerasgan.data` imports the built-in ones). A source owns exact names
(``"ring8"``), a prefix (``"folder:"``, the rest of the name is a path), a
predicate (``cycle_gan/<config>``), or is the fallback (any other name is a
tensorflow_datasets name). A name resolves in that order: exact names, then
prefixes, then predicates, then the fallback.

Adding a data set is one module that calls :func:`register`:

    >>> def my_spec(name, image_size=None, channels=None, data_dir=None):
    ...     return DataSpec(name, "points", (2,), None)
    >>> def my_load(name, batch_size, **options):
    ...     ...
    >>> register(DataSource(my_spec, my_load, names=("my-points",)))  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import difflib
import numbers
from typing import Callable, List, Optional, Tuple

from kerasgan.data import pipeline
from kerasgan.data.base import ChannelModes, DataSpec, UnknownDatasetError

__all__ = [
    "DataSource", "register", "source_for", "available", "spec", "load", "ground_truth", "channel_modes",
]


@dataclasses.dataclass(frozen=True)
class DataSource:
    """One origin of data: how to describe and load the names it owns.

    Exactly one of ``names``, ``prefix``, ``matches`` or ``fallback`` says
    which names the source owns.

    Attributes:
        spec: ``spec(name, image_size=None, channels=None, data_dir=None)``
            returning the :class:`DataSpec` (full name, prefix included).
        load: ``load(name, batch_size, *, split, image_size, channels,
            data_dir, shuffle, seed, with_labels, epoch_size, drop_remainder)``
            (plus ``direction`` when ``directions`` is set) returning the
            batched ``tf.data.Dataset``. ``batch_size``, ``seed`` and
            ``epoch_size`` arrive validated.
        names: Exact names owned, e.g. ``("ring8", "grid25")``.
        prefix: A name prefix such as ``"folder:"``; shown as ``"folder:PATH"``.
        matches: Predicate on the name, for families no prefix describes.
        fallback: Owns every name no other source owns (tensorflow_datasets).
        directions: ``load`` takes ``direction`` (``"AtoB"``/``"BtoA"``);
            for other sources a ``direction`` is refused.
        ground_truth: ``ground_truth(name, split)`` returning a
            :class:`kerasgan.data.TranslationTruth` or
            :class:`kerasgan.data.DomainTruth`, for sets whose true
            translation is known; ``None`` otherwise.
        channel_modes: a :class:`kerasgan.data.ChannelModes` for sets whose
            channels each show one class of a labelled set (their modes are
            the class tuples); ``None`` otherwise.

    Example:
        >>> DataSource(lambda n, **kw: None, lambda n, b, **kw: None, prefix="csv:").listed
        ('csv:PATH',)
    """

    spec: Callable[..., DataSpec]
    load: Callable
    names: Tuple[str, ...] = ()
    prefix: Optional[str] = None
    matches: Optional[Callable[[str], bool]] = None
    fallback: bool = False
    directions: bool = False
    ground_truth: Optional[Callable] = None
    channel_modes: Optional[ChannelModes] = None

    def __post_init__(self):
        object.__setattr__(self, "names", tuple(self.names))
        owners = [bool(self.names), self.prefix is not None, self.matches is not None, self.fallback]
        if sum(owners) != 1:
            raise ValueError("a DataSource owns names through exactly one of names, prefix, matches or fallback")

    @property
    def listed(self) -> Tuple[str, ...]:
        """The names :func:`available` shows for this source (``"folder:PATH"`` for a prefix)."""
        if self.prefix is not None:
            return (self.prefix + "PATH",)
        return self.names


_SOURCES: List[DataSource] = []


def register(source: DataSource) -> DataSource:
    """Add a data source to the registry.

    Args:
        source: The :class:`DataSource`.

    Returns:
        ``source`` (so a module can keep it).

    Raises:
        ValueError: one of its names or its prefix is already owned, or a
            second fallback is registered.

    Example:
        >>> register(DataSource(my_spec, my_load, names=("my-points",)))  # doctest: +SKIP
    """
    for other in _SOURCES:
        clash = set(source.names) & set(other.names)
        if source.prefix is not None and source.prefix == other.prefix:
            clash.add(source.prefix)
        if source.fallback and other.fallback:
            clash.add("<fallback>")
        if clash:
            raise ValueError(f"data set name(s) already registered: {', '.join(sorted(clash))}")
    _SOURCES.append(source)
    return source


def source_for(name: str) -> DataSource:
    """The source that owns ``name``: exact names, then prefixes, then predicates, then the fallback.

    Args:
        name: A data-set name (stripped of surrounding blanks).

    Returns:
        The :class:`DataSource`.

    Raises:
        UnknownDatasetError: no source owns the name (only without a fallback).

    Example:
        >>> source_for("folder:/imgs").prefix
        'folder:'
    """
    for source in _SOURCES:
        if name in source.names:
            return source
    for source in _SOURCES:
        if source.prefix is not None and name.startswith(source.prefix):
            return source
    for source in _SOURCES:
        if source.matches is not None and source.matches(name):
            return source
    for source in _SOURCES:
        if source.fallback:
            return source
    raise UnknownDatasetError(_unknown_message(name))


def available() -> List[str]:
    """The built-in data-set names; any tensorflow_datasets name works too.

    Returns:
        The registered names in registration order, a prefix source shown as
        ``"PREFIX:PATH"``: ``["ring8", "grid25", "digits", "mnist5k", "digits-edges",
        "digits-inverse", "edges-digits", "digits-rotated", "digits-thick", "digits-domains",
        "digits-styles", "stacked-digits", "folder:PATH", "pairs:PATH", "unpaired:PATH", ...]`` for the built-ins.

    Example:
        >>> available()[:3]
        ['ring8', 'grid25', 'digits']
    """
    return [listed for source in _SOURCES for listed in source.listed]


def _check_name(name) -> str:
    if not isinstance(name, str) or not name.strip():
        raise UnknownDatasetError(_unknown_message(str(name), suggest=False))
    return name.strip()


def _unknown_message(name: str, suggest: bool = True) -> str:
    names = available()
    msg = (
        f"unknown data set {name!r}. Valid choices: {', '.join(names)}, "
        "or any tensorflow_datasets name (e.g. mnist, fashion_mnist, cifar10, celeb_a, "
        "cycle_gan/horse2zebra)."
    )
    if suggest:
        from kerasgan.data import tfds_source

        prefixes = {s.prefix[:-1]: s.prefix + "PATH" for s in _SOURCES if s.prefix is not None}
        exact = [n for s in _SOURCES for n in s.names]
        pool = exact + list(prefixes) + tfds_source.list_tfds_names()
        key = name.lower().split(":", 1)[0] if ":" in name else name.lower()
        close = difflib.get_close_matches(key, pool, n=3, cutoff=0.6)
        if close:
            close = [prefixes.get(c, c) for c in close]
            msg += f" Did you mean: {', '.join(close)}?"
    return msg


def _reject_direction(name, direction):
    if direction is not None:
        raise ValueError(
            f"direction applies to paired data sets only (kind 'paired'); {name!r} is not one "
            f"(got direction={direction!r}); leave it None"
        )


def _check_seed(seed) -> int:
    if not isinstance(seed, numbers.Integral) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"seed must be an int >= 0, got {seed!r}")
    return int(seed)


def spec(name: str, image_size=None, channels=None, data_dir=None) -> DataSpec:
    """Describe a data set (kind, example shape(s), label count) without loading it.

    For tfds names only metadata is read, but the data must be prepared.
    For ``pairs:`` folders without ``image_size`` the image headers are read
    to find the native size.

    Args:
        name: A built-in name, ``"folder:PATH"``, ``"pairs:PATH"``,
            ``"unpaired:PATH"`` or a tensorflow_datasets name.
        image_size: Side length images would be resized to (``None``: the
            source default -- 16 for digits sets, 64 for ``folder:`` and
            ``unpaired:``, 256 for ``cycle_gan/*``, native for ``pairs:`` and
            other tfds sets).
        channels: 1 or 3 (``None``: 1 for digits sets, 3 for folders, native
            for tfds). Must be ``None`` for point sets.
        data_dir: tfds data root (ignored by built-ins).

    Returns:
        A :class:`DataSpec`.

    Raises:
        UnknownDatasetError: unknown name.
        DatasetNotPreparedError: tfds data not on disk.
        DataError: missing/empty folders, unmatched or mixed-size pairs.
        ValueError: bad ``image_size`` / ``channels``.

    Example:
        >>> spec("ring8")
        DataSpec(name='ring8', kind='points', shape=(2,), num_classes=8)
        >>> spec("digits", image_size=32).shape
        (32, 32, 1)
        >>> spec("digits-edges")
        DataSpec(name='digits-edges', kind='paired', shape=(16, 16, 1), num_classes=None, target_shape=(16, 16, 1))
    """
    name = _check_name(name)
    source = source_for(name)
    try:
        return source.spec(name, image_size=image_size, channels=channels, data_dir=data_dir)
    except UnknownDatasetError:
        raise UnknownDatasetError(_unknown_message(name)) from None


def load(
    name: str,
    batch_size: int = 64,
    *,
    split: str = "train",
    image_size=None,
    channels=None,
    data_dir=None,
    shuffle: bool = True,
    seed: int = 0,
    with_labels: bool = False,
    epoch_size=None,
    drop_remainder: bool = True,
    direction=None,
):
    """Load a data set as a batched, shuffled, prefetched ``tf.data.Dataset``.

    Elements are float32 ``x`` or, with ``with_labels=True``, ``(x, y)`` with
    int32 labels. Images are NHWC in [-1, 1]; 2-D points are raw coordinates
    of shape ``(B, 2)``. Paired sets (``spec(name).kind == "paired"``) yield
    aligned ``(source, target)`` image batches; unpaired sets yield ``(a, b)``
    drawn independently from two domains (each shuffled on its own, the
    smaller repeated; an epoch is the larger domain or ``epoch_size``).
    Shuffling is seeded and repeated every epoch (every new iteration over
    the dataset), so two calls with the same arguments yield the same
    sequence of batches.

    Args:
        name: ``"ring8"``, ``"grid25"``, ``"digits"``, ``"mnist5k"``, ``"digits-edges"``,
            ``"digits-inverse"``, ``"digits-rotated"``, ``"digits-thick"``,
            ``"digits-domains"``, ``"stacked-digits"``, ``"folder:PATH"``, ``"pairs:PATH"``,
            ``"pairs:DIR_A,DIR_B"``, ``"unpaired:DIR"``,
            ``"unpaired:DIR_A,DIR_B"``, ``"cycle_gan/<config>"`` or another
            tensorflow_datasets name (``"mnist"``, ``"cifar10"``, ...).
        batch_size: Examples per batch (int >= 1).
        split: ``"train"``/``"test"``/``"all"`` for built-ins (folders:
            ``"train"``/``"all"``; ``pairs:`` also any subfolder such as
            ``"val"``; ``unpaired:DIR`` and ``cycle_gan/*``:
            ``"train"``/``"test"``/``"all"``); any tfds split string for tfds.
        image_size: Square side length (int >= 8) for images; ``None`` for the
            default. Must be ``None`` for point sets.
        channels: 1 or 3 for images; ``None`` for the default. Must be
            ``None`` for point sets.
        data_dir: tfds data root (default: ``$TFDS_DATA_DIR`` or
            ``~/tensorflow_datasets``). Ignored by built-ins.
        shuffle: Shuffle (seeded, reshuffled every epoch).
        seed: Non-negative int seed for sampling (point sets) and shuffling.
        with_labels: Yield ``(x, y)``; raises if the set has no labels.
        epoch_size: Examples per epoch. Point sets default to 10 000 freshly
            drawn points; other sets default to one pass over the split and
            are repeated/truncated to ``epoch_size`` when given.
        drop_remainder: Drop the last incomplete batch (keeps shapes static).
        direction: Paired sets only: ``"AtoB"`` (default) or ``"BtoA"`` to
            swap source and target.

    Returns:
        ``tf.data.Dataset``.

    Raises:
        UnknownDatasetError: unknown name (message lists the choices).
        DatasetNotPreparedError: tfds data not on disk (message says how to
            prepare it).
        DataError: no labels but ``with_labels=True`` (paired/unpaired sets
            never have labels); missing/empty folder; pair files without
            partner or of different sizes (without ``image_size``).
        ValueError: bad ``batch_size``, ``image_size``, ``channels``,
            ``epoch_size``, ``seed``, ``split`` or ``direction``.

    Example:
        >>> ds = load("grid25", 256)
        >>> next(iter(ds)).shape
        TensorShape([256, 2])
        >>> x, y = next(iter(load("digits", 32, image_size=32, with_labels=True)))
        >>> x.shape, y.dtype
        (TensorShape([32, 32, 32, 1]), tf.int32)
        >>> src, tgt = next(iter(load("digits-inverse", 16)))
        >>> bool(tf.reduce_all(tgt == -src))
        True
    """
    name = _check_name(name)
    batch_size = pipeline.check_batch_size(batch_size)
    seed = _check_seed(seed)
    pipeline.check_epoch_size(epoch_size)
    source = source_for(name)
    options = dict(
        split=split,
        image_size=image_size,
        channels=channels,
        data_dir=data_dir,
        shuffle=bool(shuffle),
        seed=seed,
        with_labels=bool(with_labels),
        epoch_size=epoch_size,
        drop_remainder=bool(drop_remainder),
    )
    if source.directions:
        options["direction"] = direction
    else:
        _reject_direction(name, direction)
    try:
        return source.load(name, batch_size, **options)
    except UnknownDatasetError:
        raise UnknownDatasetError(_unknown_message(name)) from None


def ground_truth(name: str, split: str = "test"):
    """The true translation of a synthetic set's held-out images, for translation metrics.

    For the paired and unpaired digits sets (``digits-edges``,
    ``digits-inverse``, ``digits-rotated``, ``digits-thick``) every digit of
    ``split`` is a source and its target is the set's transform of it (the
    a->b truth of an unpaired set; b->a is target -> source). For
    ``digits-domains`` the source is every digit of ``split`` in the
    original domain, with its true image in each other domain. Images are
    16x16x1 float32 in [-1, 1].

    Args:
        name: A synthetic digits set.
        split: ``"test"`` (default, held out from training), ``"train"`` or
            ``"all"``.

    Returns:
        :class:`kerasgan.data.TranslationTruth` (``source``, ``target``,
        ``description``) or, for ``digits-domains``,
        :class:`kerasgan.data.DomainTruth` (``source``, ``targets``,
        ``domain_names``, ``description``).

    Raises:
        ValueError: the set has no known ground truth (folders, tfds sets,
            image sets without a translation).

    Example:
        >>> truth = ground_truth("digits-inverse")
        >>> bool((truth.target == -truth.source).all()), truth.source.shape
        (True, (360, 16, 16, 1))
    """
    name = _check_name(name)
    source = source_for(name)
    if source.ground_truth is None:
        known = ", ".join(n for s in _SOURCES if s.ground_truth is not None for n in s.listed)
        raise ValueError(
            f"data set {name!r} has no known ground truth: only the synthetic digits sets have "
            f"a true translation ({known}); folders and tensorflow_datasets sets do not"
        )
    return source.ground_truth(name, split)


def channel_modes(name: str) -> Optional[ChannelModes]:
    """How a data set's modes are read channel by channel, or ``None`` when it does not say.

    Args:
        name: a data-set name.

    Returns:
        The :class:`kerasgan.data.ChannelModes` its source declares (e.g.
        ``stacked-digits``: three digits, 1000 modes), else ``None``.

    Raises:
        UnknownDatasetError: an invalid name.

    Example:
        >>> channel_modes("stacked-digits").num_modes, channel_modes("digits")
        (1000, None)
    """
    return source_for(_check_name(name)).channel_modes
