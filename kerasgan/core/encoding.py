"""The base of the families that learn an encoder ``x -> z`` beside the generator.

VAE-GAN and BiGAN train three networks: a generator ``G(z)``, an encoder
``E(x)`` and a discriminator. :class:`EncodingGAN` holds what they share:
the networks, ``encode`` / ``reconstruct``, the ``encode`` serving signature
(:meth:`EncodingGAN.serving_encoder`) and their default and tiny networks.
The families differ in their loss terms and in what the encoder returns.
"""

from __future__ import annotations

import numpy as np
from keras import ops

from kerasgan.core.conditioning import batched_numpy
from kerasgan.core.contract import SamplePicture
from kerasgan.core.gan import GAN


def checked_samples(images, sample_shape, network_phrase, what="images"):
    """``images`` as float32, or a ValueError when one sample's shape is not ``sample_shape``.

    Args:
        images: array-like ``(N, ...)``.
        sample_shape: the shape of one sample the network works on.
        network_phrase: how the message names it, e.g. ``"the encoder takes"``.
        what: how the message names ``images``.
    """
    images = np.asarray(images, dtype="float32")
    sample_shape = tuple(sample_shape)
    if images.shape[1:] != sample_shape:
        raise ValueError(f"{what} have shape {images.shape[1:]} per sample but {network_phrase} "
                         f"{sample_shape}; resize them to the model's data first.")
    return images


class EncodingGAN(GAN):
    """A noise-to-image GAN with an encoder ``E(x) -> z`` trained on the generator side.

    Args:
        generator: a Keras model ``z -> image`` (images in [-1, 1]).
        encoder: a Keras model ``image -> z``, or ``image -> {latent_output: z, ...}``.
        discriminator: the family's discriminator.
        latent_dim: size of ``z``; inferred from the generator's input if None.
        **kwargs: see :class:`kerasgan.core.GAN`.

    Raises:
        ValueError: the encoder's latent size differs from the generator's.
    """

    #: Structural remedies do not apply (the discriminator judges (x, z) pairs); the look-ahead does.
    applicable_remedies = ("unroll_steps",)
    generator_keys = ("generator", "encoder")
    data_kinds = ("image",)
    data_hint = "images (digits, mnist5k, folder:PATH, a tfds name)"
    zoo_metrics = {"image": ("fid", "kid", "is", "modes", "reconstruction")}
    #: The encoder's output that is the latent (``None``: its only output).
    latent_output = None
    #: Keyword arguments of the default discriminator's builder (see :meth:`default_networks`).
    discriminator_options: dict = {}
    #: The discriminators have no batch norm; they stay in inference mode in the generator update.
    discriminator_training_in_generator_update = False

    def __init__(self, generator, encoder, discriminator, latent_dim=None, **kwargs):
        super().__init__(generator, discriminator, latent_dim, **kwargs)
        self.encoder = encoder
        outputs = encoder.output if self.latent_output is None else encoder.output[self.latent_output]
        if outputs.shape[-1] != self.latent_dim:
            raise ValueError(
                f"the encoder outputs latents of size {outputs.shape[-1]} but the generator takes "
                f"{self.latent_dim}; build both with the same latent_dim.")

    def encoder_latents(self, images, training=False):
        """The encoder's latents of ``images`` (the posterior mean for a variational encoder)."""
        outputs = self.encoder(images, training=training)
        latents = outputs if self.latent_output is None else outputs[self.latent_output]
        return ops.cast(latents, "float32")

    def encode(self, images, batch_size=256):
        """Latents of images, as a numpy array.

        Args:
            images: array ``(n, H, W, C)`` in the model's range [-1, 1].
            batch_size: encoder batch size.

        Returns:
            float32 array ``(n, latent_dim)``; ``generator(encode(x))`` reconstructs ``x``.
        """
        images = self._checked_images(images)
        return batched_numpy(lambda b: self.encoder_latents(b["x"]), {"x": images}, batch_size)

    def reconstruct(self, images, batch_size=256):
        """``G(E(x))``: images through the encoder and back through the generator.

        Args:
            images: array ``(n, H, W, C)`` in [-1, 1].
            batch_size: network batch size.

        Returns:
            float32 array like ``images``, in [-1, 1].
        """
        latents = self.encode(images, batch_size)
        return batched_numpy(lambda b: self.generator(b["z"], training=False), {"z": latents},
                             batch_size)

    def reconstruction_picture(self, images):
        """Each of ``images`` beside its reconstruction ``G(E(x))`` (a ``"groups"`` picture)."""
        images = self._checked_images(images)
        return SamplePicture("groups", [images, self.reconstruct(images)])

    def _checked_images(self, images):
        return checked_samples(images, self.encoder.inputs[0].shape[1:], "the encoder takes")

    def serving_encoder(self):
        """The encoder export serves as the ``encode`` signature: ``(network, output key or None)``."""
        return self.encoder, self.latent_output

    # ------------------------------------------------------------ construction

    @classmethod
    def default_networks(cls, data_spec, latent_dim, base_filters):
        """``(generator, encoder, discriminator)`` for an image data spec; families implement it."""
        raise NotImplementedError

    @classmethod
    def build_default_model(cls, data_spec, latent_dim=None, base_filters=64, **kwargs):
        """The family with its default DCGAN-style networks for an image data set.

        Args:
            data_spec: a :class:`kerasgan.data.DataSpec` of kind ``"image"``.
            latent_dim: size of ``z`` (default 32).
            base_filters: filters of the networks' outermost conv blocks.
            **kwargs: family arguments.

        Returns:
            An uncompiled model of this family.

        Raises:
            ValueError: data that is not images.
        """
        if data_spec.kind != "image":
            raise ValueError(f"{cls.__name__} needs images; {data_spec.name!r} is {data_spec.kind!r}.")
        latent_dim = latent_dim or 32
        networks = cls.default_networks(data_spec, latent_dim, base_filters)
        return cls(*networks, latent_dim=latent_dim, **kwargs)

    @classmethod
    def build_tiny(cls, seed=7, **kwargs):
        """The default networks with 4 base filters and 4 latents on 16 px single-channel images."""
        import keras

        from kerasgan.data import DataSpec

        keras.utils.set_random_seed(seed)
        spec = DataSpec("tiny-images", "image", (16, 16, 1))
        return cls.build_default_model(spec, latent_dim=4, base_filters=4, seed=seed, **kwargs), spec
