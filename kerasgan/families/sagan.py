"""SAGAN (Zhang, Goodfellow, Metaxas & Odena, 2019)."""

import keras
from keras import ops

from kerasgan.core.gan import GAN
from kerasgan.families import register
from kerasgan.layers.self_attention import SelfAttention

#: Logged attention weights: the mean ``gamma`` of the generator's and the discriminator's blocks.
GAMMA_METRICS = ("g_attention_gamma", "d_attention_gamma")


def _attention_layers(network):
    """The :class:`SelfAttention` layers of a network (searched recursively)."""
    return [layer for layer in network._flatten_layers(include_self=False) if isinstance(layer, SelfAttention)]


@register("sagan")
class SAGAN(GAN):
    """Self-attention GAN (Zhang et al., 2019, arXiv:1805.08318).

    The generator and the discriminator each carry a
    :class:`kerasgan.layers.SelfAttention` block (output ``x + gamma *
    attention``, ``gamma`` starting at 0), every layer of both networks is
    spectrally normalised (the paper conditions G as well as D), the loss is
    the hinge loss (``relu(1 - D(x)) + relu(1 + D(G(z)))`` for D,
    ``-D(G(z))`` for G), and the two networks learn on two time scales
    (TTUR): Adam(beta_1=0, beta_2=0.9) at 1e-4 for G and 4e-4 for D, one D
    step per G step.

    ``fit`` logs ``g_attention_gamma`` and ``d_attention_gamma``: the mean
    ``gamma`` of each network's attention blocks after each step (averaged
    over the epoch like every logged metric), so the history shows how much
    each network comes to rely on attention.

    ``build_for_data`` gives :func:`kerasgan.nets.sagan_generator` /
    :func:`kerasgan.nets.sagan_discriminator` for images; SAGAN has no 2-D
    points variant (attention needs a feature map).

    Args:
        See :class:`kerasgan.core.GAN`.

    Example:
        >>> model = SAGAN.build_for_data(kerasgan.data.spec("digits"))
        >>> model.compile()
        >>> history = model.fit(kerasgan.data.load("digits", 64), epochs=30)
        >>> history.history["g_attention_gamma"][-1]          # doctest: +SKIP
    """

    default_loss = "hinge"
    data_kinds = ("image",)
    data_hint = "images (digits, mnist5k, folder:PATH, a tfds name)"
    discriminator_options = {"norm": "none", "spectral_norm": True}
    discriminator_training_in_generator_update = False
    metric_names = ("d_loss", "g_loss") + GAMMA_METRICS

    @classmethod
    def default_optimizers(cls):
        """TTUR: Adam(1e-4) for G and Adam(4e-4) for D, both with beta_1=0, beta_2=0.9."""
        return (
            keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9),
            keras.optimizers.Adam(4e-4, beta_1=0.0, beta_2=0.9),
        )

    def attention_gammas(self):
        """The current mean ``gamma`` of each network's attention blocks.

        Returns:
            ``{"g_attention_gamma": ..., "d_attention_gamma": ...}`` (float32
            scalars), leaving out a network without attention blocks.
        """
        out = {}
        for key, network in zip(GAMMA_METRICS, (self.generator, self.discriminator)):
            blocks = _attention_layers(network)
            if blocks:
                out[key] = ops.mean(ops.stack([ops.cast(b.gamma, "float32") for b in blocks]))
        return out

    def generator_output(self, batch, draw, training=True):
        """``G(z)`` of update ``draw``; a discriminator update leaves G's weights as they were.

        Keras' ``SpectralNormalization`` renormalises its kernel in place when
        called in training mode. G runs in training mode in the discriminator
        updates too (its batch norm uses batch statistics), so there the
        kernels of G's spectral norms are put back after the forward pass:
        only the generator's own update changes the generator's weights.
        """
        z = self.latents_for(batch, draw)
        if not training or draw == self.generator_draw:
            return self.generator(z, training=training)
        kernels = [layer.kernel for layer in self.generator._flatten_layers(include_self=False)
                   if isinstance(layer, keras.layers.SpectralNormalization)]
        saved = [ops.copy(kernel.value) for kernel in kernels]
        fake = ops.stop_gradient(self.generator(z, training=True))
        for kernel, value in zip(kernels, saved):
            kernel.assign(value)
        return fake

    def train_step(self, data):
        """The GAN step, then the attention ``gamma`` of both networks into their trackers."""
        logs = super().train_step(data)
        for key, value in self.attention_gammas().items():
            self.trackers[key].update_state(value)
            logs[key] = self.trackers[key].result()
        return logs

    @classmethod
    def build_default_model(cls, data_spec, latent_dim=None, base_filters=64, attention_size=None,
                            **kwargs):
        """SAGAN's networks for an image data set (see :meth:`GAN.build_default_model`).

        Args:
            data_spec: a :class:`kerasgan.data.DataSpec` of kind ``"image"``.
            latent_dim: size of ``z`` (default 128, the paper's).
            base_filters: filters of G's last and D's first block.
            attention_size: side of the attended feature maps (``None``: half
                the image side).
            **kwargs: family arguments (``loss``, ``d_steps``, ``seed`` ...).
        """
        from kerasgan import nets

        cls.check_data(data_spec)
        latent_dim = latent_dim or 128
        size, _, channels = data_spec.shape
        generator = nets.sagan_generator(latent_dim=latent_dim, image_size=size, channels=channels,
                                         base_filters=base_filters, attention_size=attention_size)
        discriminator = nets.sagan_discriminator(image_size=size, channels=channels,
                                                 base_filters=base_filters, attention_size=attention_size)
        return cls(generator, discriminator, latent_dim=latent_dim, **kwargs)

    @classmethod
    def build_tiny(cls, seed=7, **kwargs):
        """SAGAN nets with 4 base filters on 8x8 grey images (attention at 4x4)."""
        from kerasgan import nets
        from kerasgan.data import DataSpec

        keras.utils.set_random_seed(seed)
        generator = nets.sagan_generator(latent_dim=8, image_size=8, channels=1, base_filters=4)
        discriminator = nets.sagan_discriminator(image_size=8, channels=1, base_filters=4)
        model = cls(generator, discriminator, seed=seed, **kwargs)
        return model, DataSpec("tiny-images", "image", (8, 8, 1))
