"""Tests for kerasgan.data.ground_truth and pinned batches of the digits-derived pipelines.

The zoo's weights were trained on these batches and its translation metrics
are measured against these truths, so both must not change.
"""

import hashlib

import numpy as np
import pytest
import tensorflow as tf

from kerasgan import data
from kerasgan.data import digits, digits_paired, domains, transforms

TWO_SIDED = ["digits-edges", "digits-inverse", "digits-rotated", "digits-thick"]


@pytest.fixture(scope="module")
def test_digits():
    x, _ = digits.digits_images("test", 16, 1)
    return x


@pytest.mark.parametrize("name", TWO_SIDED)
def test_two_sided_truth_shapes(name, test_digits):
    truth = data.ground_truth(name)
    assert isinstance(truth, data.TranslationTruth)
    for images in (truth.source, truth.target):
        assert images.shape == (360, 16, 16, 1) and images.dtype == np.float32
        assert images.min() >= -1.0 and images.max() <= 1.0
    np.testing.assert_array_equal(truth.source, test_digits)
    assert truth.description and "\n" not in truth.description
    assert data.ground_truth(name, split="train").source.shape == (1437, 16, 16, 1)


def test_truth_is_what_the_zoo_measures(test_digits):
    # The arrays kerasgan/zoo/measure.py built before ground_truth existed.
    edges = data.ground_truth("digits-edges")
    source, target = digits_paired.digits_pair_arrays("digits-edges", "test")
    assert edges.source.tobytes() == source.tobytes() and edges.target.tobytes() == target.tobytes()
    rotated = data.ground_truth("digits-rotated")
    assert rotated.target.tobytes() == transforms.rotate90(test_digits, 1).tobytes()
    multi = data.ground_truth("digits-domains")
    assert isinstance(multi, data.DomainTruth)
    assert multi.source.tobytes() == test_digits.tobytes()
    assert sorted(multi.targets) == [1, 2] and multi.domain_names == data.DOMAINS
    for d, target in multi.targets.items():
        assert target.tobytes() == domains._DOMAIN_TRANSFORMS[d](test_digits).tobytes()


def test_edges_digits_is_digits_edges_the_other_way(test_digits):
    # The generative direction: the edge map is the source, the digit the target (a digit,
    # so nothing is undone before the digits classifier reads it).
    forward, backward = data.ground_truth("digits-edges"), data.ground_truth("edges-digits")
    np.testing.assert_array_equal(backward.source, forward.target)
    np.testing.assert_array_equal(backward.target, test_digits)
    np.testing.assert_array_equal(backward.labels, forward.labels)
    assert backward.label_set == "digits"
    np.testing.assert_array_equal(backward.undo(backward.target), test_digits)
    src, tgt = next(iter(data.load("edges-digits", 8, shuffle=False)))
    ref_src, ref_tgt = next(iter(data.load("digits-edges", 8, shuffle=False, direction="BtoA")))
    np.testing.assert_array_equal(src.numpy(), ref_src.numpy())
    np.testing.assert_array_equal(tgt.numpy(), ref_tgt.numpy())


def test_truth_transforms(test_digits):
    np.testing.assert_array_equal(data.ground_truth("digits-inverse").target, -test_digits)
    np.testing.assert_array_equal(data.ground_truth("digits-thick").target, transforms.thicken(test_digits, 2))
    np.testing.assert_array_equal(data.ground_truth("digits-domains").targets[1], -test_digits)


@pytest.mark.parametrize("name", ["folder:/data/x", "pairs:/a,/b", "unpaired:/x", "cycle_gan/horse2zebra",
                                  "mnist", "digits", "ring8"])
def test_no_ground_truth(name):
    with pytest.raises(ValueError, match=f"{name!r} has no known ground truth") as info:
        data.ground_truth(name)
    assert "digits-edges" in str(info.value) and "tensorflow_datasets" in str(info.value)


def test_ground_truth_bad_split_and_name():
    with pytest.raises(ValueError, match="split"):
        data.ground_truth("digits-edges", split="val")
    with pytest.raises(data.UnknownDatasetError):
        data.ground_truth("")


def _fingerprint(ds, batches=2, epochs=2):
    """sha256 of the first batches of two epochs (floats rounded to 1e-5 against last-bit noise)."""
    digest = hashlib.sha256()
    for _ in range(epochs):
        for i, element in enumerate(ds):
            if i >= batches:
                break
            for t in tf.nest.flatten(element):
                a = t.numpy()
                a = np.round(a, 5) + 0.0 if a.dtype.kind == "f" else a
                digest.update(a.dtype.str.encode() + repr(a.shape).encode() + a.tobytes())
    return digest.hexdigest()[:16]


# Measured on the pipelines the zoo weights were trained with.
PINNED = [
    ("ring8", 64, {"with_labels": True}, "33ca37ce88868e72"),
    ("digits", 32, {"with_labels": True}, "003b9e5aeb31ad44"),
    ("digits-edges", 16, {}, "2f9777d7b55b5eeb"),
    ("digits-inverse", 16, {"direction": "BtoA", "seed": 3}, "ee6a83f586f03a35"),
    ("digits-rotated", 16, {}, "5114310f42294a86"),
    ("digits-thick", 16, {"split": "test"}, "f4348180692423ea"),
    ("digits-domains", 32, {"with_labels": True}, "4c5459211ebf6849"),
]


@pytest.mark.parametrize("name,batch_size,kwargs,expected", PINNED, ids=[p[0] for p in PINNED])
def test_batches_unchanged(name, batch_size, kwargs, expected):
    # The seeded shuffle also depends on TensorFlow's global seed, which other tests set:
    # pin the state of a fresh process (the one kerasgan train builds its pipeline in).
    from kerasgan.core import backend

    backend.clear_global_seed()
    assert _fingerprint(data.load(name, batch_size, **kwargs)) == expected


@pytest.mark.parametrize("name", ["digits-inverse", "digits-rotated", "digits-domains"])
def test_truths_declare_labels_and_an_exact_undo(name, test_digits):
    _, labels = digits.digits_images("test", 16, 1)
    truth = data.ground_truth(name)
    np.testing.assert_array_equal(truth.labels, labels)
    assert truth.label_set == "digits" and truth.undo_description
    targets = truth.targets if isinstance(truth, data.DomainTruth) else {1: truth.target}
    undo = truth.undo if isinstance(truth, data.DomainTruth) else {1: truth.undo}
    for domain, target in targets.items():
        np.testing.assert_array_equal(undo[domain](target), test_digits)


@pytest.mark.parametrize("name", ["digits-thick", "digits-edges"])
def test_appearance_truths_need_no_undo(name):
    truth = data.ground_truth(name)
    assert truth.undo is transforms.unchanged and truth.undo_description.startswith("none")
