"""f-GAN (Nowozin, Cseke & Tomioka, 2016): the divergence table and the ``fgan`` family.

An f-divergence ``D_f(P || Q) = E_Q[f(p(x) / q(x))]`` (``f`` convex, ``f(1) = 0``)
has the variational lower bound ``sup_T E_P[T(x)] - E_Q[f*(T(x))]``, where
``f*(t) = sup_u (t u - f(u))`` is the Fenchel conjugate of ``f``, reached at
``T(x) = f'(p(x) / q(x))``. f-GAN writes ``T = g_f(V)``: the critic's raw
output ``V`` goes through an output activation ``g_f`` that maps the reals
into the domain of ``f*``. Here ``P`` is the data and ``Q`` the generator.

Each :class:`FDivergence` holds ``f``, ``g_f``, ``f*`` and the composition
``f*(g_f(v))`` written in a numerically safe form (``softplus`` instead of
``log(1 + exp)``, the composition simplified by hand so no ``log`` of a
difference is taken, exponentials clipped at :data:`EXP_CLIP`). The loss
functions compute in float32 whatever the critic's dtype.

The table is f-GAN's own, so it lives beside the family (:class:`FGAN`).

Example:

>>> from kerasgan.families import fgan
>>> kl = fgan.get_divergence("kl")
>>> d = fgan.critic_loss(kl, real_v, fake_v)       # (B,)
>>> g = fgan.generator_loss(kl, fake_v)            # (B,)
"""

from __future__ import annotations

import dataclasses
import math
from typing import Callable

from keras import ops

from kerasgan.core.gan import GAN
from kerasgan.core.losses import AdversarialLoss
from kerasgan.errors import did_you_mean
from kerasgan.families import register


#: Largest exponent passed to ``exp`` (``exp(30)`` ~ 1e13, far from float32's
#: 3e38 even summed over a large batch). A critic output beyond it has a zero
#: gradient through that exponential; the optimal critic ``log(p / q)`` (+1)
#: reaches it only where the densities differ by a factor ``exp(30)``.
EXP_CLIP = 30.0
_LOG2 = math.log(2.0)


def _exp(x):
    """``exp`` with the exponent clipped at :data:`EXP_CLIP`."""
    return ops.exp(ops.minimum(x, EXP_CLIP))


@dataclasses.dataclass(frozen=True)
class FDivergence:
    """One row of f-GAN's divergence table.

    Attributes:
        name: registry name, e.g. ``"reverse_kl"``.
        f: the convex generator ``f(u)``, ``u > 0``.
        activation: the output activation ``g_f(v)``, reals -> domain of ``f*``.
        conjugate: the Fenchel conjugate ``f*(t)`` on its domain.
        conjugate_of_activation: ``f*(g_f(v))`` in a form that stays finite for
            any float32 ``v``.
        description: the divergence in words, and the range of ``g_f``.
    """

    name: str
    f: Callable
    activation: Callable
    conjugate: Callable
    conjugate_of_activation: Callable
    description: str


KL = FDivergence(
    "kl",
    f=lambda u: u * ops.log(u),
    activation=lambda v: v,
    conjugate=lambda t: ops.exp(t - 1.0),
    conjugate_of_activation=lambda v: _exp(v - 1.0),
    description=(
        "Kullback-Leibler KL(P || Q) = E_P[log p/q]: f(u) = u log u, g_f(v) = v, "
        "f*(t) = exp(t - 1). Mode-covering: Q is penalised wherever P has mass and Q has none."
    ),
)

REVERSE_KL = FDivergence(
    "reverse_kl",
    f=lambda u: -ops.log(u),
    activation=lambda v: -_exp(-v),
    conjugate=lambda t: -1.0 - ops.log(-t),
    conjugate_of_activation=lambda v: v - 1.0,
    description=(
        "reverse Kullback-Leibler KL(Q || P) = E_Q[log q/p]: f(u) = -log u, "
        "g_f(v) = -exp(-v) < 0, f*(t) = -1 - log(-t). Mode-seeking: Q is penalised for mass "
        "where P has none, not for missing modes of P."
    ),
)

PEARSON = FDivergence(
    "pearson",
    f=lambda u: ops.square(u - 1.0),
    activation=lambda v: v,
    conjugate=lambda t: ops.square(ops.relu(0.5 * t + 1.0)) - 1.0,
    conjugate_of_activation=lambda v: ops.square(ops.relu(0.5 * v + 1.0)) - 1.0,
    description=(
        "Pearson chi-square E_Q[(p/q - 1)^2]: f(u) = (u - 1)^2, g_f(v) = v, "
        "f*(t) = t^2 / 4 + t for t >= -2 and -1 below: the conjugate over density ratios "
        "u >= 0. The paper's t^2 / 4 + t on all reals (f extended to u < 0) falls again for "
        "t < -2, which rewards the saddle-point generator for samples the critic scores as "
        "far from the data. Mode-covering, more strongly than KL (p/q enters squared)."
    ),
)

SQUARED_HELLINGER = FDivergence(
    "squared_hellinger",
    f=lambda u: ops.square(ops.sqrt(u) - 1.0),
    activation=lambda v: 1.0 - _exp(-v),
    conjugate=lambda t: t / (1.0 - t),
    conjugate_of_activation=lambda v: _exp(v) - 1.0,
    description=(
        "squared Hellinger E[(sqrt p - sqrt q)^2] (symmetric, bounded by 2): "
        "f(u) = (sqrt u - 1)^2, g_f(v) = 1 - exp(-v) < 1, f*(t) = t / (1 - t)."
    ),
)

JS = FDivergence(
    "js",
    f=lambda u: u * ops.log(u) - (u + 1.0) * ops.log((u + 1.0) / 2.0),
    activation=lambda v: _LOG2 - ops.softplus(-v),
    conjugate=lambda t: -ops.log(2.0 - ops.exp(t)),
    conjugate_of_activation=lambda v: ops.softplus(v) - _LOG2,
    description=(
        "Jensen-Shannon, as the paper's table defines it: 2 JS(P, Q) = KL(P || M) + KL(Q || M), "
        "M = (P + Q) / 2, bounded by 2 log 2: f(u) = u log u - (u + 1) log((u + 1) / 2), "
        "g_f(v) = log 2 - log(1 + exp(-v)) < log 2, f*(t) = -log(2 - exp(t))."
    ),
)

ORIGINAL_GAN = FDivergence(
    "gan",
    f=lambda u: u * ops.log(u) - (u + 1.0) * ops.log(u + 1.0),
    activation=lambda v: -ops.softplus(-v),
    conjugate=lambda t: -ops.log(1.0 - ops.exp(t)),
    conjugate_of_activation=lambda v: ops.softplus(v),
    description=(
        "the original GAN's divergence 2 JS(P, Q) - log 4: f(u) = u log u - (u + 1) log(u + 1), "
        "g_f(v) = -log(1 + exp(-v)) < 0, f*(t) = -log(1 - exp(t)). Its critic loss is the "
        "sigmoid cross-entropy, its saddle-point generator loss the saturating log(1 - D)."
    ),
)

DIVERGENCES = {d.name: d for d in (KL, REVERSE_KL, PEARSON, SQUARED_HELLINGER, JS, ORIGINAL_GAN)}

#: Generator objectives: ``"saddle"`` minimises ``-E_Q[f*(g_f(V))]`` (the
#: paper's saddle point, whose gradient at the optimal critic is that of
#: ``D_f(P || Q)``); ``"activation"`` minimises ``-E_Q[g_f(V)]`` (the paper's
#: alternative from its practical considerations, a non-saturating heuristic that descends a
#: different divergence: for ``kl`` it is ``-E_Q[log p/q]``, the reverse KL).
GENERATOR_OBJECTIVES = ("saddle", "activation")


def get_divergence(name):
    """Returns the :class:`FDivergence` named ``name`` (or ``name`` if it is one).

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    if isinstance(name, FDivergence):
        return name
    if name in DIVERGENCES:
        return DIVERGENCES[name]
    hint = did_you_mean(name, DIVERGENCES)
    raise ValueError(
        f"Unknown f-divergence {name!r}.{hint} Valid divergences: {', '.join(DIVERGENCES)}."
    )


def _per_sample(values):
    """float32 ``(B,)``: any non-batch axes of the critic output averaged."""
    values = ops.cast(values, "float32")
    return ops.mean(ops.reshape(values, (ops.shape(values)[0], -1)), axis=-1)


def critic_loss(divergence, real_outputs, fake_outputs):
    """``-(g_f(V(x)) - f*(g_f(V(G(z)))))`` per sample: minimised by the critic.

    Its batch mean is minus the variational lower bound of ``D_f(P || Q)``.

    Args:
        divergence: an :class:`FDivergence` or its name.
        real_outputs: the critic's raw outputs ``V`` on real samples, ``(B, ...)``.
        fake_outputs: the same on generated samples, same batch size.

    Returns:
        float32 ``(B,)``.
    """
    divergence = get_divergence(divergence)
    real = divergence.activation(_per_sample(real_outputs))
    fake = divergence.conjugate_of_activation(_per_sample(fake_outputs))
    return fake - real


def generator_loss(divergence, fake_outputs, objective="saddle"):
    """The generator's per-sample loss on the critic's raw outputs of generated samples.

    Args:
        divergence: an :class:`FDivergence` or its name.
        fake_outputs: ``V(G(z))``, ``(B, ...)``.
        objective: one of :data:`GENERATOR_OBJECTIVES`.

    Returns:
        float32 ``(B,)``: ``-f*(g_f(V))`` (``"saddle"``) or ``-g_f(V)`` (``"activation"``).
    """
    divergence = get_divergence(divergence)
    fake = _per_sample(fake_outputs)
    if objective == "saddle":
        return -divergence.conjugate_of_activation(fake)
    if objective == "activation":
        return -divergence.activation(fake)
    raise ValueError(
        f"Unknown generator objective {objective!r}; valid: {', '.join(GENERATOR_OBJECTIVES)}."
    )


def _loss_pair(divergence, generator_objective):
    """The :class:`AdversarialLoss` of one divergence and generator objective."""

    def critic_side(real_outputs, fake_outputs):
        return critic_loss(divergence, real_outputs, fake_outputs)

    def generator_side(fake_outputs):
        return generator_loss(divergence, fake_outputs, generator_objective)

    return AdversarialLoss(f"f_{divergence.name}_{generator_objective}", critic_side,
                           generator_side)


@register("fgan")
class FGAN(GAN):
    """f-GAN (Nowozin et al., 2016, arXiv:1606.00709): a GAN for any f-divergence.

    The critic's raw output ``V`` goes through the divergence's output
    activation ``g_f``; the critic maximises the variational lower bound of
    ``D_f(P || Q)`` (``P`` the data, ``Q`` the generator):
    ``L_D = -(E_P[g_f(V(x))] - E_Q[f*(g_f(V(G(z))))])``; the generator
    minimises the same bound, ``L_G = -E_Q[f*(g_f(V(G(z))))]``
    (``generator_objective="saddle"``), or the paper's alternative
    ``L_G = -E_Q[g_f(V(G(z)))]`` (``"activation"``, the default). The logged
    ``divergence`` is the critic's current estimate of the bound, ``-L_D``.
    The table of ``g_f`` and ``f*`` (the paper's Table 6) and its numerically
    safe forms are in this module.

    Defaults:

    - ``divergence="js"`` with ``generator_objective="activation"``: the
      Jensen-Shannon divergence is bounded (by ``2 log 2``), and so is its
      critic loss from below, so neither network can run away on data whose
      modes barely overlap the samples (KL's and Pearson's critic terms
      ``-E_P[V]`` and reverse KL's ``E_Q[V]`` have no bound). The generator
      minimises the paper's alternative ``-E_Q[g_f(V)]`` (its practical
      considerations, after Goodfellow et al.),
      which does not saturate where the critic confidently rejects samples;
      the saddle-point objective ``-E_Q[f*(g_f(V))]`` does (for ``js`` it is
      the minimax ``log(1 - D)``, for ``kl`` its gradient is proportional to
      ``exp(V - 1)``). Measured on ring8 in ``docs/quality.md``.
    - ``generator_objective="saddle"`` makes ``divergence=`` select what the
      generator descends (at the optimal critic its gradient is that of
      ``D_f(P || Q)``): use it to compare divergences, e.g. mode-covering
      ``kl`` or ``pearson`` against mode-seeking ``reverse_kl``. The
      alternative changes the divergence: for ``kl`` it is
      ``-E_Q[log p/q]``, the reverse KL; for ``js`` and ``gan`` it is the
      non-saturating GAN loss.
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
        ...     data.spec("ring8"), divergence="reverse_kl", generator_objective="saddle")
        >>> model.compile()
        >>> model.fit(data.load("ring8", batch_size=256), epochs=5)
    """

    metric_names = ("d_loss", "g_loss", "divergence")

    def __init__(self, generator, discriminator, latent_dim=None, *, divergence="js",
                 generator_objective="activation", **kwargs):
        if kwargs.get("loss") is not None:
            raise TypeError(
                f"FGAN takes no loss={kwargs['loss']!r}: its losses follow from divergence= "
                f"(one of {', '.join(DIVERGENCES)})."
            )
        kwargs.pop("loss", None)
        if generator_objective not in GENERATOR_OBJECTIVES:
            raise ValueError(
                f"Unknown generator_objective {generator_objective!r}; valid: "
                f"{', '.join(GENERATOR_OBJECTIVES)}."
            )
        self.divergence = get_divergence(divergence)
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
