"""Tests for kerasgan.training (config, recipe, atomic files, runs) and kerasgan.plotting."""

import dataclasses
import json
import os
import warnings

import keras
import numpy as np
import pytest
from PIL import Image

from kerasgan import data, families, files, plotting, training
from kerasgan.training import ConfigError, ResumeError, TrainConfig

FAST = dict(epochs=1, epoch_size=256, batch_size=128, jit_compile=False)
#: FAST without the recipe's generator average (a 2-step run would warn that it is not warmed up).
QUIET = dict(FAST, ema_momentum=0.0)

# ---------------------------------------------------------------- TrainConfig


def test_config_defaults_and_keys():
    config = TrainConfig.from_dict({"family": "wgan_gp", "data": "ring8"})
    assert config.epochs is None and config.batch_size is None
    assert config.mixed_precision == "float32" and config.jit_compile is None
    assert config.family_kwargs == {}
    assert TrainConfig.keys()[:3] == ["family", "data", "epochs"]


def test_unknown_key_names_key_file_and_suggestion():
    with pytest.raises(ConfigError) as info:
        TrainConfig.from_dict({"family": "gan", "lerning_rate": 1}, source="run.yaml")
    message = str(info.value)
    assert message.startswith("run.yaml: ")
    assert "'lerning_rate'" in message and "Valid keys:" in message
    with pytest.raises(ConfigError, match="Did you mean 'batch_size'"):
        TrainConfig.from_dict({"family": "gan", "data": "ring8", "batchsize": 3})


@pytest.mark.parametrize(
    "values, missing",
    [({}, "'family' and 'data'"), ({"family": "gan"}, "'data'"), ({"data": "ring8"}, "'family'")],
)
def test_family_and_data_are_required_and_named(values, missing):
    with pytest.raises(ConfigError) as info:
        TrainConfig.from_dict(values, source="run.yaml")
    message = str(info.value)
    assert message.startswith("run.yaml: ") and f"needs {missing} " in message
    assert "\n" not in message
    with pytest.raises(TypeError):
        TrainConfig()  # no defaults for the family and the data set


@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("epochs", "ten", "'epochs' must be an integer"),
        ("epochs", True, "'epochs' must be an integer"),
        ("epochs", 0, "'epochs' must be >= 1"),
        ("seed", -1, "'seed' must be >= 0"),
        ("g_lr", "fast", "'g_lr' must be a number"),
        ("d_lr", 0.0, "'d_lr' must be a positive number"),
        ("jit_compile", "yes", "'jit_compile' must be true, false or null"),
        ("mixed_precision", "float16", "mixed_float16"),
        ("family_kwargs", [1], "'family_kwargs' must be a mapping"),
        ("family_kwargs", {"seed": 1}, "own config key"),
        ("data", 3, "'data' must be a non-empty string"),
    ],
)
def test_wrong_types_name_key_and_type(key, value, expected):
    with pytest.raises(ConfigError, match=expected):
        TrainConfig.from_dict({"family": "gan", "data": "ring8", key: value}, source="c.yaml")


def test_integral_floats_are_accepted_as_ints():
    config = TrainConfig.from_dict({"family": "gan", "data": "ring8", "epochs": 3.0, "g_lr": 1})
    assert config.epochs == 3 and isinstance(config.epochs, int)
    assert config.g_lr == 1.0 and isinstance(config.g_lr, float)


def test_yaml_round_trip(tmp_path):
    config = TrainConfig(
        family="wgan_gp", data="digits", epochs=4, g_lr=1e-4, mixed_precision="mixed_bfloat16",
        family_kwargs={"gp_weight": 5.0}, data_dir=str(tmp_path),
    )
    path = tmp_path / "run.yaml"
    config.to_yaml(path)
    assert TrainConfig.from_yaml(path) == config
    assert [f for f in os.listdir(tmp_path) if ".tmp" in f] == []


def test_bad_yaml_files(tmp_path):
    with pytest.raises(FileNotFoundError):
        TrainConfig.from_yaml(tmp_path / "missing.yaml")
    (tmp_path / "list.yaml").write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="mapping"):
        TrainConfig.from_yaml(tmp_path / "list.yaml")
    (tmp_path / "broken.yaml").write_text("family: [gan\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        TrainConfig.from_yaml(tmp_path / "broken.yaml")


def test_default_recipe_fills_only_missing_values():
    points = data.spec("ring8")
    digits = data.spec("digits")
    recipe_keys = {"epochs", "batch_size", "latent_dim", "g_lr", "d_lr", "ema_momentum",
                   "family_kwargs"}
    assert set(training.default_recipe("gan", points)) == recipe_keys
    assert set(training.default_recipe("gan", digits)) == recipe_keys
    assert set(training.default_recipe("pix2pix", data.spec("digits-edges"))) == recipe_keys
    assert training.default_recipe("gan", points)["batch_size"] == 256
    assert training.default_recipe("gan", digits)["batch_size"] == 64
    resolved = TrainConfig("gan", "ring8", epochs=2, g_lr=5e-4).resolved(points)
    assert resolved.epochs == 2 and resolved.batch_size == 256
    assert resolved.g_lr == 5e-4 and resolved.d_lr == 1e-3 and resolved.latent_dim == 16


def test_recipe_family_arguments_sit_under_the_configs_own():
    points = data.spec("ring8")
    assert TrainConfig("wgan", "ring8").resolved(points).family_kwargs == {"clip_value": 0.1}
    mine = TrainConfig("wgan_gp", "ring8", family_kwargs={"gp_weight": 10.0})
    assert mine.resolved(points).family_kwargs == {"gp_weight": 10.0}
    sngan = TrainConfig("sngan", "ring8").resolved(points).family_kwargs
    assert sngan == {"discriminator_input_scale": 100.0}
    # Images keep the paper's settings.
    assert TrainConfig("wgan", "digits").resolved(data.spec("digits")).family_kwargs == {}


def test_generator_average_from_the_recipe_or_the_config():
    points, digits = data.spec("ring8"), data.spec("digits")
    assert TrainConfig("gan", "ring8").resolved(points).ema_momentum == 0.99
    assert TrainConfig("gan", "digits").resolved(digits).ema_momentum == 0.0
    assert TrainConfig("gan", "ring8", ema_momentum=0).resolved(points).ema_momentum == 0.0
    g, d = training.build_optimizers(families.get("gan"), ema_momentum=0.99)
    assert g.use_ema and g.ema_momentum == 0.99 and not d.use_ema
    g, _ = training.build_optimizers(families.get("gan"), ema_momentum=0.0)
    assert not g.use_ema
    for bad in (1.0, -0.1, "0.9", True):
        with pytest.raises(ConfigError, match="'ema_momentum' must be a number in \\[0, 1\\)"):
            TrainConfig("gan", "ring8", ema_momentum=bad)


@pytest.mark.parametrize("name", ["gan", "wgan_gp", "wgan"])
def test_learning_rate_overrides_keep_the_optimizer_kind(name):
    family = families.get(name)
    default_g, default_d = family.default_optimizers()
    g, d = training.build_optimizers(family, g_lr=3e-3, d_lr=None)
    assert type(g) is type(default_g)
    assert float(g.learning_rate) == pytest.approx(3e-3)
    assert float(d.learning_rate) == pytest.approx(float(default_d.learning_rate))
    ignored = ("learning_rate", "name")
    settings = {k: v for k, v in g.get_config().items() if k not in ignored}
    defaults = {k: v for k, v in default_g.get_config().items() if k not in ignored}
    assert settings == defaults


@pytest.mark.parametrize(
    "family, name, expected",
    [
        (
            "pix2pix",
            "digits",
            (
                "pix2pix needs a paired data set (digits-edges, digits-inverse, pairs:PATH); "
                "digits is image"
            ),
        ),
        ("cyclegan", "digits-inverse", "an unpaired data set"),
        ("stargan", "digits-rotated", "digits-rotated is unpaired"),
        ("acgan", "ring8", "ring8 is points"),
        ("wgan_gp", "digits-edges", "digits-edges is paired"),
        ("infogan", "digits-thick", "images or 2-D points"),
    ],
)
def test_incompatible_family_and_data_are_config_errors(family, name, expected):
    with pytest.raises(ConfigError) as info:
        training.check_compatible(family, data.spec(name))
    assert expected in str(info.value) and "\n" not in str(info.value)


def test_compatible_pairs():
    for family, name in [("pix2pix", "digits-edges"), ("cyclegan", "digits-thick"),
                         ("stargan", "digits-domains"), ("cgan", "ring8"), ("acgan", "digits"),
                         ("infogan", "grid25"), ("dcgan", "digits-domains")]:
        training.check_compatible(family, data.spec(name))


#: An unlabelled data set of each kind (a folder of images has no labels).
UNLABELLED = {
    "points": data.DataSpec("points:x", "points", (2,)),
    "image": data.DataSpec("folder:x", "image", (16, 16, 3)),
    "paired": data.DataSpec("pairs:x", "paired", (16, 16, 3), target_shape=(16, 16, 3)),
    "unpaired": data.DataSpec("unpaired:x", "unpaired", (16, 16, 3), target_shape=(16, 16, 3)),
    "adapt": data.DataSpec("adapt:x,x", "adapt", (16, 16, 3), target_shape=(16, 16, 3)),
}


@pytest.mark.parametrize("name", families.names())
def test_each_family_accepts_exactly_its_declared_data(name):
    cls = families.get(name)
    assert training.needs_labels(cls) is bool(cls.needs_labels)
    assert cls.data_kinds and set(cls.data_kinds) <= set(UNLABELLED)
    for kind, spec in UNLABELLED.items():
        labelled = dataclasses.replace(spec, name=spec.name.replace("x", "y"), num_classes=3)
        if kind not in cls.data_kinds:
            for other in (spec, labelled):
                with pytest.raises(ConfigError, match=f"{name} needs .*; {other.name} is {kind}$"):
                    training.check_compatible(name, other)
            continue
        training.check_compatible(cls, labelled)
        if cls.needs_labels:
            with pytest.raises(ConfigError, match=f"{spec.name} is {kind} without labels"):
                training.check_compatible(name, spec)
        else:
            training.check_compatible(name, spec)


def test_label_conditional_families_need_labels():
    assert training.needs_labels(families.get("cgan"))
    assert not training.needs_labels(families.get("gan"))
    with pytest.raises(ConfigError, match="folder:x is image without labels"):
        training.check_compatible("cgan", UNLABELLED["image"])


def test_recipes_of_the_new_families():
    digits = data.spec("digits")
    for family in ("cgan", "acgan"):
        recipe = training.default_recipe(family, digits)
        assert recipe["batch_size"] == 64 and 20 <= recipe["epochs"] <= 30
    # InfoGAN on digits: the paper's two learning rates and 50 epochs (issue 12); other image
    # data keeps gan.yaml's rates.
    recipe = training.default_recipe("infogan", digits)
    assert (recipe["batch_size"], recipe["epochs"], recipe["latent_dim"]) == (64, 50, 62)
    assert (recipe["g_lr"], recipe["d_lr"]) == (0.001, 0.0002)
    assert training.default_recipe("infogan", data.spec("mnist5k"))["g_lr"] is None
    assert training.default_recipe("infogan", data.spec("ring8"))["latent_dim"] == 4
    for family, name in [("pix2pix", "digits-edges"), ("cyclegan", "digits-rotated"),
                         ("stargan", "digits-domains")]:
        recipe = training.default_recipe(family, data.spec(name))
        assert recipe["latent_dim"] is None
        assert 16 <= recipe["batch_size"] <= 32 and 5 <= recipe["epochs"] <= 20
        assert training.default_recipe(families.get(family), data.spec(name)) == recipe
    big = training.default_recipe("cyclegan", data.spec("digits-rotated", image_size=128))
    assert big["batch_size"] < 16


@pytest.mark.parametrize("name", families.names())
def test_every_family_has_a_recipe_that_builds_for_each_data_kind_it_declares(name):
    from kerasgan.training.recipes import RECIPE_KEYS

    cls = families.get(name)
    for kind in cls.data_kinds:
        spec = UNLABELLED[kind]
        if cls.needs_labels:
            spec = dataclasses.replace(spec, num_classes=3)
        recipe = training.default_recipe(cls, spec)
        assert set(recipe) <= set(RECIPE_KEYS) and isinstance(recipe["family_kwargs"], dict)
        assert recipe["epochs"] >= 1 and recipe["batch_size"] >= 1
        # The recipe and the family's nets fit together: what `kerasgan train` would build.
        config = TrainConfig(name, spec.name, seed=1).resolved(spec)
        assert config.epochs == recipe["epochs"]
        model = training.build_model(config, spec, compile=False)
        assert families.name_of(model) == name and model.seed == 1
        assert model.recipe_latent_dim == config.latent_dim


def _family_with_recipe(path):
    """A subclass of GAN whose recipe file is ``path`` (not registered: no global state)."""
    import kerasgan

    return type("RecipeProbe", (kerasgan.GAN,), {"recipe_file": str(path)})


def test_a_recipe_file_lists_only_differences_from_its_base(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("points:\n  epochs: 3\n  family_kwargs: {loss: hinge}\n")
    recipe = training.default_recipe(_family_with_recipe(path), data.spec("ring8"))
    base = training.default_recipe("gan", data.spec("ring8"))
    assert recipe == {**base, "epochs": 3, "family_kwargs": {"loss": "hinge"}}
    # Image data keeps the base recipe: the file has no image section.
    digits = data.spec("digits")
    assert training.default_recipe(_family_with_recipe(path), digits) == training.default_recipe(
        "gan", digits
    )


def test_unknown_key_in_a_recipe_file_is_a_config_error_naming_the_file(tmp_path):
    path = tmp_path / "typo.yaml"
    path.write_text("points:\n  epochs: 3\n  batchsize: 64\n")
    with pytest.raises(ConfigError) as info:
        training.default_recipe(_family_with_recipe(path), data.spec("ring8"))
    message = str(info.value)
    assert "'batchsize'" in message and "Did you mean 'batch_size'?" in message
    assert str(path) in message, message
    assert "\n" not in message


def test_broken_recipe_files_are_config_errors_naming_the_file(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("points: [epochs\n")
    with pytest.raises(ConfigError, match=f"{broken}: not valid YAML"):
        training.default_recipe(_family_with_recipe(broken), data.spec("ring8"))
    listed = tmp_path / "list.yaml"
    listed.write_text("- points\n")
    with pytest.raises(ConfigError, match=f"{listed}: a recipe must be a mapping"):
        training.default_recipe(_family_with_recipe(listed), data.spec("ring8"))
    loop = tmp_path / "loop.yaml"
    loop.write_text("extends: no_such_family\npoints: {epochs: 3}\n")
    with pytest.raises(ConfigError, match=f"{loop}: 'extends: no_such_family' names no recipe"):
        training.default_recipe(_family_with_recipe(loop), data.spec("ring8"))


def test_a_data_kind_without_a_recipe_section_is_a_config_error():
    with pytest.raises(ConfigError, match="pix2pix has no default recipe for points data"):
        training.default_recipe("pix2pix", data.spec("ring8"))


# ------------------------------------------------------------- atomic files


def test_atomic_path_leaves_no_temp_file_on_success_or_failure(tmp_path):
    target = tmp_path / "out.json"
    training.write_json({"a": np.float32(1.5), "b": float("nan"), "c": np.arange(2)}, target)
    assert json.loads(target.read_text()) == {"a": 1.5, "b": None, "c": [0, 1]}
    with pytest.raises(RuntimeError):
        with files.atomic_path(target) as tmp:
            with open(tmp, "w") as handle:
                handle.write("half")
            raise RuntimeError("crash while writing")
    assert json.loads(target.read_text())["a"] == 1.5  # the old file is intact
    assert os.listdir(tmp_path) == ["out.json"]


# ------------------------------------------------------------------ plotting


def test_image_grid_sizes_and_pixels(tmp_path):
    images = -np.ones((5, 4, 4, 3), np.float32)
    images[0] = 1.0
    path = plotting.save_image_grid(images, tmp_path / "g.png", nrow=2, scale=3)
    layout = plotting.grid_layout(5, 4, 4, nrow=2, scale=3)
    assert (layout["cols"], layout["rows"]) == (2, 3)
    with Image.open(path) as image:
        assert image.size == (layout["width"], layout["height"])
        pixels = np.asarray(image.convert("RGB"))
    pad = plotting.GRID_PADDING
    assert (pixels[pad, pad] == 255).all()  # first tile white
    assert (pixels[pad, pad + 12 + pad] == 0).all()  # second tile black
    # Grayscale and NHW inputs work; small images are upscaled.
    plotting.save_image_grid(np.zeros((2, 8, 8)), tmp_path / "gray.png")
    with Image.open(tmp_path / "gray.png") as image:
        assert image.size == (2 * 64 + 3 * pad, 64 + 2 * pad)  # 8x8 upscaled to 64x64
    with pytest.raises(ValueError, match="N, H, W"):
        plotting.save_image_grid(np.zeros((2, 4, 4, 2)), tmp_path / "bad.png")


def test_scatter_draws_points_and_centers(tmp_path):
    centers = data.TOY2D["ring8"].centers
    points = data.TOY2D["ring8"].sample(500, seed=0)
    path = plotting.save_scatter(points, tmp_path / "s.png", centers=centers, size=256)
    with Image.open(path) as image:
        assert image.size == (256, 256)
        pixels = np.asarray(image.convert("RGB")).astype(int)
    blueish = (pixels[..., 2] > pixels[..., 0] + 40).sum()
    reddish = (pixels[..., 0] > pixels[..., 2] + 40).sum()
    assert blueish > 20 and reddish > 20
    # Non-finite and far-away points are simply not drawn.
    points[:10] = np.nan
    points[10:20] = 1e9
    plotting.save_scatter(points, tmp_path / "t.png", extent=(-2, 2, -2, 2))
    with pytest.raises(ValueError, match="N, 2"):
        plotting.save_scatter(np.zeros((3, 3)), tmp_path / "u.png")
    assert plotting.nice_ticks(-1.5, 1.5) == [-1.0, 0.0, 1.0]


def test_image_groups_layout_and_mixed_channels(tmp_path):
    source = -np.ones((5, 8, 8, 1), np.float32)
    output = np.ones((5, 8, 8, 3), np.float32)
    path = plotting.save_image_groups([source, output], tmp_path / "g.png", groups_per_row=2)
    layout = plotting.group_layout(5, 2, 8, 8, groups_per_row=2)
    assert (layout["groups_per_row"], layout["rows"], layout["scale"]) == (2, 3, 8)
    with Image.open(path) as image:
        assert image.size == (layout["width"], layout["height"])
        pixels = np.asarray(image.convert("RGB"))
    pad, tile = plotting.GRID_PADDING, layout["tile_width"]
    assert (pixels[pad, pad] == 0).all()  # first input black
    assert (pixels[pad, pad + tile + pad] == 255).all()  # its output white
    second_group = pad + layout["group_width"] + plotting.GROUP_GAP
    assert (pixels[pad, second_group] == 0).all()
    # A column may be several arrays (CycleGAN's a and b inputs).
    plotting.save_image_groups([[source[:2], output[:3]], output], tmp_path / "h.png")
    with pytest.raises(ValueError, match="Every column needs 5 images"):
        plotting.save_image_groups([source, output[:4]], tmp_path / "bad.png")


def test_pictures_of_conditional_and_translation_models():
    cgan, _ = families.get("cgan").build_tiny()  # 3 classes
    picture = cgan.sample_picture(seed=0)
    assert picture.layout == "grid" and picture.nrow == 8
    assert picture.samples.shape == (3 * 8, 16, 16, 1)
    np.testing.assert_array_equal(picture.samples[8:16], cgan.generate(24, seed=0, labels=np.repeat(
        [0, 1, 2], 8))[8:16])  # row 1 is class 1
    picture = cgan.sample_picture(seed=0, n=5, labels=[2, 0])
    assert picture.samples.shape[0] == 5 and picture.nrow == 3
    infogan, _ = families.get("infogan").build_tiny()
    picture = infogan.sample_picture(seed=0, categories=[1])
    assert picture.samples.shape[0] == 8 and picture.nrow == 8
    with pytest.raises(TypeError):
        families.get("gan").build_tiny()[0].sample_picture(seed=0, labels=[1])

    x = np.zeros((2, 16, 16, 1), np.float32)
    pix2pix, _ = families.get("pix2pix").build_tiny()
    picture = pix2pix.sample_picture(seed=0, preview={"source": x, "target": x})
    assert picture.layout == "groups" and len(picture.samples) == 3  # source, output, target
    assert picture.drawn.shape == x.shape
    cyclegan, _ = families.get("cyclegan").build_tiny()
    columns = cyclegan.sample_picture(seed=0, preview={"a": x, "b": x}).samples
    assert [len(part) for part in columns[1]] == [2, 2]  # G_ab(a) and G_ba(b)
    stargan, _ = families.get("stargan").build_tiny()  # 3 domains
    assert len(stargan.sample_picture(seed=0, preview={"x": x}).samples) == 1 + 3
    assert len(stargan.sample_picture(seed=0, preview={"x": x}, domains=[1]).samples) == 2


def _preview_of(spec, n=3):
    """A data batch of the spec's kind, as :func:`training.preview_batch` gives one."""
    x = np.zeros((n, *spec.shape), np.float32)
    if spec.kind == "paired":
        return {"source": x, "target": np.zeros((n, *spec.target_shape), np.float32)}
    if spec.kind == "unpaired":
        return {"a": x, "b": np.zeros((n, *spec.target_shape), np.float32)}
    if spec.kind == "adapt":
        return {"source": x, "target": np.zeros((n, *spec.target_shape), np.float32)}
    return {"x": x}


@pytest.mark.parametrize("name", families.names())
def test_every_family_draws_its_picture(name, tmp_path):
    model, spec = families.get(name).build_tiny()
    preview = _preview_of(spec) if model.sampling in ("translation", "classification") else None
    picture = model.sample_picture(seed=3, preview=preview)
    assert picture.layout in ("scatter", "grid", "groups")
    training.draw_picture(picture, tmp_path / "p.png")
    with Image.open(tmp_path / "p.png") as image:
        assert image.format == "PNG" and image.size[0] > 0
    again = model.sample_picture(seed=3, preview=preview)  # the same seed draws the same picture
    np.testing.assert_array_equal(np.concatenate([np.ravel(c) for c in _flat(again.samples)]),
                                  np.concatenate([np.ravel(c) for c in _flat(picture.samples)]))
    for condition, values in model.conditions().items():
        value = [values - 1] if isinstance(values, int) else values[-1]
        conditioned = model.sample_picture(seed=3, preview=preview, **{condition: value})
        training.draw_picture(conditioned, tmp_path / f"{condition}.png")


def _flat(samples):
    if isinstance(samples, (list, tuple)):
        return [array for part in samples for array in _flat(part)]
    return [np.asarray(samples)]


# --------------------------------------------------------------------- runs


def test_run_training_result_and_policy_restored(tmp_path):
    before = keras.mixed_precision.global_policy().name
    config = TrainConfig("gan", "ring8", mixed_precision="mixed_bfloat16", g_lr=1e-3, **QUIET)
    result = training.run_training(config, tmp_path / "run", verbose=0)
    assert keras.mixed_precision.global_policy().name == before
    assert result.initial_epoch == 0 and result.config.epochs == 1
    assert result.metrics["num_modes"] == 8
    assert set(result.history.history) >= {"d_loss", "g_loss"}
    assert float(result.model.g_optimizer.learning_rate) == pytest.approx(1e-3)
    assert "bfloat16" in {layer.compute_dtype for layer in result.model.generator.layers}
    for key in ("model", "samples", "config", "checkpoint", "state", "metrics"):
        assert os.path.isfile(result.paths[key]), key
    assert TrainConfig.from_yaml(result.paths["config"]) == result.config

    # Resuming with a config that differs in a non-resumable key is refused.
    with pytest.raises(ResumeError, match=r"seed \(checkpoint: 0, now: 1\)"):
        changed = config.replace(seed=1, epochs=2)
        training.run_training(changed, tmp_path / "run", resume=True, verbose=0)
    # Resuming past the end trains nothing but still writes the outputs.
    again = training.run_training(config, tmp_path / "run", resume=True, verbose=0)
    assert again.initial_epoch == 1 and again.history.history == {}
    assert keras.mixed_precision.global_policy().name == before


def test_resume_continues_the_optimizer_state(tmp_path):
    config = TrainConfig("gan", "ring8", **QUIET)
    first = training.run_training(config, tmp_path / "run", verbose=0)
    steps = int(first.model.g_optimizer.iterations)
    assert steps == 2  # 256 points / 128 per batch
    more = config.replace(epochs=2)
    second = training.run_training(more, tmp_path / "run", resume=True, verbose=0)
    assert second.initial_epoch == 1
    assert int(second.model.g_optimizer.iterations) == 2 * steps
    assert training.read_state(tmp_path / "run")["epoch"] == 2


def test_short_runs_warn_that_the_generator_average_is_not_warmed_up(tmp_path):
    config = TrainConfig("gan", "ring8", **FAST)  # 2 steps with the recipe's 0.99
    with pytest.warns(UserWarning, match=r"this run has 2: the initial weights still count 98%"):
        result = training.run_training(config, tmp_path / "short", verbose=0)
    assert result.config.ema_momentum == 0.99
    # The averaged generator is what model.keras holds.
    saved = keras.models.load_model(result.paths["model"])
    for a, b in zip(saved.generator.get_weights(), result.model.generator.get_weights()):
        np.testing.assert_array_equal(a, b)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        training.run_training(config.replace(ema_momentum=0.0), tmp_path / "off", verbose=0)


def test_the_config_seed_alone_fixes_the_data_order_and_the_preview(tmp_path, monkeypatch):
    # TrainConfig.seed is "the seed of the weights, the data order and the training latents":
    # a run must not depend on the global seed a caller set before it.
    config = TrainConfig("gan", "digits", epochs=1, epoch_size=64, batch_size=16, image_size=8,
                         jit_compile=False, ema_momentum=0.0, sample_every=0)
    weights = []
    for i, earlier_seed in enumerate((1, 2)):
        keras.utils.set_random_seed(earlier_seed)
        result = training.run_training(config, tmp_path / f"run{i}", verbose=0)
        weights.append(result.model.generator.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_array_equal(a, b)

    # The shuffled preview batch a run's pictures translate (images of a labelled set).
    import kerasgan.training.run as run_module

    class Captured(Exception):
        pass

    previews = []

    def capture(*args, **kwargs):
        previews.append(training.preview_batch(*args, **kwargs)["x"])
        raise Captured  # the preview is all this test needs: no model, no training

    monkeypatch.setattr(run_module, "preview_batch", capture)
    translation = TrainConfig("stargan", "digits-domains", image_size=16, epochs=1)
    for i, earlier_seed in enumerate((1, 2)):
        keras.utils.set_random_seed(earlier_seed)
        with pytest.raises(Captured):
            training.run_training(translation, tmp_path / f"preview{i}", verbose=0)
    np.testing.assert_array_equal(*previews)


def test_unknown_family_and_data_are_value_errors(tmp_path):
    with pytest.raises(ValueError, match="Valid families"):
        training.run_training(TrainConfig("nope", "ring8", **FAST), tmp_path, verbose=0)
    with pytest.raises(data.UnknownDatasetError):
        training.run_training(TrainConfig("gan", "nope_set_x", **FAST), tmp_path, verbose=0)
    assert not (tmp_path / "checkpoints").exists()


def test_dcgan_trains_digits_on_two_time_scales_and_its_zoo_entry_keeps_its_rates():
    # kerasgan/recipes/dcgan.yaml: G 1e-3 / D 2e-4 on digits (FID 29 -> 18); other data keep the
    # family's Adam(2e-4) and the published dcgan-digits weights keep the recipe they came from.
    from kerasgan import zoo
    from kerasgan.zoo.models import _entry_config

    recipe = training.default_recipe("dcgan", data.spec("digits"))
    assert (recipe["g_lr"], recipe["d_lr"]) == (0.001, 0.0002)
    assert training.default_recipe("dcgan", data.spec("mnist5k"))["g_lr"] is None
    assert training.default_recipe("gan", data.spec("digits"))["g_lr"] is None
    entry = _entry_config(zoo.info("dcgan-digits"), zoo.config_path("dcgan-digits")).resolved()
    assert (entry.g_lr, entry.d_lr) == (0.0002, 0.0002)
