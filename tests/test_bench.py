"""Smoke test of tools/bench.py: output structure only, never timing values."""

import importlib.util
import json
import math
import os

import keras

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_BENCH = os.path.join(_ROOT, "tools", "bench.py")


def _load_bench():
    spec = importlib.util.spec_from_file_location("kerasgan_tools_bench", _BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_main_writes_rows_for_each_mode(tmp_path, capsys):
    bench = _load_bench()
    out = tmp_path / "bench.json"
    report = bench.main(
        [
            "--families", "gan",
            "--modes", "fp32,fp32_xla",
            "--shape", "points",
            "--batch-size", "16",
            "--steps", "1",
            "--repeats", "2",
            "--warmup-steps", "1",
            "--json", str(out),
            "--quiet",
        ]
    )
    assert keras.mixed_precision.global_policy().name == "float32"  # restored

    data = json.loads(out.read_text())
    assert data == json.loads(json.dumps(report))
    assert data["config"]["baseline"] == "eager"
    rows = data["rows"]
    assert [(r["family"], r["mode"]) for r in rows] == [
        ("gan", "eager"),
        ("gan", "fp32"),
        ("gan", "fp32_xla"),
    ]
    for row in rows:
        assert row["error"] is None, row["error"]
        assert "ratio_vs_baseline" in row
        assert row["ratio_vs_baseline"] > 0 and math.isfinite(row["ratio_vs_baseline"])
        assert row["steps_per_s"] > 0
        assert row["samples_per_s"] > 0
        assert row["d_steps"] == 1
        assert row["d_updates_per_s"] > 0
        assert len(row["step_seconds"]) == 2
    assert rows[0]["baseline"] and rows[0]["ratio_vs_baseline"] == 1.0

    table = capsys.readouterr().out
    assert "ratio" in table and "fp32_xla" in table
