"""EBGAN (Zhao et al., 2017)."""

import keras
from keras import ops

from kerasgan.core.autoencoding import AutoencoderGAN
from kerasgan.core.reduction import replica_mean
from kerasgan.families import register


def pull_away_term(embeddings):
    """Mean of ``cos^2`` between the embeddings of distinct samples of a batch.

    Args:
        embeddings: float32 ``(B, d)``.

    Returns:
        A float32 scalar in [0, 1]; 0 when the embeddings are orthogonal, 1 when parallel.
    """
    norms = ops.sqrt(ops.sum(ops.square(embeddings), axis=1, keepdims=True) + 1e-12)
    unit = embeddings / norms
    cosine = ops.matmul(unit, ops.transpose(unit))
    n = ops.cast(ops.shape(embeddings)[0], "float32")
    off_diagonal = ops.sum(ops.square(cosine)) - ops.sum(ops.square(ops.diagonal(cosine)))
    return off_diagonal / ops.maximum(n * (n - 1.0), 1.0)


@register("ebgan")
class EBGAN(AutoencoderGAN):
    """Energy-based GAN (Zhao et al., 2017, arXiv:1609.03126).

    The discriminator is an autoencoder and its energy is the reconstruction
    error ``D(x)``, here the mean squared error per value (a mean, so the
    margin does not depend on the image size). With margin ``m``:
    ``L_D = D(x) + max(0, m - D(G(z)))`` and ``L_G = D(G(z)) + pt_weight * PT``,
    where the pull-away term ``PT`` is the mean ``cos^2`` between the encoder's
    embeddings of distinct generated samples of the batch (generator only,
    weight 0.1 as in the paper). Under ``tf.distribute`` PT is computed per
    replica's batch and averaged over replicas.

    Defaults: margin 1.0 on the per-value mean squared error (data in [-1, 1]
    or 2-D coordinates; see the recipe for digits), Adam(1e-3, beta_1=0.5)
    for both networks (the paper grid-searched 1e-3 .. 3e-4 with Adam).

    Args:
        margin: ``m``, the energy above which generated samples no longer push
            the discriminator (> 0).
        pt_weight: weight of the pull-away term (>= 0; 0 disables it).
        **kwargs: see :class:`kerasgan.core.GAN`.
    """

    energy_power = 2
    metric_names = ("d_loss", "g_loss", "real_energy", "fake_energy", "pull_away")

    def __init__(self, generator, discriminator, latent_dim=None, *, margin=1.0, pt_weight=0.1,
                 **kwargs):
        if not margin > 0:
            raise ValueError(f"margin must be > 0, got {margin!r}.")
        if not pt_weight >= 0:
            raise ValueError(f"pt_weight must be >= 0, got {pt_weight!r}.")
        self.margin, self.pt_weight = float(margin), float(pt_weight)
        super().__init__(generator, discriminator, latent_dim, **kwargs)

    @classmethod
    def default_optimizers(cls):
        """Adam(1e-3, beta_1=0.5) for both networks."""
        return keras.optimizers.Adam(1e-3, beta_1=0.5), keras.optimizers.Adam(1e-3, beta_1=0.5)

    def discriminator_terms(self, batch, draw, training=True):
        """``D(x) + max(0, m - D(G(z)))`` and the two mean energies."""
        fake = ops.stop_gradient(self.generated(batch, draw, training=training))
        real_energy, _ = self.energy(batch["real"], training=training)
        fake_energy, _ = self.energy(fake, training=training)
        real_term = replica_mean(real_energy)
        hinge = replica_mean(ops.relu(self.margin - fake_energy))
        return {"d_loss": real_term + hinge, "real_energy": real_term,
                "fake_energy": replica_mean(fake_energy)}

    def generator_terms(self, batch, training=True):
        """``D(G(z)) + pt_weight * PT`` on the encoder's embeddings of the generated batch."""
        fake = self.generated(batch, self.generator_draw, training=training)
        fake_energy, embedding = self.energy(
            fake, training=training and self.discriminator_training_in_generator_update)
        pull_away = replica_mean(ops.reshape(pull_away_term(embedding), (1,)))
        return {"g_loss": replica_mean(fake_energy) + self.pt_weight * pull_away,
                "pull_away": pull_away}

    def get_config(self):
        """Adds the margin and the pull-away weight."""
        return {**super().get_config(), "margin": self.margin, "pt_weight": self.pt_weight}
