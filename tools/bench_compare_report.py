"""Reporting of ``tools/bench_compare.py``: the machine and versions, and the result tables.

Tables come as aligned text (stdout) or markdown (``--markdown``, for
``docs/performance.md``); a missing figure prints ``n/a``.
"""

from __future__ import annotations

import datetime
import os
import platform


def _cpu_description():
    """``(model name, the flags of interest it has)`` from /proc/cpuinfo, else ``platform``'s."""
    name, flags = None, set()
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key.strip() == "model name" and name is None:
                    name = value.strip()
                elif key.strip() == "flags":
                    flags = set(value.split())
    except OSError:
        pass
    wanted = ("avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "amx_bf16", "amx_tile")
    return name or platform.processor() or "unknown", [f for f in wanted if f in flags]


def load_average():
    """The 1-minute load average (``os.getloadavg``), or ``None`` where unavailable."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def environment(with_torch, threads=None):
    """Versions, CPU and thread settings of this run, as a dict."""
    import keras
    import tensorflow as tf

    cpu, flags = _cpu_description()
    info = {
        "date": datetime.date.today().isoformat(),
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "torch": None,
        "cpu": cpu,
        "cpu_flags": flags,
        "cores": (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                  else os.cpu_count()),
        "tf_intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
        "tf_inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
        "torch_threads": None,
        "threads_option": threads,
        "tf_cpu_allocator": "bfc" if os.environ.get("TF_CPU_ALLOCATOR_USE_BFC", "").lower()
        in ("1", "true") else "default",
        "load_average_start": load_average(),
    }
    if with_torch:
        import bench_compare_torch as bt

        info.update(torch=bt.version(), torch_threads=bt.threads())
    return info


def _fmt(value, spec, missing="n/a"):
    return missing if value is None else format(value, spec)


def text_table(header, lines, markdown=False):
    """Rows of strings as an aligned text table, or a markdown table."""
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return "\n".join(out + ["| " + " | ".join(cells) + " |" for cells in lines])
    widths = [max(len(c) for c in column) for column in zip(header, *lines)]
    out = ["  ".join(c.ljust(w) for c, w in zip(header, widths)).rstrip()]
    out.append("-" * len(out[0]))
    out += ["  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip() for cells in lines]
    return "\n".join(out)


def format_training(rows, markdown=False):
    """The training rows as a table: rate, ratio to PyTorch, memory per contestant."""
    header = ["workload", "precision", "contestant", "jit", "steps", "img/s", "vs torch",
              "range", "step MB", "warm-up s"]
    lines = []
    for row in rows:
        cells = [row["workload"], row["precision"], row["contestant"],
                 "" if row["jit_compile"] is None else str(bool(row["jit_compile"])).lower(),
                 f"{row['steps']}x{row['rounds']}"]
        if row["error"] is not None:
            lines.append(cells + ["FAILED", "", "", "", row["error"][:80]])
            continue
        spread = row["ratio_range"]
        lines.append(cells + [
            _fmt(row["samples_per_s"], ".1f"), _fmt(row["ratio_vs_torch"], ".2f"),
            "" if spread is None else f"{spread[0]:.2f}-{spread[1]:.2f}",
            _fmt(row["step_mb"], ".0f"), _fmt(row["warmup_s"], ".1f"),
        ])
    return text_table(header, lines, markdown)


def format_defaults(rows):
    """One line per kerasgan row: what ``compile()`` chose (XLA and why, generator reuse...)."""
    return "\n".join(
        f"kerasgan defaults, {row['workload']}/{row['precision']}: {row['defaults']}"
        for row in rows if row.get("defaults")
    )


def format_generation(rows, markdown=False):
    """The generation rows as a table: median latency, images/s, ratio to PyTorch."""
    header = ["way", "batch", "median ms", "img/s", "vs torch", "range"]
    lines = []
    for row in rows:
        if row["error"]:
            lines.append([row["way"], str(row["batch"]), "n/a", "n/a", "n/a",
                          "unavailable: " + row["error"][:60]])
            continue
        spread = row["ratio_range"]
        lines.append([
            row["way"], str(row["batch"]), f"{row['latency_ms']:.2f}",
            f"{row['images_per_s']:.1f}", _fmt(row["ratio_vs_torch"], ".2f"),
            "" if spread is None else f"{spread[0]:.2f}-{spread[1]:.2f}",
        ])
    return text_table(header, lines, markdown)


def format_environment(env):
    """One paragraph describing the machine, versions and threads."""
    return (
        f"{env['date']}; CPU {env['cpu']} ({env['cores']} cores usable; flags: "
        f"{', '.join(env['cpu_flags']) or 'none of interest'}); Python {env['python']}, "
        f"TensorFlow {env['tensorflow']}, Keras {env['keras']}, "
        f"torch {env['torch'] or 'not installed'}; threads: TF intra-op "
        f"{env['tf_intra_op_threads'] or 'default (all cores)'}, inter-op "
        f"{env['tf_inter_op_threads'] or 'default'}, torch {env['torch_threads'] or 'n/a'}; "
        f"TF CPU allocator {env['tf_cpu_allocator']}; 1-min load average "
        f"{env['load_average_start']} at start"
        + (f", {env['load_average_end']} at end" if env.get("load_average_end") is not None else "")
    )
