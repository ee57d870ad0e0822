"""``kerasgan complete``: fill a hidden part of images with a noise-input model.

::

    kerasgan complete runs/digits/model.keras --input my_digits/ --mask bottom -o completed.png

The search matches the visible pixels only (:func:`kerasgan.inversion.complete`);
the picture shows each input with the hidden part blanked, then the completion.
"""

from __future__ import annotations

from kerasgan.cli.invert import add_search_arguments, draw_pairs, input_images, load_invertible

__all__ = ["MASKS", "mask_for", "register"]

#: The hidden region of each ``--mask`` choice, as (rows, columns) slices of a unit square.
MASKS = {
    "bottom": ((0.5, 1.0), (0.0, 1.0)),
    "top": ((0.0, 0.5), (0.0, 1.0)),
    "left": ((0.0, 1.0), (0.0, 0.5)),
    "right": ((0.0, 1.0), (0.5, 1.0)),
    "center": ((0.25, 0.75), (0.25, 0.75)),
}


def mask_for(name, shape):
    """1 (known) / 0 (hidden) float32 mask of ``shape`` (H, W, C) hiding region ``name``."""
    import numpy as np

    height, width = shape[:2]
    (r0, r1), (c0, c1) = MASKS[name]
    mask = np.ones(shape, "float32")
    mask[round(r0 * height):round(r1 * height), round(c0 * width):round(c1 * width)] = 0.0
    return mask


def register(subparsers):
    """Registers ``kerasgan complete``."""
    p = subparsers.add_parser(
        "complete",
        help="fill a hidden part of images with a noise-input model",
        description=(
            "Hide a region of each image of --input, find the latent whose image matches the "
            "visible pixels, and fill the hidden region from it; the visible pixels are kept. "
            "Writes a PNG of each masked input beside its completion."
        ),
    )
    add_search_arguments(p)
    p.add_argument("--mask", choices=sorted(MASKS), default="bottom",
                   help="the region to hide and fill (bottom)")
    p.add_argument("-o", "--output", default="completed.png", help="output PNG (completed.png)")
    p.set_defaults(handler=_cmd_complete)


def _cmd_complete(args):
    import numpy as np

    from kerasgan import inversion

    model, shape = load_invertible(args)
    images = input_images(args, shape)
    mask = mask_for(args.mask, shape)
    completed = inversion.complete(model, images, mask, args.steps, seed=args.seed,
                                   learning_rate=args.learning_rate, verbose=1)
    masked = np.where(mask > 0, images, -1.0)  # hidden region drawn as background
    draw_pairs([masked, completed], args.output, args.nrow)
    print(f"Completed the {args.mask} of {len(images)} images of {args.input} into {args.output}")
    return 0
