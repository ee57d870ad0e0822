"""Former home of the unpaired sources, kept so that existing imports work.

New code imports from the modules that own these names:
:mod:`kerasgan.data.digits_unpaired` (``digits-rotated``, ``digits-thick``),
:mod:`kerasgan.data.folder_unpaired` (``unpaired:PATH``),
:mod:`kerasgan.data.tfds_cycle_gan` (``cycle_gan/<config>``),
:mod:`kerasgan.data.digits` (``disjoint_parts``) and
:mod:`kerasgan.data.two_sided` (``zip_domains``).
"""

from kerasgan.data.digits import disjoint_parts
from kerasgan.data.digits_unpaired import (
    DIGITS_UNPAIRED,
    digits_unpaired_arrays,
    digits_unpaired_spec,
    load_digits_unpaired,
    thicken_size,
)
from kerasgan.data.folder_unpaired import (
    UNPAIRED_DEFAULT_CHANNELS,
    UNPAIRED_DEFAULT_SIZE,
    load_unpaired_folders,
    unpaired_folder_spec,
)
from kerasgan.data.tfds_cycle_gan import CYCLE_GAN, CYCLE_GAN_DEFAULT_SIZE, cycle_gan_spec, is_cycle_gan, load_cycle_gan
from kerasgan.data.two_sided import zip_domains

__all__ = [
    "DIGITS_UNPAIRED",
    "CYCLE_GAN",
    "CYCLE_GAN_DEFAULT_SIZE",
    "UNPAIRED_DEFAULT_SIZE",
    "UNPAIRED_DEFAULT_CHANNELS",
    "disjoint_parts",
    "thicken_size",
    "digits_unpaired_arrays",
    "digits_unpaired_spec",
    "load_digits_unpaired",
    "unpaired_folder_spec",
    "load_unpaired_folders",
    "is_cycle_gan",
    "cycle_gan_spec",
    "load_cycle_gan",
    "zip_domains",
]
