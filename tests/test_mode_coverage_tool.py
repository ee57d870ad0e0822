"""tools/mode_coverage.py: runs the CLI's recipe and reports each run's metrics.json."""

import importlib.util
import json
import os

import pytest

_TOOL = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools",
                     "mode_coverage.py")


def _load_tool():
    spec = importlib.util.spec_from_file_location("kerasgan_tools_mode_coverage", _TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # a benchmark / tool run; the default run keeps its other tests
def test_sweep_reports_the_runs_metrics_and_reuses_finished_runs(tmp_path, capsys):
    tool = _load_tool()
    out, report = tmp_path / "runs", tmp_path / "raw.json"
    argv = ["--families", "gan", "--data", "ring8", "--seeds", "3", "--epochs", "1",
            "--out", str(out), "--json", str(report)]
    assert tool.main(argv) == 0
    run_dir = out / "gan-ring8-s3-e1"
    metrics = json.loads((run_dir / "metrics.json").read_text())
    (run,) = json.loads(report.read_text())["gan/ring8"]
    assert run["modes"] == metrics["modes"] and run["num_modes"] == 8
    assert run["high_quality_pct"] == metrics["high_quality_pct"]
    table = capsys.readouterr().out
    assert f"| gan | ring8 | 1 | {metrics['modes']:.1f} / 8 |" in table

    # A finished run is read back, not retrained.
    stamp = os.path.getmtime(run_dir / "model.keras")
    assert tool.main(argv) == 0
    assert os.path.getmtime(run_dir / "model.keras") == stamp


def test_default_sweep_is_every_family_that_trains_on_unlabelled_points():
    from kerasgan import families

    swept = _load_tool().default_families()
    assert "gan" in swept and "cgan" not in swept and "pix2pix" not in swept
    for name in families.names():
        cls = families.get(name)
        declared = cls.sampling == "noise" and "points" in cls.data_kinds and not cls.needs_labels
        assert (name in swept) == declared, name
