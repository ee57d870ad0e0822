"""kerasgan's default ``fit`` beside a hand-written Keras loop and PyTorch, on the same nets.

Usage::

    python tools/bench.py --compare          # all defaults: long on two cores, see below
    python tools/bench.py --compare --steps dcgan64=3,dcgan64/bfloat16=1,wgan_gp=2,mlp2d=30 \
        --rounds 3 --warmup 1 --markdown --json compare.json   # docs/performance.md's run
    python tools/bench_compare.py --workloads mlp2d --contestants kerasgan,torch --steps 20

PyTorch comes from the optional extra: ``pip install '.[bench]'``. Without it
the TensorFlow columns still run and the ratios read ``n/a``.
``docs/performance.md`` explains the method and the columns and holds the
tables of a full run; in short:

* contestants (``--contestants``): ``kerasgan`` (the family model,
  ``compile()`` with no arguments, ``fit``), ``loop`` / ``loop_xla`` (a
  hand-written ``tf.function`` step with two tapes, XLA off / on:
  ``tools/bench_compare_keras.py``), ``torch`` (the same nets and the
  PyTorch reference loop, eager or bfloat16 autocast:
  ``tools/bench_compare_torch.py``; trainable parameter counts are asserted
  equal);
* workloads (:data:`WORKLOADS`): ``dcgan64`` (DCGAN 64x64x3, batch 64),
  ``wgan_gp`` (DCGAN nets at 32x32x3 with 32 base filters, layer-norm critic,
  5 critic steps, penalty 10, batch 64; float32 only unless ``--precisions``
  says otherwise) and ``mlp2d`` (3 x 128 MLPs on 2-D points, batch 256);
* precisions: ``float32`` and ``bfloat16`` (Keras' ``mixed_bfloat16``
  policy while the nets are built; ``torch.autocast("cpu", bfloat16)``);
* method: build all, warm each up (``--warmup`` steps, untimed), then
  ``--rounds`` serpentine rounds of N timed steps each (``--steps``: N, or
  ``WORKLOAD[/PRECISION]=N`` pairs); ``img/s`` is the median over rounds and
  ``vs torch`` the median over rounds of the rate over PyTorch's rate at the
  same precision in the same round;
* memory (``step MB``): TensorFlow's CPU allocator peak minus what was in use
  before the timed window (the benchmark sets ``TF_CPU_ALLOCATOR_USE_BFC``
  before importing TensorFlow, whose default CPU allocator keeps no
  statistics); PyTorch: the allocation events of the last warm-up step under
  ``torch.profiler``;
* threads: both frameworks' defaults (every core) unless ``--threads``;
* generation (``--no-generation`` skips it): ``tools/bench_compare_generation.py``.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

_TOOLS = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.dirname(_TOOLS)
for _path in (_ROOT, _TOOLS):
    if _path not in sys.path:
        sys.path.insert(0, _path)

PRECISIONS = {"float32": "float32", "bfloat16": "mixed_bfloat16"}  # name -> Keras policy
#: Contestant kinds (``--contestants``): kerasgan's fit, the Keras loop without / with XLA, PyTorch.
CONTESTANTS = ("kerasgan", "loop", "loop_xla", "torch")
TORCH_INSTALL_HINT = "PyTorch columns need `pip install '.[bench]'`"
_MB = 1024.0 * 1024.0


@dataclasses.dataclass(frozen=True)
class Workload:
    """One benchmark workload: a kerasgan family, its nets and its batch.

    Attributes:
        name: the workload name (``--workloads``).
        family: the kerasgan class name (``kerasgan.<family>``).
        algorithm: the loops' algorithm, ``"gan"`` or ``"wgan_gp"``.
        batch_size: real samples per train step.
        steps: default timed train steps per round.
        latent_dim: size of ``z``.
        image: ``(image_size, channels, base_filters)`` of the DCGAN nets, or
            ``None`` for the 2-D MLP nets.
        family_kwargs: arguments of the family constructor, as pairs; the
            loops read ``d_steps`` and ``gp_weight`` from them too.
        precisions: the precisions run unless ``--precisions`` says otherwise.
    """

    name: str
    family: str
    algorithm: str
    batch_size: int
    steps: int
    latent_dim: int
    image: tuple | None
    family_kwargs: tuple = ()
    precisions: tuple = ("float32", "bfloat16")

    def family_class(self):
        """The kerasgan family class."""
        import kerasgan

        return getattr(kerasgan, self.family)

    def loop_kwargs(self):
        """The hand-written loops' WGAN-GP settings (the same as kerasgan's arguments)."""
        kwargs = dict(self.family_kwargs)
        return {k: kwargs[k] for k in ("d_steps", "gp_weight") if k in kwargs}

    def example_shape(self):
        """Shape of one real example for TF (NHWC, or ``(2,)``)."""
        if self.image is None:
            return (2,)
        size, channels, _ = self.image
        return (size, size, channels)

    def torch_batch_shape(self):
        """Shape of one real batch for PyTorch (NCHW, or ``(B, 2)``)."""
        if self.image is None:
            return (self.batch_size, 2)
        size, channels, _ = self.image
        return (self.batch_size, channels, size, size)

    def keras_nets(self):
        """Fresh ``(generator, discriminator)`` Keras models (under the current global policy)."""
        from kerasgan import nets

        if self.image is None:
            return (nets.mlp_generator(latent_dim=self.latent_dim, output_dim=2),
                    nets.mlp_discriminator(input_dim=2))
        size, channels, filters = self.image
        options = dict(self.family_class().discriminator_options)
        return (
            nets.dcgan_generator(latent_dim=self.latent_dim, image_size=size, channels=channels,
                                 base_filters=filters),
            nets.dcgan_discriminator(image_size=size, channels=channels, base_filters=filters,
                                     **options),
        )

    def torch_nets(self):
        """Fresh ``(generator, discriminator)`` PyTorch modules with the same layers."""
        import bench_compare_torch as bt
        from torch import nn

        if self.image is None:
            return (bt.mlp([self.latent_dim, 128, 128, 128], nn.ReLU, 2),
                    bt.mlp([2, 128, 128, 128], lambda: nn.LeakyReLU(0.2), 1))
        size, channels, filters = self.image
        norm = self.family_class().discriminator_options["norm"]
        return (bt.DCGANGenerator(self.latent_dim, size, channels, filters),
                bt.DCGANDiscriminator(size, channels, filters, norm=norm))

    def describe(self):
        """One line: nets, data and batch."""
        if self.image is None:
            nets = "MLP 3x128 on 2-D points"
        else:
            size, channels, filters = self.image
            nets = f"DCGAN {size}x{size}x{channels}, {filters} base filters"
        return f"{self.family}: {nets}, latent {self.latent_dim}, batch {self.batch_size}"


WORKLOADS = {
    "dcgan64": Workload("dcgan64", "DCGAN", "gan", 64, 20, 100, (64, 3, 64)),
    # float32 only by default: bfloat16 without CPU support is emulated, ~10x slower.
    "wgan_gp": Workload("wgan_gp", "WGANGP", "wgan_gp", 64, 3, 100, (32, 3, 32),
                        (("d_steps", 5), ("gp_weight", 10.0)), ("float32",)),
    "mlp2d": Workload("mlp2d", "GAN", "gan", 256, 200, 2, None, (("loss", "non_saturating"),)),
}


def torch_available():
    """True when ``import torch`` works."""
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


# ------------------------------------------------------------------- building


def _optimizer_settings(family):
    """``(lr, beta_1, beta_2)`` of the family's default Adam (what ``compile()`` builds)."""
    config = family.default_optimizers()[0].get_config()
    return float(config["learning_rate"]), float(config["beta_1"]), float(config["beta_2"])


def _row(workload, precision, contestant, steps, rounds):
    return {
        "workload": workload.name, "precision": precision, "contestant": contestant,
        "framework": None, "batch_size": workload.batch_size, "steps": steps, "rounds": rounds,
        "jit_compile": None, "warmup_s": None, "seconds": [], "rates": [],
        "samples_per_s": None, "ratio_vs_torch": None, "ratio_range": None,
        "step_mb": None, "memory": None, "defaults": None, "error": None,
    }


def build_contestants(workload, precisions, with_torch, contestants=CONTESTANTS, log=print):
    """``[(row, contestant or None)]`` for the contestants of ``workload``, built but not run.

    ``contestants`` lists the kinds wanted (:data:`CONTESTANTS`); ``"torch"``
    only counts ``with_torch``.

    The Keras nets of each TF contestant are built under the precision's
    policy; parameter counts of the Keras and PyTorch nets are checked equal.
    A contestant that fails to build gets ``row["error"]`` and ``None``.
    """
    import bench
    import bench_compare_keras as bk

    from kerasgan.data import DataSpec

    family = workload.family_class()
    optimizer = _optimizer_settings(family)
    kind = "points" if workload.image is None else "image"
    spec = DataSpec(f"bench-{kind}", kind, workload.example_shape(), None)
    dataset = bench.make_dataset(spec, workload.batch_size)
    if with_torch and "torch" in contestants:
        counts = check_parameter_counts(workload)
        log(f"  {workload.name}: trainable parameters equal in Keras and PyTorch: {counts}")
    out = []
    for precision in precisions:
        policy = PRECISIONS[precision]

        def kerasgan_fit():
            g, d = bk.build_with_policy(policy, workload.keras_nets)
            model = family(g, d, latent_dim=workload.latent_dim, seed=0,
                           **dict(workload.family_kwargs))
            return bk.KerasganFit(model, dataset, bench._step_timer)

        def keras_loop(jit):
            def build():
                g, d = bk.build_with_policy(policy, workload.keras_nets)
                return bk.KerasLoop(g, d, workload.algorithm, optimizer, dataset,
                                    workload.latent_dim, jit_compile=jit, **workload.loop_kwargs())
            return build

        torch_name = "pytorch eager" if precision == "float32" else "pytorch autocast"
        makers = [
            ("kerasgan", "kerasgan fit", kerasgan_fit),
            ("loop", "keras loop", keras_loop(False)),
            ("loop_xla", "keras loop+xla", keras_loop(True)),
            ("torch", torch_name, lambda p=precision: _torch_loop(workload, optimizer, p)),
        ]
        for contestant_kind, name, make in makers:
            wanted = contestant_kind in contestants
            if not wanted or (contestant_kind == "torch" and not with_torch):
                continue
            row = _row(workload, precision, name, None, None)
            try:
                contestant = make()
                row["framework"] = contestant.framework
                row["jit_compile"] = getattr(contestant, "jit_compile", None)
                out.append((row, contestant))
            except Exception as exc:  # noqa: BLE001 - recorded in the row
                row["error"] = _short_error(exc)
                log(f"  {workload.name}/{precision}/{name}: FAILED to build: {row['error']}")
                out.append((row, None))
    return out


def check_parameter_counts(workload):
    """``{net: trainable parameters}`` of the workload's nets, checked equal in Keras and PyTorch.

    Raises:
        AssertionError: the counts differ (the PyTorch mirror is not the same net).
    """
    import bench_compare_keras as bk
    import bench_compare_torch as bt

    keras_nets = bk.build_with_policy("float32", workload.keras_nets)
    counts = {}
    for net, keras_net, torch_net in zip(("generator", "discriminator"), keras_nets,
                                         workload.torch_nets()):
        keras_count, torch_count = bk.trainable_count(keras_net), bt.trainable_count(torch_net)
        if keras_count != torch_count:
            raise AssertionError(f"{workload.name} {net}: Keras has {keras_count} trainable "
                                 f"parameters, PyTorch {torch_count}")
        counts[net] = keras_count
    return counts


def _torch_loop(workload, optimizer, precision):
    import bench_compare_torch as bt

    g, d = workload.torch_nets()
    return bt.TorchLoop(g, d, workload.algorithm, optimizer, workload.torch_batch_shape(),
                        workload.latent_dim, precision=precision, **workload.loop_kwargs())


def _short_error(exc, limit=300):
    text = " ".join(str(exc).split())
    text = text if len(text) <= limit else text[: limit - 3] + "..."
    return f"{type(exc).__name__}: {text}"


# ---------------------------------------------------------------- measuring


def run_workload(workload, precisions, args, with_torch, log=print):
    """Builds, warms up and times every contestant of one workload; returns its rows.

    Args:
        workload: a :class:`Workload`.
        precisions: names from :data:`PRECISIONS`.
        args: the parsed options (``steps``, ``rounds``, ``warmup``).
        with_torch: include the PyTorch contestants.
        log: progress printer.
    """
    import bench

    entries = build_contestants(workload, precisions, with_torch, args.contestants, log=log)
    for row, contestant in entries:
        row.update(steps=steps_for(args.steps, workload, row["precision"]), rounds=args.rounds)
        if contestant is None:
            continue
        try:
            start = time.perf_counter()
            contestant.warmup(args.warmup)
            row["warmup_s"] = time.perf_counter() - start
            log(f"  {workload.name}/{row['precision']}/{row['contestant']}: "
                f"warm-up {row['warmup_s']:.1f}s")
        except Exception as exc:  # noqa: BLE001
            row["error"] = _short_error(exc)
            log(f"  {workload.name}/{row['precision']}/{row['contestant']}: FAILED: {row['error']}")
    live = [(row, c) for row, c in entries if c is not None and row["error"] is None]
    peaks = {id(row): [] for row, _ in live}
    for r in range(args.rounds):
        for row, contestant in live if r % 2 == 0 else live[::-1]:
            if row["error"] is not None:
                continue
            try:
                tf_side = contestant.framework == "tf"
                current = bench._reset_memory() if tf_side else None
                row["seconds"].append(contestant.timed(row["steps"]))
                peak = bench._peak_memory() if tf_side else None
                if current is not None and peak:
                    peaks[id(row)].append((peak - current) / _MB)
            except Exception as exc:  # noqa: BLE001
                row["error"] = _short_error(exc)
                log(f"  {workload.name}/{row['contestant']}: FAILED while timing: {row['error']}")
        log(f"  {workload.name}: round {r + 1}/{args.rounds} done")
    for row, contestant in live:
        if row["error"] is not None:
            continue
        row["jit_compile"] = getattr(contestant, "jit_compile", None)
        if hasattr(contestant, "defaults"):
            row["defaults"] = contestant.defaults()
        row["rates"] = [row["steps"] * workload.batch_size / s for s in row["seconds"]]
        row["samples_per_s"] = statistics.median(row["rates"])
        if contestant.framework == "tf":
            if peaks[id(row)]:
                row["step_mb"] = max(peaks[id(row)])
                row["memory"] = "tf allocator peak - in use at reset"
            else:
                row["memory"] = "n/a: TF allocator stats unavailable or no allocation seen"
        else:
            row["step_mb"] = contestant.step_memory_mb()
            row["memory"] = "torch profiler: peak of one step's allocations"
    rows = [row for row, _ in entries]
    _add_ratios(rows)
    del entries, live
    gc.collect()
    return rows


def _add_ratios(rows):
    """Sets ``ratio_vs_torch`` / ``ratio_range`` of every row.

    The ratio is the row's rate over PyTorch's of the same precision, round
    by round (runs adjacent in time), then the median over rounds.
    """
    for row in rows:
        torch_row = next((r for r in rows if r["framework"] == "torch"
                          and r["precision"] == row["precision"] and r["error"] is None), None)
        if row["error"] is not None or torch_row is None or not row["rates"]:
            continue
        ratios = [mine / theirs for mine, theirs in zip(row["rates"], torch_row["rates"])]
        row["ratio_vs_torch"] = statistics.median(ratios)
        row["ratio_range"] = [min(ratios), max(ratios)]


def run_generation(args, with_torch, log=print):
    """Generation rows (``tools/bench_compare_generation.py``) of a fresh, untrained DCGAN-64."""
    import bench_compare_generation as bg

    workload = WORKLOADS["dcgan64"]
    g, d = workload.keras_nets()
    model = workload.family_class()(g, d, latent_dim=workload.latent_dim, seed=0)
    torch_generator = workload.torch_nets()[0] if with_torch else None
    return bg.bench_generation(model, torch_generator, rounds=args.rounds, log=log)


# ------------------------------------------------------------------------ CLI


def _parse_steps(text):
    """``--steps``: ``"5"`` for every workload, or ``"dcgan64=3,dcgan64/bfloat16=1,mlp2d=100"``.

    Returns:
        ``{workload or "workload/precision": steps}``.
    """
    if text is None:
        return {}
    if "=" not in text:
        return {name: int(text) for name in WORKLOADS}
    steps = {}
    for item in text.split(","):
        key, _, value = (part.strip() for part in item.partition("="))
        name, _, precision = key.partition("/")
        if name not in WORKLOADS or (precision and precision not in PRECISIONS):
            raise ValueError(f"unknown workload or precision in {key!r}")
        steps[key] = int(value)
    return steps


def steps_for(steps, workload, precision):
    """Timed steps of ``workload`` at ``precision``.

    ``steps["name/precision"]``, else ``steps["name"]``, else the workload's default.
    """
    return steps.get(f"{workload.name}/{precision}", steps.get(workload.name, workload.steps))


def parse_args(argv=None):
    """Parses the command line of ``tools/bench.py --compare`` / ``tools/bench_compare.py``."""
    parser = argparse.ArgumentParser(
        prog="bench.py --compare",
        description="kerasgan's default fit vs a hand-written Keras loop vs PyTorch, same nets.",
    )
    parser.add_argument("--workloads", default=",".join(WORKLOADS),
                        help=f"comma-separated, from {', '.join(WORKLOADS)} (default: all)")
    parser.add_argument("--precisions", default=None,
                        help=f"comma-separated, from {', '.join(PRECISIONS)}, for every workload "
                        "(default: " + "; ".join(f"{w.name} {','.join(w.precisions)}"
                                                 for w in WORKLOADS.values()) + ")")
    parser.add_argument("--steps", default=None,
                        help="timed train steps per round: N for every workload, or "
                        "WORKLOAD[/PRECISION]=N,... (default: "
                        + ", ".join(f"{w.name}={w.steps}" for w in WORKLOADS.values()) + ")")
    parser.add_argument("--contestants", default=",".join(CONTESTANTS),
                        help="comma-separated kinds: kerasgan (fit), loop (Keras loop), loop_xla "
                        "(Keras loop with XLA), torch (PyTorch, the ratios' baseline); default: all")
    parser.add_argument("--rounds", type=int, default=3, help="alternating timed rounds (default: 3)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps per contestant (default: 2)")
    parser.add_argument("--threads", type=int, default=None,
                        help="set TF's intra-op threads and torch.set_num_threads to this")
    parser.add_argument("--no-generation", dest="generation", action="store_false",
                        help="skip the generation (predict / SavedModel / ONNX Runtime) part")
    parser.add_argument("--no-torch", action="store_true",
                        help="leave the PyTorch columns out even when torch is installed")
    parser.add_argument("--tf-default-allocator", action="store_true",
                        help="keep TF's default CPU allocator (no statistics: TF step MB is n/a)")
    parser.add_argument("--json", default=None, help="write config and rows here")
    parser.add_argument("--markdown", action="store_true", help="also print markdown tables")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    args.workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    unknown = [w for w in args.workloads if w not in WORKLOADS]
    if unknown or not args.workloads:
        parser.error(f"--workloads: unknown or empty {unknown}; valid: {', '.join(WORKLOADS)}")
    args.contestants = [c.strip() for c in args.contestants.split(",") if c.strip()]
    unknown = [c for c in args.contestants if c not in CONTESTANTS]
    if unknown or not args.contestants:
        parser.error(f"--contestants: unknown or empty {unknown}; valid: {', '.join(CONTESTANTS)}")
    if args.precisions is not None:
        args.precisions = [p.strip() for p in args.precisions.split(",") if p.strip()]
        unknown = [p for p in args.precisions if p not in PRECISIONS]
        if unknown or not args.precisions:
            parser.error(f"--precisions: unknown or empty {unknown}; "
                         f"valid: {', '.join(PRECISIONS)}")
    try:
        args.steps = _parse_steps(args.steps)
    except ValueError as exc:
        parser.error(f"--steps: {exc}")
    if any(n < 1 for n in args.steps.values()):
        parser.error("--steps must be >= 1")
    for name in ("rounds", "warmup", "threads"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name} must be >= 1")
    return args


def main(argv=None):
    """Runs the comparison and prints its tables; returns ``{"config", "rows", "generation"}``."""
    args = parse_args(argv)

    def log(message):
        if not args.quiet:
            print(message, file=sys.stderr, flush=True)

    if not args.tf_default_allocator and "tensorflow" not in sys.modules:
        # TF's default CPU allocator keeps no statistics; its BFC allocator does (same speed
        # here within noise, see docs/performance.md). Only effective before TF is imported.
        os.environ.setdefault("TF_CPU_ALLOCATOR_USE_BFC", "true")
    import keras
    import tensorflow as tf

    import bench_compare_report as report

    with_torch = not args.no_torch and torch_available()
    if not with_torch:
        log("PyTorch not used: " + ("--no-torch" if args.no_torch else TORCH_INSTALL_HINT)
            + "; TF columns only, ratios n/a.")
    if args.threads:
        tf.config.threading.set_intra_op_parallelism_threads(args.threads)
        if with_torch:
            import bench_compare_torch as bt

            bt.set_threads(args.threads)
    env = report.environment(with_torch, args.threads)
    log(report.format_environment(env))
    started = time.perf_counter()
    rows = []
    for name in args.workloads:
        workload = WORKLOADS[name]
        log(f"[{time.perf_counter() - started:5.0f}s] {name}: {workload.describe()}")
        precisions = args.precisions or list(workload.precisions)
        rows += run_workload(workload, precisions, args, with_torch, log=log)
        keras.backend.clear_session()
    generation = []
    if args.generation:
        log(f"[{time.perf_counter() - started:5.0f}s] generation: DCGAN-64 generator")
        generation = run_generation(args, with_torch, log=log)
    env["wall_s"] = time.perf_counter() - started
    env["load_average_end"] = report.load_average()
    config = {
        "workloads": {n: WORKLOADS[n].describe() for n in args.workloads},
        "precisions": {n: args.precisions or list(WORKLOADS[n].precisions) for n in args.workloads},
        "steps": {f"{n}/{p}": steps_for(args.steps, WORKLOADS[n], p)
                  for n in args.workloads
                  for p in args.precisions or WORKLOADS[n].precisions},
        "contestants": args.contestants, "rounds": args.rounds, "warmup": args.warmup,
        "argv": list(sys.argv[1:] if argv is None else argv), **env,
    }
    result = {"config": config, "rows": rows, "generation": generation}
    print(report.format_environment(env))
    print()
    print(report.format_training(rows))
    print(report.format_defaults(rows))
    if generation:
        print()
        print(report.format_generation(generation))
    if args.markdown:
        print()
        print(report.format_training(rows, markdown=True))
        if generation:
            print()
            print(report.format_generation(generation, markdown=True))
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(result, handle, indent=2)
    return result


if __name__ == "__main__":
    main()
