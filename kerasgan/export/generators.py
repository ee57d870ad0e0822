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
KINDS = ("noise", "labels", "categories", "translation", "translation_domain", "points")


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
        path = os.fspath(model)
        if not path.endswith(".keras"):
            raise ExportError(
                f"{path} is not a .keras file; export a model saved with model.save('model.keras') "
                "(kerasgan train writes RUN/model.keras)."
            )
        if not os.path.isfile(path):
            raise ExportError(f"{path} does not exist; pass the model.keras of a training run.")
        import keras

        import kerasgan  # noqa: F401  (registers the families for deserialization)

        try:
            model = keras.models.load_model(path, compile=False)
        except Exception as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise ExportError(
                f"could not load {path} as a kerasgan model ({first}); is it a kerasgan family "
                "saved with model.save()?"
            ) from error
        source = os.path.abspath(path)
    family_name(model)  # raises for anything that is not a kerasgan family
    return model, source


def family_name(model):
    """Registered family name of ``model`` (``"dcgan"``...); ExportError if it has none."""
    from kerasgan import families

    for name, cls in families.FAMILIES.items():
        if type(model) is cls:
            return name
    for name, cls in families.FAMILIES.items():  # user subclasses of a family
        if isinstance(model, cls):
            return name
    raise ExportError(
        f"{type(model).__name__} is not a kerasgan family model; export one of "
        f"{', '.join(families.names())} (built with build_for_data or loaded from a .keras file)."
    )


def generator_kind(model):
    """The signature kind of a kerasgan model's generator.

    Args:
        model: a kerasgan family model.

    Returns:
        ``"noise"`` (image GANs), ``"points"`` (unconditional GANs on 2-D
        points), ``"labels"`` (CGAN, ACGAN), ``"categories"`` (InfoGAN),
        ``"translation"`` (pix2pix, CycleGAN) or ``"translation_domain"``
        (StarGAN).

    Raises:
        ExportError: for a model that is not a kerasgan family.

    Example:
        >>> generator_kind(kerasgan.families.get("cgan").build_for_data(kerasgan.data.spec("digits")))
        'labels'
    """
    from kerasgan.families import CycleGAN, InfoGAN, Pix2Pix, StarGAN
    from kerasgan.families.cgan import _LabelConditional

    family_name(model)
    if isinstance(model, StarGAN):
        return "translation_domain"
    if isinstance(model, (Pix2Pix, CycleGAN)):
        return "translation"
    if isinstance(model, InfoGAN):
        return "categories"
    if isinstance(model, _LabelConditional):
        return "labels"
    return "points" if len(model.generator.outputs[0].shape) == 2 else "noise"


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
        input_shape: shape of one input image (translation kinds), else ``None``.
        output_key: ``"images"`` or ``"points"``.
        compute_dtype: the generator's compute dtype (float16 under mixed precision).
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
    if family == "cyclegan":
        direction = direction or "ab"
        if direction not in ("ab", "ba"):
            raise ExportError(f"direction must be 'ab' or 'ba', got {direction!r}.")
        network = getattr(model, f"generator_{direction}")
    else:
        if direction is not None:
            raise ExportError(f"--direction is for cyclegan; {family} has a single generator.")
        network = model.generator
    sample_shape = tuple(int(d) for d in network.outputs[0].shape[1:])
    num_classes = {
        "labels": getattr(model, "num_classes", None),
        "categories": getattr(model, "num_categories", None),
        "translation_domain": getattr(model, "num_domains", None),
    }.get(kind)
    input_shape = None
    if kind.startswith("translation"):
        by_name = {t.name: t for t in network.inputs}
        image = by_name.get("image", network.inputs[0])
        input_shape = tuple(int(d) for d in image.shape[1:])
    return GeneratorInfo(
        model=model,
        family=family,
        kind=kind,
        network=network,
        direction=direction,
        latent_dim=None if kind.startswith("translation") else int(model.latent_dim),
        num_classes=None if num_classes is None else int(num_classes),
        sample_shape=sample_shape,
        input_shape=input_shape,
        output_key="images" if len(sample_shape) == 3 else "points",
        compute_dtype=_compute_dtype(network),
    )


def _compute_dtype(network):
    dtypes = {getattr(layer, "compute_dtype", "float32") for layer in network.layers}
    dtypes.discard("float32")
    return min(dtypes) if dtypes else "float32"


def float32_network(network):
    """The network itself if it computes in float32, else a float32 copy with its weights.

    Mixed-precision generators (``mixed_float16`` / ``mixed_bfloat16``) are
    rebuilt from their config with every dtype policy set to float32 and the
    same weights, so exports compute in float32 end to end (clean ONNX
    graphs, no float16 kernels needed on CPU servers).
    """
    if _compute_dtype(network) == "float32":
        return network
    import keras

    config = _float32_config(keras.saving.serialize_keras_object(network))
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy("float32")
    try:
        copy = keras.saving.deserialize_keras_object(config)
    finally:
        keras.mixed_precision.set_global_policy(previous)
    copy.set_weights(network.get_weights())
    return copy


def _float32_config(config):
    if isinstance(config, dict):
        if config.get("class_name") in ("DTypePolicy", "FloatDTypePolicy") and isinstance(
            config.get("config"), dict
        ):
            return {**config, "config": {**config["config"], "name": "float32"}}
        return {key: _float32_config(value) for key, value in config.items()}
    if isinstance(config, list):
        return [_float32_config(value) for value in config]
    if config in ("mixed_float16", "mixed_bfloat16"):
        return "float32"
    return config


def seed_latents_tf(info, seeds, categories=None):
    """Latents for int64 ``seeds`` (one vector per seed), as TF ops usable in a signature.

    Noise and label kinds: ``stateless_normal((1, latent_dim), seed=[s, 0])``
    per seed, the same draw as ``model.generate(1, seed=s)``. Categories
    (InfoGAN): noise as above (``noise_dim`` values), continuous codes
    ``stateless_uniform((1, num_continuous), seed=[s, 1], -1, 1)`` and the
    given ``categories`` one-hot.
    """
    import tensorflow as tf

    model = info.model

    def one(seed):
        key = tf.stack([tf.cast(seed, tf.int64), tf.constant(0, tf.int64)])
        if info.kind != "categories":
            return tf.random.stateless_normal((1, info.latent_dim), seed=key)[0]
        noise = tf.random.stateless_normal((1, model.noise_dim), seed=key)[0]
        code_key = tf.stack([tf.cast(seed, tf.int64), tf.constant(1, tf.int64)])
        continuous = tf.random.stateless_uniform(
            (1, model.num_continuous), seed=code_key, minval=-1.0, maxval=1.0
        )[0]
        return tf.concat([noise, continuous], axis=0)

    width = info.latent_dim if info.kind != "categories" else model.noise_dim + model.num_continuous
    drawn = tf.map_fn(one, seeds, fn_output_signature=tf.TensorSpec((width,), tf.float32))
    if info.kind != "categories":
        return drawn
    one_hot = tf.one_hot(tf.cast(categories, tf.int32), model.num_categories, dtype=tf.float32)
    return tf.concat([drawn[:, : model.noise_dim], one_hot, drawn[:, model.noise_dim :]], axis=1)


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
    if info.kind.startswith("translation"):
        raise ExportError(f"{info.family} translates images; it has no latents to draw.")
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
