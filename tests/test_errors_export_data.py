"""Data errors of issue 11 (point 8): corrupt image files named before training, bounded image sizes.

Each test reproduces the defect as measured: one truncated PNG among 40 in a
``folder:`` data set crashed mid-epoch with TensorFlow's ``Invalid PNG data``
and no file name; ``--image-size 100000`` tried to allocate
[1437, 100000, 100000, 1].
"""

import io
import os

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from kerasgan import data
from kerasgan.cli import main
from kerasgan.data import folders

FORMATS = {"png": "PNG", "jpg": "JPEG", "bmp": "BMP", "gif": "GIF"}


def encoded(fmt, size=(24, 16), seed=0, **options):
    pixels = np.random.default_rng(seed).integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, FORMATS[fmt], **options)
    return buffer.getvalue()


def image_dir(path, count=40, ext="png"):
    path.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (path / f"img{i:02d}.{ext}").write_bytes(encoded(ext, seed=i))
    return path


def truncate(path, keep=0.5):
    raw = path.read_bytes()
    path.write_bytes(raw[: int(len(raw) * keep)])


def tf_decodes(raw):
    try:
        tf.io.decode_image(raw, channels=0, dtype=tf.float32, expand_animations=False)
        return True
    except tf.errors.InvalidArgumentError:
        return False


# ----------------------------------------------------------- one file's check


@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_file_check_agrees_with_tensorflow(ext, tmp_path):
    """Whole, truncated, bit-flipped, padded: the check says what TensorFlow's decoder will do."""
    options = {"progressive": True} if ext == "jpg" else {}
    whole = encoded(ext, **options)
    cases = {"whole": whole, "empty": b"", "trailing bytes": whole + b"junk"}
    for cut in (1, 2, 12, len(whole) // 3, len(whole) // 2, len(whole) - 20):
        cases[f"cut {cut}"] = whole[:-cut]
    if ext != "jpg":  # damage inside a JPEG's compressed data is seen only by decoding it
        at = len(whole) // 2
        cases["flipped byte"] = whole[:at] + bytes([whole[at] ^ 0x55]) + whole[at + 1 :]
    for case, raw in cases.items():
        path = tmp_path / f"x.{ext}"
        path.write_bytes(raw)
        problem = folders.image_file_problem(str(path))
        assert (problem is None) == tf_decodes(raw), (ext, case, problem)


def test_file_check_reasons(tmp_path):
    png = tmp_path / "a.png"
    png.write_bytes(encoded("png")[:200])
    assert "ends inside its IDAT chunk: truncated" in folders.image_file_problem(str(png))
    text = tmp_path / "b.jpg"
    text.write_text("not an image")
    assert "not a PNG, JPEG, BMP or GIF" in folders.image_file_problem(str(text))
    webp = tmp_path / "c.png"  # TensorFlow decodes WebP only to uint8, the pipeline asks for float32
    Image.new("RGB", (8, 8)).save(webp, "WEBP")
    assert "convert it to PNG" in folders.image_file_problem(str(webp))
    assert folders.image_file_problem(str(tmp_path / "missing.png")).startswith("it cannot be read")


# ----------------------------------------------------------------- data sets


def test_truncated_png_among_40_is_named_before_training(tmp_path):
    folder = image_dir(tmp_path / "imgs")
    truncate(folder / "img17.png")
    with pytest.raises(data.DataError) as caught:
        data.load(f"folder:{folder}", 8, image_size=16)
    message = str(caught.value)
    assert len(message.splitlines()) == 1
    assert str(folder / "img17.png") in message and "truncated" in message
    assert "remove it or replace it" in message and "img16" not in message


def test_several_bad_files_are_counted_and_listed(tmp_path):
    folder = image_dir(tmp_path / "imgs", count=12)
    for i in range(8):
        truncate(folder / f"img{i:02d}.png", keep=0.3)
    with pytest.raises(data.DataError, match=r"8 of 12 image files cannot be decoded: .*img00\.png.*"
                       r"and 3 more; remove them or replace them"):
        data.load(f"folder:{folder}", 4, image_size=16)


def test_the_same_folder_loads_once_the_file_is_replaced(tmp_path):
    folder = image_dir(tmp_path / "imgs", count=8)
    truncate(folder / "img03.png")
    with pytest.raises(data.DataError, match="img03"):
        data.load(f"folder:{folder}", 4, image_size=16)
    (folder / "img03.png").write_bytes(encoded("png", seed=3))
    batches = list(data.load(f"folder:{folder}", 4, image_size=16))
    assert len(batches) == 2 and batches[0].shape == (4, 16, 16, 3)


def test_corrupt_files_in_pairs_folders_are_named(tmp_path):
    sbs = image_dir(tmp_path / "sbs", count=6, ext="jpg")
    truncate(sbs / "img02.jpg", keep=0.9)
    with pytest.raises(data.DataError, match=r"img02\.jpg' \(the file ends before its end-of-image marker"):
        data.load(f"pairs:{sbs}", 2, image_size=8)
    a, b = image_dir(tmp_path / "A", count=4), image_dir(tmp_path / "B", count=4, ext="bmp")
    truncate(b / "img01.bmp", keep=0.99)
    with pytest.raises(data.DataError, match=r"B/img01\.bmp' \(it holds \d+ bytes but its header"):
        data.load(f"pairs:{a},{b}", 2, image_size=8)


def test_corrupt_files_in_unpaired_folders_are_named(tmp_path):
    root = tmp_path / "horse2zebra"
    image_dir(root / "trainA", count=4)
    image_dir(root / "trainB", count=4)
    raw = bytearray((root / "trainB" / "img02.png").read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    (root / "trainB" / "img02.png").write_bytes(bytes(raw))
    with pytest.raises(data.DataError, match=r"trainB/img02\.png' \(its IDAT chunk fails its CRC check"):
        data.load(f"unpaired:{root}", 2, image_size=8)


def test_cli_train_names_the_corrupt_file(tmp_path, capsys):
    folder = image_dir(tmp_path / "imgs", count=16)
    truncate(folder / "img05.png")
    argv = ["train", "--family", "dcgan", "--data", f"folder:{folder}", "--image-size", "16",
            "--epochs", "1", "--batch-size", "4", "--out", str(tmp_path / "run")]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("kerasgan: error:") and len(err.splitlines()) == 1
    assert "img05.png" in err and "remove it or replace it" in err


# ---------------------------------------------------------------- image size


@pytest.mark.parametrize("name", ["digits", "digits-edges", "digits-rotated", "digits-domains"])
def test_huge_image_size_is_refused_in_one_line(name):
    for call in (lambda: data.load(name, 8, image_size=100000), lambda: data.spec(name, image_size=100000)):
        with pytest.raises(ValueError) as caught:
            call()
        message = str(caught.value)
        assert "--image-size" in message and "<= 1024" in message and "100000" in message
        assert len(message.splitlines()) == 1


def test_image_size_bound_for_streamed_folders(tmp_path):
    folder = image_dir(tmp_path / "imgs", count=2)
    with pytest.raises(ValueError, match=r"image_size \(--image-size\) must be .*<= 1024"):
        data.load(f"folder:{folder}", 2, image_size=1025)
    assert data.spec(f"folder:{folder}", image_size=1024).shape == (1024, 1024, 3)
    assert data.check_image_size(1024) == 1024 and data.MAX_IMAGE_SIZE == 1024
    with pytest.raises(ValueError, match="--image-size"):
        data.check_image_size(100000)


def test_digits_image_size_bounded_by_memory():
    assert data.spec("digits", image_size=386).shape == (386, 386, 1)
    with pytest.raises(ValueError, match=r"1797 images in memory: \d+ MiB with 1 channel.*"
                       r"limit of 1024 MiB; pass --image-size 386 or less"):
        data.spec("digits", image_size=512)
    with pytest.raises(ValueError, match="pass --image-size 223 or less"):
        data.load("digits-edges", 8, image_size=224, channels=3)


def test_cli_train_huge_image_size_is_one_line(tmp_path, capsys):
    argv = ["train", "--family", "dcgan", "--data", "digits", "--image-size", "100000",
            "--epochs", "1", "--out", str(tmp_path / "run")]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("kerasgan: error:") and "--image-size" in err and "1024" in err
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "run").exists() or not os.listdir(tmp_path / "run")
