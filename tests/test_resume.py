"""Runs resume exactly, and a diverging run keeps its last finite checkpoint."""

import hashlib
import os

import keras
import numpy as np
import pytest

import kerasgan
from kerasgan.cli import main
from kerasgan.errors import TrainingDivergedError
from kerasgan.training import TrainConfig, checkpoint_paths, read_state, run_training

# Short runs with a generator average on purpose: its "too short" warning is expected here.
pytestmark = pytest.mark.filterwarnings("ignore:ema_momentum .* averages the generator")

BASE = dict(family="gan", data="ring8", epochs=4, epoch_size=64, batch_size=16, sample_every=0,
            jit_compile=False, ema_momentum=0.9)


def _weights(model):
    return [np.asarray(w) for w in model.get_weights()]


def _assert_same(a, b):
    for x, y in zip(_weights(a), _weights(b)):
        np.testing.assert_array_equal(x, y)


@pytest.fixture(scope="module")
def straight(tmp_path_factory):
    """Four uninterrupted epochs (the reference)."""
    return run_training(TrainConfig(**BASE), tmp_path_factory.mktemp("straight"), verbose=0).model


def test_a_stopped_run_resumes_bit_identically(straight, tmp_path):
    run_training(TrainConfig(**{**BASE, "epochs": 2}), tmp_path, verbose=0)
    resumed = run_training(TrainConfig(**BASE), tmp_path, resume=True, verbose=0)
    assert resumed.initial_epoch == 2
    # Same data order, latents, optimizer states and generator average as the straight run.
    _assert_same(resumed.model, straight)


class _Crash(keras.callbacks.Callback):
    """Dies in the middle of epoch 3, like kill -9 (nothing after the last checkpoint survives)."""

    def on_train_batch_begin(self, batch, logs=None):
        if self._epoch == 2 and batch == 0:
            raise KeyboardInterrupt

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch


def test_a_run_killed_mid_epoch_resumes_bit_identically(straight, tmp_path):
    with pytest.raises(KeyboardInterrupt):
        run_training(TrainConfig(**BASE), tmp_path, verbose=0, callbacks=[_Crash()])
    assert read_state(tmp_path)["epoch"] == 2
    resumed = run_training(TrainConfig(**BASE), tmp_path, resume=True, verbose=0)
    _assert_same(resumed.model, straight)


def _sha(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def test_non_finite_losses_never_overwrite_the_last_good_checkpoint(tmp_path):
    run_training(TrainConfig(**{**BASE, "epochs": 2}), tmp_path, verbose=0)
    checkpoint = checkpoint_paths(tmp_path)[0]
    before = _sha(checkpoint)
    final_before = _sha(tmp_path / "model.keras")
    diverging = TrainConfig(**{**BASE, "g_lr": 1e6, "d_lr": 1e6})
    with pytest.raises(TrainingDivergedError, match=r"became (nan|inf).*epoch 3.*last finite "
                                                   r"checkpoint.*epoch 2.*--resume --g-lr"):
        run_training(diverging, tmp_path, resume=True, verbose=0)
    assert _sha(checkpoint) == before and read_state(tmp_path)["epoch"] == 2
    assert _sha(tmp_path / "model.keras") == final_before  # the final model is not overwritten
    loaded = keras.models.load_model(checkpoint)
    assert all(np.all(np.isfinite(w)) for w in loaded.get_weights())


def test_the_cli_reports_divergence_in_one_line_and_removes_an_empty_run(tmp_path, capsys):
    out = tmp_path / "run"
    status = main(["train", "--family", "lsgan", "--data", "ring8", "--out", str(out),
                   "--epochs", "2", "--epoch-size", "512", "--g-lr", "1e6", "--d-lr", "1e6",
                   "--verbose", "0", "--sample-every", "0", "--ema-momentum", "0"])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert len(err) == 1 and "no epoch finished with finite losses" in err[0], err
    assert not out.exists()


def test_fit_stops_at_the_first_non_finite_loss():
    model, spec = kerasgan.GAN.build_tiny()
    model.compile(g_optimizer=keras.optimizers.SGD(1e12), d_optimizer=keras.optimizers.SGD(1e12),
                  jit_compile=False)
    data = kerasgan.testing.tiny_dataset(spec, n=64, batch_size=8)
    with pytest.warns(UserWarning, match="training stopped in epoch 1"):
        history = model.fit(data, epochs=5, verbose=0)
    assert model.non_finite_loss["epoch"] == 1
    assert len(history.history["d_loss"]) == 1  # no further epochs ran


def test_resume_may_lower_the_learning_rates(tmp_path):
    run_training(TrainConfig(**{**BASE, "epochs": 1}), tmp_path, verbose=0)
    result = run_training(TrainConfig(**{**BASE, "epochs": 2, "g_lr": 1e-4}), tmp_path,
                          resume=True, verbose=0)
    assert np.isclose(float(result.model.g_optimizer.learning_rate), 1e-4)
    assert os.path.isfile(tmp_path / "model.keras")


def test_a_corrupt_state_file_is_named(tmp_path, capsys):
    run_training(TrainConfig(**{**BASE, "epochs": 1}), tmp_path, verbose=0)
    state = checkpoint_paths(tmp_path)[1]
    with open(state, "w") as handle:
        handle.write('{"epoch": 1, "conf')
    capsys.readouterr()
    status = main(["train", "--out", str(tmp_path), "--resume", "--verbose", "0"])
    err = capsys.readouterr().err.strip()
    assert status == 2 and err.count("\n") == 0
    assert "state.json is corrupt" in err and "--overwrite" in err


def test_a_read_only_output_folder_is_one_line(tmp_path, capsys):
    if os.geteuid() == 0:
        # root writes anywhere: use a path below a regular file instead (NotADirectoryError)
        blocker = tmp_path / "file"
        blocker.write_text("x")
        out = blocker / "run"
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        out = locked / "run"
    status = main(["train", "--family", "gan", "--data", "ring8", "--out", str(out),
                   "--epochs", "1", "--epoch-size", "512", "--verbose", "0"])
    err = capsys.readouterr().err.strip()
    assert status == 2 and err.count("\n") == 0 and str(out.parent) in err, err
