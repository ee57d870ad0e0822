"""SNGAN (Miyato et al., 2018)."""

import keras

from kerasgan.core.gan import GAN
from kerasgan.families import register


@register("sngan")
class SNGAN(GAN):
    """Spectrally normalised GAN (Miyato et al., 2018, arXiv:1802.05957).

    Every layer of the discriminator is wrapped in
    ``keras.layers.SpectralNormalization`` (one power iteration per step), which
    bounds its Lipschitz constant without clipping or a penalty; trained with
    the hinge loss (``relu(1 - D(x)) + relu(1 + D(G(z)))`` for D, ``-D(G(z))``
    for G). Defaults follow the paper's standard CNN setting: Adam(2e-4,
    beta_1=0.5, beta_2=0.999), one D step per G step (``n_dis=1``).

    Args:
        See :class:`kerasgan.core.GAN`.
    """

    default_loss = "hinge"
    discriminator_options = {"norm": "none", "spectral_norm": True}
    discriminator_training_in_generator_update = False

    @classmethod
    def default_optimizers(cls):
        """Adam(2e-4, beta_1=0.5, beta_2=0.999) for both networks."""
        return (
            keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=0.999),
            keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=0.999),
        )
