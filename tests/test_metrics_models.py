"""kerasgan.metrics end to end: extractors, the digits judge, evaluate(), the callback, the CLI."""

import glob
import json
import os

import keras
import numpy as np
import pytest
import tensorflow as tf

import kerasgan
from kerasgan import metrics
from kerasgan.callbacks import EvaluationCallback
from kerasgan.cli import main
from kerasgan.data.toy2d import TOY2D
from kerasgan.metrics import digits_classifier, extractors
from kerasgan.metrics.stats import FeatureStats


def _digits(split):
    ds = kerasgan.data.load("digits", 512, split=split, shuffle=False, drop_remainder=False, with_labels=True)
    xs, ys = zip(*[(x.numpy(), y.numpy()) for x, y in ds], strict=True)
    return np.concatenate(xs), np.concatenate(ys)


@pytest.fixture(scope="module")
def digits_gan():
    """An untrained DCGAN for 16x16 digits (samples are noise-like, mostly one class)."""
    return kerasgan.DCGAN.build_for_data(kerasgan.data.spec("digits"), seed=0)


# ---------------------------------------------------------------- digits judge


def test_shipped_digits_classifier_is_accurate_on_the_held_out_split():
    model = digits_classifier.load_digits_classifier()
    x, y = _digits("test")
    accuracy = float(np.mean(np.argmax(model.predict(x, verbose=0), axis=1) == y))
    assert accuracy > 0.97
    info = digits_classifier.digits_classifier_info()
    assert info["test_accuracy"] > 0.97
    assert info["test_accuracy"] == pytest.approx(accuracy, abs=0.01)
    assert info["image_size"] == 16 and info["num_test"] == len(y) == 360
    assert "test" in info["test_split"]
    assert os.path.getsize(digits_classifier.WEIGHTS_PATH) < 1_000_000
    assert digits_classifier._sha256(digits_classifier.WEIGHTS_PATH) == info["weights_sha256"]


def test_digits_extractor_gives_features_and_logits_at_any_size():
    ext = digits_classifier.digits_extractor()
    x, y = _digits("test")
    f, logits = ext(x[:50])
    assert f.shape == (50, 64) and logits.shape == (50, 10)
    assert np.mean(logits.argmax(1) == y[:50]) > 0.9
    # 32x32 RGB versions of the same digits are resized / averaged back.
    big = tf.image.resize(tf.repeat(x[:50], 3, axis=-1), (32, 32)).numpy()
    assert np.mean(ext(big)[1].argmax(1) == y[:50]) > 0.9


def test_real_digits_score_as_real():
    x, _ = _digits("test")
    r = metrics.evaluate(x, "digits", ["fid", "kid", "is", "pr", "modes"], kid_subsets=10)
    assert r["fid"] < 10.0
    assert r["is"] > 7.0 and r["modes"] == 10 and r["mean_confidence"] > 0.95
    assert r["mode_kl"] < 0.01
    assert r["precision"] > 0.7 and r["recall"] > 0.7
    assert r["protocol"]["reference"]["split"] == "train"
    assert r["protocol"]["reference"]["num_samples"] == 1437
    assert r["protocol"]["extractor"]["extractor"] == "digits_cnn"


# ------------------------------------------------------------------ InceptionV3


def test_inception_full_path_with_random_weights():
    ext = extractors.inception_v3(weights="random", batch_size=4)
    rng = np.random.default_rng(0)
    grey = rng.uniform(-1, 1, (3, 16, 16, 1)).astype("float32")
    features, logits = ext(grey)
    assert features.shape == (3, 2048) and logits.shape == (3, 1000)
    assert np.all(np.isfinite(features)) and np.all(np.isfinite(logits))
    protocol = ext.protocol()
    assert protocol["input_size"] == 299 and protocol["layer"] == "avg_pool"
    assert protocol["weights"] == "random" and not ext.cacheable
    real = rng.uniform(-1, 1, (4, 20, 20, 3)).astype("float32")
    r = metrics.evaluate(real[::-1], real, ["fid", "is"], extractor=ext, splits=2)
    assert r["fid"] == pytest.approx(0.0, abs=1e-6)  # same images, another order
    assert np.isfinite(r["is"]) and r["protocol"]["extractor"]["extractor"] == "inception_v3"


def test_missing_inception_weights_say_how_to_provide_them(tmp_path, monkeypatch):
    monkeypatch.setattr(extractors, "_keras_cache_dirs", lambda: [str(tmp_path)])
    with pytest.raises(extractors.InceptionWeightsNotFoundError, match="never downloads") as info:
        extractors.inception_v3()
    message = str(info.value)
    assert "~/.keras/models" in message and "--inception-weights" in message
    with pytest.raises(FileNotFoundError, match="not found"):
        extractors.inception_v3(weights=str(tmp_path / "nope.h5"))


def test_inception_weights_are_found_in_the_keras_cache(tmp_path, monkeypatch):
    monkeypatch.setattr(extractors, "_keras_cache_dirs", lambda: [str(tmp_path / "a"), str(tmp_path)])
    notop = tmp_path / extractors.INCEPTION_WEIGHTS_NOTOP_FILE
    notop.write_bytes(b"")
    assert extractors.find_inception_weights() == (str(notop), False)  # features only, no logits
    full = tmp_path / extractors.INCEPTION_WEIGHTS_FILE
    full.write_bytes(b"")
    assert extractors.find_inception_weights() == (str(full), True)
    assert extractors.find_inception_weights(str(full)) == (str(full), True)


def test_any_keras_model_can_be_the_extractor():
    net = keras.Sequential(
        [
            keras.Input((16, 16, 1)),
            keras.layers.Flatten(),
            keras.layers.Dense(6, name="emb"),
            keras.layers.Dense(4, name="head"),
        ]
    )
    x, _ = _digits("test")
    r = metrics.evaluate(
        x[:100], x[100:], ["fid", "is"], extractor=metrics.KerasExtractor(net, "emb", "head"), splits=2
    )
    assert r["protocol"]["extractor"]["layer"] == "emb" and np.isfinite(r["fid"])
    # A plain model: its output are the features.
    assert np.isfinite(metrics.fid(x[:100], x[100:], extractor=net))


# -------------------------------------------------------------------- evaluate


def test_unknown_metric_lists_the_valid_ones():
    with pytest.raises(metrics.UnknownMetricError, match="valid metrics: fid, kid, is, pr, modes, parzen, content_kept"):
        metrics.evaluate(np.zeros((4, 2)), "ring8", ["fid", "bogus"])


def test_points_use_the_2d_mode_protocol_and_raw_coordinates():
    ring = TOY2D["ring8"]
    good = metrics.evaluate(
        ring.sample(2500, seed=1), "ring8", ["fid", "kid", "modes", "parzen"], kid_subsets=5
    )
    assert good["modes"] == 8 and good["high_quality"] > 0.97 and good["fid"] < 0.01
    assert good["protocol"]["extractor"]["extractor"] == "identity"
    assert not good["protocol"]["parzen"]["sigma_at_edge"]
    collapsed = np.repeat(ring.centers[:1], 2500, axis=0)
    bad = metrics.evaluate(collapsed, "ring8", ["fid", "modes", "parzen"])
    assert bad["modes"] == 1 and bad["fid"] > 0.5
    assert bad["parzen_ll"] < good["parzen_ll"]
    assert metrics.class_mode_coverage(collapsed, "ring8")["mode_kl"] == pytest.approx(np.log(8))
    with pytest.raises(ValueError, match="'is' needs a classifier"):
        metrics.evaluate(collapsed, "ring8", ["is"])
    # Unnamed point data gets the identity extractor too.
    stats = metrics.reference_statistics(ring.sample(100, seed=2))
    assert stats.protocol["extractor"]["extractor"] == "identity" and stats.dim == 2


def test_streaming_sources_agree(digits_gan):
    x, _ = _digits("test")
    ds = tf.data.Dataset.from_tensor_slices(x).batch(37)
    from_array = metrics.fid(x, "digits")
    # The CNN's float32 outputs depend slightly on the batch shape (oneDNN), hence 1e-5.
    assert metrics.fid(ds, "digits") == pytest.approx(from_array, rel=1e-5)
    assert metrics.fid(iter([x[:100], x[100:]]), "digits") == pytest.approx(from_array, rel=1e-5)
    # A model is sampled in seeded chunks: same seed, same numbers; another seed differs.
    a = metrics.evaluate(digits_gan, "digits", ["fid", "is"], num_samples=300, batch_size=128, splits=3)
    b = metrics.evaluate(digits_gan, "digits", ["fid", "is"], num_samples=300, batch_size=128, splits=3)
    c = metrics.evaluate(digits_gan, "digits", ["fid"], num_samples=300, batch_size=128, seed=1)
    assert a["fid"] == b["fid"] and a["is"] == b["is"] and c["fid"] != a["fid"]
    assert a["num_samples"] == 300 and a["protocol"]["seed"] == 0


def test_evaluate_a_model_with_every_metric(digits_gan):
    sampled = [cls.name for cls in metrics.METRIC_CLASSES if not cls.reads_translator]
    assert len(sampled) == len(metrics.METRICS) - 2  # content_kept reads translators, target_accuracy classifiers
    r = metrics.evaluate(digits_gan, "digits", sampled, num_samples=200, kid_subsets=5, splits=2)
    for key in (
        "fid",
        "kid",
        "kid_std",
        "is",
        "is_std",
        "is_single",
        "precision",
        "recall",
        "modes",
        "mode_kl",
        "mean_confidence",
        "parzen_ll",
        "parzen_se",
        "parzen_sigma",
    ):
        assert np.isfinite(r[key]), key
    assert r["fid"] > 50  # an untrained generator is far from digits
    assert len(r["mode_counts"]) == 10 and sum(r["mode_counts"]) == 200
    assert r["protocol"]["parzen"]["num_test"] == 360
    json.dumps(r)  # plain Python types throughout


def test_reference_statistics_are_cached_with_their_protocol(tmp_path):
    first = metrics.reference_statistics("digits", cache=str(tmp_path), image_size=16, channels=1)
    files = glob.glob(str(tmp_path / "digits-train-digits_cnn-*.npz"))
    assert len(files) == 1
    cached = FeatureStats.load(files[0])
    assert cached.protocol["split"] == "train" and cached.protocol["num_samples"] == 1437
    assert cached.protocol["extractor"]["input_size"] == 16
    again = metrics.reference_statistics("digits", cache=str(tmp_path), image_size=16, channels=1)
    np.testing.assert_array_equal(again.mean, first.mean)
    # Another protocol (the test split) gets its own file.
    metrics.reference_statistics("digits", split="test", cache=str(tmp_path), image_size=16, channels=1)
    assert len(glob.glob(str(tmp_path / "*.npz"))) == 2
    # An explicit .npz computed under another protocol is refused, not silently reused.
    with pytest.raises(ValueError, match="another protocol"):
        metrics.reference_statistics("digits", split="test", cache=files[0], image_size=16, channels=1)
    # Cached statistics can stand in for the data; the extractor is read from them.
    x, _ = _digits("test")
    assert metrics.fid(x, files[0]) == pytest.approx(metrics.fid(x, "digits"), rel=1e-9)


# -------------------------------------------------------------------- callback


def test_callback_logs_to_history_and_tensorboard(tmp_path):
    model = kerasgan.DCGAN.build_for_data(kerasgan.data.spec("digits"), seed=0)
    model.compile(jit_compile=False)
    ds = kerasgan.data.load("digits", 32, epoch_size=64)
    callback = EvaluationCallback("digits", ["fid", "is", "modes"], every=2, num_samples=100, splits=2)
    board = keras.callbacks.TensorBoard(str(tmp_path / "logs"))
    history = model.fit(ds, epochs=4, verbose=0, callbacks=[callback, board])
    assert len(history.history["fid"]) == 2  # epochs 2 and 4
    assert len(history.history["d_loss"]) == 4
    assert set(callback.results) == {2, 4}
    assert all(np.isfinite(history.history[k]).all() for k in ("fid", "is", "modes", "mode_kl"))
    tags = set()
    for path in glob.glob(str(tmp_path / "logs" / "train" / "events.out.tfevents.*")):
        for record in tf.data.TFRecordDataset(path):
            event = tf.compat.v1.Event.FromString(record.numpy())
            tags.update(v.tag for v in event.summary.value)
    assert {"epoch_fid", "epoch_is", "epoch_d_loss"} <= tags


# ------------------------------------------------------------------------- CLI


@pytest.fixture(scope="module")
def saved_digits_model(tmp_path_factory, digits_gan):
    path = tmp_path_factory.mktemp("eval") / "digits.keras"
    digits_gan.save(str(path))
    return path


def test_cli_eval_prints_a_table_and_writes_json(saved_digits_model, tmp_path, capsys):
    out = tmp_path / "eval.json"
    argv = [
        "eval",
        str(saved_digits_model),
        "--data",
        "digits",
        "--metrics",
        "fid,is,modes",
        "--num-samples",
        "200",
        "--json",
        str(out),
    ]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "200 samples" in printed
    for name in ("fid", "is_std", "modes", "mean_confidence"):
        assert f"  {name} " in printed
    written = json.loads(out.read_text())
    assert written["num_samples"] == 200 and written["data"] == "digits"
    assert np.isfinite(written["fid"]) and written["protocol"]["extractor"]["extractor"] == "digits_cnn"


def test_cli_eval_user_errors_are_one_line(saved_digits_model, tmp_path, capsys, monkeypatch):
    assert main(["eval", str(saved_digits_model), "--data", "digits", "--metrics", "fid,sharpness"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "unknown metric 'sharpness'" in err
    assert "valid metrics: fid, kid, is, pr, modes, parzen, content_kept" in err
    assert main(["eval", str(tmp_path / "missing.keras"), "--data", "digits"]) == 2
    assert "not found" in capsys.readouterr().err
    # Image data other than digits needs InceptionV3 weights: a clear one-line error without them.
    monkeypatch.setattr(extractors, "_keras_cache_dirs", lambda: [str(tmp_path)])
    folder = tmp_path / "imgs"
    folder.mkdir()
    assert main(["eval", str(saved_digits_model), "--data", f"folder:{folder}", "--metrics", "fid"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--inception-weights" in err


def test_cli_eval_of_a_points_model_uses_the_2d_protocol(tmp_path, capsys):
    path = tmp_path / "ring.keras"
    kerasgan.GAN.build_for_data(kerasgan.data.spec("ring8"), seed=0).save(str(path))
    assert main(["eval", str(path), "--data", "ring8", "--num-samples", "500"]) == 0  # default metrics
    printed = capsys.readouterr().out
    assert "  high_quality " in printed and "  fid " in printed and "  is " not in printed
    assert main(["eval", str(path), "--data", "digits", "--metrics", "fid"]) == 2
    assert "2-D points" in capsys.readouterr().err
