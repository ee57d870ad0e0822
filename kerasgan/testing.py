"""The one test harness every family passes: :func:`run_family_test`.

Modelled on KerasHub's ``run_backbone_test``: given only a family class, it
builds the family's tiny model (:meth:`FamilyContract.build_tiny`), makes
random data of the batch structure the family trains on, and checks what
every kerasgan family must do. A family written outside the package runs it
in its own tests::

    from kerasgan.testing import run_family_test

    def test_my_family():
        run_family_test(MyFamily)

Checks (names for ``checks=``):

- ``own_side``: a discriminator update changes only the discriminator side's
  trainable weights, a generator update only the generator side's;
- ``fit``: ``fit`` runs the schedule (``d_steps`` critic updates per
  generator update) and logs the family's ``metric_names``, all finite;
- ``save_load``: ``model.save`` / ``keras.models.load_model`` keep the class,
  config, weights, optimizer steps and the samples of a seed;
- ``resume``: training one epoch, saving, loading and training another gives
  the weights of two uninterrupted epochs;
- ``float16`` / ``bfloat16``: the family trains under ``mixed_float16`` (both
  optimizers loss-scaled) and ``mixed_bfloat16``, with finite losses;
- ``graph`` / ``xla``: the train step runs as a ``tf.function`` without and
  with XLA and trains (the other checks run eagerly, which keeps the harness
  fast: tracing tiny networks costs more than training them for a few steps);
- ``mirrored``: the family trains under a two-replica ``MirroredStrategy``
  (two logical CPU devices, configured before TensorFlow starts), with
  finite global losses and mirrored variables;
- ``savedmodel``: the generator exports to a TF Serving SavedModel whose
  signatures reproduce the Keras generator (export validates them);
- ``onnx``: the generator converts to ONNX with onnxruntime parity;
- ``preset``: ``save_to_preset`` / ``from_preset`` round-trip the family's
  default networks built for a data set that ships with kerasgan.
"""

from __future__ import annotations

import contextlib
import os
import tempfile

import keras
import numpy as np

__all__ = ["CHECKS", "run_family_test", "tiny_dataset"]

CHECKS = (
    "own_side",
    "fit",
    "save_load",
    "resume",
    "float16",
    "bfloat16",
    "graph",
    "xla",
    "mirrored",
    "savedmodel",
    "onnx",
    "preset",
)
#: Data sets that ship with kerasgan, by data kind (for the preset check).
SHIPPED_DATA = {"points": "ring8", "image": "digits", "paired": "digits-edges",
                "unpaired": "digits-rotated", "adapt": "digits-adapt-inverse"}
_EXAMPLES = 16
_BATCH = 8


def tiny_dataset(spec, n=_EXAMPLES, batch_size=_BATCH, seed=0):
    """A fixed, unshuffled data set of random examples in the structure of ``spec``.

    Points are standard normal; images uniform in [-1, 1]; labelled specs
    give ``(x, label)``, paired ``(source, target)``, unpaired ``(a, b)`` and
    adaptation sets ``((source, label), target)``.
    """
    import tensorflow as tf

    rng = np.random.default_rng(seed)

    def examples(shape):
        if len(shape) == 1:
            return rng.normal(size=(n, *shape)).astype("float32")
        return rng.uniform(-1, 1, size=(n, *shape)).astype("float32")

    x = examples(tuple(spec.shape))
    if spec.kind in ("paired", "unpaired"):
        elements = (x, examples(tuple(spec.target_shape)))
    elif spec.kind == "adapt":
        labels = (np.arange(n) % spec.num_classes).astype("int32")
        elements = ((x, labels), examples(tuple(spec.target_shape)))
    elif spec.num_classes:
        elements = (x, (np.arange(n) % spec.num_classes).astype("int32"))
    else:
        elements = x
    return tf.data.Dataset.from_tensor_slices(elements).batch(batch_size, drop_remainder=True)


def _fail(family_cls, check, message):
    raise AssertionError(f"{family_cls.__name__} [{check}]: {message}")


def _snapshot(variables):
    return [keras.ops.convert_to_numpy(v).copy() for v in variables]


def _max_change(before, variables):
    return max(
        (float(np.max(np.abs(b - keras.ops.convert_to_numpy(v)))) for b, v in zip(before, variables)),
        default=0.0,
    )


def _tiny(family_cls, tiny_kwargs, jit_compile=False, run_eagerly=True):
    model, spec = family_cls.build_tiny(**tiny_kwargs)
    model.compile(jit_compile=jit_compile, run_eagerly=run_eagerly)
    return model, spec


def _finite_history(family_cls, check, history):
    for key, values in history.history.items():
        if not np.all(np.isfinite(values)):
            _fail(family_cls, check, f"logged {key} is not finite: {values}")


def _plain(config):
    """A config as JSON would store it (tuples become lists), for comparisons."""
    import json

    return json.loads(json.dumps(config, default=str))


def _default_conditions(model):
    """The first value of each sampling condition (``domains=0``, ``direction="ab"``)."""
    return {k: (0 if isinstance(v, int) else v[0]) for k, v in model.conditions().items()}


def _samples(model, spec):
    """Deterministic outputs of a model for round-trip comparisons."""
    conditions = _default_conditions(model)
    if model.sampling in ("translation", "classification"):
        element = next(iter(tiny_dataset(spec, n=4, batch_size=4, seed=3)))
        if model.sampling == "classification":  # the target images of ((source, label), target)
            return model.classify(np.asarray(element[-1]), probabilities=True)
        x = np.asarray(element[0] if isinstance(element, tuple) else element)
        return model.translate(x, **conditions)
    return model.generate(4, seed=1, **{k: [v] * 4 for k, v in conditions.items()})


# ------------------------------------------------------------------ checks


def _check_own_side(family_cls, tiny_kwargs, tmp):
    model, spec = _tiny(family_cls, tiny_kwargs)
    batch = model.unpack_batch(next(iter(tiny_dataset(spec))))
    g_vars, d_vars = model.generator_variables(), model.discriminator_variables()
    if not g_vars or not d_vars:
        _fail(family_cls, "own_side", "a side has no trainable variables.")
    g_before, d_before = _snapshot(g_vars), _snapshot(d_vars)
    model.apply_update(model.d_optimizer, d_vars, lambda: model.discriminator_terms(batch, 0), "d_loss")
    if _max_change(g_before, g_vars) != 0.0:
        _fail(family_cls, "own_side", "a discriminator update changed generator weights.")
    if not _max_change(d_before, d_vars) > 0.0:
        _fail(family_cls, "own_side", "a discriminator update left the discriminator unchanged.")
    g_before, d_before = _snapshot(g_vars), _snapshot(d_vars)
    model.apply_update(model.g_optimizer, g_vars, lambda: model.generator_terms(batch), "g_loss")
    if _max_change(d_before, d_vars) != 0.0:
        _fail(family_cls, "own_side", "a generator update changed discriminator weights.")
    if not _max_change(g_before, g_vars) > 0.0:
        _fail(family_cls, "own_side", "a generator update left the generator unchanged.")


def _one_step(spec):
    # An epoch of one batch: the schedule, the save and the resume of a step
    # show in one step as well as in many, and the harness runs many of them.
    return tiny_dataset(spec, n=_BATCH)


def _check_fit(family_cls, tiny_kwargs, tmp):
    model, spec = _tiny(family_cls, tiny_kwargs)
    history = model.fit(_one_step(spec), epochs=2, verbose=0)
    steps = 2
    if int(model.g_optimizer.iterations) != steps:
        _fail(family_cls, "fit", f"{int(model.g_optimizer.iterations)} generator steps, expected {steps}.")
    if int(model.d_optimizer.iterations) != steps * model.d_steps:
        _fail(family_cls, "fit", f"{int(model.d_optimizer.iterations)} critic steps, expected "
                                 f"{steps * model.d_steps} (d_steps {model.d_steps}).")
    if set(history.history) != set(family_cls.metric_names):
        _fail(family_cls, "fit", f"logged {sorted(history.history)}, declared {sorted(family_cls.metric_names)}.")
    _finite_history(family_cls, "fit", history)


def _check_save_load(family_cls, tiny_kwargs, tmp):
    model, spec = _tiny(family_cls, tiny_kwargs)
    model.fit(_one_step(spec), epochs=1, verbose=0)
    path = os.path.join(tmp, "model.keras")
    model.save(path)
    loaded = keras.models.load_model(path)
    if type(loaded) is not type(model):
        _fail(family_cls, "save_load", f"loaded a {type(loaded).__name__}.")
    if _plain(loaded.get_config()) != _plain(model.get_config()):
        _fail(family_cls, "save_load", "the loaded config differs.")
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b, err_msg=f"{family_cls.__name__} [save_load]: weights")
    if int(loaded.g_optimizer.iterations) != int(model.g_optimizer.iterations):
        _fail(family_cls, "save_load", "the optimizer step was not restored.")
    np.testing.assert_array_equal(_samples(loaded, spec), _samples(model, spec),
                                  err_msg=f"{family_cls.__name__} [save_load]: samples")
    clone = type(model).from_config(model.get_config())
    if _plain(clone.get_config()) != _plain(model.get_config()):
        _fail(family_cls, "save_load", "from_config(get_config()) changes the config.")


def _check_resume(family_cls, tiny_kwargs, tmp):
    straight, spec = _tiny(family_cls, tiny_kwargs)
    straight.fit(_one_step(spec), epochs=2, verbose=0)
    first, _ = _tiny(family_cls, tiny_kwargs)
    first.fit(_one_step(spec), epochs=1, verbose=0)
    path = os.path.join(tmp, "checkpoint.keras")
    first.save(path)
    resumed = keras.models.load_model(path)
    resumed.fit(_one_step(spec), epochs=1, verbose=0)
    for a, b in zip(resumed.get_weights(), straight.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6,
                                   err_msg=f"{family_cls.__name__} [resume]: weights")


def _check_precision(policy_name):
    def check(family_cls, tiny_kwargs, tmp):
        previous = keras.mixed_precision.global_policy()
        keras.mixed_precision.set_global_policy(policy_name)
        try:
            model, spec = _tiny(family_cls, tiny_kwargs)
            scaled = policy_name == "mixed_float16"
            for name in ("g_optimizer", "d_optimizer"):
                wrapped = isinstance(getattr(model, name), keras.optimizers.LossScaleOptimizer)
                if wrapped != scaled:
                    _fail(family_cls, policy_name, f"{name} loss scaling is {wrapped}, expected {scaled}.")
            before = _snapshot(model.generator_variables())
            history = model.fit(tiny_dataset(spec), epochs=1, verbose=0)
            _finite_history(family_cls, policy_name, history)
            # A loss-scaled step whose gradients overflow is skipped and halves the scale.
            skipped = scaled and float(model.g_optimizer.dynamic_scale) < model.g_optimizer.initial_scale
            if not (_max_change(before, model.generator_variables()) > 0.0 or skipped):
                _fail(family_cls, policy_name, "the generator did not train.")
        finally:
            keras.mixed_precision.set_global_policy(previous)

    return check


def _check_compiled(check, jit_compile):
    def check_fn(family_cls, tiny_kwargs, tmp):
        model, spec = _tiny(family_cls, tiny_kwargs, jit_compile=jit_compile, run_eagerly=False)
        if model.jit_compile is not jit_compile:
            _fail(family_cls, check, f"jit_compile={jit_compile} was not kept.")
        before = _snapshot(model.generator_variables())
        history = model.fit(tiny_dataset(spec), epochs=1, verbose=0)
        _finite_history(family_cls, check, history)
        if not _max_change(before, model.generator_variables()) > 0.0:
            _fail(family_cls, check, "the generator did not train.")

    return check_fn


_STRATEGY = []


def two_replica_strategy():
    """One ``MirroredStrategy`` over two logical CPU devices, shared by the process.

    Several strategies in one process can share collective keys and abort each
    other's all-reduce, so it is made once.

    Raises:
        RuntimeError: fewer than two logical CPU devices (configure them
            before TensorFlow starts, e.g. in a pytest ``conftest.py``).
    """
    import tensorflow as tf

    devices = tf.config.list_logical_devices("CPU")
    if len(devices) < 2:
        raise RuntimeError(
            "the mirrored check needs two logical CPU devices; configure them before TensorFlow "
            "initialises: tf.config.set_logical_device_configuration(cpu, "
            "[tf.config.LogicalDeviceConfiguration()] * 2)."
        )
    if not _STRATEGY:
        _STRATEGY.append(tf.distribute.MirroredStrategy([d.name for d in devices[:2]]))
    return _STRATEGY[0]


def _check_mirrored(family_cls, tiny_kwargs, tmp):
    strategy = two_replica_strategy()
    with strategy.scope():
        model, spec = family_cls.build_tiny(**tiny_kwargs)
        model.compile()
    if model.jit_compile:
        _fail(family_cls, "mirrored", "XLA was left on under a multi-replica strategy.")
    copies = getattr(model.generator_variables()[0].value, "values", ())
    if len(copies) != 2:
        _fail(family_cls, "mirrored", "the generator's variables are not mirrored on two devices.")
    before = _snapshot(model.generator_variables())
    history = model.fit(tiny_dataset(spec), epochs=1, verbose=0)
    _finite_history(family_cls, "mirrored", history)
    if not _max_change(before, model.generator_variables()) > 0.0:
        _fail(family_cls, "mirrored", "the generator did not train.")


def _check_savedmodel(family_cls, tiny_kwargs, tmp):
    from kerasgan.export import describe_savedmodel, export_savedmodel

    model, _ = family_cls.build_tiny(**tiny_kwargs)
    result = export_savedmodel(model, os.path.join(tmp, "serving"), "tiny", warmup=False, batching=False)
    signatures = describe_savedmodel(result.path)
    if "serving_default" not in signatures:
        _fail(family_cls, "savedmodel", f"no serving_default signature: {sorted(signatures)}.")
    wanted = {"translation": "translate_bytes", "classification": "classify"}.get(model.sampling, "generate")
    if wanted not in signatures:
        _fail(family_cls, "savedmodel", f"no {wanted} signature: {sorted(signatures)}.")


def _check_onnx(family_cls, tiny_kwargs, tmp):
    from kerasgan.export import export_onnx

    model, _ = family_cls.build_tiny(**tiny_kwargs)
    path = os.path.join(tmp, "tiny.onnx")
    export_onnx(model, path)
    if not os.path.isfile(path):
        _fail(family_cls, "onnx", "no ONNX file written.")


def _check_preset(family_cls, tiny_kwargs, tmp):
    from kerasgan import data, families

    kinds = [kind for kind in SHIPPED_DATA if kind in family_cls.data_kinds]
    if not kinds:
        _fail(family_cls, "preset", f"no shipped data set for the kinds {family_cls.data_kinds}.")
    name = SHIPPED_DATA[kinds[0]]
    spec = data.spec(name)
    keras.utils.set_random_seed(3)
    model = family_cls.build_for_data(spec, seed=3)
    model.compile(jit_compile=False)
    folder = model.save_to_preset(os.path.join(tmp, "preset"), data=name)
    loaded = family_cls.from_preset(folder, compile=False)
    if families.name_of(loaded) != families.name_of(model) or type(loaded) is not type(model):
        _fail(family_cls, "preset", f"loaded a {type(loaded).__name__}.")
    np.testing.assert_array_equal(_samples(loaded, spec), _samples(model, spec),
                                  err_msg=f"{family_cls.__name__} [preset]: samples")


_CHECK_FUNCTIONS = {
    "own_side": _check_own_side,
    "fit": _check_fit,
    "save_load": _check_save_load,
    "resume": _check_resume,
    "float16": _check_precision("mixed_float16"),
    "bfloat16": _check_precision("mixed_bfloat16"),
    "graph": _check_compiled("graph", False),
    "xla": _check_compiled("xla", True),
    "mirrored": _check_mirrored,
    "savedmodel": _check_savedmodel,
    "onnx": _check_onnx,
    "preset": _check_preset,
}


def run_family_test(family_cls, checks=None, **tiny_kwargs):
    """Runs the shared family checks on a family class (see the module docstring).

    Works for any subclass of ``kerasgan.GAN`` (or of
    ``kerasgan.core.AdversarialModel`` that implements ``build_tiny``).

    Args:
        family_cls: the family class.
        checks: names from :data:`CHECKS` to run (default: all).
        **tiny_kwargs: passed to ``family_cls.build_tiny`` (family arguments
            such as ``gp_weight=5``).

    Returns:
        The list of checks that ran.

    Raises:
        AssertionError: naming the family, the check and what went wrong.
        ValueError: an unknown check name.

    Example:
        >>> run_family_test(kerasgan.WGANGP, checks=["own_side", "fit"])  # doctest: +SKIP
    """
    names = list(CHECKS if checks is None else checks)
    unknown = [name for name in names if name not in _CHECK_FUNCTIONS]
    if unknown:
        raise ValueError(f"unknown checks {unknown}; valid: {', '.join(CHECKS)}.")
    for name in names:
        with tempfile.TemporaryDirectory(prefix=f"kerasgan-{name}-") as tmp, _quiet():
            _CHECK_FUNCTIONS[name](family_cls, dict(tiny_kwargs), tmp)
    return names


@contextlib.contextmanager
def _quiet():
    """Keeps the global dtype policy as it was, whatever a check does."""
    previous = keras.mixed_precision.global_policy()
    try:
        yield
    finally:
        keras.mixed_precision.set_global_policy(previous)
