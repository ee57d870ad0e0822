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
