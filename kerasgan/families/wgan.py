"""WGAN with weight clipping (Arjovsky, Chintala & Bottou, 2017)."""

import math

import keras

from kerasgan.core.gan import GAN
from kerasgan.core.penalties import clip_weights
from kerasgan.families import register


@register("wgan")
class WGAN(GAN):
    """Wasserstein GAN (Arjovsky et al., 2017, arXiv:1701.07875).

    The critic estimates the Wasserstein-1 distance, ``E[D(x)] - E[D(G(z))]``,
    kept 1-Lipschitz (roughly) by clipping its weights to
    ``[-clip_value, clip_value]`` after every update. The paper's defaults:
    ``clip_value=0.01``, ``d_steps=5`` critic updates per generator update,
    RMSprop(5e-5) for both networks, and no batch norm constraint. The critic
    loss is ``D(G(z)) - D(x)``, the generator loss ``-D(G(z))``. The logged
    ``wasserstein`` metric is the critic's current estimate.

    Args:
        clip_value: bound of the critic's weights (0.01).
        **kwargs: see :class:`kerasgan.core.GAN`.
    """

    default_loss = "wasserstein"
    default_d_steps = 5
    metric_names = ("d_loss", "g_loss", "wasserstein")

    def __init__(self, generator, discriminator, latent_dim=None, *, clip_value=0.01, **kwargs):
        if not (isinstance(clip_value, (int, float)) and clip_value > 0 and math.isfinite(clip_value)):
            raise ValueError(f"clip_value must be a positive number, got {clip_value!r}.")
        self.clip_value = float(clip_value)
        super().__init__(generator, discriminator, latent_dim, **kwargs)

    @classmethod
    def default_optimizers(cls):
        """RMSprop(5e-5) for both networks, as in the paper."""
        return keras.optimizers.RMSprop(5e-5), keras.optimizers.RMSprop(5e-5)

    def after_discriminator_update(self):
        """Clips the critic's weights after every update."""
        clip_weights(self.discriminator.trainable_variables, self.clip_value)

    def discriminator_terms(self, batch, draw, training=True):
        """Adds the critic's Wasserstein estimate ``E[D(x)] - E[D(G(z))]``."""
        terms = super().discriminator_terms(batch, draw, training=training)
        terms["wasserstein"] = -terms["adversarial"]
        return terms

    def get_config(self):
        """Adds ``clip_value`` to the base config."""
        return {**super().get_config(), "clip_value": self.clip_value}
