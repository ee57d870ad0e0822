"""The callbacks of a run: checkpoints and per-epoch sample pictures, on disk and in TensorBoard."""

from __future__ import annotations

import os
import time

import keras

from kerasgan.core.guards import first_non_finite
from kerasgan.training.files import checkpoint_paths, save_model_atomic, write_json
from kerasgan.training.pictures import draw_picture, mixture_centers, save_run_samples

__all__ = ["CheckpointCallback", "SampleCallback", "TensorBoardSamples"]


class CheckpointCallback(keras.callbacks.Callback):
    """Saves ``checkpoints/last.keras`` and ``checkpoints/state.json`` after every epoch.

    Both files are written atomically; the model first, then the state, so
    ``state.json`` never names an epoch whose model is not on disk.

    Args:
        out_dir: the run folder.
        config: the resolved :class:`TrainConfig` (stored in the state).
        history: per-metric lists of earlier epochs (when resuming).
    """

    def __init__(self, out_dir, config, history=None):
        super().__init__()
        self.model_path, self.state_path = checkpoint_paths(out_dir)
        self.config = config
        self.history = {k: list(v) for k, v in (history or {}).items()}

    def on_epoch_end(self, epoch, logs=None):
        """Writes the checkpoint of epoch ``epoch + 1``, unless a loss is not finite.

        A non-finite epoch never overwrites the last good checkpoint.
        """
        if first_non_finite(logs) is not None:
            return
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))
        save_model_atomic(self.model, self.model_path)
        write_json(
            {
                "epoch": epoch + 1,
                "config": self.config.to_dict(),
                "history": self.history,
                "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            },
            self.state_path,
        )


class SampleCallback(keras.callbacks.Callback):
    """Writes ``samples/epoch_XXX.png`` from fixed latents every ``every`` epochs.

    Args:
        out_dir: the run folder.
        data_spec: the data set's spec (scatter for points, grid for images).
        seed: seed of the latents (the same every epoch, so pictures compare).
        every: epochs between pictures (0 disables).
        preview: fixed data batch of image-to-image families
            (see :func:`preview_batch`); their pictures show input and output.
    """

    def __init__(self, out_dir, data_spec, seed, every=1, preview=None):
        super().__init__()
        self.folder = os.path.join(os.fspath(out_dir), "samples")
        self.data_spec = data_spec
        self.seed = int(seed)
        self.every = int(every)
        self.preview = preview

    def on_epoch_end(self, epoch, logs=None):
        """Draws and saves the samples of epoch ``epoch + 1``."""
        if self.every <= 0 or (epoch + 1) % self.every or first_non_finite(logs) is not None:
            return
        path = os.path.join(self.folder, f"epoch_{epoch + 1:03d}.png")
        title = f"{self.data_spec.name}  epoch {epoch + 1}"
        save_run_samples(
            self.model, path, self.data_spec, self.seed, preview=self.preview, title=title
        )


class TensorBoardSamples(keras.callbacks.Callback):
    """Writes the model's sample picture to TensorBoard (the Images tab) every ``every`` epochs.

    The picture is the one ``kerasgan train`` saves as ``samples/epoch_XXX.png``
    (the family decides it, :meth:`~kerasgan.core.FamilyContract.sample_picture`):
    a grid of images (a row per class for conditional families), a scatter
    of 2-D points with the mode centres of ``ring8`` / ``grid25``, or
    [input | output] groups of a fixed batch for image-to-image families.
    The latents come from a fixed ``seed``, so epochs compare. Scalars stay
    with ``keras.callbacks.TensorBoard`` (``update_freq`` for per-step values).

    Args:
        log_dir: TensorBoard folder; images go to ``log_dir/samples``.
        seed: latent seed of the pictures.
        every: write after every ``every``-th epoch (1 = every epoch).
        data: data-set name (draws the mode centres of a 2-D mixture) or ``None``.
        preview: a fixed data batch for image-to-image families, e.g.
            ``{"x": images}`` (see :func:`kerasgan.training.preview_batch`).
        tag: the summary's name.

    Example:
        >>> tb = TensorBoardSamples("logs", data="ring8")                # doctest: +SKIP
        >>> model.fit(ds, epochs=20, callbacks=[tb, keras.callbacks.TensorBoard("logs")])  # doctest: +SKIP
    """

    def __init__(self, log_dir, seed=0, every=1, *, data=None, preview=None, tag="samples"):
        super().__init__()
        if int(every) < 1:
            raise ValueError(f"every must be a positive integer, got {every!r}")
        self.log_dir = os.fspath(log_dir)
        self.seed = int(seed)
        self.every = int(every)
        self.data = data
        self.preview = preview
        self.tag = str(tag)
        self._writer = None

    def picture(self, epoch):
        """The sample picture of epoch ``epoch + 1`` as a uint8 array ``(H, W, 3)``."""
        import tempfile

        import numpy as np
        from PIL import Image

        picture = self.model.sample_picture(self.seed, preview=self.preview)
        title = f"{self.data}  epoch {epoch + 1}" if self.data else f"epoch {epoch + 1}"
        centers = mixture_centers(self.data) if self.data else None
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "samples.png")
            draw_picture(picture, path, title=title, centers=centers)
            with Image.open(path) as image:
                return np.asarray(image.convert("RGB"))

    def on_epoch_end(self, epoch, logs=None):
        """Writes the picture of epoch ``epoch + 1`` (step = the epoch number)."""
        if (epoch + 1) % self.every:
            return
        import tensorflow as tf

        if first_non_finite(logs) is not None:
            return
        image = self.picture(epoch)
        if self._writer is None:
            self._writer = tf.summary.create_file_writer(os.path.join(self.log_dir, "samples"))
        with self._writer.as_default():
            tf.summary.image(self.tag, image[None], step=epoch + 1)
        self._writer.flush()

    def on_train_end(self, logs=None):
        """Closes the summary writer, if any."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
