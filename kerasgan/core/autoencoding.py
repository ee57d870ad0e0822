"""The base of the energy-based families: an autoencoder as the discriminator.

EBGAN and BEGAN score a sample by how well an autoencoder reconstructs it:
the discriminator returns ``{reconstruction, embedding}`` (see
:mod:`kerasgan.nets.autoencoder`) and :meth:`AutoencoderGAN.energy` turns it
into a per-sample reconstruction error. The families then differ only in
their loss terms.
"""

from __future__ import annotations

from keras import ops

from kerasgan.core.gan import GAN


class AutoencoderGAN(GAN):
    """A noise-to-sample GAN whose discriminator is an autoencoder.

    Attributes:
        energy_power: 2 for the mean squared reconstruction error (EBGAN), 1
            for the mean absolute error (BEGAN).
    """

    #: Structural remedies do not apply (the discriminator is an autoencoder returning a per-sample energy); the look-ahead does.
    applicable_remedies = ("unroll_steps",)
    energy_power = 2
    discriminator_options: dict = {"norm": "none", "spectral_norm": False}
    #: The autoencoder has no batch norm; its weights do not move in the generator update.
    discriminator_training_in_generator_update = False

    def energy(self, samples, training=True):
        """``(per-sample reconstruction error, embedding)`` of ``samples`` under the discriminator.

        The error is the mean over a sample's values of ``|AE(x) - x| ** energy_power``
        (a mean, not a sum: the same margin or weights fit any image size).
        """
        outputs = self.discriminator(samples, training=training)
        difference = ops.cast(outputs["reconstruction"], "float32") - ops.cast(samples, "float32")
        error = ops.square(difference) if self.energy_power == 2 else ops.abs(difference)
        axes = tuple(range(1, len(samples.shape)))
        return ops.mean(error, axis=axes), ops.cast(outputs["embedding"], "float32")

    @classmethod
    def build_default_model(cls, data_spec, latent_dim=None, **kwargs):
        """The family with its default networks: MLP or DCGAN generator, MLP or conv autoencoder.

        Args:
            data_spec: a :class:`kerasgan.data.DataSpec` (``kind`` "points" or "image").
            latent_dim: size of ``z`` (default 2 for points, 100 for images).
            **kwargs: family arguments.

        Returns:
            An uncompiled model of this family.
        """
        from kerasgan import nets

        if data_spec.kind == "points":
            latent_dim = latent_dim or 2
            dim = data_spec.shape[-1]
            generator = nets.mlp_generator(latent_dim=latent_dim, output_dim=dim)
            discriminator = nets.mlp_autoencoder(input_dim=dim)
        elif data_spec.kind == "image":
            latent_dim = latent_dim or 100
            size, _, channels = data_spec.shape
            generator = nets.dcgan_generator(latent_dim=latent_dim, image_size=size, channels=channels)
            discriminator = nets.conv_autoencoder(image_size=size, channels=channels)
        else:
            raise ValueError(f"Unsupported data kind {data_spec.kind!r}; expected 'points' or 'image'.")
        return cls(generator, discriminator, latent_dim=latent_dim, **kwargs)

    @classmethod
    def build_tiny(cls, seed=7, **kwargs):
        """MLP generator and MLP autoencoder of 16 units on 2-D points."""
        import keras

        from kerasgan import nets
        from kerasgan.data import DataSpec

        keras.utils.set_random_seed(seed)
        generator = nets.mlp_generator(latent_dim=4, hidden_units=(16, 16))
        discriminator = nets.mlp_autoencoder(hidden_units=(16,), code_dim=4)
        return cls(generator, discriminator, seed=seed, **kwargs), DataSpec("tiny-points", "points", (2,))
