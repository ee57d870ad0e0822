"""Tests for the ``kerasgan`` command line (in-process ``main`` plus one subprocess)."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from PIL import Image

from kerasgan import families, plotting
from kerasgan.cli import main

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Tiny runs: 512 points per epoch, 4 steps of 128.
FAST = ["--epoch-size", "512", "--batch-size", "128", "--verbose", "0"]


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


# ------------------------------------------------- conditional and image-to-image

# One tiny epoch on each family's digits-derived set (no XLA: compiling would
# cost more than the epoch).
TINY = ["--epochs", "1", "--epoch-size", "64", "--batch-size", "16", "--image-size", "16",
        "--no-jit", "--verbose", "0"]
NEW_FAMILIES = {
    "cgan": "digits",
    "acgan": "digits",
    "infogan": "digits",
    "pix2pix": "digits-edges",
    "cyclegan": "digits-rotated",
    "stargan": "digits-domains",
}


@pytest.fixture(scope="module")
def new_runs(tmp_path_factory):
    """``get(family)``: the run folder of one tiny epoch of that family (trained once)."""
    root = tmp_path_factory.mktemp("families")
    done = {}

    def get(family):
        if family not in done:
            out = root / family
            code = main(["train", "--family", family, "--data", NEW_FAMILIES[family],
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


# What samples.png shows: one row of 8 per class / category, or groups of
# [input | output ...] for 8 fixed examples of the data set.
EXPECTED_PICTURE = {
    "cgan": _grid_size(80, nrow=8),  # 10 digit classes
    "acgan": _grid_size(80, nrow=8),
    "infogan": _grid_size(80, nrow=8),  # 10 categories
    "pix2pix": _groups_size(8, 3),  # input, output, target
    "cyclegan": _groups_size(16, 2),  # a -> G_ab(a), then b -> G_ba(b)
    "stargan": _groups_size(8, 4),  # input, then each of the 3 domains
}


@pytest.mark.parametrize("family", sorted(NEW_FAMILIES))
def test_new_family_trains_one_epoch_through_the_cli(new_runs, family):
    out = new_runs(family)
    assert (out / "model.keras").is_file()
    assert (out / "checkpoints" / "state.json").is_file()
    assert not (out / "metrics.json").exists()
    assert _png_size(out / "samples.png") == EXPECTED_PICTURE[family]
    assert _png_size(out / "samples" / "epoch_001.png") == EXPECTED_PICTURE[family]
    state = json.loads((out / "checkpoints" / "state.json").read_text())
    assert state["config"]["family"] == family and state["epoch"] == 1


def test_sample_labels_round_trip_and_errors(new_runs, ring_run, tmp_path, capsys):
    model = str(new_runs("cgan") / "model.keras")
    png = tmp_path / "labels.png"
    assert main(["sample", model, "--labels", "0,1,2", "-n", "6", "-o", str(png)]) == 0
    assert "Wrote 6 samples" in capsys.readouterr().out
    assert _png_size(png) == _grid_size(6, nrow=2)  # one row per label
    # A label outside 0..9, a non-integer, --labels on a model without labels.
    cases = [
        (["sample", model, "--labels", "3,10", "-o", str(png)], ["--labels 10", "0..9"]),
        (["sample", model, "--labels", "one", "-o", str(png)], ["--labels", "integers"]),
        (["sample", str(ring_run / "model.keras"), "--labels", "1", "-o", str(png)],
         ["label-conditional", "cgan, acgan"]),
        (["sample", model, "--input", str(tmp_path), "-o", str(png)],
         ["--input", "pix2pix, cyclegan, stargan", "samples from noise"]),
    ]
    for argv, expected in cases:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.startswith("kerasgan: error:") and len(err.strip().splitlines()) == 1
        for text in expected:
            assert text in err, (argv, err)


def test_sample_infogan_categories(new_runs, tmp_path):
    png = tmp_path / "categories.png"
    model = str(new_runs("infogan") / "model.keras")
    argv = ["sample", model, "--categories", "4,7", "-o", str(png)]
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
    "family, flags, per_group",
    [
        ("pix2pix", [], 2),
        ("cyclegan", ["--direction", "ba"], 2),
        ("stargan", ["--domains", "0,2"], 3),
    ],
)
def test_sample_input_translates_a_folder(new_runs, input_folder, tmp_path, capsys, family, flags,
                                          per_group):
    png = tmp_path / "translated.png"
    model = str(new_runs(family) / "model.keras")
    argv = ["sample", model, "--input", str(input_folder), "-o", str(png), *flags]
    assert main(argv) == 0
    assert "Translated 3 images" in capsys.readouterr().out
    assert _png_size(png) == _groups_size(3, per_group)
    # A translation model needs --input; flags of other families are refused.
    for argv, text in [
        (["sample", model, "-o", str(png)], "--input DIR"),
        (["sample", model, "--input", str(input_folder), "--labels", "1", "-o", str(png)],
         "label-conditional"),
    ]:
        assert main(argv) == 2
        assert text in capsys.readouterr().err
    if family == "stargan":
        argv = ["sample", model, "--input", str(input_folder), "--domains", "3", "-o", str(png)]
        assert main(argv) == 2
        assert "--domains 3" in capsys.readouterr().err
    if family == "pix2pix":
        argv = ["sample", model, "--input", str(input_folder), "--direction", "ab", "-o", str(png)]
        assert main(argv) == 2
        assert "cyclegan" in capsys.readouterr().err
