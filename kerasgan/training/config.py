"""The training config: every setting of a run, validated, from flags, YAML or a zoo entry."""

from __future__ import annotations

import dataclasses
import difflib
import math
import numbers
import os
from typing import Any, Dict, Optional

from kerasgan.core.precision import AUTO, MIXED_PRECISION_POLICIES, resolve_policy
from kerasgan.errors import ConfigError

__all__ = ["MIXED_PRECISION_POLICIES", "RESUMABLE_KEYS", "TrainConfig", "load_yaml_config"]

#: Keys that may change when resuming a run (they do not change the model or the data).
RESUMABLE_KEYS = ("epochs", "sample_every", "jit_compile", "data_dir", "g_lr", "d_lr")

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
        mixed_precision: ``"float32"``, ``"mixed_float16"``, ``"mixed_bfloat16"``
            or ``"auto"`` (the hardware's fastest: bfloat16 on CPUs with
            AVX-512 BF16/AMX, TPUs and Ampere+ GPUs, float16 on older GPUs,
            see :func:`kerasgan.core.precision.auto_policy`); ``resolved()``
            turns ``"auto"`` into the policy it picked.
        jit_compile: compile the train step with XLA; ``None`` (default): the
            model's measured rule (on CPU, XLA for dense nets only; see
            :func:`kerasgan.core.compilation.choose_jit_compile`).
        data_dir: tensorflow_datasets data root.
        sample_every: write ``samples/epoch_XXX.png`` (and the same picture
            to TensorBoard, ``logs/samples``) every this many epochs (0 disables).
        family_kwargs: extra arguments of the family (e.g. ``{"gp_weight": 5}``).

    Example:
        >>> config = TrainConfig.from_dict({"family": "gan", "data": "ring8", "epochs": 3})
        >>> config.batch_size is None
        True
    """

    family: str
    data: str
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
    jit_compile: Optional[bool] = None
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
        missing = [key for key in ("family", "data") if key not in values]
        if missing:
            raise ConfigError(
                f"{where}a training config needs {' and '.join(repr(k) for k in missing)} "
                "(the GAN family and the data set)."
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
            if value is not None and not isinstance(value, bool):
                raise ConfigError(
                    f"config key {key!r} must be true, false or null (the default), "
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
        if self.mixed_precision not in MIXED_PRECISION_POLICIES + (AUTO,):
            raise ConfigError(
                "config key 'mixed_precision' must be one of "
                f"{', '.join(MIXED_PRECISION_POLICIES + (AUTO,))}, "
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
        from kerasgan.training.recipes import default_recipe

        recipe = default_recipe(self.family_class(), spec)
        # The recipe's family arguments sit under the config's own.
        family_kwargs = {**recipe.pop("family_kwargs", {}), **self.family_kwargs}
        changes = {key: value for key, value in recipe.items() if getattr(self, key) is None}
        # "auto" becomes this machine's policy, so the run folder records what trained.
        changes["mixed_precision"] = resolve_policy(self.mixed_precision)
        return self.replace(**changes, family_kwargs=family_kwargs)

    @classmethod
    def from_yaml(cls, path):
        """Reads and validates a YAML config file (see :func:`load_yaml_config`)."""
        return cls.from_dict(load_yaml_config(path), source=os.fspath(path))

    def to_yaml(self, path):
        """Writes the config as YAML (atomically); ``from_yaml`` reads it back."""
        from kerasgan.training.files import write_yaml

        write_yaml(self.to_dict(), path)


def load_yaml_config(path):
    """Reads a YAML mapping of TrainConfig keys from ``path``.

    (``kerasgan train --config`` also reads zoo entries: the CLI maps them
    with :func:`kerasgan.zoo.schema.train_config_values`.)

    Raises:
        FileNotFoundError: the file does not exist.
        ConfigError: the file is not valid YAML or not a mapping.
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
    return values
