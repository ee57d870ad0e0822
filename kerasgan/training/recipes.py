"""Default training recipes of ``kerasgan train``: the same ones ``build_for_data`` applies.

The files and their reader live in :mod:`kerasgan.recipes`; this module takes
family names as well as classes and adds the data checks of a run.

Example:
    >>> from kerasgan import data, families
    >>> default_recipe("wgan_gp", data.spec("ring8"))["family_kwargs"]
    {'gp_weight': 1.0}
"""

from __future__ import annotations

from kerasgan import recipes as _recipes
from kerasgan.recipes import RECIPE_DIR, RECIPE_KEYS

__all__ = ["RECIPE_DIR", "RECIPE_KEYS", "check_compatible", "default_recipe", "needs_labels",
           "recipe_document"]


def _family_class(family):
    from kerasgan import families

    return family if isinstance(family, type) else families.get(str(family))


def recipe_document(family):
    """The merged recipe document of a family (name or class): ``{data kind: section}``."""
    return _recipes.recipe_document(_family_class(family))


def default_recipe(family, data_spec):
    """The default training recipe of a family on a data set.

    Fields left unset in a :class:`~kerasgan.training.TrainConfig` take these
    values; ``None`` learning rates mean the family's paper optimizers. The
    same recipe is what ``Family.build_for_data(spec)`` + ``compile()`` use
    (:func:`kerasgan.recipes.recipe_for`).

    Args:
        family: family name or class.
        data_spec: the :class:`kerasgan.data.DataSpec` of the data.

    Returns:
        dict of TrainConfig keys (``epochs``, ``batch_size``, ``latent_dim``,
        ``g_lr``, ``d_lr``, ``ema_momentum``, ``family_kwargs``, ...).

    Raises:
        ConfigError: the family has no recipe for this kind of data, or a
            recipe file with an unknown key.
    """
    return _recipes.recipe_for(_family_class(family), data_spec)


def needs_labels(family_cls):
    """True when the family trains on ``(x, label)`` batches."""
    return bool(getattr(family_cls, "needs_labels", False))


def check_compatible(family, data_spec):
    """Raises a one-line :class:`ConfigError` when ``family`` cannot train on the data.

    The family says what it accepts (:meth:`FamilyContract.check_data`).
    """
    _family_class(family).check_data(data_spec)
