"""What every GAN family shares: the base model, losses, penalties, reduction."""

from kerasgan.core import losses, penalties
from kerasgan.core.gan import GAN

__all__ = ["GAN", "losses", "penalties"]
