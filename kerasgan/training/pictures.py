"""The pictures of a run: what the family draws, on disk as PNG.

The family decides the layout (:meth:`FamilyContract.sample_picture`: a
scatter of 2-D points, a grid with a row per class, [input | output] groups);
this module fetches the fixed data batch image-to-image pictures translate and
writes the picture.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "PREVIEW_EXAMPLES",
    "SAMPLE_SEED_OFFSET",
    "draw_picture",
    "mixture_centers",
    "preview_batch",
    "save_run_samples",
]

#: Examples in the fixed preview batch that image-to-image pictures translate.
PREVIEW_EXAMPLES = 8
#: Offset added to the run's seed for the fixed sampling latents.
SAMPLE_SEED_OFFSET = 20_240_601


def mixture_centers(data_name):
    """The mode centres of a 2-D mixture (for the scatter), or ``None``."""
    from kerasgan import data

    mixture = data.TOY2D.get(data_name)
    return None if mixture is None else mixture.centers


def preview_batch(config, data_spec, n=PREVIEW_EXAMPLES):
    """The fixed batch of data that the pictures of image-to-image families translate.

    Returns:
        ``{"source", "target"}`` for paired sets, ``{"a", "b"}`` for unpaired
        sets, ``{"source", "labels", "target"}`` for adaptation sets,
        ``{"x"}`` (shuffled with the run's seed so that labels mix) for other
        images, or ``None`` for families that sample noise.
    """
    from kerasgan import data as data_module

    if config.family_class().sampling == "noise":
        return None
    kwargs = {
        "image_size": config.image_size,
        "channels": config.channels,
        "data_dir": config.data_dir,
        "drop_remainder": False,
    }
    if data_spec.kind == "adapt":
        (source, labels), target = next(iter(data_module.load(
            config.data, PREVIEW_EXAMPLES * 4, shuffle=True, seed=config.seed, **kwargs)))
        return {"source": np.asarray(source), "labels": np.asarray(labels), "target": np.asarray(target)}
    if data_spec.kind in ("paired", "unpaired"):
        first, second = next(iter(data_module.load(config.data, n, shuffle=False, **kwargs)))
        keys = ("source", "target") if data_spec.kind == "paired" else ("a", "b")
        return {keys[0]: np.asarray(first), keys[1]: np.asarray(second)}
    batch = next(iter(data_module.load(config.data, n, shuffle=True, seed=config.seed, **kwargs)))
    return {"x": np.asarray(batch)}


def draw_picture(picture, path, title=None, centers=None, nrow=None):
    """Writes a :class:`~kerasgan.core.contract.SamplePicture` as a PNG.

    Args:
        picture: what the family drew.
        path: the ``.png`` path (written atomically).
        title: scatter title.
        centers: mode centres drawn on a scatter.
        nrow: images per grid row, or groups per row (overrides the picture's).

    Raises:
        ValueError: samples that cannot be drawn as a PNG.
    """
    from kerasgan import plotting

    samples = picture.samples
    if picture.layout == "groups":
        plotting.save_image_groups(samples, path, groups_per_row=nrow)
    elif picture.layout == "scatter" and samples.ndim == 2 and samples.shape[1] == 2:
        plotting.save_scatter(samples, path, centers=centers, title=title)
    elif picture.layout == "grid" and samples.ndim in (3, 4):
        plotting.save_image_grid(samples, path, nrow=nrow or picture.nrow)
    else:
        raise ValueError(f"cannot draw samples of shape {np.shape(samples)[1:]} as a PNG.")


def save_run_samples(model, path, data_spec, seed, preview=None, title=None):
    """Writes a run's sample picture and returns what was drawn.

    Returns:
        The generated samples (the 2-D points feed ``metrics.json``).
    """
    picture = model.sample_picture(seed, preview=preview)
    draw_picture(picture, path, title=title, centers=mixture_centers(data_spec.name))
    return picture.drawn
