"""Tests for kerasgan.metrics.modes2d (VEEGAN/PacGAN mode-coverage protocol)."""

import math

import numpy as np
import pytest

from kerasgan.metrics import ModeCoverage, mode_coverage, mode_coverage_for
from kerasgan.metrics.modes2d import EXPECTED_HIGH_QUALITY_2D, reverse_kl_to_uniform

GRID = np.array([[x, y] for x in (-4, -2, 0, 2, 4) for y in (-4, -2, 0, 2, 4)], dtype=np.float64)
GRID_STD = 0.05
RING = np.stack([np.cos(2 * np.pi * np.arange(8) / 8), np.sin(2 * np.pi * np.arange(8) / 8)], 1)
RING_STD = 0.01


def mixture_samples(centers, std, n, seed, modes=None):
    """Independent reference sampler (does not use kerasgan.data)."""
    rng = np.random.default_rng(seed)
    modes = np.arange(len(centers)) if modes is None else np.asarray(modes)
    k = rng.choice(modes, size=n)
    return centers[k] + std * rng.standard_normal((n, 2))


def test_expected_high_quality_constant():
    # P(r < 3 sigma) for a 2-D isotropic Gaussian (Rayleigh radius).
    assert EXPECTED_HIGH_QUALITY_2D == pytest.approx(1 - math.exp(-4.5))
    assert EXPECTED_HIGH_QUALITY_2D == pytest.approx(0.98889, abs=1e-5)


@pytest.mark.parametrize("centers,std", [(GRID, GRID_STD), (RING, RING_STD)])
def test_true_mixture_covers_all_modes(centers, std):
    n = 40_000
    r = mode_coverage(mixture_samples(centers, std, n, seed=1), centers, std)
    assert r["modes"] == r["num_modes"] == len(centers)
    # Binomial sd of the fraction is ~5e-4; allow 6 sd.
    assert r["high_quality"] == pytest.approx(EXPECTED_HIGH_QUALITY_2D, abs=3.5e-3)
    assert r["high_quality_pct"] == pytest.approx(100 * r["high_quality"])
    # Multinomial noise only: E[KL] ~ (K-1)/(2N) << 0.01.
    assert 0.0 <= r["reverse_kl"] < 0.01
    assert sum(r["counts"]) == r["num_high_quality"]
    assert r["num_samples"] == n
    assert min(r["counts"]) > 0.8 * n / len(centers)


def test_three_modes_only():
    picked = [0, 7, 19]
    x = mixture_samples(GRID, GRID_STD, 3000, seed=2, modes=picked)
    r = mode_coverage(x, GRID, GRID_STD)
    assert r["modes"] == 3
    assert [i for i, c in enumerate(r["counts"]) if c > 0] == picked
    # Roughly balanced over 3 of 25 modes -> close to log(25/3).
    assert r["reverse_kl"] == pytest.approx(math.log(25 / 3), abs=0.01)


def test_exactly_balanced_subset_gives_log_ratio():
    x = np.repeat(GRID[[3, 4, 10, 11]], 5, axis=0)
    r = mode_coverage(x, GRID, GRID_STD)
    assert r["modes"] == 4
    assert r["high_quality"] == 1.0
    assert r["reverse_kl"] == pytest.approx(math.log(25 / 4), rel=1e-12)


def test_uniform_noise_has_low_quality():
    rng = np.random.default_rng(3)
    x = rng.uniform(-6, 6, size=(20_000, 2))
    r = mode_coverage(x, GRID, GRID_STD)
    # Expected fraction: 25 * pi * (3*0.05)^2 / 12^2 ~= 0.0123.
    assert r["high_quality"] < 0.03
    assert r["high_quality"] == pytest.approx(25 * math.pi * 0.15**2 / 144, abs=0.005)
    r = mode_coverage(rng.uniform(-2, 2, size=(5000, 2)), RING, RING_STD)
    assert r["high_quality"] < 0.01


def test_reverse_kl_hand_computed():
    # Histogram [2, 1, 1, 0] over 4 modes: p = [1/2, 1/4, 1/4, 0].
    # KL(p||U) = 1/2 log(2) + 1/4 log(1) + 1/4 log(1) = 0.5 log 2.
    centers = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]])
    x = np.array([[0.0, 0.0], [0.1, 0.0], [10.0, 0.0], [0.0, 10.0]])
    r = mode_coverage(x, centers, 1.0)
    assert r["counts"] == [2, 1, 1, 0]
    assert r["modes"] == 3
    assert r["reverse_kl"] == pytest.approx(0.5 * math.log(2), rel=1e-12)
    assert reverse_kl_to_uniform([2, 1, 1, 0]) == pytest.approx(0.34657359, rel=1e-7)
    assert reverse_kl_to_uniform([5, 5, 5]) == 0.0
    assert reverse_kl_to_uniform([7, 0, 0]) == pytest.approx(math.log(3))
    # min_count: only the mode with 2 high-quality samples counts.
    assert mode_coverage(x, centers, 1.0, min_count=2)["modes"] == 1


def test_reverse_kl_ignores_low_quality_samples():
    centers = np.array([[0.0, 0.0], [10.0, 0.0]])
    x = np.array([[0.0, 0.0], [10.0, 0.0], [5.0, 5.0], [5.0, -5.0]])
    r = mode_coverage(x, centers, 1.0)
    assert r["high_quality"] == 0.5
    assert r["reverse_kl"] == 0.0


def test_threshold_boundary_and_nonfinite():
    centers = np.array([[0.0, 0.0]])
    x = np.array([[2.9, 0.0], [0.0, -3.1], [np.nan, 0.0], [np.inf, 1.0]])
    r = mode_coverage(x, centers, 1.0)
    assert r["counts"] == [1]
    assert r["num_samples"] == 4
    assert r["high_quality"] == 0.25
    assert mode_coverage(x, centers, 1.0, threshold=3.5)["counts"] == [2]


def test_no_high_quality_samples():
    r = mode_coverage([[100.0, 100.0]], GRID, GRID_STD)
    assert r["modes"] == 0
    assert r["high_quality"] == 0.0
    assert math.isnan(r["reverse_kl"])


def test_per_mode_std_uses_standardised_distance():
    centers = np.array([[0.0, 0.0], [4.0, 0.0]])
    # x is closer to mode 0 in Euclidean terms but within 3 sd only of mode 1.
    r = mode_coverage([[1.9, 0.0]], centers, [0.1, 1.0])
    assert r["counts"] == [0, 1]


def test_streaming_equals_one_shot():
    x = mixture_samples(RING, RING_STD, 10_000, seed=4, modes=[0, 1, 2, 5])
    x[::7] += 0.5  # spoil some samples
    one = mode_coverage(x, RING, RING_STD)
    acc = ModeCoverage(RING, RING_STD)
    for chunk in np.array_split(x, 7):
        acc.update(chunk)
    acc.update(np.zeros((0, 2)))  # empty batches are a no-op
    assert acc.result() == one
    acc.reset()
    with pytest.raises(ValueError):
        acc.result()


def test_mode_coverage_for_builtins():
    r = mode_coverage_for("grid25", mixture_samples(GRID, GRID_STD, 2500, seed=5))
    assert r["modes"] == 25 and r["num_modes"] == 25
    r = mode_coverage_for("ring8", mixture_samples(RING, RING_STD, 2500, seed=6, modes=[2]))
    assert r["modes"] == 1 and r["num_modes"] == 8
    with pytest.raises(ValueError, match="ring8"):
        mode_coverage_for("digits", np.zeros((4, 2)))


def test_accepts_float32_and_lists():
    x32 = mixture_samples(RING, RING_STD, 1000, seed=7).astype(np.float32)
    assert mode_coverage(x32, RING, RING_STD)["modes"] == 8
    assert mode_coverage(x32.tolist(), RING.tolist(), RING_STD)["modes"] == 8


@pytest.mark.parametrize(
    "samples",
    [np.zeros((0, 2)), [], np.zeros(2), np.zeros((5, 3)), np.zeros((2, 2, 2)), np.zeros((5, 1))],
)
def test_bad_samples_raise(samples):
    with pytest.raises(ValueError):
        mode_coverage(samples, GRID, GRID_STD)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(centers=np.zeros((0, 2)), std=1.0),
        dict(centers=np.zeros(2), std=1.0),
        dict(centers=GRID, std=0.0),
        dict(centers=GRID, std=-1.0),
        dict(centers=GRID, std=[1.0, 2.0]),
        dict(centers=GRID, std=1.0, threshold=0),
        dict(centers=GRID, std=1.0, min_count=0),
        dict(centers=GRID, std=1.0, min_count=1.5),
    ],
)
def test_bad_configuration_raises(kwargs):
    with pytest.raises(ValueError):
        ModeCoverage(**kwargs)
