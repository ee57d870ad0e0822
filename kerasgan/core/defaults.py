"""The settings a family trains with when the caller gives none: its recipe and its optimizers.

``Family.build_for_data(spec)`` resolves the family's recipe for the data
(:func:`kerasgan.recipes.recipe_for`, the YAML files ``kerasgan train``
reads too), builds the model with the recipe's latent size and family
arguments, and keeps the recipe on the model; ``compile()`` without
optimizers then builds the family's optimizers at the recipe's learning
rates and generator average (:func:`optimizers_for`). Explicit arguments
always win over the recipe.
"""

from __future__ import annotations

from kerasgan import recipes
from kerasgan.errors import ConfigError

#: Recipe keys that set the optimizers (read by ``compile()``).
OPTIMIZER_KEYS = ("g_lr", "d_lr", "ema_momentum")


def recipe_of(family_cls, data_spec):
    """The family's recipe for the data, or ``None`` when its recipe has no section for that kind.

    Raises:
        ConfigError: a recipe file that is not valid (unknown key, bad YAML).
    """
    document = recipes.recipe_document(family_cls)
    if not isinstance(document.get(data_spec.kind), dict):
        return None
    return recipes.recipe_for(family_cls, data_spec)


def resolve_recipe(family_cls, data_spec, recipe=None):
    """The recipe ``build_for_data`` applies, as a complete dict (``{}``: paper settings only).

    Args:
        family_cls: the family class.
        data_spec: the data's spec.
        recipe: ``None`` (the family's recipe for the data, if it has one),
            ``False`` (none: the paper's settings), or a mapping of recipe keys
            (used as given; ``kerasgan train`` passes its resolved config).
    """
    if recipe is False:
        return {}
    if recipe is None or recipe is True:
        recipe = recipe_of(family_cls, data_spec) or {}
    if not isinstance(recipe, dict):
        raise ConfigError(
            f"recipe must be None (the family's), False (the paper's settings) or a mapping of "
            f"recipe keys, got {type(recipe).__name__}."
        )
    unknown = sorted(set(recipe) - set(recipes.RECIPE_KEYS))
    if unknown:
        raise ConfigError(
            f"unknown recipe key(s) {', '.join(map(repr, unknown))}; valid keys: "
            f"{', '.join(recipes.RECIPE_KEYS)}."
        )
    return {**recipe, "family_kwargs": dict(recipe.get("family_kwargs") or {})}


def build_arguments(recipe, latent_dim, kwargs):
    """``(latent_dim, family arguments)`` for the family's builder: explicit values over the recipe's."""
    arguments = {**recipe.get("family_kwargs", {}), **kwargs}
    if recipe.get("d_steps") is not None:
        arguments.setdefault("d_steps", recipe["d_steps"])
    if latent_dim is None:
        latent_dim = recipe.get("latent_dim")
    return latent_dim, arguments


def optimizers_for(family_cls, g_lr=None, d_lr=None, ema_momentum=None):
    """The family's default optimizers, with the learning rates replaced where given.

    Args:
        family_cls: the family class (its ``default_optimizers``).
        g_lr, d_lr: learning rates (``None``: the family's).
        ema_momentum: if > 0, the generator optimizer keeps a moving average
            of the generator's weights (``use_ema``), which ``fit`` moves into
            the generator at the end.

    Returns:
        ``(g_optimizer, d_optimizer)``, fresh instances.
    """
    optimizers = []
    for side, (optimizer, lr) in enumerate(zip(family_cls.default_optimizers(), (g_lr, d_lr))):
        config = optimizer.get_config()
        if lr is not None:
            config["learning_rate"] = float(lr)
        if side == 0 and ema_momentum:
            config.update(use_ema=True, ema_momentum=float(ema_momentum))
        optimizers.append(optimizer.__class__.from_config(config))
    return tuple(optimizers)
