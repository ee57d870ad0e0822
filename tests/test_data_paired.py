"""Tests for the conditional / image-to-image data: labels, paired, unpaired, multi-domain."""

import dataclasses

import numpy as np
import pytest
import tensorflow as tf
import tensorflow_datasets as tfds
from PIL import Image

from kerasgan import data
from kerasgan.data import digits, digits_paired, digits_unpaired, domains, transforms

PAIRED = ["digits-edges", "digits-inverse", "edges-digits"]
UNPAIRED = ["digits-rotated", "digits-thick"]
RED, GREEN, BLUE, YELLOW = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0)
WHITE, BLACK = (255, 255, 255), (0, 0, 0)


def model_rgb(color):
    return np.array(color, np.float32) / 127.5 - 1.0


def epoch(ds):
    parts = [tuple(t.numpy() for t in b) if isinstance(b, tuple) else (b.numpy(),) for b in ds]
    return [np.concatenate(c) for c in zip(*parts)]


# --------------------------------------------------------------------------
# transforms
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def digits16():
    x, _ = digits.digits_images("test", 16)
    return x[:40]


def test_invert_is_an_involution(digits16):
    np.testing.assert_array_equal(transforms.invert(transforms.invert(digits16)), digits16)
    np.testing.assert_array_equal(transforms.invert(digits16), -digits16)
    assert transforms.invert(digits16).dtype == np.float32


def test_rotate90(digits16):
    x = digits16
    np.testing.assert_array_equal(transforms.rotate90(x, 4), x)
    r = x
    for _ in range(4):
        r = transforms.rotate90(r)
    np.testing.assert_array_equal(r, x)
    np.testing.assert_array_equal(transforms.rotate90(transforms.rotate90(x, 1), -1), x)
    assert not np.array_equal(transforms.rotate90(x), x)
    np.testing.assert_array_equal(transforms.rotate90(x)[3], transforms.rotate90(x[3]))  # batch == per image
    img = np.arange(6, dtype=np.float32).reshape(2, 3, 1)
    assert transforms.rotate90(img).shape == (3, 2, 1)
    np.testing.assert_array_equal(transforms.rotate90(img)[..., 0], [[2, 5], [1, 4], [0, 3]])  # counter-clockwise


def test_edges_zero_on_constant_and_found_on_steps():
    for value in (-1.0, 0.0, 0.7, 1.0):
        const = np.full((2, 9, 9, 3), value, np.float32)
        np.testing.assert_array_equal(transforms.morphological_gradient(const), 0.0)
        np.testing.assert_array_equal(transforms.edge_map(const), -1.0)  # no edge anywhere
    step = -np.ones((8, 8, 1), np.float32)
    step[:, 4:] = 1.0
    edges = transforms.edge_map(step)
    np.testing.assert_array_equal(edges[0, :, 0], [-1, -1, -1, 1, 1, -1, -1, -1])
    assert set(np.unique(edges)) == {-1.0, 1.0}
    # A weak step (intensity change 0.25 < threshold 0.5) is not an edge.
    np.testing.assert_array_equal(transforms.edge_map(step * 0.25), -1.0)


def test_thicken_never_reduces(digits16):
    thick = transforms.thicken(digits16, 2)
    assert np.all(thick >= digits16)
    assert (thick > 0).sum() > 1.2 * (digits16 > 0).sum()
    np.testing.assert_array_equal(transforms.thicken(digits16, 1), digits16)
    assert np.all(transforms.thicken(digits16, 5) >= thick)
    np.testing.assert_array_equal(transforms.grey_erosion(transforms.thicken(np.ones((4, 4, 1)), 3), 3), 1.0)
    assert np.all(transforms.grey_erosion(digits16) <= digits16)


def test_transforms_reject_bad_input():
    with pytest.raises(ValueError, match="shape"):
        transforms.invert(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="size"):
        transforms.thicken(np.zeros((4, 4, 1)), 0)
    with pytest.raises(ValueError, match="threshold"):
        transforms.edge_map(np.zeros((4, 4, 1)), threshold=1.5)
    with pytest.raises(ValueError, match="k must be an int"):
        transforms.rotate90(np.zeros((4, 4, 1)), 1.0)


# --------------------------------------------------------------------------
# labels
# --------------------------------------------------------------------------


def test_check_labels():
    out = data.check_labels([0, 3, 9], 10)
    assert out.dtype == np.int32 and out.tolist() == [0, 3, 9]
    np.testing.assert_array_equal(data.check_labels(tf.constant([1, 2], tf.int64), 3), [1, 2])
    np.testing.assert_array_equal(data.check_labels(np.array([2.0, 0.0]), 3), [2, 0])
    with pytest.raises(ValueError, match=r"outside the class range \[0, 10\).*bad values: -1, 10, 12") as info:
        data.check_labels([0, 10, -1, 12, 10], 10)
    assert isinstance(info.value, data.DataError)
    assert "4 of 5 labels" in str(info.value)
    with pytest.raises(ValueError, match="non-integer values"):
        data.check_labels([0.5, 1.0], 3)
    with pytest.raises(ValueError, match="integers"):
        data.check_labels(["a"], 3)
    with pytest.raises(ValueError, match="num_classes"):
        data.check_labels([0], 0)


def test_labelled_digits_and_domains_have_valid_int32_labels():
    for name, k in (("digits", 10), ("digits-domains", 3)):
        s = data.spec(name)
        assert s.kind == "image" and s.num_classes == k and s.has_labels
        x, y = epoch(data.load(name, 100, with_labels=True, drop_remainder=False))
        assert y.dtype == np.int32 and set(np.unique(y)) == set(range(k))
        data.check_labels(y, s.num_classes)
        assert x.shape[1:] == s.shape and x.dtype == np.float32


def test_tfds_labels_valid_mocked(tmp_path):
    with tfds.testing.mock_data(num_examples=16):
        s = data.spec("mnist", data_dir=str(tmp_path))
        _, y = next(iter(data.load("mnist", 16, with_labels=True, data_dir=str(tmp_path))))
        assert y.dtype == tf.int32
        data.check_labels(y, s.num_classes)


# --------------------------------------------------------------------------
# DataSpec and registry
# --------------------------------------------------------------------------


def test_dataspec_kinds_and_target_shape():
    s = data.DataSpec("p", "paired", [8, 8, 3], target_shape=[8, 8, 1])
    assert s.target_shape == (8, 8, 1) and s.is_two_sided and not s.has_labels
    assert repr(data.DataSpec("digits", "image", (16, 16, 1), 10)) == (
        "DataSpec(name='digits', kind='image', shape=(16, 16, 1), num_classes=10)"
    )
    assert "target_shape=(8, 8, 1)" in repr(s)
    assert data.KINDS == ("points", "image", "paired", "unpaired", "adapt")
    with pytest.raises(ValueError, match="needs target_shape"):
        data.DataSpec("u", "unpaired", (8, 8, 3))
    with pytest.raises(ValueError, match="target_shape applies"):
        data.DataSpec("i", "image", (8, 8, 3), target_shape=(8, 8, 3))
    with pytest.raises(ValueError, match="kind"):
        data.DataSpec("v", "video", (8, 8, 3))
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.target_shape = (1,)


def test_new_names_registered():
    names = data.available()
    for n in PAIRED + UNPAIRED + ["digits-domains", "pairs:PATH", "unpaired:PATH"]:
        assert n in names
    assert tuple(names) == data.NAMES
    assert data.DOMAINS == ("original", "inverted", "rotated90")


@pytest.mark.parametrize("name", PAIRED + UNPAIRED)
def test_spec_two_sided_digits(name):
    kind = "paired" if name in PAIRED else "unpaired"
    assert data.spec(name) == data.DataSpec(name, kind, (16, 16, 1), None, (16, 16, 1))
    s = data.spec(name, image_size=32, channels=3)
    assert s.shape == s.target_shape == (32, 32, 3)


def test_spec_domains():
    assert data.spec("digits-domains") == data.DataSpec("digits-domains", "image", (16, 16, 1), 3)
    assert data.spec("digits-domains", image_size=8, channels=3).shape == (8, 8, 3)


@pytest.mark.parametrize("name", PAIRED + UNPAIRED)
def test_load_two_sided_digits(name):
    ds = data.load(name, 32, seed=1)
    a, b = next(iter(ds))
    for t in (a, b):
        assert t.shape == (32, 16, 16, 1) and t.dtype == tf.float32
        assert -1.0 <= float(tf.reduce_min(t)) and float(tf.reduce_max(t)) <= 1.0
        assert float(tf.reduce_max(t)) > 0.9 and float(tf.reduce_min(t)) < -0.9
    a3, b3 = next(iter(data.load(name, 4, split="test", image_size=8, channels=3)))
    assert a3.shape == b3.shape == (4, 8, 8, 3)
    np.testing.assert_array_equal(b3[..., 0].numpy(), b3[..., 2].numpy())
    with pytest.raises(data.DataError, match="no class labels"):
        data.load(name, 4, with_labels=True)


@pytest.mark.parametrize("name", UNPAIRED + ["digits", "digits-domains", "ring8"])
def test_direction_only_for_paired(name):
    with pytest.raises(ValueError, match="direction applies to paired"):
        data.load(name, 4, direction="BtoA")


# --------------------------------------------------------------------------
# paired digits
# --------------------------------------------------------------------------


def test_digits_inverse_aligned_and_direction():
    src, tgt = epoch(data.load("digits-inverse", 64, seed=3, drop_remainder=False))
    assert src.shape == (1437, 16, 16, 1)
    np.testing.assert_array_equal(tgt, -src)  # exactly, after shuffling
    x, _ = digits.digits_images("train")
    np.testing.assert_array_equal(np.sort(src.reshape(len(src), -1), axis=0), np.sort(x.reshape(len(x), -1), axis=0))
    s_ab, t_ab = next(iter(data.load("digits-inverse", 8, shuffle=False)))
    s_ba, t_ba = next(iter(data.load("digits-inverse", 8, shuffle=False, direction="BtoA")))
    np.testing.assert_array_equal(s_ba, t_ab)
    np.testing.assert_array_equal(t_ba, s_ab)
    with pytest.raises(ValueError, match="direction"):
        data.load("digits-inverse", 8, direction="left")


def test_digits_edges_aligned():
    src, tgt = epoch(data.load("digits-edges", 50, split="test", seed=2))
    np.testing.assert_array_equal(tgt, transforms.edge_map(src, threshold=digits_paired.EDGE_THRESHOLD))
    assert set(np.unique(tgt)) == {-1.0, 1.0}
    # Edges lie where the digit changes: never in the flat background far from ink.
    near_ink = transforms.grey_dilation(src, 3) > -1.0
    assert not np.any((tgt > 0) & ~near_ink)
    assert 0.05 < np.mean(tgt > 0) < 0.6


def test_paired_epoch_and_determinism():
    ds = data.load("digits-edges", 64, split="test", epoch_size=640)
    assert int(ds.cardinality()) == 10
    e1 = epoch(data.load("digits-edges", 64, split="test", seed=5))
    e2 = epoch(data.load("digits-edges", 64, split="test", seed=5))
    for u, v in zip(e1, e2):
        np.testing.assert_array_equal(u, v)


# --------------------------------------------------------------------------
# unpaired digits
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", UNPAIRED)
def test_unpaired_digits_halves_are_disjoint(name):
    a, b, ia, ib = digits_unpaired.digits_unpaired_arrays(name, "train")
    x, _ = digits.digits_images("train")
    assert len(ia) + len(ib) == len(x) and not set(ia.tolist()) & set(ib.tolist())
    assert abs(len(ia) - len(ib)) <= 1
    raw_a = {r.tobytes() for r in x[ia]}
    assert not any(r.tobytes() in raw_a for r in x[ib])  # no image of A equals one of B before transforms
    np.testing.assert_array_equal(a, x[ia])
    if name == "digits-rotated":
        np.testing.assert_array_equal(b, transforms.rotate90(x[ib]))
    else:
        np.testing.assert_array_equal(b, transforms.thicken(x[ib], digits_unpaired.thicken_size(16)))
        assert np.all(b >= x[ib])


def test_unpaired_epoch_draws_each_domain_independently():
    a_all, b_all, ia, ib = digits_unpaired.digits_unpaired_arrays("digits-rotated", "test")
    ds = data.load("digits-rotated", 36, split="test", seed=4)
    assert int(ds.cardinality()) == max(len(ia), len(ib)) // 36
    a, b = epoch(data.load("digits-rotated", 1, split="test", seed=4))
    keys_a = sorted(r.tobytes() for r in a)
    assert keys_a == sorted(r.tobytes() for r in a_all)  # each A image once per epoch
    assert sorted(r.tobytes() for r in b) == sorted(r.tobytes() for r in b_all)
    # Each domain is shuffled on its own: the pairing changes between epochs.
    ds = data.load("digits-rotated", 1, split="test", seed=4)
    first, second = epoch(ds), epoch(ds)
    pairs1 = {ra.tobytes() + rb.tobytes() for ra, rb in zip(*first)}
    pairs2 = {ra.tobytes() + rb.tobytes() for ra, rb in zip(*second)}
    assert len(pairs1 & pairs2) < 20
    # A fixed epoch_size repeats the domains.
    a, b = epoch(data.load("digits-thick", 100, split="test", epoch_size=500))
    assert a.shape == b.shape == (500, 16, 16, 1)


def test_digits_domains_content():
    x, d = domains.domains_arrays("test")
    assert np.bincount(d).tolist() == [120, 120, 120] and d.dtype == np.int32
    raw, _ = digits.digits_images("test")
    parts = digits.disjoint_parts(raw, 3)
    np.testing.assert_array_equal(x[d == 0], raw[parts[0]])
    np.testing.assert_array_equal(x[d == 1], -raw[parts[1]])
    np.testing.assert_array_equal(x[d == 2], transforms.rotate90(raw[parts[2]]))
    keys = [{r.tobytes() for r in raw[p]} for p in parts]
    assert not (keys[0] & keys[1] or keys[0] & keys[2] or keys[1] & keys[2])
    x1 = next(iter(data.load("digits-domains", 8)))
    assert x1.shape == (8, 16, 16, 1)  # images alone without with_labels


def test_digits_styles_content():
    # The appearance-only domains: the same deal of digits, the third domain thickened.
    x, d = domains.domains_arrays("test", name="digits-styles")
    raw, _ = digits.digits_images("test")
    parts = digits.disjoint_parts(raw, 3)
    np.testing.assert_array_equal(x[d == 0], raw[parts[0]])
    np.testing.assert_array_equal(x[d == 1], -raw[parts[1]])
    np.testing.assert_array_equal(x[d == 2], transforms.thicken(raw[parts[2]], 2))
    assert data.spec("digits-styles") == data.DataSpec("digits-styles", "image", (16, 16, 1), 3)
    truth = data.ground_truth("digits-styles")
    assert truth.domain_names == domains.STYLES == ("original", "inverted", "thick")
    np.testing.assert_array_equal(truth.targets[2], transforms.thicken(truth.source, 2))
    np.testing.assert_array_equal(truth.undo[1](truth.targets[1]), truth.source)
    xb, db = next(iter(data.load("digits-styles", 8, with_labels=True)))
    assert xb.shape == (8, 16, 16, 1) and db.dtype == tf.int32
    with pytest.raises(ValueError, match="digits-styles"):
        domains.domains_arrays("test", name="digits-colours")


def test_disjoint_parts_keeps_duplicates_together():
    x = np.array([[1], [2], [1], [3], [2], [4]])
    parts = digits.disjoint_parts(x, 2)
    assert [p.tolist() for p in parts] == [[0, 2, 3], [1, 4, 5]]


# --------------------------------------------------------------------------
# pairs:PATH / pairs:DIR_A,DIR_B
# --------------------------------------------------------------------------


def side_by_side(path, left, right, size=(8, 8)):
    w, h = size
    img = Image.new("RGB", (2 * w, h), left)
    img.paste(Image.new("RGB", (w, h), right), (w, 0))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)


@pytest.fixture
def sbs_folder(tmp_path):
    root = tmp_path / "facades"
    side_by_side(root / "train" / "1.png", RED, GREEN)
    side_by_side(root / "train" / "2.png", BLUE, YELLOW)
    side_by_side(root / "train" / "3.png", WHITE, BLACK)
    side_by_side(root / "test" / "9.png", GREEN, RED)
    return root


def test_pairs_side_by_side(sbs_folder):
    name = f"pairs:{sbs_folder}"
    assert data.spec(name) == data.DataSpec(name, "paired", (8, 8, 3), None, (8, 8, 3))
    assert data.spec(name, image_size=16, channels=1).target_shape == (16, 16, 1)
    src, tgt = epoch(data.load(name, 1, seed=0))
    assert src.shape == tgt.shape == (3, 8, 8, 3) and src.dtype == np.float32
    expected = {tuple(model_rgb(l)): tuple(model_rgb(r)) for l, r in ((RED, GREEN), (BLUE, YELLOW), (WHITE, BLACK))}
    for s, t in zip(src, tgt):
        np.testing.assert_allclose(s, np.broadcast_to(s[0, 0], s.shape))
        assert expected[tuple(s[0, 0])] == tuple(t[0, 0])  # aligned halves
    s_ba, t_ba = next(iter(data.load(name, 3, shuffle=False, direction="BtoA", image_size=16)))
    assert s_ba.shape == (3, 16, 16, 3)
    np.testing.assert_allclose(s_ba[0], np.broadcast_to(model_rgb(GREEN), (16, 16, 3)), atol=1e-6)
    np.testing.assert_allclose(t_ba[0], np.broadcast_to(model_rgb(RED), (16, 16, 3)), atol=1e-6)
    s_te, t_te = next(iter(data.load(name, 1, split="test")))
    np.testing.assert_allclose(s_te[0, 0, 0], model_rgb(GREEN))
    assert len(epoch(data.load(name, 1, split="all"))[0]) == 4
    with pytest.raises(data.DataError, match="no folder for split 'val'"):
        data.load(name, 1, split="val")


def test_pairs_side_by_side_size_errors(tmp_path):
    root = tmp_path / "mixed"
    side_by_side(root / "a.png", RED, GREEN, size=(8, 8))
    side_by_side(root / "b.png", RED, GREEN, size=(10, 6))
    with pytest.raises(data.DataError) as info:
        data.load(f"pairs:{root}", 1)
    msg = str(info.value)
    assert "a.png" in msg and "16x8" in msg and "b.png" in msg and "20x6" in msg and "image_size" in msg
    with pytest.raises(data.DataError, match="different sizes"):
        data.spec(f"pairs:{root}")
    src, tgt = epoch(data.load(f"pairs:{root}", 1, image_size=8, shuffle=False))
    assert src.shape == tgt.shape == (2, 8, 8, 3)
    np.testing.assert_allclose(tgt[1], np.broadcast_to(model_rgb(GREEN), (8, 8, 3)), atol=1e-6)
    odd = tmp_path / "odd"
    odd.mkdir()
    Image.new("RGB", (9, 4), RED).save(odd / "o.png")
    with pytest.raises(data.DataError, match=r"even width.*o\.png.*9x4"):
        data.load(f"pairs:{odd}", 1)


@pytest.fixture
def two_dirs(tmp_path):
    a, b = tmp_path / "A", tmp_path / "B"
    for d in (a, b):
        (d / "sub").mkdir(parents=True)
    colors = {"x": (RED, BLUE), "y": (GREEN, YELLOW), "sub/z": (WHITE, BLACK)}
    for stem, (ca, cb) in colors.items():
        Image.new("RGB", (6, 6), ca).save(a / f"{stem}.png")
        Image.new("RGB", (6, 6), cb).save(b / f"{stem}.bmp")  # other extension, same name
    return a, b


def test_pairs_two_dirs(two_dirs):
    a, b = two_dirs
    name = f"pairs:{a},{b}"
    assert data.spec(name).shape == (6, 6, 3)
    src, tgt = epoch(data.load(name, 1))
    expected = {tuple(model_rgb(ca)): model_rgb(cb) for ca, cb in ((RED, BLUE), (GREEN, YELLOW), (WHITE, BLACK))}
    assert len(src) == 3
    for s, t in zip(src, tgt):
        np.testing.assert_allclose(t[2, 2], expected[tuple(s[2, 2])])


def test_pairs_two_dirs_errors(two_dirs):
    a, b = two_dirs
    Image.new("RGB", (6, 6), RED).save(a / "only_in_a.png")
    Image.new("RGB", (6, 6), RED).save(b / "only_in_b.png")
    with pytest.raises(data.DataError) as info:
        data.load(f"pairs:{a},{b}", 1)
    msg = str(info.value)
    assert "only_in_a.png" in msg and "only_in_b.png" in msg and "no partner" in msg
    (a / "only_in_a.png").unlink()
    (b / "only_in_b.png").unlink()
    Image.new("RGB", (7, 5), RED).save(b / "y.bmp")  # y is 6x6 in A
    with pytest.raises(data.DataError) as info:
        data.spec(f"pairs:{a},{b}")
    msg = str(info.value)
    assert "y.png" in msg and "6x6" in msg and "y.bmp" in msg and "7x5" in msg
    assert data.spec(f"pairs:{a},{b}", image_size=8).shape == (8, 8, 3)
    with pytest.raises(data.DataError, match="exactly two folders"):
        data.spec(f"pairs:{a},{b},{a}")


def test_pairs_empty_and_missing(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(data.DataError, match="no image files"):
        data.load(f"pairs:{empty}", 1)
    with pytest.raises(data.DataError, match="does not exist"):
        data.spec(f"pairs:{tmp_path / 'missing'}")
    with pytest.raises(data.DataError):
        data.load("pairs:", 1)
    with pytest.raises(data.DataError, match="no class labels"):
        data.load(f"pairs:{empty}", 1, with_labels=True)


# --------------------------------------------------------------------------
# unpaired:DIR / unpaired:DIR_A,DIR_B
# --------------------------------------------------------------------------


@pytest.fixture
def cyclegan_folder(tmp_path):
    root = tmp_path / "horse2zebra"
    for sub, colors in (("trainA", [RED] * 3), ("trainB", [BLUE] * 5), ("testA", [GREEN]), ("testB", [YELLOW] * 2)):
        (root / sub).mkdir(parents=True)
        ext = "jpg" if sub.startswith("test") else "png"
        for i, c in enumerate(colors):
            Image.new("RGB", (10 + i, 12), c).save(root / sub / f"{i}.{ext}")
    return root


def test_unpaired_folder_layout(cyclegan_folder):
    name = f"unpaired:{cyclegan_folder}"
    assert data.spec(name) == data.DataSpec(name, "unpaired", (64, 64, 3), None, (64, 64, 3))
    ds = data.load(name, 1, image_size=8)
    assert int(ds.cardinality()) == 5  # the larger domain; A repeats
    a, b = epoch(ds)
    assert a.shape == b.shape == (5, 8, 8, 3) and a.dtype == np.float32
    np.testing.assert_allclose(a, np.broadcast_to(model_rgb(RED), a.shape), atol=1e-6)
    np.testing.assert_allclose(b, np.broadcast_to(model_rgb(BLUE), b.shape), atol=1e-6)
    a, b = epoch(data.load(name, 2, split="test", image_size=8, channels=1))
    assert a.shape == (2, 8, 8, 1)
    assert len(epoch(data.load(name, 1, split="all", image_size=8))[0]) == 7
    with pytest.raises(ValueError, match="split"):
        data.load(name, 1, split="val")


def test_unpaired_two_folders_and_errors(cyclegan_folder, tmp_path):
    a_dir, b_dir = cyclegan_folder / "trainA", cyclegan_folder / "testB"
    a, b = epoch(data.load(f"unpaired:{a_dir},{b_dir}", 1, image_size=8, epoch_size=6))
    assert a.shape == b.shape == (6, 8, 8, 3)
    np.testing.assert_allclose(b, np.broadcast_to(model_rgb(YELLOW), b.shape), atol=0.02)
    broken = tmp_path / "broken"
    (broken / "trainA").mkdir(parents=True)
    Image.new("RGB", (4, 4), RED).save(broken / "trainA" / "a.png")
    with pytest.raises(data.DataError, match=r"trainB.*missing.*CycleGAN layout"):
        data.spec(f"unpaired:{broken}")
    (broken / "trainB").mkdir()
    with pytest.raises(data.DataError, match="no image files"):
        data.load(f"unpaired:{broken}", 1)
    with pytest.raises(data.DataError, match="does not exist"):
        data.load(f"unpaired:{tmp_path / 'nope'}", 1)
    with pytest.raises(data.DataError, match="no class labels"):
        data.load(f"unpaired:{cyclegan_folder}", 1, with_labels=True)


# --------------------------------------------------------------------------
# tfds cycle_gan (mocked) and names
# --------------------------------------------------------------------------


def test_cycle_gan_mocked(tmp_path):
    with tfds.testing.mock_data(num_examples=6):
        name = "cycle_gan/horse2zebra"
        assert data.spec(name) == data.DataSpec(name, "unpaired", (256, 256, 3), None, (256, 256, 3))
        ds = data.load(name, 2, image_size=16)
        assert int(ds.cardinality()) == 3
        a, b = next(iter(ds))
        assert a.shape == b.shape == (2, 16, 16, 3) and a.dtype == tf.float32
        assert -1.0 <= float(tf.reduce_min(a)) and float(tf.reduce_max(b)) <= 1.0
        a, _ = next(iter(data.load(name, 3, split="test", image_size=8, channels=1)))
        assert a.shape == (3, 8, 8, 1)
        with pytest.raises(ValueError, match="split"):
            data.load(name, 2, split="trainA")


def test_cycle_gan_not_prepared(tmp_path):
    for call in (
        lambda: data.load("cycle_gan/horse2zebra", 2, data_dir=str(tmp_path)),
        lambda: data.spec("cycle_gan/monet2photo", data_dir=str(tmp_path)),
    ):
        with pytest.raises(data.DatasetNotPreparedError) as info:
            call()
        msg = str(info.value)
        assert str(tmp_path) in msg and "tfds build cycle_gan/" in msg and "TFDS_DATA_DIR" in msg


@pytest.mark.parametrize(
    "name,suggestion",
    [
        ("digits-edge", "digits-edges"),
        ("digits-rotate", "digits-rotated"),
        ("digit-domains", "digits-domains"),
        ("pair:/tmp/x", "pairs:PATH"),
        ("unpaird:/tmp/x", "unpaired:PATH"),
    ],
)
def test_unknown_new_names_suggest(name, suggestion):
    with pytest.raises(data.UnknownDatasetError) as info:
        data.load(name, 8)
    msg = str(info.value)
    assert "digits-edges" in msg and "pairs:PATH" in msg and "unpaired:PATH" in msg
    assert suggestion in msg.split("Did you mean:")[1]
