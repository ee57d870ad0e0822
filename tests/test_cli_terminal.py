"""A clean terminal: no TensorFlow for ``--help`` and ``zoo list``, no TensorFlow log lines,
warnings on one line, and a progress bar that never counts past the epoch."""

import os
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

from kerasgan.cli import quiet

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: A C++ log line of TensorFlow (glog format) or absl's note before its logs start.
TF_LOG_LINE = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:[\d.]+\s+\d+ \S+:\d+\]|absl::InitializeLog", re.M)


def _python(code, *, env=None, timeout=300):
    """Runs ``python -c code`` from the repository with a user's plain environment."""
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("TF_CPP_MIN_LOG_LEVEL", quiet.VERBOSE_ENV)}
    environment["PYTHONPATH"] = os.pathsep.join(
        p for p in (REPO_ROOT, environment.get("PYTHONPATH")) if p
    )
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
        cwd=REPO_ROOT, env=environment,
    )


@pytest.mark.parametrize("argv", [["--help"], ["zoo", "list"]])
def test_help_and_zoo_list_do_not_import_tensorflow(argv):
    code = (
        "import sys\n"
        "from kerasgan.cli import main\n"
        f"code = main({argv!r})\n"
        "heavy = sorted(m for m in ('tensorflow', 'keras', 'tensorflow_datasets', 'numpy')\n"
        "               if m in sys.modules)\n"
        "print('EXIT', code, 'HEAVY', heavy)\n"
    )
    result = _python(code, timeout=120)
    last = result.stdout.strip().splitlines()[-1]
    assert last == "EXIT 0 HEAVY []", (last, result.stderr[-2000:])
    assert result.stderr == ""
    if argv == ["zoo", "list"]:
        assert "dcgan-digits" in result.stdout


def test_a_command_that_loads_tensorflow_prints_no_log_lines_and_one_line_warnings(tmp_path):
    plugin = tmp_path / "warns.py"
    plugin.write_text("import warnings\nwarnings.warn('first line\\n  second line', UserWarning)\n")
    code = (
        "import os, sys\n"
        "from kerasgan.cli import main\n"
        "main(['train', '--help'])\n"  # lists the families: TensorFlow loads here
        f"code = main(['zoo', 'info', 'gan-ring8', '--plugin', {str(plugin)!r}])\n"
        "assert 'tensorflow' in sys.modules\n"
        "print('EXIT', code, os.environ.get('TF_CPP_MIN_LOG_LEVEL'))\n"
    )
    result = _python(code)
    assert result.stdout.strip().splitlines()[-1] == "EXIT 0 3", result.stderr[-2000:]
    assert not TF_LOG_LINE.search(result.stderr), result.stderr
    assert result.stderr == "kerasgan: warning: first line second line\n"
    assert "wgan_gp" in result.stdout and "mixed_bfloat16" in result.stdout  # train --help


def test_verbose_leaves_tensorflow_its_logs():
    code = (
        "import os\n"
        "from kerasgan.cli import main\n"
        "main({argv})\n"
        "print('LEVEL', os.environ.get('TF_CPP_MIN_LOG_LEVEL'))\n"
    )
    flag = _python(code.format(argv="['--verbose', 'zoo', 'list']"), timeout=120)
    assert flag.stdout.strip().splitlines()[-1] == "LEVEL None"
    env = _python(code.format(argv="['zoo', 'list']"), env={quiet.VERBOSE_ENV: "1"}, timeout=120)
    assert env.stdout.strip().splitlines()[-1] == "LEVEL None"
    chosen = _python(code.format(argv="['zoo', 'list']"), env={"TF_CPP_MIN_LOG_LEVEL": "1"}, timeout=120)
    assert chosen.stdout.strip().splitlines()[-1] == "LEVEL 1"  # the user's choice stays


def test_tensorflow_start_up_lines_are_filtered_but_errors_kept(capfd):
    with quiet._filtered_stderr():
        os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called are "
                    b"written to STDERR\n")
        os.write(2, b"I0000 00:00:1796069661.030225   22331 cudart_stub.cc:31] no cuda\n")
        os.write(2, b"E0000 00:00:1796069661.030225   22331 file.cc:9] a real error\n")
        os.write(2, b"Traceback: kept\n")
    err = capfd.readouterr().err
    assert err == "E0000 00:00:1796069661.030225   22331 file.cc:9] a real error\nTraceback: kept\n"


def test_warnings_print_as_one_line_inside_the_command_only():
    # End to end (a real warning through the command) in the subprocess test above.
    message = ("short run:\n   train longer", UserWarning, "run.py", 12)
    with quiet.terminal():
        assert warnings.formatwarning(*message) == "kerasgan: warning: short run: train longer\n"
    assert "run.py:12: UserWarning: short run:" in warnings.formatwarning(*message)


def _fit_output(capsys, callbacks):
    import keras
    import tensorflow as tf

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", steps_per_execution=32)
    x = np.zeros((22 * 4, 2), np.float32)
    dataset = tf.data.Dataset.from_tensor_slices((x, x[:, :1])).batch(4)  # 22 steps
    capsys.readouterr()
    model.fit(dataset, epochs=2, verbose=1, callbacks=callbacks, shuffle=False)
    return capsys.readouterr().out.replace("\r", "\n").replace("\b", "")


def test_progress_bar_never_counts_past_the_epoch(capsys):
    from kerasgan.training.progress import ProgressBar

    shown = _fit_output(capsys, [ProgressBar()])
    counts = re.findall(r"(\d+)/22\b", shown)
    assert counts and all(int(c) <= 22 for c in counts), counts
    assert "22/22" in shown
    assert not re.search(r"ETA: -|\s-\d+s", shown)
    # Keras' own bar is what this fixes: with 32 steps per call it shows 32/22.
    assert "32/22" in _fit_output(capsys, None)


def test_kerasgan_train_shows_the_steps_of_its_epochs(tmp_path, capsys):
    from kerasgan.cli import main

    argv = ["train", "--family", "gan", "--data", "ring8", "--epochs", "1", "--out",
            str(tmp_path / "run"), "--epoch-size", "512", "--batch-size", "128",
            "--ema-momentum", "0", "--no-jit", "--verbose", "1"]
    assert main(argv) == 0
    shown = capsys.readouterr().out.replace("\r", "\n").replace("\b", "")
    counts = re.findall(r"(\d+)/4\b", shown)  # 4 steps per epoch, 32 per compiled call
    assert counts and max(int(c) for c in counts) == 4, counts
