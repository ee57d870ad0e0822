"""Generation side of ``tools/bench_compare.py``: one generator, five ways to run it.

The DCGAN-64 generator of an (untrained) ``kerasgan.DCGAN`` is run at batch 1
and 64 as

* ``keras predict``: ``G.predict(z, batch_size=B, verbose=0)``;
* ``keras call``: ``G(z, training=False)`` eagerly, converted to numpy;
* ``savedmodel``: the ``serving_default`` signature of the SavedModel
  :func:`kerasgan.export.export_savedmodel` writes, reloaded with
  ``tf.saved_model.load`` (images scaled to [0, 1] inside the signature);
* ``onnxruntime``: the file :func:`kerasgan.export.export_onnx` writes, in an
  ``onnxruntime.InferenceSession`` (CPU provider, default threads);
* ``pytorch eager``: the mirrored PyTorch generator (same random init
  scheme, not the same weights) under ``torch.inference_mode()``, when torch is installed.

Every call returns a numpy array (the work is finished when the clock stops).
Rounds alternate the order (serpentine); per round each (way, batch) makes
``calls`` timed calls after ``warmup`` untimed ones, and the row reports the
median latency over all timed calls and ``batch / median latency``
images/s. Ratios are against PyTorch's median latency of the same round.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

import numpy as np

TORCH = "pytorch eager"


def _callers(model, torch_generator, folder, log):
    """``{name: fn(z numpy) -> numpy}`` for every way that could be set up; failures logged."""
    import tensorflow as tf

    from kerasgan import export

    generator = model.generator
    callers = {
        "keras predict": lambda z: generator.predict(z, batch_size=len(z), verbose=0),
        "keras call": lambda z: generator(z, training=False).numpy(),
    }
    errors = {}
    try:
        result = export.export_savedmodel(model, os.path.join(folder, "savedmodel"), "dcgan64",
                                          warmup=False, batching=False)
        signature = tf.saved_model.load(result.path).signatures["serving_default"]
        callers["savedmodel"] = lambda z: signature(z=tf.constant(z))["images"].numpy()
    except Exception as exc:  # noqa: BLE001 - reported as the row's error
        errors["savedmodel"] = f"{type(exc).__name__}: {exc}"
    try:
        import onnxruntime

        path = os.path.join(folder, "dcgan64.onnx")
        export.export_onnx(model, path)
        session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
        callers["onnxruntime"] = lambda z: session.run(None, {"z": z})[0]
    except Exception as exc:  # noqa: BLE001
        errors["onnxruntime"] = f"{type(exc).__name__}: {exc}"
    if torch_generator is not None:
        import torch

        torch_generator.eval()

        def torch_call(z):
            with torch.inference_mode():
                return torch_generator(torch.from_numpy(z)).numpy()

        callers[TORCH] = torch_call
    for name, error in errors.items():
        log(f"  generation/{name}: unavailable: {error[:300]}")
    return callers, errors


def bench_generation(model, torch_generator, batches=(1, 64), rounds=3, calls=None, warmup=2,
                     log=print):
    """Times the generator of ``model`` every way at each batch size.

    Args:
        model: a kerasgan noise-to-image model (its ``generator`` is exported).
        torch_generator: the mirrored PyTorch module, or ``None`` (no baseline).
        batches: batch sizes.
        rounds: alternating rounds.
        calls: ``{batch: timed calls per round}``; default 20 at batch 1, 3 above.
        warmup: untimed calls per (way, batch) before the rounds.
        log: progress printer.

    Returns:
        One row dict per (way, batch): ``way``, ``batch``, ``latency_ms``
        (median), ``images_per_s``, ``ratio_vs_torch`` and ``ratio_range``
        (``None`` without torch), ``calls``, ``error``.
    """
    calls = calls or {b: (20 if b == 1 else 3) for b in batches}
    rng = np.random.default_rng(0)
    inputs = {b: rng.standard_normal((b, model.latent_dim)).astype("float32") for b in batches}
    with tempfile.TemporaryDirectory(prefix="bench-compare-") as folder:
        callers, errors = _callers(model, torch_generator, folder, log)
        for fn in callers.values():
            for b in batches:
                for _ in range(warmup):
                    fn(inputs[b])
        latencies = {(name, b): [] for name in callers for b in batches}
        per_round = {(name, b): [] for name in callers for b in batches}
        names = list(callers)
        for r in range(rounds):
            for name in names if r % 2 == 0 else names[::-1]:
                for b in batches:
                    times = []
                    for _ in range(calls[b]):
                        start = time.perf_counter()
                        callers[name](inputs[b])
                        times.append(time.perf_counter() - start)
                    latencies[(name, b)] += times
                    per_round[(name, b)].append(statistics.median(times))
    rows = []
    for name in names + list(errors):
        for b in batches:
            row = {"way": name, "batch": b, "calls": calls[b] * rounds, "latency_ms": None,
                   "images_per_s": None, "ratio_vs_torch": None, "ratio_range": None,
                   "error": errors.get(name)}
            if name in callers:
                median = statistics.median(latencies[(name, b)])
                row["latency_ms"] = median * 1e3
                row["images_per_s"] = b / median
                if TORCH in callers:
                    ratios = [t / s for t, s in zip(per_round[(TORCH, b)], per_round[(name, b)])]
                    row["ratio_vs_torch"] = statistics.median(ratios)
                    row["ratio_range"] = [min(ratios), max(ratios)]
            rows.append(row)
    return rows
