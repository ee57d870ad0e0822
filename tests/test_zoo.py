"""kerasgan.zoo: schema validation, shipped entries, loading, presets, CLI, packaging."""

import copy
import importlib.resources
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
import yaml

import kerasgan
from kerasgan import cli, zoo
from kerasgan.zoo import registry, schema
from kerasgan.zoo.weights import WeightsError, check_weights, variable_shapes

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: Shipped entries that tests load (small and quick); the rest are checksummed only.
LOADED = ("gan-ring8", "cgan-digits")


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERASGAN_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KERASGAN_WEIGHTS_URL", raising=False)
    return tmp_path / "home"


@pytest.fixture(scope="module")
def ring8():
    return zoo.load("gan-ring8")


def _entry(name="gan-ring8"):
    with open(zoo.config_path(name), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _write(tmp_path, entry, name="bad.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(entry, sort_keys=False))
    return str(path)


# ------------------------------------------------------------------ schema


@pytest.mark.parametrize(
    "edit, key, fragments",
    [
        (lambda e: e.update(descripton="x"), "'descripton'",
         ["unknown key", "Did you mean 'description'?", "Allowed keys: name, description"]),
        (lambda e: e["recipe"].update(batch_sise=3), "'recipe.batch_sise'",
         ["unknown key", "Did you mean 'batch_size'?", "Allowed keys: epochs, batch_size"]),
        (lambda e: e["recipe"].update(beta_1=0.9), "'recipe.beta_1'",
         ["unknown key", "Allowed keys: epochs"]),
        (lambda e: e["recipe"].update(epochs="ten"), "'recipe.epochs'",
         ["'epochs' must be an integer, got 'ten' (str)"]),
        (lambda e: e["recipe"].update(ema_momentum=1.5), "'recipe.ema_momentum'",
         ["'ema_momentum' must be a number in [0, 1)"]),
        (lambda e: e["recipe"].update(family="wgan"), "'recipe.family'",
         ["set 'family' as the entry's own top-level key"]),
        (lambda e: e.update(recipe=[["epochs", 3]]), "'recipe'", ["must be a mapping, got"]),
        (lambda e: e.update(data={"name": "ring8"}), "'data'", ["must be a non-empty string"]),
        (lambda e: e.pop("recipe"), "'recipe'", ["missing", "a mapping"]),
        (lambda e: e.pop("weights"), "'weights'", ["missing", "a mapping or 'none'"]),
        (lambda e: e.update(family="dcgn"), "'family'",
         ["'dcgn' is not allowed", "Did you mean 'dcgan'?", "Allowed values: acgan"]),
        (lambda e: e["weights"].update(sha256="abc"), "'weights.sha256'", ["64 lower-case hex"]),
        (lambda e: e["metrics"].pop("values"), "'metrics.values'", ["missing"]),
    ],
)
def test_schema_errors_name_file_key_and_allowed(tmp_path, edit, key, fragments):
    entry = _entry()
    edit(entry)
    path = _write(tmp_path, entry)
    with pytest.raises(zoo.ZooConfigError) as error:
        schema.load_entry(path)
    message = str(error.value)
    assert message.startswith(f"{path}: key {key}"), message
    for fragment in fragments:
        assert fragment in message, message
    assert "\n" not in message


def test_an_entry_lists_only_its_differences_from_the_family_recipe(tmp_path):
    from kerasgan import data
    from kerasgan.training import TrainConfig, default_recipe

    entry = _entry()
    assert entry["recipe"] == {}  # gan-ring8 is the family's recipe as it is
    values = schema.train_config_values(schema.load_entry(_write(tmp_path, entry)))
    assert values == {"family": "gan", "data": "ring8"}
    config = TrainConfig.from_dict(values).resolved()
    recipe = default_recipe("gan", data.spec("ring8"))
    assert (config.epochs, config.batch_size, config.g_lr, config.ema_momentum) == (
        recipe["epochs"], recipe["batch_size"], recipe["g_lr"], recipe["ema_momentum"])
    # A difference replaces the recipe's value; the rest stays the recipe's.
    entry["recipe"] = {"ema_momentum": 0.5, "epochs": 7, "family_kwargs": {"loss": "minimax"}}
    values = schema.train_config_values(schema.load_entry(_write(tmp_path, entry)))
    config = TrainConfig.from_dict(values).resolved()
    assert (config.ema_momentum, config.epochs, config.batch_size) == (0.5, 7, recipe["batch_size"])
    assert config.family_kwargs == {"loss": "minimax"}


def test_every_shipped_entry_validates_and_maps_to_a_train_config():
    from kerasgan import data
    from kerasgan.training import TrainConfig

    names = zoo.list()
    assert len(names) >= 17 and set(LOADED) <= set(names)
    families = set()
    for entry in zoo.list(entries=True):
        config = TrainConfig.from_dict(schema.train_config_values(entry), source=entry["name"])
        assert (config.family, config.data) == (entry["family"], entry["data"])
        for key, value in entry["recipe"].items():
            assert getattr(config, key) == value, (entry["name"], key)
        if entry["weights"] != "none":  # data that ships: the recipe resolves against it
            resolved = config.resolved()
            assert resolved.epochs >= 1 and resolved.batch_size >= 1
            kerasgan.families.get(entry["family"]).check_data(data.spec(entry["data"]))
        families.add(entry["family"])
    assert families == set(kerasgan.families.names())


def test_build_zoo_tool_writes_the_shipped_entries():
    """tools/build_zoo.py writes each entry as the family's recipe plus its differences."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "kerasgan_tools_build_zoo", os.path.join(REPO, "tools", "build_zoo.py"))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    wanted = {name: tool._with_settings(values) for name, values in tool.TRAINED.items()}
    wanted.update(tool.PAPERS)
    assert set(wanted) == set(zoo.list())
    for name, (family, data, description, settings) in wanted.items():
        written = tool.recipe_entry(name, family, data, description, settings)
        schema.validate_entry(written, source=name)
        assert written["metrics"] == "none" and written["weights"] == "none"
        shipped = zoo.info(name)
        for key in ("name", "description", "family", "data", "preprocessing", "recipe"):
            assert written.get(key) == shipped.get(key), (name, key)
    # A paper setting equal to the family's recipe is left out of the entry.
    assert tool.recipe_differences("wgan_gp", "cifar10", {"image_size": 32, "batch_size": 64}) == {
        "image_size": 32}
    with pytest.raises(kerasgan.training.ConfigError, match="Did you mean 'epochs'"):
        tool.recipe_differences("gan", "ring8", {"epoch": 3})


def test_entry_for_recipe_builds_a_valid_entry():
    from kerasgan.zoo.models import entry_for_recipe

    entry = entry_for_recipe("mine", "My run.", "wgan", "ring8", recipe={"epochs": 3})
    assert list(entry) == ["name", "description", "family", "data", "recipe", "metrics", "weights"]
    assert entry["recipe"] == {"epochs": 3} and entry["weights"] == entry["metrics"] == "none"
    schema.validate_entry(entry, source="mine.yaml")
    with_text = entry_for_recipe("mine", "My run.", "gan", "ring8", preprocessing="raw")
    assert list(with_text)[4:6] == ["preprocessing", "recipe"] and with_text["recipe"] == {}
    with pytest.raises(zoo.ZooConfigError, match="recipe.lerning_rate"):
        schema.validate_entry(
            entry_for_recipe("x", "X.", "gan", "ring8", recipe={"lerning_rate": 1}), "x.yaml")


def test_shipped_weights_match_their_checksums_and_stay_small():
    total = 0
    published = [e for e in zoo.list(entries=True) if e["weights"] != "none"]
    assert {e["family"] for e in published} == set(kerasgan.families.names())
    for entry in published:
        path = os.path.join(zoo.zoo_dir(), entry["weights"]["url"])
        assert os.path.getsize(path) == entry["weights"]["size"]
        assert registry.file_sha256(path) == entry["weights"]["sha256"], entry["name"]
        assert entry["metrics"] != "none", entry["name"]
        total += entry["weights"]["size"]
    assert total < 60e6


def test_unknown_entry_lists_close_names():
    with pytest.raises(zoo.UnknownEntryError, match="Did you mean 'gan-ring8'"):
        zoo.info("gan-rin8")
    with pytest.raises(zoo.UnknownEntryError, match="Zoo entries: acgan-digits"):
        zoo.info("xyzzy")


# ----------------------------------------------------------------- loading


def test_load_fetches_into_cache_and_matches_the_published_metrics(ring8, home):
    from kerasgan import metrics

    cached = zoo.fetch("gan-ring8")
    sha = zoo.info("gan-ring8")["weights"]["sha256"]
    assert cached == str(home / "weights" / f"gan-ring8-{sha[:12]}.weights.h5")
    result = metrics.evaluate(ring8, "ring8", ["modes"], num_samples=2500, seed=0)
    published = zoo.info("gan-ring8")["metrics"]["values"]
    assert result["modes"] == published["modes"]
    assert result["high_quality"] == pytest.approx(published["high_quality"], abs=1e-3)


def test_load_conditional_entry_generates_requested_classes():
    from kerasgan.metrics import load_digits_classifier

    model = zoo.load("cgan-digits")
    labels = np.repeat(np.arange(10), 5)
    images = model.generate(len(labels), seed=0, labels=labels)
    assert images.shape == (50, 16, 16, 1)
    predicted = load_digits_classifier().predict(images, verbose=0).argmax(axis=-1)
    assert np.mean(predicted == labels) >= 0.9


def test_infogan_categories_are_digits():
    """The published category figures re-measured on the shipped weights, and issue 12's bar.

    Most of each categorical code's samples are one digit, and the codes cover at least 8 of
    the 10 digits (the weights trained with gan.yaml's rates had 27% purity over 6 digits).
    """
    from kerasgan.metrics import get_extractor
    from kerasgan.zoo import measure

    published = zoo.info("infogan-digits")["metrics"]["values"]
    values, _ = measure._category_figures(zoo.load("infogan-digits"), get_extractor("digits"))
    assert values["category_purity"] == pytest.approx(published["category_purity"], abs=2e-3)
    assert values["category_digits"] == published["category_digits"]
    assert values["category_purity"] >= 0.6 and values["category_digits"] >= 8, values


def test_cyclegan_keeps_the_digit_when_only_the_strokes_change():
    """The published translation figures re-measured on the shipped weights, and the issue's bar.

    CycleGAN on thin -> thick strokes keeps at least 85% of the held-out digits both ways, and its
    translations are nearer the truth than the untranslated input.
    """
    from kerasgan.zoo import measure

    published = zoo.info("cyclegan-digits-thick")["metrics"]
    measured = measure.measure_entry("cyclegan-digits-thick")
    assert measured["values"].keys() == published["values"].keys()
    for key, value in published["values"].items():
        assert measured["values"][key] == pytest.approx(value, abs=2e-3), key
    values = measured["values"]
    assert values["content_kept_ab"] >= 0.85 and values["content_kept_ba"] >= 0.85
    assert values["task_l1"] < values["identity_l1"]
    assert "undoing the target domain" in published["protocol"]["metrics"]


@pytest.mark.parametrize("name", ["pix2pix-edges-digits", "pix2pix-digits-inverse", "stargan-digits-styles"])
def test_translation_entries_keep_the_digit(name):
    """The issue's bar on every published translation entry, re-measured on the shipped weights.

    Each direction / target domain keeps the digit of at least 85% of the held-out digits under
    the shipped digits CNN (after undoing the target domain), the translations are nearer the
    truth than the untranslated input, and a translation to the input's own domain gives the
    input back (StarGAN).
    """
    from kerasgan.zoo import measure

    published = zoo.info(name)["metrics"]
    measured = measure.measure_entry(name)
    for key, value in published["values"].items():
        assert measured["values"][key] == pytest.approx(value, abs=2e-3), key
    values = measured["values"]
    kept = {k: v for k, v in values.items() if k.startswith("content_kept_") or k == "content_kept"}
    failing = KNOWN_TO_LOSE_THE_DIGIT.get(name, ())
    if failing:  # then the mean over domains is below the bar too; each other domain must pass
        kept = {k: v for k, v in kept.items() if k != "content_kept" and k not in failing}
    assert kept and min(kept.values()) >= 0.85, kept
    assert values["task_l1"] < values["identity_l1"]
    if "own_domain_l1" in values:
        assert values["own_domain_l1"] < 0.05


#: Published translations that miss the issue's 85% bar (kerasgan/recipes/stargan.yaml says why).
KNOWN_TO_LOSE_THE_DIGIT = {"stargan-digits-styles": ("content_kept_inverted",)}


@pytest.mark.xfail(strict=True, reason="StarGAN's inverted domain loses the digit (1.7%): not fixed")
def test_stargan_inverted_domain_keeps_the_digit():
    values = zoo.info("stargan-digits-styles")["metrics"]["values"]
    assert values["content_kept_inverted"] >= 0.85


def test_cli_eval_remeasures_a_translation_entry(tmp_path, capsys):
    import json

    out = tmp_path / "eval.json"
    assert cli.main(["eval", "pix2pix-edges-digits", "--data", "edges-digits", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "(360 samples" in printed and "  content_kept " in printed
    written = json.loads(out.read_text())
    assert written["protocol"]["metrics"] == ["content_kept"]  # the default of a translator
    for key, value in zoo.info("pix2pix-edges-digits")["metrics"]["values"].items():
        assert written[key] == pytest.approx(value, abs=2e-3), key


def test_weights_none_entry_errors_clearly_and_builds_untrained():
    with pytest.raises(WeightsError) as error:
        zoo.load("wgan-gp-cifar10")
    message = str(error.value)
    assert "publishes no weights" in message
    assert "kerasgan train --config wgan-gp-cifar10 --out" in message
    assert "pretrained=False" in message


def _resolved(name):
    from kerasgan.training import TrainConfig

    return TrainConfig.from_dict(schema.train_config_values(zoo.info(name))).resolved()


def test_build_is_untrained_and_compiled_with_the_recipe():
    model = zoo.build("gan-ring8")
    recipe = _resolved("gan-ring8")
    assert float(model.g_optimizer.learning_rate) == pytest.approx(recipe.g_lr)
    assert model.latent_dim == recipe.latent_dim == 16
    assert model.g_optimizer.use_ema and model.g_optimizer.ema_momentum == recipe.ema_momentum
    assert model.zoo_entry == zoo.info("gan-ring8")


def test_build_passes_the_family_arguments_of_the_recipe():
    kwargs = _resolved("wgan-ring8").family_kwargs
    assert kwargs.get("clip_value") == 0.1, "the 2-D recipe of wgan sets clip_value"
    model = zoo.build("wgan-ring8", compile=False)
    assert model.clip_value == pytest.approx(kwargs["clip_value"])
    assert model.d_steps == kerasgan.families.get("wgan").default_d_steps


def test_entry_differences_reach_the_built_model(tmp_path):
    entry = copy.deepcopy(zoo.info("wgan-ring8"))
    entry["recipe"] = {"family_kwargs": {"clip_value": 0.05}, "d_steps": 2, "g_lr": 3e-4}
    model = zoo.build_entry(schema.validate_entry(entry, "x.yaml"))
    assert model.clip_value == pytest.approx(0.05) and model.d_steps == 2
    assert float(model.g_optimizer.learning_rate) == pytest.approx(3e-4)
    assert float(model.d_optimizer.learning_rate) == pytest.approx(_resolved("wgan-ring8").d_lr)


def test_shape_mismatch_names_the_layer_and_both_shapes(tmp_path):
    entry = copy.deepcopy(zoo.info("gan-ring8"))
    entry["recipe"]["latent_dim"] = 8
    small = zoo.build_entry(entry)
    with pytest.raises(WeightsError) as error:
        check_weights(small, zoo.fetch("gan-ring8"), "gan-ring8")
    message = str(error.value)
    assert "layer 'generator/layers/dense' variable 0" in message
    assert "expected shape (8, 128), found (16, 128)" in message


def test_corrupted_weights_file_is_reported(tmp_path, ring8):
    path = tmp_path / "broken.weights.h5"
    path.write_bytes(b"this is not HDF5" * 10)
    with pytest.raises(WeightsError, match="not a Keras .weights.h5 file"):
        variable_shapes(str(path))
    with pytest.raises(WeightsError, match="not a Keras .weights.h5 file"):
        check_weights(ring8, str(path))


# ----------------------------------------------------------------- presets


def test_preset_round_trip_gives_identical_outputs(tmp_path, ring8):
    folder = ring8.save_to_preset(str(tmp_path / "preset"))
    assert sorted(os.listdir(folder)) == ["config.yaml", "model.weights.h5"]
    entry = schema.load_entry(os.path.join(folder, "config.yaml"))
    assert entry["weights"]["url"] == "model.weights.h5"
    again = kerasgan.GAN.from_preset(folder)
    np.testing.assert_array_equal(ring8.generate(64, seed=3), again.generate(64, seed=3))
    by_name = kerasgan.GAN.from_preset("gan-ring8")
    np.testing.assert_array_equal(ring8.generate(8, seed=1), by_name.generate(8, seed=1))


@pytest.mark.parametrize(
    "family, build_kwargs, expected",
    [
        ("wgan", {"clip_value": 0.05, "latent_dim": 16}, {"clip_value": 0.05}),
        # The paper's clip differs from the 2-D recipe's 0.1, so it must be written
        # (recipe=False: build_for_data with the paper's settings, not the recipe's).
        ("wgan", {"latent_dim": 16, "recipe": False}, {"clip_value": 0.01}),
        ("sngan", {"latent_dim": 16, "recipe": False}, {"discriminator_input_scale": 1.0}),
        # Built with the recipe (build_for_data's default), nothing differs from it.
        ("wgan", {}, {}),
        ("sngan", {"latent_dim": 16, "discriminator_input_scale": 100.0}, {}),
        ("gan", {"latent_dim": 16, "loss": "minimax"}, {"loss": "minimax"}),
    ],
)
def test_preset_of_a_hand_built_model_keeps_its_family_settings(
    tmp_path, family, build_kwargs, expected
):
    cls = kerasgan.families.get(family)
    model = cls.build_for_data(kerasgan.data.spec("ring8"), **build_kwargs)
    model.compile()
    folder = model.save_to_preset(str(tmp_path / "preset"), data="ring8")
    entry = schema.load_entry(os.path.join(folder, "config.yaml"))
    assert entry["recipe"].get("family_kwargs", {}) == expected
    again = cls.from_preset(folder)
    assert again.get_config()["loss"] == model.get_config()["loss"]
    assert getattr(again, "clip_value", None) == getattr(model, "clip_value", None)
    np.testing.assert_allclose(model.discriminator(np.ones((2, 2), "float32")),
                               again.discriminator(np.ones((2, 2), "float32")), atol=1e-2)


def test_preset_of_another_family_errors():
    with pytest.raises(ValueError, match=r"'dcgan-digits' is a dcgan model \(DCGAN\); "
                                         r"CGAN.from_preset cannot load it"):
        kerasgan.CGAN.from_preset("dcgan-digits")


def test_preset_with_tampered_weights_is_rejected(tmp_path, ring8):
    folder = ring8.save_to_preset(str(tmp_path / "preset"))
    with open(os.path.join(folder, "model.weights.h5"), "ab") as handle:
        handle.write(b"extra")
    size = os.path.getsize(os.path.join(folder, "model.weights.h5"))
    with pytest.raises(WeightsError, match=rf"expected {size - 5} bytes, but it announces {size} bytes"):
        kerasgan.GAN.from_preset(folder)


# --------------------------------------------------------------------- CLI


def test_cli_list_info_fetch(capsys, home):
    assert cli.main(["zoo", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["name", "family", "data", "metrics", "weights"]
    row = next(line for line in out if line.startswith("gan-ring8 "))
    assert row.split()[1:3] == ["gan", "ring8"] and "modes=" in row and row.endswith("yes")
    assert next(line for line in out if line.startswith("dcgan-mnist ")).endswith("no")

    assert cli.main(["zoo", "info", "gan-ring8"]) == 0
    info = capsys.readouterr().out
    assert yaml.safe_load(info) == zoo.info("gan-ring8")

    assert cli.main(["zoo", "fetch", "gan-ring8"]) == 0
    path = capsys.readouterr().out.strip()
    assert path.startswith(str(home)) and os.path.isfile(path)

    assert cli.main(["zoo", "fetch", "dcgan-mnist"]) == 2
    assert "publishes no weights" in capsys.readouterr().err


def test_train_with_zoo_config_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    out = tmp_path / "run"
    argv = ["train", "--config", "zoo/gan-ring8.yaml", "--out", str(out), "--epochs", "1",
            "--epoch-size", "512", "--sample-every", "0", "--verbose", "0"]
    # The recipe's generator average over ~100 steps, in a 2-step run: kerasgan says so.
    with pytest.warns(UserWarning, match="ema_momentum 0.99 .* this run has 2"):
        assert cli.main(argv) == 0
    assert (out / "model.keras").is_file()
    saved = yaml.safe_load((out / "config.yaml").read_text())
    recipe = _resolved("gan-ring8")
    assert saved["family"] == "gan" and saved["data"] == "ring8" and saved["epochs"] == 1
    assert saved["batch_size"] == recipe.batch_size and saved["g_lr"] == recipe.g_lr
    assert saved["ema_momentum"] == recipe.ema_momentum


def test_train_with_invalid_zoo_config_is_one_line_error(tmp_path, capsys):
    entry = _entry()
    entry["recipe"]["epoch"] = 3
    path = _write(tmp_path, entry)
    assert cli.main(["train", "--config", path, "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kerasgan: error:") and len(err.strip().splitlines()) == 1
    assert f"{path}: key 'recipe.epoch'" in err and "Did you mean 'epochs'?" in err
    assert not (tmp_path / "x").exists()


# --------------------------------------------------------------- packaging


def test_configs_are_found_through_importlib_resources(tmp_path, monkeypatch):
    assert registry.config_dir() == os.fspath(importlib.resources.files("kerasgan.zoo") / "configs")
    fake = tmp_path / "pkg"
    (fake / "configs").mkdir(parents=True)
    (fake / "configs" / "only-one.yaml").write_text("name: only-one\n")
    monkeypatch.setattr(registry.importlib.resources, "files", lambda package: fake)
    assert zoo.list() == ["only-one"]


@pytest.mark.slow
def test_non_editable_install_lists_the_entries(tmp_path):
    # Build from a copy: setuptools writes build/ and *.egg-info next to setup.cfg.
    source = tmp_path / "src"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", "build", "*.egg-info", "__pycache__", ".ruff_cache", "runs"), symlinks=True)
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--quiet",
         "--target", str(target), str(source)],
        check=True, capture_output=True, timeout=600,
    )
    code = ("import os, kerasgan.zoo as z; print(z.__file__); print(len(z.list())); "
            "print(all(os.path.isfile(os.path.join(z.zoo_dir(), e['weights']['url'])) "
            "for e in z.list(entries=True) if e['weights'] != 'none'))")
    env = {**os.environ, "PYTHONPATH": str(target), "TF_CPP_MIN_LOG_LEVEL": "2"}
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                            capture_output=True, text=True, check=True, timeout=300)
    path, count, present = result.stdout.split()
    assert path.startswith(str(target))
    assert int(count) == len(zoo.list())
    assert present == "True"
