"""The original GAN (Goodfellow et al., 2014).

The algorithm itself is the base template :class:`kerasgan.core.GAN`; this
module registers it as the family ``gan``. Defaults: non-saturating generator
loss (``loss="minimax"`` for the paper's ``log(1 - D(G(z)))``), one D step
per G step, Adam(2e-4, beta_1=0.5).
"""

from kerasgan.core.gan import GAN
from kerasgan.families import register

register("gan")(GAN)

__all__ = ["GAN"]
