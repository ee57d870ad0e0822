"""Mode coverage of the default 2-D recipes, averaged over seeds.

Trains each family on each 2-D mixture with ``kerasgan train --family F
--data D --seed S`` (the default recipe, one process per run), reads the run's ``metrics.json`` (modes covered, high-quality share,
reverse KL of the mode histogram; 2,500 samples, the VEEGAN / PacGAN
protocol) and prints a markdown table of means and standard deviations over
seeds. Runs already in ``--out`` are reused, so an interrupted sweep resumes.

Usage::

    python tools/mode_coverage.py --families gan,lsgan --data ring8,grid25 --seeds 0,1,2
    python tools/mode_coverage.py --families wgan_gp --data ring8 --seeds 0 --epochs 50
    python tools/mode_coverage.py --plugin ragan.py --families ragan --data ring8
    python tools/mode_coverage.py --families fgan --family-arg divergence=reverse_kl

By default it sweeps every registered family that samples noise and trains on
2-D points without labels (as each family declares: ``sampling``,
``data_kinds``, ``needs_labels``).

Each run takes one to five minutes on two CPU cores.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _names(text):
    return [part.strip() for part in text.split(",") if part.strip()]


def default_families(plugins=()):
    """Families that sample noise and train on unlabelled 2-D points, as they declare."""
    from kerasgan import families

    for plugin in plugins:
        families.load_plugin(plugin)
    return [
        name for name, cls in sorted(families.classes().items())
        if cls.sampling == "noise" and "points" in cls.data_kinds and not cls.needs_labels
    ]


def _args_label(family_args):
    return ",".join(family_args)


def run_one(family, data, seed, out_root, epochs=None, plugins=(), family_args=()):
    """Trains one run with ``kerasgan train`` (or reuses a finished one); returns its metrics.

    Each run is its own ``python -m kerasgan train`` process, so its figures
    are exactly those a user gets from the same command (runs in one process
    share TensorFlow's random-op counters and would drift from them).

    Args:
        family: family name.
        data: ``ring8`` or ``grid25``.
        seed: training seed.
        out_root: folder holding one run folder per (family, data, seed).
        epochs: override of the recipe's epochs (``None``: the recipe).
        plugins: ``--plugin`` modules or files of families written outside kerasgan.
        family_args: ``KEY=VALUE`` family arguments passed on as ``--family-arg``.

    Returns:
        dict with ``modes``, ``num_modes``, ``high_quality_pct``, ``reverse_kl`` and ``seconds``.
    """
    name = f"{family}-{data}-s{seed}" + (f"-e{epochs}" if epochs else "")
    if family_args:
        name += "-" + _args_label(family_args).replace("=", "-").replace(",", "-")
    out_dir = os.path.join(out_root, name)
    metrics_path = os.path.join(out_dir, "metrics.json")
    timing_path = os.path.join(out_dir, "seconds.txt")
    if not os.path.isfile(metrics_path):
        command = [
            sys.executable, "-m", "kerasgan", "train", "--family", family, "--data", data,
            "--seed", str(seed), "--out", out_dir, "--sample-every", "0", "--verbose", "0",
            "--overwrite",
        ]
        if epochs:
            command += ["--epochs", str(epochs)]
        for argument in family_args:
            command += ["--family-arg", argument]
        for plugin in plugins:
            command += ["--plugin", os.path.abspath(plugin) if plugin.endswith(".py") else plugin]
        start = time.perf_counter()
        subprocess.run(command, check=True, env={**os.environ, "PYTHONPATH": _ROOT})
        with open(timing_path, "w") as f:
            f.write(f"{time.perf_counter() - start:.1f}\n")
    with open(metrics_path) as f:
        metrics = json.load(f)
    seconds = float("nan")
    if os.path.isfile(timing_path):
        with open(timing_path) as f:
            seconds = float(f.read())
    return {
        "modes": metrics["modes"],
        "num_modes": metrics.get("num_modes"),
        "high_quality_pct": metrics["high_quality_pct"],
        "reverse_kl": metrics["reverse_kl"],
        "seconds": seconds,
    }


def _mean_std(values):
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    if len(values) == 1:
        return f"{values[0]:.1f}"
    return f"{statistics.mean(values):.1f} ± {statistics.stdev(values):.1f}"


def main(argv=None):
    """Runs the sweep and prints the table; returns 0."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=_names, default=None,
                        help="comma-separated (default: every family that samples noise and "
                        "trains on unlabelled 2-D points)")
    parser.add_argument("--data", type=_names, default=_names("ring8,grid25"))
    parser.add_argument("--seeds", type=lambda t: [int(s) for s in _names(t)], default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=None, help="override the recipe's epochs")
    parser.add_argument("--out", default="runs/mode_coverage", help="folder of the runs")
    parser.add_argument("--json", help="also write every run's figures to this JSON file")
    parser.add_argument("--plugin", dest="plugins", action="append", default=[],
                        metavar="MODULE_OR_FILE.py",
                        help="a module that registers families, passed on to kerasgan train")
    parser.add_argument("--family-arg", dest="family_args", action="append", default=[],
                        metavar="KEY=VALUE",
                        help="a family argument for every run, passed on to kerasgan train "
                        "(repeatable)")
    args = parser.parse_args(argv)
    if args.families is None:
        args.families = default_families(args.plugins)

    rows, raw = [], {}
    for data in args.data:
        for family in args.families:
            runs = [run_one(family, data, s, args.out, args.epochs, args.plugins,
                            args.family_args)
                    for s in args.seeds]
            label = family + (f" ({_args_label(args.family_args)})" if args.family_args else "")
            raw[f"{label}/{data}"] = runs
            total = runs[0]["num_modes"] or "?"
            rows.append(
                f"| {label} | {data} | {len(runs)} | "
                f"{_mean_std([r['modes'] for r in runs])} / {total} | "
                f"{_mean_std([r['high_quality_pct'] for r in runs])} | "
                f"{_mean_std([r['reverse_kl'] for r in runs])} | "
                f"{_mean_std([r['seconds'] for r in runs])} |"
            )
            print(rows[-1], flush=True)
    print("\n| family | data | seeds | modes | high quality % | reverse KL | seconds |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(raw, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
