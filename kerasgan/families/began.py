"""BEGAN (Berthelot et al., 2017)."""

import keras
from keras import ops

from kerasgan.core.autoencoding import AutoencoderGAN
from kerasgan.core.reduction import logged_value, replica_mean
from kerasgan.families import register


@register("began")
class BEGAN(AutoencoderGAN):
    """Boundary-equilibrium GAN (Berthelot et al., 2017, arXiv:1703.10717).

    The discriminator is an autoencoder with loss ``L(v) = mean |AE(v) - v|``.
    ``L_D = L(x) - k_t L(G(z))`` and ``L_G = L(G(z))``; after both updates
    ``k <- clip(k + lambda_k (gamma L(x) - L(G(z))), 0, 1)`` with ``L(x)`` and
    ``L(G(z))`` of the discriminator update, ``k_0 = 0``. ``gamma`` (the
    diversity ratio, 0.5) sets the balance the controller keeps; the
    convergence measure ``M_global = L(x) + |gamma L(x) - L(G(z))|`` is logged as
    ``convergence`` and falls as training improves.

    ``k_t`` is a non-trainable model weight (``model.k``): it is saved with the
    model, restored on resume, and under ``tf.distribute`` updated with the
    mean of the replicas' terms (its variable aggregates by mean, then is
    clipped), which equals the one-device update on the same global batch.

    Defaults: Adam(1e-4, beta_1=0.5) for both networks (the paper's learning
    rate; it decays it when ``M_global`` stalls, which kerasgan leaves to
    callbacks), ``gamma`` 0.5, ``lambda_k`` 0.001.

    Args:
        gamma: diversity ratio in (0, 1].
        lambda_k: learning rate of ``k`` (>= 0).
        **kwargs: see :class:`kerasgan.core.GAN`.
    """

    energy_power = 1
    metric_names = ("d_loss", "g_loss", "real_loss", "fake_loss", "k", "convergence")

    def __init__(self, generator, discriminator, latent_dim=None, *, gamma=0.5, lambda_k=0.001,
                 **kwargs):
        if not 0 < gamma <= 1:
            raise ValueError(f"gamma must be in (0, 1], got {gamma!r}.")
        if not lambda_k >= 0:
            raise ValueError(f"lambda_k must be >= 0, got {lambda_k!r}.")
        self.gamma, self.lambda_k = float(gamma), float(lambda_k)
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.k = self.add_weight(shape=(), initializer="zeros", trainable=False, dtype="float32",
                                 aggregation="mean", name="k")

    @classmethod
    def default_optimizers(cls):
        """Adam(1e-4, beta_1=0.5) for both networks."""
        return keras.optimizers.Adam(1e-4, beta_1=0.5), keras.optimizers.Adam(1e-4, beta_1=0.5)

    def discriminator_terms(self, batch, draw, training=True):
        """``L(x) - k L(G(z))``, the two losses, ``k`` and ``M_global``."""
        fake = ops.stop_gradient(self.generated(batch, draw, training=training))
        real_loss = replica_mean(self.energy(batch["real"], training=training)[0])
        fake_loss = replica_mean(self.energy(fake, training=training)[0])
        k = ops.convert_to_tensor(self.k)
        balance = self.gamma * real_loss - fake_loss
        return {"d_loss": real_loss - k * fake_loss, "real_loss": real_loss, "fake_loss": fake_loss,
                "k": replica_mean(ops.reshape(k, (1,))),
                "convergence": real_loss + ops.abs(balance)}

    def generator_terms(self, batch, training=True):
        """``L(G(z))``."""
        fake = self.generated(batch, self.generator_draw, training=training)
        fake_loss = self.energy(fake, training=training and self.discriminator_training_in_generator_update)[0]
        return {"g_loss": replica_mean(fake_loss)}

    def after_step(self, d_terms, g_terms):
        """The proportional control of ``k`` from this step's discriminator losses."""
        real_loss = logged_value(d_terms["real_loss"])  # this replica's mean
        fake_loss = logged_value(d_terms["fake_loss"])
        self.k.assign_add(self.lambda_k * (self.gamma * real_loss - fake_loss))
        self.k.assign(ops.clip(self.k, 0.0, 1.0))

    def get_config(self):
        """Adds ``gamma`` and ``lambda_k``."""
        return {**super().get_config(), "gamma": self.gamma, "lambda_k": self.lambda_k}
