"""Paired image data for image-to-image translation (pix2pix): batches ``(source, target)``.

Both images of a pair are float32 NHWC in [-1, 1] with the same shape, and
pair ``i`` of a batch is aligned (the target is the translation of that very
source). Sources:

* ``digits-edges`` -- source: a scikit-learn digit, target: its binary edge
  map (:func:`kerasgan.data.transforms.edge_map`, +1 on edges);
* ``digits-inverse`` -- source: a digit, target: its negative (``-source``);
* ``pairs:PATH`` -- a folder of side-by-side images ``A|B`` (the layout of
  the pix2pix facades/maps/edges2shoes downloads), cut in the middle;
* ``pairs:DIR_A,DIR_B`` -- two folders holding files with the same relative
  names (extension aside), ``DIR_A/x.png`` paired with ``DIR_B/x.jpg``.

``direction="AtoB"`` (default) yields ``(A, B)``: for digits A is the
digit, for side-by-side files the left half, for two folders ``DIR_A``;
``"BtoA"`` swaps the two.

tensorflow_datasets has no aligned pix2pix set (its ``cycle_gan/facades`` and
``cycle_gan/maps`` are stored as two unordered domains), so paired tfds data
is not offered; use ``pairs:PATH`` on the original pix2pix downloads.
"""

from __future__ import annotations

import os
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import tensorflow as tf

from kerasgan.data import images, pipeline, transforms
from kerasgan.data.base import DataError, DataSpec

__all__ = [
    "DIGITS_PAIRED",
    "DIRECTIONS",
    "PAIRS_DEFAULT_CHANNELS",
    "EDGE_THRESHOLD",
    "check_direction",
    "digits_pair_arrays",
    "digits_pair_spec",
    "load_digits_pairs",
    "parse_pairs_path",
    "check_dir",
    "split_root",
    "pairs_spec",
    "load_pairs",
]

#: Paired sets built from scikit-learn digits.
DIGITS_PAIRED = ("digits-edges", "digits-inverse")
#: Accepted values of ``direction``.
DIRECTIONS = ("AtoB", "BtoA")
#: Default channel count of ``pairs:`` folders (pix2pix data is RGB).
PAIRS_DEFAULT_CHANNELS = 3
#: Edge threshold of ``digits-edges`` ([0, 1] intensity change over a 3x3 window).
EDGE_THRESHOLD = 0.5
_MAX_LISTED = 8


def check_direction(direction) -> str:
    """Validate ``direction`` (``None`` means ``"AtoB"``).

    Example:
        >>> check_direction(None)
        'AtoB'
    """
    if direction is None:
        return "AtoB"
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'AtoB' or 'BtoA', got {direction!r}")
    return direction


def _reject_labels(name: str, with_labels: bool):
    if with_labels:
        raise DataError(
            f"data set {name!r} yields (source, target) image pairs and has no class labels; "
            "use with_labels=False"
        )


def _listing(items: Sequence[str]) -> str:
    items = list(items)
    shown = ", ".join(items[:_MAX_LISTED])
    return shown + (f", ... ({len(items) - _MAX_LISTED} more)" if len(items) > _MAX_LISTED else "")


# --------------------------------------------------------------------------
# digits-edges / digits-inverse
# --------------------------------------------------------------------------


def digits_pair_spec(name: str, image_size=None, channels=None) -> DataSpec:
    """Describe ``digits-edges`` / ``digits-inverse``.

    Returns:
        ``DataSpec(name, "paired", (S, S, C), None, target_shape=(S, S, C))``.

    Example:
        >>> digits_pair_spec("digits-inverse").target_shape
        (16, 16, 1)
    """
    if name not in DIGITS_PAIRED:
        raise ValueError(f"not a paired digits set: {name!r}; choices: {', '.join(DIGITS_PAIRED)}")
    shape = images.digits_spec(image_size, channels).shape
    return DataSpec(name, "paired", shape, None, target_shape=shape)


def digits_pair_arrays(
    name: str, split: str = "train", image_size=None, channels=None
) -> Tuple[np.ndarray, np.ndarray]:
    """All ``(source, target)`` pairs of a digits paired set, in memory.

    Sources are :func:`kerasgan.data.images.digits_images` of ``split`` (the
    fixed digits train/test split); targets are computed on the grey image at
    the final size, then channels are repeated.

    Args:
        name: ``"digits-edges"`` or ``"digits-inverse"``.
        split: ``"train"``, ``"test"`` or ``"all"``.
        image_size: Side length (default 16).
        channels: 1 (default) or 3.

    Returns:
        ``(source, target)``: float32 ``(N, S, S, C)`` arrays in [-1, 1].

    Example:
        >>> s, t = digits_pair_arrays("digits-inverse", "test")
        >>> bool((t == -s).all())
        True
    """
    spec = digits_pair_spec(name, image_size, channels)
    size, c = spec.shape[0], spec.shape[2]
    source, _ = images.digits_images(split, size, 1)
    if name == "digits-edges":
        target = transforms.edge_map(source, threshold=EDGE_THRESHOLD)
    else:
        target = transforms.invert(source)
    if c == 3:
        source, target = np.repeat(source, 3, axis=-1), np.repeat(target, 3, axis=-1)
    return source.astype(np.float32), target.astype(np.float32)


def load_digits_pairs(
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
    direction=None,
) -> tf.data.Dataset:
    """``digits-edges`` / ``digits-inverse`` as a batched ``tf.data`` pipeline.

    Args:
        name: ``"digits-edges"`` or ``"digits-inverse"``.
        batch_size: Pairs per batch (validated by the caller).
        split: ``"train"`` (1437 pairs), ``"test"`` (360) or ``"all"``.
        image_size: Side length (default 16).
        channels: 1 (default) or 3.
        shuffle: Reshuffle (pairs stay together) every epoch.
        seed: Shuffle seed.
        with_labels: Must be ``False``.
        epoch_size: Pairs per epoch (default: the split size).
        drop_remainder: Drop the last incomplete batch.
        direction: ``"AtoB"`` (digit -> edges/negative, default) or ``"BtoA"``.

    Returns:
        ``tf.data.Dataset`` of ``(source, target)``, both float32
        ``(B, S, S, C)`` in [-1, 1].

    Example:
        >>> src, tgt = next(iter(load_digits_pairs("digits-edges", 8)))
        >>> src.shape == tgt.shape
        True
    """
    _reject_labels(name, with_labels)
    direction = check_direction(direction)
    source, target = digits_pair_arrays(name, split, image_size, channels)
    if direction == "BtoA":
        source, target = target, source
    ds = tf.data.Dataset.from_tensor_slices((source, target))
    return pipeline.finalize(
        ds,
        name=name,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        shuffle_buffer=len(source),
        epoch_size=pipeline.check_epoch_size(epoch_size),
        drop_remainder=drop_remainder,
    )


# --------------------------------------------------------------------------
# pairs:PATH and pairs:DIR_A,DIR_B
# --------------------------------------------------------------------------


def parse_pairs_path(path: str) -> Tuple[str, ...]:
    """Split the path of ``pairs:``/``unpaired:`` names into one or two folders.

    ``"DIR_A,DIR_B"`` gives two folders unless the whole string is itself an
    existing directory (a folder whose name contains a comma).

    Returns:
        ``(path,)`` or ``(dir_a, dir_b)`` (user ``~`` expanded).

    Raises:
        DataError: empty path, or a comma list that is not exactly two folders.

    Example:
        >>> parse_pairs_path("/data/A,/data/B")
        ('/data/A', '/data/B')
    """
    path = str(path).strip()
    if not path:
        raise DataError("a folder path is needed, e.g. 'pairs:/data/facades' or 'pairs:/data/A,/data/B'")
    if "," in path and not os.path.isdir(os.path.expanduser(path)):
        parts = [p.strip() for p in path.split(",")]
        if len(parts) != 2 or not all(parts):
            raise DataError(f"expected exactly two folders 'DIR_A,DIR_B', got {path!r}")
        return tuple(os.path.expanduser(p) for p in parts)
    return (os.path.expanduser(path),)


def check_dir(path: str) -> str:
    """Raise :class:`DataError` unless ``path`` is an existing directory.

    Example:
        >>> check_dir("/no/such/dir")
        Traceback (most recent call last):
        ...
        kerasgan.data.base.DataError: image folder '/no/such/dir' does not exist
    """
    if not os.path.exists(path):
        raise DataError(f"image folder {path!r} does not exist")
    if not os.path.isdir(path):
        raise DataError(f"image folder {path!r} is not a directory")
    return path


def split_root(path: str, split, name: str) -> str:
    """The folder holding ``split`` of an image-folder data set.

    ``"all"`` is the whole folder; otherwise ``PATH/<split>`` when it exists
    (the pix2pix layout has ``train/``, ``val/``, ``test/``); a folder without
    split subfolders is all ``"train"``.

    Raises:
        DataError: the folder is missing, or ``split`` has no subfolder.

    Example:
        >>> split_root("/data/facades", "test", "pairs:/data/facades")  # doctest: +SKIP
        '/data/facades/test'
    """
    if not isinstance(split, str) or not split or os.sep in split or split in (".", ".."):
        raise ValueError(
            f"split for data set {name!r} must be 'all' or a subfolder name like 'train'; got {split!r}"
        )
    check_dir(path)
    if split == "all":
        return path
    sub = os.path.join(path, split)
    if os.path.isdir(sub):
        return sub
    subdirs = sorted(d for d in os.listdir(path) if os.path.isdir(os.path.join(path, d)) and not d.startswith("."))
    if split == "train" and not {"test", "val", "validation"} & set(subdirs):
        return path
    raise DataError(
        f"data set {name!r}: no folder for split {split!r} ({sub!r} does not exist); "
        f"subfolders of {path!r}: {subdirs or 'none'}. Use split='all' for every image."
    )


def _image_size(path: str) -> Tuple[int, int]:
    """``(width, height)`` from the file header (PIL does not decode pixels here)."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            return tuple(int(v) for v in im.size)
    except Exception as e:  # PIL raises several types for unreadable files
        raise DataError(f"cannot read image {path!r}: {e}") from None


def _check_same_size(files: Sequence[str], sizes: Sequence[Tuple[int, int]], name: str, what: str):
    by_size: Dict[Tuple[int, int], str] = {}
    for f, s in zip(files, sizes):
        by_size.setdefault(s, f)
    if len(by_size) > 1:
        examples = "; ".join(f"{f!r} is {w}x{h}" for (w, h), f in list(by_size.items())[:_MAX_LISTED])
        raise DataError(
            f"data set {name!r}: {what} have different sizes and no image_size was given "
            f"to resize them ({len(by_size)} sizes, width x height): {examples}. "
            "Pass image_size=N to resize every image to N x N."
        )


def _stem_index(root: str, name: str) -> Dict[str, str]:
    index: Dict[str, str] = {}
    for f in images.list_images(root):
        key = os.path.splitext(os.path.relpath(f, root))[0]
        if key in index:
            raise DataError(
                f"data set {name!r}: {index[key]!r} and {f!r} have the same name apart from "
                "the extension, so their partner is ambiguous; rename one"
            )
        index[key] = f
    return index


def _match_dirs(root_a: str, root_b: str, name: str) -> Tuple[List[str], List[str]]:
    index_a, index_b = _stem_index(root_a, name), _stem_index(root_b, name)
    only_a = sorted(set(index_a) - set(index_b))
    only_b = sorted(set(index_b) - set(index_a))
    if only_a or only_b:
        parts = []
        for missing, index, here, there in ((only_a, index_a, root_a, root_b), (only_b, index_b, root_b, root_a)):
            if missing:
                parts.append(
                    f"{len(missing)} file(s) in {here!r} have no partner in {there!r}: "
                    + _listing(index[k] for k in missing)
                )
        raise DataError(
            f"data set {name!r}: paired folders must hold files with the same names "
            "(extension aside). " + "; ".join(parts)
        )
    keys = sorted(index_a)
    return [index_a[k] for k in keys], [index_b[k] for k in keys]


def _resolve(path: str, split: str, image_size, name: str):
    """Files and native half-image shape ``(H, W)`` (``None`` when resizing)."""
    dirs = parse_pairs_path(path)
    if len(dirs) == 1:
        files = images.list_images(split_root(dirs[0], split, name))
        if image_size is not None:
            return (files,), None
        sizes = [_image_size(f) for f in files]
        _check_same_size(files, sizes, name, "side-by-side images")
        w, h = sizes[0]
        if w % 2:
            raise DataError(
                f"data set {name!r}: side-by-side images must have an even width to be cut "
                f"into two halves, but {files[0]!r} is {w}x{h}; pass image_size=N to resize the halves"
            )
        return (files,), (h, w // 2)
    files_a, files_b = _match_dirs(split_root(dirs[0], split, name), split_root(dirs[1], split, name), name)
    if image_size is not None:
        return (files_a, files_b), None
    sizes_a = [_image_size(f) for f in files_a]
    sizes_b = [_image_size(f) for f in files_b]
    for fa, fb, sa, sb in zip(files_a, files_b, sizes_a, sizes_b):
        if sa != sb:
            raise DataError(
                f"data set {name!r}: paired images differ in size: {fa!r} is {sa[0]}x{sa[1]} but "
                f"{fb!r} is {sb[0]}x{sb[1]} (width x height). Pass image_size=N to resize both."
            )
    _check_same_size(files_a, sizes_a, name, "paired images")
    w, h = sizes_a[0]
    return (files_a, files_b), (h, w)


def pairs_spec(path: str, image_size=None, channels=None, *, name: Optional[str] = None) -> DataSpec:
    """Describe ``pairs:PATH`` / ``pairs:DIR_A,DIR_B`` (file headers only).

    Without ``image_size`` every image header is read to find the (common)
    native size.

    Returns:
        ``DataSpec(name, "paired", shape, None, target_shape=shape)`` with
        ``shape = (S, S, C)``, or the native half / image size.

    Raises:
        DataError: missing/empty folders, unmatched files, mixed sizes.

    Example:
        >>> pairs_spec("/data/facades").target_shape  # 512x256 side-by-side files  # doctest: +SKIP
        (256, 256, 3)
    """
    name = name or f"pairs:{path}"
    size = pipeline.check_image_size(image_size)
    c = pipeline.check_channels(channels, default=PAIRS_DEFAULT_CHANNELS)
    _, native = _resolve(path, "all", size, name)
    shape = (size, size, c) if size is not None else (native[0], native[1], c)
    return DataSpec(name, "paired", shape, None, target_shape=shape)


def _decode(path: tf.Tensor, channels: int) -> tf.Tensor:
    raw = tf.io.read_file(path)
    img = tf.io.decode_image(raw, channels=0, dtype=tf.float32, expand_animations=False)
    return pipeline.convert_channels(img, channels)


def _finish(img: tf.Tensor, size: Optional[int], native, channels: int) -> tf.Tensor:
    if size is not None:
        img = pipeline.resize_square(img, size)
        img.set_shape([size, size, channels])
    else:
        img.set_shape([native[0], native[1], channels])
    return pipeline.to_model_range(img)


def load_pairs(
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
    direction=None,
    name: Optional[str] = None,
) -> tf.data.Dataset:
    """Aligned image pairs from folders as a batched ``tf.data`` pipeline.

    ``path`` is one folder of side-by-side ``A|B`` images (each cut at
    ``width // 2``) or ``"DIR_A,DIR_B"``. Images are decoded, converted to
    ``channels``, and -- when ``image_size`` is given -- each half/image is
    centre-cropped to a square and resized to ``image_size``; without it
    they keep their native size, which must then be the same for all.

    Args:
        path: Folder, or two comma-separated folders.
        batch_size: Pairs per batch (validated by the caller).
        split: ``"train"`` (``PATH/train`` if present, else the whole
            folder), ``"all"``, or any subfolder name (``"val"``, ``"test"``).
        image_size: Side length, or ``None`` for the native size.
        channels: 3 (default) or 1.
        shuffle: Reshuffle (pairs stay together) every epoch.
        seed: Shuffle seed.
        with_labels: Must be ``False``.
        epoch_size: Pairs per epoch (default: number of pairs).
        drop_remainder: Drop the last incomplete batch.
        direction: ``"AtoB"`` (left half / DIR_A is the source, default) or
            ``"BtoA"``.
        name: Data-set name for messages.

    Returns:
        ``tf.data.Dataset`` of ``(source, target)``, float32 NHWC in [-1, 1].

    Raises:
        DataError: missing/empty folders, files without partner, images of
            different sizes without ``image_size``, unreadable headers.

    Example:
        >>> ds = load_pairs("/data/facades", 4, image_size=128)  # doctest: +SKIP
    """
    name = name or f"pairs:{path}"
    _reject_labels(name, with_labels)
    direction = check_direction(direction)
    size = pipeline.check_image_size(image_size)
    c = pipeline.check_channels(channels, default=PAIRS_DEFAULT_CHANNELS)
    file_lists, native = _resolve(path, split, size, name)

    if len(file_lists) == 1:
        ds = tf.data.Dataset.from_tensor_slices(file_lists[0])

        def preprocess(p):
            img = _decode(p, c)
            half = tf.shape(img)[1] // 2
            return _finish(img[:, :half], size, native, c), _finish(img[:, half:], size, native, c)

    else:
        ds = tf.data.Dataset.from_tensor_slices(tuple(file_lists))

        def preprocess(pa, pb):
            return _finish(_decode(pa, c), size, native, c), _finish(_decode(pb, c), size, native, c)

    if direction == "BtoA":
        forward = preprocess
        preprocess = lambda *p: tuple(reversed(forward(*p)))  # noqa: E731

    return pipeline.finalize(
        ds,
        name=name,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        shuffle_buffer=len(file_lists[0]),
        epoch_size=pipeline.check_epoch_size(epoch_size),
        drop_remainder=drop_remainder,
        preprocess=preprocess,
    )
