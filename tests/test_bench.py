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


def test_bench_new_family_on_its_own_batches():
    """pix2pix on (source, target) pairs, eager baseline + one mode."""
    bench = _load_bench()
    report = bench.main(
        [
            "--families", "pix2pix",
            "--modes", "fp32",
            "--image-size", "16",
            "--batch-size", "4",
            "--translation-filters", "4",
            "--steps", "1",
            "--repeats", "1",
            "--warmup-steps", "1",
            "--quiet",
        ]
    )
    rows = report["rows"]
    assert [(r["family"], r["mode"]) for r in rows] == [("pix2pix", "eager"), ("pix2pix", "fp32")]
    for row in rows:
        assert row["error"] is None, row["error"]
        assert row["data"] == "paired 16x16x1"
        assert row["ratio_vs_baseline"] > 0 and row["steps_per_s"] > 0
    assert report["config"]["data"] == {"pix2pix": "paired 16x16x1"}


def test_bench_data_of_every_family():
    """Each family gets its batch structure; acgan/translation have no point version."""
    bench = _load_bench()
    shapes = {}
    for family in ("gan", "cgan", "acgan", "infogan", "pix2pix", "cyclegan", "stargan"):
        spec = bench.make_spec("image", 16, family, channels=3)
        batch = next(iter(bench.make_dataset(spec, 2)))
        shapes[family] = bench.describe_spec(spec)
        if isinstance(batch, tuple):
            assert tuple(batch[0].shape) == (2, 16, 16, 3)
            assert batch[1].dtype.name == ("int32" if spec.num_classes else "float32")
        else:
            assert tuple(batch.shape) == (2, 16, 16, 3)
    assert shapes == {
        "gan": "image 16x16x3",
        "cgan": "image 16x16x3 + 10 labels",
        "acgan": "image 16x16x3 + 10 labels",
        "infogan": "image 16x16x3",
        "pix2pix": "paired 16x16x3",
        "cyclegan": "unpaired 16x16x3",
        "stargan": "image 16x16x3 + 3 labels",
    }
    points = bench.make_spec("points", 16, "acgan")
    try:
        bench.build_model("acgan", "fp32", points)
    except ValueError as error:
        assert "no 2-D point version" in str(error)
    else:
        raise AssertionError("acgan on points should fail")
