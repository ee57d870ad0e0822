"""A complete training run: config, data, model, checkpoints, resume, samples.

This is the logic behind ``kerasgan train``; the CLI only parses flags into a
:class:`TrainConfig` and calls :func:`run_training`. A run folder looks like::

    OUT/
      config.yaml             the resolved config (re-runnable with --config)
      model.keras             final model (generator, discriminator, optimizers)
      samples.png             final samples: image grid (one row per class for cgan and
                              acgan, per category for infogan), [input | output] groups
                              of a fixed data batch for pix2pix / cyclegan / stargan,
                              or a scatter for 2-D points
      metrics.json            2-D data only: mode coverage of 2500 samples
      checkpoints/last.keras  model after the last finished epoch
      checkpoints/state.json  {"epoch": N, "config": {...}, "history": {...}}
      samples/epoch_001.png   samples from a fixed seed (or batch) after every epoch
      logs/                   TensorBoard event files

Every file is written atomically (temporary file in the same folder, then
``os.replace``), so an interrupted run never leaves a truncated checkpoint.

Example:
    >>> from kerasgan.training import TrainConfig, run_training
    >>> config = TrainConfig(family="wgan_gp", data="ring8", epochs=5)
    >>> result = run_training(config, "runs/ring8")
    >>> result.metrics["num_modes"]
"""

from __future__ import annotations

import dataclasses
import difflib
import importlib.util
import json
import math
import numbers
import os
import time
import warnings
from typing import Any, Dict, Optional

import keras
import numpy as np

__all__ = [
    "ConfigError",
    "ResumeError",
    "TrainConfig",
    "TrainResult",
    "CheckpointCallback",
    "SampleCallback",
    "check_compatible",
    "default_recipe",
    "load_yaml_config",
    "needs_labels",
    "preview_batch",
    "save_run_samples",
    "run_training",
    "read_state",
    "write_json",
    "write_yaml",
]

MIXED_PRECISION_POLICIES = ("float32", "mixed_float16", "mixed_bfloat16")
#: Keys that may change when resuming a run (they do not change the model or the data).
RESUMABLE_KEYS = ("epochs", "sample_every", "jit_compile", "data_dir")
#: Samples drawn for the scatter of 2-D data and for the mode-coverage metrics.
POINT_SAMPLES = 2500
#: Images in a sample grid.
IMAGE_SAMPLES = 64
#: Offset added to the run's seed for the fixed sampling latents.
SAMPLE_SEED_OFFSET = 20_240_601


from kerasgan.errors import ConfigError, ResumeError  # noqa: E402  (re-exported)


# --------------------------------------------------------------------- config

_INT_FIELDS = (
    "epochs",
    "batch_size",
    "epoch_size",
    "image_size",
    "channels",
    "latent_dim",
    "seed",
    "d_steps",
    "sample_every",
)
_FLOAT_FIELDS = ("g_lr", "d_lr")
_STR_FIELDS = ("family", "data", "mixed_precision", "data_dir")
_BOOL_FIELDS = ("jit_compile",)
_DICT_FIELDS = ("family_kwargs",)
#: Integer fields that may be 0 (all others must be >= 1).
_NON_NEGATIVE_INTS = ("seed", "sample_every")


@dataclasses.dataclass
class TrainConfig:
    """Everything that defines a training run.

    ``None`` means "use the default": :func:`default_recipe` for ``epochs``,
    ``batch_size``, ``latent_dim`` and the learning rates (whose own ``None``
    means the family's paper optimizers), the family's ``d_steps``, and the
    data set's native image size and channels.

    Attributes:
        family: GAN family name (see ``kerasgan.families.names()``).
        data: data-set name (``ring8``, ``grid25``, ``digits``,
            ``folder:PATH`` or a tensorflow_datasets name; paired sets such as
            ``digits-edges`` for pix2pix, unpaired ones such as
            ``digits-rotated`` for cyclegan, ``digits-domains`` for stargan).
            :func:`check_compatible` says when family and data do not fit.
        epochs: number of epochs (total, also when resuming).
        batch_size: global batch size.
        epoch_size: examples per epoch (``None``: the data set's own size;
            10,000 points for 2-D mixtures).
        image_size: side length images are resized to.
        channels: 1 or 3 image channels.
        latent_dim: size of ``z`` (``None``: the recipe's, 16 for points, 100 for
            images; InfoGAN's noise size, 4 / 62; unused by image-to-image families).
        seed: seed of the weights, the data order and the training latents.
        ema_momentum: momentum of an exponential moving average of the
            generator's weights, kept by its optimizer (``use_ema``) and moved
            into the generator when training ends; 0 turns it off, ``None``
            takes the recipe's (0.99 on 2-D points, off on images).
        g_lr, d_lr: learning rates that replace the family's defaults (the
            optimizer kind and its other settings stay the family's).
        d_steps: discriminator updates per generator update.
        mixed_precision: ``"float32"``, ``"mixed_float16"`` or ``"mixed_bfloat16"``.
        jit_compile: compile the train step with XLA.
        data_dir: tensorflow_datasets data root.
        sample_every: write ``samples/epoch_XXX.png`` every this many epochs
            (0 disables).
        family_kwargs: extra arguments of the family (e.g. ``{"gp_weight": 5}``).

    Example:
        >>> config = TrainConfig.from_dict({"family": "gan", "data": "ring8", "epochs": 3})
        >>> config.batch_size is None
        True
    """

    family: str = "gan"
    data: str = "ring8"
    epochs: Optional[int] = None
    batch_size: Optional[int] = None
    epoch_size: Optional[int] = None
    image_size: Optional[int] = None
    channels: Optional[int] = None
    latent_dim: Optional[int] = None
    seed: int = 0
    g_lr: Optional[float] = None
    d_lr: Optional[float] = None
    ema_momentum: Optional[float] = None
    d_steps: Optional[int] = None
    mixed_precision: str = "float32"
    jit_compile: bool = True
    data_dir: Optional[str] = None
    sample_every: int = 1
    family_kwargs: Dict[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self):
        self.validate()

    @classmethod
    def keys(cls):
        """The valid config keys, in declaration order."""
        return [f.name for f in dataclasses.fields(cls)]

    @classmethod
    def from_dict(cls, values, source=None):
        """Builds a config from a mapping, validating every key and value.

        Args:
            values: mapping of config keys to values (missing keys keep defaults).
            source: where the mapping came from (a file name), for messages.

        Raises:
            ConfigError: unknown key (with the valid keys and a suggestion),
                wrong type or out-of-range value.
        """
        where = f"{source}: " if source else ""
        if values is None:
            values = {}
        if not isinstance(values, dict):
            raise ConfigError(
                f"{where}a training config must be a mapping of keys to values, "
                f"got {type(values).__name__}."
            )
        valid = cls.keys()
        for key in values:
            if key not in valid:
                close = difflib.get_close_matches(str(key).replace("-", "_"), valid, n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                raise ConfigError(
                    f"{where}unknown config key {key!r}.{hint} Valid keys: {', '.join(valid)}."
                )
        try:
            return cls(**values)
        except ConfigError as error:
            raise ConfigError(f"{where}{error}") from None

    def validate(self):
        """Checks types and ranges; normalises ints given as floats like ``3.0``.

        Raises:
            ConfigError: naming the key and the expected type or range.
        """
        for key in _INT_FIELDS:
            value = getattr(self, key)
            if value is None:
                if key in ("seed", "sample_every"):
                    raise ConfigError(f"config key {key!r} must be an integer, got None.")
                continue
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            if isinstance(value, bool) or not isinstance(value, numbers.Integral):
                raise ConfigError(
                    f"config key {key!r} must be an integer, "
                    f"got {value!r} ({type(value).__name__})."
                )
            low = 0 if key in _NON_NEGATIVE_INTS else 1
            if value < low:
                raise ConfigError(f"config key {key!r} must be >= {low}, got {value}.")
            setattr(self, key, int(value))
        if self.ema_momentum is not None:
            value = self.ema_momentum
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or not (
                0 <= value < 1
            ):
                raise ConfigError(
                    "config key 'ema_momentum' must be a number in [0, 1) (0: no average), "
                    f"got {value!r}."
                )
            self.ema_momentum = float(value)
        for key in _FLOAT_FIELDS:
            value = getattr(self, key)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise ConfigError(
                    f"config key {key!r} must be a number, got {value!r} ({type(value).__name__})."
                )
            if not (math.isfinite(value) and value > 0):
                raise ConfigError(f"config key {key!r} must be a positive number, got {value!r}.")
            setattr(self, key, float(value))
        for key in _STR_FIELDS:
            value = getattr(self, key)
            if value is None and key == "data_dir":
                continue
            if not isinstance(value, str) or not value:
                raise ConfigError(
                    f"config key {key!r} must be a non-empty string, got {value!r} "
                    f"({type(value).__name__})."
                )
        for key in _BOOL_FIELDS:
            value = getattr(self, key)
            if not isinstance(value, bool):
                raise ConfigError(
                    f"config key {key!r} must be true or false, "
                    f"got {value!r} ({type(value).__name__})."
                )
        for key in _DICT_FIELDS:
            value = getattr(self, key)
            if value is None:
                value = {}
            if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
                raise ConfigError(
                    f"config key {key!r} must be a mapping of argument names to values, "
                    f"got {value!r} ({type(value).__name__})."
                )
            setattr(self, key, dict(value))
        if self.mixed_precision not in MIXED_PRECISION_POLICIES:
            raise ConfigError(
                "config key 'mixed_precision' must be one of "
                f"{', '.join(MIXED_PRECISION_POLICIES)}, "
                f"got {self.mixed_precision!r}."
            )
        for reserved in ("seed", "d_steps", "latent_dim"):
            if reserved in self.family_kwargs:
                raise ConfigError(
                    f"set {reserved!r} as its own config key, not inside 'family_kwargs'."
                )

    def to_dict(self):
        """A plain dict (YAML/JSON friendly) with every key."""
        return dataclasses.asdict(self)

    def replace(self, **changes):
        """A validated copy with some keys changed (``None`` values are kept as given)."""
        return TrainConfig.from_dict({**self.to_dict(), **changes})

    def family_class(self):
        """The family class; ``ValueError`` listing valid names if unknown."""
        from kerasgan import families

        return families.get(self.family)

    def data_spec(self):
        """The :class:`kerasgan.data.DataSpec` of ``data`` with this config's image options."""
        from kerasgan import data

        return data.spec(
            self.data, image_size=self.image_size, channels=self.channels, data_dir=self.data_dir
        )

    def resolved(self, data_spec=None):
        """A copy with every unset recipe field filled in by :func:`default_recipe`."""
        spec = data_spec if data_spec is not None else self.data_spec()
        recipe = default_recipe(self.family, spec)
        # The recipe's family arguments sit under the config's own.
        family_kwargs = {**recipe.pop("family_kwargs", {}), **self.family_kwargs}
        changes = {key: value for key, value in recipe.items() if getattr(self, key) is None}
        return self.replace(**changes, family_kwargs=family_kwargs)

    @classmethod
    def from_yaml(cls, path):
        """Reads and validates a YAML config file (see :func:`load_yaml_config`)."""
        return cls.from_dict(load_yaml_config(path), source=os.fspath(path))

    def to_yaml(self, path):
        """Writes the config as YAML (atomically); ``from_yaml`` reads it back."""
        write_yaml(self.to_dict(), path)


def load_yaml_config(path):
    """Reads a YAML mapping of TrainConfig keys from ``path``.

    A zoo entry (``kerasgan/zoo/configs/NAME.yaml``, recognised by its
    ``nets`` and ``training`` sections) is validated with the zoo schema and
    mapped onto TrainConfig keys (:func:`kerasgan.zoo.schema.train_config_values`).

    Raises:
        FileNotFoundError: the file does not exist.
        ConfigError: the file is not valid YAML or not a mapping
            (``kerasgan.zoo.ZooConfigError``, a ConfigError, for an invalid zoo entry).
    """
    import yaml

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"config file {path!r} not found.")
    with open(path, encoding="utf-8") as handle:
        try:
            values = yaml.safe_load(handle)
        except yaml.YAMLError as error:
            detail = str(error).replace("\n", " ")
            raise ConfigError(f"{path}: not valid YAML: {detail}") from None
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise ConfigError(
            f"{path}: a training config must be a YAML mapping, got {type(values).__name__}."
        )
    from kerasgan.zoo import schema as zoo_schema

    if zoo_schema.is_entry(values):
        # A zoo entry (kerasgan/zoo/configs/NAME.yaml): validate it and map it to TrainConfig keys.
        values = zoo_schema.train_config_values(zoo_schema.validate_entry(values, path), path)
    return values


# ------------------------------------------------------ family / data match

#: What each family trains on: (data kinds, needs class labels, sets to suggest).
#: Families not listed sample from noise: images or 2-D points, labels unused.
_FAMILY_DATA = {
    "cgan": (
        ("image", "points"),
        True,
        "a labelled data set (digits, ring8, grid25, digits-domains, mnist, ...)",
    ),
    "acgan": (("image",), True, "a labelled image data set (digits, digits-domains, mnist, ...)"),
    "infogan": (("image", "points"), False, "images or 2-D points (digits, ring8, grid25, ...)"),
    "pix2pix": (("paired",), False, "a paired data set (digits-edges, digits-inverse, pairs:PATH)"),
    "cyclegan": (
        ("unpaired",),
        False,
        "an unpaired data set (digits-rotated, digits-thick, unpaired:PATH, cycle_gan/NAME)",
    ),
    "stargan": (
        ("image",),
        True,
        "images labelled with their domain (digits-domains, or a labelled set such as digits)",
    ),
}
_NOISE_DATA = (
    ("image", "points"),
    False,
    "images or 2-D points (digits, ring8, grid25, folder:PATH, a tfds name)",
)
#: Families whose models translate images (``model.translate``) instead of sampling noise.
TRANSLATION_FAMILIES = ("pix2pix", "cyclegan", "stargan")


def needs_labels(family_cls):
    """True when the family trains on ``(x, label)`` batches (cgan, acgan, stargan)."""
    return bool(getattr(family_cls, "needs_labels", False))


def check_compatible(family, data_spec):
    """Raises a one-line :class:`ConfigError` when ``family`` cannot train on the data.

    Example message: ``pix2pix needs a paired data set (digits-edges,
    digits-inverse, pairs:PATH); digits is image``.
    """
    kinds, labelled, wanted = _FAMILY_DATA.get(family, _NOISE_DATA)
    kind = data_spec.kind
    if kind not in kinds:
        raise ConfigError(f"{family} needs {wanted}; {data_spec.name} is {kind}")
    if labelled and not data_spec.num_classes:
        raise ConfigError(f"{family} needs {wanted}; {data_spec.name} is {kind} without labels")


# Train steps run per compiled call. Small nets (the 2-D MLPs) spend most of a
# step in Python dispatch; 32 steps per call made a ring8 epoch several times
# faster. Keras caps it at one epoch, and every callback here is per epoch.
STEPS_PER_EXECUTION = 32


def default_recipe(family, data_spec):
    """Default training recipe for a family on a data set.

    The single place where recipes live, tuned so that the default run trains
    in minutes on two CPU cores. Fields left unset in a :class:`TrainConfig`
    take these values; ``None`` learning rates mean the family's paper defaults.

    On 2-D points the papers' learning rates (1e-4 to 2e-4, RMSprop 5e-5 for
    WGAN) need tens of thousands of steps; 1e-3 with the family's own
    optimizer type covered all 8 ring modes with >90% high-quality samples in
    150 epochs (5,850 generator steps) for gan and lsgan (see the closing
    note of the foundation issue for the measured figures).

    Per family: InfoGAN's ``latent_dim`` is its noise size (62 for images,
    4 for points; the codes are added on top); the image-to-image families
    (pix2pix, CycleGAN, StarGAN) train with batch 32 on 16 px sets for
    20 / 15 / 8 epochs, and have no ``latent_dim``.

    Args:
        family: family name (or class).
        data_spec: the :class:`kerasgan.data.DataSpec` of the data.

    Returns:
        dict with ``epochs``, ``batch_size``, ``latent_dim``, ``g_lr``, ``d_lr``,
        ``ema_momentum`` and, for some families on 2-D points, ``family_kwargs`` (which a
        config's own ``family_kwargs`` override key by key).
    """
    family = getattr(family, "__name__", family)
    family = str(family).lower()
    if family in _TRANSLATION_RECIPES or data_spec.kind in ("paired", "unpaired"):
        return _translation_recipe(family, data_spec)
    # InfoGAN's latent_dim is the noise size; the codes come on top (paper: 62 noise values).
    infogan = family == "infogan"
    if data_spec.kind == "points":
        # 10k points per epoch: 39 steps of 256. grid25's 25 modes need about
        # twice the steps of ring8 (gan, seed 0: 21/25 modes, 19% high quality
        # after 100 epochs; 23/25, 69% after 300).
        latent = 4 if infogan else 16
        epochs = 300 if data_spec.name == "grid25" else 150
        lr, family_kwargs = 1e-3, {}
        if family == "wgan":
            # The paper's clip of 0.01 leaves an MLP critic too flat to resolve
            # modes of std 0.01 (ring8, seed 0: <= 4/8 modes, < 1% high quality);
            # 0.1 gave 8/8 modes, 52% high quality.
            family_kwargs = {"clip_value": 0.1}
        if family == "wgan_gp":
            # At 1e-3 the critic overshoots. With the paper's penalty weight 10
            # the critic is too smooth at the scale of the modes (ring8, seed 0,
            # lr 3e-4, 300 epochs: 8/8 modes, 37% high quality); weight 1: 69%.
            lr, epochs, family_kwargs = 3e-4, 300, {"gp_weight": 1.0}
        if family == "sngan":
            # A spectrally normalised critic is 1-Lipschitz: it cannot tell a
            # sample 0.03 from a mode centre from the centre itself (ring8, seed
            # 0: 8/8 modes, 0.4-4% high quality). A gain of 100 on its input
            # (one Rescaling layer) gave 8/8 modes, 24%.
            family_kwargs = {"discriminator_input_scale": 100.0}
        return {
            "epochs": epochs,
            "batch_size": 256,
            "latent_dim": latent,
            "g_lr": lr,
            "d_lr": lr,
            # A moving average of the generator over its last ~100 steps damps
            # the oscillation around the modes that the last iterate shows
            # (ring8: lsgan seed 2 went from 6/8 modes, 11% high quality to 8/8,
            # 94%; wgan seed 0 from 52% to 64%). A longer horizon (0.999) blurs
            # generators whose latent-to-mode map still turns: gan seed 0 fell
            # to 0%.
            "ema_momentum": 0.99,
            "family_kwargs": family_kwargs,
        }
    latent = 62 if infogan else 100
    size = data_spec.shape[0]
    # No generator average on images: their short default runs (hundreds of
    # steps) would average in the untrained start.
    common = {"batch_size": 64, "latent_dim": latent, "g_lr": None, "d_lr": None,
              "ema_momentum": 0.0}
    if size <= 16:
        # digits 16x16: ~1.4k images, ~22 steps per epoch; 1-2 s an epoch on two CPU
        # cores for the noise and label-conditional families (after compilation).
        return {"epochs": 30, **common}
    if size <= 32:
        return {"epochs": 20, **common}
    return {"epochs": 10, **common}


#: Epochs of the image-to-image families on 16 px digits sets (batch 32). Measured
#: on two busy CPU cores after compilation: pix2pix ~10 s an epoch on digits-edges
#: (44 steps), CycleGAN ~14 s on digits-rotated (22 steps), StarGAN ~30 s on
#: digits-domains (44 steps of 5 critic + 1 generator updates): 3-4 minutes a run.
_TRANSLATION_RECIPES = {"pix2pix": 20, "cyclegan": 15, "stargan": 8}


def _translation_recipe(family, data_spec):
    epochs = _TRANSLATION_RECIPES.get(family, 10)
    size = data_spec.shape[0]
    if size <= 16:
        batch_size = 32
    elif size <= 64:
        batch_size, epochs = 16, max(5, epochs // 2)
    else:
        # 128-256 px (pairs:, unpaired:, cycle_gan/*): the papers use batch 1.
        batch_size, epochs = 4, max(5, epochs // 2)
    # No latent_dim: these generators translate images instead of sampling noise.
    return {
        "epochs": epochs,
        "batch_size": batch_size,
        "latent_dim": None,
        "g_lr": None,
        "d_lr": None,
        "ema_momentum": 0.0,
    }


# ------------------------------------------------------------------ file I/O


def _atomic_path(path, suffix=None):
    from kerasgan.plotting import atomic_path

    return atomic_path(path, suffix=suffix)


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _finite_or_none(value):
    """Strict JSON: NaN and infinities become ``null``; recurses into containers."""
    if isinstance(value, dict):
        return {k: _finite_or_none(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite_or_none(v) for v in value]
    if isinstance(value, np.ndarray):
        return _finite_or_none(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_json(data, path):
    """Writes ``data`` as indented, strict JSON atomically.

    numpy values are converted; NaN and infinities are written as ``null``.
    """
    with _atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(
                _finite_or_none(data), handle, indent=2, allow_nan=False, default=_json_default
            )
            handle.write("\n")


def write_yaml(data, path):
    """Writes ``data`` as YAML atomically, keys in insertion order."""
    import yaml

    with _atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8") as handle:
            yaml.safe_dump(data, handle, sort_keys=False, default_flow_style=False)


def save_model_atomic(model, path):
    """``model.save(path)`` through a temporary ``.keras`` file and ``os.replace``."""
    with _atomic_path(path, suffix=".keras") as tmp:
        model.save(tmp)


def checkpoint_paths(out_dir):
    """Paths of the checkpoint model and state file of a run folder."""
    folder = os.path.join(os.fspath(out_dir), "checkpoints")
    return os.path.join(folder, "last.keras"), os.path.join(folder, "state.json")


def read_state(out_dir):
    """The checkpoint state of a run folder, or ``None`` if it has none.

    Returns:
        dict with ``epoch`` (epochs finished), ``config`` and ``history``.
    """
    _, state_path = checkpoint_paths(out_dir)
    if not os.path.isfile(state_path):
        return None
    with open(state_path, encoding="utf-8") as handle:
        return json.load(handle)


# ----------------------------------------------------------------- callbacks


#: Examples in the fixed preview batch that image-to-image pictures translate.
PREVIEW_EXAMPLES = 8
#: Samples per class (cgan, acgan) or category (infogan) row of a sample grid.
SAMPLES_PER_ROW = 8
#: Most class / category rows drawn in one grid.
MAX_ROWS = 20


def _mixture_centers(data_name):
    from kerasgan import data

    mixture = data.TOY2D.get(data_name)
    return None if mixture is None else mixture.centers


def image_samples(model, seed, n=None, labels=None, categories=None):
    """Image samples and the grid width that shows them best.

    Label-conditional models (cgan, acgan) draw one row per label (every class
    by default), InfoGAN one row per category; other models ``n`` samples
    (default :data:`IMAGE_SAMPLES`) in a square grid.

    Args:
        model: a trained family model with ``generate``.
        seed: latent seed.
        n: total number of samples (default: 8 per row, or 64).
        labels: class labels (cgan, acgan), one row each.
        categories: categorical codes (infogan), one row each.

    Returns:
        ``(images, nrow)``; ``nrow`` is ``None`` for a square grid.
    """
    num_classes = getattr(model, "num_classes", None)
    num_categories = getattr(model, "num_categories", None)
    if num_classes:
        values, per_row = _codes_in_rows(num_classes, labels, n)
        return model.generate(len(values), seed=seed, labels=values), per_row
    if num_categories:
        values, per_row = _codes_in_rows(num_categories, categories, n)
        return model.generate(len(values), seed=seed, categories=values), per_row
    return model.generate(IMAGE_SAMPLES if n is None else int(n), seed=seed), None


def _codes_in_rows(count, codes=None, n=None):
    """Codes in blocks, one grid row each: ``(codes per sample, samples per row)``."""
    if codes is None:
        codes = np.arange(min(int(count), MAX_ROWS))
    codes = np.asarray(codes, dtype="int64").reshape(-1)
    per_row = SAMPLES_PER_ROW if n is None else math.ceil(int(n) / len(codes))
    values = np.repeat(codes, per_row)
    return (values if n is None else values[: int(n)]), per_row


def translation_columns(model, preview, direction=None, domains=None):
    """Columns of an [input | output ...] picture of an image-to-image model.

    Args:
        model: a pix2pix, CycleGAN or StarGAN model.
        preview: ``{"source", "target"}`` (paired: input, output, target),
            ``{"a", "b"}`` (unpaired: a -> G_ab(a), then b -> G_ba(b)) or
            ``{"x"}`` (images: input, then one output per target domain).
        direction: CycleGAN direction of ``{"x"}`` inputs (``"ab"`` or ``"ba"``).
        domains: StarGAN target domains (default: every domain).

    Returns:
        List of columns; each is an array ``(N, H, W, C)`` or a list of them.
    """
    if "source" in preview:
        source = preview["source"]
        return [source, model.translate(source), preview["target"]]
    if "a" in preview:
        a, b = preview["a"], preview["b"]
        return [
            [a, b],
            [model.translate(a, direction="ab"), model.translate(b, direction="ba")],
        ]
    x = preview["x"]
    num_domains = getattr(model, "num_domains", None)
    if num_domains:
        targets = range(num_domains) if domains is None else domains
        return [x] + [model.translate(x, domains=int(d)) for d in targets]
    if direction is not None:
        return [x, model.translate(x, direction=direction)]
    return [x, model.translate(x)]


def preview_batch(config, data_spec, n=PREVIEW_EXAMPLES):
    """The fixed batch of data that the per-epoch pictures of image-to-image families translate.

    Returns:
        ``{"source", "target"}`` for paired sets, ``{"a", "b"}`` for unpaired
        sets, ``{"x"}`` (shuffled with the run's seed so that domains mix) for
        StarGAN's labelled images, or ``None`` for families that sample noise.
    """
    from kerasgan import data as data_module

    if config.family not in TRANSLATION_FAMILIES:
        return None
    kwargs = {
        "image_size": config.image_size,
        "channels": config.channels,
        "data_dir": config.data_dir,
        "drop_remainder": False,
    }
    if data_spec.kind in ("paired", "unpaired"):
        first, second = next(iter(data_module.load(config.data, n, shuffle=False, **kwargs)))
        keys = ("source", "target") if data_spec.kind == "paired" else ("a", "b")
        return {keys[0]: np.asarray(first), keys[1]: np.asarray(second)}
    batch = next(iter(data_module.load(config.data, n, shuffle=True, seed=config.seed, **kwargs)))
    return {"x": np.asarray(batch)}


def save_run_samples(model, path, data_spec, seed, preview=None, title=None):
    """Writes a run's sample picture and returns what was drawn.

    - image-to-image models (``preview`` given): [input | output ...] groups;
    - 2-D points: a scatter of :data:`POINT_SAMPLES` samples with the true modes;
    - images: a grid, one row per class (cgan, acgan) or category (infogan).

    Returns:
        The generated samples (the 2-D points feed ``metrics.json``).
    """
    from kerasgan import plotting

    if preview is not None:
        columns = translation_columns(model, preview)
        plotting.save_image_groups(columns, path)
        return columns[1]
    if data_spec.kind == "points":
        samples = model.generate(POINT_SAMPLES, seed=seed)
        if samples.ndim == 2 and samples.shape[1] == 2:
            plotting.save_scatter(
                samples, path, centers=_mixture_centers(data_spec.name), title=title
            )
            return samples
    else:
        samples, nrow = image_samples(model, seed)
        plotting.save_image_grid(samples, path, nrow=nrow)
        return samples
    raise ValueError(f"cannot draw samples of shape {samples.shape[1:]} as a PNG.")


class CheckpointCallback(keras.callbacks.Callback):
    """Saves ``checkpoints/last.keras`` and ``checkpoints/state.json`` after every epoch.

    Both files are written atomically; the model first, then the state, so
    ``state.json`` never names an epoch whose model is not on disk.

    Args:
        out_dir: the run folder.
        config: the resolved :class:`TrainConfig` (stored in the state).
        history: per-metric lists of earlier epochs (when resuming).
    """

    def __init__(self, out_dir, config, history=None):
        super().__init__()
        self.model_path, self.state_path = checkpoint_paths(out_dir)
        self.config = config
        self.history = {k: list(v) for k, v in (history or {}).items()}

    def on_epoch_end(self, epoch, logs=None):
        """Writes the checkpoint of epoch ``epoch + 1``."""
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))
        save_model_atomic(self.model, self.model_path)
        write_json(
            {
                "epoch": epoch + 1,
                "config": self.config.to_dict(),
                "history": self.history,
                "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            },
            self.state_path,
        )


class SampleCallback(keras.callbacks.Callback):
    """Writes ``samples/epoch_XXX.png`` from fixed latents every ``every`` epochs.

    Args:
        out_dir: the run folder.
        data_spec: the data set's spec (scatter for points, grid for images).
        seed: seed of the latents (the same every epoch, so pictures compare).
        every: epochs between pictures (0 disables).
        preview: fixed data batch of image-to-image families
            (see :func:`preview_batch`); their pictures show input and output.
    """

    def __init__(self, out_dir, data_spec, seed, every=1, preview=None):
        super().__init__()
        self.folder = os.path.join(os.fspath(out_dir), "samples")
        self.data_spec = data_spec
        self.seed = int(seed)
        self.every = int(every)
        self.preview = preview

    def on_epoch_end(self, epoch, logs=None):
        """Draws and saves the samples of epoch ``epoch + 1``."""
        if self.every <= 0 or (epoch + 1) % self.every:
            return
        path = os.path.join(self.folder, f"epoch_{epoch + 1:03d}.png")
        title = f"{self.data_spec.name}  epoch {epoch + 1}"
        save_run_samples(
            self.model, path, self.data_spec, self.seed, preview=self.preview, title=title
        )


# ---------------------------------------------------------------------- run


@dataclasses.dataclass
class TrainResult:
    """What :func:`run_training` returns.

    Attributes:
        model: the trained model.
        history: the ``keras.callbacks.History`` of this call's ``fit``
            (only the epochs run now when resuming).
        config: the resolved config.
        out_dir: the run folder.
        paths: named output paths (``model``, ``samples``, ``config``,
            ``checkpoint``, ``state``, ``logs``, ``samples_dir``, ``metrics``).
        metrics: mode coverage dict for 2-D data, else ``None``.
        initial_epoch: epochs already done before this call (0 unless resumed).
    """

    model: Any
    history: Any
    config: TrainConfig
    out_dir: str
    paths: Dict[str, str]
    metrics: Optional[Dict[str, Any]]
    initial_epoch: int = 0


def _tensorboard_installed():
    """TensorFlow 2.21 no longer pulls in TensorBoard; its summaries need it."""
    return importlib.util.find_spec("tensorboard") is not None


def build_optimizers(family_cls, g_lr=None, d_lr=None, ema_momentum=None):
    """The family's default optimizers, with the learning rates replaced where given.

    Args:
        family_cls: the family class (its ``default_optimizers``).
        g_lr, d_lr: learning rates (``None``: the family's).
        ema_momentum: if > 0, the generator optimizer keeps a moving average
            of the generator's weights (``use_ema``), which ``fit`` moves into
            the generator at the end.

    Returns:
        ``(g_optimizer, d_optimizer)``.
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


def _differing_keys(saved, current):
    keys = [k for k in TrainConfig.keys() if k not in RESUMABLE_KEYS]
    return [k for k in keys if saved.get(k) != current.get(k)]


def _prepare_resume(out_dir, config):
    model_path, state_path = checkpoint_paths(out_dir)
    state = read_state(out_dir)
    if state is None or not os.path.isfile(model_path):
        raise ResumeError(
            f"cannot resume: no checkpoint in {os.path.dirname(model_path)!r} "
            "(expected last.keras and state.json); train without --resume first."
        )
    saved = TrainConfig.from_dict(state["config"], source=state_path).to_dict()
    differing = _differing_keys(saved, config.to_dict())
    if differing:
        details = ", ".join(
            f"{k} (checkpoint: {saved.get(k)!r}, now: {getattr(config, k)!r})" for k in differing
        )
        raise ResumeError(
            f"cannot resume {os.fspath(out_dir)!r} with a different config: {details}. "
            f"Only {', '.join(RESUMABLE_KEYS)} may change when resuming."
        )
    return model_path, state


def _warn_if_average_too_short(config, dataset):
    """Warns when the generator average would still weigh the untrained start.

    Keras' moving average starts from the initial weights without bias
    correction: after ``n`` generator steps they still weigh ``momentum ** n``.
    """
    if not config.ema_momentum:
        return
    steps_per_epoch = int(dataset.cardinality())
    if steps_per_epoch <= 0:  # unknown or infinite: nothing to say
        return
    steps = steps_per_epoch * config.epochs
    left = config.ema_momentum**steps
    if left > 0.01:
        warnings.warn(
            f"ema_momentum {config.ema_momentum} averages the generator over about "
            f"{round(1 / (1 - config.ema_momentum))} steps, but this run has {steps}: the "
            f"initial weights still count {left:.0%} in the final generator. Train longer "
            "or pass --ema-momentum 0 (or a smaller value).",
            stacklevel=3,
        )


def run_training(config, out_dir, resume=False, verbose=1, overwrite=False, callbacks=None):
    """Trains a GAN as described by ``config`` and writes a run folder.

    Sets the global dtype policy for the run (restored afterwards), builds the
    data pipeline and the model (or loads ``checkpoints/last.keras`` when
    resuming), and fits with checkpoint, sample, TensorBoard and progress-bar
    callbacks. See the module docstring for the folder layout. A fresh run
    calls ``keras.utils.set_random_seed(config.seed)`` (Python, numpy and
    TensorFlow global seeds) so that the initial weights are reproducible.

    Args:
        config: a :class:`TrainConfig` (or a dict for :meth:`TrainConfig.from_dict`).
        out_dir: the run folder (created if missing).
        resume: continue from ``checkpoints/last.keras`` at the saved epoch;
            the config must match the saved one except for
            :data:`RESUMABLE_KEYS` (``epochs`` is the new total).
        verbose: ``fit``'s verbosity (0 silent, 1 progress bar, 2 one line per epoch).
        overwrite: allow a fresh run in a folder that already has a checkpoint.
        callbacks: extra Keras callbacks.

    Returns:
        A :class:`TrainResult`.

    Raises:
        ConfigError: invalid config. ValueError: unknown family or data set.
        ResumeError: nothing to resume, a config that differs, or a fresh run
            over an existing checkpoint without ``overwrite``.
    """
    from kerasgan import data as data_module

    if isinstance(config, dict):
        config = TrainConfig.from_dict(config)
    out_dir = os.fspath(out_dir)
    family_cls = config.family_class()
    data_spec = config.data_spec()
    check_compatible(config.family, data_spec)
    config = config.resolved(data_spec)

    model_path, state_path = checkpoint_paths(out_dir)
    state = None
    if resume:
        model_path, state = _prepare_resume(out_dir, config)
    elif read_state(out_dir) is not None and not overwrite:
        raise ResumeError(
            f"{out_dir!r} already holds a checkpoint; pass --resume to continue it, "
            "--overwrite to start again, or choose another output folder."
        )
    os.makedirs(out_dir, exist_ok=True)
    paths = {
        "model": os.path.join(out_dir, "model.keras"),
        "samples": os.path.join(out_dir, "samples.png"),
        "config": os.path.join(out_dir, "config.yaml"),
        "checkpoint": model_path,
        "state": state_path,
        "logs": os.path.join(out_dir, "logs"),
        "samples_dir": os.path.join(out_dir, "samples"),
    }

    previous_policy = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(config.mixed_precision)
    try:
        dataset = data_module.load(
            config.data,
            batch_size=config.batch_size,
            image_size=config.image_size,
            channels=config.channels,
            data_dir=config.data_dir,
            shuffle=True,
            seed=config.seed,
            epoch_size=config.epoch_size,
            with_labels=needs_labels(family_cls),
        )
        preview = preview_batch(config, data_spec)
        if state is not None:
            import kerasgan  # noqa: F401  (registers the families for load_model)

            model = keras.models.load_model(model_path)
            initial_epoch = int(state["epoch"])
            if model.jit_compile != config.jit_compile:
                model.jit_compile = config.jit_compile
                if getattr(model, "_gan_compile_config", None):
                    model._gan_compile_config["jit_compile"] = config.jit_compile
        else:
            keras.utils.set_random_seed(config.seed)
            kwargs = dict(config.family_kwargs)
            if config.d_steps is not None:
                kwargs["d_steps"] = config.d_steps
            model = family_cls.build_for_data(
                data_spec, latent_dim=config.latent_dim, seed=config.seed, **kwargs
            )
            g_opt, d_opt = build_optimizers(
                family_cls, config.g_lr, config.d_lr, config.ema_momentum
            )
            model.compile(
                g_optimizer=g_opt,
                d_optimizer=d_opt,
                jit_compile=config.jit_compile,
                steps_per_execution=STEPS_PER_EXECUTION,
            )
            initial_epoch = 0
        write_yaml(config.to_dict(), paths["config"])

        sample_seed = config.seed + SAMPLE_SEED_OFFSET
        all_callbacks = [
            CheckpointCallback(out_dir, config, history=(state or {}).get("history")),
            SampleCallback(
                out_dir, data_spec, sample_seed, every=config.sample_every, preview=preview
            ),
        ]
        if _tensorboard_installed():
            tensorboard = keras.callbacks.TensorBoard(log_dir=paths["logs"], write_graph=False)
            all_callbacks.append(tensorboard)
        else:
            del paths["logs"]
            warnings.warn(
                "TensorBoard is not installed: no logs/ are written (pip install tensorboard).",
                stacklevel=2,
            )
        all_callbacks += list(callbacks or [])
        _warn_if_average_too_short(config, dataset)
        if verbose and initial_epoch >= config.epochs:
            print(f"Nothing to train: {initial_epoch} of {config.epochs} epochs already done.")
        history = model.fit(
            dataset,
            epochs=config.epochs,
            initial_epoch=initial_epoch,
            callbacks=all_callbacks,
            shuffle=False,
            verbose=verbose,
        )

        save_model_atomic(model, paths["model"])
        samples = save_run_samples(
            model,
            paths["samples"],
            data_spec,
            sample_seed,
            preview=preview,
            title=f"{data_spec.name}  final",
        )
        metrics = None
        if data_spec.kind == "points" and data_spec.shape == (2,):
            from kerasgan import metrics as metrics_module

            metrics = metrics_module.mode_coverage_for(config.data, samples)
            paths["metrics"] = os.path.join(out_dir, "metrics.json")
            write_json(metrics, paths["metrics"])
    finally:
        keras.mixed_precision.set_global_policy(previous_policy)
    return TrainResult(
        model=model,
        history=history,
        config=config,
        out_dir=out_dir,
        paths=paths,
        metrics=metrics,
        initial_epoch=initial_epoch,
    )
