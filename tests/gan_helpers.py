"""Tiny models and data shared by the tests that run over every family."""

import keras
import numpy as np
import tensorflow as tf

from kerasgan import families, nets

FAMILY_NAMES = list(families.UNCONDITIONAL)
LATENT_DIM = 4


def tiny_points_model(family, seed=7, **kwargs):
    """A family with small MLP nets on 2-D points (no batch norm: exact maths)."""
    keras.utils.set_random_seed(seed)
    generator = nets.mlp_generator(latent_dim=LATENT_DIM, hidden_units=(16, 16))
    discriminator = nets.mlp_discriminator(
        hidden_units=(16, 16), spectral_norm=families.get(family).discriminator_options["spectral_norm"]
    )
    return families.get(family)(generator, discriminator, seed=seed, **kwargs)


def tiny_image_model(family, seed=7, image_size=8, channels=1):
    """A family with small DCGAN nets (batch / layer / spectral norm as the family wants)."""
    keras.utils.set_random_seed(seed)
    cls = families.get(family)
    generator = nets.dcgan_generator(
        latent_dim=LATENT_DIM, image_size=image_size, channels=channels, base_filters=8
    )
    discriminator = nets.dcgan_discriminator(
        image_size=image_size, channels=channels, base_filters=8, **cls.discriminator_options
    )
    return cls(generator, discriminator, seed=seed)


def points_dataset(n=128, batch_size=32, seed=0):
    """A fixed, unshuffled data set of 2-D points (same order every epoch)."""
    x = np.random.default_rng(seed).normal(size=(n, 2)).astype("float32")
    return tf.data.Dataset.from_tensor_slices(x).batch(batch_size, drop_remainder=True)


def images_dataset(n=32, batch_size=8, size=8, channels=1, seed=0):
    """A fixed, unshuffled data set of random images in [-1, 1]."""
    x = np.random.default_rng(seed).uniform(-1, 1, size=(n, size, size, channels)).astype("float32")
    return tf.data.Dataset.from_tensor_slices(x).batch(batch_size, drop_remainder=True)


def trainable_snapshot(model):
    """Copies of a model's trainable weights, as numpy arrays."""
    return [keras.ops.convert_to_numpy(v) for v in model.trainable_variables]


def max_abs_change(before, model):
    """Largest absolute change between a snapshot and a model's current trainable weights."""
    return max(float(np.max(np.abs(b - keras.ops.convert_to_numpy(v)))) for b, v in zip(before, model.trainable_variables))
