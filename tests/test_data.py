"""Tests for kerasgan.data: toy 2-D sets, digits, folders, tfds (mocked), errors."""

import dataclasses
import math
import os

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds
from PIL import Image

from kerasgan import data
from kerasgan.data import digits, folders
from kerasgan.data.toy2d import TOY2D


def batches(ds):
    return [b for b in ds]


# --------------------------------------------------------------------------
# registry / spec
# --------------------------------------------------------------------------


def test_available_and_names():
    assert data.available() == [
        "ring8", "grid25", "digits", "mnist5k", "digits-edges", "digits-inverse", "edges-digits",
        "digits-rotated", "digits-thick", "digits-domains", "digits-styles", "stacked-digits",
        "folder:PATH", "pairs:PATH", "unpaired:PATH", "digits-adapt-inverse", "digits-adapt-thick", "adapt:PATH",
    ]
    assert tuple(data.available()) == data.NAMES


def test_spec_builtins():
    assert data.spec("ring8") == data.DataSpec("ring8", "points", (2,), 8)
    assert data.spec("grid25") == data.DataSpec("grid25", "points", (2,), 25)
    assert data.spec("digits") == data.DataSpec("digits", "image", (16, 16, 1), 10)
    assert data.spec("digits", image_size=32, channels=3).shape == (32, 32, 3)
    s = data.spec("ring8")
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.name = "x"
    assert s.has_labels


def test_error_hierarchy():
    assert issubclass(data.DataError, ValueError)
    assert issubclass(data.UnknownDatasetError, data.DataError)
    assert issubclass(data.DatasetNotPreparedError, data.DataError)


# --------------------------------------------------------------------------
# 2-D mixtures
# --------------------------------------------------------------------------


def test_toy2d_definitions():
    ring, grid = TOY2D["ring8"], TOY2D["grid25"]
    assert ring.centers.shape == (8, 2) and ring.std == 0.01
    np.testing.assert_allclose(np.linalg.norm(ring.centers, axis=1), 1.0)
    angles = np.sort(np.mod(np.arctan2(ring.centers[:, 1], ring.centers[:, 0]), 2 * np.pi))
    np.testing.assert_allclose(np.diff(angles), 2 * np.pi / 8, atol=1e-12)
    assert grid.centers.shape == (25, 2) and grid.std == 0.05
    assert {tuple(c) for c in grid.centers} == {(x, y) for x in (-4, -2, 0, 2, 4) for y in (-4, -2, 0, 2, 4)}
    with pytest.raises(ValueError):
        ring.centers[0, 0] = 5.0  # read-only


def test_toy2d_sample_reproducible_and_labelled():
    grid = TOY2D["grid25"]
    x1, y1 = grid.sample(5000, seed=3, with_labels=True)
    x2 = grid.sample(5000, seed=3)
    np.testing.assert_array_equal(x1, x2)
    assert not np.array_equal(x1, grid.sample(5000, seed=4))
    assert x1.dtype == np.float32 and y1.dtype == np.int32 and x1.shape == (5000, 2)
    # Label = the mode the point came from: residuals have the right spread.
    resid = x1 - grid.centers[y1]
    assert np.std(resid) == pytest.approx(0.05, rel=0.05)
    assert np.all(np.linalg.norm(resid, axis=1) < 0.5)
    assert set(np.unique(y1)) == set(range(25))


@pytest.mark.parametrize("name,k,radius", [("ring8", 8, 1.0), ("grid25", 25, 4 * math.sqrt(2))])
def test_load_points(name, k, radius):
    ds = data.load(name, batch_size=100, epoch_size=1000)
    assert int(ds.cardinality()) == 10
    bs = batches(ds)
    assert len(bs) == 10
    x = np.concatenate([b.numpy() for b in bs])
    assert x.shape == (1000, 2) and x.dtype == np.float32
    # Not rescaled: points reach the real mode positions.
    assert np.max(np.linalg.norm(x, axis=1)) == pytest.approx(radius, abs=0.3)


def test_points_default_epoch_size_and_labels():
    ds = data.load("ring8", batch_size=500, with_labels=True)
    assert int(ds.cardinality()) == 10_000 // 500
    x, y = next(iter(ds))
    assert x.shape == (500, 2) and y.shape == (500,) and y.dtype == tf.int32
    nearest = np.argmin(np.linalg.norm(x.numpy()[:, None] - TOY2D["ring8"].centers[None], axis=2), axis=1)
    np.testing.assert_array_equal(nearest, y.numpy())


def test_seeded_shuffle_reshuffles_each_epoch():
    ds = data.load("grid25", batch_size=64, epoch_size=640, seed=7)
    e1 = np.concatenate([b.numpy() for b in ds])
    e2 = np.concatenate([b.numpy() for b in ds])
    assert not np.array_equal(e1, e2)  # reshuffled
    np.testing.assert_array_equal(np.sort(e1, axis=0), np.sort(e2, axis=0))  # same points
    again = np.concatenate([b.numpy() for b in data.load("grid25", batch_size=64, epoch_size=640, seed=7)])
    np.testing.assert_array_equal(e1, again)  # reproducible across calls
    other = next(iter(data.load("grid25", batch_size=64, epoch_size=640, seed=8))).numpy()
    assert not np.array_equal(e1[:64], other)


def test_points_splits_differ_and_no_shuffle():
    a = next(iter(data.load("ring8", 32, split="train", shuffle=False))).numpy()
    b = next(iter(data.load("ring8", 32, split="test", shuffle=False))).numpy()
    assert not np.array_equal(a, b)
    with pytest.raises(ValueError, match="split"):
        data.load("ring8", 32, split="validation")


def test_points_reject_image_arguments():
    with pytest.raises(ValueError, match="image_size"):
        data.load("ring8", 32, image_size=32)
    with pytest.raises(ValueError, match="channels"):
        data.spec("grid25", channels=3)


# --------------------------------------------------------------------------
# digits
# --------------------------------------------------------------------------


def test_digits_splits_deterministic_and_disjoint():
    xtr, ytr = digits.digits_arrays("train")
    xte, yte = digits.digits_arrays("test")
    xall, yall = digits.digits_arrays("all")
    assert len(ytr) + len(yte) == len(yall) == 1797
    assert len(yte) == 360
    assert set(np.unique(ytr)) == set(np.unique(yte)) == set(range(10))
    train_rows = {r.tobytes() for r in xtr}
    assert sum(r.tobytes() in train_rows for r in xte) <= 5  # sklearn digits has a few duplicates
    assert xall.min() == 0.0 and xall.max() == 1.0


def test_load_digits_default():
    ds = data.load("digits", batch_size=50, with_labels=True, shuffle=False, drop_remainder=False)
    xs, ys = zip(*[(x.numpy(), y.numpy()) for x, y in ds])
    x, y = np.concatenate(xs), np.concatenate(ys)
    assert x.shape == (1437, 16, 16, 1) and x.dtype == np.float32
    assert y.dtype == np.int32 and set(np.unique(y)) == set(range(10))
    assert x.min() == pytest.approx(-1.0) and x.max() == pytest.approx(1.0)
    _, ytr = digits.digits_arrays("train")
    np.testing.assert_array_equal(y, ytr)  # shuffle=False keeps order


def test_load_digits_sizes_and_channels():
    raw, _ = digits.digits_arrays("test")
    x8 = np.concatenate([b.numpy() for b in data.load("digits", 40, split="test", image_size=8, shuffle=False)])
    np.testing.assert_allclose(x8[..., 0], raw * 2 - 1, atol=1e-6)  # no resize at native size
    x32 = next(iter(data.load("digits", 40, split="test", image_size=32, channels=3, shuffle=False))).numpy()
    assert x32.shape == (40, 32, 32, 3)
    np.testing.assert_array_equal(x32[..., 0], x32[..., 2])
    assert -1.0 <= x32.min() and x32.max() <= 1.0
    # Bilinear upsampling keeps the image mean close.
    np.testing.assert_allclose(x32[..., 0].mean(axis=(1, 2)), x8[:40, ..., 0].mean(axis=(1, 2)), atol=0.05)


def test_digits_epoch_size_and_too_small():
    ds = data.load("digits", 64, split="test", epoch_size=1280)
    assert int(ds.cardinality()) == 20
    assert len(batches(ds)) == 20
    with pytest.raises(ValueError, match="batch_size"):
        data.load("digits", 512, split="test")  # 360 < 512 with drop_remainder


# --------------------------------------------------------------------------
# folder:PATH
# --------------------------------------------------------------------------


@pytest.fixture
def image_folder(tmp_path):
    Image.new("RGB", (20, 12), (255, 0, 0)).save(tmp_path / "a_red.png")
    Image.new("L", (10, 10), 255).save(tmp_path / "b_white.jpg")
    sub = tmp_path / "sub" / "deeper"
    sub.mkdir(parents=True)
    Image.new("RGB", (9, 9), (0, 0, 255)).save(sub / "c_blue.bmp")
    Image.new("RGBA", (16, 16), (0, 255, 0, 10)).save(tmp_path / "sub" / "d_green.PNG")
    (tmp_path / "notes.txt").write_text("not an image")
    return tmp_path


def test_folder_spec_and_listing(image_folder):
    files = folders.list_images(str(image_folder))
    assert [os.path.basename(f) for f in files] == ["a_red.png", "b_white.jpg", "d_green.PNG", "c_blue.bmp"]
    s = data.spec(f"folder:{image_folder}")
    assert s.kind == "image" and s.shape == (64, 64, 3) and s.num_classes is None
    assert data.spec(f"folder:{image_folder}", image_size=16, channels=1).shape == (16, 16, 1)


def test_load_folder_rgb(image_folder):
    ds = data.load(f"folder:{image_folder}", batch_size=2, image_size=16, shuffle=False, drop_remainder=False)
    x = np.concatenate([b.numpy() for b in ds])
    assert x.shape == (4, 16, 16, 3) and x.dtype == np.float32
    np.testing.assert_allclose(x[0], np.broadcast_to([1, -1, -1], (16, 16, 3)), atol=1e-5)  # red
    np.testing.assert_allclose(x[1], 1.0, atol=0.02)  # white jpeg -> 3 channels
    np.testing.assert_allclose(x[2], np.broadcast_to([-1, 1, -1], (16, 16, 3)), atol=1e-5)  # alpha dropped
    np.testing.assert_allclose(x[3], np.broadcast_to([-1, -1, 1], (16, 16, 3)), atol=1e-5)  # blue bmp


def test_load_folder_grey_shuffled(image_folder):
    ds = data.load(f"folder:{image_folder}", batch_size=4, image_size=8, channels=1, seed=1)
    x = next(iter(ds)).numpy()
    assert x.shape == (4, 8, 8, 1)
    assert -1.0 <= x.min() and x.max() <= 1.0


def test_folder_errors(tmp_path, image_folder):
    with pytest.raises(data.DataError, match="does not exist"):
        data.load(f"folder:{tmp_path / 'missing'}", 4)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "readme.md").write_text("x")
    with pytest.raises(data.DataError, match="no image files"):
        data.spec(f"folder:{empty}")
    with pytest.raises(data.DataError, match="no labels"):
        data.load(f"folder:{image_folder}", 2, with_labels=True)
    with pytest.raises(ValueError, match="split"):
        data.load(f"folder:{image_folder}", 2, split="test")
    with pytest.raises(data.DataError):
        data.load("folder:", 2)


# --------------------------------------------------------------------------
# tensorflow_datasets (mocked; no data can be downloaded here)
# --------------------------------------------------------------------------


def test_tfds_mnist_mocked(tmp_path):
    with tfds.testing.mock_data(num_examples=24):
        ds = data.load("mnist", batch_size=8, with_labels=True, data_dir=str(tmp_path))
        assert int(ds.cardinality()) == 3
        x, y = next(iter(ds))
        assert x.shape == (8, 28, 28, 1) and x.dtype == tf.float32
        assert y.dtype == tf.int32 and np.all((y.numpy() >= 0) & (y.numpy() < 10))
        assert -1.0 <= float(tf.reduce_min(x)) and float(tf.reduce_max(x)) <= 1.0
        assert float(tf.reduce_max(x)) > 0.9 and float(tf.reduce_min(x)) < -0.9  # scaled from 0..255
        assert data.spec("mnist", data_dir=str(tmp_path)) == data.DataSpec("mnist", "image", (28, 28, 1), 10)

        ds = data.load("mnist", batch_size=8, image_size=32, channels=3, split="test")
        x = next(iter(ds))
        assert x.shape == (8, 32, 32, 3)
        np.testing.assert_array_equal(x[..., 0].numpy(), x[..., 1].numpy())


def test_tfds_rgb_and_unlabelled_mocked():
    with tfds.testing.mock_data(num_examples=6):
        assert data.spec("cifar10") == data.DataSpec("cifar10", "image", (32, 32, 3), 10)
        assert data.spec("cifar10", channels=1).shape == (32, 32, 1)
        # celeb_a: 218x178, no class label -> centre crop + resize.
        s = data.spec("celeb_a", image_size=64)
        assert s.shape == (64, 64, 3) and s.num_classes is None
        x = next(iter(data.load("celeb_a", 3, image_size=16, channels=1)))
        assert x.shape == (3, 16, 16, 1)
        with pytest.raises(data.DataError, match="no 'label'"):
            data.load("celeb_a", 3, with_labels=True)
        with pytest.raises(ValueError, match="batch_size"):
            data.load("cifar10", 7)  # only 6 examples


def test_tfds_not_prepared(tmp_path):
    for call in (
        lambda: data.load("mnist", 8, data_dir=str(tmp_path)),
        lambda: data.spec("fashion_mnist", data_dir=str(tmp_path)),
    ):
        with pytest.raises(data.DatasetNotPreparedError) as info:
            call()
        msg = str(info.value)
        assert str(tmp_path) in msg
        assert "tfds build" in msg and "data_dir" in msg and "TFDS_DATA_DIR" in msg
        assert isinstance(info.value, ValueError)


def test_tfds_non_image_dataset_rejected():
    with pytest.raises(data.DataError, match="no image feature"):
        data.spec("imdb_reviews")


# --------------------------------------------------------------------------
# unknown names and bad arguments
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name,suggestion", [("mnistt", "mnist"), ("rign8", "ring8"), ("digit", "digits"), ("foldr:/tmp", "folder:PATH")])
def test_unknown_name(name, suggestion):
    with pytest.raises(data.UnknownDatasetError) as info:
        data.load(name, 8)
    msg = str(info.value)
    assert "ring8" in msg and "grid25" in msg and "digits" in msg and "folder:PATH" in msg
    assert "tensorflow_datasets" in msg
    assert f"Did you mean: {suggestion}" in msg or suggestion in msg.split("Did you mean:")[1]
    assert isinstance(info.value, ValueError)


def test_unknown_name_spec_and_empty():
    with pytest.raises(data.UnknownDatasetError):
        data.spec("no_such_dataset_xyz")
    with pytest.raises(data.UnknownDatasetError):
        data.load("", 8)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "64"])
def test_bad_batch_size(bad):
    with pytest.raises(ValueError, match="batch_size"):
        data.load("ring8", bad)


@pytest.mark.parametrize("bad", [4, 7, 16.0, "16", -1])
def test_bad_image_size(bad):
    with pytest.raises(ValueError, match=r"image_size.*>= 8"):
        data.load("digits", 8, image_size=bad)
    with pytest.raises(ValueError, match="image_size"):
        data.spec("mnist", image_size=bad)


@pytest.mark.parametrize("bad", [0, 2, 4, "3"])
def test_bad_channels(bad):
    with pytest.raises(ValueError, match=r"channels.*1 or 3"):
        data.load("digits", 8, channels=bad)
    with pytest.raises(ValueError, match="channels"):
        data.spec("cifar10", channels=bad)


def test_bad_epoch_size_and_seed():
    with pytest.raises(ValueError, match="epoch_size"):
        data.load("ring8", 8, epoch_size=0)
    with pytest.raises(ValueError, match="seed"):
        data.load("ring8", 8, seed=-1)
