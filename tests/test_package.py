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
