"""What a family tells the rest of kerasgan about itself.

Training, the CLI, export, serving, the zoo, the pictures, the benchmark and
the tests never test a family's name or class: they ask the family through
the attributes and methods of :class:`FamilyContract`, which every
:class:`~kerasgan.core.adversarial.AdversarialModel` inherits with defaults
that fit unconditional noise-to-sample families. A family overrides only
what differs.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from kerasgan.core import defaults
from kerasgan.errors import ConfigError

#: Samples drawn for the scatter of 2-D data (and the mode-coverage metrics).
POINT_SAMPLES = 2500
#: Images in an unconditional sample grid.
IMAGE_SAMPLES = 64
#: Samples per class / category row of a conditional sample grid.
SAMPLES_PER_ROW = 8
#: Most class / category rows drawn in one grid.
MAX_ROWS = 20


@dataclasses.dataclass
class SamplePicture:
    """What a family draws as its sample picture.

    Attributes:
        layout: ``"scatter"`` (2-D points), ``"grid"`` (images, ``nrow`` per
            row, ``None`` for a square grid) or ``"groups"`` (columns of an
            [input | output ...] picture of an image-to-image model).
        samples: the points or images (``"groups"``: a list of columns, each
            an array ``(N, H, W, C)`` or a list of them).
        nrow: images per grid row.
        caption: what the rows and columns are, when the family says it
            itself (``None``: the gallery says it from the layout).
    """

    layout: str
    samples: object
    nrow: int | None = None
    caption: str | None = None

    @property
    def drawn(self):
        """The generated samples (the outputs, for ``"groups"``)."""
        return self.samples[1] if self.layout == "groups" else self.samples


def rows_of_codes(count, codes=None, n=None):
    """Codes in blocks, one grid row each: ``(code per sample, samples per row)``.

    Args:
        count: number of code values (classes, categories).
        codes: the codes to draw, one row each (default: the first
            :data:`MAX_ROWS` values).
        n: total number of samples (default :data:`SAMPLES_PER_ROW` per row).
    """
    if codes is None:
        codes = np.arange(min(int(count), MAX_ROWS))
    codes = np.asarray(codes, dtype="int64").reshape(-1)
    per_row = SAMPLES_PER_ROW if n is None else math.ceil(int(n) / len(codes))
    values = np.repeat(codes, per_row)
    return (values if n is None else values[: int(n)]), per_row


class FamilyContract:
    """The declarations every family makes (defaults: a noise-to-sample family).

    Class attributes:
        family_name: the registered name (set by ``kerasgan.families.register``).
        data_kinds: data kinds the family trains on (``"points"``, ``"image"``,
            ``"paired"``, ``"unpaired"``).
        needs_labels: trains on ``(x, label)`` batches.
        data_hint: the data sets to suggest when the data does not fit.
        sampling: ``"noise"`` (``generate(n, seed, **conditions)``) or
            ``"translation"`` (``translate(images, **conditions)``).
        zoo_metrics: the quality metrics the zoo publishes, by data kind
            (``"reconstruction"``: families with ``reconstruct(images)``).
        recipe_file: path of the family's YAML recipe when it lives beside a
            plugin module (``None``: ``kerasgan/recipes/NAME.yaml``, else the
            nearest registered base class's recipe).
    """

    family_name = None
    data_kinds = ("image", "points")
    needs_labels = False
    data_hint = "images or 2-D points (digits, ring8, grid25, folder:PATH, a tfds name)"
    sampling = "noise"
    zoo_metrics = {"points": ("modes",), "image": ("fid", "kid", "is", "modes")}
    recipe_file = None

    # ------------------------------------------------------------------ data

    @classmethod
    def check_data(cls, data_spec):
        """Raises a one-line :class:`~kerasgan.errors.ConfigError` when the data does not fit.

        Example message: ``pix2pix needs a paired data set (digits-edges,
        digits-inverse, pairs:PATH); digits is image``.
        """
        name = cls.family_name or cls.__name__
        kind = data_spec.kind
        if kind not in cls.data_kinds:
            raise ConfigError(f"{name} needs {cls.data_hint}; {data_spec.name} is {kind}")
        if cls.needs_labels and not data_spec.num_classes:
            raise ConfigError(
                f"{name} needs {cls.data_hint}; {data_spec.name} is {kind} without labels"
            )

    # ------------------------------------------------------------ construction

    #: The recipe ``build_for_data`` applied (``None`` for a model built otherwise):
    #: its keys are :data:`kerasgan.recipes.RECIPE_KEYS`; ``compile()`` without
    #: optimizers reads ``g_lr``, ``d_lr`` and ``ema_momentum``, and ``epochs`` /
    #: ``batch_size`` are what ``kerasgan train`` would use. It is not saved: a
    #: loaded model replays its compile arguments instead.
    training_recipe = None

    @classmethod
    def default_recipe(cls, data_spec):
        """The family's training recipe for the data (the one ``kerasgan train`` uses).

        Returns:
            dict of recipe keys (see :func:`kerasgan.recipes.recipe_for`).

        Raises:
            ConfigError: the family has no recipe for this kind of data.
        """
        from kerasgan import recipes

        return recipes.recipe_for(cls, data_spec)

    @classmethod
    def build_for_data(cls, data_spec, latent_dim=None, *, recipe=None, **kwargs):
        """Builds the family with its default networks and its training recipe for a data set.

        The recipe is the family's YAML recipe for the data (the one
        ``kerasgan train --family F --data D`` uses): its latent size, family
        arguments and critic steps shape the model here, and ``compile()``
        without optimizers builds the family's optimizers at its learning
        rates and generator average, so ``build_for_data`` + ``compile()`` +
        ``fit`` train like the CLI (give ``fit`` the recipe's ``epochs`` and
        ``batch_size``, kept in :attr:`training_recipe`). Explicit arguments
        win over the recipe.

        Args:
            data_spec: a :class:`kerasgan.data.DataSpec`.
            latent_dim: size of ``z`` (``None``: the recipe's).
            recipe: ``None`` (the family's recipe, when it has one for this
                kind of data), ``False`` (the papers' settings: the builder's
                and constructor's own defaults) or a mapping of recipe keys.
            **kwargs: family arguments (``seed``, ``loss``, ``d_steps``,
                ``gp_weight`` ...), passed to :meth:`build_default_model`.

        Returns:
            An uncompiled model of this family, with :attr:`training_recipe` set.

        Example:
            >>> model = kerasgan.WGANGP.build_for_data(kerasgan.data.spec("ring8"), seed=0)
            >>> model.training_recipe["family_kwargs"], model.training_recipe["g_lr"]
            ({'gp_weight': 1.0}, 0.0003)
        """
        resolved = defaults.resolve_recipe(cls, data_spec, recipe)
        latent_dim, arguments = defaults.build_arguments(resolved, latent_dim, kwargs)
        model = cls.build_default_model(data_spec, latent_dim=latent_dim, **arguments)
        object.__setattr__(model, "training_recipe", resolved or None)
        return model

    @classmethod
    def build_default_model(cls, data_spec, latent_dim=None, **kwargs):
        """The family with its default networks for a data set, arguments as given (no recipe).

        Families implement this; :meth:`build_for_data` calls it with the
        recipe's values filled in.
        """
        raise NotImplementedError(
            f"{cls.__name__} has no default networks; build it from your own networks "
            f"({cls.__name__}(generator, discriminator, ...)) or implement build_default_model."
        )

    def recipe_optimizers(self):
        """Fresh ``(g_optimizer, d_optimizer)``: the family's, at :attr:`training_recipe`'s settings.

        Without a recipe (a model built from your own networks), the family's
        paper optimizers.
        """
        recipe = self.training_recipe or {}
        return defaults.optimizers_for(type(self), **{k: recipe.get(k) for k in defaults.OPTIMIZER_KEYS})

    # ------------------------------------------------------------- sampling

    def conditions(self):
        """What sampling can be conditioned on: ``{name: number of values or tuple of values}``.

        The names are the keyword arguments of ``generate`` / ``translate``
        (``labels``, ``categories``, ``domains``, ``direction``); the CLI's
        ``--labels`` etc. are checked against them. Default: none.
        """
        return {}

    def sample_picture(self, seed, n=None, preview=None, **conditions):
        """The family's sample picture (see :class:`SamplePicture`).

        Args:
            seed: latent seed.
            n: number of samples (default: the layout's).
            preview: a fixed data batch (image-to-image families).
            **conditions: see :meth:`conditions`.
        """
        if self.sampling == "translation":
            return SamplePicture("groups", self.picture_columns(preview, **conditions))
        if conditions:
            raise TypeError(f"{type(self).__name__} samples take no {sorted(conditions)}.")
        if self.serving_kind == "points":
            return SamplePicture("scatter", self.generate(n or POINT_SAMPLES, seed=seed))
        return SamplePicture("grid", self.generate(n or IMAGE_SAMPLES, seed=seed))

    def reconstruction_picture(self, images):
        """An [image | reconstruction] picture of real ``images``, or ``None`` (the default).

        Families with an encoder return :class:`SamplePicture` ``"groups"`` of
        each image beside ``G(E(x))``; the zoo gallery draws it under the samples.

        Args:
            images: real images ``(n, H, W, C)`` in [-1, 1].
        """
        return None

    def picture_columns(self, preview, **conditions):
        """[input | output] columns of an image-to-image picture of ``preview["x"]``."""
        x = preview["x"]
        return [x, self.translate(x, **conditions)]

    @property
    def recipe_latent_dim(self):
        """The ``latent_dim`` a recipe sets to rebuild this model (``None`` when it has none)."""
        return getattr(self, "latent_dim", None)

    # ---------------------------------------------------------------- serving

    @property
    def serving_kind(self):
        """The signature set export builds: ``"noise"``, ``"points"``, ``"labels"``,
        ``"categories"``, ``"translation"`` or ``"translation_domain"``."""
        return "points" if len(self.generator.outputs[0].shape) == 2 else "noise"

    def serving_generators(self):
        """The generator networks export serves, ``[(direction or None, network), ...]``.

        The first is ``serving_default``; further ones are exported as
        ``translate_DIRECTION`` signatures.
        """
        return [(None, self.generator)]

    def serving_encoder(self):
        """The encoder export serves as an ``encode`` signature (images in [0, 1] -> ``z``).

        Returns:
            ``(network, output key or None)``: a network mapping images in
            [-1, 1] to latents (or to a dict holding them under the key), or
            ``None`` (the default) for a family without an encoder.
        """
        return None

    # ------------------------------------------------------------------ tests

    @classmethod
    def build_tiny(cls, seed=7, **kwargs):
        """A small model of this family for tests, and the spec of the data it trains on.

        The shared harness (:func:`kerasgan.testing.run_family_test`) trains
        it on random data of that spec for a few steps; it must run in
        seconds. Default: MLP nets of 16 units on 2-D points.

        Returns:
            ``(model, DataSpec)``.
        """
        import keras

        from kerasgan import nets
        from kerasgan.data import DataSpec

        keras.utils.set_random_seed(seed)
        options = getattr(cls, "discriminator_options", {})
        generator = nets.mlp_generator(latent_dim=4, hidden_units=(16, 16))
        discriminator = nets.mlp_discriminator(  # pack=m: built for m samples at once
            input_dim=2 * int(kwargs.get("pack") or 1), hidden_units=(16, 16),
            spectral_norm=options.get("spectral_norm", False),
        )
        model = cls(generator, discriminator, seed=seed, **kwargs)
        return model, DataSpec("tiny-points", "points", (2,))
