"""Smoke test of ``tools/bench.py --compare``: rows, rates and ratios, never timing values."""

import json
import statistics

import keras
import pytest
from tool_modules import load_tool  # tests/tool_modules.py


def _load_bench():
    return load_tool("bench")


def _compare(tmp_path, contestants):
    out = tmp_path / "compare.json"
    report = _load_bench().main([
        "--compare", "--workloads", "mlp2d", "--precisions", "float32",
        "--contestants", contestants, "--steps", "2", "--rounds", "2", "--warmup", "1",
        "--no-generation", "--quiet", "--json", str(out),
    ])
    assert keras.mixed_precision.global_policy().name == "float32"
    assert json.loads(out.read_text()) == json.loads(json.dumps(report))
    return report["rows"]


@pytest.mark.slow  # a benchmark / tool run; the default run keeps its other tests
def test_compare_rows_rates_and_ratios_against_pytorch(tmp_path, capsys):
    pytest.importorskip("torch")
    rows = _compare(tmp_path, "kerasgan,torch")
    assert [r["contestant"] for r in rows] == ["kerasgan fit", "pytorch eager"]
    torch_row = rows[-1]
    for row in rows:
        assert row["error"] is None, row["error"]
        assert len(row["rates"]) == 2 and all(rate > 0 for rate in row["rates"])
        assert row["samples_per_s"] == statistics.median(row["rates"])
        expected = statistics.median(
            mine / theirs for mine, theirs in zip(row["rates"], torch_row["rates"])
        )
        assert row["ratio_vs_torch"] == pytest.approx(expected)
    assert torch_row["ratio_vs_torch"] == 1.0
    assert torch_row["step_mb"] is not None and torch_row["step_mb"] >= 0
    assert rows[0]["jit_compile"] in (True, False)
    table = capsys.readouterr().out
    assert "vs torch" in table and "pytorch eager" in table


def test_compare_without_torch_keeps_the_tf_columns():
    rows = _load_bench().main([
        "--compare", "--workloads", "mlp2d", "--precisions", "float32", "--no-torch",
        "--contestants", "loop", "--steps", "2", "--rounds", "1", "--warmup", "1",
        "--no-generation", "--quiet",
    ])["rows"]
    assert [r["contestant"] for r in rows] == ["keras loop"]
    assert rows[0]["samples_per_s"] > 0 and rows[0]["ratio_vs_torch"] is None
