"""CycleGAN (Zhu et al., 2017)."""

from keras import ops

from kerasgan.core import losses as losses_module
from kerasgan.core.conditioning import per_sample_l1
from kerasgan.core.reduction import replica_mean
from kerasgan.core.translation import ImageTranslationModel
from kerasgan.layers import ImageHistoryPool
from kerasgan.families import register


@register("cyclegan")
class CycleGAN(ImageTranslationModel):
    """Unpaired image-to-image translation (Zhu et al. 2017, arXiv:1703.10593).

    Two generators ``G_ab: A -> B`` and ``G_ba: B -> A`` and two
    discriminators ``D_a``, ``D_b``, trained with the least-squares GAN loss,
    the cycle-consistency loss ``|G_ba(G_ab(a)) - a| + |G_ab(G_ba(b)) - b|``
    (weight ``cycle_weight``, 10) and the identity loss
    ``|G_ab(b) - b| + |G_ba(a) - a|`` (weight ``identity_weight``, 0.5 x 10).
    Each discriminator sees generated images through a history pool of 50
    (:class:`kerasgan.layers.ImageHistoryPool`) and minimises half its loss.
    One ``train_step`` updates both discriminators (one optimizer over both)
    and then both generators. Defaults: Adam(2e-4, beta_1=0.5).

    Args:
        generator_ab, generator_ba: image -> image models (input ``image``).
        discriminator_a, discriminator_b: image -> logit map models.
        cycle_weight: lambda of the cycle loss (10).
        identity_weight: weight of the identity loss (``None``: 0.5 * cycle_weight;
            needs equal channel counts in both domains, else set 0).
        pool_size: size of each history pool (50; 0 disables).
        loss: adversarial loss name (``least_squares``).
        **kwargs: ``d_steps``, ``seed``, ``name``.
    """

    generator_keys = ("generator_ab", "generator_ba")
    discriminator_keys = ("discriminator_a", "discriminator_b")
    translator_key = "generator_ab"
    metric_names = ("d_loss", "g_loss", "cycle_loss", "identity_loss")
    data_kinds = ("unpaired",)
    data_hint = "an unpaired data set (digits-rotated, digits-thick, unpaired:PATH, cycle_gan/NAME)"

    def __init__(
        self,
        generator_ab,
        generator_ba,
        discriminator_a,
        discriminator_b,
        *,
        cycle_weight=10.0,
        identity_weight=None,
        pool_size=50,
        loss="least_squares",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.generator_ab = generator_ab
        self.generator_ba = generator_ba
        self.discriminator_a = discriminator_a
        self.discriminator_b = discriminator_b
        self.cycle_weight = float(cycle_weight)
        self.identity_weight = float(0.5 * cycle_weight if identity_weight is None else identity_weight)
        self.pool_size = int(pool_size)
        self.loss_name = losses_module.get(loss).name
        self.adversarial_loss = losses_module.get(self.loss_name)
        self.pool_a = ImageHistoryPool(self.pool_size, generator_ba.outputs[0].shape[1:], name="pool_a")
        self.pool_b = ImageHistoryPool(self.pool_size, generator_ab.outputs[0].shape[1:], name="pool_b")

    def unpack_batch(self, data):
        """Unpaired batches: ``(a, b)`` or ``{"a", "b"}``."""
        if isinstance(data, dict) and {"a", "b"} <= set(data):
            return {"a": data["a"], "b": data["b"]}
        if isinstance(data, (tuple, list)) and len(data) == 2:
            return {"a": data[0], "b": data[1]}
        raise ValueError(
            "CycleGAN trains on unpaired batches (a, b); load an unpaired data set such as "
            "digits-rotated, digits-thick, unpaired:DIR or cycle_gan/horse2zebra."
        )

    def _half_d_loss(self, discriminator, real, fake, training):
        per_sample = self.adversarial_loss.discriminator_loss(
            discriminator(real, training=training), discriminator(fake, training=training)
        )
        return 0.5 * replica_mean(per_sample)

    def discriminator_terms(self, batch, draw, training=True):
        """Both discriminators, on real images vs pooled generated ones."""
        a, b = batch["a"], batch["b"]
        fake_b = ops.stop_gradient(self.generator_ab(a, training=training))
        fake_a = ops.stop_gradient(self.generator_ba(b, training=training))
        if training:
            fake_b = self.pool_b(fake_b, seed=self.stream_seed(draw, stream=6))
            fake_a = self.pool_a(fake_a, seed=self.stream_seed(draw, stream=7))
        d_loss = self._half_d_loss(self.discriminator_a, a, fake_a, training) + self._half_d_loss(
            self.discriminator_b, b, fake_b, training
        )
        return {"d_loss": d_loss}

    def generator_terms(self, batch, training=True):
        """Adversarial + cycle + identity losses of both generators."""
        a, b = batch["a"], batch["b"]
        fake_b = self.generator_ab(a, training=training)
        fake_a = self.generator_ba(b, training=training)
        adversarial = self.adversarial_loss.generator_loss(
            self.discriminator_b(fake_b, training=training)
        ) + self.adversarial_loss.generator_loss(self.discriminator_a(fake_a, training=training))
        cycle = per_sample_l1(self.generator_ba(fake_b, training=training), a) + per_sample_l1(
            self.generator_ab(fake_a, training=training), b
        )
        terms = {"cycle_loss": replica_mean(cycle)}
        g_loss = replica_mean(adversarial) + self.cycle_weight * terms["cycle_loss"]
        if self.identity_weight:
            identity = per_sample_l1(self.generator_ab(b, training=training), b) + per_sample_l1(
                self.generator_ba(a, training=training), a
            )
            terms["identity_loss"] = replica_mean(identity)
            g_loss = g_loss + self.identity_weight * terms["identity_loss"]
        terms["g_loss"] = g_loss
        return terms

    def translator_for(self, images, direction="ab"):
        """``G_ab`` for ``direction="ab"`` (A -> B), ``G_ba`` for ``"ba"``."""
        if direction not in ("ab", "ba"):
            raise ValueError(f"direction must be 'ab' or 'ba', got {direction!r}.")
        return getattr(self, f"generator_{direction}"), {"image": images}

    def conditions(self):
        """Translations go one of two ways: ``direction`` ``"ab"`` or ``"ba"``."""
        return {"direction": ("ab", "ba")}

    def serving_generators(self):
        """Both generators: ``G_ab`` is ``serving_default``, ``G_ba`` ``translate_ba``."""
        return [("ab", self.generator_ab), ("ba", self.generator_ba)]

    def picture_columns(self, preview, direction=None):
        """a -> G_ab(a) and b -> G_ba(b) of an unpaired preview, or one direction of ``{"x"}``."""
        if "a" in preview:
            a, b = preview["a"], preview["b"]
            return [[a, b], [self.translate(a, direction="ab"), self.translate(b, direction="ba")]]
        x = preview["x"]
        return [x, self.translate(x, direction=direction or "ab")]

    @classmethod
    def build_tiny(cls, seed=7, **kwargs):
        """One-block ResNet generators and PatchGANs (4 base filters) on 16 px images."""
        import keras

        from kerasgan import nets
        from kerasgan.data import DataSpec

        keras.utils.set_random_seed(seed)
        options = {"image_size": 16, "base_filters": 4}
        model = cls(
            nets.resnet_generator(in_channels=1, out_channels=1, num_blocks=1, name="generator_ab", **options),
            nets.resnet_generator(in_channels=1, out_channels=1, num_blocks=1, name="generator_ba", **options),
            nets.patchgan_discriminator(channels=1, norm="instance", name="discriminator_a", **options),
            nets.patchgan_discriminator(channels=1, norm="instance", name="discriminator_b", **options),
            seed=seed,
            **kwargs,
        )
        return model, DataSpec("tiny-unpaired", "unpaired", (16, 16, 1), target_shape=(16, 16, 1))

    def get_config(self):
        """Adds the loss weights, pool size and loss name."""
        return {
            **super().get_config(),
            "cycle_weight": self.cycle_weight,
            "identity_weight": self.identity_weight,
            "pool_size": self.pool_size,
            "loss": self.loss_name,
        }

    @classmethod
    def build_default_model(cls, data_spec, latent_dim=None, **kwargs):
        """ResNet generators and PatchGAN discriminators (instance norm) for an unpaired set."""
        from kerasgan import nets

        if data_spec.kind != "unpaired":
            raise ValueError(f"CycleGAN needs an unpaired data set; {data_spec.name!r} is {data_spec.kind!r}.")
        size, _, ca = data_spec.shape
        cb = data_spec.target_shape[-1]
        base = 64 if size >= 64 else 32
        options = {"image_size": size, "base_filters": base}
        if ca != cb:
            kwargs.setdefault("identity_weight", 0.0)
        return cls(
            nets.resnet_generator(in_channels=ca, out_channels=cb, name="generator_ab", **options),
            nets.resnet_generator(in_channels=cb, out_channels=ca, name="generator_ba", **options),
            nets.patchgan_discriminator(channels=ca, norm="instance", name="discriminator_a", **options),
            nets.patchgan_discriminator(channels=cb, norm="instance", name="discriminator_b", **options),
            **kwargs,
        )
