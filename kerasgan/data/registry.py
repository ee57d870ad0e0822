"""Name resolution: ``load(name, ...)`` and ``spec(name, ...)`` for every data source.

Names, in resolution order:

* ``ring8``, ``grid25`` -- 2-D Gaussian mixtures (:mod:`kerasgan.data.toy2d`);
* ``digits`` -- scikit-learn handwritten digits (:mod:`kerasgan.data.images`);
* ``digits-edges``, ``digits-inverse`` -- paired digits (:mod:`kerasgan.data.paired`);
* ``digits-rotated``, ``digits-thick`` -- unpaired digits (:mod:`kerasgan.data.unpaired`);
* ``digits-domains`` -- 3-domain digits for StarGAN (:mod:`kerasgan.data.domains`);
* ``folder:PATH`` -- a directory of images (:mod:`kerasgan.data.images`);
* ``pairs:PATH`` / ``pairs:DIR_A,DIR_B`` -- aligned image pairs (:mod:`kerasgan.data.paired`);
* ``unpaired:DIR`` / ``unpaired:DIR_A,DIR_B`` -- two image domains (:mod:`kerasgan.data.unpaired`);
* ``cycle_gan/<config>`` -- tfds CycleGAN sets, unpaired (:mod:`kerasgan.data.unpaired`);
* anything else -- a tensorflow_datasets name (:mod:`kerasgan.data.tfds_source`).

What one element looks like follows ``spec(name).kind``: ``x`` / ``(x, y)``
for "points" and "image", ``(source, target)`` for "paired", ``(a, b)`` for
"unpaired".
"""

from __future__ import annotations

import difflib
import numbers
from typing import List

import tensorflow as tf

from kerasgan.data import domains, images, paired, pipeline, tfds_source, toy2d, unpaired
from kerasgan.data.base import DataSpec, UnknownDatasetError

__all__ = ["NAMES", "FOLDER_PREFIX", "PAIRS_PREFIX", "UNPAIRED_PREFIX", "available", "load", "spec"]

#: Prefix of folder data sets: ``"folder:/path/to/images"``.
FOLDER_PREFIX = "folder:"
#: Prefix of paired folder sets: ``"pairs:/path"`` or ``"pairs:/path/A,/path/B"``.
PAIRS_PREFIX = "pairs:"
#: Prefix of unpaired folder sets: ``"unpaired:/path"`` or ``"unpaired:/path/A,/path/B"``.
UNPAIRED_PREFIX = "unpaired:"
_PREFIXES = (FOLDER_PREFIX, PAIRS_PREFIX, UNPAIRED_PREFIX)
#: Built-in names (``...:PATH`` stands for any folder).
NAMES = (
    "ring8",
    "grid25",
    "digits",
    *paired.DIGITS_PAIRED,
    *unpaired.DIGITS_UNPAIRED,
    domains.DIGITS_DOMAINS,
    FOLDER_PREFIX + "PATH",
    PAIRS_PREFIX + "PATH",
    UNPAIRED_PREFIX + "PATH",
)
_POINT_SETS = tuple(toy2d.TOY2D)
_PAIRED_DIGITS = tuple(paired.DIGITS_PAIRED)
_UNPAIRED_DIGITS = tuple(unpaired.DIGITS_UNPAIRED)


def available() -> List[str]:
    """The built-in data-set names; any tensorflow_datasets name works too.

    Returns:
        ``["ring8", "grid25", "digits", "digits-edges", "digits-inverse",
        "digits-rotated", "digits-thick", "digits-domains", "folder:PATH",
        "pairs:PATH", "unpaired:PATH"]``.

    Example:
        >>> available()[:3]
        ['ring8', 'grid25', 'digits']
    """
    return list(NAMES)


def _check_name(name) -> str:
    if not isinstance(name, str) or not name.strip():
        raise UnknownDatasetError(_unknown_message(str(name), suggest=False))
    return name.strip()


def _unknown_message(name: str, suggest: bool = True) -> str:
    builtins = [n for n in NAMES if not n.startswith(_PREFIXES)]
    msg = (
        f"unknown data set {name!r}. Valid choices: {', '.join(NAMES)}, "
        "or any tensorflow_datasets name (e.g. mnist, fashion_mnist, cifar10, celeb_a, "
        "cycle_gan/horse2zebra)."
    )
    if suggest:
        prefixes = {p[:-1]: p + "PATH" for p in _PREFIXES}
        pool = builtins + list(prefixes) + tfds_source.list_tfds_names()
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


def _reject_image_args(name, image_size, channels):
    if image_size is not None or channels is not None:
        raise ValueError(
            f"{name!r} is a 2-D point data set: image_size and channels do not apply "
            f"(got image_size={image_size!r}, channels={channels!r}); leave them None"
        )


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
    if name in _POINT_SETS:
        _reject_image_args(name, image_size, channels)
        return toy2d.spec(name)
    if name == "digits":
        return images.digits_spec(image_size, channels)
    if name in _PAIRED_DIGITS:
        return paired.digits_pair_spec(name, image_size, channels)
    if name in _UNPAIRED_DIGITS:
        return unpaired.digits_unpaired_spec(name, image_size, channels)
    if name == domains.DIGITS_DOMAINS:
        return domains.domains_spec(image_size, channels)
    if name.startswith(FOLDER_PREFIX):
        return images.folder_spec(name[len(FOLDER_PREFIX):], image_size, channels, name=name)
    if name.startswith(PAIRS_PREFIX):
        return paired.pairs_spec(name[len(PAIRS_PREFIX):], image_size, channels, name=name)
    if name.startswith(UNPAIRED_PREFIX):
        return unpaired.unpaired_folder_spec(name[len(UNPAIRED_PREFIX):], image_size, channels, name=name)
    # Validate size/channels before the (slower) tfds lookup.
    pipeline.check_image_size(image_size)
    pipeline.check_channels(channels)
    try:
        if unpaired.is_cycle_gan(name):
            return unpaired.cycle_gan_spec(name, image_size, channels, data_dir)
        return tfds_source.tfds_spec(name, image_size, channels, data_dir)
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
) -> tf.data.Dataset:
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
        name: ``"ring8"``, ``"grid25"``, ``"digits"``, ``"digits-edges"``,
            ``"digits-inverse"``, ``"digits-rotated"``, ``"digits-thick"``,
            ``"digits-domains"``, ``"folder:PATH"``, ``"pairs:PATH"``,
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
    common = dict(
        shuffle=bool(shuffle),
        seed=seed,
        with_labels=bool(with_labels),
        epoch_size=epoch_size,
        drop_remainder=bool(drop_remainder),
        split=split,
    )
    if name in _PAIRED_DIGITS:
        return paired.load_digits_pairs(
            name, batch_size, image_size=image_size, channels=channels, direction=direction, **common
        )
    if name.startswith(PAIRS_PREFIX):
        return paired.load_pairs(
            name[len(PAIRS_PREFIX):], batch_size, image_size=image_size, channels=channels,
            direction=direction, name=name, **common
        )
    _reject_direction(name, direction)
    if name in _POINT_SETS:
        _reject_image_args(name, image_size, channels)
        return toy2d.load(name, batch_size, **common)
    pipeline.check_image_size(image_size)
    pipeline.check_channels(channels)
    if name == "digits":
        return images.load_digits(batch_size, image_size=image_size, channels=channels, **common)
    if name in _UNPAIRED_DIGITS:
        return unpaired.load_digits_unpaired(name, batch_size, image_size=image_size, channels=channels, **common)
    if name == domains.DIGITS_DOMAINS:
        return domains.load_domains(batch_size, image_size=image_size, channels=channels, **common)
    if name.startswith(FOLDER_PREFIX):
        return images.load_folder(
            name[len(FOLDER_PREFIX):], batch_size, image_size=image_size, channels=channels, name=name, **common
        )
    if name.startswith(UNPAIRED_PREFIX):
        return unpaired.load_unpaired_folders(
            name[len(UNPAIRED_PREFIX):], batch_size, image_size=image_size, channels=channels, name=name, **common
        )
    try:
        if unpaired.is_cycle_gan(name):
            return unpaired.load_cycle_gan(
                name, batch_size, image_size=image_size, channels=channels, data_dir=data_dir, **common
            )
        return tfds_source.load_tfds(
            name, batch_size, image_size=image_size, channels=channels, data_dir=data_dir, **common
        )
    except UnknownDatasetError:
        raise UnknownDatasetError(_unknown_message(name)) from None
