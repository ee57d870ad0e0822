"""What the long commands show while they work: export steps, eval and fetch progress, the
server's version loads and unloads; the ONNX batch dimension's name; 2-D samples drawn like
the training run's pictures."""

import re

import numpy as np
import pytest
from PIL import Image

from kerasgan import data, families
from kerasgan.cli import main


@pytest.fixture(scope="module")
def saved_ring(tmp_path_factory):
    """A ring8 GAN (untrained, default nets) saved as RUN/model.keras, without a run config."""
    run = tmp_path_factory.mktemp("progress") / "run"
    run.mkdir()
    model = families.get("gan").build_for_data(data.spec("ring8"), latent_dim=4, seed=0)
    path = run / "model.keras"
    model.save(path)
    return path


def test_export_reports_its_steps_the_server_logs_versions_onnx_names_the_batch(
    saved_ring, tmp_path, capsys
):
    import onnx

    from kerasgan.serving import command
    from kerasgan.serving.repository import ModelRepository

    base, onnx_path = tmp_path / "base", tmp_path / "ring.onnx"
    assert main(["export", "savedmodel", str(saved_ring), "--base", str(base), "--name", "ring"]) == 0
    err = capsys.readouterr().err
    steps = re.findall(r"^kerasgan export savedmodel: \[(\d)/5\] (.+?)  \(", err, re.M)
    assert [int(n) for n, _ in steps] == [1, 2, 3, 4, 5], err
    assert steps[0][1].startswith("loading ") and "models.config" in steps[4][1]

    # The repository of the server (what loads and unloads versions), without its ports.
    with command._log_to_stderr():
        ModelRepository(base, poll_seconds=0).start().stop()
    err = capsys.readouterr().err
    assert re.search(r"kerasgan serve: model ring version 1: loading .*ring.1", err), err
    assert re.search(r"kerasgan serve: model ring version 1 is available \(loaded in", err), err
    assert "kerasgan serve: model ring version 1 unloaded" in err

    assert main(["export", "onnx", str(saved_ring), "-o", str(onnx_path)]) == 0
    err = capsys.readouterr().err
    steps = re.findall(r"^kerasgan export onnx: \[(\d)/3\] (.+?)  \(", err, re.M)
    assert [int(n) for n, _ in steps] == [1, 2, 3], err
    assert "tf2onnx (opset 17)" in steps[1][1]
    graph = onnx.load(str(onnx_path)).graph
    for value in [*graph.input, *graph.output]:
        first = value.type.tensor_type.shape.dim[0]
        assert first.dim_param == "batch", (value.name, first)
    symbols = {d.dim_param for v in [*graph.input, *graph.output, *graph.value_info]
               for d in v.type.tensor_type.shape.dim}
    assert not any(s.startswith("unk__") for s in symbols), symbols


def test_eval_shows_the_samples_measured(saved_ring, capsys):
    argv = ["eval", str(saved_ring), "--data", "ring8", "--metrics", "modes",
            "--num-samples", "500", "--batch-size", "100"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    shown = re.findall(r"kerasgan eval: samples generated and measured (\d+)/500", captured.err)
    assert shown and int(shown[-1]) == 500 and len(shown) <= 11, captured.err
    assert "modes" in captured.out


def test_zoo_fetch_shows_the_download(tmp_path, monkeypatch, capsys):
    from kerasgan import zoo

    monkeypatch.setenv("KERASGAN_HOME", str(tmp_path))
    assert main(["zoo", "fetch", "gan-ring8"]) == 0
    captured = capsys.readouterr()
    size = -(-zoo.info("gan-ring8")["weights"]["size"] // 1024)
    assert f"kerasgan zoo fetch: downloading gan-ring8 {size}/{size} KiB (100%)" in captured.err
    assert captured.out.strip().startswith(str(tmp_path))
    assert main(["zoo", "fetch", "gan-ring8"]) == 0  # cached: verified, nothing to show
    assert capsys.readouterr().err == ""


def _red_pixels(path):
    with Image.open(path) as image:
        rgb = np.asarray(image.convert("RGB")).astype(int)
    return int(((rgb[..., 0] > 180) & (rgb[..., 1] < 90) & (rgb[..., 2] < 90)).sum())


def test_sample_draws_a_2d_model_like_the_run(saved_ring, tmp_path):
    plain, from_run, named = tmp_path / "plain.png", tmp_path / "run.png", tmp_path / "named.png"
    assert main(["sample", str(saved_ring), "-o", str(plain)]) == 0
    assert _red_pixels(plain) == 0  # no data set known: no modes to draw
    (saved_ring.parent / "config.yaml").write_text("family: gan\ndata: ring8\n")
    try:
        assert main(["sample", str(saved_ring), "-o", str(from_run)]) == 0
    finally:
        (saved_ring.parent / "config.yaml").unlink()
    assert main(["sample", str(saved_ring), "-o", str(named), "--data", "ring8"]) == 0
    assert _red_pixels(from_run) > 50  # the eight modes, drawn as red circles
    with Image.open(from_run) as a, Image.open(named) as b:
        assert np.array_equal(np.asarray(a), np.asarray(b))
