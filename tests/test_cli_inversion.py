"""``kerasgan invert`` and ``kerasgan complete`` on the shipped dcgan-digits generator."""

import numpy as np
import pytest
from PIL import Image

from kerasgan import data, families, zoo
from kerasgan.cli import main
from kerasgan.cli.complete import mask_for


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "digits.keras"
    zoo.load("dcgan-digits").save(path)
    return path


@pytest.fixture(scope="module")
def digit_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("digits")
    images = next(iter(data.load("digits", image_size=16, batch_size=6, split="test",
                                 shuffle=False))).numpy()
    for i, image in enumerate(images):
        pixels = np.round((image[..., 0] + 1) * 127.5).astype("uint8")
        Image.fromarray(pixels).save(folder / f"{i}.png")
    return folder


def test_invert_draws_inputs_beside_reconstructions_and_saves_the_latents(
        model_file, digit_folder, tmp_path, capsys):
    out, latents = tmp_path / "inverted.png", tmp_path / "z.npy"
    code = main(["invert", str(model_file), "--input", str(digit_folder), "-n", "4",
                 "--steps", "20", "-o", str(out), "--save-latents", str(latents)])
    assert code == 0
    z = np.load(latents)
    assert z.shape == (4, zoo.load("dcgan-digits").latent_dim)
    with Image.open(out) as picture:
        assert picture.format == "PNG" and picture.size[0] > picture.size[1]  # 4 pairs in a row
    assert "Inverted 4 images" in capsys.readouterr().out


def test_complete_writes_the_masked_inputs_and_their_completions(model_file, digit_folder, tmp_path):
    out = tmp_path / "completed.png"
    assert main(["complete", str(model_file), "--input", str(digit_folder), "-n", "3",
                 "--steps", "10", "--mask", "center", "-o", str(out)]) == 0
    assert out.stat().st_size > 0


def test_masks_hide_the_named_region():
    bottom = mask_for("bottom", (16, 16, 1))
    assert bottom[:8].all() and not bottom[8:].any()
    center = mask_for("center", (16, 16, 1))
    assert center.sum() == 16 * 16 - 8 * 8 and not center[4:12, 4:12].any()


def test_models_that_cannot_be_inverted_and_missing_folders_are_one_line_errors(
        model_file, tmp_path, capsys):
    conditional = tmp_path / "cgan.keras"
    families.get("cgan").build_tiny(seed=0)[0].save(conditional)
    assert main(["invert", str(conditional), "--input", str(tmp_path)]) == 2
    assert "noise-input model" in capsys.readouterr().err
    assert main(["complete", str(model_file), "--input", str(tmp_path / "nowhere")]) == 2
    assert "not found" in capsys.readouterr().err
    assert main(["invert", str(model_file), "--input", str(tmp_path), "-o", "x.jpg"]) == 2
    assert ".png" in capsys.readouterr().err
