"""Unpaired two-domain image data (CycleGAN): batches ``(a, b)`` drawn independently.

Each domain is shuffled on its own (seeded, reshuffled every epoch) and the
two streams are zipped, so ``a[i]`` and ``b[i]`` are unrelated images. An
epoch holds ``epoch_size`` pairs, or as many as the larger domain has
images; the smaller domain is repeated (reshuffled on each pass) to keep
up. Both images are float32 NHWC in [-1, 1]. Sources:

* ``digits-rotated`` -- A: upright digits, B: digits rotated 90 degrees
  counter-clockwise, taken from the OTHER half of the split's images;
* ``digits-thick`` -- A: digits, B: thicker-stroke digits (grey dilation,
  :func:`kerasgan.data.transforms.thicken`), again from disjoint halves;
* ``unpaired:DIR`` -- the CycleGAN download layout ``DIR/trainA``,
  ``DIR/trainB`` (``testA``/``testB`` for ``split="test"``);
* ``unpaired:DIR_A,DIR_B`` -- one folder per domain;
* ``cycle_gan/<config>`` -- tensorflow_datasets' CycleGAN sets
  (``cycle_gan/horse2zebra``, ``cycle_gan/monet2photo``, ...; splits
  ``trainA``/``trainB``/``testA``/``testB``), read offline when prepared.
"""

from __future__ import annotations

import os
import re
from typing import List, Optional, Tuple

import numpy as np
import tensorflow as tf

from kerasgan.data import images, pipeline, tfds_source, transforms
from kerasgan.data.base import DataError, DataSpec
from kerasgan.data.paired import check_dir, parse_pairs_path, split_root

__all__ = [
    "DIGITS_UNPAIRED",
    "CYCLE_GAN",
    "CYCLE_GAN_DEFAULT_SIZE",
    "UNPAIRED_DEFAULT_SIZE",
    "UNPAIRED_DEFAULT_CHANNELS",
    "disjoint_parts",
    "thicken_size",
    "digits_unpaired_arrays",
    "digits_unpaired_spec",
    "load_digits_unpaired",
    "unpaired_folder_spec",
    "load_unpaired_folders",
    "is_cycle_gan",
    "cycle_gan_spec",
    "load_cycle_gan",
    "zip_domains",
]

#: Unpaired sets built from scikit-learn digits.
DIGITS_UNPAIRED = ("digits-rotated", "digits-thick")
#: tensorflow_datasets builder of the CycleGAN data sets.
CYCLE_GAN = "cycle_gan"
#: Default side of ``cycle_gan/*`` images (their native size; tfds declares it as variable).
CYCLE_GAN_DEFAULT_SIZE = 256
#: Default side and channels of ``unpaired:`` folders (as for ``folder:PATH``).
UNPAIRED_DEFAULT_SIZE = images.FOLDER_DEFAULT_SIZE
UNPAIRED_DEFAULT_CHANNELS = images.FOLDER_DEFAULT_CHANNELS
_FOLDER_SPLITS = ("train", "test", "all")
_CYCLE_GAN_SPLIT = re.compile(r"^(train|test)(\[[^\]]*\])?$")


def _reject_labels(name: str, with_labels: bool):
    if with_labels:
        raise DataError(
            f"data set {name!r} yields unpaired (a, b) images from two domains and has no class "
            "labels; use with_labels=False"
        )


def zip_domains(
    ds_a: tf.data.Dataset,
    ds_b: tf.data.Dataset,
    *,
    name: str,
    batch_size: int,
    shuffle: bool,
    seed: int,
    shuffle_buffers: Tuple[int, int],
    epoch_size: Optional[int],
    drop_remainder: bool,
    preprocess=None,
) -> tf.data.Dataset:
    """Shuffle two unbatched domains separately, zip them, batch.

    Domain A is shuffled with ``seed`` and B with ``seed + 1``; each is
    repeated (a fresh shuffle per pass) and cut to the epoch length:
    ``epoch_size`` or the larger domain's size. ``preprocess(a, b)`` runs
    after zipping; then :func:`kerasgan.data.pipeline.finalize` batches.

    Args:
        ds_a, ds_b: Unbatched datasets with known, non-zero cardinality.
        name, batch_size, shuffle, seed, epoch_size, drop_remainder,
            preprocess: as for :func:`kerasgan.data.pipeline.finalize`.
        shuffle_buffers: Buffer sizes (examples) of the two domains.

    Returns:
        ``tf.data.Dataset`` of batched ``(a, b)``.

    Example:
        >>> a, b = tf.data.Dataset.range(3), tf.data.Dataset.range(10, 15)
        >>> ds = zip_domains(a, b, name="r", batch_size=5, shuffle=False, seed=0,
        ...                  shuffle_buffers=(3, 5), epoch_size=None, drop_remainder=True)
        >>> [x.numpy().tolist() for x in next(iter(ds))]
        [[0, 1, 2, 0, 1], [10, 11, 12, 13, 14]]
    """
    sizes = []
    for label, ds in (("A", ds_a), ("B", ds_b)):
        n = int(ds.cardinality())
        if n == 0:
            raise DataError(f"data set {name!r}: domain {label} is empty")
        if n < 0 and epoch_size is None:
            raise DataError(f"data set {name!r}: the size of domain {label} is unknown; pass epoch_size")
        sizes.append(n)
    n = epoch_size if epoch_size is not None else max(sizes)

    def domain(ds, buffer, domain_seed):
        if shuffle:
            ds = ds.shuffle(max(1, int(buffer)), seed=domain_seed, reshuffle_each_iteration=True)
        return ds.repeat().take(n)

    zipped = tf.data.Dataset.zip(
        domain(ds_a, shuffle_buffers[0], seed), domain(ds_b, shuffle_buffers[1], seed + 1)
    )
    return pipeline.finalize(
        zipped,
        name=name,
        batch_size=batch_size,
        shuffle=False,
        seed=seed,
        shuffle_buffer=1,
        epoch_size=None,
        drop_remainder=drop_remainder,
        preprocess=preprocess,
    )


# --------------------------------------------------------------------------
# digits-rotated / digits-thick
# --------------------------------------------------------------------------


def disjoint_parts(x: np.ndarray, parts: int) -> List[np.ndarray]:
    """Deal images into ``parts`` groups with no image content shared between groups.

    Image ``i`` goes to group ``i % parts``, except that exact duplicates
    always follow their first occurrence, so no image of one group equals an
    image of another.

    Args:
        x: Array ``(N, ...)``.
        parts: Number of groups (int >= 1).

    Returns:
        ``parts`` sorted int index arrays that partition ``range(N)``.

    Example:
        >>> [p.tolist() for p in disjoint_parts(np.array([5, 6, 5, 7]), 2)]
        [[0, 2, 3], [1]]
    """
    flat = np.asarray(x).reshape(len(x), -1)
    _, first, inverse = np.unique(flat, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    # Number groups by first appearance; deal the groups round-robin.
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    part = rank[inverse] % parts
    return [np.flatnonzero(part == p) for p in range(parts)]


def thicken_size(image_size: int) -> int:
    """Dilation window of ``digits-thick``: ``max(2, image_size // 8)`` (2 at 16 px).

    Strokes grow by about one raw 8x8 pixel's worth of width, enough to
    see, not so much that loops close up.

    Example:
        >>> thicken_size(16), thicken_size(32)
        (2, 4)
    """
    return max(2, int(image_size) // 8)


def digits_unpaired_spec(name: str, image_size=None, channels=None) -> DataSpec:
    """Describe ``digits-rotated`` / ``digits-thick``.

    Returns:
        ``DataSpec(name, "unpaired", (S, S, C), None, target_shape=(S, S, C))``.

    Example:
        >>> digits_unpaired_spec("digits-thick").kind
        'unpaired'
    """
    if name not in DIGITS_UNPAIRED:
        raise ValueError(f"not an unpaired digits set: {name!r}; choices: {', '.join(DIGITS_UNPAIRED)}")
    shape = images.digits_spec(image_size, channels).shape
    return DataSpec(name, "unpaired", shape, None, target_shape=shape)


def digits_unpaired_arrays(
    name: str, split: str = "train", image_size=None, channels=None
) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Both domains of a digits unpaired set, in memory.

    The split's digits (:func:`kerasgan.data.images.digits_images`) are
    dealt into two disjoint halves (:func:`disjoint_parts`); A is the first
    half as is, B the second half transformed.

    Args:
        name: ``"digits-rotated"`` or ``"digits-thick"``.
        split: ``"train"``, ``"test"`` or ``"all"``.
        image_size: Side length (default 16).
        channels: 1 (default) or 3.

    Returns:
        ``(a, b, index_a, index_b)``: float32 ``(N_A, S, S, C)`` and
        ``(N_B, S, S, C)`` images in [-1, 1] and the digit indices within the
        split they come from.

    Example:
        >>> a, b, ia, ib = digits_unpaired_arrays("digits-rotated", "test")
        >>> len(a), len(b), len(set(ia) & set(ib))
        (180, 180, 0)
    """
    spec = digits_unpaired_spec(name, image_size, channels)
    size, c = spec.shape[0], spec.shape[2]
    x, _ = images.digits_images(split, size, 1)
    index_a, index_b = disjoint_parts(x, 2)
    a, b = x[index_a], x[index_b]
    if name == "digits-rotated":
        b = transforms.rotate90(b, 1)
    else:
        b = transforms.thicken(b, thicken_size(size))
    if c == 3:
        a, b = np.repeat(a, 3, axis=-1), np.repeat(b, 3, axis=-1)
    return a.astype(np.float32), b.astype(np.float32), index_a, index_b


def load_digits_unpaired(
    name: str,
    batch_size: int,
    *,
    split: str = "train",
    image_size=None,
    channels=None,
    shuffle: bool = True,
    seed: int = 0,
    with_labels: bool = False,
    epoch_size=None,
    drop_remainder: bool = True,
) -> tf.data.Dataset:
    """``digits-rotated`` / ``digits-thick`` as a batched ``tf.data`` pipeline.

    Args:
        name: ``"digits-rotated"`` or ``"digits-thick"``.
        batch_size: Pairs per batch (validated by the caller).
        split: ``"train"`` (719 + 718 digits), ``"test"`` (180 + 180) or ``"all"``.
        image_size: Side length (default 16).
        channels: 1 (default) or 3.
        shuffle: Shuffle each domain separately, reshuffled every epoch.
        seed: Shuffle seed.
        with_labels: Must be ``False``.
        epoch_size: Pairs per epoch (default: the larger domain).
        drop_remainder: Drop the last incomplete batch.

    Returns:
        ``tf.data.Dataset`` of ``(a, b)``, both float32 ``(B, S, S, C)`` in [-1, 1].

    Example:
        >>> a, b = next(iter(load_digits_unpaired("digits-rotated", 8)))
        >>> a.shape
        TensorShape([8, 16, 16, 1])
    """
    _reject_labels(name, with_labels)
    a, b, _, _ = digits_unpaired_arrays(name, split, image_size, channels)
    return zip_domains(
        tf.data.Dataset.from_tensor_slices(a),
        tf.data.Dataset.from_tensor_slices(b),
        name=name,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        shuffle_buffers=(len(a), len(b)),
        epoch_size=pipeline.check_epoch_size(epoch_size),
        drop_remainder=drop_remainder,
    )


# --------------------------------------------------------------------------
# unpaired:DIR (trainA/trainB layout) and unpaired:DIR_A,DIR_B
# --------------------------------------------------------------------------


def _domain_files(path: str, split: str, name: str) -> Tuple[List[str], List[str]]:
    dirs = parse_pairs_path(path)
    pipeline.check_split(split, _FOLDER_SPLITS if len(dirs) == 1 else ("train", "all"), name)
    if len(dirs) == 2:
        return tuple(images.list_images(split_root(d, "all", name)) for d in dirs)
    root = check_dir(dirs[0])
    parts = ("train", "test") if split == "all" else (split,)
    out = []
    for domain in ("A", "B"):
        files = []
        for part in parts:
            sub = os.path.join(root, part + domain)
            if not os.path.isdir(sub):
                if split == "all":
                    continue
                raise DataError(
                    f"data set {name!r}: folder {sub!r} is missing. Expected the CycleGAN layout "
                    f"DIR/trainA, DIR/trainB (DIR/testA, DIR/testB for split='test'), or name two "
                    "folders as 'unpaired:DIR_A,DIR_B'"
                )
            files += images.list_images(sub)
        if not files:
            raise DataError(
                f"data set {name!r}: neither {os.path.join(root, 'train' + domain)!r} nor "
                f"{os.path.join(root, 'test' + domain)!r} exists (CycleGAN layout expected)"
            )
        out.append(files)
    return tuple(out)


def unpaired_folder_spec(path: str, image_size=None, channels=None, *, name: Optional[str] = None) -> DataSpec:
    """Describe ``unpaired:DIR`` / ``unpaired:DIR_A,DIR_B`` (files listed, not decoded).

    Returns:
        ``DataSpec(name, "unpaired", (S, S, C), None, target_shape=(S, S, C))``
        (default S = 64, C = 3).

    Raises:
        DataError: missing/empty domain folders.

    Example:
        >>> unpaired_folder_spec("/data/horse2zebra", 128).shape  # doctest: +SKIP
        (128, 128, 3)
    """
    name = name or f"unpaired:{path}"
    size = pipeline.check_image_size(image_size, default=UNPAIRED_DEFAULT_SIZE)
    c = pipeline.check_channels(channels, default=UNPAIRED_DEFAULT_CHANNELS)
    _domain_files(path, "train", name)
    return DataSpec(name, "unpaired", (size, size, c), None, target_shape=(size, size, c))


def load_unpaired_folders(
    path: str,
    batch_size: int,
    *,
    split: str = "train",
    image_size=None,
    channels=None,
    shuffle: bool = True,
    seed: int = 0,
    with_labels: bool = False,
    epoch_size=None,
    drop_remainder: bool = True,
    name: Optional[str] = None,
) -> tf.data.Dataset:
    """Two folders of images as unpaired ``(a, b)`` batches.

    Images are decoded like ``folder:PATH`` (channels converted, centre-cropped,
    resized to ``image_size``, scaled to [-1, 1]); the domains may have
    different numbers and sizes of images.

    Args:
        path: ``DIR`` (with ``trainA``/``trainB``/``testA``/``testB``) or
            ``"DIR_A,DIR_B"``.
        batch_size: Pairs per batch (validated by the caller).
        split: ``"train"``, ``"test"`` or ``"all"`` for ``DIR``;
            ``"train"``/``"all"`` (both: all images) for two folders.
        image_size: Side length (default 64).
        channels: 3 (default) or 1.
        shuffle, seed, epoch_size, drop_remainder: see :func:`zip_domains`.
        with_labels: Must be ``False``.
        name: Data-set name for messages.

    Returns:
        ``tf.data.Dataset`` of ``(a, b)``, float32 ``(B, S, S, C)`` in [-1, 1].

    Raises:
        DataError: missing/empty folders.

    Example:
        >>> ds = load_unpaired_folders("/data/horse2zebra", 1, image_size=128)  # doctest: +SKIP
    """
    name = name or f"unpaired:{path}"
    _reject_labels(name, with_labels)
    size = pipeline.check_image_size(image_size, default=UNPAIRED_DEFAULT_SIZE)
    c = pipeline.check_channels(channels, default=UNPAIRED_DEFAULT_CHANNELS)
    files_a, files_b = _domain_files(path, split, name)
    return zip_domains(
        tf.data.Dataset.from_tensor_slices(files_a),
        tf.data.Dataset.from_tensor_slices(files_b),
        name=name,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        shuffle_buffers=(len(files_a), len(files_b)),
        epoch_size=pipeline.check_epoch_size(epoch_size),
        drop_remainder=drop_remainder,
        preprocess=lambda pa, pb: (images._decode_file(pa, size, c), images._decode_file(pb, size, c)),
    )


# --------------------------------------------------------------------------
# tensorflow_datasets cycle_gan/<config>
# --------------------------------------------------------------------------


def is_cycle_gan(name: str) -> bool:
    """``True`` for ``cycle_gan`` and ``cycle_gan/<config>[:version]`` names.

    Example:
        >>> is_cycle_gan("cycle_gan/horse2zebra"), is_cycle_gan("mnist")
        (True, False)
    """
    return name.split("/", 1)[0].split(":", 1)[0] == CYCLE_GAN


def _cycle_gan_splits(split, name: str) -> Tuple[str, str]:
    if split == "all":
        return "trainA+testA", "trainB+testB"
    match = _CYCLE_GAN_SPLIT.match(split) if isinstance(split, str) else None
    if not match:
        raise ValueError(
            f"split for data set {name!r} must be 'train', 'test' or 'all', optionally sliced "
            f"like 'train[:10%]' (it reads trainA+trainB, ...); got {split!r}"
        )
    base, sliced = match.group(1), match.group(2) or ""
    return f"{base}A{sliced}", f"{base}B{sliced}"


def _cycle_gan_shape(image_size, channels):
    size = pipeline.check_image_size(image_size, default=CYCLE_GAN_DEFAULT_SIZE)
    c = pipeline.check_channels(channels, default=3)
    return (size, size, c)


def cycle_gan_spec(name: str, image_size=None, channels=None, data_dir=None) -> DataSpec:
    """Describe a tfds ``cycle_gan/<config>`` set from its metadata.

    Returns:
        ``DataSpec(name, "unpaired", (S, S, C), None, target_shape=(S, S, C))``
        (default S = 256, C = 3).

    Raises:
        DatasetNotPreparedError: the data is not on disk.

    Example:
        >>> cycle_gan_spec("cycle_gan/horse2zebra", 128, data_dir="/data/tfds").target_shape  # doctest: +SKIP
        (128, 128, 3)
    """
    shape = _cycle_gan_shape(image_size, channels)
    builder = tfds_source.make_builder(name, data_dir)
    if not builder.is_prepared():
        tfds_source._as_dataset(builder, name, "trainA")  # raises unless served (mock_data)
    return DataSpec(name, "unpaired", shape, None, target_shape=shape)


def load_cycle_gan(
    name: str,
    batch_size: int,
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
) -> tf.data.Dataset:
    """A prepared tfds ``cycle_gan/<config>`` set as unpaired ``(a, b)`` batches.

    Domain A is the ``trainA`` split (``testA`` for ``split="test"``), B is
    ``trainB``/``testB``. Images are converted to float, to ``channels``,
    centre-cropped and resized to ``image_size`` (default 256), and scaled
    to [-1, 1].

    Args:
        name: ``"cycle_gan/horse2zebra"``, ``"cycle_gan/monet2photo"``, ...
        batch_size: Pairs per batch (validated by the caller).
        split: ``"train"``, ``"test"``, ``"all"``, or sliced (``"train[:50%]"``).
        image_size: Side length (default 256).
        channels: 3 (default) or 1.
        data_dir: tfds data root, or ``None`` for the default.
        shuffle, seed, epoch_size, drop_remainder: see :func:`zip_domains`.
        with_labels: Must be ``False``.

    Returns:
        ``tf.data.Dataset`` of ``(a, b)``, float32 ``(B, S, S, C)`` in [-1, 1].

    Raises:
        DatasetNotPreparedError: the data is not on disk.

    Example:
        >>> ds = load_cycle_gan("cycle_gan/horse2zebra", 1, data_dir="/data/tfds")  # doctest: +SKIP
    """
    _reject_labels(name, with_labels)
    split_a, split_b = _cycle_gan_splits(split, name)
    size, _, c = _cycle_gan_shape(image_size, channels)
    epoch_size = pipeline.check_epoch_size(epoch_size)
    builder = tfds_source.make_builder(name, data_dir)
    ds_a = tfds_source._as_dataset(builder, name, split_a, shuffle_files=shuffle, seed=seed)
    ds_b = tfds_source._as_dataset(builder, name, split_b, shuffle_files=shuffle, seed=seed + 1)
    ds_a, ds_b = (d.map(lambda ex: ex["image"]) for d in (ds_a, ds_b))

    def convert(image):
        x = pipeline.to_unit_range_float(image)
        x = pipeline.convert_channels(x, c)
        x = pipeline.resize_square(x, size)
        x.set_shape([size, size, c])
        return pipeline.to_model_range(x)

    bytes_per_image = CYCLE_GAN_DEFAULT_SIZE * CYCLE_GAN_DEFAULT_SIZE * 3
    buffers = tuple(
        pipeline.shuffle_buffer_for(bytes_per_image, n if n >= 0 else None)
        for n in (int(ds_a.cardinality()), int(ds_b.cardinality()))
    )
    return zip_domains(
        ds_a,
        ds_b,
        name=name,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        shuffle_buffers=buffers,
        epoch_size=epoch_size,
        drop_remainder=drop_remainder,
        preprocess=lambda a, b: (convert(a), convert(b)),
    )
