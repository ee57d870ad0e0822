"""Files and folders kerasgan writes follow the umask (0644 / 0755 under 022), so a server
running as another user (TF Serving in a container) can read a run's files and its exports."""

import contextlib
import os
import stat

import pytest

from kerasgan import files


@contextlib.contextmanager
def umask(mask):
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def _modes(root):
    """``{relative path: permission bits}`` of everything under ``root`` (itself included)."""
    modes = {".": stat.S_IMODE(os.stat(root).st_mode)}
    for folder, dirs, names in os.walk(root):
        for name in dirs + names:
            path = os.path.join(folder, name)
            modes[os.path.relpath(path, root)] = stat.S_IMODE(os.lstat(path).st_mode)
    return modes


@pytest.mark.parametrize("mask", [0o022, 0o027, 0o077])
def test_atomic_writes_get_the_umask_modes(tmp_path, mask):
    with umask(mask):
        assert files.file_mode() == 0o666 & ~mask
        assert files.folder_mode() == 0o777 & ~mask
        files.atomic_write_text(tmp_path / "a.json", "{}")
        with files.atomic_path(tmp_path / "b.bin") as tmp:
            with open(tmp, "wb") as handle:
                handle.write(b"x")
    assert stat.S_IMODE(os.stat(tmp_path / "a.json").st_mode) == 0o666 & ~mask
    assert stat.S_IMODE(os.stat(tmp_path / "b.bin").st_mode) == 0o666 & ~mask


def test_make_readable_publishes_a_private_folder_tree(tmp_path):
    import tempfile

    with umask(0o022):
        private = tempfile.mkdtemp(dir=tmp_path)  # 0700, as tempfile makes them
        os.makedirs(os.path.join(private, "variables"), mode=0o700)
        handle, inner = tempfile.mkstemp(dir=os.path.join(private, "variables"))  # 0600
        os.close(handle)
        script = os.path.join(private, "run.sh")
        with open(script, "w") as out:
            out.write("#!/bin/sh\n")
        os.chmod(script, 0o700)
        files.make_readable(private)
    modes = _modes(private)
    assert modes == {".": 0o755, "variables": 0o755,
                     os.path.relpath(inner, private): 0o644, "run.sh": 0o755}


def test_a_training_run_and_its_exports_follow_the_umask(tmp_path):
    """A run folder, a SavedModel export (with models.config, batching parameters) and an
    ONNX file, all written under umask 027: files 0640, folders 0750, nothing private."""
    from kerasgan.cli import main

    run, base = tmp_path / "run", tmp_path / "exports"
    with umask(0o027):
        assert main(["train", "--family", "gan", "--data", "ring8", "--epochs", "1",
                     "--epoch-size", "256", "--batch-size", "128", "--ema-momentum", "0",
                     "--no-jit", "--verbose", "0", "--out", str(run)]) == 0
        model = str(run / "model.keras")
        assert main(["export", "savedmodel", model, "--base", str(base), "--name", "ring"]) == 0
        assert main(["export", "onnx", model, "-o", str(tmp_path / "ring.onnx")]) == 0
    written = {f"run/{k}": v for k, v in _modes(run).items()}
    written.update({f"exports/{k}": v for k, v in _modes(base).items()})
    written["ring.onnx"] = stat.S_IMODE(os.stat(tmp_path / "ring.onnx").st_mode)
    for expected in ("run/model.keras", "run/samples.png", "run/checkpoints/last.keras",
                     "run/config.yaml", "exports/models.config", "exports/batching_parameters.txt",
                     "exports/ring/1", "exports/ring/1/saved_model.pb", "ring.onnx"):
        assert expected in written, expected
    wrong = {}
    for path, mode in written.items():
        folder = os.path.isdir(tmp_path / path)
        want = 0o750 if folder else 0o640
        if mode != want:
            wrong[path] = oct(mode)
    assert not wrong, wrong
