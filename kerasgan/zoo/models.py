"""Building and loading zoo models, and KerasHub-style presets.

A *preset* is a folder holding ``config.yaml`` (a zoo entry, see
:mod:`kerasgan.zoo.schema`) and ``model.weights.h5`` (its ``weights.url`` is
``model.weights.h5``, with sha256 and size). ``from_preset`` accepts a zoo
entry name or such a folder.
"""

from __future__ import annotations

import os

from kerasgan.zoo import download as fetch_module
from kerasgan.zoo import registry, schema
from kerasgan.zoo import weights as weights_module
from kerasgan.zoo.weights import WeightsError, save_network_weights

__all__ = [
    "PRESET_CONFIG",
    "PRESET_WEIGHTS",
    "build",
    "build_entry",
    "fetch",
    "from_preset",
    "load",
    "save_to_preset",
]

PRESET_CONFIG = "config.yaml"
PRESET_WEIGHTS = "model.weights.h5"


def _entry_config(entry, source):
    from kerasgan.training import TrainConfig

    values = schema.train_config_values(entry, source)
    return TrainConfig.from_dict(values, source=source)


def _entry_data_spec(config):
    """The data's spec; for data not on this machine, the one its metadata declares.

    Building a model needs the data's shape and classes, not the data: an
    entry of a tensorflow_datasets set that is not prepared here still builds.
    """
    from kerasgan.data import DatasetNotPreparedError

    try:
        return config.data_spec()
    except DatasetNotPreparedError as error:
        if error.spec is None:
            raise
        return error.spec


def build_entry(entry, source=None, compile=True):
    """An untrained model from a validated entry, compiled with its recipe's optimizers.

    Built by :func:`kerasgan.training.build_model` from the family's recipe
    with the entry's differences, exactly what ``kerasgan train --config``
    trains. The data set need not be on this machine: its declared shape
    and classes are enough.

    Args:
        entry: a validated entry mapping.
        source: its file (for messages).
        compile: compile with the recipe's optimizers and ``jit_compile``.

    Returns:
        The family model; ``model.zoo_entry`` is ``entry``.
    """
    from kerasgan.training import build_model

    config = _entry_config(entry, source)
    spec = _entry_data_spec(config)
    model = build_model(config.resolved(spec), spec, compile=compile)
    # Plain attribute, bypassing Keras' tracking (it is metadata, not state).
    object.__setattr__(model, "zoo_entry", entry)
    return model


def build(name, compile=True):
    """The untrained model of zoo entry ``name``, compiled with the recipe's optimizers.

    Example:
        >>> model = build("gan-ring8")
        >>> model.latent_dim
        16
    """
    return build_entry(registry.info(name), registry.config_path(name), compile=compile)


def _no_weights_error(entry, where):
    name = entry["name"]
    return WeightsError(
        f"zoo entry {name!r} publishes no weights ('weights: none' in {where}). Train them "
        f"with: kerasgan train --config {name} --out runs/{name} (then "
        f"keras.models.load_model('runs/{name}/model.keras')), or build the untrained "
        "model with pretrained=False."
    )


def _fetch_entry(entry, base_dir, where, progress=None):
    weights = entry["weights"]
    if weights == schema.NONE:
        raise _no_weights_error(entry, where)
    return fetch_module.fetch_weights(
        entry["name"], weights["url"], weights["sha256"], weights["size"], base_dir,
        progress=progress,
    )


def fetch(name, progress=None):
    """Fetches (or re-verifies the cached copy of) entry ``name``'s weights.

    Args:
        name: the entry.
        progress: ``progress(bytes_so_far, size)``, called as a download proceeds.

    Returns:
        The verified cache path ``$KERASGAN_HOME/weights/NAME-SHA12.weights.h5``.

    Raises:
        WeightsError: no weights published, or download / verification failed.
    """
    entry = registry.info(name, full=False)  # YAML only: fetching builds no model
    return _fetch_entry(entry, registry.zoo_dir(), registry.config_path(name), progress)


def load(name, pretrained=True, compile=True):
    """Zoo entry ``name`` as a model, with its published weights.

    Args:
        name: entry name (see :func:`kerasgan.zoo.list`).
        pretrained: fetch, verify and load the weights; ``False`` gives the
            untrained model.
        compile: compile with the recipe's optimizers.

    Raises:
        WeightsError: ``weights: none`` entry, failed download or
            verification, or weights that do not fit the model.

    Example:
        >>> model = load("dcgan-digits")
        >>> model.generate(16, seed=0).shape
        (16, 16, 16, 1)
    """
    entry = registry.info(name)
    if not pretrained:
        return build(name, compile=compile)
    path = _fetch_entry(entry, registry.zoo_dir(), registry.config_path(name))
    model = build_entry(entry, registry.config_path(name), compile=compile)
    return weights_module.load_weights(model, path, source=f"{name} ({path})")


def from_preset(cls, preset, load_weights=True, compile=True):
    """``cls.from_preset(preset)``: a zoo entry name or a preset folder, as a model.

    Args:
        cls: the family class it is called on (``AdversarialModel`` accepts any).
        preset: zoo entry name, or a folder with ``config.yaml`` and
            ``model.weights.h5``.
        load_weights: load (and verify) the weights.
        compile: compile with the recipe's optimizers.

    Raises:
        ValueError: the preset is of another family than ``cls``.
        WeightsError / ZooConfigError: bad weights or config.
    """
    from kerasgan import families

    preset = os.fspath(preset)
    if os.path.isdir(preset):
        where = os.path.join(preset, PRESET_CONFIG)
        entry = schema.load_entry(where)
        base_dir = os.path.abspath(preset)
    else:
        entry = registry.info(preset)
        where = registry.config_path(preset)
        base_dir = registry.zoo_dir()
    family_cls = families.get(entry["family"])
    if not issubclass(family_cls, cls):
        right = families.name_of(family_cls)
        raise ValueError(  # noqa: TRY004  (a preset of another family: a bad value)
            f"preset {preset!r} is a {right} model ({family_cls.__name__}); "
            f"{cls.__name__}.from_preset cannot load it. Use "
            f"kerasgan.{family_cls.__name__}.from_preset({preset!r}) or "
            f"kerasgan.zoo.load({entry['name']!r})."
        )
    model = build_entry(entry, where, compile=compile)
    if load_weights:
        path = _fetch_entry(entry, base_dir, where)
        weights_module.load_weights(model, path, source=f"{preset} ({path})")
    return model


def entry_for_recipe(name, description, family, data, recipe=None, preprocessing=None):
    """A zoo entry (without metrics or weights) for a family's recipe with some differences.

    Args:
        name, description, family, data: the entry's fields.
        recipe: TrainConfig keys that differ from the family's default recipe.
        preprocessing: the ``preprocessing`` text (left out when ``None``).

    Returns:
        The entry as a dict, in the order the YAML files list it.
    """
    entry = {"name": name, "description": description, "family": family, "data": data}
    if preprocessing is not None:
        entry["preprocessing"] = preprocessing
    entry.update(recipe=dict(recipe or {}), metrics=schema.NONE, weights=schema.NONE)
    return entry


def _learning_rate(optimizer):
    config = optimizer.get_config()
    return float(f"{float(config['learning_rate']):.7g}")  # float32 -> the value it was set to


def _recipe_differences(model, family_cls, data):
    """The TrainConfig keys that rebuild ``model`` and differ from the family's recipe."""
    from kerasgan import data as data_module
    from kerasgan.training import TrainConfig

    spec = data_module.spec(data)
    resolved = TrainConfig(family=family_cls.family_name, data=data).resolved(spec)
    differences = {}
    if model.recipe_latent_dim != resolved.latent_dim:
        differences["latent_dim"] = model.recipe_latent_dim
    if model.d_steps != family_cls.default_d_steps:
        differences["d_steps"] = model.d_steps
    if model.seed != resolved.seed:
        differences["seed"] = model.seed
    defaults = family_cls.default_optimizers()
    for key, optimizer, default, recipe_lr in zip(
        ("g_lr", "d_lr"), (model.g_optimizer, model.d_optimizer), defaults,
        (resolved.g_lr, resolved.d_lr),
    ):
        if optimizer is None:
            continue
        lr = _learning_rate(optimizer)
        if lr != (recipe_lr if recipe_lr is not None else _learning_rate(default)):
            differences[key] = lr
    kwargs = _family_arguments(model, resolved.family_kwargs)
    if kwargs:
        differences["family_kwargs"] = kwargs
    return differences


def _entry_for(model, data):
    """A zoo entry describing a model that was not built by the zoo."""
    from kerasgan import families

    family = families.name_of(model)
    if family is None or data is None:
        raise ValueError(
            f"save_to_preset needs to know how to rebuild this {type(model).__name__}: build it "
            "with kerasgan.zoo.build/load or from_preset, or pass data=NAME (the data set it "
            "was built for with build_for_data)."
        )
    family_cls = families.get(family)
    return entry_for_recipe(
        f"{family}-{data}".replace(":", "-").replace("/", "-").lower(),
        f"{type(model).__name__} saved with save_to_preset.",
        family,
        data,
        recipe=_recipe_differences(model, family_cls, data),
    )


#: Constructor arguments a preset never lists: the nets, and keys with their own entry field.
_NOT_FAMILY_ARGUMENTS = ("self", "generator", "discriminator", "latent_dim", "seed", "d_steps",
                         "name", "kwargs")


def _family_arguments(model, recipe_kwargs):
    """The model's settings that ``build_for_data`` plus the recipe would not give it.

    Compares each constructor argument of the family (and its bases) that the
    model's ``get_config`` reports with the value a rebuild would use: the
    recipe's family argument if it has one, else the constructor default
    (``loss=None`` means the family's ``default_loss``). Also keeps the 2-D
    critic's input gain, which lives in the discriminator, not the config.
    """
    import inspect

    config = model.get_config()
    defaults = {}
    for klass in reversed(type(model).__mro__):
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        for key, param in inspect.signature(init).parameters.items():
            if param.default is not inspect.Parameter.empty:
                defaults[key] = param.default
    if defaults.get("loss", "") is None:
        defaults["loss"] = getattr(type(model), "default_loss", None)
    if "reuse_generated" in defaults:  # None means the family's default
        defaults["reuse_generated"] = getattr(type(model), "default_reuse_generated", False)
    arguments = {}
    for key, default in defaults.items():
        if key in _NOT_FAMILY_ARGUMENTS or key not in config or key.endswith("_keys"):
            continue
        if config[key] != recipe_kwargs.get(key, default):
            arguments[key] = config[key]
    discriminator = getattr(model, "discriminator", None)
    if "discriminator_input_scale" in recipe_kwargs or any(
        layer.name == "input_scale" for layer in getattr(discriminator, "layers", [])
    ):
        try:
            scale = float(discriminator.get_layer("input_scale").scale)
        except ValueError:  # no gain layer
            scale = 1.0
        if scale != recipe_kwargs.get("discriminator_input_scale", 1.0):
            arguments["discriminator_input_scale"] = scale
    return arguments


def save_to_preset(model, folder, data=None):
    """Writes ``folder/config.yaml`` and ``folder/model.weights.h5`` (KerasHub style).

    The config is the model's zoo entry (for models from ``kerasgan.zoo`` or
    ``from_preset``) with ``weights`` pointing at ``model.weights.h5``; the
    entry's metrics are kept only when the weights are the measured ones.

    Args:
        model: a kerasgan family model.
        folder: the preset folder (created if missing).
        data: data-set name, needed only for models not built by the zoo.

    Returns:
        The folder path.
    """
    from kerasgan.training import write_yaml

    folder = os.fspath(folder)
    entry = getattr(model, "zoo_entry", None)
    entry = dict(entry) if entry is not None else _entry_for(model, data)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, PRESET_WEIGHTS)
    save_network_weights(model, path)
    sha = registry.file_sha256(path)
    published = entry.get("weights")
    if not (isinstance(published, dict) and published.get("sha256") == sha):
        entry["metrics"] = schema.NONE
    entry["weights"] = {"url": PRESET_WEIGHTS, "sha256": sha, "size": os.path.getsize(path)}
    config = os.path.join(folder, PRESET_CONFIG)
    schema.validate_entry(entry, source=config)
    write_yaml(entry, config)
    return folder
