"""What a Keras user tries first on a GAN, answered: keras-io's ``compile``, ``.h5`` files, ``export``.

Helpers of :class:`~kerasgan.core.adversarial.AdversarialModel`:

- keras-io's GAN examples call ``compile(d_optimizer, g_optimizer, loss_fn)``;
  kerasgan takes ``g_optimizer=`` / ``d_optimizer=`` by keyword only, and
  refuses positional optimizers (whose order would silently swap) and
  ``loss_fn=`` (the family defines its losses) with a message saying what to
  write instead;
- the legacy HDF5 format cannot hold a model of two networks and two
  optimizers: ``save("m.h5")`` says to use ``.keras`` or ``save_weights``;
- ``model.export(path)`` exports the generator, which is what ``call`` runs.
"""

from __future__ import annotations

import inspect
import os

#: Suffixes of Keras' legacy whole-model HDF5 format.
H5_SUFFIXES = (".h5", ".hdf5")


def refuse_positional_optimizers(model, args):
    """TypeError when ``compile`` got positional arguments (keras-io passes D's optimizer first)."""
    if not args:
        return
    name = type(model).__name__
    raise TypeError(
        f"{name}.compile() takes the optimizers by keyword: "
        f"compile(g_optimizer=..., d_optimizer=...); it got {len(args)} positional argument(s) "
        "(keras-io's GAN examples pass (d_optimizer, g_optimizer, loss_fn), the reverse order)."
    )


def _takes_loss(cls):
    """True when the family's constructor (or a base's it forwards to) has a ``loss`` argument."""
    return any(
        "loss" in inspect.signature(klass.__dict__["__init__"]).parameters
        for klass in cls.__mro__
        if "__init__" in klass.__dict__ and klass is not object
    )


def refuse_loss_fn(model, kwargs):
    """TypeError for keras-io's ``loss_fn=`` (and Keras' ``loss``/``metrics``/``optimizer``)."""
    name = type(model).__name__
    if "loss_fn" in kwargs or "loss" in kwargs:
        given = "loss_fn" if "loss_fn" in kwargs else "loss"
        current = getattr(model, "loss_name", None)
        if _takes_loss(type(model)):
            from kerasgan.core import losses

            choice = (
                f"choose another when building it: {name}(..., loss=NAME) or "
                f"{name}.build_for_data(spec, loss=NAME), NAME one of "
                f"{', '.join(sorted(losses.LOSSES))}"
            )
        else:
            choice = "it offers no other"
        what = f" ({current})" if current else ""
        raise TypeError(
            f"{name}.compile() takes no {given!r}: the family defines its loss{what}; {choice}."
        )
    for forbidden in ("optimizer", "metrics"):
        if forbidden in kwargs:
            raise TypeError(
                f"{name}.compile() takes g_optimizer/d_optimizer (by keyword), not "
                f"{forbidden!r}; the losses and their logged terms are the family's."
            )


def refuse_h5(model, filepath):
    """ValueError for a legacy ``.h5`` / ``.hdf5`` whole-model path."""
    path = os.fspath(filepath) if isinstance(filepath, (str, os.PathLike)) else ""
    if str(path).lower().endswith(H5_SUFFIXES):
        stem = os.path.splitext(os.path.basename(str(path)))[0] or "model"
        raise ValueError(
            f"{type(model).__name__} cannot be saved in the legacy HDF5 format ({path!r}): it holds "
            f"two networks and two optimizers. Save the model with model.save('{stem}.keras'), or "
            f"the weights only with model.save_weights('{stem}.weights.h5')."
        )


def export_generator(model, filepath, format="tf_saved_model", **kwargs):
    """Exports the network ``model.call`` runs (the first serving generator) with Keras' export."""
    network = model.serving_generators()[0][1]
    return network.export(filepath, format=format, **kwargs)


def _metrics_list_class():
    try:
        from keras.src.trainers.compile_utils import MetricsList
    except ImportError:  # a Keras without it: the trackers still work, only mode="auto" cannot see them
        import keras

        return keras.metrics.Metric
    return MetricsList


class LossTrackers(_metrics_list_class()):
    """The model's loss trackers as one metric container, the way Keras lists compiled metrics.

    Keras' ``ModelCheckpoint`` / ``EarlyStopping`` / ``ReduceLROnPlateau``
    infer ``mode="auto"`` from the ``_direction`` of the metrics they find in
    such a container (Keras 3's ``MonitorCallback``), so monitoring
    ``"g_loss"`` needs no ``mode``. ``result()`` returns ``{name: value}``.

    Args:
        trackers: the ``keras.metrics.Mean`` trackers, each with a
            ``_direction`` (``"down"`` for losses).
    """

    def __init__(self, trackers, name="losses"):
        super().__init__(list(trackers), name=name)

    def update_state(self, *args, **kwargs):
        """Not used: the train step updates each tracker itself."""
        raise NotImplementedError("update the individual trackers (model.trackers[name]).")

    def reset_state(self):
        """Resets every tracker."""
        for tracker in self.metrics:
            tracker.reset_state()

    def result(self):
        """``{name: running mean}`` of every tracker."""
        return {tracker.name: tracker.result() for tracker in self.metrics}


class KerasFiles:
    """``save`` and ``export`` of every family (a mixin placed before ``keras.Model``)."""

    def save(self, filepath, *args, **kwargs):
        """``keras.Model.save`` to a ``.keras`` file; the legacy ``.h5`` format is refused.

        Raises:
            ValueError: a ``.h5`` / ``.hdf5`` path, naming ``.keras`` and
                ``save_weights("NAME.weights.h5")``.
        """
        refuse_h5(self, filepath)
        return super().save(filepath, *args, **kwargs)

    def export(self, filepath, format="tf_saved_model", **kwargs):
        """Exports the generator (what ``call`` runs) with Keras' ``export``.

        The artifact's ``serve`` maps latents (and conditions) to raw
        generator outputs, in [-1, 1] for images, like ``model(z)``. For a
        TF Serving model with ``generate(seed)`` signatures and images in
        [0, 1], use ``kerasgan export savedmodel MODEL.keras --base BASE
        --name NAME`` or :func:`kerasgan.export.export_savedmodel`.

        Args:
            filepath: the artifact's path.
            format: Keras' export format (``"tf_saved_model"``, ``"onnx"`` ...).
            **kwargs: ``keras.Model.export``'s other arguments.
        """
        return export_generator(self, filepath, format=format, **kwargs)
