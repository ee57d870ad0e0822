"""What every GAN family shares: the base model, losses, penalties, reduction."""

from kerasgan.core import backend, losses, penalties, presets
from kerasgan.core.adversarial import AdversarialModel
from kerasgan.core.gan import GAN

__all__ = ["AdversarialModel", "GAN", "losses", "penalties"]
