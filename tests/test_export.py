"""Tests for kerasgan.export: SavedModels for TF Serving, their side files, and the CLI.

Tiny untrained generators (16 px digits, 2-D points); each is exported once
per module and the exports are shared.
"""

import json
import os
import re
import subprocess

import keras
import numpy as np
import pytest
import tensorflow as tf
from google.protobuf import text_format
from tensorflow_serving.apis import prediction_log_pb2
from tensorflow_serving.config import model_server_config_pb2

from kerasgan import data, families
from kerasgan.cli import main
from kerasgan.export import (
    ExportError,
    describe_generator,
    describe_savedmodel,
    export_onnx,
    export_savedmodel,
    generator_kind,
    latents_for_seeds,
)
from kerasgan.export import onnx_export as onnx_module
from kerasgan.export import savedmodel as savedmodel_module

LATENT = 8


#: Data of the test models built with ``build_for_data`` (the rest: the family's ``build_tiny``).
DATA = {"dcgan": "digits", "cgan": "digits", "infogan": "digits", "gan": "ring8"}


def build(name):
    """The test model of each kind: default nets for 16 px digits / 2-D points, or the tiny model."""
    cls = families.get(name)
    if name not in DATA:  # pix2pix, cyclegan, stargan: narrow 16 px nets (stargan: 3 domains)
        return cls.build_tiny(seed=0)[0]
    kwargs = {} if cls.sampling == "translation" else {"latent_dim": LATENT}
    return cls.build_for_data(data.spec(DATA[name]), seed=0, **kwargs)


KIND_OF = {
    "dcgan": "noise",
    "cgan": "labels",
    "infogan": "categories",
    "gan": "points",
    "pix2pix": "translation",
    "cyclegan": "translation",
    "stargan": "translation_domain",
}

IMAGES = ("float32", (None, 16, 16, 1))
PNG = ("string", (None,))
LABEL = ("int32", (None,))
SEED = ("int64", (None,))
INFO_Z = 8 + 10 + 2  # noise + categories + continuous codes
EXPECTED_SIGNATURES = {
    "dcgan": {
        "serving_default": ({"z": ("float32", (None, LATENT))}, {"images": IMAGES}),
        "generate": ({"seed": SEED}, {"images": IMAGES, "images_bytes": PNG}),
    },
    "cgan": {
        "serving_default": ({"z": ("float32", (None, LATENT)), "label": LABEL}, {"images": IMAGES}),
        "generate": ({"seed": SEED, "label": LABEL}, {"images": IMAGES, "images_bytes": PNG}),
    },
    "infogan": {
        "serving_default": ({"z": ("float32", (None, INFO_Z))}, {"images": IMAGES}),
        "generate": ({"seed": SEED, "category": LABEL}, {"images": IMAGES, "images_bytes": PNG}),
    },
    "gan": {
        "serving_default": ({"z": ("float32", (None, LATENT))}, {"points": ("float32", (None, 2))}),
        "generate": ({"seed": SEED}, {"points": ("float32", (None, 2))}),
    },
    "pix2pix": {
        "serving_default": ({"image": IMAGES}, {"images": IMAGES}),
        "translate_bytes": ({"image_bytes": PNG}, {"images_bytes": PNG}),
    },
    "cyclegan": {
        "serving_default": ({"image": IMAGES}, {"images": IMAGES}),
        "translate_bytes": ({"image_bytes": PNG}, {"images_bytes": PNG}),
        "translate_ba": ({"image": IMAGES}, {"images": IMAGES}),
    },
    "stargan": {
        "serving_default": ({"image": IMAGES, "label": LABEL}, {"images": IMAGES}),
        "translate_bytes": ({"image_bytes": PNG, "label": LABEL}, {"images_bytes": PNG}),
    },
}


@pytest.fixture(scope="module")
def models():
    return {name: build(name) for name in KIND_OF}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return tmp_path_factory.mktemp("serving")


@pytest.fixture(scope="module")
def exports(models, base):
    """Every test model exported once to BASE/<family>/1."""
    return {name: export_savedmodel(model, base, name) for name, model in models.items()}


@pytest.fixture(scope="module")
def loaded(exports):
    cache = {}

    def load(name):
        if name not in cache:
            cache[name] = tf.saved_model.load(exports[name].path)
        return cache[name]

    return load


def _png(pixels):
    return tf.io.encode_png(tf.constant(pixels, tf.uint8)).numpy()


def _decode(data):
    return np.stack([tf.io.decode_png(item).numpy() for item in data.numpy()])


# ------------------------------------------------------------------ kinds


def test_generator_kind_of_each_family(models):
    assert {name: generator_kind(model) for name, model in models.items()} == KIND_OF


def test_non_kerasgan_model_is_refused(tmp_path):
    plain = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    with pytest.raises(ExportError, match="not a kerasgan family"):
        generator_kind(plain)
    path = tmp_path / "plain.keras"
    plain.save(path)
    with pytest.raises(ExportError, match="not a kerasgan family"):
        export_savedmodel(str(path), tmp_path / "base", "plain")
    assert not (tmp_path / "base").exists()


def test_bad_model_paths_are_refused(tmp_path):
    with pytest.raises(ExportError, match=r"not a \.keras file"):
        export_savedmodel(str(tmp_path / "model.h5"), tmp_path, "m")
    with pytest.raises(ExportError, match="not found"):
        export_savedmodel(str(tmp_path / "missing.keras"), tmp_path, "m")
    junk = tmp_path / "junk.keras"
    junk.write_bytes(b"not a zip file")
    with pytest.raises(ExportError, match="could not load"):
        export_savedmodel(str(junk), tmp_path, "m")


# ------------------------------------------------------------- signatures


@pytest.mark.parametrize("name", sorted(KIND_OF))
def test_signatures_and_parity_of_each_kind(exports, name):
    result = exports[name]
    assert result.version == 1 and result.path == os.path.join(result.base, name, "1")
    got = {sig: (spec["inputs"], spec["outputs"]) for sig, spec in result.signatures.items()}
    assert got == EXPECTED_SIGNATURES[name]
    assert set(result.validation) == set(EXPECTED_SIGNATURES[name])
    for sig, diff in result.validation.items():
        # PNG outputs are compared as rounded pixels: at most one level off.
        assert diff <= (1 / 255 + 1e-6 if sig == "translate_bytes" else 1e-5), (sig, diff)
    assert not [entry for entry in os.listdir(os.path.dirname(result.path)) if entry.startswith(".tmp-")]


def test_noise_generate_is_per_seed_and_matches_keras(models, loaded):
    model, generate = models["dcgan"], loaded("dcgan").signatures["generate"]
    both = generate(seed=tf.constant([3, 5], tf.int64))
    again = generate(seed=tf.constant([5], tf.int64))
    # One latent per seed, whatever else is in the batch: the latents are bit-identical; the
    # images agree to float rounding (a batch of 2 and a batch of 1 run different conv kernels).
    np.testing.assert_array_equal(latents_for_seeds(model, [3, 5])[1:], latents_for_seeds(model, [5]))
    np.testing.assert_allclose(both["images"].numpy()[1:], again["images"].numpy(), atol=1e-6)
    expected = (model.generate(1, seed=5) + 1) / 2
    np.testing.assert_allclose(again["images"].numpy(), expected, atol=1e-5)
    np.testing.assert_allclose(
        latents_for_seeds(model, [3, 5])[1], model.sample_latents_for_seed(1, 5).numpy()[0], atol=0
    )
    pixels = _decode(both["images_bytes"])
    assert pixels.shape == (2, 16, 16, 1) and pixels.dtype == np.uint8
    assert np.abs(pixels / 255.0 - both["images"].numpy()).max() <= 0.5 / 255 + 1e-6


def test_labels_generate_matches_keras(models, loaded):
    model, generate = models["cgan"], loaded("cgan").signatures["generate"]
    out = generate(seed=tf.constant([7, 7], tf.int64), label=tf.constant([2, 9], tf.int32))["images"].numpy()
    for row, label in enumerate([2, 9]):
        expected = (model.generate(1, seed=7, labels=[label]) + 1) / 2
        np.testing.assert_allclose(out[row : row + 1], expected, atol=1e-5)
    assert np.abs(out[0] - out[1]).max() > 1e-4  # the label changes the image
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"label must be in \[0, 10\)"):
        generate(seed=tf.constant([1], tf.int64), label=tf.constant([10], tf.int32))


def test_categories_generate_uses_seed_codes_and_category(models, loaded):
    model, signatures = models["infogan"], loaded("infogan").signatures
    seeds, categories = [4, 4], [1, 6]
    out = signatures["generate"](
        seed=tf.constant(seeds, tf.int64), category=tf.constant(categories, tf.int32)
    )["images"].numpy()
    z = latents_for_seeds(model, seeds, categories)
    np.testing.assert_array_equal(z[:, model.noise_dim : model.noise_dim + 10].argmax(1), categories)
    np.testing.assert_array_equal(z[0, : model.noise_dim], z[1, : model.noise_dim])  # same seed, same noise
    direct = (np.asarray(model.generator(z, training=False)) + 1) / 2
    np.testing.assert_allclose(out, direct, atol=1e-5)
    via_z = signatures["serving_default"](z=tf.constant(z))["images"].numpy()
    np.testing.assert_allclose(out, via_z, atol=1e-6)
    with pytest.raises(ExportError, match="category per seed"):
        latents_for_seeds(model, seeds)


def test_points_generate_matches_keras(models, loaded):
    model, generate = models["gan"], loaded("gan").signatures["generate"]
    out = generate(seed=tf.constant([0, 9], tf.int64))
    assert set(out) == {"points"}
    np.testing.assert_allclose(out["points"].numpy()[1:], model.generate(1, seed=9), atol=1e-5)


def test_translate_bytes_resizes_and_encodes(models, loaded):
    signatures = loaded("pix2pix").signatures
    rng = np.random.default_rng(0)
    big_rgb = rng.integers(0, 256, (24, 20, 3), dtype=np.uint8)
    exact = rng.integers(0, 256, (16, 16, 1), dtype=np.uint8)
    out = signatures["translate_bytes"](image_bytes=tf.constant([_png(big_rgb), _png(exact)]))
    pixels = _decode(out["images_bytes"])
    assert pixels.shape == (2, 16, 16, 1)
    direct = signatures["serving_default"](image=tf.constant(exact[None] / 255.0, tf.float32))["images"]
    assert np.abs(pixels[1] / 255.0 - direct.numpy()[0]).max() <= 0.5 / 255 + 1e-5


def test_cyclegan_translate_ba_runs_the_other_generator(models, loaded):
    model, signatures = models["cyclegan"], loaded("cyclegan").signatures
    image = np.random.default_rng(1).uniform(0, 1, (2, 16, 16, 1)).astype("float32")
    out = signatures["translate_ba"](image=tf.constant(image))["images"].numpy()
    expected = (np.asarray(model.generator_ba(image * 2 - 1, training=False)) + 1) / 2
    np.testing.assert_allclose(out, expected, atol=1e-5)
    assert (
        np.abs(out - signatures["serving_default"](image=tf.constant(image))["images"].numpy()).max() > 1e-4
    )


def test_stargan_label_selects_the_domain(models, loaded):
    model, serve = models["stargan"], loaded("stargan").signatures["serving_default"]
    image = np.full((2, 16, 16, 1), 0.25, "float32")
    out = serve(image=tf.constant(image), label=tf.constant([0, 2], tf.int32))["images"].numpy()
    expected = model.translate(image * 2 - 1, domains=[0, 2])
    np.testing.assert_allclose(out, (expected + 1) / 2, atol=1e-5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="label must be in"):
        serve(image=tf.constant(image[:1]), label=tf.constant([3], tf.int32))


def test_saved_model_cli_lists_the_signatures(exports):
    path = exports["cgan"].path
    shown = subprocess.run(
        ["saved_model_cli", "show", "--dir", path, "--all"],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert shown.returncode == 0, shown.stderr[-2000:]
    described = describe_savedmodel(path)
    for sig, spec in described.items():
        assert f"signature_def['{sig}']" in shown.stdout
        for name in [*spec["inputs"], *spec["outputs"]]:
            assert f"['{name}'] tensor_info:" in shown.stdout
    assert "DT_INT64" in shown.stdout and "DT_STRING" in shown.stdout and "(-1, 8)" in shown.stdout


# ------------------------------------------------------- side files


def test_metadata_json(exports, models):
    with open(os.path.join(exports["cgan"].path, "assets.extra", "kerasgan_export.json")) as handle:
        meta = json.load(handle)
    assert meta["family"] == "cgan" and meta["kind"] == "labels"
    assert meta["latent_dim"] == LATENT and meta["num_classes"] == models["cgan"].num_classes
    assert meta["sample_shape"] == [16, 16, 1] and meta["value_range"] == [0.0, 1.0]
    assert meta["source"] == "in-memory" and meta["version"] == 1
    assert set(meta["signatures"]) == {"serving_default", "generate"}


@pytest.mark.parametrize("name", ["cgan", "stargan"])
def test_warmup_records_replay_through_the_model(exports, loaded, name):
    path = os.path.join(exports[name].path, "assets.extra", "tf_serving_warmup_requests")
    seen = set()
    for record in tf.data.TFRecordDataset(path):
        log = prediction_log_pb2.PredictionLog.FromString(record.numpy())
        request = log.predict_log.request
        assert request.model_spec.name == name
        inputs = {key: tf.make_ndarray(value) for key, value in request.inputs.items()}
        batch = len(next(iter(inputs.values())))
        outputs = loaded(name).signatures[request.model_spec.signature_name](
            **{key: tf.constant(value) for key, value in inputs.items()}
        )
        assert all(len(value) == batch for value in outputs.values())
        seen.add((request.model_spec.signature_name, batch))
    assert seen == {
        (sig, b) for sig in EXPECTED_SIGNATURES[name] for b in savedmodel_module.WARMUP_BATCH_SIZES
    }


def test_models_config_lists_every_model(exports, base):
    config = model_server_config_pb2.ModelServerConfig()
    text_format.Parse((base / "models.config").read_text(), config)
    entries = {entry.name: entry for entry in config.model_config_list.config}
    assert set(entries) == set(KIND_OF)
    for name, entry in entries.items():
        assert entry.base_path == os.path.join(str(base), name) and os.path.isabs(entry.base_path)
        assert entry.model_platform == "tensorflow"
        assert entry.model_version_policy.latest.num_versions == 1


def test_a_broken_models_config_is_reported_not_overwritten(tmp_path):
    from kerasgan.export.serving_files import update_models_config

    path = tmp_path / "models.config"
    path.write_text("model_config_list { config { nme: 'x' } }")
    with pytest.raises(ExportError, match=r"models.config: not a text-format ModelServerConfig"):
        update_models_config(str(tmp_path), "digits")
    assert path.read_text() == "model_config_list { config { nme: 'x' } }"


def test_batching_parameters_parse(exports, base):
    from kerasgan.serving import read_batching_parameters

    params = read_batching_parameters(base / "batching_parameters.txt")
    assert params.max_batch_size >= max(savedmodel_module.WARMUP_BATCH_SIZES)
    assert params.num_batch_threads >= 1 and params.batch_timeout_micros > 0


# ------------------------------------------------------------ versions


@pytest.fixture(scope="module")
def versioned(models, tmp_path_factory):
    """BASE with a models.config holding another model's entry and a policy for 'digits'."""
    base = tmp_path_factory.mktemp("versions")
    (base / "models.config").write_text(
        'model_config_list { config { name: "other" base_path: "/srv/other" model_platform: "tensorflow" }\n'
        ' config { name: "digits" base_path: "/old" model_platform: "tensorflow"\n'
        '   model_version_policy { specific { versions: 1 versions: 2 } } version_labels { key: "stable" value: 1 } } }\n'
    )
    first = export_savedmodel(models["dcgan"], base, "digits", warmup=False, batching=False)
    second = export_savedmodel(models["dcgan"], base, "digits", warmup=False, validate=False, batching=False)
    return base, first, second


def test_versions_count_up_and_config_is_merged(versioned):
    base, first, second = versioned
    assert (first.version, second.version) == (1, 2)
    assert os.path.isdir(second.path) and second.validation == {}
    assert not (base / "batching_parameters.txt").exists()
    assert not os.path.exists(os.path.join(first.path, "assets.extra", "tf_serving_warmup_requests"))
    config = model_server_config_pb2.ModelServerConfig()
    text_format.Parse((base / "models.config").read_text(), config)
    entries = {entry.name: entry for entry in config.model_config_list.config}
    assert entries["other"].base_path == "/srv/other"
    assert entries["digits"].base_path == str(base / "digits")
    assert list(entries["digits"].model_version_policy.specific.versions) == [1, 2]
    assert dict(entries["digits"].version_labels) == {"stable": 1}


def test_existing_and_bad_versions_are_refused(versioned, models):
    base, _, _ = versioned
    with pytest.raises(ExportError, match=r"digits/1 already exists.*--version.*omit"):
        export_savedmodel(models["dcgan"], base, "digits", version=1)
    for bad in (0, -3, 1.5, True):
        with pytest.raises(ExportError, match="positive integer"):
            export_savedmodel(models["dcgan"], base, "digits", version=bad)
    with pytest.raises(ExportError, match="model name"):
        export_savedmodel(models["dcgan"], base, "../escape")


def test_failed_export_leaves_no_folder(versioned, models, monkeypatch):
    base, _, _ = versioned

    def fail(*args, **kwargs):
        raise ExportError("forced validation failure")

    monkeypatch.setattr(savedmodel_module, "_validate", fail)
    with pytest.raises(ExportError, match="forced"):
        export_savedmodel(models["dcgan"], base, "digits", warmup=False, batching=False)
    assert sorted(os.listdir(base / "digits")) == ["1", "2"]


def test_failed_export_removes_the_model_folder_it_created(models, tmp_path, monkeypatch):
    """Issue 11 (8): a refused export (e.g. a non-finite model) left an empty BASE/NAME behind."""

    def fail(*args, **kwargs):
        raise ExportError("forced validation failure")

    monkeypatch.setattr(savedmodel_module, "_validate", fail)
    base = tmp_path / "new" / "base"
    with pytest.raises(ExportError, match="forced"):
        export_savedmodel(models["dcgan"], base, "fresh", warmup=False, batching=False)
    assert not (tmp_path / "new").exists()  # BASE/NAME and the BASE it made are gone
    (tmp_path / "kept").mkdir()
    (tmp_path / "kept" / "notes.txt").write_text("mine")
    with pytest.raises(ExportError, match="forced"):
        export_savedmodel(models["dcgan"], tmp_path / "kept", "fresh", warmup=False, batching=False)
    assert os.listdir(tmp_path / "kept") == ["notes.txt"]  # an existing BASE is kept


def test_interrupted_export_removes_the_model_folder_it_created(models, tmp_path, monkeypatch):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(savedmodel_module, "write_warmup_requests", interrupt)
    with pytest.raises(KeyboardInterrupt):
        export_savedmodel(models["dcgan"], tmp_path, "fresh", batching=False)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    "name, message",
    [
        ("a" * 300, "300 characters long; the limit is 200"),
        ("a" * 201, "201 characters long; the limit is 200"),
        ("123", "all digits"),
        (".hidden", "model name must be"),
        ("x/y", "model name must be"),
    ],
)
def test_bad_model_names_are_refused_before_any_work(models, tmp_path, name, message):
    """Issue 11 (8): a 300-character --name gave a raw OSError."""
    with pytest.raises(ExportError, match=message) as caught:
        export_savedmodel(models["dcgan"], tmp_path, name)
    assert len(str(caught.value).splitlines()) == 1 and len(str(caught.value)) < 300
    assert os.listdir(tmp_path) == []


def test_too_long_export_paths_are_refused(models, tmp_path):
    deep = tmp_path
    while len(os.fsencode(str(deep))) < 4000:
        deep = deep / ("d" * 200)
    with pytest.raises(ExportError, match=r"over the file system's limit of \d+: choose a shorter"):
        export_savedmodel(models["dcgan"], deep, "digits")
    assert os.listdir(tmp_path) == []


def test_read_only_base_is_one_line_error(models, tmp_path, monkeypatch):
    """A read-only BASE (simulated: the tests may run as root) is an ExportError, not an OSError."""

    def read_only(*args, dir=None, **kwargs):
        raise PermissionError(13, "Permission denied", dir)

    monkeypatch.setattr(savedmodel_module.tempfile, "mkdtemp", read_only)
    with pytest.raises(ExportError, match=r"cannot write .*Permission denied.*writable --base"):
        export_savedmodel(models["dcgan"], tmp_path, "digits")
    assert os.listdir(tmp_path) == []


def test_cli_long_name_is_one_line(saved_dcgan, tmp_path, capsys):
    argv = ["export", "savedmodel", str(saved_dcgan), "--base", str(tmp_path), "--name", "n" * 300]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("kerasgan: error:") and "limit is 200" in err and len(err.splitlines()) == 1
    assert os.listdir(tmp_path) == []


def test_validation_failure_reports_the_figures(versioned, models, monkeypatch):
    base, _, _ = versioned
    real = savedmodel_module._expected
    monkeypatch.setattr(savedmodel_module, "_expected", lambda *a, **k: real(*a, **k) + 0.01)
    with pytest.raises(ExportError, match=r"serving_default: max abs diff 0\.01 > 1e-05"):
        export_savedmodel(models["dcgan"], base, "digits", warmup=False, batching=False)
    assert sorted(os.listdir(base / "digits")) == ["1", "2"]


def test_mixed_float16_generator_exports_float32_signatures(policy, tmp_path):
    policy("mixed_float16")
    model = build("cgan")
    assert describe_generator(model).compute_dtype == "float16"
    result = export_savedmodel(model, tmp_path, "mixed", warmup=False)
    for spec in result.signatures.values():
        floats = [d for d, _ in {**spec["inputs"], **spec["outputs"]}.values() if d.startswith("float")]
        assert floats and set(floats) == {"float32"}
    tolerance, reason = savedmodel_module.tolerance_for("float16")
    assert "float16" in reason
    assert 0 < max(result.validation.values()) <= tolerance


# ------------------------------------------------------------------ CLI


@pytest.fixture(scope="module")
def saved_dcgan(models, tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "model.keras"
    models["dcgan"].save(path)
    return path


def test_cli_savedmodel(saved_dcgan, tmp_path, capsys):
    assert main(["export", "savedmodel", str(saved_dcgan), "--base", str(tmp_path), "--name", "d"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == str(tmp_path / "d" / "1")
    assert "generate" in out and "seed: int64[N]" in out and "images_bytes: string[N]" in out
    meta = json.loads((tmp_path / "d" / "1" / "assets.extra" / "kerasgan_export.json").read_text())
    assert meta["source"] == str(saved_dcgan)
    assert (tmp_path / "d" / "1" / "assets.extra" / "tf_serving_warmup_requests").is_file()

    args = [
        "export",
        "savedmodel",
        str(saved_dcgan),
        "--base",
        str(tmp_path),
        "--name",
        "d",
        "--version",
        "1",
    ]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()  # refused before any work: no progress line
    assert err.startswith("kerasgan: error:") and "already exists" in err and len(err.splitlines()) == 1
    assert sorted(os.listdir(tmp_path / "d")) == ["1"]


def _without_progress(err):
    """stderr without the progress lines (``kerasgan export onnx: [1/3] loading ...``)."""
    lines = err.strip().splitlines()
    return "\n".join(line for line in lines if not re.match(r"kerasgan export \w+: \[\d/\d\] ", line))


@pytest.mark.parametrize(
    "argv, message",
    [
        (["export"], "choose a format"),
        (["export", "savedmodel", "x.h5", "--base", "b", "--name", "n"], "not a .keras file"),
        (
            ["export", "savedmodel", "MODEL", "--base", "b", "--name", "n", "--version", "0"],
            "positive integer",
        ),
        (["export", "onnx", "MODEL", "-o", "OUT", "--opset", "3"], "opset 3 is not supported"),
        (["export", "onnx", "MODEL", "-o", "OUT", "--direction", "ba"], "--direction is for models with several generators"),
    ],
)
def test_cli_errors_are_one_line(argv, message, saved_dcgan, tmp_path, capsys):
    argv = [str(saved_dcgan) if a == "MODEL" else str(tmp_path / "g.onnx") if a == "OUT" else a for a in argv]
    assert main(argv) == 2
    err = _without_progress(capsys.readouterr().err)
    assert err.startswith("kerasgan: error:") and message in err and len(err.splitlines()) == 1
    assert not os.path.exists(tmp_path / "g.onnx")


def test_cli_onnx(saved_dcgan, tmp_path, capsys):
    out_path = tmp_path / "g.onnx"
    assert main(["export", "onnx", str(saved_dcgan), "-o", str(out_path), "--opset", "15"]) == 0
    out = capsys.readouterr().out
    assert out_path.is_file() and "opset 15" in out and "z: float32[N, 8]" in out
    assert "parity batch 1: max abs diff" in out and "parity batch 4" in out


# ------------------------------------------------------------------ ONNX


def _onnx_inputs(model, batch, rng):
    """Inputs named like serving_default for a test model, by the kind it declares."""
    info = describe_generator(model)
    if info.kind.startswith("translation"):
        inputs = {"image": rng.uniform(0, 1, (batch, *info.input_shape)).astype("float32")}
    else:
        inputs = {"z": rng.standard_normal((batch, info.latent_dim)).astype("float32")}
    if info.conditioned:
        inputs["label"] = (np.arange(batch) % info.num_classes).astype("int32")
    return inputs


def _keras_reference(model, inputs):
    """The Keras generator's output for serving_default inputs (images in [0, 1])."""
    info = describe_generator(model)
    names = [tensor.name for tensor in info.network.inputs]
    if "image" in inputs:
        feed = {"image": inputs["image"] * 2 - 1}
        if info.conditioned:
            feed[next(n for n in names if n != "image")] = inputs["label"]
    else:
        feed = {"z": inputs["z"]}
        if info.conditioned:
            feed["label"] = inputs["label"]
    raw = info.network(feed if len(names) > 1 else next(iter(feed.values())), training=False)
    raw = np.asarray(raw, dtype="float32")
    return raw if not info.is_image else (raw + 1) / 2


@pytest.fixture(scope="module")
def onnx_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("onnx")


@pytest.mark.parametrize("name", ["dcgan", "cgan", "infogan", "cyclegan", "stargan"])
def test_onnx_parity_and_names(models, exports, onnx_dir, name):
    import onnxruntime

    path = onnx_dir / f"{name}.onnx"
    result = export_onnx(models[name], path, batch_sizes=(1, 5))
    assert result.path == str(path) and path.is_file() and result.opset == 17
    assert set(result.per_batch) == {1, 5} and result.max_abs_diff <= 1e-4
    serving = exports[name].signatures["serving_default"]
    assert result.inputs == serving["inputs"] and list(result.outputs) == list(serving["outputs"])
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == list(EXPECTED_SIGNATURES[name]["serving_default"][0])
    rng = np.random.default_rng(3)
    for batch in (1, 6):
        inputs = _onnx_inputs(models[name], batch, rng)
        got = session.run(None, inputs)[0]
        np.testing.assert_allclose(got, _keras_reference(models[name], inputs), atol=1e-4)
    assert not [f for f in os.listdir(onnx_dir) if f.startswith(".tmp-")]


def test_onnx_graph_keeps_instance_norm_ops(onnx_dir, exports, models):
    import onnx

    if not (onnx_dir / "cyclegan.onnx").exists():
        export_onnx(models["cyclegan"], onnx_dir / "cyclegan.onnx")
    ops = {node.op_type for node in onnx.load(str(onnx_dir / "cyclegan.onnx")).graph.node}
    assert {"Conv", "ReduceMean", "Tanh"} <= ops  # group norm lowered to mean/variance ops


def test_onnx_with_client_latents_matches_savedmodel_generate(models, loaded, onnx_dir):
    import onnxruntime

    path = onnx_dir / "points.onnx"
    export_onnx(models["gan"], path)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    seeds = [11, 12, 13]
    onnx_points = session.run(["points"], {"z": latents_for_seeds(models["gan"], seeds)})[0]
    served = loaded("gan").signatures["generate"](seed=tf.constant(seeds, tf.int64))["points"].numpy()
    np.testing.assert_allclose(onnx_points, served, atol=1e-5)


def test_onnx_cyclegan_direction_ba(models, onnx_dir):
    result = export_onnx(models["cyclegan"], onnx_dir / "ba.onnx", batch_sizes=(2,), direction="ba")
    import onnxruntime

    image = np.random.default_rng(0).uniform(0, 1, (2, 16, 16, 1)).astype("float32")
    got = onnxruntime.InferenceSession(result.path).run(None, {"image": image})[0]
    expected = (np.asarray(models["cyclegan"].generator_ba(image * 2 - 1, training=False)) + 1) / 2
    np.testing.assert_allclose(got, expected, atol=1e-4)
    with pytest.raises(ExportError, match="direction must be"):
        export_onnx(models["cyclegan"], onnx_dir / "x.onnx", direction="ac")


def test_onnx_parity_failure_leaves_no_file(models, tmp_path, monkeypatch):
    real = onnx_module.convert_function

    def perturbed(fn, specs, opset, output_path):
        return real(
            lambda *args: {key: value + 0.01 for key, value in fn(*args).items()}, specs, opset, output_path
        )

    monkeypatch.setattr(onnx_module, "convert_function", perturbed)
    with pytest.raises(ExportError, match=r"atol=0\.0001 \(batch 1: 0\.01, batch 4: 0\.01\)"):
        export_onnx(models["dcgan"], tmp_path / "bad.onnx")
    assert os.listdir(tmp_path) == []


def test_onnx_interrupted_or_failed_conversion_leaves_no_file(models, tmp_path, monkeypatch):
    def interrupt(fn, specs, opset, output_path):
        with open(output_path, "wb") as handle:
            handle.write(b"partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(onnx_module, "convert_function", interrupt)
    with pytest.raises(KeyboardInterrupt):
        export_onnx(models["dcgan"], tmp_path / "g.onnx")
    assert os.listdir(tmp_path) == []

    def fail_to_write(fn, specs, opset, output_path):
        raise OSError(28, "No space left on device", output_path)

    monkeypatch.setattr(onnx_module, "convert_function", fail_to_write)
    with pytest.raises(ExportError, match=r"cannot write .*g\.onnx: No space left on device.*free disk space"):
        export_onnx(models["dcgan"], tmp_path / "g.onnx")
    assert os.listdir(tmp_path) == []


def test_onnx_too_long_file_name_is_refused(models, tmp_path):
    with pytest.raises(ExportError, match=r"file name is 300 bytes long; the file system.s limit is 255"):
        export_onnx(models["dcgan"], tmp_path / ("g" * 295 + ".onnx"))
    assert os.listdir(tmp_path) == []


def test_onnx_unsupported_op_is_an_error(tmp_path):
    specs = [tf.TensorSpec((None, 4), tf.float32, name="z")]
    with pytest.raises(ExportError, match="BesselI0e"):
        onnx_module.convert_function(
            lambda z: {"images": tf.math.bessel_i0e(z)}, specs, 17, str(tmp_path / "x.onnx")
        )
    assert os.listdir(tmp_path) == []


def test_onnx_bad_arguments(models, tmp_path):
    for opset in (5, 99, "17"):
        with pytest.raises(ExportError, match="is not supported"):
            export_onnx(models["dcgan"], tmp_path / "g.onnx", opset=opset)
    with pytest.raises(ExportError, match="does not exist"):
        export_onnx(models["dcgan"], tmp_path / "missing" / "g.onnx")
    with pytest.raises(ExportError, match="--direction is for models with several generators"):
        export_onnx(models["dcgan"], tmp_path / "g.onnx", direction="ab")
    with pytest.raises(ExportError, match="takes images"):
        latents_for_seeds(models["pix2pix"], [0])
    assert os.listdir(tmp_path) == []
