"""Image data sets from ``tensorflow_datasets`` (mnist, fashion_mnist, cifar10, celeb_a, ...).

kerasgan reads tfds data strictly offline (``download=False``): the data must
already be prepared under ``data_dir`` (or ``$TFDS_DATA_DIR`` /
``~/tensorflow_datasets``). Otherwise a :class:`DatasetNotPreparedError`
explains what is missing and how to prepare it.

Any tfds data set with an ``Image`` feature works: the feature named
``"image"`` is used (else the first top-level ``Image`` feature), and the
``"label"`` ``ClassLabel`` feature provides labels when present. This source
is the registry's fallback: every name no other source owns is a tfds name.
"""

from __future__ import annotations

import contextlib
import os
from typing import Optional, Tuple

import tensorflow as tf

from kerasgan.data import pipeline, registry
from kerasgan.data.base import DataError, DatasetNotPreparedError, DataSpec, UnknownDatasetError

__all__ = ["make_builder", "image_label_keys", "tfds_spec", "load_tfds", "list_tfds_names", "spec_on_error"]

_FALLBACK_IMAGE_SIZE_BYTES = 256 * 256 * 3


def _tfds():
    import tensorflow_datasets as tfds  # imported lazily: only needed for tfds names

    return tfds


def list_tfds_names() -> list:
    """Names of all data sets tensorflow_datasets knows (works offline).

    Returns:
        Sorted list of builder names (may be empty if tfds is not installed).

    Example:
        >>> "mnist" in list_tfds_names()
        True
    """
    try:
        return sorted(_tfds().list_builders())
    except Exception:  # pragma: no cover - tfds missing or broken
        return []


def make_builder(name: str, data_dir: Optional[str] = None):
    """Construct the tfds builder for ``name`` without touching the network.

    Args:
        name: tfds name, optionally with config/version (``"mnist"``,
            ``"celeb_a:2.1.0"``).
        data_dir: Root directory holding prepared tfds data, or ``None`` for
            tfds' default (``$TFDS_DATA_DIR`` or ``~/tensorflow_datasets``).

    Returns:
        A ``tfds.core.DatasetBuilder``.

    Raises:
        UnknownDatasetError: if tfds does not know ``name``.
        DataError: if tfds knows it but cannot build it (bad config/version).

    Example:
        >>> make_builder("mnist").info.features["image"].shape
        (28, 28, 1)
    """
    tfds = _tfds()
    kwargs = {} if data_dir is None else {"data_dir": os.path.expanduser(str(data_dir))}
    try:
        return tfds.builder(name, **kwargs)
    except tfds.core.registered.DatasetNotFoundError:
        raise UnknownDatasetError(f"{name!r} is not a tensorflow_datasets name") from None
    except (ValueError, AssertionError, KeyError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        if first.startswith("Parsing builder name string"):
            raise UnknownDatasetError(f"{name!r} is not a valid tensorflow_datasets name") from None
        raise DataError(f"tensorflow_datasets cannot build {name!r}: {first}") from None


def image_label_keys(builder) -> Tuple[str, Optional[str]]:
    """Pick the image feature and (optional) label feature of a tfds builder.

    Args:
        builder: A ``tfds.core.DatasetBuilder``.

    Returns:
        ``(image_key, label_key)``; ``label_key`` is ``None`` when there is no
        ``"label"`` ``ClassLabel`` feature.

    Raises:
        DataError: if the data set has no top-level ``Image`` feature.

    Example:
        >>> image_label_keys(make_builder("mnist"))
        ('image', 'label')
    """
    tfds = _tfds()
    features = builder.info.features
    image_cls, label_cls = tfds.features.Image, tfds.features.ClassLabel
    keys = list(features.keys())
    if "image" in keys and isinstance(features["image"], image_cls):
        image_key = "image"
    else:
        candidates = [k for k in keys if isinstance(features[k], image_cls)]
        if not candidates:
            raise DataError(
                f"tensorflow_datasets data set {builder.name!r} has no image feature "
                f"(features: {keys}); kerasgan needs an image data set"
            )
        image_key = candidates[0]
    label_key = "label" if "label" in keys and isinstance(features["label"], label_cls) else None
    return image_key, label_key


def _not_prepared(builder, name: str) -> DatasetNotPreparedError:
    root = getattr(builder, "data_dir_root", None) or os.path.dirname(str(builder.data_dir))
    short = builder.name
    config = getattr(builder, "builder_config", None)
    full = f"{short}/{config.name}" if config is not None and getattr(config, "name", None) else short
    return DatasetNotPreparedError(
        f"tensorflow_datasets data set {name!r} is not prepared: no data in {builder.data_dir} "
        f"(data_dir={str(root)!r}). kerasgan never downloads (it runs with download=False).\n"
        "To prepare it, on a machine with internet access run\n"
        f"    tfds build {full} --data_dir DIR\n"
        f"(or: python -c \"import tensorflow_datasets as tfds; tfds.builder('{full}', "
        "data_dir='DIR').download_and_prepare()\"),\n"
        f"then copy DIR/{short} to this machine and pass data_dir=DIR "
        "(CLI: --data-dir DIR) or set TFDS_DATA_DIR=DIR."
    )


@contextlib.contextmanager
def spec_on_error(spec):
    """Attaches ``spec`` to a :class:`DatasetNotPreparedError` raised inside (see its ``spec``)."""
    try:
        yield
    except DatasetNotPreparedError as error:
        error.spec = spec
        raise


def _as_dataset(builder, name: str, split: str, *, shuffle_files: bool = False, seed: int = 0):
    """``builder.as_dataset`` with tfds' failures turned into kerasgan errors."""
    tfds = _tfds()
    try:
        return builder.as_dataset(
            split=split,
            shuffle_files=shuffle_files,
            read_config=tfds.ReadConfig(shuffle_seed=seed),
        )
    except AssertionError as e:
        if "could not find data" in str(e) or not builder.is_prepared():
            raise _not_prepared(builder, name) from None
        raise
    except (ValueError, KeyError) as e:
        splits = list(builder.info.splits.keys())
        hint = f" (available splits: {splits})" if splits else ""
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise DataError(f"cannot read split {split!r} of {name!r}{hint}: {first}") from None


def _target_shape(builder, image_key, image_size, channels, name):
    native = tuple(builder.info.features[image_key].shape)
    size = pipeline.check_image_size(image_size)
    c = pipeline.check_channels(channels)
    if c is None:
        c = native[-1]
        if c is None or c not in pipeline.IMAGE_CHANNELS:
            c = 3 if c is None or c > 3 else 1
    if size is not None:
        return native, (size, size, c)
    if native[0] is None or native[1] is None:
        raise ValueError(
            f"data set {name!r} has images of varying size {native}; pass image_size "
            f"(an int >= {pipeline.MIN_IMAGE_SIZE})"
        )
    return native, (native[0], native[1], c)


def tfds_spec(name: str, image_size=None, channels=None, data_dir=None, *, split: str = "train") -> DataSpec:
    """Describe a tfds image data set from its metadata (no data is read).

    When tfds reports the data as not prepared, ``split`` is opened (lazily,
    nothing is read) to confirm; this also makes the function work under
    ``tfds.testing.mock_data``.

    Args:
        name: tfds name.
        image_size: Side length to resize to, or ``None`` for the native size.
        channels: 1 or 3, or ``None`` for the native channel count.
        data_dir: tfds data root, or ``None`` for the default.
        split: Split whose presence is checked.

    Returns:
        ``DataSpec(name, "image", (H, W, C), num_classes_or_None)``.

    Raises:
        UnknownDatasetError, DatasetNotPreparedError, DataError, ValueError.

    Example:
        >>> tfds_spec("mnist", data_dir="/data/tfds")  # doctest: +SKIP
        DataSpec(name='mnist', kind='image', shape=(28, 28, 1), num_classes=10)
    """
    builder = make_builder(name, data_dir)
    image_key, label_key = image_label_keys(builder)
    _, shape = _target_shape(builder, image_key, image_size, channels, name)
    num_classes = builder.info.features[label_key].num_classes if label_key else None
    spec = DataSpec(name, "image", shape, num_classes)
    if not builder.is_prepared():
        # Raises DatasetNotPreparedError unless tfds serves the data anyway
        # (e.g. under tfds.testing.mock_data).
        with spec_on_error(spec):
            _as_dataset(builder, name, split)
    return spec


def load_tfds(
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
    """A prepared tfds image data set as a batched ``tf.data`` pipeline.

    Examples are reduced to the image (and label), shuffled (files and a
    memory-bounded buffer, both seeded), then converted to float in [0, 1],
    converted to ``channels``, centre-cropped + resized bilinearly when
    ``image_size`` is given, and scaled to [-1, 1].

    Args:
        name: tfds name (``"mnist"``, ``"cifar10"``, ``"celeb_a"``, ...).
        batch_size: Images per batch (validated by the caller).
        split: Any tfds split string (``"train"``, ``"test"``, ``"train[:10%]"``).
        image_size: Side length, or ``None`` for the native size.
        channels: 1 or 3, or ``None`` for native.
        data_dir: tfds data root, or ``None`` for the default.
        shuffle: Shuffle files and examples, reshuffled every epoch.
        seed: Shuffle seed.
        with_labels: Yield ``(x, y)`` with int32 labels.
        epoch_size: Examples per epoch (default: one pass over the split).
        drop_remainder: Drop the last incomplete batch.

    Returns:
        ``tf.data.Dataset`` of float32 ``(B, H, W, C)`` in [-1, 1].

    Raises:
        DatasetNotPreparedError: the data is not on disk.
        DataError: no labels but ``with_labels=True``; bad split; no image.

    Example:
        >>> ds = load_tfds("mnist", 64, data_dir="/data/tfds")  # doctest: +SKIP
    """
    builder = make_builder(name, data_dir)
    image_key, label_key = image_label_keys(builder)
    if with_labels and label_key is None:
        raise DataError(
            f"data set {name!r} has no 'label' class feature; use with_labels=False"
        )
    native, (h, w, c) = _target_shape(builder, image_key, image_size, channels, name)
    size = pipeline.check_image_size(image_size)
    epoch_size = pipeline.check_epoch_size(epoch_size)
    ds = _as_dataset(builder, name, split, shuffle_files=shuffle, seed=seed)

    if with_labels:
        ds = ds.map(lambda ex: (ex[image_key], ex[label_key]))
    else:
        ds = ds.map(lambda ex: ex[image_key])

    def convert(image):
        x = pipeline.to_unit_range_float(image)
        x = pipeline.convert_channels(x, c)
        if size is not None:
            x = pipeline.resize_square(x, size)
        x = pipeline.to_model_range(x)
        x.set_shape([h, w, c])
        return x

    if with_labels:
        preprocess = lambda image, label: (convert(image), tf.cast(label, tf.int32))  # noqa: E731
    else:
        preprocess = convert

    n = int(ds.cardinality())
    example_bytes = (
        native[0] * native[1] * (native[2] or 3)
        if None not in native
        else _FALLBACK_IMAGE_SIZE_BYTES
    )
    return pipeline.finalize(
        ds,
        name=name,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        shuffle_buffer=pipeline.shuffle_buffer_for(example_bytes, n if n >= 0 else None),
        epoch_size=epoch_size,
        drop_remainder=drop_remainder,
        preprocess=preprocess,
    )


def _spec(name, image_size=None, channels=None, data_dir=None) -> DataSpec:
    # Validate size/channels before the (slower) tfds lookup.
    pipeline.check_image_size(image_size)
    pipeline.check_channels(channels)
    return tfds_spec(name, image_size, channels, data_dir)


def _load(name, batch_size, **options) -> tf.data.Dataset:
    pipeline.check_image_size(options["image_size"])
    pipeline.check_channels(options["channels"])
    return load_tfds(name, batch_size, **options)


registry.register(registry.DataSource(_spec, _load, fallback=True))
