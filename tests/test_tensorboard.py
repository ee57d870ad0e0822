"""Sample pictures and per-step scalars in TensorBoard, from Python and from a training run."""

import glob
import io
import os

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

from kerasgan import families
from kerasgan.testing import tiny_dataset
from kerasgan.training import TensorBoardSamples, TrainConfig, run_training


def summaries(folder):
    """``[(tag, plugin, step, value)]`` of every summary in the event files of ``folder``."""
    found = []
    for path in sorted(glob.glob(os.path.join(folder, "events.out.tfevents.*"))):
        for event in tf.compat.v1.train.summary_iterator(path):
            for value in event.summary.value:
                found.append((value.tag, value.metadata.plugin_data.plugin_name, event.step, value))
    return found


def decoded_images(folder, tag="samples"):
    """The PNG pictures of the image summaries named ``tag``, by step."""
    pictures = {}
    for name, plugin, step, value in summaries(folder):
        if name == tag and plugin == "images":
            width, height, *pngs = tf.make_ndarray(value.tensor)
            pictures[step] = [np.asarray(Image.open(io.BytesIO(png))) for png in pngs]
            assert all(p.shape[:2] == (int(height), int(width)) for p in pictures[step])
    return pictures


def test_samples_callback_writes_a_scatter_each_epoch(tmp_path):
    model, spec = families.get("gan").build_tiny()
    model.compile(jit_compile=False)
    callback = TensorBoardSamples(tmp_path, seed=3, data="ring8")
    model.fit(tiny_dataset(spec), epochs=2, verbose=0, callbacks=[callback])

    pictures = decoded_images(tmp_path / "samples")
    assert sorted(pictures) == [1, 2]
    picture = pictures[2][0]
    assert picture.ndim == 3 and min(picture.shape[:2]) >= 256
    assert picture.std() > 0  # points, mode circles and axes, not a blank canvas
    # The picture is the family's: the same seed draws the same scatter again.
    np.testing.assert_array_equal(callback.picture(1), picture[..., :3])


def test_samples_callback_refuses_a_bad_interval(tmp_path):
    with pytest.raises(ValueError, match="every must be a positive integer"):
        TensorBoardSamples(tmp_path, every=0)


def test_a_training_run_logs_sample_images_and_per_step_scalars(tmp_path):
    config = TrainConfig(family="dcgan", data="digits", epochs=1, epoch_size=128, batch_size=64,
                         jit_compile=False)
    result = run_training(config, tmp_path / "run", verbose=0)

    pictures = decoded_images(result.paths["logs"] + "/samples")
    assert list(pictures) == [1] and pictures[1][0].std() > 0
    scalars = {(tag, step) for tag, plugin, step, _ in summaries(result.paths["logs"] + "/train")
               if plugin == "scalars"}
    assert ("epoch_g_loss", 0) in scalars
    assert any(tag == "batch_d_loss" for tag, _ in scalars)
