"""kerasgan's model zoo: named, reproducible configs with verified pretrained weights.

Every entry is a YAML file shipped with the package
(``kerasgan/zoo/configs/NAME.yaml``, schema in :mod:`kerasgan.zoo.schema`):
family, networks, data, the training recipe, metrics measured on the
published weights and the weights' url, sha256 and size.

Example:
    >>> from kerasgan import zoo
    >>> zoo.list()[:2]
    ['acgan-digits', 'cgan-digits']
    >>> model = zoo.load("dcgan-digits")        # fetched, verified, loaded
    >>> images = model.generate(16, seed=0)
    >>> untrained = zoo.build("wgan-gp-ring8")   # compiled with the recipe's optimizers

Weights are cached in ``$KERASGAN_HOME/weights`` (default ``~/.kerasgan``);
``KERASGAN_WEIGHTS_URL`` points downloads at a mirror (see
:mod:`kerasgan.zoo.download`). ``kerasgan train --config NAME`` retrains
an entry (``kerasgan sample NAME`` draws from its published weights).
"""

from kerasgan.zoo.download import cache_path, home, resolve_url
from kerasgan.zoo.models import (
    build,
    build_entry,
    fetch,
    from_preset,
    load,
    save_to_preset,
)
from kerasgan.zoo.registry import (
    UnknownEntryError,
    config_dir,
    config_path,
    entries,
    info,
    names,
    update_entry,
    weights_path,
    zoo_dir,
)
from kerasgan.zoo.schema import ZooConfigError
from kerasgan.zoo.weights import WeightsError

__all__ = [
    "UnknownEntryError",
    "WeightsError",
    "ZooConfigError",
    "build",
    "build_entry",
    "cache_path",
    "config_dir",
    "config_path",
    "entries",
    "fetch",
    "from_preset",
    "home",
    "info",
    "list",
    "load",
    "names",
    "resolve_url",
    "save_to_preset",
    "update_entry",
    "weights_path",
    "zoo_dir",
]


def list(entries=False):
    """Names of the zoo entries, sorted, or the parsed entries with ``entries=True``."""
    from kerasgan.zoo import registry

    return registry.entries() if entries else registry.names()
