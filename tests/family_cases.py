"""Tiny models and matching data for the conditional and image-to-image families.

Every case builds a small model and a fixed (unshuffled) data set of the
batch structure that family trains on, so one set of tests can check
training, serialization, precision and distribution for all of them.
"""

import keras
import numpy as np
import tensorflow as tf

from kerasgan import families, nets

SIZE = 16
CLASSES = 3
LATENT = 4
BF = 4  # base filters: tiny nets keep the tests fast


def _images(rng, n, channels=1):
    return rng.uniform(-1, 1, (n, SIZE, SIZE, channels)).astype("float32")


def cgan(seed=7, **kwargs):
    keras.utils.set_random_seed(seed)
    g = nets.conditional_dcgan_generator(latent_dim=LATENT, num_classes=CLASSES, image_size=SIZE, base_filters=BF)
    d = nets.conditional_dcgan_discriminator(
        image_size=SIZE, num_classes=CLASSES, base_filters=BF, norm="none"
    )
    return families.CGAN(g, d, CLASSES, seed=seed, **kwargs)


def acgan(seed=7, **kwargs):
    keras.utils.set_random_seed(seed)
    g = nets.conditional_dcgan_generator(latent_dim=LATENT, num_classes=CLASSES, image_size=SIZE, base_filters=BF)
    d = nets.acgan_discriminator(image_size=SIZE, channels=1, num_classes=CLASSES, base_filters=BF, norm="none")
    return families.ACGAN(g, d, CLASSES, seed=seed, **kwargs)


def infogan(seed=7, **kwargs):
    keras.utils.set_random_seed(seed)
    total = LATENT + CLASSES + 1
    g = nets.dcgan_generator(latent_dim=total, image_size=SIZE, base_filters=BF)
    d = nets.infogan_discriminator(
        image_size=SIZE, channels=1, num_categories=CLASSES, num_continuous=1, base_filters=BF, norm="none"
    )
    return families.InfoGAN(g, d, latent_dim=total, num_categories=CLASSES, num_continuous=1, seed=seed, **kwargs)


def pix2pix(seed=7, **kwargs):
    keras.utils.set_random_seed(seed)
    g = nets.unet_generator(image_size=SIZE, in_channels=1, out_channels=1, base_filters=BF, dropout=0.0)
    d = nets.patchgan_discriminator(image_size=SIZE, channels=1, condition_channels=1, base_filters=BF, norm="none")
    return families.Pix2Pix(g, d, seed=seed, **kwargs)


def cyclegan(seed=7, **kwargs):
    keras.utils.set_random_seed(seed)
    options = {"image_size": SIZE, "base_filters": BF}
    return families.CycleGAN(
        nets.resnet_generator(in_channels=1, out_channels=1, num_blocks=1, name="generator_ab", **options),
        nets.resnet_generator(in_channels=1, out_channels=1, num_blocks=1, name="generator_ba", **options),
        nets.patchgan_discriminator(channels=1, norm="instance", name="discriminator_a", **options),
        nets.patchgan_discriminator(channels=1, norm="instance", name="discriminator_b", **options),
        seed=seed,
        **kwargs,
    )


def stargan(seed=7, **kwargs):
    keras.utils.set_random_seed(seed)
    g = nets.resnet_generator(image_size=SIZE, in_channels=1, out_channels=1, base_filters=BF, num_blocks=1,
                              num_domains=CLASSES)
    d = nets.stargan_discriminator(image_size=SIZE, channels=1, num_domains=CLASSES, base_filters=BF)
    return families.StarGAN(g, d, CLASSES, seed=seed, **kwargs)


def dataset(family, n=16, batch_size=8, seed=0):
    """A fixed data set in the batch structure ``family`` trains on."""
    rng = np.random.default_rng(seed)
    x = _images(rng, n)
    if family in ("cgan", "acgan", "stargan"):
        labels = (np.arange(n) % CLASSES).astype("int32")
        return tf.data.Dataset.from_tensor_slices((x, labels)).batch(batch_size)
    if family == "infogan":
        return tf.data.Dataset.from_tensor_slices(x).batch(batch_size)
    # pix2pix: (source, target); cyclegan: (a, b)
    return tf.data.Dataset.from_tensor_slices((x, -x)).batch(batch_size)


BUILDERS = {
    "cgan": cgan,
    "acgan": acgan,
    "infogan": infogan,
    "pix2pix": pix2pix,
    "cyclegan": cyclegan,
    "stargan": stargan,
}
NAMES = sorted(BUILDERS)


def sample_outputs(model, family):
    """Deterministic generator outputs of a model, for round-trip comparisons."""
    if family in ("cgan", "acgan"):
        return model.generate(4, seed=1, labels=[0, 1, 2, 0])
    if family == "infogan":
        return model.generate(4, seed=1)
    images = _images(np.random.default_rng(3), 4)
    if family == "stargan":
        return model.translate(images, domains=[0, 1, 2, 1])
    return model.translate(images)
