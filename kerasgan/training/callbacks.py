"""The callbacks of a run: checkpoints and per-epoch sample pictures."""

from __future__ import annotations

import os
import time

import keras

from kerasgan.core.guards import first_non_finite
from kerasgan.training.files import checkpoint_paths, save_model_atomic, write_json
from kerasgan.training.pictures import save_run_samples

__all__ = ["CheckpointCallback", "SampleCallback"]


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
