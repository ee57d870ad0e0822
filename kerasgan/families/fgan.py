"""f-GAN (Nowozin, Cseke & Tomioka, 2016)."""

from kerasgan.core import divergences
from kerasgan.core.gan import GAN
from kerasgan.core.losses import AdversarialLoss
from kerasgan.families import register


def _loss_pair(divergence, generator_objective):
    """The :class:`AdversarialLoss` of one divergence and generator objective."""

    def discriminator_loss(real_outputs, fake_outputs):
        return divergences.critic_loss(divergence, real_outputs, fake_outputs)

    def generator_loss(fake_outputs):
        return divergences.generator_loss(divergence, fake_outputs, generator_objective)

    return AdversarialLoss(f"f_{divergence.name}_{generator_objective}", discriminator_loss,
                           generator_loss)


@register("fgan")
class FGAN(GAN):
    """f-GAN (Nowozin et al., 2016, arXiv:1606.00709): a GAN for any f-divergence.

    The critic's raw output ``V`` goes through the divergence's output
    activation ``g_f``; the critic maximises the variational lower bound of
    ``D_f(P || Q)`` (``P`` the data, ``Q`` the generator):
    ``L_D = -(E_P[g_f(V(x))] - E_Q[f*(g_f(V(G(z))))])`` and the generator
    minimises the same bound, ``L_G = -E_Q[f*(g_f(V(G(z))))]``. The logged
    ``divergence`` is the critic's current estimate of the bound, ``-L_D``.
    The table of ``g_f`` and ``f*`` (the paper's Table 6) and its numerically
    safe forms are in :mod:`kerasgan.core.divergences`.

    Defaults:

    - ``divergence="kl"``: KL(P || Q) is the mode-covering divergence (a
      generator that misses a mode of the data pays for it), which is what a
      mixture of separated modes needs; its conjugate ``exp(t - 1)`` is clipped.
      ``"reverse_kl"`` shows the mode-seeking opposite, ``"gan"`` is the
      original GAN with the saturating generator loss.
    - ``generator_objective="saddle"``: the paper's saddle-point objective,
      whose gradient at the optimal critic is the gradient of the chosen
      divergence, so ``divergence=`` really selects what the generator
      minimises. The paper's alternative ``"activation"``
      (``L_G = -E_Q[g_f(V)]``, Section 3.2) does not saturate but changes the
      divergence: for ``kl`` it is ``-E_Q[log p/q]``, the reverse KL.
    - Adam(2e-4, beta_1=0.5) for both networks (kerasgan's GAN default) and
      one critic step per generator step: the paper's single-step gradient
      method (Algorithm 1) updates both networks once per minibatch; here
      the two updates alternate, as in every kerasgan family.

    Args:
        divergence: one of ``kl``, ``reverse_kl``, ``pearson``,
            ``squared_hellinger``, ``js``, ``gan``.
        generator_objective: ``"saddle"`` or ``"activation"`` (see above).
        **kwargs: see :class:`kerasgan.core.GAN` (no ``loss``: the
            divergence defines it).

    Example:
        >>> import kerasgan
        >>> from kerasgan import data
        >>> model = kerasgan.families.get("fgan").build_for_data(
        ...     data.spec("ring8"), divergence="reverse_kl")
        >>> model.compile()
        >>> model.fit(data.load("ring8", batch_size=256), epochs=5)
    """

    metric_names = ("d_loss", "g_loss", "divergence")

    def __init__(self, generator, discriminator, latent_dim=None, *, divergence="kl",
                 generator_objective="saddle", **kwargs):
        if kwargs.get("loss") is not None:
            raise TypeError(
                f"FGAN takes no loss={kwargs['loss']!r}: its losses follow from divergence= "
                f"(one of {', '.join(divergences.DIVERGENCES)})."
            )
        kwargs.pop("loss", None)
        if generator_objective not in divergences.GENERATOR_OBJECTIVES:
            raise ValueError(
                f"Unknown generator_objective {generator_objective!r}; valid: "
                f"{', '.join(divergences.GENERATOR_OBJECTIVES)}."
            )
        self.divergence = divergences.get(divergence)
        self.generator_objective = generator_objective
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.adversarial_loss = _loss_pair(self.divergence, generator_objective)
        self.loss_name = self.adversarial_loss.name

    def discriminator_terms(self, batch, draw, training=True):
        """Adds the critic's estimate of the divergence, ``-L_D``."""
        terms = super().discriminator_terms(batch, draw, training=training)
        terms["divergence"] = -terms["adversarial"]
        return terms

    def get_config(self):
        """The base config with ``divergence`` and ``generator_objective`` instead of ``loss``."""
        config = super().get_config()
        config.pop("loss", None)
        return {**config, "divergence": self.divergence.name,
                "generator_objective": self.generator_objective}
