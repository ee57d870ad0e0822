"""What an export needs to know about a kerasgan model: its kind, networks and sizes.

One home for the questions every exporter asks: which generator network(s)
to export, which inputs they take (:func:`generator_kind`), the latent and
image sizes, and how a seed becomes a latent vector
(:func:`latents_for_seeds`, matched by the SavedModel's ``generate``).
"""

from __future__ import annotations

import dataclasses
import os

import numpy as np

from kerasgan.core.precision import compute_dtype, float32_network

__all__ = [
    "KINDS",
    "ExportError",
    "GeneratorInfo",
    "describe_generator",
    "float32_network",
    "generator_kind",
    "latents_for_seeds",
    "load_model",
]

#: The generator kinds, each with its own signatures (see ``docs/export.md``).
KINDS = ("noise", "labels", "categories", "translation", "translation_domain", "points", "classifier")


from kerasgan.errors import ExportError  # noqa: E402  (re-exported)


def load_model(model):
    """Returns a kerasgan family model given the model itself or a ``.keras`` path.

    Args:
        model: a kerasgan family model, or a path (str / PathLike) to a file
            written by ``model.save("x.keras")``.

    Returns:
        ``(model, source)``: the model and a string naming where it came from
        (the absolute path, or ``"in-memory"``).

    Raises:
        ExportError: a missing file, a file that is not ``.keras``, a file
            that does not load, or an object that is not a kerasgan model.
    """
    source = "in-memory"
    if isinstance(model, (str, os.PathLike)):
        from kerasgan.training.files import load_model_file

        path = os.fspath(model)
        model = load_model_file(path, error=ExportError)
        source = os.path.abspath(path)
    family_name(model)  # raises for anything that is not a kerasgan family
    return model, source


def family_name(model):
    """Registered family name of ``model`` (``"dcgan"``...); ExportError if it has none."""
    from kerasgan import families

    name = families.name_of(model)
    if name is None:
        raise ExportError(
            f"{type(model).__name__} is not a kerasgan family model; export one of "
            f"{', '.join(families.names())} (built with build_for_data or loaded from a .keras "
            "file), or a class registered with @kerasgan.families.register."
        )
    return name


def generator_kind(model):
    """The signature kind of a kerasgan model's generator, as the family declares it.

    Args:
        model: a kerasgan family model.

    Returns:
        One of :data:`KINDS` (``model.serving_kind``).

    Raises:
        ExportError: for a model that is not a kerasgan family, or a kind
            export does not know.
    """
    family_name(model)
    kind = model.serving_kind
    if kind not in KINDS:
        raise ExportError(
            f"{type(model).__name__}.serving_kind is {kind!r}; export knows {', '.join(KINDS)}."
        )
    return kind


@dataclasses.dataclass
class GeneratorInfo:
    """The facts an exporter needs about one generator network.

    Attributes:
        model: the kerasgan model.
        family: registered family name.
        kind: one of :data:`KINDS`.
        network: the generator network to export (CycleGAN: the chosen direction).
        direction: CycleGAN's ``"ab"`` / ``"ba"``, else ``None``.
        latent_dim: size of ``z`` (noise kinds), else ``None``.
        num_classes: labels, categories or domains (``None`` when unconditional).
        sample_shape: shape of one output sample (``(H, W, C)`` or ``(2,)``).
        input_shape: shape of one input image (translation kinds, and the
            ``encode`` signature of families with an encoder), else ``None``.
        output_key: ``"images"``, ``"points"`` or (classifiers) ``"probabilities"``.
        compute_dtype: the generator's compute dtype (float16 under mixed precision).
        encoder: the family's encoder network (``model.serving_encoder()``), else ``None``.
        encoder_output: the encoder's output that holds the latents (``None``: its only output).
    """

    model: object
    family: str
    kind: str
    network: object
    direction: str | None
    latent_dim: int | None
    num_classes: int | None
    sample_shape: tuple
    input_shape: tuple | None
    output_key: str
    compute_dtype: str
    encoder: object = None
    encoder_output: str | None = None

    @property
    def takes_image(self):
        """True when the signatures take an ``image`` (translation kinds, classifiers)."""
        return self.kind.startswith("translation") or self.kind == "classifier"

    @property
    def is_image(self):
        """True when the generator outputs images (NHWC)."""
        return len(self.sample_shape) == 3

    @property
    def conditioned(self):
        """Name of the extra int input of the signatures (``"label"``) or None."""
        return "label" if self.kind in ("labels", "translation_domain") else None

    def metadata(self):
        """JSON-ready facts for ``kerasgan_export.json``."""
        import kerasgan

        return {
            "family": self.family,
            "kind": self.kind,
            "direction": self.direction,
            "latent_dim": self.latent_dim,
            "num_classes": self.num_classes,
            "noise_dim": getattr(self.model, "noise_dim", None) if self.kind == "categories" else None,
            "num_continuous": getattr(self.model, "num_continuous", None)
            if self.kind == "categories"
            else None,
            "sample_shape": list(self.sample_shape),
            "input_shape": list(self.input_shape) if self.input_shape else None,
            "output": self.output_key,
            "value_range": [0.0, 1.0] if self.is_image else None,
            "trained_compute_dtype": self.compute_dtype,
            "kerasgan_version": kerasgan.__version__,
        }


def describe_generator(model, direction=None):
    """Collects the :class:`GeneratorInfo` of a kerasgan model.

    Args:
        model: a kerasgan family model.
        direction: CycleGAN only: ``"ab"`` (default) or ``"ba"``.

    Returns:
        :class:`GeneratorInfo`.

    Raises:
        ExportError: not a kerasgan model, or a direction given for another family.
    """
    family = family_name(model)
    kind = generator_kind(model)
    generators = model.serving_generators()
    directions = [d for d, _ in generators if d is not None]
    if direction is None:
        direction, network = generators[0]
    elif direction in directions:
        network = dict(generators)[direction]
    elif directions:
        raise ExportError(f"direction must be one of {', '.join(map(repr, directions))}, got {direction!r}.")
    else:
        raise ExportError(
            f"--direction is for models with several generators; {family} has a single generator."
        )
    sample_shape = tuple(int(d) for d in network.outputs[0].shape[1:])
    num_classes = {
        "labels": getattr(model, "num_classes", None),
        "categories": getattr(model, "num_categories", None),
        "translation_domain": getattr(model, "num_domains", None),
        "classifier": getattr(model, "num_classes", None),
    }.get(kind)
    input_shape = None
    takes_image = kind.startswith("translation") or kind == "classifier"
    if takes_image:
        by_name = {t.name: t for t in network.inputs}
        image = by_name.get("image", network.inputs[0])
        input_shape = tuple(int(d) for d in image.shape[1:])
    encoder, encoder_output = model.serving_encoder() or (None, None)
    if encoder is not None:
        input_shape = tuple(int(d) for d in encoder.inputs[0].shape[1:])
    return GeneratorInfo(
        model=model,
        family=family,
        kind=kind,
        network=network,
        direction=direction,
        latent_dim=None if takes_image else int(model.latent_dim),
        num_classes=None if num_classes is None else int(num_classes),
        sample_shape=sample_shape,
        input_shape=input_shape,
        output_key="images" if len(sample_shape) == 3 else ("probabilities" if kind == "classifier" else "points"),
        compute_dtype=_compute_dtype(network),
        encoder=encoder,
        encoder_output=encoder_output,
    )


def _compute_dtype(network):
    return compute_dtype(network)


def seed_latents_tf(info, seeds, categories=None):
    """Latents for int64 ``seeds`` (one vector per seed), as TF ops usable in a signature.

    The family draws them (``model.latents_for_seeds``), with the same map
    from a seed to a latent as ``model.generate(1, seed=s)``; category-coded
    models (InfoGAN) take one ``categories`` value per seed.
    """
    codes = {} if categories is None else {"categories": categories}
    return info.model.latents_for_seeds(seeds, **codes)


def latents_for_seeds(model, seeds, categories=None):
    """The latents the SavedModel's ``generate`` signature uses for ``seeds`` (numpy).

    Use it to drive an ONNX export (which takes ``z``) with the same seeds as
    a TF Serving ``generate`` call: ``onnx(z=latents_for_seeds(model, seeds))``
    gives the same images as ``generate(seed=seeds)``.

    Args:
        model: a kerasgan noise-, label- or category-conditioned model.
        seeds: int seeds, one latent vector each.
        categories: InfoGAN only (required there): one category per seed.

    Returns:
        float32 array ``(len(seeds), latent_dim)``. For noise and label
        families row ``i`` equals ``model.sample_latents_for_seed(1, seeds[i])``.

    Raises:
        ExportError: a translation model, or missing/out-of-range categories.
    """
    import tensorflow as tf

    model, _ = load_model(model)
    info = describe_generator(model)
    if info.takes_image:
        raise ExportError(f"{info.family} takes images; it has no latents to draw.")
    seeds = np.asarray(seeds, dtype="int64").reshape(-1)
    if info.kind == "categories":
        if categories is None:
            raise ExportError(
                "InfoGAN latents need a category per seed: latents_for_seeds(model, seeds, categories)."
            )
        categories = np.broadcast_to(np.asarray(categories, dtype="int32"), seeds.shape)
        if categories.size and (categories.min() < 0 or categories.max() >= info.num_classes):
            raise ExportError(f"categories must be in [0, {info.num_classes}); got {categories.tolist()}.")
    elif categories is not None:
        raise ExportError(f"{info.family} takes no categories.")
    z = seed_latents_tf(info, tf.constant(seeds), None if categories is None else tf.constant(categories))
    return np.asarray(z, dtype="float32")
