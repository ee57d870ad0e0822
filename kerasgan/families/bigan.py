"""BiGAN / ALI (Donahue et al., 2017; Dumoulin et al., 2017)."""

from keras import ops

from kerasgan.core.encoding import EncodingGAN
from kerasgan.core.reduction import replica_mean
from kerasgan.families import register


@register("bigan")
class BiGAN(EncodingGAN):
    """Bidirectional GAN: an encoder learned by a discriminator of ``(x, z)`` pairs.

    Donahue et al. 2017, "Adversarial Feature Learning" (arXiv:1605.09782);
    the same model as ALI, Dumoulin et al. 2017, "Adversarially Learned
    Inference" (arXiv:1606.00704), with a deterministic encoder. The
    discriminator ``D(x, z)`` scores joint pairs: ``(x, E(x))`` of a real image
    and its encoding is "real", ``(G(z), z)`` of a prior sample and its image
    is "fake". The encoder and the generator are trained together, by the
    generator-side optimizer, on the opposite objective: the discriminator's
    loss with the labels swapped (the non-saturating form the papers use),
    or with ``loss="minimax"`` the negated discriminator loss of the
    original min-max game. At the game's optimum ``E`` and ``G`` invert each
    other, so ``G(E(x))`` reconstructs ``x`` although no reconstruction
    error is ever minimised.

    Defaults: Adam(2e-4, beta_1=0.5) for both sides (DCGAN's settings, which
    the papers' DCGAN-style nets also used), the non-saturating loss, a DCGAN
    generator, a conv encoder and :func:`kerasgan.nets.joint_discriminator`.
    The digits recipe (``kerasgan/recipes/bigan.yaml``)
    trains longer, on batches of 32, and keeps a moving average of the
    encoder and generator: without it their reconstructions swing with the
    adversarial game.

    Args:
        generator: ``z -> image``.
        encoder: ``image -> z`` (``nets.conv_encoder``).
        discriminator: ``(image, z) -> logit`` (``nets.joint_discriminator``).
        **kwargs: see :class:`kerasgan.core.GAN`.
    """

    @classmethod
    def default_networks(cls, data_spec, latent_dim, base_filters):
        """DCGAN generator, conv encoder and joint discriminator, all with ``base_filters``.

        The discriminator's joint layer has ``12 * base_filters`` units and no dropout: Keras'
        dropout masks come from a random state that is not saved with the model, so a resumed
        run would not continue the uninterrupted one (ALI used 0.2; on digits it did not help,
        see ``kerasgan/recipes/bigan.yaml``).
        """
        from kerasgan import nets

        size, _, channels = data_spec.shape
        return (
            nets.dcgan_generator(latent_dim=latent_dim, image_size=size, channels=channels,
                                 base_filters=base_filters),
            nets.conv_encoder(image_size=size, channels=channels, latent_dim=latent_dim,
                              base_filters=base_filters),
            nets.joint_discriminator(image_size=size, channels=channels, latent_dim=latent_dim,
                                     base_filters=base_filters, joint_units=(12 * base_filters,)),
        )

    def _pair_logits(self, batch, draw, training, discriminator_training):
        """Logits of ``(x, E(x))`` and of ``(G(z), z)``, from one discriminator call."""
        real = batch["real"]
        encoded = self.encoder_latents(real, training=training)
        z = self.latents_for(batch, draw)
        generated = self.generator(z, training=training)
        logits = self.discriminator(
            [ops.concatenate([ops.cast(real, generated.dtype), generated], axis=0),
             ops.concatenate([encoded, z], axis=0)],
            training=discriminator_training)
        logits = ops.cast(logits, "float32")
        n = ops.shape(real)[0]
        return logits[:n], logits[n:]

    def discriminator_terms(self, batch, draw, training=True):
        """``D``'s loss: ``(x, E(x))`` real, ``(G(z), z)`` fake."""
        real, fake = self._pair_logits(batch, draw, training, training)
        return {"d_loss": replica_mean(self.adversarial_loss.discriminator_loss(real, fake))}

    def generator_terms(self, batch, training=True):
        """``E`` and ``G``'s loss: the discriminator's with the labels swapped (negated for minimax)."""
        real, fake = self._pair_logits(
            batch, self.d_steps, training, training and self.discriminator_training_in_generator_update)
        if self.loss_name == "minimax":
            per_sample = -self.adversarial_loss.discriminator_loss(real, fake)
        else:
            per_sample = self.adversarial_loss.discriminator_loss(fake, real)
        return {"g_loss": replica_mean(per_sample)}
