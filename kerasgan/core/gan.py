"""The GAN model ``G(z) -> x``, ``D(x) -> logit``: base of the unconditional families.

The training schedule lives in :class:`kerasgan.core.adversarial.AdversarialModel`;
unconditional families differ only through class attributes (default loss,
critic steps, net options) and a few hooks:

- :meth:`GAN.discriminator_penalty` adds a regulariser to the D loss (WGAN-GP),
- ``after_discriminator_update`` runs after each D update (WGAN clipping),
- ``default_optimizers`` gives the paper's optimisers.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from kerasgan.core import backend
from kerasgan.core import losses as losses_module
from kerasgan.core import remedies as remedies_module
from kerasgan.core.adversarial import AdversarialModel
from kerasgan.core.reduction import replica_mean


@keras.saving.register_keras_serializable(package="kerasgan")
class GAN(AdversarialModel):
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
        minibatch_discrimination: insert a minibatch-discrimination layer
            (Salimans et al., 2016) before the discriminator's logit layer.
        minibatch_stddev: insert a minibatch standard-deviation layer (Karras
            et al., 2018) before the discriminator's logit layer.
        pack: PacGAN's packing (Lin et al., 2018): the discriminator judges
            ``pack`` samples at once; it must be built for ``pack`` times the
            sample's channels / features (``build_for_data`` does it), and
            batches must divide by ``pack``.
        unroll_steps: train the generator against the discriminator advanced
            this many look-ahead steps (Metz et al., 2017, first-order variant).
            See :mod:`kerasgan.core.remedies`; families list what they support
            in ``applicable_remedies``.
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
    metric_names = ("d_loss", "g_loss")
    #: The remedies for mode collapse this family supports (see :mod:`kerasgan.core.remedies`).
    applicable_remedies: tuple = remedies_module.REMEDY_KEYS

    def __init__(
        self,
        generator,
        discriminator,
        latent_dim=None,
        *,
        loss=None,
        d_steps=None,
        seed=None,
        minibatch_discrimination=False,
        minibatch_stddev=False,
        pack=1,
        unroll_steps=0,
        **kwargs,
    ):
        remedies = remedies_module.Remedies(minibatch_discrimination, minibatch_stddev, pack,
                                            unroll_steps)
        remedies.check_applicable(type(self))
        super().__init__(d_steps=d_steps, seed=seed, **kwargs)
        self.remedies = remedies
        self.generator = generator
        self.discriminator = remedies_module.prepare_discriminator(discriminator, generator, remedies)
        self.latent_dim = int(latent_dim if latent_dim is not None else self._infer_latent_dim())
        self.loss_name = losses_module.get(loss or self.default_loss).name
        self.adversarial_loss = losses_module.get(self.loss_name)

    # ------------------------------------------------------------------ set-up

    def _infer_latent_dim(self):
        shape = self.generator.inputs[0].shape if getattr(self.generator, "inputs", None) else None
        if shape is None or shape[-1] is None:
            raise ValueError(
                "Could not infer latent_dim from the generator's input; pass latent_dim=..."
            )
        return shape[-1]

    # ------------------------------------------------------------ serialization

    def get_config(self):
        """Config with the serialized sub-networks and the family's settings."""
        return {**super().get_config(), "latent_dim": self.latent_dim, "loss": self.loss_name,
                **self.remedies.config()}

    # --------------------------------------------------------------- inference

    def call(self, z, training=False):
        """Runs the generator: ``model(z)`` and ``model.predict(z)`` generate."""
        return self.generator(z, training=training)

    def latents_from_seed(self, n, seed, **codes):
        """``n`` latent vectors drawn from an integer ``seed``: the one seed-to-latent map.

        ``generate`` uses it, and the exported ``generate(seed)`` signature
        draws one vector per seed with it (:meth:`latents_for_seeds`), so a
        served ``generate(seed=[s])`` equals ``model.generate(1, seed=s)``.
        Families with codes (InfoGAN) take them as keyword arguments.

        Args:
            n: number of vectors (a Python int).
            seed: integer seed (int or int64 scalar tensor).

        Returns:
            float32 tensor ``(n, latent_dim)``.
        """
        if codes:
            raise TypeError(f"{type(self).__name__} latents take no {sorted(codes)}.")
        return backend.stateless_normal((n, self.latent_dim), backend.seed_pair(seed, 0))

    def sample_latents_for_seed(self, n, seed):
        """``n`` latent vectors drawn reproducibly from an integer ``seed`` (see :meth:`latents_from_seed`)."""
        return self.latents_from_seed(int(n), int(seed))

    def latents_for_seeds(self, seeds, **codes):
        """One latent vector per seed, as traceable ops (the exported ``generate``).

        Args:
            seeds: int64 tensor ``(B,)``.
            **codes: per-seed codes of families that have them (int tensors ``(B,)``).

        Returns:
            float32 tensor ``(B, latent_dim)``; row ``i`` is
            ``latents_from_seed(1, seeds[i], **codes_i)[0]``.
        """
        names = sorted(codes)

        def one(row):
            seed, *values = row
            kwargs = {k: ops.reshape(v, (1,)) for k, v in zip(names, values)}
            return self.latents_from_seed(1, seed, **kwargs)[0]

        return backend.map_rows(one, (seeds, *[codes[k] for k in names]), (self.latent_dim,))

    def generate(self, n, seed=None, batch_size=256):
        """Generates ``n`` samples as a numpy array.

        Args:
            n: number of samples.
            seed: integer seed; the same seed gives the same samples.
                ``None`` draws fresh latents.
            batch_size: generator batch size.

        Returns:
            ``np.ndarray`` of shape ``(n,) + sample_shape`` in float32: the
            generator's raw output, images in [-1, 1] (the data's scale;
            ``(x + 1) / 2`` gives [0, 1]), 2-D points as coordinates. The
            exported SavedModel and ONNX ``images`` are in [0, 1].
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

    def sample_latents(self, batch_size, draw):
        """Training latents for one update (see :meth:`AdversarialModel.stream_seed`).

        Args:
            batch_size: number of latent vectors (this replica's batch).
            draw: index of the update within the step (0 .. d_steps).

        Returns:
            float32 tensor of shape (batch_size, latent_dim).
        """
        return self.random_normal((batch_size, self.latent_dim), draw, stream=0)

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
            if isinstance(data[0], dict):  # train_on_batch(dict) arrives as (dict,)
                return self.unpack_batch(data[0])
            return {"real": data[0], "latents": None}
        return {"real": data, "latents": None}

    def latents_for(self, batch, draw):
        """Latents of update ``draw``: the supplied ones, else the model's stream."""
        if batch.get("latents") is not None:
            return ops.cast(batch["latents"][:, draw], "float32")
        return self.sample_latents(ops.shape(batch["real"])[0], draw)

    def generator_output(self, batch, draw, training=True):
        """``G(z)`` for the latents of update ``draw`` (see :meth:`generated`)."""
        return self.generator(self.latents_for(batch, draw), training=training)

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
        fake = ops.stop_gradient(self.generated(batch, draw, training=training))
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
        fake = self.generated(batch, self.generator_draw, training=training)
        fake_logits = self.discriminator(
            fake, training=training and self.discriminator_training_in_generator_update
        )
        return {"g_loss": replica_mean(self.adversarial_loss.generator_loss(fake_logits))}

    # ------------------------------------------------------------ construction

    @classmethod
    def build_default_model(cls, data_spec, latent_dim=None, discriminator_input_scale=None, **kwargs):
        """The family with its default networks for a data set, arguments as given (no recipe).

        :meth:`build_for_data` calls this with the family's training recipe
        filled in; called directly, the defaults below are the papers'.

        Args:
            data_spec: a :class:`kerasgan.data.DataSpec` (``kind`` "points" or
                "image", ``shape``).
            latent_dim: size of ``z`` (default 2 for points, 100 for images).
            discriminator_input_scale: points only: gain on the MLP
                discriminator's input (see ``nets.mlp_discriminator``).
            **kwargs: family arguments (``loss``, ``d_steps``, ``seed`` ...).

        Returns:
            An uncompiled model of this family.
        """
        from kerasgan import nets  # local import: nets depend on nothing here

        options = dict(cls.discriminator_options)
        remedies = remedies_module.Remedies(**{k: kwargs[k] for k in remedies_module.REMEDY_KEYS
                                               if k in kwargs})
        if data_spec.kind == "points":
            latent_dim = latent_dim or 2
            generator = nets.mlp_generator(latent_dim=latent_dim, output_dim=data_spec.shape[-1])
            discriminator = nets.mlp_discriminator(
                input_dim=remedies_module.packed_width(data_spec.shape[-1], remedies),
                spectral_norm=options["spectral_norm"],
                input_scale=discriminator_input_scale or 1.0,
            )
        elif data_spec.kind == "image":
            if discriminator_input_scale is not None:
                raise ValueError(
                    "discriminator_input_scale applies to 2-D points only (it scales the MLP "
                    "critic's input); remove it for image data."
                )
            latent_dim = latent_dim or 100
            size, _, channels = data_spec.shape
            generator = nets.dcgan_generator(
                latent_dim=latent_dim, image_size=size, channels=channels
            )
            discriminator = nets.dcgan_discriminator(
                image_size=size, channels=remedies_module.packed_width(channels, remedies), **options
            )
        else:
            raise ValueError(f"Unsupported data kind {data_spec.kind!r}; expected 'points' or 'image'.")
        return cls(generator, discriminator, latent_dim=latent_dim, **kwargs)

