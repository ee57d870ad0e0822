"""``kerasgan sample``: draw samples (or translate images) with a saved model into a PNG.

::

    kerasgan sample runs/ring8/model.keras -n 64 -o grid.png --seed 0
    kerasgan sample runs/cgan/model.keras --labels 0,1,2 -o three_digits.png
    kerasgan sample runs/pix2pix/model.keras --input photos/ -o translated.png

A 2-D model's scatter is drawn like the training run's pictures: the data
set's modes as circles, on the same axes (the data set comes from
``--data``, the run's ``config.yaml`` or the zoo entry).

The model says what it can be conditioned on (``model.conditions()``); the
flags ``--labels``, ``--categories``, ``--domains`` and ``--direction`` are
checked against that.
"""

from __future__ import annotations

import os

from kerasgan.cli.args import (
    add_plugin_argument,
    int_list,
    load_model_argument,
    non_negative_int,
    positive_int,
    zoo_entry_named,
)
from kerasgan.errors import CLIError

__all__ = ["register"]

#: Images translated by ``sample --input`` when -n is not given.
_DEFAULT_INPUTS = 64
#: Sampling flags and the condition each one sets.
_CONDITION_FLAGS = {"labels": "--labels", "categories": "--categories",
                    "domains": "--domains", "direction": "--direction"}


def register(subparsers):
    """Registers ``kerasgan sample``."""
    p = subparsers.add_parser(
        "sample",
        help="generate samples (or translate images) with a saved model into a PNG",
        description=(
            "Generate samples from a saved .keras model and write a PNG, drawn the way the "
            "model's family draws them: an image grid (one row per label or category for "
            "conditional models), or a scatter plot for 2-D point models. Image-to-image "
            "models translate the images of --input DIR instead; the PNG shows each input "
            "next to its output(s)."
        ),
    )
    p.add_argument(
        "model", metavar="MODEL.keras|NAME",
        help="a model saved by 'kerasgan train', or a zoo entry's name (its published weights)",
    )
    p.add_argument(
        "-n", "--num", type=positive_int, default=None,
        help="number of samples (64; cgan/acgan/infogan: 8 per row); with --input: "
        "translate at most N images (64)",
    )
    p.add_argument("-o", "--output", default="samples.png", help="output PNG (samples.png)")
    p.add_argument("--seed", type=non_negative_int, default=0, help="latent seed (0)")
    p.add_argument(
        "--nrow", type=positive_int, default=None,
        help="images (with --input: input/output groups) per row of the grid",
    )
    p.add_argument(
        "--labels", type=int_list, default=None, metavar="0,1,2",
        help="cgan/acgan: class labels, one grid row each (default: every class)",
    )
    p.add_argument(
        "--categories", type=int_list, default=None, metavar="0,1,2",
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
        "--domains", type=int_list, default=None, metavar="0,1",
        help="stargan: target domains, one output per domain (default: every domain)",
    )
    p.add_argument(
        "--data", default=None, metavar="NAME",
        help="2-D models: the data set whose modes are drawn as circles, on the axes of the "
        "training run's pictures (default: the run's config.yaml next to the model, or the "
        "zoo entry's data)",
    )
    add_plugin_argument(p)
    p.set_defaults(handler=_cmd_sample)


def _check_range(values, count, flag, what):
    bad = [v for v in values if not 0 <= v < count]
    if bad:
        shown = ",".join(str(v) for v in bad)
        raise CLIError(
            f"{flag} {shown}: out of range; this model has {count} {what} (0..{count - 1})."
        )


def _conditions_from_flags(args, model):
    """The sampling conditions given as flags, checked against what the model takes."""
    name = f"{args.model!r} ({type(model).__name__})"
    accepted = model.conditions()
    takes = ", ".join(_CONDITION_FLAGS[k] for k in accepted if k in _CONDITION_FLAGS) or "none"
    conditions = {}
    for key, flag in _CONDITION_FLAGS.items():
        value = getattr(args, key)
        if value is None:
            continue
        if key not in accepted:
            raise CLIError(
                f"{flag} does not apply to {name}; the sampling flags it takes: {takes}."
            )
        allowed = accepted[key]
        if isinstance(allowed, int):
            _check_range(value, allowed, flag, key)
        conditions[key] = value
    takes_images = model.sampling != "noise"  # translators and classifiers read --input
    if not takes_images and args.input is not None:
        raise CLIError(f"--input needs an image-to-image model; {name} samples from noise: drop --input.")
    if takes_images and args.input is None:
        verb = "classifies" if model.sampling == "classification" else "translates"
        raise CLIError(
            f"{name} {verb} images rather than sampling noise: pass --input DIR "
            "(a folder of images)."
        )
    return conditions


def _input_images(args, model, conditions):
    """The first ``-n`` images of ``--input``, resized to the translator's input shape."""
    import numpy as np

    from kerasgan import data
    from kerasgan.data import folders as image_files

    if not os.path.isdir(args.input):
        raise CLIError(f"--input folder {args.input!r} not found (or not a folder).")
    generators = dict(model.serving_generators())
    network = generators.get(conditions.get("direction"), next(iter(generators.values())))
    by_name = {tensor.name: tensor for tensor in network.inputs}
    image = by_name.get("image", network.inputs[0])
    size, width, channels = (int(d) for d in image.shape[1:])
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


def _data_name(args):
    """The data set a model was trained on: ``--data``, the run's config, or the zoo entry's."""
    if args.data is not None:
        return args.data
    name = zoo_entry_named(args.model)
    if name is not None:
        from kerasgan.zoo import registry

        return registry.info(name, full=False)["data"]
    folder = os.path.dirname(os.path.abspath(args.model))
    for run in (folder, os.path.dirname(folder)):  # RUN/model.keras, RUN/checkpoints/last.keras
        path = os.path.join(run, "config.yaml")
        if os.path.isfile(path):
            from kerasgan import training

            try:
                return training.load_yaml_config(path).get("data")
            except (ValueError, OSError):  # not a run's config: draw without modes
                return None
    return None


def _cmd_sample(args):
    if not args.output.lower().endswith(".png"):
        raise CLIError(f"output must be a .png file, got {args.output!r}.")
    from kerasgan import training
    from kerasgan.training import pictures

    model = load_model_argument(args.model)
    conditions = _conditions_from_flags(args, model)
    if model.sampling != "noise":
        inputs = _input_images(args, model, conditions)
        picture = model.sample_picture(args.seed, preview={"x": inputs}, **conditions)
        training.draw_picture(picture, args.output, nrow=args.nrow)
        verb = "Classified" if model.sampling == "classification" else "Translated"
        print(f"{verb} {len(inputs)} images of {args.input} into {args.output}")
        if picture.caption:
            print(picture.caption)
        return 0
    picture = model.sample_picture(args.seed, n=args.num, **conditions)
    data_name = _data_name(args)
    # 2-D points are drawn as in the run: the modes as circles, on the same axes.
    centers = pictures.mixture_centers(data_name) if data_name else None
    title = f"{data_name}  seed {args.seed}" if centers is not None else None
    try:
        training.draw_picture(picture, args.output, nrow=args.nrow, centers=centers, title=title)
    except ValueError as error:
        raise CLIError(str(error)) from None
    print(f"Wrote {len(picture.samples)} samples to {args.output}")
    return 0
