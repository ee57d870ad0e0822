"""Smoke test of tools/bench.py: output structure only, never timing values."""

import json
import math

import keras
import pytest
from tool_modules import load_tool  # tests/tool_modules.py

from kerasgan import families
from kerasgan.training import TrainConfig

def _load_bench():
    return load_tool("bench")


@pytest.mark.slow  # a benchmark / tool run; the default run keeps its other tests
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


@pytest.mark.slow  # a benchmark / tool run; the default run keeps its other tests
def test_bench_new_family_on_its_own_batches():
    """pix2pix on (source, target) pairs, eager baseline + one mode."""
    bench = _load_bench()
    report = bench.main(
        [
            "--families", "pix2pix",
            "--modes", "fp32",
            "--image-size", "16",
            "--batch-size", "4",
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


def _batch_structure(spec, batch):
    """What a fit batch of the spec must look like."""
    if spec.kind in ("paired", "unpaired"):
        return isinstance(batch, tuple) and [tuple(b.shape) for b in batch] == [
            (2, *spec.shape), (2, *spec.target_shape)]
    if spec.kind == "adapt":
        (source, labels), target = batch
        return (tuple(source.shape) == (2, *spec.shape) and labels.dtype.name == "int32"
                and tuple(target.shape) == (2, *spec.target_shape))
    if spec.num_classes:
        return (isinstance(batch, tuple) and tuple(batch[0].shape) == (2, *spec.shape)
                and batch[1].dtype.name == "int32")
    return not isinstance(batch, tuple) and tuple(batch.shape) == (2, *spec.shape)


@pytest.mark.parametrize("family", families.names())
def test_bench_data_of_every_family(family):
    """Each family gets data of a kind it declares, in its batch structure."""
    bench = _load_bench()
    cls = families.get(family)
    spec = bench.make_spec("image", 16, family, channels=3, num_classes=4)
    assert spec.kind in cls.data_kinds and spec.kind != "points"
    assert spec.shape == (16, 16, 3) and spec.num_classes == (4 if cls.needs_labels else None)
    cls.check_data(spec)
    assert _batch_structure(spec, next(iter(bench.make_dataset(spec, 2))))
    assert bench.describe_spec(spec) == f"{spec.kind} 16x16x3" + (
        " + 4 labels" if cls.needs_labels else "")
    if "points" in cls.data_kinds:
        points = bench.make_spec("points", 16, family)
        assert points.shape == (2,) and _batch_structure(points, next(iter(bench.make_dataset(points, 2))))
    else:
        with pytest.raises(ValueError, match="no 2-D point version"):
            bench.make_spec("points", 16, family)


def test_bench_builds_the_model_kerasgan_train_builds():
    bench = _load_bench()
    spec = bench.make_spec("points", 16, "wgan")
    model = bench.build_model("wgan", "fp32", spec)
    config = TrainConfig("wgan", spec.name).resolved(spec)
    assert model.clip_value == config.family_kwargs["clip_value"]  # the 2-D recipe's
    assert model.latent_dim == config.latent_dim
    assert float(model.g_optimizer.learning_rate) == pytest.approx(config.g_lr)
    assert not model.jit_compile and not model.run_eagerly
    assert keras.mixed_precision.global_policy().name == "float32"
    half = bench.build_model("wgan", "bf16_xla", spec)
    assert half.jit_compile and "bfloat16" in {layer.compute_dtype for layer in half.generator.layers}
    assert keras.mixed_precision.global_policy().name == "float32"


def test_bench_error_rows_for_data_a_family_does_not_train_on():
    bench = _load_bench()
    report = bench.main(["--families", "pix2pix", "--modes", "fp32", "--shape", "points",
                         "--quiet"])
    rows = report["rows"]
    assert [(r["family"], r["mode"]) for r in rows] == [("pix2pix", "eager"), ("pix2pix", "fp32")]
    assert all("no 2-D point version" in row["error"] for row in rows)
