"""``kerasgan invert``: find the latents of real images and draw them beside their reconstructions.

::

    kerasgan invert runs/digits/model.keras --input my_digits/ -o inverted.png
    kerasgan invert runs/digits/model.keras --input my_digits/ --steps 500 --save-latents z.npy

Works with models of noise-input families (see :mod:`kerasgan.inversion`).
The picture shows each input next to the image its latent regenerates.
"""

from __future__ import annotations

import os

from kerasgan.cli.args import add_plugin_argument, non_negative_int, positive_float, positive_int
from kerasgan.errors import CLIError

__all__ = ["add_search_arguments", "input_images", "load_invertible", "register"]

#: Images read from ``--input`` when -n is not given.
DEFAULT_INPUTS = 64


def add_search_arguments(p):
    """The flags shared by ``invert`` and ``complete``: model, inputs, output and the search."""
    p.add_argument("model", metavar="MODEL.keras", help="a model saved by kerasgan train")
    p.add_argument("--input", metavar="DIR", required=True,
                   help="folder of images (resized to the model's image size)")
    p.add_argument("-n", "--num", type=positive_int, default=DEFAULT_INPUTS,
                   help=f"use at most N images of --input ({DEFAULT_INPUTS})")
    p.add_argument("--steps", type=non_negative_int, default=300,
                   help="Adam steps on the latents (300)")
    p.add_argument("--learning-rate", type=positive_float, default=0.05,
                   help="Adam's learning rate on the latents (0.05)")
    p.add_argument("--seed", type=non_negative_int, default=0, help="seed of the starting latents (0)")
    p.add_argument("--nrow", type=positive_int, default=None, help="input/output pairs per row")
    add_plugin_argument(p)


def register(subparsers):
    """Registers ``kerasgan invert``."""
    p = subparsers.add_parser(
        "invert",
        help="find the latents of images with a noise-input model (inputs beside reconstructions)",
        description=(
            "Find, by gradient descent on z, the latents whose generated images match the "
            "images of --input, and write a PNG of each input beside its reconstruction. "
            "Needs a model of a noise-input family (dcgan, wgan_gp, ...)."
        ),
    )
    add_search_arguments(p)
    p.add_argument("-o", "--output", default="inverted.png", help="output PNG (inverted.png)")
    p.add_argument("--save-latents", metavar="FILE.npy", default=None,
                   help="also save the latents as a .npy array (N, latent_dim)")
    p.set_defaults(handler=_cmd_invert)


def load_invertible(args):
    """The model of ``args.model``, checked to be one the search applies to."""
    from kerasgan import training

    if not args.output.lower().endswith(".png"):
        raise CLIError(f"output must be a .png file, got {args.output!r}.")
    model = training.load_model_file(args.model, error=CLIError)
    generator = getattr(model, "generator", None)
    if model.sampling != "noise" or generator is None or len(generator.inputs) != 1:
        raise CLIError(f"{args.model!r} ({type(model).__name__}) does not map a latent vector "
                       "alone to an image; invert and complete need a noise-input model such as "
                       "dcgan or wgan_gp.")
    shape = tuple(int(d) for d in generator.outputs[0].shape[1:])
    if len(shape) != 3:
        raise CLIError(f"{args.model!r} generates {shape}-shaped samples, not images; invert "
                       "from Python with kerasgan.inversion.invert for other samples.")
    return model, shape


def input_images(args, shape):
    """The first ``-n`` images of ``--input`` at the model's size and channels, in [-1, 1]."""
    import numpy as np

    from kerasgan import data
    from kerasgan.data import folders as image_files

    if not os.path.isdir(args.input):
        raise CLIError(f"--input folder {args.input!r} not found (or not a folder).")
    size, width, channels = shape
    if size != width:
        raise CLIError(f"{args.model!r} makes {size}x{width} images; only square ones are supported.")
    count = min(len(image_files.list_images(args.input)), args.num)
    if count == 0:
        raise CLIError(f"--input folder {args.input!r} holds no images (png, jpg, bmp, gif).")
    dataset = data.load("folder:" + args.input, count, image_size=size, channels=channels,
                        shuffle=False, epoch_size=count, drop_remainder=False)
    return np.asarray(next(iter(dataset)))


def draw_pairs(columns, path, nrow):
    """Writes ``columns`` (a list of image arrays, e.g. [inputs, outputs]) as a PNG of groups."""
    from kerasgan import training
    from kerasgan.core.contract import SamplePicture

    training.draw_picture(SamplePicture("groups", columns), path, nrow=nrow)


def _cmd_invert(args):
    import numpy as np

    from kerasgan import inversion

    model, shape = load_invertible(args)
    images = input_images(args, shape)
    z = inversion.invert(model, images, args.steps, seed=args.seed,
                         learning_rate=args.learning_rate, verbose=1)
    reconstructions = inversion.regenerate(model, z)
    draw_pairs([images, reconstructions], args.output, args.nrow)
    if args.save_latents:
        np.save(args.save_latents, z)
    error = float(np.abs(reconstructions - images).mean())
    print(f"Inverted {len(images)} images of {args.input} (mean |pixel error| {error:.3f} in "
          f"[-1, 1]) into {args.output}")
    return 0
