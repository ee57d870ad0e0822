"""The ``kerasgan`` command line.

Subcommands::

    kerasgan train --family wgan_gp --data ring8 --epochs 30 --out runs/ring8
    kerasgan train --config run.yaml --out runs/x --epochs 5   # flags override the YAML
    kerasgan train --out runs/ring8 --resume --epochs 60       # continue a run
    kerasgan sample runs/ring8/model.keras -n 64 -o grid.png --seed 0
    kerasgan sample runs/cgan/model.keras --labels 0,1,2 -o three_digits.png
    kerasgan sample runs/pix2pix/model.keras --input photos/ -o translated.png

Errors (unknown family, data set or config key, missing files, bad flag values)
print one line ``kerasgan: error: ...`` on stderr and exit with status 2.
Set ``KERASGAN_DEBUG=1`` (or pass ``--debug``) to see the full traceback.

Adding a subcommand: write ``_add_NAME(subparsers)`` that registers its flags
and sets ``handler=_cmd_NAME``, and list it in :data:`_SUBCOMMANDS`.
"""

from __future__ import annotations

import argparse
import os
import sys

__all__ = ["main", "build_parser", "CLIError"]

PROG = "kerasgan"
EXIT_USAGE = 2


from kerasgan.errors import CLIError  # noqa: E402  (re-exported)


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one line (no usage dump), exit status 2."""

    def error(self, message):
        """Raises :class:`CLIError` instead of printing the usage and exiting."""
        raise CLIError(f"{message} (see '{self.prog} --help')")


# ----------------------------------------------------------------- arg types


def _int_at_least(minimum, description):
    """An argparse type accepting integers >= ``minimum``."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"expected {description}, got {text!r}")
        return value

    return parse


_positive_int = _int_at_least(1, "a positive integer")
_non_negative_int = _int_at_least(0, "an integer >= 0")


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def _key_value(text):
    import yaml

    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    try:
        parsed = yaml.safe_load(value) if value else None
    except yaml.YAMLError:
        parsed = value
    return key.strip(), parsed


# ------------------------------------------------------------------- train

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


def _add_train(subparsers):
    from kerasgan import families

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
    p.add_argument("--family", help=f"GAN family: {', '.join(families.names())}")
    p.add_argument(
        "--data",
        help="data set: ring8, grid25, digits, folder:PATH or a tensorflow_datasets name; "
        "paired (pix2pix): digits-edges, digits-inverse, pairs:PATH; unpaired (cyclegan): "
        "digits-rotated, digits-thick, unpaired:PATH, cycle_gan/NAME; labelled domains "
        "(stargan): digits-domains",
    )
    p.add_argument("--out", required=True, help="run folder (created if missing)")
    p.add_argument("--config", metavar="FILE.yaml", help="YAML file with TrainConfig keys")
    p.add_argument("--epochs", type=_positive_int, help="total epochs (default: recipe)")
    p.add_argument("--batch-size", type=_positive_int, help="batch size (default: recipe)")
    p.add_argument(
        "--epoch-size", type=_positive_int, help="examples per epoch (default: the data set's)"
    )
    p.add_argument("--image-size", type=_positive_int, help="resize images to this side length")
    p.add_argument("--channels", type=int, choices=(1, 3), help="image channels")
    p.add_argument("--latent-dim", type=_positive_int, help="size of z")
    p.add_argument("--seed", type=_non_negative_int, help="seed of weights, data and latents (0)")
    p.add_argument("--g-lr", type=_positive_float, help="generator learning rate (family's)")
    p.add_argument("--d-lr", type=_positive_float, help="discriminator learning rate (family's)")
    p.add_argument(
        "--ema-momentum",
        type=float,
        help="moving average of the generator's weights, used at the end (recipe: 0.99 on "
        "2-D points, 0 = off on images)",
    )
    p.add_argument("--d-steps", type=_positive_int, help="D updates per G update (family's)")
    p.add_argument(
        "--mixed-precision",
        choices=("float32", "mixed_float16", "mixed_bfloat16"),
        help="dtype policy (float32)",
    )
    p.add_argument(
        "--no-jit", dest="jit_compile", action="store_const", const=False, help="do not use XLA"
    )
    p.add_argument("--data-dir", help="tensorflow_datasets data root")
    p.add_argument(
        "--sample-every",
        type=_non_negative_int,
        help="epochs between sample pictures (1; 0: never)",
    )
    p.add_argument(
        "--family-arg",
        dest="family_args",
        metavar="KEY=VALUE",
        type=_key_value,
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
    p.set_defaults(handler=_cmd_train)


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
        values.update(training.load_yaml_config(args.config))
        source = args.config
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


# ------------------------------------------------------------------ sample


def _int_list(text):
    """argparse type of ``--labels`` / ``--categories`` / ``--domains``: ``0,1,2``."""
    parts = [part.strip() for part in text.split(",")]
    try:
        values = [int(part) for part in parts]
    except ValueError:
        values = None
    if not values:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers like 0,1,2, got {text!r}"
        )
    return values


def _add_sample(subparsers):
    p = subparsers.add_parser(
        "sample",
        help="generate samples (or translate images) with a saved model into a PNG",
        description=(
            "Generate samples from a saved .keras model and write a PNG: an image grid "
            "(one row per label for cgan/acgan, per category for infogan), or a scatter plot "
            "for 2-D point models. Image-to-image models (pix2pix, cyclegan, stargan) "
            "translate the images of --input DIR instead; the PNG shows each input next to "
            "its output(s)."
        ),
    )
    p.add_argument("model", metavar="MODEL.keras", help="a model saved by kerasgan train")
    p.add_argument(
        "-n", "--num", type=_positive_int, default=None,
        help="number of samples (64; cgan/acgan/infogan: 8 per row); with --input: "
        "translate at most N images (64)",
    )
    p.add_argument("-o", "--output", default="samples.png", help="output PNG (samples.png)")
    p.add_argument("--seed", type=_non_negative_int, default=0, help="latent seed (0)")
    p.add_argument(
        "--nrow", type=_positive_int, default=None,
        help="images (with --input: input/output groups) per row of the grid",
    )
    p.add_argument(
        "--labels", type=_int_list, default=None, metavar="0,1,2",
        help="cgan/acgan: class labels, one grid row each (default: every class)",
    )
    p.add_argument(
        "--categories", type=_int_list, default=None, metavar="0,1,2",
        help="infogan: categorical codes, one grid row each (default: every category)",
    )
    p.add_argument(
        "--input", metavar="DIR", default=None,
        help="pix2pix/cyclegan/stargan: folder of images to translate (resized to the "
        "model's input size)",
    )
    p.add_argument(
        "--direction", choices=("ab", "ba"), default=None,
        help="cyclegan: translate A->B (ab, default) or B->A (ba)",
    )
    p.add_argument(
        "--domains", type=_int_list, default=None, metavar="0,1",
        help="stargan: target domains, one output per domain (default: every domain)",
    )
    p.set_defaults(handler=_cmd_sample)


#: Images translated by ``sample --input`` when -n is not given.
_DEFAULT_INPUTS = 64


def _check_range(values, count, flag, what):
    bad = [v for v in values if not 0 <= v < count]
    if bad:
        shown = ",".join(str(v) for v in bad)
        raise CLIError(
            f"{flag} {shown}: out of range; this model has {count} {what} (0..{count - 1})."
        )


def _model_kind(model):
    """``"translation"``, ``"labels"``, ``"categories"`` or ``"noise"``."""
    from kerasgan.core.translation import ImageTranslationModel

    if isinstance(model, ImageTranslationModel):
        return "translation"
    if getattr(model, "num_classes", None):
        return "labels"
    if getattr(model, "num_categories", None):
        return "categories"
    return "noise"


def _check_sample_flags(args, model, kind):
    """Flags that do not fit the model are one-line errors naming what would fit."""
    name = f"{args.model!r} ({type(model).__name__})"
    if args.labels is not None:
        if kind != "labels":
            hint = " (use --categories for infogan)" if kind == "categories" else ""
            raise CLIError(
                f"--labels needs a label-conditional model (cgan, acgan); {name} is not one{hint}."
            )
        _check_range(args.labels, model.num_classes, "--labels", "classes")
    if args.categories is not None:
        if kind != "categories":
            raise CLIError(f"--categories needs an infogan model; {name} is not one.")
        _check_range(args.categories, model.num_categories, "--categories", "categories")
    if kind != "translation":
        for flag, value in (("--input", args.input), ("--direction", args.direction),
                            ("--domains", args.domains)):
            if value is not None:
                raise CLIError(
                    f"{flag} needs an image-to-image model (pix2pix, cyclegan, stargan); "
                    f"{name} samples from noise: drop {flag}."
                )
        return
    if args.input is None:
        raise CLIError(
            f"{name} translates images rather than sampling noise: pass --input DIR "
            "(a folder of images)."
        )
    num_domains = getattr(model, "num_domains", None)
    if args.domains is not None:
        if not num_domains:
            raise CLIError(f"--domains needs a stargan model; {name} is not one.")
        _check_range(args.domains, num_domains, "--domains", "domains")
    if args.direction is not None and not hasattr(model, "generator_ba"):
        raise CLIError(f"--direction needs a cyclegan model; {name} is not one.")


def _input_images(args, model):
    """The first ``-n`` images of ``--input``, resized to the translator's input shape."""
    import numpy as np

    from kerasgan import data
    from kerasgan.data import images as image_files

    if not os.path.isdir(args.input):
        raise CLIError(f"--input folder {args.input!r} not found (or not a folder).")
    if args.direction is not None:
        network = getattr(model, f"generator_{args.direction}")
    else:
        network = getattr(model, model.translator_key)
    size, width, channels = (int(d) for d in network.inputs[0].shape[1:])
    if size != width:
        raise CLIError(
            f"{args.model!r} translates {size}x{width} images; only square ones are supported."
        )
    count = min(len(image_files.list_images(args.input)), args.num or _DEFAULT_INPUTS)
    dataset = data.load(
        "folder:" + args.input, count, image_size=size, channels=channels,
        shuffle=False, epoch_size=count, drop_remainder=False,
    )
    return np.asarray(next(iter(dataset)))


def _cmd_sample(args):
    if not os.path.isfile(args.model):
        raise CLIError(f"model file {args.model!r} not found.")
    if not args.output.lower().endswith(".png"):
        raise CLIError(f"output must be a .png file, got {args.output!r}.")
    import keras

    import kerasgan  # noqa: F401  (registers the families for load_model)
    from kerasgan import plotting, training

    try:
        model = keras.models.load_model(args.model, compile=False)
    except Exception as error:  # noqa: BLE001  any load failure is a user-facing error
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise CLIError(f"could not load {args.model!r} as a kerasgan model: {detail}") from None
    if not hasattr(model, "generate"):
        raise CLIError(f"{args.model!r} is a Keras model but not a kerasgan GAN (no generate()).")
    kind = _model_kind(model)
    _check_sample_flags(args, model, kind)
    if kind == "translation":
        inputs = _input_images(args, model)
        columns = training.translation_columns(
            model, {"x": inputs}, direction=args.direction, domains=args.domains
        )
        plotting.save_image_groups(columns, args.output, groups_per_row=args.nrow)
        print(f"Translated {len(inputs)} images of {args.input} into {args.output}")
        return 0
    samples, per_row = training.image_samples(
        model, args.seed, n=args.num, labels=args.labels, categories=args.categories
    )
    if samples.ndim == 2 and samples.shape[1] == 2:
        plotting.save_scatter(samples, args.output)
    elif samples.ndim in (3, 4):
        plotting.save_image_grid(samples, args.output, nrow=args.nrow or per_row)
    else:
        raise CLIError(f"cannot draw samples of shape {samples.shape[1:]} as a PNG.")
    print(f"Wrote {len(samples)} samples to {args.output}")
    return 0


# -------------------------------------------------------------------- eval


def _metric_list(text):
    """argparse type of ``--metrics``: comma-separated names, checked against the valid ones."""
    from kerasgan.metrics.evaluation import UnknownMetricError, parse_metrics

    try:
        return parse_metrics(text)
    except UnknownMetricError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _add_eval(subparsers):
    from kerasgan.metrics.evaluation import DEFAULT_METRICS, METRICS

    p = subparsers.add_parser(
        "eval",
        help="evaluate a saved model: FID, KID, IS, precision/recall, mode coverage, Parzen",
        description=(
            "Evaluate a saved .keras model against a data set, print a table and optionally "
            "write JSON (values and protocol). Digits are judged with the shipped digits "
            "classifier, 2-D point sets directly, other image sets with InceptionV3 (its "
            "ImageNet weights must be in ~/.keras/models or given with --inception-weights). "
            "Protocol: docs/metrics.md."
        ),
    )
    p.add_argument("model", metavar="MODEL.keras", help="a model saved by kerasgan train")
    p.add_argument(
        "--data", required=True, help="real data: digits, ring8, grid25, folder:PATH or a tfds name"
    )
    p.add_argument(
        "--metrics",
        type=_metric_list,
        default=None,
        help=f"comma-separated, from {','.join(METRICS)} (default {','.join(DEFAULT_METRICS)}; "
        "no 'is' for 2-D points)",
    )
    p.add_argument(
        "--num-samples", type=_positive_int, default=None,
        help="generated samples (default 10000 for images, 2500 for 2-D points)",
    )
    p.add_argument("--json", metavar="OUT.json", default=None, help="write the results and protocol here")
    p.add_argument("--seed", type=_non_negative_int, default=0, help="latent seed (0)")
    p.add_argument("--batch-size", type=_positive_int, default=250, help="samples per batch (250)")
    p.add_argument("--reference-split", default="train", help="split of the real data (train)")
    p.add_argument("--cache-dir", default=None, help="cache real-data feature statistics here (.npz)")
    p.add_argument("--inception-weights", default="imagenet", metavar="PATH",
                   help="InceptionV3 weights file (default: Keras' cache, never downloaded)")
    p.add_argument("--data-dir", default=None, help="tensorflow_datasets data root")
    p.set_defaults(handler=_cmd_eval)


def _format_value(value):
    if isinstance(value, int):
        return str(value)
    return f"{value:.6g}"


def _cmd_eval(args):
    if not os.path.isfile(args.model):
        raise CLIError(f"model file {args.model!r} not found.")
    if args.json is not None and not args.json.lower().endswith(".json"):
        raise CLIError(f"--json must name a .json file, got {args.json!r}.")
    import keras

    import kerasgan  # noqa: F401  (registers the families for load_model)
    from kerasgan import training
    from kerasgan.metrics.evaluation import evaluate, scalar_results

    try:
        model = keras.models.load_model(args.model, compile=False)
    except Exception as error:  # noqa: BLE001  any load failure is a user-facing error
        detail = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise CLIError(f"could not load {args.model!r} as a kerasgan model: {detail}") from None
    if not hasattr(model, "generate"):
        raise CLIError(f"{args.model!r} is a Keras model but not a kerasgan GAN (no generate()).")
    results = evaluate(
        model,
        args.data,
        args.metrics,
        num_samples=args.num_samples,
        seed=args.seed,
        batch_size=args.batch_size,
        reference_split=args.reference_split,
        cache_dir=args.cache_dir,
        inception_weights=args.inception_weights,
        data_dir=args.data_dir,
    )
    values = scalar_results(results)
    n = values.pop("num_samples", None)
    print(f"Evaluated {args.model} on {args.data} ({n} samples, seed {args.seed}):")
    width = max(len("metric"), *(len(k) for k in values))
    print(f"  {'metric':<{width}}  value")
    for key, value in values.items():
        print(f"  {key:<{width}}  {_format_value(value)}")
    if args.json is not None:
        training.write_json({"model": args.model, "data": args.data, **results}, args.json)
        print(f"  json: {args.json}")
    return 0


# -------------------------------------------------------------------- main

def _add_export(subparsers):
    from kerasgan.export.command import register

    register(subparsers)


def _add_serve(subparsers):
    from kerasgan.serving.command import register

    register(subparsers)


def _add_zoo(subparsers):
    from kerasgan.zoo.command import register

    register(subparsers)


#: Subcommand registrars, in help order. The export, serve and zoo commands live
#: with their packages (``kerasgan/<package>/command.py``, a ``register(subparsers)``
#: that imports nothing heavy at module level).
_SUBCOMMANDS = (_add_train, _add_sample, _add_eval, _add_export, _add_serve, _add_zoo)


def build_parser():
    """The ``kerasgan`` argument parser with every subcommand."""
    from kerasgan import __version__

    parser = _Parser(
        prog=PROG,
        description="kerasgan: train, sample, evaluate, export and serve Keras GANs; use the model zoo.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="full tracebacks on errors (also KERASGAN_DEBUG=1)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for register in _SUBCOMMANDS:
        register(subparsers)
    return parser


def _one_line(error):
    text = str(error).strip()
    return " ".join(text.split()) or type(error).__name__


def main(argv=None):
    """Runs the ``kerasgan`` command line and returns its exit status.

    Args:
        argv: argument list (default ``sys.argv[1:]``).

    Returns:
        0 on success, 2 on a user error (reported as one ``kerasgan: error:`` line).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv or os.environ.get("KERASGAN_DEBUG", "") not in ("", "0")
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(argv)
        except SystemExit as exit_:  # --help / --version
            return exit_.code if isinstance(exit_.code, int) else 0
        if args.command is None:
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        return int(args.handler(args) or 0)
    except (CLIError, ValueError, FileNotFoundError) as error:
        if debug:
            raise
        print(f"{PROG}: error: {_one_line(error)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
