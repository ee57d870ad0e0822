"""Metric formulas against independent numpy/scipy computations on fixed features.

Every metric is compared with a direct, loop- or scipy-based formula to 1e-6
relative, plus known cases (identical sets, shifted Gaussians with the
closed-form Fréchet distance, one-hot classifiers with a known Inception Score).
"""

import json
import math

import numpy as np
import pytest
import scipy.linalg
import scipy.special
from scipy.spatial.distance import cdist

from kerasgan.metrics import classifier, manifold, mmd, parzen, stats
from kerasgan.metrics.stats import FeatureStats, frechet_distance

RTOL = 1e-6


def _features(n, d, seed, shift=0.0, scale=1.0):
    rng = np.random.default_rng(seed)
    mixing = rng.normal(size=(d, d)) / math.sqrt(d)
    return shift + scale * rng.normal(size=(n, d)) @ mixing


def _stream(features, sizes, **kwargs):
    acc = FeatureStats(**kwargs)
    start = 0
    for size in sizes:
        acc.update(features[start : start + size])
        start += size
    assert start == len(features)
    return acc


# ------------------------------------------------------------------ statistics


def test_streaming_moments_match_numpy_with_a_large_offset():
    x = _features(1000, 12, seed=0, shift=1e4)
    acc = _stream(x, [1, 7, 300, 0, 692])
    np.testing.assert_allclose(acc.mean, x.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(acc.covariance, np.cov(x, rowvar=False), rtol=1e-8, atol=1e-10)
    assert acc.num_samples == 1000


def test_kept_features_are_capped_but_moments_use_everything():
    x = _features(50, 3, seed=1)
    acc = _stream(x, [20, 20, 10], keep_features=True, max_features=30)
    np.testing.assert_array_equal(acc.features, x[:30].astype(np.float32))
    np.testing.assert_allclose(acc.mean, x.mean(axis=0), rtol=1e-12)


def test_statistics_reject_bad_batches():
    acc = FeatureStats().update(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="dimension"):
        acc.update(np.zeros((2, 4)))
    with pytest.raises(ValueError, match="NaN"):
        acc.update(np.full((1, 3), np.nan))
    with pytest.raises(ValueError, match="no features"):
        _ = FeatureStats().mean


def test_cache_round_trip_keeps_moments_features_and_protocol(tmp_path):
    x = _features(40, 5, seed=2)
    protocol = {"extractor": {"extractor": "identity"}, "split": "train", "num_samples": 40}
    acc = _stream(x, [25, 15], keep_features=True, protocol=protocol)
    path = acc.save(str(tmp_path / "ref"))
    assert path.endswith(".npz")
    back = FeatureStats.load(path)
    np.testing.assert_array_equal(back.mean, acc.mean)
    np.testing.assert_allclose(back.covariance, acc.covariance, rtol=1e-15)
    np.testing.assert_array_equal(back.features, acc.features)
    assert back.protocol == protocol and back.num_samples == 40
    with np.load(path) as f:
        assert json.loads(str(f["protocol"]))["split"] == "train"


# ------------------------------------------------------------------------- FID


def _fid_direct(x, y):
    """The textbook formula with scipy's general matrix square root."""
    mu1, mu2 = x.mean(0), y.mean(0)
    s1, s2 = np.cov(x, rowvar=False), np.cov(y, rowvar=False)
    covmean = scipy.linalg.sqrtm(s1 @ s2)
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean).real)


def test_fid_matches_scipy_sqrtm_formula():
    x = _features(600, 16, seed=3)
    y = _features(500, 16, seed=4, shift=0.3, scale=1.2)
    a, b = _stream(x, [100] * 6), _stream(y, [250, 250])
    value = frechet_distance(a.mean, a.covariance, b.mean, b.covariance)
    assert value == pytest.approx(_fid_direct(x, y), rel=RTOL)


def test_fid_of_identical_sets_is_zero_even_when_covariance_is_singular():
    x = _features(1000, 8, seed=5)
    a = FeatureStats.from_features(x)
    assert frechet_distance(a.mean, a.covariance, a.mean, a.covariance) < 1e-9
    few = _features(10, 64, seed=6)  # N < D: rank-deficient covariance
    s = FeatureStats.from_features(few)
    value = frechet_distance(s.mean, s.covariance, s.mean, s.covariance)
    assert np.isfinite(value) and value < 1e-8


@pytest.mark.parametrize("dim", [1, 4, 32])
def test_fid_of_shifted_isotropic_gaussians_is_the_closed_form(dim):
    mean = np.linspace(-1.0, 2.0, dim)
    a, b = 0.5, 2.0
    value = frechet_distance(np.zeros(dim), a * a * np.eye(dim), mean, b * b * np.eye(dim))
    assert value == pytest.approx(float(mean @ mean) + dim * (a - b) ** 2, rel=1e-12)


def test_fid_of_gaussians_with_commuting_covariances_is_the_closed_form():
    rng = np.random.default_rng(7)
    q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    l1, l2 = rng.uniform(0.1, 3.0, 6), rng.uniform(0.1, 3.0, 6)
    s1, s2 = (q * l1) @ q.T, (q * l2) @ q.T
    shift = rng.normal(size=6)
    expected = shift @ shift + np.sum((np.sqrt(l1) - np.sqrt(l2)) ** 2)
    assert frechet_distance(np.zeros(6), s1, shift, s2) == pytest.approx(expected, rel=1e-10)


def test_fid_of_samples_approaches_the_closed_form():
    rng = np.random.default_rng(8)
    x = rng.normal(size=(200_000, 2))
    y = 3.0 * rng.normal(size=(200_000, 2)) + np.array([1.0, -1.0])
    a = _stream(x, [50_000] * 4)
    b = _stream(y, [50_000] * 4)
    # ||mu||^2 + d (1 - 3)^2 = 2 + 8
    assert frechet_distance(a.mean, a.covariance, b.mean, b.covariance) == pytest.approx(10.0, rel=0.02)


def test_trace_sqrt_product_matches_scipy_for_non_commuting_covariances():
    s1 = np.cov(_features(100, 10, seed=9), rowvar=False)
    s2 = np.cov(_features(100, 10, seed=10, scale=2.0), rowvar=False)
    expected = np.trace(scipy.linalg.sqrtm(s1 @ s2)).real
    assert stats.trace_sqrt_product(s1, s2) == pytest.approx(expected, rel=RTOL)


# ------------------------------------------------------------------------- KID


def _mmd2_loops(x, y):
    """Unbiased MMD^2 with the cubic kernel, by explicit sums over index pairs."""
    d = x.shape[1]

    def k(a, b):
        return (float(a @ b) / d + 1.0) ** 3

    m, n = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(n)) / (m * n)
    return xx + yy - 2 * xy


def test_mmd_matches_the_pairwise_sum():
    x, y = _features(25, 5, seed=11), _features(18, 5, seed=12, shift=0.5)
    assert mmd.mmd2_unbiased(x, y) == pytest.approx(_mmd2_loops(x, y), rel=RTOL)


def test_kid_subsets_are_the_mean_and_std_of_subset_mmds():
    real, fake = _features(40, 4, seed=13), _features(30, 4, seed=14, shift=0.2)
    result = mmd.kid_from_features(real, fake, num_subsets=5, subset_size=12, seed=3)
    rng = np.random.default_rng(3)
    values = []
    for _ in range(5):
        r = real[rng.choice(40, 12, replace=False)]
        f = fake[rng.choice(30, 12, replace=False)]
        values.append(_mmd2_loops(r, f))
    assert result["kid"] == pytest.approx(np.mean(values), rel=RTOL)
    assert result["kid_std"] == pytest.approx(np.std(values), rel=RTOL)
    assert result["kid_subset_size"] == 12


def test_kid_is_near_zero_for_one_distribution_and_positive_for_shifted_ones():
    rng = np.random.default_rng(15)
    real, fake = rng.normal(size=(2000, 8)), rng.normal(size=(2000, 8))
    same = mmd.kid_from_features(real, fake, num_subsets=10, subset_size=500)
    assert abs(same["kid"]) < 3 * same["kid_std"] + 1e-3
    shifted = mmd.kid_from_features(real, fake + 1.0, num_subsets=10, subset_size=500)
    assert shifted["kid"] > 10 * shifted["kid_std"] > 0


# -------------------------------------------------------------------------- IS


def _is_direct(probs, splits):
    scores = []
    size = len(probs) // splits
    for i in range(splits):
        part = probs[i * size : (i + 1) * size]
        py = part.mean(axis=0, keepdims=True)
        kl = scipy.special.rel_entr(part, py).sum(axis=1)
        scores.append(np.exp(kl.mean()))
    return np.mean(scores), np.std(scores)


def _logits(n, c, seed, temperature=2.0):
    return temperature * np.random.default_rng(seed).normal(size=(n, c))


@pytest.mark.parametrize("stream_known", [True, False])
def test_inception_score_matches_the_direct_formula(stream_known):
    logits = _logits(1003, 7, seed=17)
    probs = scipy.special.softmax(logits, axis=1)
    acc = classifier.ClassifierStats(7, splits=10, num_samples=1003 if stream_known else None)
    for start in range(0, 1003, 128):
        acc.update(logits[start : start + 128])
    result = acc.result()
    mean, std = _is_direct(probs, 10)
    assert result["is"] == pytest.approx(mean, rel=RTOL)
    assert result["is_std"] == pytest.approx(std, rel=RTOL)
    assert result["is_single"] == pytest.approx(_is_direct(probs, 1)[0], rel=RTOL)


def test_inception_score_known_cases():
    one_hot = np.eye(5)[np.arange(500) % 5]
    assert classifier.inception_score_from_probs(one_hot, splits=5)["is"] == pytest.approx(5.0, rel=1e-12)
    collapsed = np.tile(np.eye(5)[2], (100, 1))
    assert classifier.inception_score_from_probs(collapsed, splits=1)["is"] == pytest.approx(1.0)
    uniform = np.full((100, 5), 0.2)
    assert classifier.inception_score_from_probs(uniform, splits=2)["is"] == pytest.approx(1.0)


def test_class_histogram_matches_direct_counts():
    logits = _logits(300, 10, seed=18)
    logits[:, 3] -= 100.0  # class 3 never predicted
    probs = scipy.special.softmax(logits, axis=1)
    result = classifier.class_histogram_from_probs(probs)
    counts = np.bincount(probs.argmax(1), minlength=10)
    p = counts / counts.sum()
    nz = p > 0
    assert result["class_counts"] == counts.tolist()
    assert result["modes"] == 9 and result["num_classes"] == 10
    assert result["mode_kl"] == pytest.approx(np.sum(p[nz] * np.log(p[nz] * 10)), rel=RTOL)
    assert result["mean_confidence"] == pytest.approx(probs.max(1).mean(), rel=RTOL)
    strict = classifier.class_histogram_from_probs(probs, min_confidence=0.9)
    assert sum(strict["class_counts"]) == int(np.sum(probs.max(1) >= 0.9))


# ------------------------------------------------------------ precision/recall


def _pr_direct(real, fake, k):
    rr = cdist(real, real)
    ff = cdist(fake, fake)
    r_real = np.sort(rr, axis=1)[:, k]  # column 0 is the point itself
    r_fake = np.sort(ff, axis=1)[:, k]
    fr = cdist(fake, real)
    precision = np.mean(np.any(fr <= r_real[None, :], axis=1))
    recall = np.mean(np.any(fr.T <= r_fake[None, :], axis=1))
    return precision, recall


@pytest.mark.parametrize("k", [1, 3, 5])
def test_precision_recall_matches_cdist(k, monkeypatch):
    monkeypatch.setattr(manifold, "_CHUNK_ELEMENTS", 500)  # exercise chunking
    real = _features(150, 6, seed=19)
    fake = _features(120, 6, seed=20, shift=0.7, scale=0.6)
    result = manifold.precision_recall_from_features(real, fake, k=k)
    p, r = _pr_direct(real, fake, k)
    assert result["precision"] == pytest.approx(p, rel=RTOL)
    assert result["recall"] == pytest.approx(r, rel=RTOL)
    assert 0 < result["precision"] < 1 and 0 < result["recall"] < 1


def test_precision_recall_known_cases():
    x = _features(200, 4, seed=21)
    assert manifold.precision_recall_from_features(x, x) == {"precision": 1.0, "recall": 1.0, "pr_k": 3}
    far = manifold.precision_recall_from_features(x, x + 100.0)
    assert far["precision"] == 0.0 and far["recall"] == 0.0


# ---------------------------------------------------------------------- Parzen


def _parzen_direct(centres, points, sigma):
    # log N(x; g_i, sigma^2 I) with scipy, then log-mean-exp over the centres.
    from scipy.stats import norm

    logs = np.array([[norm.logpdf(x, loc=g, scale=sigma).sum() for g in centres] for x in points])
    return scipy.special.logsumexp(logs, axis=1) - np.log(len(centres))


def test_parzen_log_likelihood_matches_scipy(monkeypatch):
    monkeypatch.setattr(parzen, "_CHUNK_ELEMENTS", 64)
    centres = _features(40, 3, seed=22)
    points = _features(25, 3, seed=23, shift=0.2)
    window = parzen.ParzenWindow(centres, sigmas=[0.3, 1.0])
    got = window.log_likelihood(points)
    for i, sigma in enumerate([0.3, 1.0]):
        np.testing.assert_allclose(got[i], _parzen_direct(centres, points, sigma), rtol=RTOL)


def test_parzen_protocol_picks_the_best_validation_bandwidth():
    centres = _features(60, 2, seed=24)
    validation = _features(30, 2, seed=25)
    test = _features(20, 2, seed=26)
    sigmas = [0.05, 0.2, 0.5, 1.0, 3.0]
    result = parzen.parzen_from_arrays(centres, validation, test, sigmas=sigmas)
    means = [_parzen_direct(centres, validation, s).mean() for s in sigmas]
    best = sigmas[int(np.argmax(means))]
    assert result["parzen_sigma"] == best
    direct = _parzen_direct(centres, test, best)
    assert result["parzen_ll"] == pytest.approx(direct.mean(), rel=RTOL)
    assert result["parzen_se"] == pytest.approx(direct.std() / math.sqrt(len(direct)), rel=RTOL)
    assert result["parzen_validation_ll"] == pytest.approx(max(means), rel=RTOL)


def test_parzen_standard_error_survives_large_offsets():
    window = parzen.ParzenWindow(np.zeros((1, 400)), sigmas=[0.01])
    points = np.random.default_rng(27).normal(scale=0.01, size=(500, 400))
    values = window.log_likelihood(points)[0]
    result = parzen.score(window, 0.01, [points[:200], points[200:]])
    assert result["parzen_se"] == pytest.approx(values.std() / math.sqrt(500), rel=1e-6)
