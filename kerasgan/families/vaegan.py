"""VAE-GAN (Larsen et al., 2016)."""

import keras
from keras import ops

from kerasgan.core.encoding import EncodingGAN
from kerasgan.core.reduction import replica_mean
from kerasgan.families import register

#: Stream of the posterior's noise (the latents of the prior use stream 0).
_POSTERIOR_STREAM = 5


def gaussian_kl(mean, log_var):
    """Per-sample ``KL(N(mean, exp(log_var)) || N(0, I))``, summed over the latent axes.

    Args:
        mean, log_var: float32 ``(B, d)``.

    Returns:
        float32 ``(B,)``, in nats; 0 when the posterior is the prior.
    """
    return 0.5 * ops.sum(ops.square(mean) + ops.exp(log_var) - 1.0 - log_var, axis=-1)


@register("vaegan")
class VAEGAN(EncodingGAN):
    """VAE-GAN: a VAE whose reconstructions are measured in a GAN discriminator's features.

    Larsen et al. 2016, "Autoencoding beyond pixels using a learned similarity
    metric" (arXiv:1512.09300). The encoder ``Enc(x)`` gives a Gaussian
    posterior ``N(mean, exp(log_var))``; a sample ``z`` of it is decoded by the
    generator (the decoder) into ``x~ = Dec(z)``. ``Dis_l`` is the discriminator's
    feature output (its last conv block); with a unit-variance Gaussian
    observation model the reconstruction term is
    ``L_llike = 0.5 * sum (Dis_l(x~) - Dis_l(x))**2`` per sample, not a pixel error.

    - encoder: ``kl_weight * KL(q(z|x) || N(0, I)) + feature_weight * L_llike``;
    - decoder (generator): ``gamma * L_llike`` + the adversarial generator loss
      on the reconstructions ``x~`` and on prior samples ``Dec(z_p)``;
    - discriminator: real ``x`` against both ``x~`` and ``Dec(z_p)`` (the paper's
      ``L_GAN = log D(x) + log(1 - D(Dec(z_p))) + log(1 - D(Dec(Enc(x))))``,
      its two fake terms here averaged, so real and fake weigh the same).

    Optimizers: the generator-side optimizer trains the encoder and the
    decoder in one step from one forward pass, but each network follows the
    gradient of its own loss (:attr:`own_losses`: the encoder minimises
    ``encoder_loss``, the decoder ``g_loss``), so the encoder never receives
    the adversarial gradient; the discriminator-side optimizer trains the
    discriminator on ``L_GAN`` alone.

    Defaults: the paper's ``gamma`` 1e-6, set for its scale of ``Dis_l``
    (the digits recipe, ``kerasgan/recipes/vaegan.yaml``, uses the measured
    1e-2 for the sum over this discriminator's 2,048 features);
    ``kl_weight`` and ``feature_weight`` 1 (the paper's weights of the
    encoder's two terms); the non-saturating adversarial loss; Adam(2e-4,
    beta_1=0.5) for both sides, DCGAN's settings for these DCGAN-style nets
    (the paper trained with RMSprop).

    Args:
        generator: the decoder, ``z -> image``.
        encoder: ``image -> {"mean", "log_var"}`` (``nets.conv_encoder(variational=True)``).
        discriminator: ``image -> {"logits", "features"}`` (``nets.vaegan_discriminator``).
        gamma: weight of the feature reconstruction in the decoder's loss (> 0).
        kl_weight: weight of the prior term in the encoder's loss (>= 0).
        feature_weight: weight of the feature reconstruction in the encoder's loss (>= 0).
        **kwargs: see :class:`kerasgan.core.GAN`.
    """

    latent_output = "mean"
    own_losses = {"encoder": "encoder_loss"}
    metric_names = ("d_loss", "g_loss", "encoder_loss", "kl", "feature_error")

    def __init__(self, generator, encoder, discriminator, latent_dim=None, *, gamma=1e-6,
                 kl_weight=1.0, feature_weight=1.0, **kwargs):
        if not gamma > 0:
            raise ValueError(f"gamma must be > 0, got {gamma!r}.")
        if not (kl_weight >= 0 and feature_weight >= 0):
            raise ValueError(f"kl_weight and feature_weight must be >= 0, got {kl_weight!r} and "
                             f"{feature_weight!r}.")
        self.gamma, self.kl_weight = float(gamma), float(kl_weight)
        self.feature_weight = float(feature_weight)
        super().__init__(generator, encoder, discriminator, latent_dim, **kwargs)

    @classmethod
    def default_networks(cls, data_spec, latent_dim, base_filters):
        """DCGAN generator, variational conv encoder, DCGAN discriminator with features."""
        from kerasgan import nets

        size, _, channels = data_spec.shape
        return (
            nets.dcgan_generator(latent_dim=latent_dim, image_size=size, channels=channels,
                                 base_filters=base_filters),
            nets.conv_encoder(image_size=size, channels=channels, latent_dim=latent_dim,
                              base_filters=base_filters, variational=True),
            nets.vaegan_discriminator(image_size=size, channels=channels, base_filters=base_filters,
                                      **cls.discriminator_options),
        )

    def posterior_sample(self, images, draw, training=True):
        """``(z, mean, log_var)``: a reparameterised sample of ``q(z | images)`` from the model's stream."""
        outputs = self.encoder(images, training=training)
        mean = ops.cast(outputs["mean"], "float32")
        log_var = ops.cast(outputs["log_var"], "float32")
        noise = self.random_normal(ops.shape(mean), draw, stream=_POSTERIOR_STREAM)
        return mean + ops.exp(0.5 * log_var) * noise, mean, log_var

    def _decode_both(self, batch, draw, training):
        """``(reconstructions, prior samples, mean, log_var)`` from one decoder call."""
        z, mean, log_var = self.posterior_sample(batch["real"], draw, training)
        prior = self.latents_for(batch, draw)
        decoded = self.generator(ops.concatenate([z, prior], axis=0), training=training)
        n = ops.shape(z)[0]
        return decoded[:n], decoded[n:], mean, log_var

    def _score(self, real, reconstruction, prior, training):
        """Logits and features of ``[real, reconstruction, prior]`` from one discriminator call."""
        outputs = self.discriminator(ops.concatenate([real, reconstruction, prior], axis=0),
                                     training=training)
        n = ops.shape(real)[0]
        logits = ops.cast(outputs["logits"], "float32")
        features = ops.cast(outputs["features"], "float32")
        return (logits[:n], logits[n:2 * n], logits[2 * n:]), (features[:n], features[n:2 * n])

    def discriminator_terms(self, batch, draw, training=True):
        """``L_GAN``: real against reconstructions and prior samples (fakes averaged)."""
        reconstruction, prior, _, _ = self._decode_both(batch, draw, training)
        (real, fake_rec, fake_prior), _ = self._score(
            batch["real"], ops.stop_gradient(reconstruction), ops.stop_gradient(prior), training)
        loss = self.adversarial_loss.discriminator_loss
        d_loss = replica_mean(0.5 * (loss(real, fake_rec) + loss(real, fake_prior)))
        return {"d_loss": d_loss}

    def generator_terms(self, batch, training=True):
        """``g_loss`` (the decoder's) and ``encoder_loss``, from one forward pass."""
        reconstruction, prior, mean, log_var = self._decode_both(batch, self.d_steps, training)
        d_training = training and self.discriminator_training_in_generator_update
        (_, fake_rec, fake_prior), (real_features, rec_features) = self._score(
            batch["real"], reconstruction, prior, d_training)
        feature_error = 0.5 * ops.sum(ops.square(rec_features - real_features), axis=-1)
        kl = gaussian_kl(mean, log_var)
        loss = self.adversarial_loss.generator_loss
        adversarial = 0.5 * (loss(fake_rec) + loss(fake_prior))
        return {
            "g_loss": replica_mean(self.gamma * feature_error + adversarial),
            "encoder_loss": replica_mean(self.kl_weight * kl + self.feature_weight * feature_error),
            "kl": replica_mean(kl),
            "feature_error": replica_mean(feature_error),
        }

    @classmethod
    def default_optimizers(cls):
        """Adam(2e-4, beta_1=0.5) for both sides."""
        return keras.optimizers.Adam(2e-4, beta_1=0.5), keras.optimizers.Adam(2e-4, beta_1=0.5)

    def get_config(self):
        """Adds ``gamma``, ``kl_weight`` and ``feature_weight``."""
        return {**super().get_config(), "gamma": self.gamma, "kl_weight": self.kl_weight,
                "feature_weight": self.feature_weight}
