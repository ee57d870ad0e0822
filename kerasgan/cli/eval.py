"""``kerasgan eval``: FID, KID, IS, precision/recall, mode coverage, Parzen, content kept of a saved model."""

from __future__ import annotations

import argparse

from kerasgan.cli.args import (
    LazyText,
    add_plugin_argument,
    load_model_argument,
    non_negative_int,
    positive_int,
)
from kerasgan.errors import CLIError

__all__ = ["register"]


def _metric_list(text):
    """argparse type of ``--metrics``: comma-separated names, checked against the valid ones."""
    from kerasgan.metrics.evaluation import UnknownMetricError, parse_metrics

    try:
        return parse_metrics(text)
    except UnknownMetricError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _metrics_help():
    from kerasgan.metrics.evaluation import DEFAULT_METRICS, METRICS

    return (
        f"comma-separated, from {','.join(METRICS)} (default {','.join(DEFAULT_METRICS)}; "
        "no 'is' for 2-D points; content_kept, the default of image-to-image models, "
        "translates the held-out images of --data and judges them; target_accuracy, the default of "
        "classifier families (DANN), classifies the held-out target domain of an adaptation set)"
    )


def register(subparsers):
    """Registers ``kerasgan eval``."""
    p = subparsers.add_parser(
        "eval",
        help="evaluate a saved model: FID, KID, IS, precision/recall, mode coverage, Parzen, content kept, "
             "target accuracy",
        description=(
            "Evaluate a saved .keras model against a data set, print a table and optionally "
            "write JSON (values and protocol). Digits are judged with the shipped digits "
            "classifier, 2-D point sets directly, other image sets with InceptionV3 (its "
            "ImageNet weights must be in ~/.keras/models or given with --inception-weights). "
            "Image-to-image models (pix2pix, CycleGAN, StarGAN) are judged with content_kept on "
            "the held-out images of a data set whose translation is known (digits-edges, "
            "digits-inverse, digits-rotated, digits-thick, digits-domains). Classifier families "
            "(DANN) are judged with target_accuracy on the held-out target domain of an adaptation "
            "set (digits-adapt-inverse, digits-adapt-thick, adapt:SOURCE,TARGET). "
            "Protocol: docs/metrics.md."
        ),
    )
    p.add_argument(
        "model", metavar="MODEL.keras|NAME",
        help="a model saved by 'kerasgan train', or a zoo entry's name (its published weights)",
    )
    p.add_argument(
        "--data", required=True, help="real data: digits, ring8, grid25, folder:PATH or a tfds name"
    )
    p.add_argument(
        "--metrics",
        type=_metric_list,
        default=None,
        help=LazyText(_metrics_help),
    )
    p.add_argument(
        "--num-samples", type=positive_int, default=None,
        help="generated samples (default 10000 for images, 2500 for 2-D points); image-to-image "
        "models: held-out images translated (default all)",
    )
    p.add_argument("--json", metavar="OUT.json", default=None, help="write the results and protocol here")
    p.add_argument("--seed", type=non_negative_int, default=0, help="latent seed (0)")
    p.add_argument("--batch-size", type=positive_int, default=250, help="samples per batch (250)")
    p.add_argument("--reference-split", default="train", help="split of the real data (train)")
    p.add_argument("--cache-dir", default=None, help="cache real-data feature statistics here (.npz)")
    p.add_argument("--inception-weights", default="imagenet", metavar="PATH",
                   help="InceptionV3 weights file (default: Keras' cache, never downloaded)")
    p.add_argument("--data-dir", default=None, help="tensorflow_datasets data root")
    add_plugin_argument(p)
    p.set_defaults(handler=_cmd_eval)


def _count_samples(model, num_samples):
    """Shows the samples ``evaluate`` draws from ``model`` on a progress line (stderr).

    Samples are drawn a batch at a time as the metrics consume them, so the
    count is the evaluation's progress; the returned bar is closed by the caller.
    """
    from kerasgan.cli.progress import Progress
    from kerasgan.metrics.evaluation import IMAGE_NUM_SAMPLES, POINT_NUM_SAMPLES
    from kerasgan.metrics.sources import sample_shape

    if num_samples is None:
        points = len(sample_shape(model)) == 1
        num_samples = POINT_NUM_SAMPLES if points else IMAGE_NUM_SAMPLES
    bar = Progress("eval", "samples generated and measured", num_samples)
    generate = model.generate

    def counted(n, *args, **kwargs):
        samples = generate(n, *args, **kwargs)
        bar.advance(int(n))
        return samples

    object.__setattr__(model, "generate", counted)  # an instance attribute, not a tracked layer
    return bar


class _NoProgress:
    """The progress line of an image-to-image model: none (it translates one held-out split)."""

    def close(self, failed=False):
        """Nothing to close."""


def _format_value(value):
    if isinstance(value, int):
        return str(value)
    return f"{value:.6g}"


def _cmd_eval(args):
    if args.json is not None and not args.json.lower().endswith(".json"):
        raise CLIError(f"--json must name a .json file, got {args.json!r}.")
    from kerasgan import training
    from kerasgan.metrics.evaluation import evaluate, scalar_results
    from kerasgan.metrics.registry import model_metric_names

    model = load_model_argument(args.model)
    metrics = args.metrics
    model_metrics = model_metric_names(model)
    if model_metrics:  # measured on the data's truth, nothing is sampled
        metrics = metrics or model_metrics
        bar = _NoProgress()
    else:
        bar = _count_samples(model, args.num_samples)
    try:
        results = evaluate(
            model,
            args.data,
            metrics,
            num_samples=args.num_samples,
            seed=args.seed,
            batch_size=args.batch_size,
            reference_split=args.reference_split,
            cache_dir=args.cache_dir,
            inception_weights=args.inception_weights,
            data_dir=args.data_dir,
        )
    except BaseException:
        bar.close(failed=True)
        raise
    bar.close()
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
