"""Every GAN family, by the name the CLI and the zoo use (the module name).

Example:
    >>> from kerasgan import families
    >>> families.names()
    ['acgan', 'cgan', 'cyclegan', 'dcgan', 'gan', 'infogan', 'lsgan', 'pix2pix', 'sngan', 'stargan', 'wgan', 'wgan_gp']
    >>> cls = families.get("wgan_gp")
"""

import difflib

from kerasgan.families.acgan import ACGAN
from kerasgan.families.cgan import CGAN
from kerasgan.families.cyclegan import CycleGAN
from kerasgan.families.dcgan import DCGAN
from kerasgan.families.gan import GAN
from kerasgan.families.infogan import InfoGAN
from kerasgan.families.lsgan import LSGAN
from kerasgan.families.pix2pix import Pix2Pix
from kerasgan.families.sngan import SNGAN
from kerasgan.families.stargan import StarGAN
from kerasgan.families.wgan import WGAN
from kerasgan.families.wgan_gp import WGANGP

FAMILIES = {
    "gan": GAN,
    "dcgan": DCGAN,
    "lsgan": LSGAN,
    "wgan": WGAN,
    "wgan_gp": WGANGP,
    "sngan": SNGAN,
    "cgan": CGAN,
    "acgan": ACGAN,
    "infogan": InfoGAN,
    "pix2pix": Pix2Pix,
    "cyclegan": CycleGAN,
    "stargan": StarGAN,
}

#: Families that sample from noise without labels (their nets: ``build_for_data``
#: on points or images).
UNCONDITIONAL = ("gan", "dcgan", "lsgan", "wgan", "wgan_gp", "sngan")


def names():
    """Sorted names of every registered family."""
    return sorted(FAMILIES)


def get(name):
    """Returns the family class registered under ``name``.

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    if name in FAMILIES:
        return FAMILIES[name]
    close = difflib.get_close_matches(str(name), FAMILIES, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise ValueError(f"Unknown GAN family {name!r}.{hint} Valid families: {', '.join(names())}.")


__all__ = [
    "ACGAN", "CGAN", "CycleGAN", "DCGAN", "FAMILIES", "GAN", "InfoGAN", "LSGAN", "Pix2Pix",
    "SNGAN", "StarGAN", "UNCONDITIONAL", "WGAN", "WGANGP", "get", "names",
]
