"""``kerasgan train``: train a family on a data set and write a run folder.

::

    kerasgan train --family wgan_gp --data ring8 --epochs 30 --out runs/ring8
    kerasgan train --config run.yaml --out runs/x --epochs 5   # flags override the YAML
    kerasgan train --config gan-ring8 --out runs/g             # a zoo entry's recipe
    kerasgan train --out runs/ring8 --resume --epochs 60       # continue a run
    kerasgan train --plugin ragan.py --family ragan --data ring8 --out runs/ragan
"""

from __future__ import annotations

import argparse
import os
import sys

from kerasgan.cli.args import (
    LazyChoices,
    LazyText,
    add_plugin_argument,
    key_value,
    non_negative_int,
    positive_float,
    positive_int,
    zoo_entry_named,
)
from kerasgan.errors import CLIError

__all__ = ["config_from_args", "config_path", "register"]

PROG = "kerasgan"

# CLI flag dest -> TrainConfig key (only flags the user gave override the YAML).
_TRAIN_FLAGS = (
    "family",
    "data",
    "epochs",
    "batch_size",
    "epoch_size",
    "image_size",
    "channels",
    "latent_dim",
    "seed",
    "g_lr",
    "d_lr",
    "ema_momentum",
    "d_steps",
    "mixed_precision",
    "jit_compile",
    "data_dir",
    "sample_every",
)


def register(subparsers):
    """Registers ``kerasgan train``."""
    p = subparsers.add_parser(
        "train",
        help="train a GAN family on a data set",
        description=(
            "Train a GAN and write a run folder: model.keras, samples.png, config.yaml, "
            "checkpoints/, samples/epoch_XXX.png, logs/ (TensorBoard) and, for 2-D data, "
            "metrics.json. Values come from the defaults, then --config, then flags."
        ),
        argument_default=argparse.SUPPRESS,
    )
    p.add_argument(
        "--family",
        help=LazyText(lambda: f"GAN family: {', '.join(_family_names())}, or one registered by --plugin"),
    )
    p.add_argument(
        "--data",
        help="data set: ring8, grid25, digits, folder:PATH or a tensorflow_datasets name; "
        "paired (pix2pix): digits-edges, digits-inverse, pairs:PATH; unpaired (cyclegan): "
        "digits-rotated, digits-thick, unpaired:PATH, cycle_gan/NAME; labelled domains "
        "(stargan): digits-domains",
    )
    p.add_argument("--out", required=True, help="run folder (created if missing)")
    p.add_argument(
        "--config",
        metavar="FILE.yaml|NAME",
        help="YAML file with TrainConfig keys, or a zoo entry's name (retrains the entry)",
    )
    p.add_argument("--epochs", type=positive_int, help="total epochs (default: recipe)")
    p.add_argument("--batch-size", type=positive_int, help="batch size (default: recipe)")
    p.add_argument(
        "--epoch-size", type=positive_int, help="examples per epoch (default: the data set's)"
    )
    p.add_argument("--image-size", type=positive_int, help="resize images to this side length")
    p.add_argument("--channels", type=int, choices=(1, 3), help="image channels")
    p.add_argument("--latent-dim", type=positive_int, help="size of z")
    p.add_argument("--seed", type=non_negative_int, help="seed of weights, data and latents (0)")
    p.add_argument("--g-lr", type=positive_float, help="generator learning rate (family's)")
    p.add_argument("--d-lr", type=positive_float, help="discriminator learning rate (family's)")
    p.add_argument(
        "--ema-momentum",
        type=float,
        help="moving average of the generator's weights, used at the end (recipe: 0.99 on "
        "2-D points, 0 = off on images)",
    )
    p.add_argument("--d-steps", type=positive_int, help="D updates per G update (family's)")
    p.add_argument(
        "--mixed-precision",
        choices=LazyChoices(_precision_policies),
        metavar="POLICY",
        help="dtype policy: %(choices)s (float32); auto: bfloat16 where the hardware has it "
        "natively (AVX-512 BF16/AMX CPUs, TPUs, Ampere+ GPUs), float16 on older GPUs",
    )
    p.add_argument(
        "--jit", dest="jit_compile", action="store_const", const=True,
        help="compile the step with XLA (default: the model's rule, XLA for dense nets on CPU)",
    )
    p.add_argument(
        "--no-jit", dest="jit_compile", action="store_const", const=False, help="do not use XLA"
    )
    p.add_argument("--data-dir", help="tensorflow_datasets data root")
    p.add_argument(
        "--sample-every",
        type=non_negative_int,
        help="epochs between sample pictures (1; 0: never)",
    )
    p.add_argument(
        "--family-arg",
        dest="family_args",
        metavar="KEY=VALUE",
        type=key_value,
        action="append",
        help="extra family argument, e.g. gp_weight=5 (repeatable)",
    )
    p.add_argument("--resume", action="store_true", help="continue the run in --out")
    p.add_argument(
        "--overwrite", action="store_true", help="start afresh even if --out holds a checkpoint"
    )
    p.add_argument(
        "--verbose",
        type=int,
        choices=(0, 1, 2),
        help="0 silent, 1 progress bar (default), 2 one line per epoch",
    )
    add_plugin_argument(p)
    p.set_defaults(handler=_cmd_train)


def _family_names():
    from kerasgan import families

    return families.names()


def _precision_policies():
    from kerasgan.core.precision import AUTO, MIXED_PRECISION_POLICIES

    return MIXED_PRECISION_POLICIES + (AUTO,)


def config_path(value):
    """The file a ``--config`` value names: a YAML path, or a zoo entry's name."""
    name = zoo_entry_named(value)
    if name is not None:
        from kerasgan.zoo import registry

        return registry.config_path(name)
    if not os.path.exists(value):
        import difflib

        from kerasgan.zoo import registry

        close = difflib.get_close_matches(value, registry.names(), n=3, cutoff=0.6)
        hint = f" Did you mean {', '.join(close)}?" if close else " See 'kerasgan zoo list'."
        raise CLIError(f"--config {value}: file not found, and no zoo entry of that name.{hint}")
    return value


def _config_file_values(path):
    """TrainConfig keys of a ``--config`` file: a plain config, or a zoo entry's recipe."""
    from kerasgan import training
    from kerasgan.zoo import schema as zoo_schema

    values = training.load_yaml_config(path)
    if zoo_schema.is_entry(values):
        values = zoo_schema.train_config_values(zoo_schema.validate_entry(values, path), path)
    return values


def config_from_args(args):
    """Builds the :class:`~kerasgan.training.TrainConfig` of ``kerasgan train``.

    Precedence: the saved config of the run (with ``--resume``), then the
    ``--config`` YAML, then the flags given on the command line.
    """
    from kerasgan import training

    values, source = {}, None
    if getattr(args, "resume", False):
        state = training.read_state(args.out)
        if state is None:
            raise training.ResumeError(
                f"cannot resume: no checkpoint in {args.out!r} "
                "(expected checkpoints/state.json); train without --resume first."
            )
        values.update(state.get("config", {}))
        source = training.checkpoint_paths(args.out)[1]
    if getattr(args, "config", None):
        source = config_path(args.config)
        values.update(_config_file_values(source))
    # Validate the file's keys before flags are merged, so messages name the file.
    if values:
        training.TrainConfig.from_dict(values, source=source)
    for key in _TRAIN_FLAGS:
        if key in args:
            values[key] = getattr(args, key)
    if getattr(args, "family_args", None):
        values["family_kwargs"] = {**values.get("family_kwargs", {}), **dict(args.family_args)}
    if "family" not in values or "data" not in values:
        missing = [k for k in ("family", "data") if k not in values]
        raise CLIError(
            f"train needs {' and '.join('--' + k for k in missing)} "
            "(or a --config file that sets them, or --resume of an existing run)."
        )
    return training.TrainConfig.from_dict(values)


def _cmd_train(args):
    from kerasgan import training

    config = config_from_args(args)
    # Fail fast, before importing data sources or building anything.
    config.family_class()
    try:
        result = training.run_training(
            config,
            args.out,
            resume=getattr(args, "resume", False),
            verbose=getattr(args, "verbose", 1),
            overwrite=getattr(args, "overwrite", False),
        )
    except KeyboardInterrupt:
        done = (training.read_state(args.out) or {}).get("epoch")
        if done:
            print(
                f"\n{PROG}: interrupted after epoch {done}; continue with: "
                f"{PROG} train --out {args.out} --resume",
                file=sys.stderr,
            )
            return 130
        raise
    print(f"Trained {result.config.family} on {result.config.data}: {result.config.epochs} epochs.")
    print(f"  model:   {result.paths['model']}")
    step = "XLA" if result.model.jit_compile else "no XLA"
    reason = getattr(result.model, "jit_compile_reason", None)
    print(f"  step:    {step}, {result.config.mixed_precision}" + (f" ({reason})" if reason else ""))
    print(f"  samples: {result.paths['samples']}")
    if result.metrics is not None:
        print(f"  metrics: {result.paths['metrics']}")
        keys = ("modes", "num_modes", "high_quality")
        summary = {k: result.metrics[k] for k in keys if k in result.metrics}
        if summary:
            print("  " + ", ".join(f"{k}={v}" for k, v in summary.items()))
    if "logs" in result.paths:
        print(f"  logs:    tensorboard --logdir {result.paths['logs']}")
    return 0
