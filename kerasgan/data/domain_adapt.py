"""Domain-adaptation data for DANN: a labelled source domain and an unlabelled target domain.

* ``digits-adapt-inverse`` -- source: upright digits with their labels;
  target: the *other* half of the digits, inverted (negative images,
  :func:`kerasgan.data.transforms.invert`);
* ``digits-adapt-thick`` -- source: upright digits with their labels;
  target: the other half with thicker strokes
  (:func:`kerasgan.data.transforms.thicken`, the window of ``digits-thick``);
* ``adapt:SOURCE,TARGET`` -- any two image sets: ``SOURCE`` is a labelled
  set (a folder with one subfolder per class, or a labelled data-set name
  such as ``mnist``, ``digits`` or ``mnist5k``), ``TARGET`` a folder of
  images (class subfolders optional: their labels are used for evaluation
  only) or a data-set name.

A batch is ``((source, labels), target)``: ``B`` labelled source images and
``B`` target images drawn independently (each domain shuffled on its own,
the smaller repeated; an epoch is the larger domain). The target's labels
never reach training; :func:`kerasgan.data.ground_truth` gives the labelled
target domain of a split (an :class:`~kerasgan.data.AdaptTruth`) for the
accuracy metric.
"""

from __future__ import annotations

import os
from typing import Optional, Tuple

import numpy as np
import tensorflow as tf

from kerasgan.data import digits, folders, registry, two_sided
from kerasgan.data.base import AdaptTruth, DataError, DataSpec
from kerasgan.data.digits_unpaired import thicken_size
from kerasgan.data import transforms

__all__ = ["DIGITS_ADAPT", "PREFIX", "adapt_spec", "adapt_arrays", "adapt_truth", "load_adapt"]

#: The built-in digits adaptation sets.
DIGITS_ADAPT = ("digits-adapt-inverse", "digits-adapt-thick")
#: Prefix of the ``adapt:SOURCE,TARGET`` sets.
PREFIX = "adapt:"
#: Default side of images read from folders (as ``folder:``).
FOLDER_IMAGE_SIZE = 64

_DESCRIPTION = {
    "digits-adapt-inverse": "the other half of the digits, inverted (negative images)",
    "digits-adapt-thick": "the other half of the digits with thicker strokes",
}


def _target_transform(name: str, x: np.ndarray) -> np.ndarray:
    if name == "digits-adapt-inverse":
        return transforms.invert(x)
    return transforms.thicken(x, thicken_size(x.shape[1]))


def _sides(name: str) -> Tuple[str, str]:
    """``(SOURCE, TARGET)`` of an ``adapt:`` name."""
    parts = [p.strip() for p in name[len(PREFIX):].split(",")]
    if len(parts) != 2 or not all(parts):
        raise DataError(
            f"{name!r}: write adapt:SOURCE,TARGET, e.g. adapt:/data/svhn_by_class,/data/mnist_images "
            "or adapt:mnist,folder_of_targets (a labelled source, then the target)"
        )
    return parts[0], parts[1]


def _class_folders(path: str):
    """Sorted class subfolders of ``path`` (those holding images), or ``[]``."""
    names = sorted(d for d in os.listdir(path) if not d.startswith(".") and os.path.isdir(os.path.join(path, d)))
    return names


def _side_spec(side: str, image_size, channels, data_dir) -> DataSpec:
    if os.path.isdir(os.path.expanduser(side)):
        path = os.path.expanduser(side)
        size = image_size or FOLDER_IMAGE_SIZE
        classes = _class_folders(path)
        return DataSpec(side, "image", (size, size, channels or 3), len(classes) or None)
    return registry.spec(side, image_size=image_size, channels=channels, data_dir=data_dir)


def adapt_spec(name: str, image_size=None, channels=None, data_dir=None) -> DataSpec:
    """Describe an adaptation set.

    Returns:
        ``DataSpec(name, "adapt", source shape, num_classes, target_shape=target shape)``.

    Raises:
        DataError: an ``adapt:`` source without labels, or sides of different shapes.

    Example:
        >>> adapt_spec("digits-adapt-inverse")
        DataSpec(name='digits-adapt-inverse', kind='adapt', shape=(16, 16, 1), num_classes=10, target_shape=(16, 16, 1))
    """
    if name in DIGITS_ADAPT:
        shape = digits.digits_spec(image_size, channels).shape
        return DataSpec(name, "adapt", shape, 10, target_shape=shape)
    source, target = _sides(name)
    s = _side_spec(source, image_size, channels, data_dir)
    t = _side_spec(target, image_size, channels, data_dir)
    if not s.num_classes:
        raise DataError(
            f"{name!r}: the source {source!r} has no labels; give a folder with one subfolder per "
            "class or a labelled data set (mnist, digits, ...)"
        )
    if tuple(s.shape) != tuple(t.shape):
        raise DataError(
            f"{name!r}: source images are {s.shape} but target images {t.shape}; "
            "pass image_size= and channels= (--image-size, --channels) to bring both to one shape"
        )
    return DataSpec(name, "adapt", s.shape, s.num_classes, target_shape=t.shape)


def _read_folder(path: str, shape, labelled: bool):
    """Images of a folder (and labels from its class subfolders when ``labelled``)."""
    classes = _class_folders(path)
    files, labels = [], []
    if classes:
        for index, sub in enumerate(classes):
            found = folders.list_images(os.path.join(path, sub))
            files += found
            labels += [index] * len(found)
    elif labelled:
        raise DataError(f"source folder {path!r} needs one subfolder of images per class")
    else:
        files = folders.list_images(path)
    folders.check_image_files(files, path)
    size, channels = int(shape[0]), int(shape[-1])
    x = np.stack([folders.decode_square(tf.constant(f), size, channels).numpy() for f in files])
    y = np.asarray(labels, dtype="int32") if classes else None
    return x.astype("float32"), y


def _read_side(side, spec, split, image_size, channels, data_dir, labelled):
    """All images (and labels, or ``None``) of one side of an ``adapt:`` set, in memory."""
    path = os.path.expanduser(side)
    if os.path.isdir(path):
        return _read_folder(path, spec.shape, labelled)
    side_spec = registry.spec(side, image_size=image_size, channels=channels, data_dir=data_dir)
    with_labels = bool(side_spec.num_classes)
    ds = registry.load(side, 256, split=split, image_size=image_size, channels=channels, data_dir=data_dir,
                       shuffle=False, with_labels=with_labels, drop_remainder=False)
    xs, ys = [], []
    for element in ds:
        x, y = element if with_labels else (element, None)
        xs.append(np.asarray(x))
        if y is not None:
            ys.append(np.asarray(y))
    return np.concatenate(xs).astype("float32"), (np.concatenate(ys).astype("int32") if ys else None)


def adapt_arrays(name: str, split: str = "train", image_size=None, channels=None, data_dir=None):
    """Both domains of an adaptation set in memory.

    For the digits sets the split's digits are dealt into two disjoint
    halves (:func:`kerasgan.data.digits.disjoint_parts`): the source is the
    first half as is, the target the second half transformed.

    Returns:
        ``(source, source_labels, target, target_labels)``; ``target_labels``
        is ``None`` when the target has none.

    Example:
        >>> s, ys, t, yt = adapt_arrays("digits-adapt-inverse", "test")
        >>> len(s), len(t), ys.dtype.name
        (180, 180, 'int32')
    """
    spec = adapt_spec(name, image_size, channels, data_dir)
    if name in DIGITS_ADAPT:
        x, y = digits.digits_images(split, spec.shape[0], 1)
        first, second = digits.disjoint_parts(x, 2)
        source, target = x[first], _target_transform(name, x[second])
        if spec.shape[-1] == 3:
            source, target = np.repeat(source, 3, axis=-1), np.repeat(target, 3, axis=-1)
        return source.astype("float32"), y[first].astype("int32"), target.astype("float32"), y[second].astype("int32")
    source, target = _sides(name)
    xs, ys = _read_side(source, spec, split, image_size, channels, data_dir, labelled=True)
    xt, yt = _read_side(target, spec, split, image_size, channels, data_dir, labelled=False)
    return xs, ys, xt, yt


def adapt_truth(name: str, split: str = "test") -> AdaptTruth:
    """The labelled target domain of ``split`` (labels for evaluation only).

    For the digits sets every digit of the split is transformed (both
    halves: the truth of each is known); for ``adapt:`` the target side.

    Raises:
        ValueError: an ``adapt:`` target without labels (no class subfolders, no label feature).

    Example:
        >>> t = adapt_truth("digits-adapt-inverse")
        >>> t.target.shape, t.num_classes
        ((360, 16, 16, 1), 10)
    """
    spec = adapt_spec(name)
    if name in DIGITS_ADAPT:
        x, y = digits.digits_images(split, spec.shape[0], 1)
        return AdaptTruth(_target_transform(name, x).astype("float32"), y.astype("int32"), _DESCRIPTION[name], 10)
    _, _, xt, yt = adapt_arrays(name, split)
    if yt is None:
        raise ValueError(
            f"{name!r}: the target has no labels, so its accuracy cannot be measured; put the target "
            "images in one subfolder per class (named as the source's) to evaluate"
        )
    return AdaptTruth(xt, yt, f"the target domain of {name}", int(spec.num_classes))


def load_adapt(
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
    epoch_size: Optional[int] = None,
    drop_remainder: bool = True,
) -> tf.data.Dataset:
    """An adaptation set as a batched ``tf.data`` pipeline of ``((source, labels), target)``.

    Args:
        name: ``"digits-adapt-inverse"``, ``"digits-adapt-thick"`` or ``"adapt:SOURCE,TARGET"``.
        batch_size: source (and target) images per batch.
        split: ``"train"``, ``"test"`` or ``"all"`` (digits); the sides' split for ``adapt:``.
        with_labels: ignored: the source labels are always part of the batch
            and the target's never are.
        epoch_size: examples per epoch (default: the larger domain).
        image_size, channels, data_dir, shuffle, seed, drop_remainder: as for
            :func:`kerasgan.data.load`.

    Example:
        >>> (xs, ys), xt = next(iter(load_adapt("digits-adapt-thick", 8)))
        >>> xs.shape, ys.dtype, xt.shape
        (TensorShape([8, 16, 16, 1]), tf.int32, TensorShape([8, 16, 16, 1]))
    """
    del with_labels
    xs, ys, xt, _ = adapt_arrays(name, split, image_size, channels, data_dir)
    return two_sided.zip_domains(
        tf.data.Dataset.from_tensor_slices((xs, ys)),
        tf.data.Dataset.from_tensor_slices(xt),
        name=name,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        shuffle_buffers=(len(xs), len(xt)),
        epoch_size=epoch_size,
        drop_remainder=drop_remainder,
    )


def _spec(name, image_size=None, channels=None, data_dir=None) -> DataSpec:
    return adapt_spec(name, image_size, channels, data_dir)


def _load(name, batch_size, **options) -> tf.data.Dataset:
    return load_adapt(name, batch_size, **options)


registry.register(registry.DataSource(_spec, _load, names=DIGITS_ADAPT, ground_truth=adapt_truth))
registry.register(registry.DataSource(_spec, _load, prefix=PREFIX, ground_truth=adapt_truth))
