"""Base of the image-to-image families (pix2pix, CycleGAN, StarGAN)."""

from __future__ import annotations

import numpy as np

from kerasgan.core.adversarial import AdversarialModel
from kerasgan.core.conditioning import batched_numpy


class ImageTranslationModel(AdversarialModel):
    """An adversarial model whose generator maps images to images.

    Subclasses set :attr:`generator_keys` / :attr:`discriminator_keys` and the
    loss terms; this class gives them ``call`` / ``predict`` on images and
    :meth:`translate` on numpy arrays.
    """

    #: Attribute name of the generator ``call`` and ``translate`` run.
    translator_key = "generator"
    sampling = "translation"
    zoo_metrics = {kind: ("task_l1", "content_kept") for kind in ("paired", "unpaired", "image")}

    @property
    def serving_kind(self):
        """Exported signatures take an ``image``."""
        return "translation"

    def serving_generators(self):
        """The translator network (``serving_default``)."""
        return [(None, getattr(self, self.translator_key))]

    def call(self, inputs, training=False):
        """Runs the main generator: ``model(images)`` translates."""
        return getattr(self, self.translator_key)(inputs, training=training)

    def translator_for(self, images, **conditions):
        """The generator and its inputs that translate ``images``.

        Subclasses add conditions (a direction, a target domain).

        Returns:
            ``(network, inputs dict)``.
        """
        if conditions:
            raise TypeError(f"{type(self).__name__}.translate() takes no {sorted(conditions)}.")
        return getattr(self, self.translator_key), {"image": images}

    def translate(self, images, batch_size=64, **conditions):
        """Translates a numpy batch of images in [-1, 1] (NHWC).

        Args:
            images: float array (N, H, W, C).
            batch_size: generator batch size.
            **conditions: family-specific inputs (CycleGAN's ``direction``,
                StarGAN's ``domains``).

        Returns:
            Translated images, float32 numpy, in [-1, 1] (the exported
            SavedModel and ONNX ``images`` are in [0, 1]).
        """
        images = np.asarray(images, dtype="float32")
        network, inputs = self.translator_for(images, **conditions)
        expected = tuple(network.inputs[0].shape[1:])
        if images.ndim != 4 or tuple(images.shape[1:]) != expected:
            raise ValueError(
                f"{type(self).__name__} translates images of shape (N,) + {expected}; "
                f"got {images.shape}. Resize them (kerasgan.data.load(..., image_size=...))."
            )
        if len(network.inputs) == 1:  # a single-input model takes the array itself
            return batched_numpy(lambda b: network(b["image"], training=False), inputs, batch_size)
        return batched_numpy(lambda b: network(b, training=False), inputs, batch_size)

    def generate(self, n, seed=None, **kwargs):
        """Image-to-image models do not sample from noise; use :meth:`translate`."""
        raise TypeError(
            f"{type(self).__name__} translates images rather than sampling noise: call "
            "model.translate(images) (CLI: kerasgan sample MODEL --input DIR)."
        )
