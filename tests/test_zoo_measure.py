"""The zoo's conditional figures: per-class diversity and how purely InfoGAN codes map to digits."""

import numpy as np
import pytest

from kerasgan import metrics
from kerasgan.core.contract import SamplePicture
from kerasgan.data.digits import digits_images
from kerasgan.zoo import gallery, measure


class _Stub:
    """A stand-in generator that draws real held-out digits chosen by ``pick(code, n)``."""

    def __init__(self, condition, pick):
        self.condition, self.pick = condition, pick
        self.x, self.y = digits_images("test")

    def conditions(self):
        return {self.condition: 10}

    def generate(self, n, seed=None, **codes):
        values = np.asarray(codes[self.condition])
        out = np.empty((len(values),) + self.x.shape[1:], dtype=np.float32)
        for code in np.unique(values):
            where = np.flatnonzero(values == code)
            out[where] = self.pick(self, int(code), len(where))
        return out


def _of_class(stub, digit, n):
    pool = stub.x[stub.y == digit]
    return pool[np.arange(n) % len(pool)]


def _one_image(stub, digit, n):
    return np.repeat(stub.x[stub.y == digit][:1], n, axis=0)


@pytest.fixture(autouse=True)
def _few_samples(monkeypatch):
    monkeypatch.setattr(measure, "PER_CLASS", 60)


def test_class_recall_tells_diverse_classes_from_one_image_per_class():
    extractor = metrics.get_extractor("digits")
    diverse, _ = measure._class_figures(_Stub("labels", _of_class), "digits", extractor,
                                        ("class_accuracy",))
    collapsed, text = measure._class_figures(_Stub("labels", _one_image), "digits", extractor, ())
    assert diverse["class_accuracy"] > 0.95 and "class_accuracy" not in collapsed
    assert diverse["class_recall"] > 0.5 > 0.1 > collapsed["class_recall"]
    assert "averaged over classes" in text


def test_category_purity_counts_codes_that_are_one_digit():
    extractor = metrics.get_extractor("digits")
    shift = _Stub("categories", lambda stub, code, n: _of_class(stub, (code + 3) % 10, n))
    pure, _ = measure._category_figures(shift, extractor)
    assert pure["category_purity"] > 0.95 and pure["category_digits"] == 10

    rng = np.random.default_rng(0)
    mixed = _Stub("categories", lambda stub, code, n: stub.x[rng.integers(0, len(stub.x), n)])
    scrambled, _ = measure._category_figures(mixed, extractor)
    assert scrambled["category_purity"] < 0.4

    halves = _Stub("categories", lambda stub, code, n: _of_class(stub, code % 5, n))
    assert measure._category_figures(halves, extractor)[0]["category_digits"] == 5


def test_captions_say_what_rows_are():
    grid = SamplePicture("grid", np.zeros((80, 8, 8, 1)), 8)
    assert "requested class k" in gallery.caption(_Stub("labels", None), grid)
    assert "categorical code k" in gallery.caption(_Stub("categories", None), grid)

    class Translator:
        def conditions(self):
            return {"direction": ("ab", "ba")}

    pairs = SamplePicture("groups", [[np.zeros((2, 8, 8, 1))] * 2] * 2)
    text = gallery.caption(Translator(), pairs, preview={"a": 0, "b": 0})
    assert "top row a -> b" in text and "bottom row b -> a" in text


class _Reconstructor:
    """A stand-in encoder family whose ``reconstruct`` is ``fn(images)``."""

    def __init__(self, fn):
        self.reconstruct = fn


def test_reconstruction_class_kept_tells_faithful_from_fixed_reconstructions():
    extractor = metrics.get_extractor("digits")
    shape = (None, 16, 16, 1)
    faithful, text = measure._reconstruction_figures(_Reconstructor(lambda x: x), "digits",
                                                     extractor, shape)
    x, y = digits_images("test")
    seven = x[y == 7][:1]
    fixed, _ = measure._reconstruction_figures(
        _Reconstructor(lambda images: np.repeat(seven, len(images), axis=0)), "digits", extractor,
        shape)
    assert faithful["reconstruction_class_kept"] == 1.0 and faithful["reconstruction_l1"] == 0.0
    assert 0.05 < fixed["reconstruction_class_kept"] < 0.15 < fixed["reconstruction_l1"]
    assert "held-out" in text


def test_gallery_draws_reconstructions_only_for_families_with_an_encoder(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from PIL import Image

    from kerasgan import families

    monkeypatch.setattr(gallery, "reconstructions_path", lambda name: str(tmp_path / f"{name}.png"))
    entry, config = {"family": "vaegan", "data": "digits"}, SimpleNamespace(data="digits")
    encoder_family, _ = families.get("vaegan").build_tiny()
    path = gallery._draw_reconstructions("e", entry, encoder_family, config)
    with Image.open(path) as picture:
        # two rows of 8 [image | reconstruction] pairs of 16 px tiles, under a caption band
        assert picture.width > 16 * 16 and picture.height > 2 * 16
    noise_family, _ = families.get("dcgan").build_tiny()
    assert gallery._draw_reconstructions("n", entry, noise_family, config) is None
    assert not (tmp_path / "n.png").exists()
