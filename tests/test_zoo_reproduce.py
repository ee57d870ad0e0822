"""A published zoo entry is what ``kerasgan train --config`` trains: retrain one, compare weights."""

import os
import subprocess
import sys

import h5py
import numpy as np
import pytest

from kerasgan import zoo
from kerasgan.training.files import load_model_file
from kerasgan.zoo.weights import save_network_weights

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: The cheapest entry with published weights (an MLP on 2-D points, ~6k steps).
ENTRY = "gan-ring8"


def _arrays(path):
    found = {}
    with h5py.File(path, "r") as handle:
        handle.visititems(
            lambda name, obj: found.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return found


@pytest.mark.slow
def test_cli_retrains_the_published_weights_exactly(tmp_path):
    out = tmp_path / "run"
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    command = [sys.executable, "-m", "kerasgan", "train", "--config", zoo.config_path(ENTRY),
               "--out", str(out), "--verbose", "0"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-2000:]
    model = load_model_file(str(out / "model.keras"))
    # The zoo ships the networks' variables as float16 (tools/build_zoo.py, half=True).
    retrained = tmp_path / "retrained.weights.h5"
    save_network_weights(model, retrained, half=True)
    shipped = os.path.join(zoo.zoo_dir(), zoo.info(ENTRY)["weights"]["url"])
    mine, theirs = _arrays(retrained), _arrays(shipped)
    assert sorted(mine) == sorted(theirs)
    different = [name for name in mine if not np.array_equal(mine[name], theirs[name])]
    assert not different, f"{len(different)} of {len(mine)} arrays differ, e.g. {different[:3]}"
