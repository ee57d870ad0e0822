"""Tests for the one registry of data sources (kerasgan.data.registry) and the old import paths."""

import numpy as np
import pytest
import tensorflow as tf

from kerasgan import data
from kerasgan.data import registry
from kerasgan.data.base import DataSpec


@pytest.fixture
def sources(monkeypatch):
    """A private copy of the registry, so test registrations vanish after the test."""
    monkeypatch.setattr(registry, "_SOURCES", list(registry._SOURCES))
    return registry._SOURCES


def _points_spec(name, image_size=None, channels=None, data_dir=None):
    return DataSpec(name, "points", (2,), None)


def _points_load(name, batch_size, **options):
    return tf.data.Dataset.from_tensor_slices(np.zeros((4, 2), np.float32)).batch(batch_size), options


def test_builtin_owners():
    assert registry.source_for("ring8").names == ("ring8", "grid25")
    assert registry.source_for("folder:/x").prefix == "folder:"
    assert registry.source_for("pairs:/a,/b").prefix == "pairs:"
    assert registry.source_for("unpaired:/x").prefix == "unpaired:"
    assert registry.source_for("cycle_gan/horse2zebra").matches is not None
    assert registry.source_for("mnist").fallback
    assert registry.source_for("digits-edges").directions
    assert not registry.source_for("digits-rotated").directions


def test_register_exact_name_dispatches_spec_and_load(sources):
    source = data.register(data.DataSource(_points_spec, _points_load, names=("my-points",)))
    assert data.available()[-1] == "my-points" and "my-points" not in data.NAMES
    assert data.spec(" my-points ") == DataSpec("my-points", "points", (2,), None)
    _, options = data.load("my-points", 2, seed=3)
    assert options["seed"] == 3 and "direction" not in options
    with pytest.raises(ValueError, match="direction applies to paired"):
        data.load("my-points", 2, direction="BtoA")
    with pytest.raises(ValueError, match="no known ground truth"):
        data.ground_truth("my-points")
    assert source in sources


def test_register_prefix_with_directions(sources):
    data.register(data.DataSource(_points_spec, _points_load, prefix="csv:", directions=True))
    assert "csv:PATH" in data.available()
    assert data.spec("csv:/tmp/p.csv").name == "csv:/tmp/p.csv"
    _, options = data.load("csv:/tmp/p.csv", 2, direction="BtoA")
    assert options["direction"] == "BtoA"
    with pytest.raises(data.UnknownDatasetError, match="Did you mean: csv:PATH"):
        data.spec("csvv:/tmp/p.csv")


def test_resolution_order_exact_prefix_predicate(sources):
    exact = data.register(data.DataSource(_points_spec, _points_load, names=("zz:exact",)))
    prefix = data.register(data.DataSource(_points_spec, _points_load, prefix="zz:"))
    predicate = data.register(data.DataSource(_points_spec, _points_load, matches=lambda n: n.startswith("z")))
    assert registry.source_for("zz:exact") is exact
    assert registry.source_for("zz:other") is prefix
    assert registry.source_for("zebra") is predicate
    assert registry.source_for("mnist").fallback


def test_register_refuses_clashes_and_bad_sources(sources):
    with pytest.raises(ValueError, match="already registered: ring8"):
        data.register(data.DataSource(_points_spec, _points_load, names=("ring8",)))
    with pytest.raises(ValueError, match="already registered: folder:"):
        data.register(data.DataSource(_points_spec, _points_load, prefix="folder:"))
    with pytest.raises(ValueError, match="already registered: <fallback>"):
        data.register(data.DataSource(_points_spec, _points_load, fallback=True))
    with pytest.raises(ValueError, match="exactly one of"):
        data.DataSource(_points_spec, _points_load)
    with pytest.raises(ValueError, match="exactly one of"):
        data.DataSource(_points_spec, _points_load, names=("a",), prefix="a:")


def test_old_import_paths_still_work():
    from kerasgan.data import digits, digits_paired, digits_unpaired, domains, folders, two_sided
    from kerasgan.data.domains import _DOMAIN_TRANSFORMS, DOMAIN_TRANSFORMS, DOMAINS
    from kerasgan.data.images import digits_images, list_images
    from kerasgan.data.paired import check_direction, digits_pair_arrays
    from kerasgan.data.transforms import rotate90
    from kerasgan.data.unpaired import disjoint_parts, zip_domains

    assert digits_images is digits.digits_images and list_images is folders.list_images
    assert digits_pair_arrays is digits_paired.digits_pair_arrays and check_direction is two_sided.check_direction
    assert disjoint_parts is digits.disjoint_parts and zip_domains is two_sided.zip_domains
    assert _DOMAIN_TRANSFORMS is DOMAIN_TRANSFORMS and DOMAINS is domains.DOMAINS
    assert callable(rotate90) and callable(digits_unpaired.load_digits_unpaired)
    assert data.spec is registry.spec and data.load is registry.load
    assert set(data.TOY2D) == {"ring8", "grid25"} and data.DataSpec is DataSpec
