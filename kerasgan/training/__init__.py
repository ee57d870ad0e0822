"""Training runs: the config, the families' recipes, the model builder, callbacks and the run.

- :mod:`~kerasgan.training.config`: :class:`TrainConfig` (validated keys, YAML, zoo entries);
- :mod:`~kerasgan.training.recipes`: each family's default recipe, read from its YAML file;
- :mod:`~kerasgan.training.build`: :func:`build_model`, the one builder of models from a config;
- :mod:`~kerasgan.training.run`: :func:`run_training` (``kerasgan train``), resume, run folders;
- :mod:`~kerasgan.training.callbacks`, :mod:`~kerasgan.training.pictures`,
  :mod:`~kerasgan.training.files`: checkpoints, sample pictures, atomic files.

Example:
    >>> from kerasgan.training import TrainConfig, run_training
    >>> result = run_training(TrainConfig(family="wgan_gp", data="ring8", epochs=5), "runs/ring8")
"""

from kerasgan.core.contract import IMAGE_SAMPLES, POINT_SAMPLES
from kerasgan.errors import ConfigError, ResumeError
from kerasgan.training.build import STEPS_PER_EXECUTION, build_model, build_optimizers
from kerasgan.training.callbacks import CheckpointCallback, SampleCallback, TensorBoardSamples
from kerasgan.training.config import (
    MIXED_PRECISION_POLICIES,
    RESUMABLE_KEYS,
    TrainConfig,
    load_yaml_config,
)
from kerasgan.training.files import (
    checkpoint_paths,
    load_model_file,
    read_state,
    save_model_atomic,
    write_json,
    write_yaml,
)
from kerasgan.training.pictures import (
    SAMPLE_SEED_OFFSET,
    draw_picture,
    preview_batch,
    save_run_samples,
)
from kerasgan.training.recipes import check_compatible, default_recipe, needs_labels
from kerasgan.training.run import TrainResult, run_training

__all__ = [
    "CheckpointCallback",
    "ConfigError",
    "IMAGE_SAMPLES",
    "MIXED_PRECISION_POLICIES",
    "POINT_SAMPLES",
    "RESUMABLE_KEYS",
    "ResumeError",
    "SAMPLE_SEED_OFFSET",
    "STEPS_PER_EXECUTION",
    "SampleCallback",
    "TensorBoardSamples",
    "TrainConfig",
    "TrainResult",
    "build_model",
    "build_optimizers",
    "check_compatible",
    "checkpoint_paths",
    "default_recipe",
    "draw_picture",
    "load_model_file",
    "load_yaml_config",
    "needs_labels",
    "preview_batch",
    "read_state",
    "run_training",
    "save_model_atomic",
    "save_run_samples",
    "write_json",
    "write_yaml",
]
