"""``pairs:PATH`` and ``pairs:DIR_A,DIR_B``: aligned image pairs from folders (pix2pix).

* ``pairs:PATH`` -- a folder of side-by-side images ``A|B`` (the layout of
  the pix2pix facades/maps/edges2shoes downloads), cut in the middle;
* ``pairs:DIR_A,DIR_B`` -- two folders holding files with the same relative
  names (extension aside), ``DIR_A/x.png`` paired with ``DIR_B/x.jpg``.

``direction="AtoB"`` (default) yields ``(A, B)``: the left half, or the
image of ``DIR_A``; ``"BtoA"`` swaps the two.

tensorflow_datasets has no aligned pix2pix set (its ``cycle_gan/facades`` and
``cycle_gan/maps`` are stored as two unordered domains), so paired tfds data
is not offered; use ``pairs:PATH`` on the original pix2pix downloads.
"""

from __future__ import annotations

import os
from typing import Dict, List, Optional, Sequence, Tuple

import tensorflow as tf

from kerasgan.data import folders, pipeline, registry, two_sided
from kerasgan.data.base import DataError, DataSpec

__all__ = ["PREFIX", "PAIRS_DEFAULT_CHANNELS", "pairs_spec", "load_pairs"]

#: Prefix of paired folder sets: ``"pairs:/path"`` or ``"pairs:/path/A,/path/B"``.
PREFIX = "pairs:"
#: Default channel count of ``pairs:`` folders (pix2pix data is RGB).
PAIRS_DEFAULT_CHANNELS = 3
_MAX_LISTED = 8


def _listing(items: Sequence[str]) -> str:
    items = list(items)
    shown = ", ".join(items[:_MAX_LISTED])
    return shown + (f", ... ({len(items) - _MAX_LISTED} more)" if len(items) > _MAX_LISTED else "")


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
    for f in folders.list_images(root):
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
    dirs = folders.parse_pairs_path(path)
    if len(dirs) == 1:
        files = folders.list_images(folders.split_root(dirs[0], split, name))
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
    files_a, files_b = _match_dirs(
        folders.split_root(dirs[0], split, name), folders.split_root(dirs[1], split, name), name
    )
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

    Args:
        path: Folder, or two comma-separated folders.
        image_size: Side length, or ``None`` for the native size.
        channels: 3 (default) or 1.
        name: Data-set name (default ``"pairs:" + path``).

    Returns:
        ``DataSpec(name, "paired", shape, None, target_shape=shape)`` with
        ``shape = (S, S, C)``, or the native half / image size.

    Raises:
        DataError: missing/empty folders, unmatched files, mixed sizes.

    Example:
        >>> pairs_spec("/data/facades").target_shape  # 512x256 side-by-side files  # doctest: +SKIP
        (256, 256, 3)
    """
    name = name or PREFIX + path
    size = pipeline.check_image_size(image_size)
    c = pipeline.check_channels(channels, default=PAIRS_DEFAULT_CHANNELS)
    _, native = _resolve(path, "all", size, name)
    shape = (size, size, c) if size is not None else (native[0], native[1], c)
    return DataSpec(name, "paired", shape, None, target_shape=shape)


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
            different sizes without ``image_size``, unreadable headers, a
            truncated or corrupt image file (named).

    Example:
        >>> ds = load_pairs("/data/facades", 4, image_size=128)  # doctest: +SKIP
    """
    name = name or PREFIX + path
    two_sided.reject_labels(name, "paired", with_labels)
    direction = two_sided.check_direction(direction)
    size = pipeline.check_image_size(image_size)
    c = pipeline.check_channels(channels, default=PAIRS_DEFAULT_CHANNELS)
    file_lists, native = _resolve(path, split, size, name)
    folders.check_image_files([f for files in file_lists for f in files], name)

    if len(file_lists) == 1:
        ds = tf.data.Dataset.from_tensor_slices(file_lists[0])

        def preprocess(p):
            img = folders.decode_image(p, c)
            half = tf.shape(img)[1] // 2
            return _finish(img[:, :half], size, native, c), _finish(img[:, half:], size, native, c)

    else:
        ds = tf.data.Dataset.from_tensor_slices(tuple(file_lists))

        def preprocess(pa, pb):
            return (
                _finish(folders.decode_image(pa, c), size, native, c),
                _finish(folders.decode_image(pb, c), size, native, c),
            )

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


def _spec(name, image_size=None, channels=None, data_dir=None) -> DataSpec:
    return pairs_spec(name[len(PREFIX):], image_size, channels, name=name)


def _load(name, batch_size, *, data_dir, **options) -> tf.data.Dataset:
    return load_pairs(name[len(PREFIX):], batch_size, name=name, **options)


registry.register(registry.DataSource(_spec, _load, prefix=PREFIX, directions=True))
