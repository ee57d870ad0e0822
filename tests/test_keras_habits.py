"""What a Keras user tries first on a GAN: keras-io's compile, .h5 files, export, monitored
callbacks, the documented output range; and one set of defaults for Python and the CLI."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf

import kerasgan
from kerasgan import data, families
from kerasgan.errors import ConfigError
from kerasgan.testing import tiny_dataset
from kerasgan.training import TrainConfig, build_model


def tiny(family="gan", **kwargs):
    return families.get(family).build_tiny(**kwargs)[0]


# ------------------------------------------------------------------ compile


def test_positional_optimizers_are_refused_with_the_keyword_form():
    model = tiny()
    d_optimizer, g_optimizer = keras.optimizers.Adam(1e-3), keras.optimizers.Adam(2e-3)
    with pytest.raises(TypeError, match=r"by keyword: compile\(g_optimizer=\.\.\., d_optimizer"):
        model.compile(d_optimizer, g_optimizer)  # keras-io's order
    assert model.g_optimizer is None  # nothing half-configured


def test_keras_io_loss_fn_says_the_family_defines_its_loss():
    model = tiny()
    message = r"takes no 'loss_fn'.*defines its loss \(non_saturating\).*loss=NAME"
    with pytest.raises(TypeError, match=message):
        model.compile(g_optimizer="adam", d_optimizer="adam",
                      loss_fn=keras.losses.BinaryCrossentropy(from_logits=True))


def test_keyword_optimizers_land_on_their_side():
    model = tiny()
    model.compile(g_optimizer=keras.optimizers.SGD(0.25), d_optimizer=keras.optimizers.SGD(0.5))
    assert float(model.g_optimizer.learning_rate) == 0.25
    assert float(model.d_optimizer.learning_rate) == 0.5


def test_eager_compile_turns_xla_off_without_a_keras_warning():
    import warnings

    model = tiny()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.compile(run_eagerly=True)
    assert model.jit_compile is False and model.run_eagerly is True


# ------------------------------------------------------------------ files


def test_h5_saving_names_keras_and_save_weights(tmp_path):
    model = tiny()
    model.compile()
    path = tmp_path / "m.h5"
    with pytest.raises(ValueError, match=r"model\.save\('m\.keras'\).*save_weights\('m\.weights\.h5'\)"):
        model.save(str(path))
    assert not path.exists()
    model.save_weights(str(tmp_path / "m.weights.h5"))  # the advice works
    model.save(str(tmp_path / "m.keras"))
    assert (tmp_path / "m.weights.h5").is_file() and (tmp_path / "m.keras").is_file()


def test_keras_export_serves_the_generator(tmp_path):
    model = tiny()
    path = str(tmp_path / "exported")
    model.export(path, verbose=0)
    z = np.random.default_rng(0).normal(size=(3, model.latent_dim)).astype("float32")
    artifact = tf.saved_model.load(path)  # kept: the function needs its variables alive
    served = artifact.serve(tf.constant(z)).numpy()
    np.testing.assert_allclose(served, keras.ops.convert_to_numpy(model(z)), atol=1e-5)


# ------------------------------------------------------------ monitoring


def test_checkpoint_and_early_stopping_infer_min_for_losses(tmp_path):
    model, spec = families.get("gan").build_tiny()
    model.compile(jit_compile=False)
    checkpoint = keras.callbacks.ModelCheckpoint(
        str(tmp_path / "best.keras"), monitor="g_loss", save_best_only=True
    )
    stopping = keras.callbacks.EarlyStopping(monitor="d_loss", patience=5)
    history = model.fit(tiny_dataset(spec), epochs=2, verbose=0, callbacks=[checkpoint, stopping])
    assert checkpoint.monitor_op is keras.ops.less and stopping.monitor_op is keras.ops.less
    assert checkpoint.best == min(history.history["g_loss"])
    assert (tmp_path / "best.keras").is_file()


def test_trackers_declare_their_direction():
    model = tiny("wgan_gp")
    assert {t.name: t._direction for t in model.trackers.values()} == dict.fromkeys(
        model.metric_names, "down"
    )


# ------------------------------------------------------------ output range


def test_generate_and_the_export_signatures_document_their_ranges():
    from kerasgan.export import signatures

    assert "[-1, 1]" in kerasgan.GAN.generate.__doc__ and "[0, 1]" in kerasgan.GAN.generate.__doc__
    assert "[0, 1]" in signatures.__doc__ and "[-1, 1]" in signatures.__doc__
    assert "[0, 1]" in signatures.core_endpoint.__doc__


# ------------------------------------------------------- one set of defaults


def _settings(model):
    """What a model trains with: its config without the nets, its optimizers, its recipe."""
    config = {k: v for k, v in model.get_config().items()
              if k not in model.network_keys() and k != "name"}
    optimizers = [{k: v for k, v in keras.optimizers.serialize(o)["config"].items() if k != "name"}
                  | {"class": type(o).__name__}
                  for o in (model.g_optimizer, model.d_optimizer)]
    params = [getattr(model, key).count_params() for key in model.network_keys()]
    return config, optimizers, params


#: Shipped data sets, one of each kind (digits-domains: images labelled with their domain).
_CANDIDATES = ("ring8", "digits", "digits-domains", "digits-edges", "digits-rotated", "digits-adapt-inverse")


def _cases():
    """Each family on the first shipped data set of each kind it trains on."""
    cases = []
    for name in families.names():
        cls, kinds = families.get(name), set()
        for dataset in _CANDIDATES:
            spec = data.spec(dataset)
            try:
                cls.check_data(spec)
            except ConfigError:
                continue
            if spec.kind not in kinds:
                kinds.add(spec.kind)
                cases.append((name, dataset))
    return cases


@pytest.mark.parametrize("family,dataset", _cases())
def test_build_for_data_and_compile_train_with_the_cli_recipe(family, dataset):
    spec = data.spec(dataset)
    resolved = TrainConfig(family=family, data=dataset).resolved(spec)
    cli = build_model(resolved, spec)  # what `kerasgan train --family F --data D` builds

    model = families.get(family).build_for_data(spec, seed=0)
    model.compile()

    assert _settings(model) == _settings(cli)
    assert model.training_recipe == {k: getattr(resolved, k) for k in model.training_recipe}


def test_explicit_arguments_override_the_recipe():
    spec = data.spec("ring8")
    model = kerasgan.WGANGP.build_for_data(spec, latent_dim=3, gp_weight=7.0, seed=0)
    assert (model.latent_dim, model.gp_weight) == (3, 7.0)
    model.compile(g_optimizer=keras.optimizers.Adam(5e-4))
    assert float(model.g_optimizer.learning_rate) == pytest.approx(5e-4)
    assert float(model.d_optimizer.learning_rate) == pytest.approx(model.training_recipe["d_lr"])
    paper = kerasgan.WGANGP.build_for_data(spec, recipe=False, seed=0)
    paper.compile()
    assert (paper.latent_dim, paper.gp_weight, paper.training_recipe) == (2, 10.0, None)
    assert float(paper.g_optimizer.learning_rate) == pytest.approx(1e-4)
    assert not paper.g_optimizer.use_ema


@pytest.mark.slow
def test_python_and_cli_runs_end_with_the_same_weights(tmp_path):
    # About 30 s: two short runs and their compilation. The Python side is the README's
    # order: data first (its shuffling seeds are fixed when it is built, as in the CLI),
    # then the weights' seed; Keras' default steps_per_execution (the CLI runs 32).
    from kerasgan.core import backend
    from kerasgan.training import run_training

    config = TrainConfig(family="gan", data="ring8", epochs=2, epoch_size=2560, sample_every=0)
    with pytest.warns(UserWarning, match="ema_momentum"):
        cli = run_training(config, tmp_path / "run", verbose=0).model

    backend.clear_global_seed()  # a fresh process's state: earlier tests seeded TensorFlow
    dataset = data.load("ring8", batch_size=256, epoch_size=2560)
    keras.utils.set_random_seed(0)  # what `kerasgan train --seed 0` does before building
    model = kerasgan.GAN.build_for_data(data.spec("ring8"), seed=0)
    model.compile()
    model.fit(dataset, epochs=2, verbose=0)
    for ours, theirs in zip(model.get_weights(), cli.get_weights()):
        np.testing.assert_array_equal(ours, theirs)
    assert os.path.isfile(tmp_path / "run" / "model.keras")
