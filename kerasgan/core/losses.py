"""Adversarial losses on discriminator logits.

Every loss is a pair of functions on raw (pre-sigmoid) logits that return
*per-sample* values of shape ``(batch,)``; the train step reduces them with
:func:`kerasgan.core.reduction.replica_mean` so that the update is the same on
one device and under ``tf.distribute``. All forms are written with
``softplus`` so they stay finite for large logits, and are computed in
float32 even when the networks run in float16 / bfloat16.

With ``D(x) = sigmoid(logit)``: ``-log D = softplus(-logit)`` and
``-log(1 - D) = softplus(logit)``.

Example:

>>> from kerasgan.core import losses
>>> pair = losses.get("hinge")
>>> d = pair.discriminator_loss(real_logits, fake_logits)   # (batch,)
>>> g = pair.generator_loss(fake_logits)                     # (batch,)
"""

from __future__ import annotations

import dataclasses
from typing import Callable

from keras import ops

from kerasgan.errors import did_you_mean


def _flat_float32(logits):
    """Casts logits to float32 and drops a trailing unit axis: (B, 1) -> (B,)."""
    logits = ops.cast(logits, "float32")
    return ops.reshape(logits, (ops.shape(logits)[0], -1))


def _per_sample(values):
    """Averages any non-batch axes (e.g. PatchGAN maps) to one value per sample."""
    return ops.mean(values, axis=-1)


# --- standard GAN (Goodfellow et al., 2014) -------------------------------

def bce_discriminator_loss(real_logits, fake_logits):
    """Discriminator loss of the original GAN: -log D(x) - log(1 - D(G(z))).

    Args:
        real_logits: logits of real samples, shape (B, ...) .
        fake_logits: logits of generated samples, same batch size.

    Returns:
        Per-sample loss, float32, shape (B,).
    """
    real = _flat_float32(real_logits)
    fake = _flat_float32(fake_logits)
    return _per_sample(ops.softplus(-real)) + _per_sample(ops.softplus(fake))


def minimax_generator_loss(fake_logits):
    """The seeds' original generator objective: minimise log(1 - D(G(z))).

    It saturates (vanishing gradient) while D confidently rejects samples,
    which is why the non-saturating form is the usual default.

    Returns:
        Per-sample loss ``-softplus(logit)``, float32, shape (B,).
    """
    return _per_sample(-ops.softplus(_flat_float32(fake_logits)))


def non_saturating_generator_loss(fake_logits):
    """Non-saturating generator loss: minimise -log D(G(z)).

    Returns:
        Per-sample loss ``softplus(-logit)``, float32, shape (B,).
    """
    return _per_sample(ops.softplus(-_flat_float32(fake_logits)))


# --- least squares (Mao et al., 2017), a=0, b=1, c=1 -----------------------

def least_squares_discriminator_loss(real_logits, fake_logits):
    """LSGAN discriminator loss: 0.5 (D(x) - 1)^2 + 0.5 D(G(z))^2 on raw outputs."""
    real = _flat_float32(real_logits)
    fake = _flat_float32(fake_logits)
    return _per_sample(0.5 * ops.square(real - 1.0)) + _per_sample(0.5 * ops.square(fake))


def least_squares_generator_loss(fake_logits):
    """LSGAN generator loss: 0.5 (D(G(z)) - 1)^2 on raw outputs."""
    return _per_sample(0.5 * ops.square(_flat_float32(fake_logits) - 1.0))


# --- Wasserstein (Arjovsky et al., 2017) ----------------------------------

def wasserstein_discriminator_loss(real_logits, fake_logits):
    """Critic loss: D(G(z)) - D(x) (the negated Wasserstein estimate)."""
    return _per_sample(_flat_float32(fake_logits)) - _per_sample(_flat_float32(real_logits))


def wasserstein_generator_loss(fake_logits):
    """Generator loss of WGAN and of the hinge GAN: -D(G(z))."""
    return _per_sample(-_flat_float32(fake_logits))


# --- hinge (Lim & Ye 2017; Miyato et al. 2018) ----------------------------

def hinge_discriminator_loss(real_logits, fake_logits):
    """Hinge discriminator loss: relu(1 - D(x)) + relu(1 + D(G(z)))."""
    real = _flat_float32(real_logits)
    fake = _flat_float32(fake_logits)
    return _per_sample(ops.relu(1.0 - real)) + _per_sample(ops.relu(1.0 + fake))


@dataclasses.dataclass(frozen=True)
class AdversarialLoss:
    """A named pair of per-sample losses on logits.

    Attributes:
        name: registry name, e.g. ``"hinge"``.
        discriminator_loss: ``f(real_logits, fake_logits) -> (B,)``.
        generator_loss: ``f(fake_logits) -> (B,)``.
    """

    name: str
    discriminator_loss: Callable
    generator_loss: Callable


LOSSES = {
    "minimax": AdversarialLoss("minimax", bce_discriminator_loss, minimax_generator_loss),
    "non_saturating": AdversarialLoss(
        "non_saturating", bce_discriminator_loss, non_saturating_generator_loss
    ),
    "least_squares": AdversarialLoss(
        "least_squares", least_squares_discriminator_loss, least_squares_generator_loss
    ),
    "wasserstein": AdversarialLoss(
        "wasserstein", wasserstein_discriminator_loss, wasserstein_generator_loss
    ),
    "hinge": AdversarialLoss("hinge", hinge_discriminator_loss, wasserstein_generator_loss),
}


def get(name):
    """Returns the :class:`AdversarialLoss` registered under ``name``.

    Args:
        name: one of ``minimax``, ``non_saturating``, ``least_squares``,
            ``wasserstein``, ``hinge`` (or an ``AdversarialLoss``, returned as is).

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    if isinstance(name, AdversarialLoss):
        return name
    if name in LOSSES:
        return LOSSES[name]
    hint = did_you_mean(name, LOSSES)
    raise ValueError(
        f"Unknown adversarial loss {name!r}.{hint} Valid losses: {', '.join(sorted(LOSSES))}."
    )
