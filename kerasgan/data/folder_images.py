"""``folder:PATH``: a directory of png/jpg/jpeg/bmp images, without labels."""

from __future__ import annotations

from typing import Optional

import tensorflow as tf

from kerasgan.data import folders, pipeline, registry
from kerasgan.data.base import DataError, DataSpec

__all__ = ["PREFIX", "FOLDER_DEFAULT_SIZE", "FOLDER_DEFAULT_CHANNELS", "folder_spec", "load_folder"]

#: Prefix of folder data sets: ``"folder:/path/to/images"``.
PREFIX = "folder:"
#: Default side length and channel count for ``folder:PATH``.
FOLDER_DEFAULT_SIZE = 64
FOLDER_DEFAULT_CHANNELS = 3
_FOLDER_SPLITS = ("train", "all")


def folder_spec(path: str, image_size=None, channels=None, *, name: Optional[str] = None) -> DataSpec:
    """Describe ``folder:PATH`` without decoding any image.

    Args:
        path: Directory of images.
        image_size: Side length (default 64).
        channels: 3 (default) or 1.
        name: Name to record in the spec (default ``"folder:" + path``).

    Returns:
        ``DataSpec(name, "image", (S, S, C), None)`` -- folders have no labels.

    Raises:
        DataError: if the folder is missing or has no images.

    Example:
        >>> folder_spec("/some/folder", 32).shape  # doctest: +SKIP
        (32, 32, 3)
    """
    size = pipeline.check_image_size(image_size, default=FOLDER_DEFAULT_SIZE)
    c = pipeline.check_channels(channels, default=FOLDER_DEFAULT_CHANNELS)
    folders.list_images(path)
    return DataSpec(name or PREFIX + path, "image", (size, size, c), None)


def load_folder(
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
    """A folder of png/jpg/jpeg/bmp images as a batched ``tf.data`` pipeline.

    Files are found recursively, shuffled by path (cheap), then decoded,
    converted to ``channels`` (grey<->RGB, alpha dropped), centre-cropped to a
    square, resized bilinearly to ``image_size`` and scaled to [-1, 1].
    Every file is checked when the pipeline is built
    (:func:`~kerasgan.data.folders.check_image_files`): a truncated or corrupt
    one is a :class:`DataError` naming it, before any training.

    Args:
        path: Directory of images.
        batch_size: Images per batch (validated by the caller).
        split: ``"train"`` or ``"all"`` (both: every image; folders have no
            test split).
        image_size: Side length (default 64).
        channels: 3 (default) or 1.
        shuffle: Reshuffle every epoch.
        seed: Shuffle seed.
        with_labels: Must be ``False``: folders have no labels.
        epoch_size: Examples per epoch (default: number of files).
        drop_remainder: Drop the last incomplete batch.
        name: Data-set name for messages.

    Returns:
        ``tf.data.Dataset`` of float32 ``(B, S, S, C)`` in [-1, 1].

    Raises:
        DataError: missing/empty folder, a truncated or corrupt image file
            (named), or ``with_labels=True``.

    Example:
        >>> ds = load_folder("/some/folder", 16, image_size=32)  # doctest: +SKIP
    """
    name = name or PREFIX + path
    pipeline.check_split(split, _FOLDER_SPLITS, name)
    if with_labels:
        raise DataError(f"data set {name!r} has no labels; use with_labels=False")
    spec = folder_spec(path, image_size, channels, name=name)
    size, c = spec.shape[0], spec.shape[2]
    files = folders.list_images(path)
    folders.check_image_files(files, name)
    ds = tf.data.Dataset.from_tensor_slices(files)
    return pipeline.finalize(
        ds,
        name=name,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        shuffle_buffer=len(files),
        epoch_size=pipeline.check_epoch_size(epoch_size),
        drop_remainder=drop_remainder,
        preprocess=lambda p: folders.decode_square(p, size, c),
    )


def _spec(name, image_size=None, channels=None, data_dir=None) -> DataSpec:
    return folder_spec(name[len(PREFIX):], image_size, channels, name=name)


def _load(name, batch_size, *, data_dir, **options) -> tf.data.Dataset:
    return load_folder(name[len(PREFIX):], batch_size, name=name, **options)


registry.register(registry.DataSource(_spec, _load, prefix=PREFIX))
