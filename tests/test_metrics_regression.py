"""evaluate() keeps its numbers: values recorded before the metrics were split into classes.

Also checks the metric interface itself: the registry is consistent, each metric
gives the same values alone as together with others, and unknown options fail.
"""

import numpy as np
import pytest

import kerasgan
from kerasgan import metrics
from kerasgan.data.toy2d import TOY2D
from kerasgan.metrics.base import KINDS, Metric
from kerasgan.metrics.registry import METRIC_CLASSES, metric_options

# Recorded with kerasgan.metrics.evaluation before the metrics were split into
# classes (commit 195fe25). KID and precision/recall read the reference vectors
# in order, and a named data set is read through a shuffle that depends on
# TensorFlow's global seed (which other tests set), so those two are checked
# against a fixed array of real samples.
RING8_VS_ARRAY = {
    "fid": 0.00035642166243565754,
    "kid": -0.002127460096184963,
    "kid_std": 0.0011688747403257604,
    "precision": 0.9784,
    "recall": 0.9772,
    "num_samples": 2500,
}
RING8_NAMED = {
    "modes": 8,
    "num_modes": 8,
    "mode_kl": 0.0019009053750923197,
    "high_quality": 0.988,
    "mode_counts": [278, 310, 310, 308, 300, 291, 333, 340],
    "parzen_ll": 4.25978996078157,
    "parzen_se": 0.009395403830013388,
    "parzen_sigma": 0.003981071705534973,
}
DIGITS_VS_ARRAY = {
    "fid": 1.6504457930114427,
    "kid": -1.4115563680397911,
    "kid_std": 0.4559573748304063,
    "precision": 0.7805555555555556,
    "recall": 0.9305555555555556,
    "num_samples": 360,
}
DIGITS_NAMED = {
    "fid": 1.6504447266381703,
    "is": 8.771436647479185,
    "is_std": 0.45486156681706175,
    "is_single": 9.733835396686128,
    "modes": 10,
    "num_modes": 10,
    "mode_kl": 0.0003108871402446307,
    "mean_confidence": 0.9929305356477727,
    "mode_counts": [36, 37, 34, 36, 36, 37, 36, 37, 35, 36],
    "num_samples": 360,
}


def _assert_same(result, expected, rel):
    assert set(expected) <= set(result)
    for key, value in expected.items():
        if isinstance(value, float):
            assert result[key] == pytest.approx(value, rel=rel, abs=1e-12), key
        else:
            assert result[key] == value, key


@pytest.fixture(scope="module")
def ring8_samples():
    return TOY2D["ring8"].sample(2500, seed=1)


def test_ring8_numbers_are_unchanged(ring8_samples):
    real = TOY2D["ring8"].sample(3000, seed=2)
    r = metrics.evaluate(ring8_samples, real, ["fid", "kid", "pr"], kid_subsets=10)
    _assert_same(r, RING8_VS_ARRAY, rel=1e-9)
    assert r["protocol"]["kid"] == {"subsets": 10, "subset_size": 1000, "kernel": "(x.y/d + 1)^3"}
    r = metrics.evaluate(ring8_samples, "ring8", ["modes", "parzen"])
    _assert_same(r, RING8_NAMED, rel=1e-9)
    assert r["protocol"]["modes"]["kind"] == "2-D mixture (VEEGAN/PacGAN)"
    assert r["protocol"]["parzen"]["num_test"] == 10000


def _digits(split):
    ds = kerasgan.data.load("digits", 512, split=split, shuffle=False, drop_remainder=False)
    return np.concatenate([b.numpy() for b in ds])


def test_real_digits_numbers_are_unchanged():
    x = _digits("test")
    # The digits CNN runs in float32: allow for another CPU's (or batch order's) rounding.
    r = metrics.evaluate(x, _digits("train"), ["fid", "kid", "pr"], extractor="digits", kid_subsets=10)
    _assert_same(r, DIGITS_VS_ARRAY, rel=1e-4)
    r = metrics.evaluate(x, "digits", ["fid", "is", "modes"])
    _assert_same(r, DIGITS_NAMED, rel=1e-4)
    assert r["protocol"]["modes"]["kind"] == "class histogram"
    assert r["protocol"]["is"] == {"splits": 10, "classifier": "digits_cnn"}


@pytest.mark.parametrize("name", ["fid", "kid", "pr", "modes"])
def test_a_metric_alone_gives_the_values_it_gives_with_others(ring8_samples, name):
    alone = metrics.evaluate(ring8_samples[:600], "ring8", [name], kid_subsets=5)
    together = metrics.evaluate(ring8_samples[:600], "ring8", ["fid", "kid", "pr", "modes"], kid_subsets=5)
    values = {k: v for k, v in alone.items() if k not in ("protocol", "num_samples")}
    assert values and values == {k: together[k] for k in values}


def test_registry_is_consistent():
    names = [cls.name for cls in METRIC_CLASSES]
    aliases = [a for cls in METRIC_CLASSES for a in cls.aliases]
    assert tuple(names) == metrics.METRICS
    assert len(set(names + aliases)) == len(names) + len(aliases)
    assert set(metrics.DEFAULT_METRICS) <= set(names)
    for cls in METRIC_CLASSES:
        assert issubclass(cls, Metric) and cls.__doc__
        assert set(cls.kinds) <= set(KINDS)
    seen = {}
    for cls in METRIC_CLASSES:
        for key, default in cls.options.items():
            assert seen.setdefault(key, default) == default, f"option {key} declared twice"
    assert metric_options() == seen


def test_unknown_evaluator_option_fails():
    with pytest.raises(TypeError, match="kid_subset"):
        metrics.Evaluator("ring8", ["kid"], kid_subset=3)
