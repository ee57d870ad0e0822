"""A complete training run: data, model, checkpoints, resume, samples.

This is the logic behind ``kerasgan train``; the CLI only parses flags into a
:class:`~kerasgan.training.TrainConfig` and calls :func:`run_training`. A run
folder looks like::

    OUT/
      config.yaml             the resolved config (re-runnable with --config)
      model.keras             final model (generator, discriminator, optimizers)
      samples.png             final samples, drawn the way the family says
                              (a scatter of 2-D points, a grid with a row per class,
                              [input | output] groups of a fixed data batch ...)
      metrics.json            2-D data only: mode coverage of 2500 samples
      checkpoints/last.keras  model after the last finished epoch
      checkpoints/state.json  {"epoch": N, "config": {...}, "history": {...}}
      samples/epoch_001.png   samples from a fixed seed (or batch) after every epoch
      logs/                   TensorBoard: train/ scalars per epoch and per logged step
                              (batch_*, every steps_per_execution steps), samples/ the
                              sample picture of every sampled epoch (Images tab)

Every file is written atomically (temporary file in the same folder, then
``os.replace``), so an interrupted run never leaves a truncated checkpoint.

Example:
    >>> from kerasgan.training import TrainConfig, run_training
    >>> config = TrainConfig(family="wgan_gp", data="ring8", epochs=5)
    >>> result = run_training(config, "runs/ring8")
    >>> result.metrics["num_modes"]
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import shutil
import warnings
from typing import Any, Dict, Optional

import keras

from kerasgan.core import backend
from kerasgan.errors import ResumeError, TrainingDivergedError
from kerasgan.training.build import STEPS_PER_EXECUTION, build_model
from kerasgan.training.callbacks import CheckpointCallback, SampleCallback, TensorBoardSamples
from kerasgan.training.progress import ProgressBar
from kerasgan.training.config import RESUMABLE_KEYS, TrainConfig
from kerasgan.training.files import (
    checkpoint_paths,
    load_model_file,
    read_state,
    save_model_atomic,
    write_json,
    write_yaml,
)
from kerasgan.training.pictures import SAMPLE_SEED_OFFSET, preview_batch, save_run_samples
from kerasgan.training.recipes import check_compatible, needs_labels

__all__ = ["TrainResult", "run_training"]


@dataclasses.dataclass
class TrainResult:
    """What :func:`run_training` returns.

    Attributes:
        model: the trained model.
        history: the ``keras.callbacks.History`` of this call's ``fit``
            (only the epochs run now when resuming).
        config: the resolved config.
        out_dir: the run folder.
        paths: named output paths (``model``, ``samples``, ``config``,
            ``checkpoint``, ``state``, ``logs``, ``samples_dir``, ``metrics``).
        metrics: mode coverage dict for 2-D data, else ``None``.
        initial_epoch: epochs already done before this call (0 unless resumed).
    """

    model: Any
    history: Any
    config: TrainConfig
    out_dir: str
    paths: Dict[str, str]
    metrics: Optional[Dict[str, Any]]
    initial_epoch: int = 0


def _tensorboard_installed():
    """TensorFlow 2.21 no longer pulls in TensorBoard; its summaries need it."""
    return importlib.util.find_spec("tensorboard") is not None


def _differing_keys(saved, current):
    keys = [k for k in TrainConfig.keys() if k not in RESUMABLE_KEYS]
    return [k for k in keys if saved.get(k) != current.get(k)]


def _prepare_resume(out_dir, config):
    model_path, state_path = checkpoint_paths(out_dir)
    state = read_state(out_dir)
    if state is None or not os.path.isfile(model_path):
        raise ResumeError(
            f"cannot resume: no checkpoint in {os.path.dirname(model_path)!r} "
            "(expected last.keras and state.json); train without --resume first."
        )
    saved = TrainConfig.from_dict(state["config"], source=state_path).to_dict()
    differing = _differing_keys(saved, config.to_dict())
    if differing:
        details = ", ".join(
            f"{k} (checkpoint: {saved.get(k)!r}, now: {getattr(config, k)!r})" for k in differing
        )
        raise ResumeError(
            f"cannot resume {os.fspath(out_dir)!r} with a different config: {details}. "
            f"Only {', '.join(RESUMABLE_KEYS)} may change when resuming."
        )
    return model_path, state


#: Iterators Keras' ``fit`` creates over a ``tf.data`` input per epoch (measured on
#: Keras 3.15; ``tests/test_resume.py`` fails if it changes).
FIT_ITERATORS_PER_EPOCH = 2


def _set_learning_rates(model, config):
    """Applies the config's learning rates to a resumed model's optimizers (``--g-lr`` on resume)."""
    for optimizer, rate in ((model.g_optimizer, config.g_lr), (model.d_optimizer, config.d_lr)):
        if rate is not None:
            getattr(optimizer, "inner_optimizer", optimizer).learning_rate = rate


def _learning_rate(optimizer):
    return float(getattr(optimizer, "inner_optimizer", optimizer).learning_rate)


def _diverged_message(model, out_dir):
    """What happened, what was kept and how to go on, in one paragraph."""
    stop = model.non_finite_loss
    state = read_state(out_dir)
    g_lr, d_lr = _learning_rate(model.g_optimizer), _learning_rate(model.d_optimizer)
    what = (f"training stopped: {stop['name']} became {stop['value']} in epoch {stop['epoch']}, "
            "so model.keras was not written")
    lower = f"--g-lr {g_lr / 10:.3g} --d-lr {d_lr / 10:.3g}"
    if state is None:
        return (f"{what} and no epoch finished with finite losses. Start again with lower "
                f"learning rates, e.g. {lower}.")
    checkpoint = checkpoint_paths(out_dir)[0]
    return (f"{what}; the last finite checkpoint ({checkpoint}, epoch {state['epoch']}) is kept. "
            f"Resume it with lower learning rates: kerasgan train --out {out_dir} --resume {lower}")


def _replay_data_order(dataset, epochs):
    """Moves a fresh pipeline to the data order of epoch ``epochs + 1``.

    The pipeline reshuffles (and redraws 2-D points) on every new iteration
    from a seeded generator that advances when an iterator is created.
    Creating, without reading, as many iterators as ``fit`` created in the
    epochs already done puts a resumed run on the order the uninterrupted run
    would see next, so resuming is exact.
    """
    for _ in range(int(epochs) * FIT_ITERATORS_PER_EPOCH):
        iter(dataset)


def _warn_if_average_too_short(config, dataset):
    """Warns when the generator average would still weigh the untrained start.

    Keras' moving average starts from the initial weights without bias
    correction: after ``n`` generator steps they still weigh ``momentum ** n``.
    """
    if not config.ema_momentum:
        return
    steps_per_epoch = int(dataset.cardinality())
    if steps_per_epoch <= 0:  # unknown or infinite: nothing to say
        return
    steps = steps_per_epoch * config.epochs
    left = config.ema_momentum**steps
    if left > 0.01:
        warnings.warn(
            f"ema_momentum {config.ema_momentum} averages the generator over about "
            f"{round(1 / (1 - config.ema_momentum))} steps, but this run has {steps}: the "
            f"initial weights still count {left:.0%} in the final generator. Train longer "
            "or pass --ema-momentum 0 (or a smaller value).",
            stacklevel=4,
        )


def run_training(config, out_dir, resume=False, verbose=1, overwrite=False, callbacks=None):
    """Trains a GAN as described by ``config`` and writes a run folder.

    Sets the global dtype policy for the run (restored afterwards), builds the
    data pipeline and the model (or loads ``checkpoints/last.keras`` when
    resuming), and fits with checkpoint, sample, TensorBoard and progress-bar
    callbacks. See the module docstring for the folder layout. A fresh run
    calls ``keras.utils.set_random_seed(config.seed)`` (Python, numpy and
    TensorFlow global seeds) so that the initial weights are reproducible.

    Args:
        config: a :class:`TrainConfig` (or a dict for :meth:`TrainConfig.from_dict`).
        out_dir: the run folder (created if missing).
        resume: continue from ``checkpoints/last.keras`` at the saved epoch;
            the config must match the saved one except for
            :data:`RESUMABLE_KEYS` (``epochs`` is the new total).
        verbose: ``fit``'s verbosity (0 silent, 1 progress bar, 2 one line per epoch).
        overwrite: allow a fresh run in a folder that already has a checkpoint.
        callbacks: extra Keras callbacks.

    Returns:
        A :class:`TrainResult`.

    Raises:
        ConfigError: invalid config. ValueError: unknown family or data set.
        ResumeError: nothing to resume, a config that differs, or a fresh run
            over an existing checkpoint without ``overwrite``.
        TrainingDivergedError: a loss became NaN or infinite; the last finite
            checkpoint is kept (never overwritten) and the message says how to
            resume it. A run folder this call created is removed when it fails
            before its first checkpoint.
    """
    if isinstance(config, dict):
        config = TrainConfig.from_dict(config)
    out_dir = os.fspath(out_dir)
    family_cls = config.family_class()
    data_spec = config.data_spec()
    check_compatible(family_cls, data_spec)
    config = config.resolved(data_spec)

    model_path, state_path = checkpoint_paths(out_dir)
    state = None
    if resume:
        model_path, state = _prepare_resume(out_dir, config)
    elif read_state(out_dir) is not None and not overwrite:
        raise ResumeError(
            f"{out_dir!r} already holds a checkpoint; pass --resume to continue it, "
            "--overwrite to start again, or choose another output folder."
        )
    created = not os.path.exists(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    paths = {
        "model": os.path.join(out_dir, "model.keras"),
        "samples": os.path.join(out_dir, "samples.png"),
        "config": os.path.join(out_dir, "config.yaml"),
        "checkpoint": model_path,
        "state": state_path,
        "logs": os.path.join(out_dir, "logs"),
        "samples_dir": os.path.join(out_dir, "samples"),
    }

    previous_policy = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy(config.mixed_precision)
    try:
        return _train(config, data_spec, family_cls, out_dir, paths, state, verbose, callbacks)
    except BaseException:
        if created and read_state(out_dir) is None:
            shutil.rmtree(out_dir, ignore_errors=True)  # a failed run leaves no folder behind
        raise
    finally:
        keras.mixed_precision.set_global_policy(previous_policy)


def _train(config, data_spec, family_cls, out_dir, paths, state, verbose, callbacks):
    """The body of :func:`run_training` once the folder and the config are settled."""
    from kerasgan import data as data_module

    model_path = paths["checkpoint"]
    backend.clear_global_seed()  # the data order must not depend on what ran before
    dataset = data_module.load(
        config.data,
        batch_size=config.batch_size,
        image_size=config.image_size,
        channels=config.channels,
        data_dir=config.data_dir,
        shuffle=True,
        seed=config.seed,
        epoch_size=config.epoch_size,
        with_labels=needs_labels(family_cls),
    )
    preview = preview_batch(config, data_spec)
    if state is not None:
        model = load_model_file(model_path, error=ResumeError, compile=True)
        initial_epoch = int(state["epoch"])
        if config.jit_compile is not None and model.jit_compile != config.jit_compile:
            model.jit_compile = config.jit_compile
            if getattr(model, "_gan_compile_config", None):
                model._gan_compile_config["jit_compile"] = config.jit_compile
        _set_learning_rates(model, config)
    else:
        model = build_model(config, data_spec, steps_per_execution=STEPS_PER_EXECUTION)
        initial_epoch = 0
    write_yaml(config.to_dict(), paths["config"])

    sample_seed = config.seed + SAMPLE_SEED_OFFSET
    all_callbacks = [
        CheckpointCallback(out_dir, config, history=(state or {}).get("history")),
        SampleCallback(
            out_dir, data_spec, sample_seed, every=config.sample_every, preview=preview
        ),
    ]
    if _tensorboard_installed():
        if config.sample_every:
            all_callbacks.append(TensorBoardSamples(
                paths["logs"], sample_seed, every=config.sample_every, data=config.data, preview=preview
            ))
        all_callbacks.append(
            keras.callbacks.TensorBoard(log_dir=paths["logs"], write_graph=False, update_freq=1)
        )
    else:
        del paths["logs"]
        warnings.warn(
            "TensorBoard is not installed: no logs/ are written (pip install tensorboard).",
            stacklevel=3,
        )
    all_callbacks += list(callbacks or [])
    if not any(isinstance(c, keras.callbacks.ProgbarLogger) for c in all_callbacks):
        all_callbacks.append(ProgressBar())  # Keras' own bar counts past the epoch's end
    _warn_if_average_too_short(config, dataset)
    _replay_data_order(dataset, initial_epoch)
    if verbose and initial_epoch >= config.epochs:
        print(f"Nothing to train: {initial_epoch} of {config.epochs} epochs already done.")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="training stopped in epoch")  # raised below
        history = model.fit(
            dataset,
            epochs=config.epochs,
            initial_epoch=initial_epoch,
            callbacks=all_callbacks,
            shuffle=False,
            verbose=verbose,
        )
    if getattr(model, "non_finite_loss", None):
        raise TrainingDivergedError(_diverged_message(model, out_dir))

    save_model_atomic(model, paths["model"])
    samples = save_run_samples(
        model,
        paths["samples"],
        data_spec,
        sample_seed,
        preview=preview,
        title=f"{data_spec.name}  final",
    )
    metrics = None
    if data_spec.kind == "points" and data_spec.shape == (2,):
        from kerasgan import metrics as metrics_module

        metrics = metrics_module.mode_coverage_for(config.data, samples)
        paths["metrics"] = os.path.join(out_dir, "metrics.json")
        write_json(metrics, paths["metrics"])
    return TrainResult(
        model=model,
        history=history,
        config=config,
        out_dir=out_dir,
        paths=paths,
        metrics=metrics,
        initial_epoch=initial_epoch,
    )

