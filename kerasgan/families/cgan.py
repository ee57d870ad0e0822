"""Conditional GAN (Mirza & Osindero, 2014) with the matching-aware D term."""

import keras
import numpy as np

from kerasgan.core.conditioning import (
    as_labels,
    batched_numpy,
    check_label_range,
    image_shape_of,
    labelled_num_classes,
)
from kerasgan.core.contract import SamplePicture, rows_of_codes
from kerasgan.core.gan import GAN
from kerasgan.core.reduction import replica_mean
from kerasgan.families import register


def _unpack_labelled(model, data):
    """(x, y) / {"x", "labels"[, "latents"]} batches -> terms dict, with a clear error."""
    if isinstance(data, dict) and "x" in data and "labels" in data:
        return {"real": data["x"], "labels": as_labels(data["labels"]), "latents": data.get("latents")}
    if isinstance(data, (tuple, list)) and len(data) >= 2:
        return {"real": data[0], "labels": as_labels(data[1]), "latents": None}
    raise ValueError(
        f"{type(model).__name__} trains on labelled batches (x, labels); got unlabelled data. "
        "Load it with kerasgan.data.load(name, with_labels=True)."
    )


class _LabelConditional(GAN):
    """Shared by label-conditional families: labelled batches, G(z, label), generate(labels=...)."""

    #: Structural remedies do not apply (the discriminator takes (x, label)); the look-ahead does.
    applicable_remedies = ("unroll_steps",)
    needs_labels = True
    data_hint = "a labelled data set (digits, ring8, grid25, digits-domains, mnist, ...)"
    zoo_metrics = {"points": ("modes",), "image": ("fid", "kid", "is", "modes", "class_accuracy")}

    def __init__(self, generator, discriminator, num_classes, latent_dim=None, **kwargs):
        self.num_classes = int(num_classes)
        if self.num_classes < 2:
            raise ValueError(f"num_classes must be >= 2, got {num_classes!r}.")
        super().__init__(generator, discriminator, latent_dim, **kwargs)

    def _infer_latent_dim(self):
        by_name = {tensor.name: tensor for tensor in self.generator.inputs}
        if "z" not in by_name:
            raise ValueError(
                f"The generator needs inputs named 'z' and 'label'; it has {sorted(by_name)}."
            )
        return int(by_name["z"].shape[-1])

    def unpack_batch(self, data):
        """Labelled batches: ``(x, labels)`` or ``{"x", "labels"[, "latents"]}``."""
        return _unpack_labelled(self, data)

    def generate_conditioned(self, z, labels, training=False):
        """Runs the generator on latents and labels."""
        return self.generator({"z": z, "label": labels}, training=training)

    def generator_output(self, batch, draw, training=True):
        """``G(z, y)`` for update ``draw``'s latents and the batch's labels."""
        return self.generate_conditioned(self.latents_for(batch, draw), batch["labels"], training=training)

    def call(self, inputs, training=False):
        """``model({"z": z, "label": y})`` (or ``(z, y)``) runs the generator."""
        if isinstance(inputs, (tuple, list)):
            inputs = {"z": inputs[0], "label": inputs[1]}
        return self.generator(inputs, training=training)

    def generate(self, n, seed=None, labels=None, batch_size=256):
        """Generates ``n`` samples for the given labels (default: 0, 1, ..., cycling).

        Args:
            n: number of samples.
            seed: integer seed of the latents.
            labels: int class per sample, length ``n`` (or one int for all).
            batch_size: generator batch size.

        Returns:
            ``np.ndarray`` of samples, float32: images in [-1, 1] (the
            exported SavedModel and ONNX ``images`` are in [0, 1]), points as
            coordinates.
        """
        if labels is None:
            labels = np.arange(int(n)) % self.num_classes
        labels = np.broadcast_to(np.asarray(labels), (int(n),))
        labels = check_label_range(labels, self.num_classes)
        if seed is None:
            seed = int(np.random.default_rng().integers(2**31))
        z = np.asarray(self.sample_latents_for_seed(int(n), seed))
        return batched_numpy(
            lambda b: self.generator(b, training=False), {"z": z, "label": labels}, batch_size
        )

    @property
    def serving_kind(self):
        """Exported signatures take a ``label`` input."""
        return "labels"

    def conditions(self):
        """Samples are conditioned on ``labels`` (``num_classes`` values)."""
        return {"labels": self.num_classes}

    def sample_picture(self, seed, n=None, preview=None, labels=None):
        """A grid with one row per class (every class by default, at most 20 rows)."""
        values, per_row = rows_of_codes(self.num_classes, labels, n)
        return SamplePicture("grid", self.generate(len(values), seed=seed, labels=values), per_row)

    @classmethod
    def build_tiny(cls, seed=7, **kwargs):
        """Conditional DCGAN nets (4 base filters) on 16 px images of 3 classes."""
        import keras

        from kerasgan import nets
        from kerasgan.data import DataSpec

        keras.utils.set_random_seed(seed)
        spec = DataSpec("tiny-labelled", "image", (16, 16, 1), 3)
        generator = nets.conditional_dcgan_generator(
            latent_dim=4, num_classes=3, image_size=16, base_filters=4
        )
        discriminator = cls.tiny_discriminator()
        return cls(generator, discriminator, 3, seed=seed, **kwargs), spec

    @classmethod
    def tiny_discriminator(cls):
        """The discriminator of :meth:`build_tiny` (a projection D, no batch norm)."""
        from kerasgan import nets

        return nets.conditional_dcgan_discriminator(
            image_size=16, num_classes=3, base_filters=4, norm="none"
        )

    def get_config(self):
        """Adds ``num_classes`` to the base config."""
        return {**super().get_config(), "num_classes": self.num_classes}


@register("cgan")
class CGAN(_LabelConditional):
    """Label-conditional GAN (Mirza & Osindero 2014, arXiv:1411.1784).

    ``G(z, y)`` generates a sample of class ``y``; ``D(x, y)`` scores the pair.
    As in the seed notes (and Reed et al. 2016's matching-aware
    discriminator), D also learns to reject *real* images paired with a wrong
    label, so it cannot ignore the label: the D loss is
    ``real_term(x, y) + 0.5 * (fake_term(G(z, y), y) + fake_term(x, y_wrong))``
    with ``y_wrong`` uniform over the other classes. ``mismatch_term=False``
    gives the plain conditional GAN. Fakes use the real batch's labels.
    Defaults: non-saturating loss, Adam(2e-4, beta_1=0.5), projection
    discriminator (Miyato & Koyama 2018) from ``build_for_data``
    (``discriminator_mode="concat"`` for input concatenation).

    Args:
        generator: model with inputs ``z`` and ``label``.
        discriminator: model with inputs ``image`` (or ``x``) and ``label`` -> logits.
        num_classes: number of classes.
        mismatch_term: train D to reject real samples with wrong labels (True).
        **kwargs: see :class:`kerasgan.core.GAN`.
    """


    def __init__(self, generator, discriminator, num_classes, latent_dim=None, *, mismatch_term=True, **kwargs):
        self.mismatch_term = bool(mismatch_term)
        super().__init__(generator, discriminator, num_classes, latent_dim, **kwargs)
        names = [tensor.name for tensor in self.discriminator.inputs]
        if "label" not in names or len(names) != 2:
            raise ValueError(f"The discriminator needs a sample input and 'label'; it has {names}.")
        self._sample_key = next(name for name in names if name != "label")

    def _score(self, x, labels, training):
        return self.discriminator({self._sample_key: x, "label": labels}, training=training)

    def discriminator_terms(self, batch, draw, training=True):
        """Real/fake terms and, optionally, the mismatched-label term."""
        real, labels = batch["real"], batch["labels"]
        fake = keras.ops.stop_gradient(self.generated(batch, draw, training=training))
        real_logits = self._score(real, labels, training)
        fake_logits = self._score(fake, labels, training)
        loss = self.adversarial_loss.discriminator_loss(real_logits, fake_logits)
        if self.mismatch_term:
            shift = self.random_labels(keras.ops.shape(labels)[0], self.num_classes - 1, draw, stream=2)
            wrong = (labels + 1 + shift) % self.num_classes
            mismatch_logits = self._score(real, wrong, training)
            loss = 0.5 * loss + 0.5 * self.adversarial_loss.discriminator_loss(real_logits, mismatch_logits)
        d_loss = replica_mean(loss)
        return {"d_loss": d_loss}

    def generator_terms(self, batch, training=True):
        """Adversarial generator loss on fakes of the batch's labels."""
        labels = batch["labels"]
        fake = self.generated(batch, self.generator_draw, training=training)
        logits = self._score(fake, labels, training and self.discriminator_training_in_generator_update)
        return {"g_loss": replica_mean(self.adversarial_loss.generator_loss(logits))}

    def get_config(self):
        """Adds ``mismatch_term``."""
        return {**super().get_config(), "mismatch_term": self.mismatch_term}

    @classmethod
    def build_default_model(cls, data_spec, latent_dim=None, discriminator_mode="projection", **kwargs):
        """Conditional MLP nets for points, conditional DCGAN nets for images."""
        from kerasgan import nets

        k = labelled_num_classes(data_spec)
        if data_spec.kind == "points":
            latent_dim = latent_dim or 2
            dim = data_spec.shape[-1]
            g = nets.conditional_mlp_generator(latent_dim=latent_dim, num_classes=k, output_dim=dim)
            d = nets.conditional_mlp_discriminator(input_dim=dim, num_classes=k, mode=discriminator_mode)
        else:
            latent_dim = latent_dim or 100
            size, _, channels = image_shape_of(data_spec)
            g = nets.conditional_dcgan_generator(latent_dim=latent_dim, num_classes=k, image_size=size, channels=channels)
            d = nets.conditional_dcgan_discriminator(
                image_size=size, channels=channels, num_classes=k, mode=discriminator_mode
            )
        return cls(g, d, k, latent_dim=latent_dim, **kwargs)

