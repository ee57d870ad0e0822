"""InfoGAN (Chen et al., 2016)."""

import numpy as np
from keras import ops

from kerasgan.core import backend
from kerasgan.core.conditioning import batched_numpy, check_label_range, class_cross_entropy
from kerasgan.core.contract import SamplePicture, rows_of_codes
from kerasgan.core.gan import GAN
from kerasgan.core.reduction import replica_mean
from kerasgan.families import register


@register("infogan")
class InfoGAN(GAN):
    """Information-maximising GAN (Chen et al. 2016, arXiv:1606.03657).

    The generator's input is ``[noise, one_hot(c), u]``: ``noise_dim``
    Gaussian values, a categorical code ``c`` with ``num_categories`` values
    and ``num_continuous`` codes ``u ~ U(-1, 1)``. A Q head sharing the
    discriminator's trunk predicts the codes from a generated sample; the
    mutual-information lower bound ``L_I`` (cross-entropy for ``c``, a
    fixed-variance Gaussian log-likelihood, i.e. ``0.5 * squared error``, for
    ``u``) is minimised by both G and D/Q with weight ``info_weight``. The
    paper's MNIST setting: 10 categories, 2 continuous codes, 62 noise values,
    ``info_weight=1``; continuous codes weighted ``continuous_weight=0.1`` (the
    paper uses a smaller weight for continuous codes). Unsupervised: labels in
    the batch are ignored.

    Args:
        generator: model with one input ``z`` of size noise + categories + continuous.
        discriminator: model with dict outputs ``logits``, ``q_categorical``
            and (when ``num_continuous > 0``) ``q_continuous``.
        num_categories: size of the categorical code (10).
        num_continuous: number of continuous codes (2).
        info_weight: weight of ``L_I`` (1.0).
        continuous_weight: weight of the continuous part inside ``L_I`` (0.1).
        **kwargs: see :class:`kerasgan.core.GAN` (``latent_dim`` is the total input size).
    """

    #: Structural remedies do not apply (the discriminator also predicts the codes per sample); the look-ahead does.
    applicable_remedies = ("unroll_steps",)
    metric_names = ("d_loss", "g_loss", "info_loss")
    data_hint = "images or 2-D points (digits, ring8, grid25, ...)"

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim=None,
        *,
        num_categories=10,
        num_continuous=2,
        info_weight=1.0,
        continuous_weight=0.1,
        **kwargs,
    ):
        self.num_categories = int(num_categories)
        self.num_continuous = int(num_continuous)
        self.info_weight = float(info_weight)
        self.continuous_weight = float(continuous_weight)
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.noise_dim = self.latent_dim - self.num_categories - self.num_continuous
        if self.num_categories < 2 or self.num_continuous < 0 or self.noise_dim < 0:
            raise ValueError(
                f"latent_dim ({self.latent_dim}) must hold num_categories ({num_categories} >= 2) "
                f"+ num_continuous ({num_continuous} >= 0) + noise."
            )

    # ----------------------------------------------------------------- codes

    def compose_latents(self, noise, categories, continuous):
        """``[noise, one_hot(categories), continuous]`` as float32 latents."""
        one_hot = ops.one_hot(ops.cast(categories, "int32"), self.num_categories)
        return ops.concatenate(
            [ops.cast(noise, "float32"), ops.cast(one_hot, "float32"), ops.cast(continuous, "float32")],
            axis=-1,
        )

    def split_latents(self, z):
        """Returns (categorical code as int32, continuous codes) read from latents."""
        start = self.noise_dim
        categories = ops.argmax(z[:, start : start + self.num_categories], axis=-1)
        return ops.cast(categories, "int32"), z[:, start + self.num_categories :]

    def sample_latents(self, batch_size, draw):
        """Noise, a uniform category and uniform continuous codes from the stream."""
        noise = self.random_normal((batch_size, self.noise_dim), draw, stream=0)
        categories = self.random_labels(batch_size, self.num_categories, draw, stream=3)
        continuous = self.random_uniform(
            (batch_size, self.num_continuous), draw, stream=4, minval=-1.0, maxval=1.0
        )
        return self.compose_latents(noise, categories, continuous)

    def latents_from_seed(self, n, seed, categories=None, continuous=None):
        """``n`` latents from an integer ``seed``; codes not given are drawn from it too.

        Noise: ``stateless_normal`` with seed ``(seed, 0)``; continuous codes:
        uniform in [-1, 1) with ``(seed, 1)``; categories: uniform with
        ``(seed, 2)``. The exported ``generate(seed, category)`` draws one
        vector per seed with this function, so it matches
        ``model.generate(1, seed=s, categories=c)``.

        Args:
            n: number of vectors.
            seed: integer seed (int or int64 scalar tensor).
            categories: int categories ``(n,)`` (drawn when ``None``).
            continuous: float codes ``(n, num_continuous)`` (drawn when ``None``).
        """
        noise = backend.stateless_normal((n, self.noise_dim), backend.seed_pair(seed, 0))
        if continuous is None:
            continuous = backend.stateless_uniform(
                (n, self.num_continuous), backend.seed_pair(seed, 1), -1.0, 1.0
            )
        if categories is None:
            categories = backend.stateless_uniform_int(
                (n,), backend.seed_pair(seed, 2), self.num_categories
            )
        return self.compose_latents(noise, categories, continuous)

    def sample_latents_for_seed(self, n, seed, categories=None, continuous=None):
        """Latents for ``generate``: codes drawn from ``seed`` unless given (validated)."""
        n = int(n)
        if categories is not None:
            categories = check_label_range(
                np.broadcast_to(categories, (n,)), self.num_categories, "category"
            )
        if continuous is not None:
            continuous = np.broadcast_to(
                np.asarray(continuous, "float32"), (n, self.num_continuous)
            ).copy()
        return self.latents_from_seed(n, int(seed), categories=categories, continuous=continuous)

    def generate(self, n, seed=None, categories=None, continuous=None, batch_size=256):
        """Generates ``n`` samples, optionally fixing the codes.

        Args:
            n: number of samples.
            seed: integer seed of the noise (and of codes not given).
            categories: int category per sample (or one int for all).
            continuous: continuous codes, shape (n, num_continuous) or (num_continuous,).
            batch_size: generator batch size.

        Returns:
            ``np.ndarray`` of samples, float32: images in [-1, 1] (the
            exported SavedModel and ONNX ``images`` are in [0, 1]), points as
            coordinates.
        """
        if seed is None:
            seed = int(np.random.default_rng().integers(2**31))
        z = np.asarray(self.sample_latents_for_seed(int(n), seed, categories, continuous))
        return batched_numpy(lambda b: self.generator(b["z"], training=False), {"z": z}, batch_size)

    @property
    def serving_kind(self):
        """Exported ``generate`` takes a ``category`` per seed."""
        return "categories"

    @property
    def recipe_latent_dim(self):
        """A recipe's ``latent_dim`` is InfoGAN's noise size (the codes come on top)."""
        return self.noise_dim

    def conditions(self):
        """Samples are conditioned on ``categories`` (``num_categories`` values)."""
        return {"categories": self.num_categories}

    def sample_picture(self, seed, n=None, preview=None, categories=None):
        """A grid with one row per categorical code."""
        values, per_row = rows_of_codes(self.num_categories, categories, n)
        samples = self.generate(len(values), seed=seed, categories=values)
        return SamplePicture("grid", samples, per_row)

    @classmethod
    def build_tiny(cls, seed=7, **kwargs):
        """DCGAN generator and InfoGAN discriminator (4 base filters), 3 categories, 16 px."""
        import keras

        from kerasgan import nets
        from kerasgan.data import DataSpec

        keras.utils.set_random_seed(seed)
        total = 4 + 3 + 1
        generator = nets.dcgan_generator(latent_dim=total, image_size=16, base_filters=4)
        discriminator = nets.infogan_discriminator(
            image_size=16, channels=1, num_categories=3, num_continuous=1, base_filters=4, norm="none"
        )
        model = cls(generator, discriminator, latent_dim=total, num_categories=3,
                    num_continuous=1, seed=seed, **kwargs)
        return model, DataSpec("tiny-images", "image", (16, 16, 1))

    # ---------------------------------------------------------------- losses

    def info_loss(self, z, outputs):
        """Per-sample ``L_I``: code cross-entropy + weighted continuous error."""
        categories, continuous = self.split_latents(z)
        loss = class_cross_entropy(categories, outputs["q_categorical"])
        if self.num_continuous:
            error = ops.square(ops.cast(outputs["q_continuous"], "float32") - continuous)
            loss = loss + self.continuous_weight * 0.5 * ops.sum(error, axis=-1)
        return loss

    def discriminator_terms(self, batch, draw, training=True):
        """Adversarial loss of D plus ``info_weight * L_I`` for the Q head."""
        z = self.latents_for(batch, draw)
        fake = ops.stop_gradient(self.generated(batch, draw, training=training))
        real_out = self.discriminator(batch["real"], training=training)
        fake_out = self.discriminator(fake, training=training)
        adversarial = replica_mean(
            self.adversarial_loss.discriminator_loss(real_out["logits"], fake_out["logits"])
        )
        info = replica_mean(self.info_loss(z, fake_out))
        return {"d_loss": adversarial + self.info_weight * info, "info_loss": info}

    def generator_terms(self, batch, training=True):
        """Adversarial loss of G plus ``info_weight * L_I``."""
        z = self.latents_for(batch, self.generator_draw)
        out = self.discriminator(self.generated(batch, self.generator_draw, training=training),
                                 training=training)
        adversarial = replica_mean(self.adversarial_loss.generator_loss(out["logits"]))
        info = replica_mean(self.info_loss(z, out))
        return {"g_loss": adversarial + self.info_weight * info, "info_loss": info}

    def get_config(self):
        """Adds the code sizes and weights."""
        return {
            **super().get_config(),
            "num_categories": self.num_categories,
            "num_continuous": self.num_continuous,
            "info_weight": self.info_weight,
            "continuous_weight": self.continuous_weight,
        }

    @classmethod
    def build_default_model(cls, data_spec, latent_dim=None, num_categories=10, num_continuous=2, **kwargs):
        """MLP nets for points, DCGAN generator + InfoGAN discriminator for images.

        ``latent_dim`` is the noise size (62 for images, 4 for points); the
        generator input adds the codes to it.
        """
        from kerasgan import nets

        codes = num_categories + num_continuous
        if data_spec.kind == "points":
            noise = latent_dim or 4
            dim = data_spec.shape[-1]
            g = nets.mlp_generator(latent_dim=noise + codes, output_dim=dim)
            d = nets.infogan_mlp_discriminator(
                input_dim=dim, num_categories=num_categories, num_continuous=num_continuous
            )
        elif data_spec.kind == "image":
            noise = latent_dim or 62
            size, _, channels = data_spec.shape
            g = nets.dcgan_generator(latent_dim=noise + codes, image_size=size, channels=channels)
            d = nets.infogan_discriminator(
                image_size=size, channels=channels, num_categories=num_categories, num_continuous=num_continuous
            )
        else:
            raise ValueError(f"InfoGAN needs images or points; {data_spec.name!r} is {data_spec.kind!r}.")
        return cls(
            g, d, latent_dim=noise + codes, num_categories=num_categories, num_continuous=num_continuous, **kwargs
        )
