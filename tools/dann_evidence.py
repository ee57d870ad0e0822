"""DANN against its source-only baseline: target-domain accuracy, mean over seeds.

Usage (from the repository root)::

    python tools/dann_evidence.py                                  # both digits sets, seeds 0 1 2
    python tools/dann_evidence.py --data digits-adapt-thick --seeds 0 --epochs 10

Each run builds ``DANN.build_for_data`` with the family's recipe
(``kerasgan/recipes/dann.yaml``), trains it with ``fit`` on the training
split's labelled source and unlabelled target, and scores ``classify`` on the
held-out target domain (``kerasgan.data.ground_truth(name, "test")``: every
test digit in the target style, labels never seen in training). The baseline
is the same run with ``domain_weight=0`` (the same networks and optimizers,
the domain loss out of the features' update). Prints one line per run and a
summary table; ``--json PATH`` writes the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def run_once(data_name, seed, domain_weight, epochs=None):
    """Trains one model and returns ``(target accuracy, source test accuracy, seconds)``."""
    import keras
    import numpy as np

    import kerasgan
    from kerasgan import data, families

    keras.utils.set_random_seed(seed)
    spec = data.spec(data_name)
    model = families.get("dann").build_for_data(spec, seed=seed, domain_weight=domain_weight)
    model.compile()
    recipe = model.training_recipe
    dataset = data.load(data_name, recipe["batch_size"], seed=seed)
    start = time.time()
    model.fit(dataset, epochs=epochs or recipe["epochs"], verbose=0)
    seconds = time.time() - start
    truth = data.ground_truth(data_name, "test")
    target = float(np.mean(model.classify(truth.target) == truth.labels))
    x, y = kerasgan.data.digits.digits_images("test") if data_name.startswith("digits-") else (None, None)
    source = float(np.mean(model.classify(x) == y)) if x is not None else float("nan")
    return target, source, seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", nargs="+", default=["digits-adapt-inverse", "digits-adapt-thick"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=None, help="default: the recipe's")
    parser.add_argument("--json", default=None, help="write the figures here")
    args = parser.parse_args(argv)
    import numpy as np

    results = {}
    for name in args.data:
        for label, weight in (("dann", 1.0), ("source_only", 0.0)):
            rows = []
            for seed in args.seeds:
                target, source, seconds = run_once(name, seed, weight, args.epochs)
                rows.append({"seed": seed, "target_accuracy": target, "source_accuracy": source})
                print(f"{name:22s} {label:12s} seed {seed}: target {target:.3f}  source {source:.3f}  "
                      f"({seconds:.0f} s)", flush=True)
            results.setdefault(name, {})[label] = {
                "runs": rows,
                "mean_target_accuracy": float(np.mean([r["target_accuracy"] for r in rows])),
                "std_target_accuracy": float(np.std([r["target_accuracy"] for r in rows])),
            }
    print("\ndata set               source-only target acc   DANN target acc   (mean +- std over seeds "
          f"{args.seeds})")
    for name, by in results.items():
        b, d = by["source_only"], by["dann"]
        print(f"{name:22s} {b['mean_target_accuracy']:.3f} +- {b['std_target_accuracy']:.3f}          "
              f"{d['mean_target_accuracy']:.3f} +- {d['std_target_accuracy']:.3f}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(results, handle, indent=2)
    return results


if __name__ == "__main__":
    main()
