"""The adversarial training template every kerasgan family shares.

:class:`AdversarialModel` owns what does not depend on the family: the two
optimizers (generator side, discriminator side) and their loss scaling, the
``train_step`` schedule, the stateless random stream, metric trackers and
serialization of the sub-networks. A family supplies its networks and its
loss terms:

- :meth:`AdversarialModel.unpack_batch` turns a ``fit`` batch into a dict,
- :meth:`AdversarialModel.discriminator_terms` / :meth:`generator_terms`
  return replica-reduced loss terms (``"d_loss"`` / ``"g_loss"`` are minimised),
- :meth:`AdversarialModel.after_discriminator_update` (e.g. weight clipping),
- :attr:`generator_keys` / :attr:`discriminator_keys` name the networks each
  optimizer trains.
"""

from __future__ import annotations

import keras
import numpy as np

from kerasgan.core import backend, compilation, habits, step
from kerasgan.core.contract import FamilyContract
from kerasgan.core.guards import TerminateOnNonFiniteLoss
from kerasgan.core.presets import load_preset, save_preset
from kerasgan.core.randomness import TrainingRandomness
from kerasgan.core.reduction import logged_value


def _uses_float16(models):
    """True when any layer of ``models`` computes in float16 (needs loss scaling)."""
    return any(
        getattr(layer, "compute_dtype", None) == "float16"
        for model in models
        for layer in model._flatten_layers()
    )


def _wrap_for_loss_scaling(optimizer, models):
    if _uses_float16(models) and not isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer


def _unwrap(optimizer):
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer.inner_optimizer
    return optimizer


def _variables(models):
    return [v for model in models for v in model.trainable_variables]


class AdversarialModel(FamilyContract, TrainingRandomness, habits.KerasFiles, keras.Model):
    """Base of every family: two optimizers, one alternating ``train_step``.

    Each ``train_step`` makes ``d_steps`` discriminator-side updates and then
    one generator-side update, each under its own tape that watches only the
    variables it trains.

    Args:
        d_steps: discriminator updates per generator update (``None``: family default).
        seed: integer seed of the training randomness (``None`` picks one; it
            is stored in the config so a saved model resumes the same stream).
        reuse_generated: the generator update reuses the generator's forward
            pass of the last discriminator update (same latents, the
            discriminator updated in between) instead of drawing fresh
            latents and running the generator again: one generator forward
            pass less per step, as DCGAN's reference code does. ``None``:
            the family's ``default_reuse_generated`` (False for every
            built-in family: fresh latents, as in Goodfellow et al.'s
            algorithm). See :mod:`kerasgan.core.step`.
        **kwargs: passed to ``keras.Model`` (e.g. ``name``).
    """

    default_d_steps = 1
    #: Whether the generator update reuses the last discriminator update's fakes by default.
    default_reuse_generated = False
    #: A family's measured XLA choice for its convolutional nets on CPU, where the size rule
    #: of :func:`kerasgan.core.compilation.choose_jit_compile` gets it wrong (``None``: the rule).
    xla_on_cpu_with_convolutions = None
    #: Attribute names of the networks the generator optimizer trains.
    generator_keys: tuple = ("generator",)
    #: Attribute names of the networks the discriminator optimizer trains.
    discriminator_keys: tuple = ("discriminator",)
    #: Whether the family trains on labelled batches (data loaded with
    #: ``with_labels=True``).
    needs_labels = False
    #: Names of the logged loss terms (keys of the terms dicts).
    metric_names: tuple = ("d_loss", "g_loss")
    #: Direction of a logged term when it is not ``"down"`` (better when lower),
    #: e.g. ``{"accuracy": "up"}``; Keras' monitoring callbacks read it (``mode="auto"``).
    metric_directions: dict = {}

    def __init__(self, *, d_steps=None, seed=None, reuse_generated=None, **kwargs):
        super().__init__(**kwargs)
        self.d_steps = int(d_steps if d_steps is not None else self.default_d_steps)
        if self.d_steps < 1:
            raise ValueError(f"d_steps must be a positive integer, got {d_steps!r}.")
        if reuse_generated is None:
            reuse_generated = self.default_reuse_generated
        if not isinstance(reuse_generated, bool):
            raise ValueError(f"reuse_generated must be True or False, got {reuse_generated!r}.")
        self.reuse_generated = reuse_generated
        self.seed = int(seed if seed is not None else np.random.SeedSequence().entropy % (2**31))
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.metric_names}
        for name, tracker in self.trackers.items():
            tracker._direction = self.metric_directions.get(name, "down")
        self.g_optimizer = None
        self.d_optimizer = None
        # The sub-networks are built functional models; the wrapper itself is
        # never called on data, so mark it built on purpose (see DESIGN.md).
        self.built = True

    # ------------------------------------------------------------------ set-up

    def build(self, input_shape=None):
        """No-op: the networks are built when passed in."""
        self.built = True

    def generator_networks(self):
        """The networks the generator optimizer trains."""
        return [getattr(self, key) for key in self.generator_keys]

    def discriminator_networks(self):
        """The networks the discriminator optimizer trains."""
        return [getattr(self, key) for key in self.discriminator_keys]

    def generator_variables(self):
        """Variables the generator update trains."""
        return _variables(self.generator_networks())

    def discriminator_variables(self):
        """Variables the discriminator update trains."""
        return _variables(self.discriminator_networks())

    def fit(self, *args, terminate_on_non_finite=True, **kwargs):
        """``keras.Model.fit``, stopping on non-finite losses, then :meth:`finalize_variable_values`.

        Keras finalizes its one ``optimizer`` at the end of ``fit``; a GAN has
        two, so each one replaces the weights of its own networks with their
        moving averages when it was built with ``use_ema=True`` (e.g.
        ``compile(g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5,
        use_ema=True, ema_momentum=0.999))``: an averaged generator, which
        oscillates less around the modes than the last iterate).

        Args:
            *args, **kwargs: ``keras.Model.fit``'s.
            terminate_on_non_finite: stop as soon as a logged loss is NaN or
                infinite (:class:`~kerasgan.core.guards.TerminateOnNonFiniteLoss`,
                ``TerminateOnNaN`` for every term), warn, and leave
                ``model.non_finite_loss`` set to what was seen.
        """
        x = args[0] if args else kwargs.get("x")
        if backend.is_dataset(x):
            kwargs.setdefault("shuffle", False)  # ignored for datasets; Keras warns otherwise
        guard = None
        if terminate_on_non_finite:
            callbacks = list(kwargs.get("callbacks") or [])
            guard = next((c for c in callbacks if isinstance(c, TerminateOnNonFiniteLoss)), None)
            if guard is None:
                guard = TerminateOnNonFiniteLoss()
                kwargs["callbacks"] = [guard] + callbacks
        history = super().fit(*args, **kwargs)
        object.__setattr__(self, "non_finite_loss", guard.stopped if guard else None)
        if guard is not None and guard.stopped is not None:
            import warnings

            stop = guard.stopped
            warnings.warn(
                f"training stopped in epoch {stop['epoch']}: {stop['name']} became {stop['value']}; "
                "the weights are no longer usable. Restart (or resume a checkpoint) with lower "
                "learning rates.",
                stacklevel=2,
            )
            return history
        self.finalize_variable_values()
        return history

    def finalize_variable_values(self):
        """Moves averaged weights (optimizers with ``use_ema=True``) into the networks.

        A no-op for optimizers without ``use_ema``. Checkpoints written during
        ``fit`` keep the raw weights and the averages (in the optimizer state),
        so a resumed run goes on exactly.
        """
        if getattr(self, "g_optimizer", None) is not None:
            self.g_optimizer.finalize_variable_values(self.generator_variables())
        if getattr(self, "d_optimizer", None) is not None:
            self.d_optimizer.finalize_variable_values(self.discriminator_variables())

    @classmethod
    def default_optimizers(cls):
        """Fresh (generator, discriminator) optimizers with the family's defaults."""
        return (
            keras.optimizers.Adam(2e-4, beta_1=0.5),
            keras.optimizers.Adam(2e-4, beta_1=0.5),
        )

    def compile(self, *args, g_optimizer=None, d_optimizer=None, jit_compile=None, **kwargs):
        """Configures training.

        Args:
            g_optimizer: generator-side optimizer (instance, name or config),
                keyword only; ``None`` builds the family's optimizer at the
                settings of :attr:`training_recipe` (the recipe
                ``build_for_data`` applied: learning rate, generator
                average), else the paper's.
            d_optimizer: discriminator-side optimizer, same forms, keyword only.
            jit_compile: compile the train step with XLA. ``None`` or
                ``"auto"`` (default): the measured rule of
                :func:`kerasgan.core.compilation.choose_jit_compile` (on CPU:
                XLA for dense nets, not for convolutional ones; on GPU/TPU:
                XLA; never for eager or multi-replica steps). The choice is
                ``model.jit_compile`` and its reason ``model.jit_compile_reason``.
            **kwargs: other ``keras.Model.compile`` arguments
                (``run_eagerly``, ``steps_per_execution``).

        Raises:
            TypeError: positional optimizers (keras-io's examples pass
                ``(d_optimizer, g_optimizer, loss_fn)``, the reverse order), or
                ``loss_fn=`` / ``loss=`` / ``optimizer=`` / ``metrics=``: the
                family defines its losses (chosen with the model's ``loss``
                argument where it has one).
        """
        habits.refuse_positional_optimizers(self, args)
        habits.refuse_loss_fn(self, kwargs)
        default_g, default_d = self.recipe_optimizers()
        g_optimizer = keras.optimizers.get(g_optimizer) or default_g
        d_optimizer = keras.optimizers.get(d_optimizer) or default_d
        if g_optimizer is d_optimizer:
            raise ValueError("g_optimizer and d_optimizer must be two different instances.")
        if jit_compile is None or jit_compile == "auto":
            jit_compile, reason = compilation.choose_jit_compile(
                self.generator_networks() + self.discriminator_networks(),
                run_eagerly=bool(kwargs.get("run_eagerly")),
                xla_on_cpu_with_convolutions=self.xla_on_cpu_with_convolutions,
            )
        else:
            reason = "set by compile(jit_compile=...)"
        object.__setattr__(self, "jit_compile_reason", reason)
        compilation.report(self.name, bool(jit_compile), reason)
        super().compile(optimizer=None, jit_compile=jit_compile, auto_scale_loss=False, **kwargs)
        self.g_optimizer = _wrap_for_loss_scaling(g_optimizer, self.generator_networks())
        self.d_optimizer = _wrap_for_loss_scaling(d_optimizer, self.discriminator_networks())
        # Build both now: unbuilt optimizers fail under MirroredStrategy.
        self.g_optimizer.build(self.generator_variables())
        self.d_optimizer.build(self.discriminator_variables())
        self._gan_compile_config = {
            "g_optimizer": keras.optimizers.serialize(_unwrap(self.g_optimizer)),
            "d_optimizer": keras.optimizers.serialize(_unwrap(self.d_optimizer)),
            "jit_compile": bool(jit_compile),
            **{k: v for k, v in kwargs.items() if k in ("run_eagerly", "steps_per_execution")},
        }

    def get_compile_config(self):
        """Serializable compile arguments, replayed by ``load_model``."""
        return getattr(self, "_gan_compile_config", None)

    def compile_from_config(self, config):
        """Re-runs :meth:`compile` from :meth:`get_compile_config`'s output."""
        config = dict(config)
        config["g_optimizer"] = keras.optimizers.deserialize(config["g_optimizer"])
        config["d_optimizer"] = keras.optimizers.deserialize(config["d_optimizer"])
        self.compile(**config)

    @property
    def metrics(self):
        """The loss trackers in one container (reset by ``fit`` every epoch).

        Each tracker declares its direction (``"down"`` for losses, see
        :attr:`metric_directions`), so ``keras.callbacks.ModelCheckpoint(
        monitor="g_loss", save_best_only=True)`` and ``EarlyStopping`` need no
        ``mode``. The trackers themselves are :attr:`trackers`.
        """
        return [habits.LossTrackers(self.trackers.values())]

    # ------------------------------------------------------------ serialization

    @classmethod
    def network_keys(cls):
        """Names of the config entries that hold serialized networks."""
        return tuple(cls.generator_keys) + tuple(cls.discriminator_keys)

    def get_config(self):
        """Config with the serialized networks, ``d_steps`` and ``seed``.

        Families add their own hyper-parameters on top.
        """
        config = {"name": self.name, "trainable": self.trainable}
        for key in self.network_keys():
            config[key] = keras.saving.serialize_keras_object(getattr(self, key))
        config.update(d_steps=self.d_steps, seed=self.seed, reuse_generated=self.reuse_generated)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuilds the model from :meth:`get_config`."""
        config = dict(config)
        for key in cls.network_keys():
            config[key] = keras.saving.deserialize_keras_object(
                config[key], custom_objects=custom_objects
            )
        return cls(**config)

    # ---------------------------------------------------------------- presets

    @classmethod
    def from_preset(cls, preset, load_weights=True, compile=True):
        """A model from a zoo entry name or a preset folder (KerasHub style).

        Args:
            preset: zoo entry name (``kerasgan.zoo.names()``) or a folder
                holding ``config.yaml`` and ``model.weights.h5``
                (see :meth:`save_to_preset`).
            load_weights: fetch, verify and load the weights.
            compile: compile with the recipe's optimizers.

        Raises:
            ValueError: the preset belongs to a family that is not ``cls``
                (nor a subclass of it).

        Example:
            >>> model = kerasgan.DCGAN.from_preset("dcgan-digits")  # doctest: +SKIP
        """
        return load_preset(cls, preset, load_weights=load_weights, compile=compile)

    def save_to_preset(self, folder, data=None):
        """Writes ``folder/config.yaml`` (zoo schema) and ``folder/model.weights.h5``.

        Args:
            folder: the preset folder (created if missing).
            data: data-set name; needed only for models not built by
                ``kerasgan.zoo`` / :meth:`from_preset`.

        Returns:
            The folder path; ``Family.from_preset(folder)`` loads it back.
        """
        return save_preset(self, folder, data=data)

    # ---------------------------------------------------------------- training

    def unpack_batch(self, data):
        """Turns a ``fit`` batch into the dict the loss terms read."""
        raise NotImplementedError

    def discriminator_terms(self, batch, draw, training=True):
        """Discriminator-side loss terms of one update.

        Args:
            batch: the dict from :meth:`unpack_batch`.
            draw: index of the update within the step.
            training: whether the networks run in training mode.

        Returns:
            Dict of replica-reduced float32 scalars; ``"d_loss"`` is the total
            that is minimised, other keys are logged when they name a tracker.
        """
        raise NotImplementedError

    def generator_terms(self, batch, training=True):
        """Generator-side loss terms; ``"g_loss"`` is the total that is minimised."""
        raise NotImplementedError

    def after_discriminator_update(self):
        """Runs after each discriminator update (e.g. WGAN weight clipping)."""

    def after_step(self, d_terms, g_terms):
        """Runs after the step's updates with their (replica-reduced) terms (e.g. BEGAN's k_t)."""

    #: Networks that minimise a term of their own instead of their side's total, by
    #: attribute name (VAE-GAN: ``{"encoder": "encoder_loss"}``); the key must be in
    #: the side's terms dict.
    own_losses: dict = {}

    def apply_update(self, optimizer, variables, compute_terms, total_key):
        """One gradient step on ``variables`` only (see :func:`kerasgan.core.backend.gradient_step`);
        the networks in :attr:`own_losses` follow their own term."""
        own = [(getattr(self, key).trainable_variables, term) for key, term in self.own_losses.items()]
        return backend.gradient_step(optimizer, variables, compute_terms, total_key, own)

    def _track(self, terms):
        for name, tracker in self.trackers.items():
            if name in terms:
                tracker.update_state(logged_value(terms[name]))
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    @property
    def generator_draw(self):
        """Index of the draw whose latents the generator update uses.

        ``d_steps`` (fresh latents), or ``d_steps - 1`` (the last
        discriminator update's) with ``reuse_generated``.
        """
        return self.d_steps - 1 if self.reuse_generated else self.d_steps

    def generator_output(self, batch, draw, training=True):
        """Runs the generator for update ``draw`` (families with a generator define it).

        Returns:
            Whatever the family's terms read as "the fakes" of that update.
        """
        raise NotImplementedError(
            f"{type(self).__name__} defines no generator_output(); it cannot share the "
            "generator's forward pass (reuse_generated=True)."
        )

    def generated(self, batch, draw, training=True):
        """The generator's output of update ``draw``; what a family's terms should use.

        Inside a train step with ``reuse_generated``, the pass of draw
        :attr:`generator_draw` is computed once and shared by the last
        discriminator update (which should stop its gradient) and the
        generator update; otherwise this is :meth:`generator_output`.
        """
        return step.generated(self, batch, draw, training=training)

    def train_step(self, data):
        """One family step: ``d_steps`` discriminator updates, one generator update.

        Returns:
            Dict of the trackers' running means.
        """
        return self._track(step.alternating_step(self, self.unpack_batch(data)))

    def test_step(self, data):
        """Evaluates the loss terms on a batch in inference mode, updating nothing."""
        batch = self.unpack_batch(data)
        terms = {
            **self.discriminator_terms(batch, 0, training=False),
            **self.generator_terms(batch, training=False),
        }
        return self._track(terms)
