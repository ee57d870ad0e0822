"""Tests for kerasgan.training (config, recipe, atomic files, runs) and kerasgan.plotting."""

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

# ---------------------------------------------------------------- TrainConfig


def test_config_defaults_and_keys():
    config = TrainConfig.from_dict({"family": "wgan_gp", "data": "ring8"})
    assert config.epochs is None and config.batch_size is None
    assert config.mixed_precision == "float32" and config.jit_compile is True
    assert config.family_kwargs == {}
    assert TrainConfig.keys()[:3] == ["family", "data", "epochs"]


def test_unknown_key_names_key_file_and_suggestion():
    with pytest.raises(ConfigError) as info:
        TrainConfig.from_dict({"family": "gan", "lerning_rate": 1}, source="run.yaml")
    message = str(info.value)
    assert message.startswith("run.yaml: ")
    assert "'lerning_rate'" in message and "Valid keys:" in message
    with pytest.raises(ConfigError, match="Did you mean 'batch_size'"):
        TrainConfig.from_dict({"batchsize": 3})


@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("epochs", "ten", "'epochs' must be an integer"),
        ("epochs", True, "'epochs' must be an integer"),
        ("epochs", 0, "'epochs' must be >= 1"),
        ("seed", -1, "'seed' must be >= 0"),
        ("g_lr", "fast", "'g_lr' must be a number"),
        ("d_lr", 0.0, "'d_lr' must be a positive number"),
        ("jit_compile", "yes", "'jit_compile' must be true or false"),
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
    config = TrainConfig.from_dict({"epochs": 3.0, "g_lr": 1})
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
    recipe_keys = {"epochs", "batch_size", "latent_dim", "g_lr", "d_lr", "ema_momentum"}
    assert set(training.default_recipe("gan", points)) == recipe_keys | {"family_kwargs"}
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


def test_compatible_pairs_and_labelled_families():
    for family, name in [("pix2pix", "digits-edges"), ("cyclegan", "digits-thick"),
                         ("stargan", "digits-domains"), ("cgan", "ring8"), ("acgan", "digits"),
                         ("infogan", "grid25"), ("dcgan", "digits-domains")]:
        training.check_compatible(family, data.spec(name))
    # Labels without labels: a folder of images has none.
    spec = data.DataSpec("folder:x", "image", (16, 16, 3))
    with pytest.raises(ConfigError, match="folder:x is image without labels"):
        training.check_compatible("cgan", spec)
    assert [n for n in families.names() if training.needs_labels(families.get(n))] == [
        "acgan", "cgan", "stargan"
    ]


def test_recipes_of_the_new_families():
    digits = data.spec("digits")
    for family in ("cgan", "acgan", "infogan"):
        recipe = training.default_recipe(family, digits)
        assert recipe["batch_size"] == 64 and 20 <= recipe["epochs"] <= 30
    assert training.default_recipe("infogan", digits)["latent_dim"] == 62
    assert training.default_recipe("infogan", data.spec("ring8"))["latent_dim"] == 4
    for family, name in [("pix2pix", "digits-edges"), ("cyclegan", "digits-rotated"),
                         ("stargan", "digits-domains")]:
        recipe = training.default_recipe(family, data.spec(name))
        assert recipe["latent_dim"] is None
        assert 16 <= recipe["batch_size"] <= 32 and 5 <= recipe["epochs"] <= 20
        assert training.default_recipe(families.get(family), data.spec(name)) == recipe
    big = training.default_recipe("cyclegan", data.spec("digits-rotated", image_size=128))
    assert big["batch_size"] < 16


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
    import family_cases as cases

    cgan = cases.cgan()
    images, nrow = training.image_samples(cgan, seed=0)
    assert images.shape == (cases.CLASSES * 8, 16, 16, 1) and nrow == 8
    images, nrow = training.image_samples(cgan, seed=0, n=5, labels=[2, 0])
    assert images.shape[0] == 5 and nrow == 3
    images, nrow = training.image_samples(cases.infogan(), seed=0, categories=[1])
    assert images.shape[0] == 8 and nrow == 8
    x = np.zeros((2, 16, 16, 1), np.float32)
    columns = training.translation_columns(cases.pix2pix(), {"source": x, "target": x})
    assert len(columns) == 3 and columns[1].shape == x.shape
    columns = training.translation_columns(cases.cyclegan(), {"a": x, "b": x})
    assert [len(part) for part in columns[1]] == [2, 2]
    columns = training.translation_columns(cases.stargan(), {"x": x})
    assert len(columns) == 1 + cases.CLASSES
    columns = training.translation_columns(cases.stargan(), {"x": x}, domains=[1])
    assert len(columns) == 2


# --------------------------------------------------------------------- runs


def test_run_training_result_and_policy_restored(tmp_path):
    before = keras.mixed_precision.global_policy().name
    config = TrainConfig("gan", "ring8", mixed_precision="mixed_bfloat16", g_lr=1e-3, **FAST)
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
    config = TrainConfig("gan", "ring8", **FAST)
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


def test_unknown_family_and_data_are_value_errors(tmp_path):
    with pytest.raises(ValueError, match="Valid families"):
        training.run_training(TrainConfig("nope", "ring8", **FAST), tmp_path, verbose=0)
    with pytest.raises(data.UnknownDatasetError):
        training.run_training(TrainConfig("gan", "nope_set_x", **FAST), tmp_path, verbose=0)
    assert not (tmp_path / "checkpoints").exists()
