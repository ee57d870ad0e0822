"""WGAN-GP (Gulrajani et al., 2017)."""

import keras
from keras import ops

from kerasgan.core.gan import GAN
from kerasgan.core.penalties import gradient_penalty
from kerasgan.families import register


@register("wgan_gp")
class WGANGP(GAN):
    """Wasserstein GAN with gradient penalty (Gulrajani et al., 2017, arXiv:1704.00028).

    The critic loss is ``D(G(z)) - D(x) + lambda * (||grad D(x_hat)|| - 1)^2``
    with ``x_hat`` a random point between a real and a generated sample
    (``alpha ~ U[0, 1]`` per sample). The paper's defaults: ``lambda=10``,
    ``d_steps=5``, Adam(1e-4, beta_1=0.0, beta_2=0.9), and no batch norm in
    the critic (the penalty is per sample): ``build_for_data`` uses layer norm.

    Args:
        gp_weight: lambda, the weight of the gradient penalty (10).
        **kwargs: see :class:`kerasgan.core.GAN`.
    """

    default_loss = "wasserstein"
    default_d_steps = 5
    discriminator_options = {"norm": "layer", "spectral_norm": False}
    metric_names = ("d_loss", "g_loss", "wasserstein", "gradient_penalty")
    penalty_metric_name = "gradient_penalty"

    def __init__(self, generator, discriminator, latent_dim=None, *, gp_weight=10.0, **kwargs):
        if not gp_weight >= 0:
            raise ValueError(f"gp_weight must be >= 0, got {gp_weight!r}.")
        self.gp_weight = float(gp_weight)
        super().__init__(generator, discriminator, latent_dim, **kwargs)

    @classmethod
    def default_optimizers(cls):
        """Adam(1e-4, beta_1=0.0, beta_2=0.9) for both networks, as in the paper."""
        return (
            keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9),
            keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9),
        )

    def penalty_alpha(self, batch_size, draw):
        """Per-sample interpolation weights, ``alpha ~ Uniform[0, 1]``, from the
        model's stateless stream (reproducible, resumable)."""
        return self.random_uniform((batch_size,), draw, stream=1)

    def discriminator_penalty(self, real, fake, draw, training=True):
        """``gp_weight`` times the per-sample gradient penalty."""
        alpha = self.penalty_alpha(ops.shape(real)[0], draw)
        return self.gp_weight * gradient_penalty(
            self.discriminator, real, fake, alpha, training=training
        )

    def discriminator_terms(self, batch, draw, training=True):
        """Adds the critic's Wasserstein estimate to the base terms."""
        terms = super().discriminator_terms(batch, draw, training=training)
        terms["wasserstein"] = -terms["adversarial"]
        return terms

    def get_config(self):
        """Adds ``gp_weight`` to the base config."""
        return {**super().get_config(), "gp_weight": self.gp_weight}
