"""pix2pix (Isola et al., 2017)."""

from keras import ops

from kerasgan.core import losses as losses_module
from kerasgan.core.conditioning import per_sample_l1
from kerasgan.core.reduction import replica_mean
from kerasgan.core.translation import ImageTranslationModel
from kerasgan.families import register


@register("pix2pix")
class Pix2Pix(ImageTranslationModel):
    """Paired image-to-image translation (Isola et al. 2017, arXiv:1611.07004).

    A U-Net generator ``G(x)`` and a PatchGAN discriminator ``D(y, x)`` that
    scores (output, input) pairs patch by patch. D minimises half the usual
    GAN loss on (real target, input) vs (G(x), input); G minimises the
    non-saturating adversarial loss plus ``l1_weight * |G(x) - y|``.
    The paper's defaults: ``l1_weight=100``, Adam(2e-4, beta_1=0.5), one D
    step per G step, dropout in the U-Net decoder as the noise source.

    Args:
        generator: image -> image model (input ``image``).
        discriminator: model with inputs ``image`` (output or target) and
            ``condition`` (the input image) returning a logit map.
        l1_weight: weight of the L1 reconstruction term (100).
        loss: adversarial loss name (``non_saturating``).
        **kwargs: ``d_steps``, ``seed``, ``name``.
    """

    metric_names = ("d_loss", "g_loss", "l1")
    data_kinds = ("paired",)
    data_hint = "a paired data set (digits-edges, digits-inverse, pairs:PATH)"

    def __init__(self, generator, discriminator, *, l1_weight=100.0, loss="non_saturating", **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.l1_weight = float(l1_weight)
        self.loss_name = losses_module.get(loss).name
        self.adversarial_loss = losses_module.get(self.loss_name)

    def unpack_batch(self, data):
        """Paired batches: ``(source, target)`` or ``{"source", "target"}``."""
        if isinstance(data, dict) and {"source", "target"} <= set(data):
            return {"source": data["source"], "target": data["target"]}
        if isinstance(data, (tuple, list)) and len(data) == 2:
            return {"source": data[0], "target": data[1]}
        raise ValueError(
            "Pix2Pix trains on paired batches (source, target); load a paired data set "
            "such as digits-edges, digits-inverse or pairs:PATH."
        )

    def _score(self, image, source, training):
        return self.discriminator({"image": image, "condition": source}, training=training)

    def discriminator_terms(self, batch, draw, training=True):
        """Half the GAN loss on real vs generated pairs."""
        source, target = batch["source"], batch["target"]
        fake = ops.stop_gradient(self.generator(source, training=training))
        loss = self.adversarial_loss.discriminator_loss(
            self._score(target, source, training), self._score(fake, source, training)
        )
        return {"d_loss": 0.5 * replica_mean(loss)}

    def generator_terms(self, batch, training=True):
        """Adversarial loss plus ``l1_weight`` times the L1 error to the target."""
        source, target = batch["source"], batch["target"]
        fake = self.generator(source, training=training)
        adversarial = replica_mean(self.adversarial_loss.generator_loss(self._score(fake, source, training)))
        l1 = replica_mean(per_sample_l1(fake, target))
        return {"g_loss": adversarial + self.l1_weight * l1, "l1": l1}

    def picture_columns(self, preview, **conditions):
        """[source | translation | target] of a paired preview batch ([x | translation] of ``{"x"}``)."""
        if "source" not in preview:
            return super().picture_columns(preview, **conditions)
        source = preview["source"]
        return [source, self.translate(source, **conditions), preview["target"]]

    @classmethod
    def build_tiny(cls, seed=7, **kwargs):
        """A U-Net (4 base filters, no dropout) and a PatchGAN on 16 px pairs."""
        import keras

        from kerasgan import nets
        from kerasgan.data import DataSpec

        keras.utils.set_random_seed(seed)
        generator = nets.unet_generator(
            image_size=16, in_channels=1, out_channels=1, base_filters=4, dropout=0.0
        )
        discriminator = nets.patchgan_discriminator(
            image_size=16, channels=1, condition_channels=1, base_filters=4, norm="none"
        )
        spec = DataSpec("tiny-pairs", "paired", (16, 16, 1), target_shape=(16, 16, 1))
        return cls(generator, discriminator, seed=seed, **kwargs), spec

    def get_config(self):
        """Adds ``l1_weight`` and ``loss``."""
        return {**super().get_config(), "l1_weight": self.l1_weight, "loss": self.loss_name}

    @classmethod
    def build_default_model(cls, data_spec, latent_dim=None, **kwargs):
        """U-Net generator and conditional PatchGAN sized for a paired data set."""
        from kerasgan import nets

        if data_spec.kind != "paired":
            raise ValueError(f"Pix2Pix needs a paired data set; {data_spec.name!r} is {data_spec.kind!r}.")
        size, _, in_channels = data_spec.shape
        out_channels = data_spec.target_shape[-1]
        base = 64 if size >= 64 else 32
        g = nets.unet_generator(image_size=size, in_channels=in_channels, out_channels=out_channels, base_filters=base)
        d = nets.patchgan_discriminator(
            image_size=size, channels=out_channels, condition_channels=in_channels, base_filters=base
        )
        return cls(g, d, **kwargs)
