"""A family written outside kerasgan (examples/ragan.py) works like a built-in one."""

import os
import subprocess
import sys
import textwrap

import keras
import numpy as np
import pytest

import kerasgan
from kerasgan import families
from kerasgan.testing import run_family_test

EXAMPLE = os.path.join(os.path.dirname(__file__), os.pardir, "examples", "ragan.py")


@pytest.fixture(scope="module")
def ragan():
    """The example family, registered for this module only (other tests list the built-ins)."""
    cls = families.load_plugin(EXAMPLE).RaGAN
    families.register("ragan")(cls)  # again, in case an earlier module unregistered it
    yield cls
    families.unregister("ragan")


def test_the_plugin_registers_its_family(ragan):
    assert families.get("ragan") is ragan
    assert "ragan" in families.names()
    assert families.name_of(ragan) == "ragan"
    # Loading the same file again is a no-op, not a duplicate registration.
    assert families.load_plugin(EXAMPLE).RaGAN is ragan


@pytest.mark.parametrize("check", ["own_side", "fit", "save_load", "resume", "savedmodel", "preset"])
def test_the_plugin_family_passes_the_harness(ragan, check):
    run_family_test(ragan, checks=[check])


def test_the_plugin_family_inherits_a_recipe_and_saves(ragan, tmp_path):
    spec = kerasgan.data.spec("ring8")
    recipe = kerasgan.training.default_recipe("ragan", spec)
    assert recipe == kerasgan.training.default_recipe("gan", spec)
    model = ragan.build_for_data(spec, latent_dim=8, seed=0)
    model.compile(jit_compile=False)
    path = tmp_path / "ragan.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    assert type(loaded) is ragan
    np.testing.assert_array_equal(loaded.generate(3, seed=1), model.generate(3, seed=1))


def test_registration_errors_name_the_problem(ragan):
    with pytest.raises(ValueError, match="already registered"):
        families.register("ragan")(type("Other", (kerasgan.GAN,), {}))
    with pytest.raises(ValueError, match="lower case"):
        families.register("Bad-Name")
    with pytest.raises(TypeError, match="subclass of kerasgan.GAN"):
        families.register("notagan")(dict)
    with pytest.raises(ValueError, match="plugin file"):
        families.load_plugin("no/such/file.py")
    with pytest.raises(ValueError, match="could not import the plugin"):
        families.load_plugin("no_such_module_anywhere")


def test_unknown_family_lists_valid_names_and_the_plugin_route():
    with pytest.raises(ValueError, match="Did you mean 'wgan_gp'.*Valid families.*--plugin"):
        families.get("wgan-gp")


def test_installed_packages_add_families_through_entry_points(tmp_path):
    """A distribution declaring the ``kerasgan.families`` group is found without --plugin."""
    package = tmp_path / "site"
    (package / "lsgan_variant").mkdir(parents=True)
    (package / "lsgan_variant" / "__init__.py").write_text(textwrap.dedent("""
        import kerasgan

        @kerasgan.families.register("lsgan_variant")
        class LSGANVariant(kerasgan.LSGAN):
            '''An installed family.'''
    """))
    info = package / "lsgan_variant-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: lsgan-variant\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[kerasgan.families]\nlsgan_variant = lsgan_variant\n")
    code = (
        "import kerasgan; cls = kerasgan.families.get('lsgan_variant'); "
        "print(cls.__name__, kerasgan.families.name_of(cls))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(package), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["LSGANVariant", "lsgan_variant"]
