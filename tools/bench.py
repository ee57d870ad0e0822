"""Train-step throughput and memory of every kerasgan family, relative to eager.

Usage::

    PYTHONPATH=. python tools/bench.py                      # all families, all modes
    python tools/bench.py --families gan,wgan_gp --modes fp32,fp32_xla --steps 10
    python tools/bench.py --shape points --json out.json    # 2-D MLP nets
    python tools/bench.py --isolate                         # + clean per-mode RSS
    python tools/bench.py --compare [options]               # vs a Keras loop and PyTorch
                                                            # (tools/bench_compare.py)

What is measured
----------------
For each family (``kerasgan.families.names()``, plus any ``--plugin``) the model
is built the way ``kerasgan train`` builds it: :func:`kerasgan.training.build_model`
on the family's default recipe (nets of the family's ``build_for_data``, its
recipe's latent size, family arguments, optimizers and learning rates) for a
synthetic data set of a kind the family declares (``data_kinds``):

* ``--shape image`` (default): ``image-size x image-size x channels`` data of the
  family's first image kind: plain images (with ``--num-classes`` labels for
  families that ``needs_labels``, e.g. cgan, acgan, stargan's domains),
  ``(source, target)`` pairs (pix2pix) or unpaired ``(a, b)`` images (cyclegan);
* ``--shape points``: 2-D points, for the families that train on them (MLP nets);
  the others get an error row.

The data is synthetic (uniform in [-1, 1], labels cycling over the classes) in
a repeated ``tf.data.Dataset`` of ``--batch-size`` batches (default 64); each
row's ``data`` says what the family got. One model is built
per mode (the global mixed-precision policy is set just before building and
restored right after), then each mode runs in the same process:

=============  ===================  ===========  ===================================
mode           policy               jit_compile  notes
=============  ===================  ===========  ===================================
eager          float32              False        BASELINE: ``run_eagerly=True``
fp32           float32              False        ``tf.function`` graph, no XLA
fp32_xla       float32              True
default        float32              None         the library default: the model's XLA rule
bf16           mixed_bfloat16       False
bf16_xla       mixed_bfloat16       True
fp16_xla       mixed_float16        True         LossScaleOptimizer; may be slow on CPU
=============  ===================  ===========  ===================================

Method: every mode is warmed up first with ``fit(ds, steps_per_epoch=W,
epochs=1)`` (tracing and XLA compilation happen there and are excluded; the
warm-up time is reported as ``warmup_s``). Then ``--repeats`` timed runs of
``fit(ds, steps_per_epoch=N, epochs=1)`` per mode are *interleaved* across
modes, in serpentine order (A B C D, D C B A, A B C D, ...) so that slow drift
of a noisy machine hits every mode alike. Inside each run a callback times from
the start of the first step to the end of the N-th (the callback reads the
logs, which waits for the step to finish), so ``fit``'s set-up is excluded. A
mode's rate is the median over repeats. ``N`` is ``--steps`` (default 4) for
families with one critic step; families with ``d_steps > 1`` (WGAN, WGAN-GP, StarGAN:
5 critic updates, i.e. 6 network updates per train step instead of 2) time
``max(2, round(N * 2 / (d_steps + 1)))`` train steps so that each window holds
about the same work (``--no-scale-steps`` turns this off; the row's ``steps``
says what was timed). The defaults (4 steps, 3 repeats) keep the timed part
short: most of a full run is XLA compilation during warm-up and the
image-to-image families, which get their default nets (32 base filters below
64 px, as ``kerasgan train`` builds them). A mode that raises (build, compile, warm-up or timing) gets a row with
``error`` set instead of crashing the run.

How to read the numbers
-----------------------
* ``steps/s`` counts ``train_step`` calls. One ``train_step`` is ``d_steps``
  discriminator (critic) updates plus ONE generator update, so ``steps/s`` is
  also generator updates per second (``G upd/s``). WGAN and WGAN-GP make
  ``d_steps = 5`` critic updates per step: their ``steps/s`` is about 1/5 (or
  less: WGAN-GP's penalty needs a double backward pass) of the one-D-step
  families' and ``D upd/s = steps/s * d_steps``. Compare families per
  generator update only with that in mind.
* ``samples/s`` = ``steps/s * batch_size``: real samples consumed per second
  (each step reuses the same real batch for all its critic updates).
* ``ratio`` = the mode's rate over the eager baseline's, computed per repeat
  against the baseline run of the same repeat (adjacent in time) and then the
  median is taken: ``2.0`` means twice as many train steps per second as the
  plain eager loop on the same nets in the same process. Ratios are the figures
  to compare across machines and runs; absolute rates are secondary (the
  machines these run on are shared and noisy). ``ratio_range`` in the JSON gives
  the min/max of the per-repeat ratios as a noise indicator.
* ``step MB`` is the peak of TensorFlow's CPU allocator
  (``tf.config.experimental.get_memory_info('CPU:0')['peak']``, reset before
  each timed run) minus the bytes in use at the reset: the transient memory of
  the train step (activations, gradients, temporaries), excluding weights that
  already lived before the run (all modes' models share the process). The max
  over repeats is reported. The column is empty if the allocator stats are
  unavailable or saw no allocation (e.g. tiny MLP nets). The JSON's
  ``tf_peak_mb`` is the absolute allocator peak; it grows from family to family
  (earlier families' models are not all released), so compare it only within
  one family. Memory that does not go through TF's allocator (some XLA/oneDNN
  scratch, Python objects) is not counted; use ``--isolate`` for process RSS.
* ``--isolate``: additionally, each (family, mode) is run alone in a fresh
  subprocess (warm-up + a few steps) and its ``resource.getrusage`` high-water
  mark is reported (``VmHWM`` from /proc on Linux, else ``resource.getrusage``
  ``ru_maxrss``): ``rss_mb`` (absolute, includes TensorFlow itself, ~0.6 GB) and
  ``rss_delta_mb`` (high-water mark from just before building the model to the
  end, minus the RSS at that point).
  Throughput is still measured in-process against the baseline.

On CPU, XLA is not necessarily faster than the oneDNN graph path, and
float16 has no native CPU kernels (it is emulated), so ``fp16_xla`` can be far
slower than float32; bfloat16 is fast only on CPUs with AMX/AVX512-BF16.

The JSON output (``--json``) holds ``{"config": ..., "rows": [...]}`` with one
row per (family, mode), baseline included (its ratio is 1.0).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# Allow ``python tools/bench.py`` from a checkout without installing.
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

BASELINE = "eager"

#: mode name -> (global policy, jit_compile, run_eagerly)
MODES = {
    "eager": ("float32", False, True),
    "fp32": ("float32", False, False),
    "fp32_xla": ("float32", True, False),
    "default": ("float32", None, False),
    "bf16": ("mixed_bfloat16", False, False),
    "bf16_xla": ("mixed_bfloat16", True, False),
    "fp16_xla": ("mixed_float16", True, False),
}
DEFAULT_MODES = ("fp32", "fp32_xla", "default", "bf16_xla", "fp16_xla")

_MB = 1024.0 * 1024.0


# ----------------------------------------------------------------------- helpers


def _proc_status_mb(field):
    """``VmHWM``/``VmRSS`` of this process in MB from /proc (Linux), else None."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def _reset_rss_high_water():
    """Resets this process' VmHWM to its current RSS (Linux); True on success."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _maxrss_mb():
    """This process' resident-set high-water mark in MB.

    ``VmHWM`` from /proc where available: unlike ``ru_maxrss`` it is not
    inherited from the parent across fork/exec (a subprocess of a big bench
    process would otherwise report the parent's RSS).
    """
    hwm = _proc_status_mb("VmHWM")
    if hwm is not None:
        return hwm
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (_MB if sys.platform == "darwin" else 1024.0)


def _short_error(exc, limit=300):
    text = " ".join(str(exc).split())
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{type(exc).__name__}: {text}"


def _tf_memory_probe():
    """True if TF's CPU allocator statistics are available and non-trivial."""
    import tensorflow as tf

    try:
        tf.config.experimental.reset_memory_stats("CPU:0")
        x = tf.ones((256, 1024))
        _ = (x * 2.0).numpy()
        info = tf.config.experimental.get_memory_info("CPU:0")
        return info.get("peak", 0) > 0
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


def _reset_memory():
    import tensorflow as tf

    try:
        tf.config.experimental.reset_memory_stats("CPU:0")
        return tf.config.experimental.get_memory_info("CPU:0")["current"]
    except Exception:  # noqa: BLE001
        return None


def _peak_memory():
    import tensorflow as tf

    try:
        return tf.config.experimental.get_memory_info("CPU:0")["peak"]
    except Exception:  # noqa: BLE001
        return None


def make_spec(shape, image_size, family, channels=1, num_classes=10):
    """The :class:`kerasgan.data.DataSpec` of the synthetic data ``family`` is benchmarked on.

    The family says what it trains on (``data_kinds``, ``needs_labels``): with
    ``shape="points"`` 2-D points, else the first non-point kind it declares,
    at ``image_size x image_size x channels``; ``num_classes`` labels when it
    needs them.

    Raises:
        ValueError: the family does not train on that shape of data.
    """
    from kerasgan import families
    from kerasgan.data import DataSpec

    cls = families.get(family)
    labels = int(num_classes) if cls.needs_labels else None
    if shape == "points":
        if "points" not in cls.data_kinds:
            raise ValueError(
                f"{family} has no 2-D point version (it trains on {', '.join(cls.data_kinds)}); "
                "use --shape image."
            )
        spec = DataSpec("bench-points", "points", (2,), labels)
    elif shape == "image":
        kinds = [kind for kind in cls.data_kinds if kind != "points"]
        if not kinds:
            raise ValueError(f"{family} trains on 2-D points only; use --shape points.")
        image = (image_size, image_size, channels)
        target = image if kinds[0] in ("paired", "unpaired", "adapt") else None
        spec = DataSpec(f"bench-{kinds[0]}", kinds[0], image, labels, target_shape=target)
    else:
        raise ValueError(f"--shape must be 'image' or 'points', got {shape!r}")
    cls.check_data(spec)
    return spec


def describe_spec(spec):
    """Short text of what a family trains on, e.g. ``image 32x32x1 + 10 labels``."""
    shape = "x".join(str(d) for d in spec.shape)
    text = f"{spec.kind} {shape}"
    return text + (f" + {spec.num_classes} labels" if spec.num_classes else "")


def make_dataset(spec, batch_size, seed=0):
    """Synthetic uniform[-1, 1] data in the spec's batch structure, repeated forever.

    ``x`` (or ``(x, label)`` when the spec has labels); ``(source, target)``
    for paired, ``(a, b)`` for unpaired and ``((source, label), target)`` for
    adaptation specs.
    """
    import numpy as np
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    n = batch_size * 4
    x = rng.uniform(-1.0, 1.0, size=(n,) + tuple(spec.shape)).astype("float32")
    if spec.kind in ("paired", "unpaired"):
        other = rng.uniform(-1.0, 1.0, size=(n,) + tuple(spec.target_shape)).astype("float32")
        elements = (x, other)
    elif spec.kind == "adapt":
        other = rng.uniform(-1.0, 1.0, size=(n,) + tuple(spec.target_shape)).astype("float32")
        elements = ((x, (np.arange(n) % spec.num_classes).astype("int32")), other)
    elif spec.num_classes:
        elements = (x, (np.arange(n) % spec.num_classes).astype("int32"))
    else:
        elements = x
    ds = tf.data.Dataset.from_tensor_slices(elements).batch(batch_size, drop_remainder=True)
    return ds.cache().repeat().prefetch(2)


def build_model(family, mode, spec, seed=0):
    """Builds and compiles ``family`` for ``mode`` as ``kerasgan train`` would.

    :func:`kerasgan.training.build_model` on the family's default recipe for
    ``spec`` (the mode's dtype policy set only while building), compiled with
    the recipe's optimizers, the mode's ``jit_compile`` and ``run_eagerly``.
    """
    from kerasgan import training

    policy, jit, eager = MODES[mode]
    config = training.TrainConfig(
        family=family, data=spec.name, seed=seed, mixed_precision=policy, jit_compile=jit
    ).resolved(spec)
    model = training.build_model(config, spec, compile=False)
    g_optimizer, d_optimizer = training.build_optimizers(
        model.__class__, config.g_lr, config.d_lr, config.ema_momentum
    )
    model.compile(g_optimizer=g_optimizer, d_optimizer=d_optimizer, jit_compile=jit,
                  run_eagerly=eager)
    return model


def _step_timer():
    import keras

    class StepTimer(keras.callbacks.Callback):
        """Records t(begin of the first step) and t(end of every step)."""

        def __init__(self):
            super().__init__()
            self.start = None
            self.ends = []

        def on_train_batch_begin(self, batch, logs=None):
            if self.start is None:
                self.start = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            # ``logs`` arrive as Python floats (custom callbacks disable async
            # dispatch), so the step has finished when we read the clock.
            self.ends.append(time.perf_counter())

    return StepTimer()


def timed_run(model, ds, steps):
    """Seconds per train step, averaged over ``steps`` steps of one ``fit`` call."""
    timer = _step_timer()
    model.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False, callbacks=[timer])
    if timer.start is None or len(timer.ends) != steps:
        raise RuntimeError(f"expected {steps} batch callbacks, got {len(timer.ends)}")
    return (timer.ends[-1] - timer.start) / steps


def timed_steps(requested, d_steps, scale=True):
    """Train steps timed per repeat for a family with ``d_steps`` critic updates.

    ``requested`` counts train steps of a one-critic-step family (2 network
    updates each). With ``scale``, families with ``d_steps > 1`` (``d_steps + 1``
    updates per train step) time proportionally fewer train steps, at least 2,
    so that every timed window holds roughly the same amount of work.
    """
    if not scale or d_steps <= 1:
        return requested
    return max(min(2, requested), round(requested * 2 / (d_steps + 1)))


# ---------------------------------------------------------------- measurement


def _new_row(family, mode, args):
    policy, jit, eager = MODES[mode]
    return {
        "family": family,
        "mode": mode,
        "baseline": mode == BASELINE,
        "policy": policy,
        "jit_compile": jit,
        "run_eagerly": eager,
        "shape": args.shape,
        "batch_size": args.batch_size,
        "d_steps": None,
        "steps": args.steps,
        "repeats": args.repeats,
        "warmup_s": None,
        "step_seconds": [],
        "steps_per_s": None,
        "g_updates_per_s": None,
        "d_updates_per_s": None,
        "samples_per_s": None,
        "ratio_vs_baseline": None,
        "ratio_range": None,
        "step_mb": None,
        "tf_peak_mb": None,
        "rss_mb": None,
        "rss_delta_mb": None,
        "error": None,
    }


def bench_family(family, modes, args, spec, ds, log=print):
    """Measures every mode of one family (baseline first); returns the rows."""
    modes = [BASELINE] + [m for m in modes if m != BASELINE]
    rows = {m: _new_row(family, m, args) for m in modes}
    for row in rows.values():
        row["data"] = describe_spec(spec)
    models = {}
    for mode in modes:
        row = rows[mode]
        try:
            model = build_model(family, mode, spec, seed=args.seed)
            row["d_steps"] = int(model.d_steps)
            row["jit_compile"] = bool(model.jit_compile)  # what "default" chose
            start = time.perf_counter()
            model.fit(ds, steps_per_epoch=args.warmup_steps, epochs=1, verbose=0, shuffle=False)
            row["warmup_s"] = time.perf_counter() - start
            models[mode] = model
            log(f"  {family}/{mode}: warm-up {row['warmup_s']:.1f}s")
        except Exception as exc:  # noqa: BLE001 - recorded in the row
            row["error"] = _short_error(exc)
            log(f"  {family}/{mode}: FAILED at build/warm-up: {row['error']}")

    d_steps = next((rows[m]["d_steps"] for m in modes if rows[m]["d_steps"]), 1)
    steps = timed_steps(args.steps, d_steps, scale=not args.no_scale_steps)
    for row in rows.values():
        row["steps"] = steps

    # Interleaved, serpentine order: A B C D, D C B A, ...
    peaks = {m: [] for m in modes}
    totals = {m: [] for m in modes}
    for rep in range(args.repeats):
        order = [m for m in modes if m in models]
        if rep % 2:
            order.reverse()
        for mode in order:
            try:
                current = _reset_memory()
                seconds = timed_run(models[mode], ds, steps)
                peak = _peak_memory()
                rows[mode]["step_seconds"].append(seconds)
                if current is not None and peak:
                    peaks[mode].append((peak - current) / _MB)
                    totals[mode].append(peak / _MB)
            except Exception as exc:  # noqa: BLE001
                rows[mode]["error"] = _short_error(exc)
                log(f"  {family}/{mode}: FAILED while timing: {rows[mode]['error']}")
                del models[mode]

    base_seconds = rows[BASELINE]["step_seconds"]
    for mode in modes:
        row = rows[mode]
        secs = row["step_seconds"]
        if row["error"] is not None or not secs:
            continue
        rate = 1.0 / statistics.median(secs)
        row["steps_per_s"] = rate
        row["g_updates_per_s"] = rate
        row["d_updates_per_s"] = rate * row["d_steps"]
        row["samples_per_s"] = rate * args.batch_size
        if peaks[mode]:
            row["step_mb"] = max(peaks[mode])
            row["tf_peak_mb"] = max(totals[mode])
        if base_seconds and rows[BASELINE]["error"] is None:
            paired = [b / s for b, s in zip(base_seconds, secs)]
            row["ratio_vs_baseline"] = statistics.median(paired)
            row["ratio_range"] = [min(paired), max(paired)]
    del models
    gc.collect()
    return [rows[m] for m in modes]


def memory_probe(family, mode, args):
    """Runs one (family, mode) alone; returns its RSS high-water marks (MB)."""
    import tensorflow as tf  # noqa: F401 - imported before the "before" mark

    spec = make_spec(args.shape, args.image_size, family, args.channels, args.num_classes)
    ds = make_dataset(spec, args.batch_size, seed=args.seed)
    if _reset_rss_high_water():
        before = _proc_status_mb("VmRSS")
    else:
        before = _maxrss_mb()
    model = build_model(family, mode, spec, seed=args.seed)
    steps = args.warmup_steps + args.probe_steps
    model.fit(ds, steps_per_epoch=steps, epochs=1, verbose=0, shuffle=False)
    after = _maxrss_mb()
    return {"rss_mb": after, "rss_delta_mb": after - before}


def isolated_memory(family, mode, args):
    """Runs :func:`memory_probe` in a fresh subprocess; returns (result, error)."""
    cmd = [
        sys.executable,
        os.path.abspath(__file__),
        "--_probe",
        f"{family}:{mode}",
        "--shape",
        args.shape,
        "--image-size",
        str(args.image_size),
        "--channels",
        str(args.channels),
        "--num-classes",
        str(args.num_classes),
        "--batch-size",
        str(args.batch_size),
        "--warmup-steps",
        str(args.warmup_steps),
        "--probe-steps",
        str(args.probe_steps),
        "--seed",
        str(args.seed),
    ]
    for plugin in args.plugins:
        cmd += ["--plugin", os.path.abspath(plugin) if plugin.endswith(".py") else plugin]
    env = dict(os.environ)
    env["PYTHONPATH"] = _ROOT + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=args.probe_timeout)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("PROBE "):
            payload = json.loads(line[len("PROBE ") :])
            return payload.get("result"), payload.get("error")
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
    return None, f"probe exited {proc.returncode}: {tail[0][:300]}"


# ------------------------------------------------------------------- reporting


def _fmt(value, spec):
    return "" if value is None else format(value, spec)


def format_table(rows):
    """The human-readable table (one line per row; failed rows show the error)."""
    header = (
        f"{'family':<8} {'mode':<9} {'xla':>3} {'d':>2} {'steps/s':>8} {'D upd/s':>8} "
        f"{'samples/s':>10} {'ratio':>6} {'step MB':>8} {'rss MB':>7} {'warmup s':>8}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        if row["error"] is not None:
            lines.append(
                f"{row['family']:<8} {row['mode']:<9} {_fmt(row['d_steps'], '>2')}"
                f" FAILED: {row['error']}"
            )
            continue
        xla = "on" if row["jit_compile"] else "off"
        lines.append(
            f"{row['family']:<8} {row['mode']:<9} {xla:>3} {_fmt(row['d_steps'], '>2')} "
            f"{_fmt(row['steps_per_s'], '8.2f')} {_fmt(row['d_updates_per_s'], '8.2f')} "
            f"{_fmt(row['samples_per_s'], '10.1f')} {_fmt(row['ratio_vs_baseline'], '6.2f')} "
            f"{_fmt(row['step_mb'], '8.1f'):>8} {_fmt(row['rss_mb'], '7.0f'):>7} "
            f"{_fmt(row['warmup_s'], '8.1f')}"
        )
    return "\n".join(lines)


# ------------------------------------------------------------------------ CLI


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Train-step throughput of kerasgan families vs an eager baseline.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--families", default=None, help="comma-separated (default: all)")
    parser.add_argument(
        "--modes",
        default=",".join(DEFAULT_MODES),
        help=f"comma-separated, from {', '.join(m for m in MODES if m != BASELINE)}; "
        f"the '{BASELINE}' baseline always runs",
    )
    parser.add_argument("--shape", choices=("image", "points"), default="image")
    parser.add_argument("--image-size", type=int, default=32)
    parser.add_argument("--channels", type=int, choices=(1, 3), default=1, help="image channels")
    parser.add_argument(
        "--num-classes",
        type=int,
        default=10,
        help="labels (classes, domains) of the data of families that need labels",
    )
    parser.add_argument(
        "--plugin",
        dest="plugins",
        action="append",
        default=[],
        metavar="MODULE_OR_FILE.py",
        help="import a module that registers families (repeatable), as kerasgan --plugin",
    )
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument(
        "--steps",
        type=int,
        default=4,
        help="timed train steps per repeat (families with d_steps > 1 time "
        "max(2, round(steps * 2 / (d_steps + 1))) unless --no-scale-steps)",
    )
    parser.add_argument(
        "--no-scale-steps",
        action="store_true",
        help="time exactly --steps train steps for every family",
    )
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repeats per mode")
    parser.add_argument("--warmup-steps", type=int, default=1, help="untimed compile steps")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", default=None, help="write the rows here as JSON")
    parser.add_argument(
        "--isolate",
        action="store_true",
        help="also measure each mode's RSS high-water mark in its own subprocess",
    )
    parser.add_argument("--probe-steps", type=int, default=3, help=argparse.SUPPRESS)
    parser.add_argument("--probe-timeout", type=float, default=600.0, help=argparse.SUPPRESS)
    parser.add_argument("--_probe", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument(
        "--compare",
        action="store_true",
        help="run tools/bench_compare.py instead, with its own options (--compare --help)",
    )
    args = parser.parse_args(argv)
    for name in (
        "steps", "repeats", "warmup_steps", "batch_size", "probe_steps", "num_classes"
    ):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be >= 1")
    return args


def main(argv=None):
    """Runs the benchmark; returns ``{"config": ..., "rows": [...]}``.

    With ``--compare`` anywhere in ``argv``, runs ``tools/bench_compare.py``
    on the other arguments instead and returns its report.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--compare" in argv:
        tools = os.path.dirname(os.path.abspath(__file__))
        if tools not in sys.path:
            sys.path.insert(0, tools)
        import bench_compare

        return bench_compare.main([a for a in argv if a != "--compare"])
    args = parse_args(argv)

    from kerasgan import families

    for plugin in args.plugins:
        families.load_plugin(plugin)

    if args._probe:  # internal: one isolated memory measurement
        family, mode = args._probe.split(":")
        try:
            payload = {"result": memory_probe(family, mode, args), "error": None}
        except Exception as exc:  # noqa: BLE001
            payload = {"result": None, "error": _short_error(exc)}
        print("PROBE " + json.dumps(payload), flush=True)
        return payload

    import keras
    import tensorflow as tf

    def log(message):
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    family_names = args.families.split(",") if args.families else families.names()
    for name in family_names:
        families.get(name)  # fails early, with suggestions, on a typo
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        raise SystemExit(f"Unknown mode(s) {unknown}; valid: {', '.join(MODES)}")

    memory_stats = _tf_memory_probe()

    rows = []
    data_shapes = {}
    started = time.perf_counter()
    for family in family_names:
        log(f"[{time.perf_counter() - started:6.0f}s] {family}")
        try:
            spec = make_spec(args.shape, args.image_size, family, args.channels, args.num_classes)
        except ValueError as exc:  # no data of this shape for the family: error rows
            family_rows = [_new_row(family, m, args) for m in
                           [BASELINE] + [m for m in modes if m != BASELINE]]
            for row in family_rows:
                row["error"] = _short_error(exc)
                row["data"] = None
            log(f"  {family}: {family_rows[0]['error']}")
            rows.extend(family_rows)
            continue
        data_shapes[family] = describe_spec(spec)
        ds = make_dataset(spec, args.batch_size, seed=args.seed)
        family_rows = bench_family(family, modes, args, spec, ds, log=log)
        if args.isolate:
            for row in family_rows:
                if row["error"] is not None:
                    continue
                result, error = isolated_memory(family, row["mode"], args)
                if result:
                    row.update(result)
                else:
                    row["rss_error"] = error
        rows.extend(family_rows)
        keras.backend.clear_session()

    report = {
        "config": {
            "families": family_names,
            "modes": [BASELINE] + [m for m in modes if m != BASELINE],
            "baseline": BASELINE,
            "shape": args.shape,
            "data_shape": (
                [2] if args.shape == "points" else [args.image_size, args.image_size, args.channels]
            ),
            "data": data_shapes,
            "image_size": args.image_size if args.shape == "image" else None,
            "channels": args.channels if args.shape == "image" else None,
            "num_classes": args.num_classes,
            "plugins": args.plugins,
            "batch_size": args.batch_size,
            "steps": args.steps,
            "scale_steps": not args.no_scale_steps,
            "repeats": args.repeats,
            "warmup_steps": args.warmup_steps,
            "isolate": args.isolate,
            "tf_memory_stats": memory_stats,
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "python": platform.python_version(),
            "cpu_count": os.cpu_count(),
            "wall_s": time.perf_counter() - started,
        },
        "rows": rows,
    }
    print(format_table(rows))
    failed = [r for r in rows if r["error"] is not None]
    if failed:
        print(f"\n{len(failed)} mode(s) failed (see the error column).")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(report, handle, indent=2)
    return report


if __name__ == "__main__":
    main()
