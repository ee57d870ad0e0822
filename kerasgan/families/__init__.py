"""Every GAN family, by the name the CLI and the zoo use (the module name).

Example:
    >>> from kerasgan import families
    >>> families.names()
    ['dcgan', 'gan', 'lsgan', 'sngan', 'wgan', 'wgan_gp']
    >>> cls = families.get("wgan_gp")
"""

import difflib

from kerasgan.families.dcgan import DCGAN
from kerasgan.families.gan import GAN
from kerasgan.families.lsgan import LSGAN
from kerasgan.families.sngan import SNGAN
from kerasgan.families.wgan import WGAN
from kerasgan.families.wgan_gp import WGANGP

FAMILIES = {
    "gan": GAN,
    "dcgan": DCGAN,
    "lsgan": LSGAN,
    "wgan": WGAN,
    "wgan_gp": WGANGP,
    "sngan": SNGAN,
}


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


__all__ = ["DCGAN", "FAMILIES", "GAN", "LSGAN", "SNGAN", "WGAN", "WGANGP", "get", "names"]
