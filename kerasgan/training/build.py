"""One builder of models from a training config: training, the zoo, presets, the benchmark and the tests."""

from __future__ import annotations

import keras

from kerasgan.core import defaults
from kerasgan.recipes import RECIPE_KEYS

__all__ = ["STEPS_PER_EXECUTION", "build_model", "build_optimizers", "recipe_of_config"]

# Train steps run per compiled call. Small nets (the 2-D MLPs) spend most of a
# step in Python dispatch; 32 steps per call made a ring8 epoch several times
# faster. Keras caps it at one epoch, and every callback here is per epoch;
# the progress bar (training/progress.py) caps the step it shows at the epoch's.
STEPS_PER_EXECUTION = 32


def build_optimizers(family_cls, g_lr=None, d_lr=None, ema_momentum=None):
    """The family's default optimizers, with the learning rates replaced where given.

    The one builder ``compile()`` uses too (:func:`kerasgan.core.defaults.optimizers_for`).

    Args:
        family_cls: the family class (its ``default_optimizers``).
        g_lr, d_lr: learning rates (``None``: the family's).
        ema_momentum: if > 0, the generator optimizer keeps a moving average
            of the generator's weights (``use_ema``), which ``fit`` moves into
            the generator at the end.

    Returns:
        ``(g_optimizer, d_optimizer)``.
    """
    return defaults.optimizers_for(family_cls, g_lr, d_lr, ema_momentum)


def recipe_of_config(config):
    """The recipe keys of a resolved config: what ``build_for_data(spec, recipe=...)`` applies."""
    return {key: getattr(config, key) for key in RECIPE_KEYS}


def build_model(config, data_spec=None, compile=True, steps_per_execution=None):
    """The model a resolved :class:`~kerasgan.training.TrainConfig` describes, compiled.

    Seeds Python, numpy and TensorFlow with ``config.seed`` (so the initial
    weights are reproducible), builds the family's default networks for the
    data under the config's dtype policy, and compiles with the family's
    optimizers at the config's learning rates: ``Family.build_for_data`` with
    the config's recipe values, then ``compile()`` without optimizers, the
    same path as the Python API.

    Args:
        config: a resolved TrainConfig (see ``TrainConfig.resolved``).
        data_spec: the data's spec (default: ``config.data_spec()``).
        compile: compile with the recipe's optimizers and ``jit_compile``.
        steps_per_execution: passed to ``compile`` (``None``: Keras' 1).

    Returns:
        The family model.

    Example:
        >>> config = TrainConfig(family="gan", data="ring8").resolved()
        >>> model = build_model(config)
    """
    family_cls = config.family_class()
    spec = data_spec if data_spec is not None else config.data_spec()
    keras.utils.set_random_seed(config.seed)
    previous = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(config.mixed_precision)
    try:
        model = family_cls.build_for_data(spec, recipe=recipe_of_config(config), seed=config.seed)
    finally:
        keras.mixed_precision.set_global_policy(previous)
    if compile:
        options = {} if steps_per_execution is None else {"steps_per_execution": steps_per_execution}
        model.compile(jit_compile=config.jit_compile, **options)
    return model
