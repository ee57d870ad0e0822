"""ACGAN (Odena, Olah & Shlens, 2017)."""

import keras

from kerasgan.core.conditioning import class_cross_entropy, image_shape_of, labelled_num_classes
from kerasgan.core.reduction import replica_mean
from kerasgan.families.cgan import _LabelConditional
from kerasgan.families import register


@register("acgan")
class ACGAN(_LabelConditional):
    """Auxiliary-classifier GAN (Odena et al. 2017, arXiv:1610.09585).

    ``G(z, c)`` generates class ``c`` (sampled uniformly for every fake); the
    discriminator takes only the sample and has two heads, ``logits`` (real
    vs fake) and ``class_logits``. Both networks also minimise the class
    cross-entropy: D on real and generated samples, G on generated ones.
    Defaults: non-saturating loss, ``class_weight=1``, Adam(2e-4, beta_1=0.5).

    Args:
        generator: model with inputs ``z`` and ``label``.
        discriminator: model with one input and dict outputs ``logits`` and
            ``class_logits`` (see ``kerasgan.nets.acgan_discriminator``).
        num_classes: number of classes.
        class_weight: weight of the auxiliary classification loss (1.0).
        **kwargs: see :class:`kerasgan.core.GAN`.
    """

    metric_names = ("d_loss", "g_loss", "d_class_loss", "g_class_loss")
    data_kinds = ("image",)
    data_hint = "a labelled image data set (digits, digits-domains, mnist, ...)"

    def __init__(self, generator, discriminator, num_classes, latent_dim=None, *, class_weight=1.0, **kwargs):
        self.class_weight = float(class_weight)
        super().__init__(generator, discriminator, num_classes, latent_dim, **kwargs)

    def _fake_labels(self, batch, draw):
        return self.random_labels(keras.ops.shape(batch["real"])[0], self.num_classes, draw, stream=2)

    def generator_output(self, batch, draw, training=True):
        """``G(z, y)`` for update ``draw``'s latents and random labels (ACGAN draws its own)."""
        fake_labels = self._fake_labels(batch, draw)
        return self.generate_conditioned(self.latents_for(batch, draw), fake_labels, training=training)

    def discriminator_terms(self, batch, draw, training=True):
        """Adversarial loss plus class loss on real and generated samples."""
        fake_labels = self._fake_labels(batch, draw)
        fake = keras.ops.stop_gradient(self.generated(batch, draw, training=training))
        real_out = self.discriminator(batch["real"], training=training)
        fake_out = self.discriminator(fake, training=training)
        adversarial = self.adversarial_loss.discriminator_loss(real_out["logits"], fake_out["logits"])
        class_loss = class_cross_entropy(batch["labels"], real_out["class_logits"]) + class_cross_entropy(
            fake_labels, fake_out["class_logits"]
        )
        d_class = replica_mean(class_loss)
        return {"d_loss": replica_mean(adversarial) + self.class_weight * d_class, "d_class_loss": d_class}

    def generator_terms(self, batch, training=True):
        """Adversarial loss plus class loss of the generated samples."""
        fake_labels = self._fake_labels(batch, self.generator_draw)
        fake = self.generated(batch, self.generator_draw, training=training)
        out = self.discriminator(fake, training=training)
        g_class = replica_mean(class_cross_entropy(fake_labels, out["class_logits"]))
        adversarial = replica_mean(self.adversarial_loss.generator_loss(out["logits"]))
        return {"g_loss": adversarial + self.class_weight * g_class, "g_class_loss": g_class}

    def get_config(self):
        """Adds ``class_weight``."""
        return {**super().get_config(), "class_weight": self.class_weight}

    @classmethod
    def tiny_discriminator(cls):
        """An ACGAN discriminator (real/fake and class heads) for :meth:`build_tiny`."""
        from kerasgan import nets

        return nets.acgan_discriminator(
            image_size=16, channels=1, num_classes=3, base_filters=4, norm="none"
        )

    @classmethod
    def build_default_model(cls, data_spec, latent_dim=None, **kwargs):
        """Conditional DCGAN generator and an ACGAN discriminator for images."""
        from kerasgan import nets

        k = labelled_num_classes(data_spec)
        size, _, channels = image_shape_of(data_spec)
        latent_dim = latent_dim or 100
        g = nets.conditional_dcgan_generator(latent_dim=latent_dim, num_classes=k, image_size=size, channels=channels)
        d = nets.acgan_discriminator(image_size=size, channels=channels, num_classes=k)
        return cls(g, d, k, latent_dim=latent_dim, **kwargs)
