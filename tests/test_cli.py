"""Tests for the ``kerasgan`` command line (in-process ``main``, plus subprocesses where a
fresh interpreter matters: ``python -m kerasgan`` and ``--plugin``)."""

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from kerasgan import data, families, plotting, training
from kerasgan.cli import main
from kerasgan.errors import ConfigError

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Tiny runs: 512 points per epoch, 4 steps of 128; no generator average (the 2-D recipe's
# would warn that a 4-step run leaves it dominated by the initial weights).
FAST = ["--epoch-size", "512", "--batch-size", "128", "--ema-momentum", "0", "--verbose", "0"]


def _train(out, *extra):
    return main(["train", "--out", str(out), *FAST, *extra])


@pytest.fixture(scope="module")
def ring_run(tmp_path_factory):
    """One epoch of GAN on ring8 through the CLI, XLA on (the default)."""
    out = tmp_path_factory.mktemp("cli") / "ring8"
    assert _train(out, "--family", "gan", "--data", "ring8", "--epochs", "1") == 0
    return out


def test_train_writes_the_run_folder(ring_run):
    for name in ("model.keras", "samples.png", "config.yaml", "metrics.json"):
        assert (ring_run / name).is_file(), name
    assert (ring_run / "checkpoints" / "last.keras").is_file()
    state = json.loads((ring_run / "checkpoints" / "state.json").read_text())
    assert state["epoch"] == 1
    assert state["config"]["family"] == "gan"
    assert set(state["history"]) >= {"d_loss", "g_loss"}
    assert (ring_run / "samples" / "epoch_001.png").is_file()
    events = [f for _, _, files in os.walk(ring_run / "logs") for f in files]
    assert any(f.startswith("events.out.tfevents") for f in events)
    with Image.open(ring_run / "samples.png") as image:
        assert image.format == "PNG"
        assert image.size == (512, 512)
    metrics = json.loads((ring_run / "metrics.json").read_text())
    assert metrics["num_modes"] == 8
    assert 0 <= metrics["modes"] <= 8
    # No temporary files left behind by the atomic writes.
    leftovers = [f for _, _, files in os.walk(ring_run) for f in files if ".tmp" in f]
    assert leftovers == []


def test_sample_writes_a_grid_with_n_tiles(tmp_path, capsys):
    out = tmp_path / "digits"
    assert _train(out, "--family", "gan", "--data", "digits", "--epochs", "1", "--no-jit",
                  "--epoch-size", "128", "--batch-size", "64") == 0
    png = tmp_path / "grid.png"
    argv = ["sample", str(out / "model.keras"), "-n", "10", "-o", str(png), "--seed", "1"]
    assert main(argv) == 0
    layout = plotting.grid_layout(10, 16, 16)
    assert layout["cols"] * layout["rows"] >= 10 > (layout["rows"] - 1) * layout["cols"]
    with Image.open(png) as image:
        assert image.size == (layout["width"], layout["height"])
    assert "Wrote 10 samples" in capsys.readouterr().out
    # The final run picture is a grid of 64 digits.
    with Image.open(out / "samples.png") as image:
        full = plotting.grid_layout(64, 16, 16)
        assert image.size == (full["width"], full["height"])


def test_sample_of_a_points_model_is_a_scatter(ring_run, tmp_path):
    png = tmp_path / "points.png"
    assert main(["sample", str(ring_run / "model.keras"), "-n", "300", "-o", str(png)]) == 0
    with Image.open(png) as image:
        assert image.size == (512, 512)


def test_resume_continues_from_the_saved_epoch(ring_run, tmp_path):
    out = tmp_path / "resumed"
    shutil.copytree(ring_run, out)
    before = sorted(os.listdir(out / "samples"))
    # Only --out, --resume and the new total: the rest comes from the checkpoint.
    assert main(["train", "--out", str(out), "--resume", "--epochs", "2", "--verbose", "0"]) == 0
    state = json.loads((out / "checkpoints" / "state.json").read_text())
    assert state["epoch"] == 2
    assert len(state["history"]["d_loss"]) == 2  # epoch 1 from before, epoch 2 now
    assert before == ["epoch_001.png"]
    assert sorted(os.listdir(out / "samples")) == ["epoch_001.png", "epoch_002.png"]


def test_resume_with_a_different_family_is_an_error(ring_run, tmp_path, capsys):
    out = tmp_path / "other"
    shutil.copytree(ring_run, out)
    code = main(["train", "--out", str(out), "--resume", "--epochs", "2", "--family", "lsgan"])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("kerasgan: error:") and "family" in err and "lsgan" in err
    assert json.loads((out / "checkpoints" / "state.json").read_text())["epoch"] == 1


def test_resume_without_checkpoint_is_an_error(tmp_path, capsys):
    assert _train(tmp_path / "empty", "--family", "gan", "--data", "ring8", "--resume") == 2
    assert "no checkpoint" in capsys.readouterr().err


def test_fresh_run_over_a_checkpoint_needs_overwrite(ring_run, tmp_path, capsys):
    out = tmp_path / "again"
    shutil.copytree(ring_run, out)
    assert _train(out, "--family", "gan", "--data", "ring8", "--epochs", "1") == 2
    assert "--resume" in capsys.readouterr().err


@pytest.mark.parametrize(
    "flags, expected",
    [
        (
            ["--family", "wgangp", "--data", "ring8"],
            ["wgan_gp", "Valid families", *families.names()],
        ),
        (["--family", "gan", "--data", "ring9"], ["ring8", "grid25", "digits"]),
        (["--family", "gan", "--data", "ring8", "--epochs", "0"], ["--epochs"]),
        (["--family", "gan", "--data", "ring8", "--mixed-precision", "fp8"], ["mixed_bfloat16"]),
        (["--family", "gan"], ["--data"]),
        (
            ["--family", "pix2pix", "--data", "digits"],
            [
                (
                    "pix2pix needs a paired data set (digits-edges, digits-inverse, pairs:PATH); "
                    "digits is image"
                )
            ],
        ),
        (
            ["--family", "cyclegan", "--data", "digits-edges"],
            ["unpaired", "digits-edges is paired"],
        ),
        (["--family", "stargan", "--data", "ring8"], ["digits-domains", "ring8 is points"]),
        (["--family", "gan", "--data", "digits-inverse"], ["images or 2-D points", "paired"]),
    ],
)
def test_user_errors_are_one_line_and_exit_2(tmp_path, capsys, flags, expected):
    assert main(["train", "--out", str(tmp_path / "x"), *flags]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kerasgan: error:")
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    for text in expected:
        assert text in err
    assert not (tmp_path / "x" / "checkpoints").exists()


def test_unknown_yaml_key_names_the_file_and_valid_keys(tmp_path, capsys):
    config = tmp_path / "run.yaml"
    config.write_text("family: gan\ndata: ring8\nbatch-size: 32\n")
    assert main(["train", "--config", str(config), "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert str(config) in err and "'batch-size'" in err and "Did you mean 'batch_size'" in err
    assert "Valid keys: family, data, epochs" in err


def test_missing_model_and_config_files(tmp_path, capsys):
    assert main(["sample", str(tmp_path / "none.keras"), "-o", str(tmp_path / "a.png")]) == 2
    assert "not found" in capsys.readouterr().err
    assert main(["train", "--config", str(tmp_path / "none.yaml"), "--out", str(tmp_path)]) == 2
    assert "not found" in capsys.readouterr().err


def test_flags_override_the_yaml(tmp_path):
    config = tmp_path / "run.yaml"
    config.write_text(
        "family: lsgan\ndata: ring8\nepochs: 5\nseed: 3\njit_compile: false\n"
        "family_kwargs: {}\n"
    )
    out = tmp_path / "run"
    assert _train(out, "--config", str(config), "--epochs", "1", "--family", "gan",
                  "--family-arg", "loss=minimax", "--sample-every", "0") == 0
    import yaml

    saved = yaml.safe_load((out / "config.yaml").read_text())
    assert saved["family"] == "gan" and saved["epochs"] == 1 and saved["seed"] == 3
    assert saved["jit_compile"] is False and saved["family_kwargs"] == {"loss": "minimax"}
    assert not (out / "samples").exists()
    # The written config.yaml re-runs as a --config file.
    rerun = tmp_path / "rerun"
    assert _train(rerun, "--config", str(out / "config.yaml"), "--sample-every", "0") == 0


def test_help_exits_0(capsys):
    assert main(["--help"]) == 0
    assert "train" in capsys.readouterr().out
    assert main(["train", "--help"]) == 0
    assert "--resume" in capsys.readouterr().out


def test_python_dash_m_kerasgan_help():
    env = dict(os.environ, PYTHONPATH=REPO_ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(
        [sys.executable, "-m", "kerasgan", "--help"],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "usage: kerasgan" in proc.stdout
    for command in ("train", "sample"):
        assert command in proc.stdout


# ----------------------------------------------------------- every family

# One tiny epoch of each family on a digits-derived set (no XLA: compiling would
# cost more than the epoch).
TINY = ["--epochs", "1", "--epoch-size", "64", "--batch-size", "16", "--image-size", "16",
        "--no-jit", "--verbose", "0"]
#: A data set of each kind that ships (2-D points last: the pictures of images are checked).
#: Images: digits in 3 labelled domains (original, inverted, rotated), so that label- and
#: domain-conditional families get 3 classes, not 10 (StarGAN's step grows with them).
DATA_OF_KIND = {"image": "digits-domains", "paired": "digits-edges", "unpaired": "digits-rotated",
                "adapt": "digits-adapt-inverse", "points": "ring8"}


def data_for(family):
    """The first shipped data set of a kind the family declares, that the family accepts."""
    cls = families.get(family)
    for kind in sorted(cls.data_kinds, key=list(DATA_OF_KIND).index):
        try:
            cls.check_data(data.spec(DATA_OF_KIND[kind], image_size=16))
        except ConfigError:
            continue
        return DATA_OF_KIND[kind]
    raise AssertionError(f"{family} accepts none of {sorted(DATA_OF_KIND.values())}")


@pytest.fixture(scope="module")
def family_runs(tmp_path_factory):
    """``get(family)``: the run folder of one tiny epoch of that family (trained once)."""
    root = tmp_path_factory.mktemp("families")
    done = {}

    def get(family):
        if family not in done:
            out = root / family
            code = main(["train", "--family", family, "--data", data_for(family),
                         "--out", str(out), *TINY])
            assert code == 0, family
            done[family] = out
        return done[family]

    return get


def _png_size(path):
    with Image.open(path) as image:
        assert image.format == "PNG"
        return image.size


def _grid_size(n, nrow=None):
    layout = plotting.grid_layout(n, 16, 16, nrow=nrow)
    return layout["width"], layout["height"]


def _groups_size(n, per_group, groups_per_row=None):
    layout = plotting.group_layout(n, per_group, 16, 16, groups_per_row=groups_per_row)
    return layout["width"], layout["height"]


def _picture_size(picture):
    """The PNG size of a picture, from its layout (16 px images; a scatter is 512 px)."""
    if picture.layout == "scatter":
        return (512, 512)
    if picture.layout == "grid":
        return _grid_size(len(picture.samples), nrow=picture.nrow)
    first = picture.samples[0]
    n = sum(len(part) for part in first) if isinstance(first, list) else len(first)
    return _groups_size(n, len(picture.samples))


def _one_family_per_serving_kind():
    """A family of each kind of generator (the one with the fewest networks), so every
    picture layout and sampling path goes through the CLI; each family's own training is
    checked by the harness (tests/test_families.py)."""
    chosen = {}
    for name in sorted(families.names(), key=lambda n: (len(families.get(n).generator_keys), n)):
        model, _ = families.get(name).build_tiny()
        chosen.setdefault(model.serving_kind, name)
    return sorted(chosen.values())


@pytest.mark.parametrize("family", _one_family_per_serving_kind())
def test_every_family_trains_one_epoch_through_the_cli(family_runs, family, tmp_path):
    out = family_runs(family)
    state = json.loads((out / "checkpoints" / "state.json").read_text())
    assert state["config"]["family"] == family and state["epoch"] == 1
    assert set(state["history"]) >= {"d_loss", "g_loss"}
    assert (out / "metrics.json").exists() == (data_for(family) == "ring8")

    # samples.png is the family's picture of the saved model: same layout, same pixels.
    config = training.TrainConfig.from_yaml(out / "config.yaml")
    spec = config.data_spec()
    model = training.load_model_file(str(out / "model.keras"))
    assert families.name_of(model) == family
    picture = model.sample_picture(
        config.seed + training.SAMPLE_SEED_OFFSET, preview=training.preview_batch(config, spec)
    )
    assert _png_size(out / "samples.png") == _picture_size(picture)
    assert _png_size(out / "samples" / "epoch_001.png") == _picture_size(picture)
    if model.sampling == "noise":  # (a preview batch's reproducibility: test_training.py)
        training.draw_picture(picture, tmp_path / "again.png",
                              centers=training.pictures.mixture_centers(spec.name))
        with Image.open(out / "samples.png") as saved, Image.open(tmp_path / "again.png") as again:
            np.testing.assert_array_equal(np.asarray(saved), np.asarray(again))

    # What the picture shows, by what the family declares.
    counts = [v for v in model.conditions().values() if isinstance(v, int)]
    if model.sampling == "translation":
        assert picture.layout == "groups"
        assert len(picture.samples) >= 2  # input, then output(s)
    elif counts:  # a row of 8 per class / category (at most 20 rows)
        assert picture.layout == "grid" and picture.nrow == 8
        assert len(picture.samples) == 8 * min(counts[0], 20)
    else:
        assert picture.layout == ("scatter" if spec.kind == "points" else "grid")


def test_sample_labels_round_trip_and_errors(family_runs, ring_run, tmp_path, capsys):
    model = str(family_runs("cgan") / "model.keras")  # 3 classes (digits-domains)
    png = tmp_path / "labels.png"
    assert main(["sample", model, "--labels", "0,1,2", "-n", "6", "-o", str(png)]) == 0
    assert "Wrote 6 samples" in capsys.readouterr().out
    assert _png_size(png) == _grid_size(6, nrow=2)  # one row per label
    # A label outside 0..2, a non-integer, --labels on a model without labels, --input.
    cases = [
        (["sample", model, "--labels", "1,3,10", "-o", str(png)],
         ["--labels 3,10: out of range", "3 labels (0..2)"]),
        (["sample", model, "--labels", "one", "-o", str(png)], ["--labels", "integers"]),
        (["sample", str(ring_run / "model.keras"), "--labels", "1", "-o", str(png)],
         ["--labels does not apply to", "(GAN)", "the sampling flags it takes: none"]),
        (["sample", model, "--input", str(tmp_path), "-o", str(png)],
         ["--input needs an image-to-image model", "samples from noise"]),
        (["sample", model, "--categories", "1", "-o", str(png)],
         ["--categories does not apply to", "the sampling flags it takes: --labels"]),
    ]
    for argv, expected in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("kerasgan: error:") and len(err.strip().splitlines()) == 1
        for text in expected:
            assert text in err, (argv, err)
    assert not png.exists() or _png_size(png) == _grid_size(6, nrow=2)


def test_sample_infogan_categories(family_runs, tmp_path):
    png = tmp_path / "categories.png"
    model = str(family_runs("infogan") / "model.keras")
    argv = ["sample", model, "--categories", "4,7", "-o", str(png)]  # 10 categories
    assert main(argv) == 0
    assert _png_size(png) == _grid_size(16, nrow=8)  # 8 per category row by default


@pytest.fixture(scope="module")
def input_folder(tmp_path_factory):
    """Three 24x24 RGB digit pictures: resized and made grey by sample --input."""
    from kerasgan.data import images

    folder = tmp_path_factory.mktemp("inputs")
    x, _ = images.digits_images("test", 24, 3)
    for i in range(3):
        Image.fromarray(((x[i] + 1) * 127.5).astype("uint8")).save(folder / f"digit_{i}.png")
    return folder


@pytest.mark.parametrize(
    "family, flags, per_group, takes",
    [
        ("pix2pix", [], 2, "none"),
        ("cyclegan", ["--direction", "ba"], 2, "--direction"),
        ("stargan", ["--domains", "0,2"], 3, "--domains"),
    ],
)
def test_sample_input_translates_a_folder(family_runs, input_folder, tmp_path, capsys, family,
                                          flags, per_group, takes):
    png = tmp_path / "translated.png"
    if family in _one_family_per_serving_kind():
        model = str(family_runs(family) / "model.keras")
    else:  # no CLI run of its own (CycleGAN's default nets take a minute): its tiny model
        model = str(tmp_path / f"{family}.keras")
        families.get(family).build_tiny(seed=0)[0].save(model)
    argv = ["sample", model, "--input", str(input_folder), "-o", str(png), *flags]
    assert main(argv) == 0
    assert "Translated 3 images" in capsys.readouterr().out
    assert _png_size(png) == _groups_size(3, per_group)
    # A translation model needs --input; flags it does not take are refused, naming those it does.
    for argv, texts in [
        (["sample", model, "-o", str(png)], ["--input DIR"]),
        (["sample", model, "--input", str(input_folder), "--labels", "1", "-o", str(png)],
         ["--labels does not apply to", f"the sampling flags it takes: {takes}."]),
    ]:
        assert main(argv) == 2
        err = capsys.readouterr().err
        for text in texts:
            assert text in err, (argv, err)
    if family == "stargan":
        domains = training.load_model_file(model).conditions()["domains"]
        argv = ["sample", model, "--input", str(input_folder), "--domains", str(domains),
                "-o", str(png)]
        assert main(argv) == 2
        assert f"--domains {domains}: out of range" in capsys.readouterr().err
    if family == "pix2pix":
        argv = ["sample", model, "--input", str(input_folder), "--direction", "ab", "-o", str(png)]
        assert main(argv) == 2
        assert "--direction does not apply to" in capsys.readouterr().err


# ------------------------------------------------------------------ plugins

#: A family written outside kerasgan: the relativistic average GAN, in one file.
PLUGIN = """
from keras import ops

import kerasgan
from kerasgan.core import replica_mean


@kerasgan.families.register("tiny_ragan")
class TinyRaGAN(kerasgan.GAN):
    def _relativistic(self, real, fake, training):
        real_logits = ops.reshape(ops.cast(self.discriminator(real, training=training), "float32"), (-1,))
        fake_logits = ops.reshape(ops.cast(self.discriminator(fake, training=training), "float32"), (-1,))
        return real_logits - ops.mean(fake_logits), fake_logits - ops.mean(real_logits)

    def discriminator_terms(self, batch, draw, training=True):
        fake = ops.stop_gradient(self.generator(self.latents_for(batch, draw), training=training))
        real, fake = self._relativistic(batch["real"], fake, training)
        return {"d_loss": replica_mean(ops.softplus(-real) + ops.softplus(fake))}

    def generator_terms(self, batch, training=True):
        fake = self.generator(self.latents_for(batch, self.d_steps), training=training)
        real, fake = self._relativistic(batch["real"], fake, training)
        return {"g_loss": replica_mean(ops.softplus(real) + ops.softplus(-fake))}
"""

# Runs in a fresh interpreter: a plugin registers its family for the rest of the process.
_PLUGIN_SESSION = r"""
import contextlib, io, json, sys
import keras
from kerasgan import families
from kerasgan.cli import main

plugin, out = sys.argv[1], sys.argv[2]
codes = {}
help_text = io.StringIO()
with contextlib.redirect_stdout(help_text):
    codes["help"] = main(["train", "--plugin", plugin, "--help"])
codes["train"] = main(["train", "--plugin", plugin, "--family", "tiny_ragan", "--data", "ring8",
                       "--out", out + "/run", "--epochs", "1", "--epoch-size", "512",
                       "--ema-momentum", "0", "--verbose", "0"])
model_path = out + "/run/model.keras"
codes["sample"] = main(["sample", model_path, "-n", "100", "-o", out + "/sample.png",
                        "--plugin", plugin])
codes["savedmodel"] = main(["export", "savedmodel", model_path, "--base", out + "/serving",
                            "--name", "ragan", "--no-warmup", "--plugin", plugin])
codes["onnx"] = main(["export", "onnx", model_path, "-o", out + "/ragan.onnx", "--plugin", plugin])
model = keras.models.load_model(model_path)
print("RESULT " + json.dumps({
    "codes": codes,
    "help_lists_family": "tiny_ragan" in help_text.getvalue(),
    "family": families.name_of(model),
    "class": type(model).__name__,
    "generated": list(model.generate(4, seed=0).shape),
}))
"""


def test_plugin_family_trains_samples_and_exports_through_the_cli(tmp_path, capsys):
    plugin = tmp_path / "tiny_ragan.py"
    plugin.write_text(PLUGIN)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2",
               PYTHONPATH=REPO_ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", _PLUGIN_SESSION, str(plugin), str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(line for line in proc.stdout.splitlines() if line.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])
    assert result["codes"] == {"help": 0, "train": 0, "sample": 0, "savedmodel": 0, "onnx": 0}
    assert result["help_lists_family"]
    assert result["family"] == "tiny_ragan" and result["class"] == "TinyRaGAN"
    assert result["generated"] == [4, 2]

    run = tmp_path / "run"
    state = json.loads((run / "checkpoints" / "state.json").read_text())
    assert state["config"]["family"] == "tiny_ragan" and state["epoch"] == 1
    assert set(state["history"]) >= {"d_loss", "g_loss"}
    assert (run / "metrics.json").is_file()
    assert _png_size(tmp_path / "sample.png") == (512, 512)  # a scatter of 2-D points
    meta = json.loads((tmp_path / "serving" / "ragan" / "1" / "assets.extra"
                       / "kerasgan_export.json").read_text())
    assert meta["family"] == "tiny_ragan" and meta["kind"] == "points"
    assert (tmp_path / "ragan.onnx").is_file()

    # This process never imported the plugin: the saved model needs --plugin to load.
    assert "tiny_ragan" not in families.names()
    assert main(["sample", str(run / "model.keras"), "-o", str(tmp_path / "x.png")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kerasgan: error:") and len(err.strip().splitlines()) == 1
    assert "--plugin" in err
    assert not (tmp_path / "x.png").exists()


def test_plugin_errors_are_one_line(tmp_path, capsys):
    broken = tmp_path / "broken_family.py"
    broken.write_text("import kerasgan\nraise RuntimeError('boom at import')\n")
    cases = [
        (["train", "--plugin", str(tmp_path / "missing.py"), "--family", "gan", "--data",
          "ring8", "--out", str(tmp_path / "x")], ["--plugin", "missing.py", "not found"]),
        (["train", "--plugin", str(broken), "--family", "gan", "--data", "ring8",
          "--out", str(tmp_path / "x")], ["could not import the plugin", "boom at import"]),
        (["sample", str(tmp_path / "m.keras"), "--plugin", "no_such_module_xyz"],
         ["could not import the plugin", "no_such_module_xyz"]),
        (["train", "--family", "tiny_ragan", "--data", "ring8", "--out", str(tmp_path / "x")],
         ["Unknown GAN family 'tiny_ragan'", "--plugin"]),
    ]
    for argv, expected in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("kerasgan: error:") and len(err.strip().splitlines()) == 1, err
        for text in expected:
            assert text in err, (argv, err)
    assert not (tmp_path / "x").exists()
