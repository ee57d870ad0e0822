"""``unpaired:DIR`` and ``unpaired:DIR_A,DIR_B``: two image domains from folders (CycleGAN).

* ``unpaired:DIR`` -- the CycleGAN download layout ``DIR/trainA``,
  ``DIR/trainB`` (``testA``/``testB`` for ``split="test"``);
* ``unpaired:DIR_A,DIR_B`` -- one folder per domain.

Images are decoded like ``folder:PATH``; each domain is shuffled on its own
(:func:`kerasgan.data.two_sided.zip_domains`), so ``a[i]`` and ``b[i]`` are
unrelated images.
"""

from __future__ import annotations

import os
from typing import List, Optional, Tuple

import tensorflow as tf

from kerasgan.data import folder_images, folders, pipeline, registry, two_sided
from kerasgan.data.base import DataError, DataSpec

__all__ = ["PREFIX", "UNPAIRED_DEFAULT_SIZE", "UNPAIRED_DEFAULT_CHANNELS", "unpaired_folder_spec", "load_unpaired_folders"]

#: Prefix of unpaired folder sets: ``"unpaired:/path"`` or ``"unpaired:/path/A,/path/B"``.
PREFIX = "unpaired:"
#: Default side and channels of ``unpaired:`` folders (as for ``folder:PATH``).
UNPAIRED_DEFAULT_SIZE = folder_images.FOLDER_DEFAULT_SIZE
UNPAIRED_DEFAULT_CHANNELS = folder_images.FOLDER_DEFAULT_CHANNELS
_FOLDER_SPLITS = ("train", "test", "all")


def _domain_files(path: str, split: str, name: str) -> Tuple[List[str], List[str]]:
    dirs = folders.parse_pairs_path(path)
    pipeline.check_split(split, _FOLDER_SPLITS if len(dirs) == 1 else ("train", "all"), name)
    if len(dirs) == 2:
        return tuple(folders.list_images(folders.split_root(d, "all", name)) for d in dirs)
    root = folders.check_dir(dirs[0])
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
            files += folders.list_images(sub)
        if not files:
            raise DataError(
                f"data set {name!r}: neither {os.path.join(root, 'train' + domain)!r} nor "
                f"{os.path.join(root, 'test' + domain)!r} exists (CycleGAN layout expected)"
            )
        out.append(files)
    return tuple(out)


def unpaired_folder_spec(path: str, image_size=None, channels=None, *, name: Optional[str] = None) -> DataSpec:
    """Describe ``unpaired:DIR`` / ``unpaired:DIR_A,DIR_B`` (files listed, not decoded).

    Args:
        path: ``DIR`` or ``"DIR_A,DIR_B"``.
        image_size: Side length (default 64).
        channels: 3 (default) or 1.
        name: Data-set name (default ``"unpaired:" + path``).

    Returns:
        ``DataSpec(name, "unpaired", (S, S, C), None, target_shape=(S, S, C))``
        (default S = 64, C = 3).

    Raises:
        DataError: missing/empty domain folders.

    Example:
        >>> unpaired_folder_spec("/data/horse2zebra", 128).shape  # doctest: +SKIP
        (128, 128, 3)
    """
    name = name or PREFIX + path
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
        shuffle, seed, epoch_size, drop_remainder: see
            :func:`kerasgan.data.two_sided.zip_domains`.
        with_labels: Must be ``False``.
        name: Data-set name for messages.

    Returns:
        ``tf.data.Dataset`` of ``(a, b)``, float32 ``(B, S, S, C)`` in [-1, 1].

    Raises:
        DataError: missing/empty folders, a truncated or corrupt image file (named).

    Example:
        >>> ds = load_unpaired_folders("/data/horse2zebra", 1, image_size=128)  # doctest: +SKIP
    """
    name = name or PREFIX + path
    two_sided.reject_labels(name, "unpaired", with_labels)
    size = pipeline.check_image_size(image_size, default=UNPAIRED_DEFAULT_SIZE)
    c = pipeline.check_channels(channels, default=UNPAIRED_DEFAULT_CHANNELS)
    files_a, files_b = _domain_files(path, split, name)
    folders.check_image_files(files_a + files_b, name)
    return two_sided.zip_domains(
        tf.data.Dataset.from_tensor_slices(files_a),
        tf.data.Dataset.from_tensor_slices(files_b),
        name=name,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        shuffle_buffers=(len(files_a), len(files_b)),
        epoch_size=pipeline.check_epoch_size(epoch_size),
        drop_remainder=drop_remainder,
        preprocess=lambda pa, pb: (folders.decode_square(pa, size, c), folders.decode_square(pb, size, c)),
    )


def _spec(name, image_size=None, channels=None, data_dir=None) -> DataSpec:
    return unpaired_folder_spec(name[len(PREFIX):], image_size, channels, name=name)


def _load(name, batch_size, *, data_dir, **options) -> tf.data.Dataset:
    return load_unpaired_folders(name[len(PREFIX):], batch_size, name=name, **options)


registry.register(registry.DataSource(_spec, _load, prefix=PREFIX))
