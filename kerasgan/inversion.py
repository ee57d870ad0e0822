"""Going back from a sample to its latent: inversion, completion, attribute vectors.

Works with every family whose generator maps a latent vector alone to a
sample (``model.sampling == "noise"`` and a one-input generator: gan, dcgan,
wgan, wgan_gp, lsgan, sngan, infogan's full code vector, vaegan and bigan,
and plugins of that shape). Images are in the model's own range (the data
pipeline's [-1, 1]). Families with an encoder (a ``model.encode`` method)
start the search from its latents.

The search is itself a small Keras model: the latents are its only weights,
the generator is frozen, and ``fit`` runs Adam on a masked pixel distance
(plus an optional feature distance and a pull towards the prior), a batch of
images at a time.

Example:
    >>> from kerasgan import zoo, inversion
    >>> model = zoo.load("dcgan-digits")
    >>> z = inversion.invert(model, images, steps=300)
    >>> filled = inversion.complete(model, images, mask)
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from kerasgan.core import backend
from kerasgan.core.encoding import checked_samples

#: Random starting latents tried per image when the family has no encoder.
DEFAULT_STARTS = 8
_START_SEED_STRIDE = 7919


def _check_model(model):
    generator = getattr(model, "generator", None)
    if getattr(model, "sampling", None) != "noise" or generator is None or len(generator.inputs) != 1:
        name = getattr(model, "family_name", None) or type(model).__name__
        raise ValueError(
            f"inversion needs a family whose generator maps a latent vector alone to a sample; "
            f"{name} does not (its generator takes {_inputs_text(generator)}). Use an "
            "unconditional family such as dcgan or wgan_gp.")
    return generator


def _inputs_text(generator):
    if generator is None or not getattr(generator, "inputs", None):
        return "no latent input"
    return ", ".join(str(tuple(t.shape)) for t in generator.inputs)


def _as_batch(model, images, what="images"):
    return checked_samples(images, model.generator.outputs[0].shape[1:], "the generator makes", what)


def _as_mask(mask, images):
    if mask is None:
        return np.ones_like(images)
    mask = np.asarray(mask, dtype="float32")
    try:
        mask = np.broadcast_to(mask, images.shape).copy()
    except ValueError:
        raise ValueError(f"mask of shape {mask.shape} does not broadcast to the images' "
                         f"{images.shape}; give 1 for known and 0 for hidden values.") from None
    if not np.isin(mask, (0.0, 1.0)).all():
        raise ValueError("mask values must be 0 (hidden) or 1 (known).")
    return mask


class LatentSearch(keras.Model):
    """A Keras model whose only weights are the latents of a batch of targets.

    ``fit`` on ``(targets, mask)`` batches moves the latents so that the frozen
    generator's outputs match the targets where ``mask`` is 1.

    Args:
        generator: the frozen generator (a Keras model ``z -> sample``).
        initial: float32 array ``(batch, latent_dim)``, the starting latents.
        distance: ``"l2"`` (mean squared error) or ``"l1"`` (mean absolute error) in pixels.
        feature_model: optional Keras model; the mean squared distance of its
            outputs on generated and target samples is added (unmasked).
        feature_weight: weight of that feature distance.
        prior_weight: weight of ``mean(z**2)``, a pull towards the prior's bulk.
    """

    def __init__(self, generator, initial, distance="l2", feature_model=None,
                 feature_weight=1.0, prior_weight=0.0, **kwargs):
        super().__init__(**kwargs)
        if distance not in ("l2", "l1"):
            raise ValueError(f"distance must be 'l2' or 'l1', got {distance!r}.")
        self.generator, self.feature_model = generator, feature_model
        self.distance, self.feature_weight, self.prior_weight = distance, feature_weight, prior_weight
        self.z = self.add_weight(shape=initial.shape, initializer="zeros", name="z", dtype="float32")
        self.z.assign(initial)
        self.loss_tracker = keras.metrics.Mean(name="loss")

    @property
    def metrics(self):
        """The loss tracker (reset by ``fit`` each epoch)."""
        return [self.loss_tracker]

    def call(self, z, training=False):
        """The generator's float32 output for ``z``."""
        return ops.cast(self.generator(z, training=False), "float32")

    def per_sample_loss(self, targets, mask):
        """Distance of each generated sample to its target (a ``(batch,)`` tensor)."""
        generated = self(self.z)
        difference = (generated - targets) * mask
        error = ops.square(difference) if self.distance == "l2" else ops.abs(difference)
        axes = tuple(range(1, len(targets.shape)))
        known = ops.maximum(ops.sum(mask, axis=axes), 1.0)
        loss = ops.sum(error, axis=axes) / known
        if self.feature_model is not None:
            a = ops.cast(self.feature_model(generated, training=False), "float32")
            b = ops.cast(self.feature_model(targets, training=False), "float32")
            feature_axes = tuple(range(1, len(a.shape)))
            loss = loss + self.feature_weight * ops.mean(ops.square(a - b), axis=feature_axes)
        if self.prior_weight:
            loss = loss + self.prior_weight * ops.mean(ops.square(self.z), axis=1)
        return loss

    def train_step(self, data):
        """One Adam step on the latents only."""
        targets, mask = data

        def terms():
            return {"loss": ops.sum(self.per_sample_loss(targets, mask))}

        result = backend.gradient_step(self.optimizer, [self.z], terms, "loss")
        self.loss_tracker.update_state(result["loss"] / ops.cast(ops.shape(targets)[0], "float32"))
        return {"loss": self.loss_tracker.result()}


def _repeat(targets, mask, steps):
    for _ in range(steps):
        yield targets, mask


def _starting_latents(model, generator, targets, mask, seed, starts, encoder, distance):
    """The encoder's latents, or per target the best of ``starts`` seeded draws."""
    if encoder is None and hasattr(model, "encode"):
        encoder = model.encode
    if encoder is not None:
        z = encoder(targets)
        return np.asarray(ops.convert_to_numpy(z), dtype="float32").reshape(len(targets), -1)
    n = len(targets)
    candidates = np.stack([  # start k draws from its own seed; start 0 is what starts=1 gives
        np.asarray(ops.convert_to_numpy(model.latents_from_seed(n, seed + _START_SEED_STRIDE * k)),
                   dtype="float32") for k in range(starts)])
    search = LatentSearch(generator, candidates[0], distance=distance)
    losses = []
    for candidate in candidates:
        search.z.assign(candidate)
        losses.append(ops.convert_to_numpy(search.per_sample_loss(targets, mask)))
    best = np.argmin(np.stack(losses), axis=0)
    return candidates[best, np.arange(n)]


def invert(model, images, steps=300, *, mask=None, seed=0, encoder=None, learning_rate=0.05,
           distance="l2", feature_model=None, feature_weight=1.0, prior_weight=0.0,
           starts=DEFAULT_STARTS, batch_size=256, verbose="auto"):
    """Latents whose generated samples match ``images``, found by gradient descent on z.

    Args:
        model: a trained kerasgan model of a noise-input family.
        images: array ``(n,) + sample shape`` in the model's range ([-1, 1] for images).
        steps: Adam steps per batch of images.
        mask: optional 1 (known) / 0 (hidden) array broadcastable to ``images``;
            the distance counts known values only.
        seed: seed of the random starting latents.
        encoder: callable ``images -> z`` giving the starting latents (default:
            the model's ``encode`` when it has one, else the best of ``starts``
            random draws per image).
        learning_rate: Adam's learning rate on z.
        distance: ``"l2"`` or ``"l1"`` in pixels.
        feature_model: optional Keras model adding a feature-space distance.
        feature_weight: weight of the feature distance.
        prior_weight: weight of ``mean(z**2)`` (0: none).
        starts: random starting draws tried per image without an encoder.
        batch_size: images optimised together.
        verbose: ``"auto"`` (a progress bar over batches when there are
            1,000 steps or more in all), 0 or 1.

    Returns:
        float32 array ``(n, latent_dim)``.

    Raises:
        ValueError: a family the search does not apply to, images of the wrong
            shape, or a bad mask.
    """
    generator = _check_model(model)
    images = _as_batch(model, images)
    mask = _as_mask(mask, images)
    if steps < 0 or starts < 1 or batch_size < 1:
        raise ValueError("steps must be >= 0, starts and batch_size >= 1.")
    chunks = range(0, len(images), batch_size)
    if verbose == "auto":
        verbose = int(steps * len(chunks) >= 1000)
    progress = keras.utils.Progbar(len(chunks), unit_name="batch") if verbose else None
    found = []
    for index, start in enumerate(chunks):
        targets, known = images[start:start + batch_size], mask[start:start + batch_size]
        initial = _starting_latents(model, generator, targets, known, seed + index, starts, encoder,
                                    distance)
        search = LatentSearch(generator, initial, distance, feature_model, feature_weight,
                              prior_weight)
        if steps:
            search.compile(optimizer=keras.optimizers.Adam(learning_rate), jit_compile=False)
            search.fit(_repeat(targets, known, steps), steps_per_epoch=steps, epochs=1,
                       shuffle=False, verbose=0)
        found.append(ops.convert_to_numpy(search.z))
        if progress is not None:
            progress.update(index + 1)
    return np.concatenate(found).astype("float32")


def regenerate(model, z, batch_size=256):
    """The model's samples for latents ``z`` (numpy, the model's range)."""
    generator = _check_model(model)
    z = np.asarray(z, dtype="float32")
    return np.concatenate([
        np.asarray(ops.convert_to_numpy(generator(z[i:i + batch_size], training=False)), "float32")
        for i in range(0, len(z), batch_size)])


def complete(model, images, mask, steps=300, **invert_kwargs):
    """Image completion: fills the hidden values of ``images`` from the model.

    Inverts on the known values only (``mask`` 1), then takes the hidden values
    from the generated sample; the known values are returned unchanged.

    Args:
        model: a trained kerasgan model of a noise-input family.
        images: array ``(n,) + sample shape`` in the model's range.
        mask: 1 (known) / 0 (hidden), broadcastable to ``images``.
        steps: Adam steps (see :func:`invert`).
        **invert_kwargs: passed to :func:`invert`.

    Returns:
        float32 array like ``images``.
    """
    images = _as_batch(model, images)
    mask = _as_mask(mask, images)
    generated = regenerate(model, invert(model, images, steps, mask=mask, **invert_kwargs))
    return np.where(mask > 0, images, generated).astype("float32")


def attribute_vector(model, images_with, images_without, **invert_kwargs):
    """Latent direction of an attribute: mean latent of ``images_with`` minus that of ``images_without``.

    Args:
        model: a trained kerasgan model of a noise-input family.
        images_with: samples showing the attribute.
        images_without: samples without it.
        **invert_kwargs: passed to :func:`invert`.

    Returns:
        float32 array ``(latent_dim,)``; add multiples of it to a latent to move
        its sample towards the attribute.
    """
    with_z = invert(model, images_with, **invert_kwargs)
    without_z = invert(model, images_without, **invert_kwargs)
    return (with_z.mean(axis=0) - without_z.mean(axis=0)).astype("float32")


def interpolate(z0, z1, n, method="slerp"):
    """``n`` latents from ``z0`` to ``z1`` inclusive.

    Args:
        z0, z1: latent vectors of the same shape.
        n: number of points (>= 2).
        method: ``"slerp"`` (along the great circle, keeping the norm typical of
            a Gaussian latent; linear when the vectors are parallel) or ``"linear"``.

    Returns:
        float32 array ``(n,) + z0.shape``.
    """
    z0, z1 = np.asarray(z0, "float64"), np.asarray(z1, "float64")
    if z0.shape != z1.shape:
        raise ValueError(f"z0 {z0.shape} and z1 {z1.shape} differ in shape.")
    if n < 2:
        raise ValueError(f"n must be >= 2, got {n}.")
    if method not in ("slerp", "linear"):
        raise ValueError(f"method must be 'slerp' or 'linear', got {method!r}.")
    t = np.linspace(0.0, 1.0, n).reshape((n,) + (1,) * z0.ndim)
    cosine = np.dot(z0.ravel(), z1.ravel()) / max(np.linalg.norm(z0) * np.linalg.norm(z1), 1e-12)
    omega = np.arccos(np.clip(cosine, -1.0, 1.0))
    if method == "linear" or np.sin(omega) < 1e-6:
        return ((1 - t) * z0 + t * z1).astype("float32")
    return ((np.sin((1 - t) * omega) * z0 + np.sin(t * omega) * z1) / np.sin(omega)).astype("float32")
