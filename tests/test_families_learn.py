"""Every family learns: a figure that could fail, not only "it runs"."""

import keras
import numpy as np
import pytest

from kerasgan import data, families
from kerasgan.training import build_optimizers, default_recipe

RING = data.TOY2D["ring8"]

#: Losses of a Lipschitz-constrained critic (unbounded scores instead of probabilities).
CRITIC_LOSSES = ("wasserstein", "hinge")


def _unconditional_noise_families():
    """Families that sample from noise and train without labels, as each family declares."""
    return [name for name in families.names()
            if families.get(name).sampling == "noise" and not families.get(name).needs_labels]


# The critic families (a Lipschitz-constrained D, declared by their critic loss: sngan, wgan,
# wgan_gp) learn the tight 2-D ring far too slowly for a test with this protocol (SNGAN's
# critic stays near zero, d_loss ~ 2; WGAN/WGAN-GP overshoot the ring at 1e-3 and crawl at
# the paper's rates), so their evidence is on digits, the kind of data the methods were
# designed for. See the foundation issue's closing note for the figures.
RING_FAMILIES = [name for name in _unconditional_noise_families()
                 if "points" in families.get(name).data_kinds
                 and getattr(families.get(name), "default_loss", None) not in CRITIC_LOSSES]
IMAGE_FAMILIES = [name for name in _unconditional_noise_families()
                  if "image" in families.get(name).data_kinds
                  and getattr(families.get(name), "default_loss", None) in CRITIC_LOSSES]


def mean_distance_to_nearest_mode(samples):
    distances = np.linalg.norm(samples[:, None, :] - RING.centers[None], axis=-1)
    return float(distances.min(axis=1).mean())


def mean_radial_error(samples):
    return float(np.abs(np.linalg.norm(samples, axis=1) - 1.0).mean())


@pytest.mark.parametrize("family", RING_FAMILIES)
def test_family_learns_the_ring(family):
    keras.utils.set_random_seed(0)
    cls = families.get(family)
    spec = data.spec("ring8")
    # The latent size of the family's 2-D recipe (16; InfoGAN's noise: 4, its codes on top).
    latent_dim = default_recipe(cls, spec)["latent_dim"]
    model = cls.build_for_data(spec, latent_dim=latent_dim, seed=0)
    # The family's own optimizers, at the learning rate of the 2-D recipe.
    g_optimizer, d_optimizer = build_optimizers(cls, g_lr=1e-3, d_lr=1e-3)
    model.compile(g_optimizer=g_optimizer, d_optimizer=d_optimizer, steps_per_execution=50)
    before = mean_distance_to_nearest_mode(model.generate(1000, seed=1))

    radial_before = mean_radial_error(model.generate(1000, seed=1))

    model.fit(data.load("ring8", batch_size=64, epoch_size=6400, seed=0), epochs=25, verbose=0)

    samples = model.generate(1000, seed=1)
    after, radial_after = mean_distance_to_nearest_mode(samples), mean_radial_error(samples)
    # Untrained samples sit near the origin (distance ~0.5 to a mode); a model
    # that learned the ring brings them onto it (~0.05 radial error), near a mode.
    assert after < 0.5 * before, f"{family}: {before:.3f} -> {after:.3f}"
    assert radial_after < 0.3 * radial_before, f"{family}: {radial_before:.3f} -> {radial_after:.3f}"


def mean_distance_to_nearest_real(samples, real):
    samples = samples.reshape(len(samples), -1)
    squared = ((samples[:, None, :] - real[None]) ** 2).sum(axis=-1)
    return float(np.sqrt(squared.min(axis=1)).mean())


@pytest.mark.parametrize("family", IMAGE_FAMILIES)
def test_critic_family_learns_digits(family):
    keras.utils.set_random_seed(0)
    spec = data.spec("digits", image_size=8)
    model = families.get(family).build_for_data(spec, latent_dim=32, seed=0)
    model.compile()  # the paper's optimizers and critic steps
    real = np.concatenate(
        [b.numpy() for b in data.load("digits", image_size=8, batch_size=256, shuffle=False, drop_remainder=False)]
    ).reshape(-1, 64)
    before = mean_distance_to_nearest_real(model.generate(200, seed=1), real)

    model.fit(data.load("digits", image_size=8, batch_size=64, seed=0), epochs=15, verbose=0)

    after = mean_distance_to_nearest_real(model.generate(200, seed=1), real)
    # Untrained samples are flat grey images (distance ~6.1 in [-1, 1] pixel
    # units); after this run they sit 4.0 (sngan), 4.2 (wgan_gp), 4.8 (wgan)
    # from the nearest real digit.
    assert after < 0.82 * before, f"{family}: {before:.3f} -> {after:.3f}"
