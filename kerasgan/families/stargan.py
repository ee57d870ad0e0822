"""StarGAN (Choi et al., 2018)."""

import keras
import numpy as np
from keras import ops

from kerasgan.core import losses as losses_module
from kerasgan.core.conditioning import as_labels, check_label_range, class_cross_entropy, per_sample_l1
from kerasgan.core.penalties import gradient_penalty
from kerasgan.core.reduction import replica_mean
from kerasgan.core.translation import ImageTranslationModel
from kerasgan.families import register


@register("stargan")
class StarGAN(ImageTranslationModel):
    """Multi-domain image translation (Choi et al. 2018, arXiv:1711.09020).

    One generator ``G(x, c)`` translates an image into target domain ``c``;
    the discriminator has a source head (a PatchGAN-style logit map) and a
    domain-classification head. Losses, as in the paper:

    - D: WGAN-GP adversarial loss (``gp_weight`` 10) + ``cls_weight`` x the
      domain cross-entropy of *real* images with their true domain;
    - G: ``-D(G(x, c))`` + ``cls_weight`` x the domain cross-entropy of the
      fake with ``c`` + ``rec_weight`` (10) x ``|G(G(x, c), c_orig) - x|``
      + ``id_weight`` x ``|G(x, c_orig) - x|``: the translation to the
      input's own domain must give the input back. The paper has no such
      term (``id_weight=0`` is the paper's loss); it is CycleGAN's identity
      loss for one generator, and the recipe turns it on
      (``kerasgan/recipes/stargan.yaml`` says why). The own-domain error is
      logged as ``own_domain`` either way.

    Target domains are drawn uniformly for each image. Defaults: ``d_steps=5``,
    ``cls_weight=1``, Adam(1e-4, beta_1=0.5, beta_2=0.999). Domains are single
    class labels (one attribute with ``num_domains`` values); the paper's
    multi-attribute CelebA labels are not supported yet.

    Args:
        generator: model with inputs ``image`` and ``domain`` (int32).
        discriminator: image -> dict with ``logits`` and ``domain_logits``.
        num_domains: number of domains.
        cls_weight, rec_weight, gp_weight: loss weights (1, 10, 10).
        id_weight: weight of the own-domain (identity) loss (0: off).
        **kwargs: ``d_steps``, ``seed``, ``name``.
    """

    default_d_steps = 5
    needs_labels = True
    data_kinds = ("image",)
    data_hint = "images labelled with their domain (digits-domains, or a labelled set such as digits)"
    metric_names = ("d_loss", "g_loss", "wasserstein", "gradient_penalty", "d_domain_loss",
                    "g_domain_loss", "reconstruction", "own_domain")

    def __init__(self, generator, discriminator, num_domains, *, cls_weight=1.0, rec_weight=10.0,
                 gp_weight=10.0, id_weight=0.0, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.num_domains = int(num_domains)
        if self.num_domains < 2:
            raise ValueError(f"num_domains must be >= 2, got {num_domains!r}.")
        self.cls_weight = float(cls_weight)
        self.rec_weight = float(rec_weight)
        self.gp_weight = float(gp_weight)
        self.id_weight = float(id_weight)
        if self.id_weight < 0:
            raise ValueError(f"id_weight must be >= 0 (0 turns the own-domain loss off), got {id_weight!r}.")
        self.adversarial_loss = losses_module.get("wasserstein")

    @classmethod
    def default_optimizers(cls):
        """Adam(1e-4, beta_1=0.5, beta_2=0.999) for both networks, as in the paper."""
        return (
            keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.999),
            keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.999),
        )

    def unpack_batch(self, data):
        """Batches of images with their domain: ``(x, domain)`` or ``{"x", "domain"}``."""
        if isinstance(data, dict) and {"x", "domain"} <= set(data):
            return {"real": data["x"], "domains": as_labels(data["domain"])}
        if isinstance(data, (tuple, list)) and len(data) == 2:
            return {"real": data[0], "domains": as_labels(data[1])}
        raise ValueError(
            "StarGAN trains on (image, domain) batches; load a labelled set with "
            "kerasgan.data.load(name, with_labels=True), e.g. digits-domains."
        )

    def _translate(self, images, domains, training):
        return self.generator({"image": images, "domain": domains}, training=training)

    def _targets(self, batch, draw):
        return self.random_labels(ops.shape(batch["real"])[0], self.num_domains, draw, stream=5)

    def _critic(self, images, training=True):
        return self.discriminator(images, training=training)["logits"]

    def discriminator_terms(self, batch, draw, training=True):
        """WGAN-GP critic loss + domain classification of real images."""
        real = batch["real"]
        fake = ops.stop_gradient(self._translate(real, self._targets(batch, draw), training))
        real_out = self.discriminator(real, training=training)
        fake_out = self.discriminator(fake, training=training)
        adversarial = replica_mean(
            self.adversarial_loss.discriminator_loss(real_out["logits"], fake_out["logits"])
        )
        alpha = self.random_uniform((ops.shape(real)[0],), draw, stream=1)
        gp = replica_mean(gradient_penalty(self._critic, real, fake, alpha, training=training))
        domain = replica_mean(class_cross_entropy(batch["domains"], real_out["domain_logits"]))
        return {
            "d_loss": adversarial + self.gp_weight * gp + self.cls_weight * domain,
            "wasserstein": -adversarial,
            "gradient_penalty": gp,
            "d_domain_loss": domain,
        }

    def generator_terms(self, batch, training=True):
        """Adversarial + domain classification of fakes + reconstruction."""
        real, original = batch["real"], batch["domains"]
        targets = self._targets(batch, self.d_steps)
        fake = self._translate(real, targets, training)
        out = self.discriminator(fake, training=training)
        adversarial = replica_mean(self.adversarial_loss.generator_loss(out["logits"]))
        domain = replica_mean(class_cross_entropy(targets, out["domain_logits"]))
        reconstruction = replica_mean(per_sample_l1(self._translate(fake, original, training), real))
        own = replica_mean(per_sample_l1(self._translate(real, original, training), real))
        g_loss = adversarial + self.cls_weight * domain + self.rec_weight * reconstruction
        if self.id_weight:
            g_loss = g_loss + self.id_weight * own
        return {
            "g_loss": g_loss,
            "g_domain_loss": domain,
            "reconstruction": reconstruction,
            "own_domain": own,
        }

    def translator_for(self, images, domains=None):
        """The generator with target ``domains`` (one int or one per image; required)."""
        if domains is None:
            raise TypeError("StarGAN.translate() needs domains=... (the target domain of each image).")
        domains = np.broadcast_to(np.asarray(domains), (len(images),))
        domains = check_label_range(domains, self.num_domains, "domain")
        return self.generator, {"image": images, "domain": domains}

    @property
    def serving_kind(self):
        """Exported signatures take an ``image`` and a target domain ``label``."""
        return "translation_domain"

    def conditions(self):
        """Translations target one of ``num_domains`` ``domains``."""
        return {"domains": self.num_domains}

    def picture_columns(self, preview, domains=None):
        """The input, then its translation to each target domain (every domain by default)."""
        x = preview["x"]
        targets = range(self.num_domains) if domains is None else domains
        return [x] + [self.translate(x, domains=int(d)) for d in targets]

    @classmethod
    def build_tiny(cls, seed=7, **kwargs):
        """A one-block ResNet generator and a StarGAN critic (4 base filters), 3 domains, 16 px."""
        import keras

        from kerasgan import nets
        from kerasgan.data import DataSpec

        keras.utils.set_random_seed(seed)
        generator = nets.resnet_generator(
            image_size=16, in_channels=1, out_channels=1, base_filters=4, num_blocks=1, num_domains=3
        )
        discriminator = nets.stargan_discriminator(
            image_size=16, channels=1, num_domains=3, base_filters=4
        )
        spec = DataSpec("tiny-domains", "image", (16, 16, 1), 3)
        return cls(generator, discriminator, 3, seed=seed, **kwargs), spec

    def get_config(self):
        """Adds the domain count and loss weights."""
        return {
            **super().get_config(),
            "num_domains": self.num_domains,
            "cls_weight": self.cls_weight,
            "rec_weight": self.rec_weight,
            "gp_weight": self.gp_weight,
            "id_weight": self.id_weight,
        }

    @classmethod
    def build_default_model(cls, data_spec, latent_dim=None, **kwargs):
        """ResNet generator with a domain input and the StarGAN discriminator."""
        from kerasgan import nets

        if data_spec.kind != "image" or not data_spec.num_classes:
            raise ValueError(
                f"StarGAN needs images labelled with their domain (e.g. digits-domains); "
                f"{data_spec.name!r} is {data_spec.kind!r} with num_classes={data_spec.num_classes}."
            )
        size, _, channels = data_spec.shape
        k = int(data_spec.num_classes)
        base = 64 if size >= 64 else 32
        g = nets.resnet_generator(image_size=size, in_channels=channels, out_channels=channels,
                                  base_filters=base, num_domains=k)
        d = nets.stargan_discriminator(image_size=size, channels=channels, num_domains=k, base_filters=base)
        return cls(g, d, k, **kwargs)
