"""Remedies for mode collapse, as options of every family built on :class:`~kerasgan.core.gan.GAN`.

Four options, given to any family's constructor (or ``build_for_data``, or
``kerasgan train --family-arg``) and kept in its config:

- ``minibatch_discrimination=True`` (Salimans et al., 2016) and
  ``minibatch_stddev=True`` (Karras et al., 2018): a
  :class:`~kerasgan.layers.MinibatchDiscrimination` /
  :class:`~kerasgan.layers.MinibatchStddev` layer inserted before the
  discriminator's last (logit) layer, whatever network the family built;
- ``pack=m`` (Lin et al., 2018, PacGAN): the discriminator is built for ``m``
  samples concatenated along the last axis (channels of images, features of
  points) and a :class:`~kerasgan.layers.PackSamples` layer in front of it
  packs consecutive samples of every batch it judges, real and fake alike;
- ``unroll_steps=k`` (Metz et al., 2017): the generator's loss is computed
  against the discriminator advanced ``k`` steps on the current batch; the
  discriminator itself takes its normal update.

The first three change the discriminator network once, in
:func:`prepare_discriminator` (the one place every family's discriminator
passes through, its constructor), so every call of it (losses, penalties,
evaluation) sees the remedy and a saved model reloads it as is. The fourth
changes the generator update only, in :func:`generator_terms_fn`, which the
train step (:func:`kerasgan.core.step.alternating_step`) calls for every
family.

Unrolling is the paper's first-order variant: the generator is trained
against the look-ahead discriminator ``D_{theta_k}``, but the gradient does
not flow back through the ``k`` look-ahead updates (the paper's second-order
term). Every family computes its discriminator loss on fakes whose gradient
is stopped, so the look-ahead can be built from any family's own
``discriminator_terms`` (penalties, clipping and all) unchanged; the
second-order term would need each family to expose its loss without that
stop. The look-ahead steps move each weight tensor along its gradient
normalised to unit RMS, times the discriminator optimizer's learning rate: an
adaptive optimizer's step size (Adam and RMSprop move each weight by about
the learning rate), without needing that optimizer's private state.

Under a distribution strategy the batch statistics (the minibatch layers, the
packs) are those of each replica's batch, as batch norm's are, so each
replica's batch must divide by ``pack``; the look-ahead gradients are summed
over the replicas, so every replica advances the same look-ahead
discriminator, as one device would on the global batch.
"""

from __future__ import annotations

import keras
from keras import ops

from kerasgan.core import backend
from kerasgan.errors import ConfigError
from kerasgan.layers.minibatch import MinibatchDiscrimination, MinibatchStddev, PackSamples

#: The remedy options, in the order they are documented.
REMEDY_KEYS = ("minibatch_discrimination", "minibatch_stddev", "pack", "unroll_steps")
#: The remedies that change the discriminator network.
STRUCTURAL = ("minibatch_discrimination", "minibatch_stddev", "pack")
_LAYERS = {"minibatch_discrimination": MinibatchDiscrimination,
           "minibatch_stddev": MinibatchStddev, "pack": PackSamples}


def _flag(value, name):
    if isinstance(value, bool):
        return value
    raise ConfigError(f"{name} must be true or false, got {value!r}.")


def _count(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return value


class Remedies:
    """The validated remedy options of one model.

    Args:
        minibatch_discrimination: insert a ``MinibatchDiscrimination`` layer.
        minibatch_stddev: insert a ``MinibatchStddev`` layer.
        pack: samples per discriminator input (1: no packing).
        unroll_steps: look-ahead discriminator steps of the generator update (0: none).

    Raises:
        ConfigError: a value of the wrong type or range.
    """

    def __init__(self, minibatch_discrimination=False, minibatch_stddev=False, pack=1,
                 unroll_steps=0):
        self.minibatch_discrimination = _flag(minibatch_discrimination, "minibatch_discrimination")
        self.minibatch_stddev = _flag(minibatch_stddev, "minibatch_stddev")
        self.pack = _count(pack, "pack", 1)
        self.unroll_steps = _count(unroll_steps, "unroll_steps", 0)

    def active(self):
        """Names of the remedies that are on."""
        defaults = Remedies.__init__.__defaults__
        return [k for k, d in zip(REMEDY_KEYS, defaults) if getattr(self, k) != d]

    def config(self):
        """``{name: value}`` of the remedies that are on (the model's config keeps these)."""
        return {key: getattr(self, key) for key in self.active()}

    def check_applicable(self, family_cls):
        """Raises a ConfigError naming a remedy the family does not support.

        A family lists what it supports in ``applicable_remedies`` (every
        remedy for plain noise-to-sample families; families whose
        discriminator takes labels, latents, codes or returns an energy do
        not take the structural ones).
        """
        allowed = getattr(family_cls, "applicable_remedies", ())
        refused = [key for key in self.active() if key not in allowed]
        if refused:
            name = getattr(family_cls, "family_name", None) or family_cls.__name__
            raise ConfigError(
                f"{', '.join(refused)} does not apply to {name}: its discriminator does not judge "
                f"plain samples (it supports {', '.join(allowed) or 'no remedy'}); use a family "
                f"whose discriminator does (the unconditional noise-to-sample families)."
            )


def packed_width(width, remedies):
    """The discriminator's input width (features or channels) for ``width`` per sample."""
    return int(width) * remedies.pack


def _remedy_layers(network):
    found = {key: [] for key in STRUCTURAL}
    for layer in network._flatten_layers(include_self=False):
        for key, layer_cls in _LAYERS.items():
            if isinstance(layer, layer_cls):
                found[key].append(layer)
    return found


def _logit_layer(network):
    outputs = network.outputs if isinstance(network, keras.Model) else None
    if not outputs or len(outputs) != 1:
        raise ConfigError(
            f"minibatch remedies need a functional discriminator with one logit output; "
            f"{getattr(network, 'name', network)!r} has {len(outputs or [])} outputs."
        )
    layer = outputs[0]._keras_history[0]
    inner = getattr(layer, "layer", layer)  # SpectralNormalization wraps a Dense
    if not isinstance(inner, keras.layers.Dense):
        raise ConfigError(
            f"minibatch remedies are inserted before the discriminator's last Dense layer, but "
            f"{network.name!r} ends in {type(layer).__name__}; build the layer into your network "
            f"(kerasgan.layers.MinibatchDiscrimination / MinibatchStddev) instead."
        )
    return layer


def _insert_before_logit(network, remedies):
    logit = _logit_layer(network)
    h = logit.input
    if remedies.minibatch_discrimination:
        h = MinibatchDiscrimination(name="minibatch_discrimination")(h)
    if remedies.minibatch_stddev:
        h = MinibatchStddev(name="minibatch_stddev")(h)
    fresh = _fresh_copy(logit)  # a new logit layer for the wider input
    return keras.Model(network.inputs, fresh(h), name=network.name)


def _fresh_copy(layer):
    """An unbuilt layer with ``layer``'s settings (a wrapper gets a fresh copy of its layer)."""
    config = layer.get_config()
    inner = getattr(layer, "layer", None)
    if inner is None:
        return type(layer).from_config(config)
    config.pop("layer")
    return type(layer)(type(inner).from_config(inner.get_config()), **config)


def _shape(tensor_shape):
    return tuple(None if d is None else int(d) for d in tensor_shape[1:])


def prepare_discriminator(discriminator, generator, remedies):
    """The discriminator with the structural remedies in it (itself when none is on).

    A discriminator that already holds the remedy layers (one rebuilt from a
    saved config) is checked and returned as is.

    Args:
        discriminator: the family's discriminator, built for packed inputs when
            ``pack > 1`` (``m`` times the sample's last dimension).
        generator: the family's generator (its output shape is the sample shape).
        remedies: a :class:`Remedies`.

    Returns:
        A functional ``keras.Model`` taking samples shaped like the generator's output.

    Raises:
        ConfigError: the discriminator's input does not fit ``pack``, its last
            layer is not a Dense logit, or it holds remedy layers other than the options.
    """
    if not set(remedies.active()) & set(STRUCTURAL):
        return discriminator
    found = _remedy_layers(discriminator)
    if any(found.values()):
        wanted = {"minibatch_discrimination": remedies.minibatch_discrimination,
                  "minibatch_stddev": remedies.minibatch_stddev, "pack": remedies.pack > 1}
        mismatch = [k for k in STRUCTURAL if bool(found[k]) != wanted[k]]
        if mismatch or (found["pack"] and found["pack"][0].pack != remedies.pack):
            raise ConfigError(
                f"the discriminator already holds remedy layers that differ from the options "
                f"({', '.join(mismatch) or 'pack'}); pass the discriminator without them."
            )
        return discriminator
    sample = _shape(generator.outputs[0].shape)
    given = _shape(discriminator.inputs[0].shape)
    if remedies.pack > 1:
        packed = sample[:-1] + (packed_width(sample[-1], remedies),)
        if given != packed:
            raise ConfigError(
                f"pack={remedies.pack} needs a discriminator built for {remedies.pack} samples "
                f"concatenated on the last axis, input {packed}; it takes {given}. Build it "
                f"with {remedies.pack} times the channels (input_dim), or use "
                f"Family.build_for_data(spec, pack={remedies.pack})."
            )
    if remedies.minibatch_discrimination or remedies.minibatch_stddev:
        discriminator = _insert_before_logit(discriminator, remedies)
    if remedies.pack > 1:
        x = keras.Input(sample, name=discriminator.inputs[0].name)
        packed = PackSamples(remedies.pack, name="pack")(x)
        discriminator = keras.Model(x, discriminator(packed), name=f"packed_{discriminator.name}")
    return discriminator


def _values(variables):
    return [ops.convert_to_tensor(v.value) for v in variables]


def _lookahead(model, batch):
    """``(variables, values)`` of the discriminator advanced ``unroll_steps`` steps."""
    trainable = model.discriminator_variables()
    others = [v for net in model.discriminator_networks() for v in net.non_trainable_variables]
    values, other_values = _values(trainable), _values(others)
    rate = ops.cast(model.d_optimizer.learning_rate, "float32")
    draw = model.generator_draw
    for _ in range(model.remedies.unroll_steps):
        mapping = list(zip(trainable, values)) + list(zip(others, other_values))
        with keras.StatelessScope(state_mapping=mapping) as scope:
            gradients = backend.tensor_gradients(
                lambda: model.discriminator_terms(batch, draw)["d_loss"], values)
            other_values = [_current(scope, v, old) for v, old in zip(others, other_values)]
        gradients = backend.all_reduce_sum(gradients)
        values = [value - rate * g / ops.sqrt(ops.mean(ops.square(g)) + 1e-24)
                  for value, g in zip(values, gradients)]
        mapping = list(zip(trainable, values)) + list(zip(others, other_values))
        with keras.StatelessScope(state_mapping=mapping) as scope:
            model.after_discriminator_update()  # e.g. WGAN's clipping, on the look-ahead weights
            values = [_current(scope, v, old) for v, old in zip(trainable, values)]
    values = [ops.stop_gradient(v) for v in values]
    other_values = [ops.stop_gradient(v) for v in other_values]
    return list(zip(trainable, values)) + list(zip(others, other_values))


def _current(scope, variable, fallback):
    value = scope.get_current_value(variable)
    return fallback if value is None else ops.cast(value, variable.dtype)


def generator_terms_fn(model, batch):
    """The zero-argument callable that computes the generator update's terms.

    Without ``unroll_steps`` it is ``model.generator_terms(batch)``; with
    ``unroll_steps=k`` the family's own generator terms run with the
    discriminator's variables replaced by their look-ahead values (and the
    discriminator's state updates of that pass discarded).
    """
    remedies = getattr(model, "remedies", None)
    if remedies is None or not remedies.unroll_steps:
        return lambda: model.generator_terms(batch)

    def compute():
        with keras.StatelessScope(state_mapping=_lookahead(model, batch)):
            return model.generator_terms(batch)

    return compute
