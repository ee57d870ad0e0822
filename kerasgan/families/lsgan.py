"""LSGAN (Mao et al., 2017)."""


from kerasgan.core.gan import GAN
from kerasgan.families import register


@register("lsgan")
class LSGAN(GAN):
    """Least-squares GAN (Mao et al., 2017, arXiv:1611.04076).

    Replaces the sigmoid cross-entropy with least squares on the raw
    discriminator output, with the paper's 0-1 coding (a=0, b=1, c=1):
    ``L_D = 0.5 (D(x) - 1)^2 + 0.5 D(G(z))^2`` and
    ``L_G = 0.5 (D(G(z)) - 1)^2``. Samples far on the correct side of the
    boundary are still penalised, which keeps gradients alive.
    Defaults: Adam(2e-4, beta_1=0.5) as in DCGAN (the paper used
    Adam(2e-4, 0.5) for its LSUN models), one D step per G step.

    Args:
        See :class:`kerasgan.core.GAN`.
    """

    default_loss = "least_squares"
