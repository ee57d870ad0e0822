"""The top-level package: export, serving and zoo load on first use."""

import importlib
import sys

import pytest

import kerasgan


@pytest.mark.parametrize("name", ["export", "serving", "zoo"])
def test_subpackages_load_on_first_attribute_access(name):
    module = getattr(kerasgan, name)
    assert module is importlib.import_module(f"kerasgan.{name}")
    assert sys.modules[f"kerasgan.{name}"] is module


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'zooo'"):
        kerasgan.zooo  # noqa: B018


# ------------------------------------------------------------- the family registry


def test_every_registered_family_is_a_kerasgan_model_known_by_its_name():
    from kerasgan import families
    from kerasgan.core import AdversarialModel

    names = families.names()
    assert names == sorted(names) and {"gan", "cgan", "pix2pix"} <= set(names)
    assert set(families.classes()) == set(names)
    for name in names:
        cls = families.get(name)
        assert issubclass(cls, AdversarialModel) and cls.family_name == name
        assert families.name_of(cls) == name
        assert getattr(kerasgan, cls.__name__, cls) is cls  # kerasgan.GAN, kerasgan.CGAN, ...


def test_unknown_family_suggests_a_name_and_the_plugin_route():
    from kerasgan import families

    with pytest.raises(ValueError) as error:
        families.get("wgangp")
    message = str(error.value)
    assert "Did you mean 'wgan_gp'?" in message and "Valid families: acgan" in message
    assert "--plugin" in message and "register" in message


def test_name_of_an_unregistered_subclass_is_its_registered_base():
    from kerasgan import families

    subclass = type("MyGAN", (families.get("wgan"),), {})
    assert families.name_of(subclass) == "wgan"
    assert families.name_of(object()) is None
    assert "MyGAN" not in {cls.__name__ for cls in families.classes().values()}


@pytest.mark.parametrize("name", ["", "Bad", "1gan", "my-gan", None])
def test_register_refuses_malformed_names(name):
    from kerasgan import families

    with pytest.raises(ValueError, match="lower case letters"):
        families.register(name)


def test_register_refuses_what_is_not_a_family_and_taken_names():
    from kerasgan import families

    before = families.names()
    with pytest.raises(TypeError, match="subclass of kerasgan.GAN"):
        families.register("not_a_model")(dict)
    with pytest.raises(ValueError, match="'gan' is already registered by kerasgan"):
        families.register("gan")(type("OtherGAN", (kerasgan.GAN,), {}))
    assert families.names() == before


def test_load_plugin_errors_name_the_plugin(tmp_path):
    from kerasgan import families

    with pytest.raises(ValueError, match="plugin file .*missing.py' not found"):
        families.load_plugin(tmp_path / "missing.py")
    broken = tmp_path / "broken.py"
    broken.write_text("raise RuntimeError('boom')\n")
    with pytest.raises(ValueError, match="could not import the plugin .*RuntimeError: boom"):
        families.load_plugin(str(broken))
    with pytest.raises(ValueError, match="could not import the plugin 'no_such_module_xyz'"):
        families.load_plugin("no_such_module_xyz")
