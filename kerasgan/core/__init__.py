"""What every GAN family shares: the base model, the family contract, losses, penalties, reduction.

The extension surface for a family of your own (see ``docs/extending.md``):
:class:`GAN` / :class:`AdversarialModel`, :func:`replica_mean` (the one loss
reduction), :mod:`losses`, :mod:`penalties`, and the contract's
:class:`SamplePicture`.
"""

from kerasgan.core import backend, losses, penalties, presets
from kerasgan.core.adversarial import AdversarialModel
from kerasgan.core.contract import FamilyContract, SamplePicture
from kerasgan.core.gan import GAN
from kerasgan.core.reduction import replica_mean

__all__ = [
    "AdversarialModel",
    "FamilyContract",
    "GAN",
    "SamplePicture",
    "backend",
    "losses",
    "penalties",
    "presets",
    "replica_mean",
]
