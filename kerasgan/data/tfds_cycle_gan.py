"""``cycle_gan/<config>``: tensorflow_datasets' CycleGAN sets as unpaired ``(a, b)`` batches.

``cycle_gan/horse2zebra``, ``cycle_gan/monet2photo``, ... store each domain
as its own split (``trainA``/``trainB``/``testA``/``testB``); they are read
offline when prepared (:mod:`kerasgan.data.tfds_source`) and zipped like the
other unpaired sets (:func:`kerasgan.data.two_sided.zip_domains`).
"""

from __future__ import annotations

import re
from typing import Tuple

import tensorflow as tf

from kerasgan.data import pipeline, registry, tfds_source, two_sided
from kerasgan.data.base import DataSpec

__all__ = ["CYCLE_GAN", "CYCLE_GAN_DEFAULT_SIZE", "is_cycle_gan", "cycle_gan_spec", "load_cycle_gan"]

#: tensorflow_datasets builder of the CycleGAN data sets.
CYCLE_GAN = "cycle_gan"
#: Default side of ``cycle_gan/*`` images (their native size; tfds declares it as variable).
CYCLE_GAN_DEFAULT_SIZE = 256
_CYCLE_GAN_SPLIT = re.compile(r"^(train|test)(\[[^\]]*\])?$")


def is_cycle_gan(name: str) -> bool:
    """``True`` for ``cycle_gan`` and ``cycle_gan/<config>[:version]`` names.

    Args:
        name: A data-set name.

    Returns:
        Whether the name is a tfds CycleGAN set.

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

    Args:
        name: ``"cycle_gan/horse2zebra"``, ...
        image_size: Side length (default 256).
        channels: 3 (default) or 1.
        data_dir: tfds data root, or ``None`` for the default.

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
    spec = DataSpec(name, "unpaired", shape, None, target_shape=shape)
    builder = tfds_source.make_builder(name, data_dir)
    if not builder.is_prepared():
        with tfds_source.spec_on_error(spec):
            tfds_source._as_dataset(builder, name, "trainA")  # raises unless served (mock_data)
    return spec


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
        shuffle, seed, epoch_size, drop_remainder: see
            :func:`kerasgan.data.two_sided.zip_domains`.
        with_labels: Must be ``False``.

    Returns:
        ``tf.data.Dataset`` of ``(a, b)``, float32 ``(B, S, S, C)`` in [-1, 1].

    Raises:
        DatasetNotPreparedError: the data is not on disk.

    Example:
        >>> ds = load_cycle_gan("cycle_gan/horse2zebra", 1, data_dir="/data/tfds")  # doctest: +SKIP
    """
    two_sided.reject_labels(name, "unpaired", with_labels)
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
    return two_sided.zip_domains(
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


def _spec(name, image_size=None, channels=None, data_dir=None) -> DataSpec:
    return cycle_gan_spec(name, image_size, channels, data_dir)


registry.register(registry.DataSource(_spec, load_cycle_gan, matches=is_cycle_gan))
