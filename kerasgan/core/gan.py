"""The GAN base model: one ``train_step`` template that every family reuses.

Families differ only where their algorithm differs, through class attributes
(default loss, critic steps, net options) and a few hooks:

- :meth:`GAN.discriminator_penalty` adds a regulariser to the D loss (WGAN-GP),
- :meth:`GAN.after_discriminator_update` runs after each D update (WGAN clipping),
- :meth:`GAN.default_optimizers` gives the paper's optimisers.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from kerasgan.core import losses as losses_module
from kerasgan.core.reduction import logged_value, replica_id, replica_mean

# Stateless seeds are (key, counter) pairs; replicas and draws get distinct keys
# and counters so that no two latent batches share a stream.
_REPLICA_KEY_STRIDE = 1_000_003
_STREAM_KEY_STRIDE = 7_919_000_000


def _uses_float16(model):
    """True when any layer of ``model`` computes in float16 (needs loss scaling)."""
    return any(
        getattr(layer, "compute_dtype", None) == "float16" for layer in model._flatten_layers()
    )


def _wrap_for_loss_scaling(optimizer, model):
    if _uses_float16(model) and not isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return keras.optimizers.LossScaleOptimizer(optimizer)
    return optimizer


def _unwrap(optimizer):
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer.inner_optimizer
    return optimizer


@keras.saving.register_keras_serializable(package="kerasgan")
class GAN(keras.Model):
    """Generative adversarial network (Goodfellow et al., 2014), trained with ``fit``.

    This is both the base class of every kerasgan family and the original GAN:
    a generator ``G(z)`` and a discriminator ``D(x)`` returning logits, trained
    in alternation. Each call of ``train_step`` makes ``d_steps`` discriminator
    updates (each with fresh latents, on the same real batch) and then one
    generator update; each update has its own ``tf.GradientTape`` and changes
    only that network's weights.

    Defaults: non-saturating generator loss (``loss="minimax"`` gives the
    paper's original ``log(1 - D(G(z)))``), one D step per G step,
    Adam(2e-4, beta_1=0.5) for both networks.

    Mixed precision: under ``mixed_float16`` ``compile`` wraps both optimizers
    in ``keras.optimizers.LossScaleOptimizer``; logits and losses are float32.
    Distribution: losses are reduced so that a ``MirroredStrategy`` makes the
    same update as one device on the same global batch; each replica draws its
    own latents; logged metrics are global means.

    Args:
        generator: a Keras model mapping ``z`` of shape (B, latent_dim) to samples.
        discriminator: a Keras model mapping samples to logits (B, 1).
        latent_dim: size of ``z``; inferred from the generator's input if None.
        loss: name of an adversarial loss in :mod:`kerasgan.core.losses`
            (``None`` uses the family's default).
        d_steps: discriminator updates per generator update (``None``: family default).
        seed: integer seed of the training latents (``None`` picks one; it is
            stored in the config so a saved model resumes the same stream).
        **kwargs: passed to ``keras.Model`` (e.g. ``name``).

    Example:
        >>> from kerasgan import nets, data
        >>> model = GAN(nets.mlp_generator(latent_dim=2), nets.mlp_discriminator())
        >>> model.compile()
        >>> model.fit(data.load("ring8", batch_size=256), epochs=5)
        >>> samples = model.generate(1000, seed=0)
    """

    default_loss = "non_saturating"
    default_d_steps = 1
    #: Options the family passes to the discriminator builders (see ``build_for_data``).
    discriminator_options: dict = {"norm": "batch", "spectral_norm": False}
    #: Whether the generator update runs D in training mode. True keeps batch
    #: norm on batch statistics; families whose D has no batch norm but
    #: layers that change their weights in training mode (Keras'
    #: SpectralNormalization re-normalises its kernel in place) set False so
    #: the generator update leaves D untouched.
    discriminator_training_in_generator_update = True
    #: Extra metrics that the family logs besides d_loss and g_loss (keys of
    #: the terms dicts).
    extra_metric_names: tuple = ()

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim=None,
        *,
        loss=None,
        d_steps=None,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(latent_dim if latent_dim is not None else self._infer_latent_dim())
        self.loss_name = losses_module.get(loss or self.default_loss).name
        self.adversarial_loss = losses_module.get(self.loss_name)
        self.d_steps = int(d_steps if d_steps is not None else self.default_d_steps)
        if self.d_steps < 1:
            raise ValueError(f"d_steps must be a positive integer, got {d_steps!r}.")
        self.seed = int(seed if seed is not None else np.random.SeedSequence().entropy % (2**31))
        self.trackers = {
            name: keras.metrics.Mean(name=name)
            for name in ("d_loss", "g_loss") + tuple(self.extra_metric_names)
        }
        self.g_optimizer = None
        self.d_optimizer = None
        # The sub-networks are built functional models; the wrapper itself is
        # never called on data, so mark it built on purpose (see DESIGN.md).
        self.built = True

    # ------------------------------------------------------------------ set-up

    def _infer_latent_dim(self):
        shape = self.generator.inputs[0].shape if getattr(self.generator, "inputs", None) else None
        if shape is None or shape[-1] is None:
            raise ValueError(
                "Could not infer latent_dim from the generator's input; pass latent_dim=..."
            )
        return shape[-1]

    def build(self, input_shape=None):
        """No-op: the generator and discriminator are built when passed in."""
        self.built = True

    @classmethod
    def default_optimizers(cls):
        """Fresh (generator, discriminator) optimizers with the family's defaults."""
        return (
            keras.optimizers.Adam(2e-4, beta_1=0.5),
            keras.optimizers.Adam(2e-4, beta_1=0.5),
        )

    def compile(self, g_optimizer=None, d_optimizer=None, *, jit_compile=None, **kwargs):
        """Configures training.

        Args:
            g_optimizer: generator optimizer (instance, name or config);
                ``None`` uses the family's default.
            d_optimizer: discriminator optimizer, same forms.
            jit_compile: compile the train step with XLA. ``None`` (default)
                means True, except under a multi-replica ``tf.distribute``
                strategy, where TensorFlow cannot XLA-compile a step whose
                variables live on several devices (the same rule as Keras'
                ``"auto"``).
            **kwargs: other ``keras.Model.compile`` arguments
                (``run_eagerly``, ``steps_per_execution``).
        """
        for forbidden in ("optimizer", "loss", "metrics"):
            if forbidden in kwargs:
                raise TypeError(
                    f"GAN.compile() takes g_optimizer/d_optimizer, not {forbidden!r}; "
                    "the adversarial loss is chosen with the model's `loss` argument."
                )
        default_g, default_d = self.default_optimizers()
        g_optimizer = keras.optimizers.get(g_optimizer) or default_g
        d_optimizer = keras.optimizers.get(d_optimizer) or default_d
        if g_optimizer is d_optimizer:
            raise ValueError("g_optimizer and d_optimizer must be two different instances.")
        if jit_compile is None:
            jit_compile = tf.distribute.get_strategy().num_replicas_in_sync == 1
        super().compile(optimizer=None, jit_compile=jit_compile, auto_scale_loss=False, **kwargs)
        self.g_optimizer = _wrap_for_loss_scaling(g_optimizer, self.generator)
        self.d_optimizer = _wrap_for_loss_scaling(d_optimizer, self.discriminator)
        # Build both now: unbuilt optimizers fail under MirroredStrategy.
        self.g_optimizer.build(self.generator.trainable_variables)
        self.d_optimizer.build(self.discriminator.trainable_variables)
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
        """The loss trackers (reset by ``fit`` every epoch)."""
        return list(self.trackers.values())

    # ------------------------------------------------------------ serialization

    def get_config(self):
        """Config with the serialized sub-networks and the family's settings."""
        return {
            "name": self.name,
            "trainable": self.trainable,
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "latent_dim": self.latent_dim,
            "loss": self.loss_name,
            "d_steps": self.d_steps,
            "seed": self.seed,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """Rebuilds the model from :meth:`get_config`."""
        config = dict(config)
        for key in cls.network_keys():
            config[key] = keras.saving.deserialize_keras_object(
                config[key], custom_objects=custom_objects
            )
        return cls(**config)

    @classmethod
    def network_keys(cls):
        """Names of the config entries that hold serialized networks."""
        return ("generator", "discriminator")

    # --------------------------------------------------------------- inference

    def call(self, z, training=False):
        """Runs the generator: ``model(z)`` and ``model.predict(z)`` generate."""
        return self.generator(z, training=training)

    def sample_latents_for_seed(self, n, seed):
        """``n`` latent vectors drawn reproducibly from an integer ``seed``."""
        return tf.random.stateless_normal((n, self.latent_dim), seed=[int(seed), 0])

    def generate(self, n, seed=None, batch_size=256):
        """Generates ``n`` samples as a numpy array.

        Args:
            n: number of samples.
            seed: integer seed; the same seed gives the same samples.
                ``None`` draws fresh latents.
            batch_size: generator batch size.

        Returns:
            ``np.ndarray`` of shape ``(n,) + sample_shape`` in float32.
        """
        if seed is None:
            seed = int(np.random.default_rng().integers(2**31))
        z = self.sample_latents_for_seed(int(n), seed)
        outputs = [
            ops.convert_to_numpy(self.generator(z[i : i + batch_size], training=False))
            for i in range(0, int(n), batch_size)
        ]
        return np.concatenate(outputs, axis=0).astype("float32")

    # ---------------------------------------------------------------- training

    def stream_seed(self, draw, stream=0):
        """A stateless RNG seed unique to (replica, step, draw, stream).

        Derived from ``seed``, the replica id and the generator optimizer's step
        counter, so training is reproducible and resumes the same random stream
        after ``load_model``; each replica of a distributed run draws its own.
        XLA implements the stateless RNG differently from TensorFlow's own
        kernels, so the stream (not its distribution) depends on
        ``jit_compile``: resume with the setting you trained with.

        Args:
            draw: index of the update within the step (0 .. d_steps).
            stream: which random quantity (0: latents; families add others).

        Returns:
            int64 tensor of shape (2,) for ``tf.random.stateless_*`` ops.
        """
        step = tf.cast(self.g_optimizer.iterations, tf.int64)
        key = (
            tf.cast(self.seed, tf.int64)
            + tf.cast(replica_id(), tf.int64) * _REPLICA_KEY_STRIDE
            + stream * _STREAM_KEY_STRIDE
        )
        counter = step * (self.d_steps + 1) + draw
        return tf.stack([key, counter])

    def sample_latents(self, batch_size, draw):
        """Training latents for one update (see :meth:`stream_seed`).

        Args:
            batch_size: number of latent vectors (this replica's batch).
            draw: index of the update within the step (0 .. d_steps).

        Returns:
            float32 tensor of shape (batch_size, latent_dim).
        """
        return tf.random.stateless_normal(
            (batch_size, self.latent_dim), seed=self.stream_seed(draw, stream=0)
        )

    def unpack_batch(self, data):
        """Turns a ``fit`` batch into the dict the loss terms read.

        Accepted forms: ``x``; ``(x,)``/``(x, y)`` (labels are ignored by
        unconditional families); ``{"x": x, "latents": z}`` where ``z`` has
        shape (B, d_steps + 1, latent_dim), one slice per update, a hook for
        tests and for callers that need exact control of the noise.

        Returns:
            ``{"real": x, "latents": z or None}``.
        """
        if isinstance(data, dict):
            if "x" not in data:
                raise ValueError(f"A dict batch needs an 'x' entry; got keys {sorted(data)}.")
            return {"real": data["x"], "latents": data.get("latents")}
        if isinstance(data, (tuple, list)):
            return {"real": data[0], "latents": None}
        return {"real": data, "latents": None}

    def latents_for(self, batch, draw):
        """Latents of update ``draw``: the supplied ones, else the model's stream."""
        if batch.get("latents") is not None:
            return ops.cast(batch["latents"][:, draw], "float32")
        return self.sample_latents(ops.shape(batch["real"])[0], draw)

    def discriminator_penalty(self, real, fake, draw, training=True):
        """Per-sample regulariser added to the discriminator loss (none by default).

        Args:
            real, fake: the batches the discriminator just scored.
            draw: index of this update within the step (for :meth:`stream_seed`).
            training: whether the networks run in training mode.

        Returns:
            ``None`` or a float32 tensor of shape (B,), already weighted. It is
            logged under ``penalty_metric_name``.
        """
        return None

    #: Name under which the discriminator penalty is logged (when listed in metrics).
    penalty_metric_name = "penalty"

    def after_discriminator_update(self):
        """Runs after each discriminator update (e.g. WGAN weight clipping)."""

    def generator_variables(self):
        """Variables the generator update trains (all generator-side networks)."""
        return self.generator.trainable_variables

    def discriminator_variables(self):
        """Variables the discriminator update trains."""
        return self.discriminator.trainable_variables

    def discriminator_terms(self, batch, draw, training=True):
        """Discriminator loss terms for one update.

        Args:
            batch: the dict from :meth:`unpack_batch`.
            draw: index of the update within the step.
            training: whether the networks run in training mode.

        Returns:
            Dict of replica-reduced float32 scalars; ``"d_loss"`` is the total
            that is minimised, other keys are logged when they name a tracker.
        """
        real = batch["real"]
        fake = ops.stop_gradient(self.generator(self.latents_for(batch, draw), training=training))
        real_logits = self.discriminator(real, training=training)
        fake_logits = self.discriminator(fake, training=training)
        adversarial = replica_mean(self.adversarial_loss.discriminator_loss(real_logits, fake_logits))
        terms = {"adversarial": adversarial, "d_loss": adversarial}
        penalty = self.discriminator_penalty(real, fake, draw, training=training)
        if penalty is not None:
            terms[self.penalty_metric_name] = replica_mean(penalty)
            terms["d_loss"] = adversarial + terms[self.penalty_metric_name]
        return terms

    def generator_terms(self, batch, training=True):
        """Generator loss terms; ``"g_loss"`` is the total that is minimised."""
        fake = self.generator(self.latents_for(batch, self.d_steps), training=training)
        fake_logits = self.discriminator(
            fake, training=training and self.discriminator_training_in_generator_update
        )
        return {"g_loss": replica_mean(self.adversarial_loss.generator_loss(fake_logits))}

    @staticmethod
    def apply_update(optimizer, variables, compute_terms, total_key):
        """One gradient step of ``optimizer`` on ``variables`` only.

        The tape watches just ``variables``, so the other network's forward
        pass is not recorded and its weights cannot change.

        Args:
            optimizer: a (possibly loss-scaling) Keras optimizer.
            variables: the variables to train.
            compute_terms: zero-argument callable returning the terms dict.
            total_key: key of the scalar to minimise.

        Returns:
            The terms dict.
        """
        with tf.GradientTape(watch_accessed_variables=False) as tape:
            tape.watch([getattr(v, "value", v) for v in variables])  # Keras -> tf.Variable
            terms = compute_terms()
            scaled = optimizer.scale_loss(terms[total_key])
        gradients = tape.gradient(scaled, variables)
        optimizer.apply_gradients(zip(gradients, variables))
        return terms

    def _track(self, terms):
        for name, tracker in self.trackers.items():
            if name in terms:
                tracker.update_state(logged_value(terms[name]))
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def train_step(self, data):
        """One family step: ``d_steps`` discriminator updates, one generator update.

        Returns:
            Dict of the trackers' running means (``d_loss``, ``g_loss``, extras).
        """
        batch = self.unpack_batch(data)
        d_variables = self.discriminator_variables()
        d_terms = {}
        for draw in range(self.d_steps):
            d_terms = self.apply_update(
                self.d_optimizer,
                d_variables,
                lambda draw=draw: self.discriminator_terms(batch, draw),
                "d_loss",
            )
            self.after_discriminator_update()
        g_terms = self.apply_update(
            self.g_optimizer,
            self.generator_variables(),
            lambda: self.generator_terms(batch),
            "g_loss",
        )
        return self._track({**d_terms, **g_terms})

    def test_step(self, data):
        """Evaluates the loss terms on a batch in inference mode, updating nothing."""
        batch = self.unpack_batch(data)
        terms = {**self.discriminator_terms(batch, 0, training=False),
                 **self.generator_terms(batch, training=False)}
        return self._track(terms)

    # ------------------------------------------------------------ construction

    @classmethod
    def build_for_data(cls, data_spec, latent_dim=None, **kwargs):
        """Builds the family with its default networks for a data set.

        Args:
            data_spec: a :class:`kerasgan.data.DataSpec` (``kind`` "points" or
                "image", ``shape``).
            latent_dim: size of ``z`` (default 2 for points, 100 for images).
            **kwargs: family arguments (``loss``, ``d_steps``, ``seed`` ...).

        Returns:
            An uncompiled model of this family.
        """
        from kerasgan import nets  # local import: nets depend on nothing here

        options = dict(cls.discriminator_options)
        if data_spec.kind == "points":
            latent_dim = latent_dim or 2
            generator = nets.mlp_generator(latent_dim=latent_dim, output_dim=data_spec.shape[-1])
            discriminator = nets.mlp_discriminator(
                input_dim=data_spec.shape[-1], spectral_norm=options["spectral_norm"]
            )
        elif data_spec.kind == "image":
            latent_dim = latent_dim or 100
            size, _, channels = data_spec.shape
            generator = nets.dcgan_generator(
                latent_dim=latent_dim, image_size=size, channels=channels
            )
            discriminator = nets.dcgan_discriminator(image_size=size, channels=channels, **options)
        else:
            raise ValueError(f"Unsupported data kind {data_spec.kind!r}; expected 'points' or 'image'.")
        return cls(generator, discriminator, latent_dim=latent_dim, **kwargs)

