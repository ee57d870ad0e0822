"""Builds the kerasgan model zoo: configs, trained weights, metrics and the gallery.

Usage (from the repository root)::

    python tools/build_zoo.py --write-configs          # write missing YAMLs (recipe differences)
    python tools/build_zoo.py gan-ring8 wgan-ring8     # retrain these entries from their YAML
    python tools/build_zoo.py --all                    # retrain every entry that publishes weights
    python tools/build_zoo.py --metrics-only --all     # re-measure metrics from the shipped weights
    python tools/build_zoo.py --gallery                # regenerate gallery PNGs and README.md

Retraining runs :func:`kerasgan.training.run_training` on the entry's
TrainConfig (exactly what ``kerasgan train --config zoo/NAME.yaml`` runs) in
a temporary folder, saves ``kerasgan/zoo/weights/NAME.weights.h5``
atomically, measures the metrics on the saved weights (loaded through
``kerasgan.zoo.load``, so the published file is what is measured), writes
``weights`` (url, sha256, size) and ``metrics`` back into the YAML and
redraws ``kerasgan/zoo/gallery/NAME.png``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

#: Trained entries: name -> (family, data set, description[, TrainConfig settings that
#: differ from the family's recipe]).
TRAINED = {
    "gan-ring8": ("gan", "ring8", ("Vanilla GAN (Goodfellow et al. 2014, non-saturating loss) "
                  "with MLP nets on the 8-Gaussian ring.")),
    "lsgan-grid25": ("lsgan", "grid25", ("Least-squares GAN (Mao et al. 2017) with MLP nets on "
                     "the 5x5 Gaussian grid.")),
    "wgan-ring8": ("wgan", "ring8", ("Weight-clipped WGAN (Arjovsky et al. 2017) with MLP nets "
                   "on the 8-Gaussian ring.")),
    "wgan-gp-ring8": ("wgan_gp", "ring8", ("WGAN with gradient penalty (Gulrajani et al. 2017) "
                      "with MLP nets on the 8-Gaussian ring.")),
    "sngan-ring8": ("sngan", "ring8", ("Spectrally normalised GAN (Miyato et al. 2018) with MLP "
                    "nets on the 8-Gaussian ring.")),
    "fgan-ring8": ("fgan", "ring8", ("f-GAN (Nowozin et al. 2016) with the Jensen-Shannon "
                   "divergence and the paper's alternative generator objective, MLP nets on the "
                   "8-Gaussian ring.")),
    "ebgan-ring8": ("ebgan", "ring8", ("Energy-based GAN (Zhao et al. 2017): MLP generator and "
                    "an MLP autoencoder as the discriminator on the 8-Gaussian ring.")),
    "began-ring8": ("began", "ring8", ("Boundary-equilibrium GAN (Berthelot et al. 2017) with an "
                    "MLP autoencoder discriminator on the 8-Gaussian ring; this recipe collapses "
                    "to one mode (kerasgan/recipes/began.yaml).")),
    "dcgan-digits": ("dcgan", "digits", ("DCGAN (Radford et al. 2016) on the 16x16 scikit-learn "
                     "digits."), {"g_lr": 0.0002}),
    "sagan-digits": ("sagan", "digits", ("Self-attention GAN (Zhang et al. 2019): spectrally "
                     "normalised G and D with a self-attention block on the 8x8 feature maps, "
                     "hinge loss, two time-scale Adam (G 1e-4, D 4e-4, betas 0 / 0.9), on the "
                     "16x16 digits.")),
    "dcgan-stacked-digits": ("dcgan", "stacked-digits", ("DCGAN (Radford et al. 2016) on "
                             "stacked-digits: three random digits as the three channels, 1000 "
                             "modes (the Stacked-MNIST benchmark on the shipped digits); the "
                             "plain family, the baseline of the mode-collapse remedies; 15 "
                             "epochs (2,340 steps), what two shared CPU cores allowed."),
                             {"epochs": 15}),
    "ebgan-digits": ("ebgan", "digits", ("Energy-based GAN (Zhao et al. 2017): DCGAN generator "
                     "and a convolutional autoencoder discriminator whose energy is the per-pixel "
                     "mean squared reconstruction error, on the 16x16 digits.")),
    "began-digits": ("began", "digits", ("Boundary-equilibrium GAN (Berthelot et al. 2017): DCGAN "
                     "generator and a convolutional autoencoder discriminator (mean L1 "
                     "reconstruction) balanced by k_t, on the 16x16 digits; gamma 1.0 "
                     "(kerasgan/recipes/began.yaml).")),
    "vaegan-digits": ("vaegan", "digits", ("VAE-GAN (Larsen et al. 2016): encoder, decoder and "
                      "discriminator on the 16x16 digits; reconstructions measured in the "
                      "discriminator's features; encode(images) gives the latents.")),
    "bigan-digits": ("bigan", "digits", ("BiGAN / ALI (Donahue et al. 2017; Dumoulin et al. "
                     "2017): an encoder and a generator learned by a discriminator of (image, "
                     "latent) pairs on the 16x16 digits.")),
    "cgan-digits": ("cgan", "digits", ("Conditional GAN (Mirza & Osindero 2014): digits of a "
                    "requested class.")),
    "acgan-digits": ("acgan", "digits", ("Auxiliary-classifier GAN (Odena et al. 2017): digits "
                     "of a requested class.")),
    "infogan-digits": ("infogan", "digits", ("InfoGAN (Chen et al. 2016): 10 categorical and 2 "
                       "continuous codes learned without labels on the digits; the paper's "
                       "learning rates (G 1e-3, D 2e-4), 50 epochs."), {"jit_compile": True}),
    "dcgan-mnist5k": ("dcgan", "mnist5k", ("DCGAN (Radford et al. 2016) on 4,500 real MNIST "
                      "digits (mnist5k, 28x28 padded to 32x32); 8 epochs (560 steps), what two "
                      "shared CPU cores allowed."), {"epochs": 8, "jit_compile": True}),
    "cgan-mnist5k": ("cgan", "mnist5k", ("Conditional GAN (Mirza & Osindero 2014) on mnist5k: "
                     "MNIST digits of a requested class; 8 epochs (560 steps)."),
                     {"epochs": 8, "jit_compile": True}),
    "infogan-mnist5k": ("infogan", "mnist5k", ("InfoGAN (Chen et al. 2016) on mnist5k: 10 "
                        "categorical and 2 continuous codes learned without labels; 8 epochs "
                        "(560 steps)."), {"epochs": 8, "jit_compile": True}),
    "pix2pix-edges-digits": ("pix2pix", "edges-digits", ("pix2pix (Isola et al. 2017) in its "
                             "generative direction: an edge map -> a digit that has those edges "
                             "(the paper's edges -> photo), trained on aligned pairs; 8 "
                             "epochs, what two shared CPU cores allowed."), {"epochs": 8}),
    "pix2pix-digits-inverse": ("pix2pix", "digits-inverse", ("pix2pix (Isola et al. 2017): digit "
                               "-> its negative, trained on aligned pairs; 5 epochs."),
                               {"epochs": 5}),
    "cyclegan-digits-thick": ("cyclegan", "digits-thick", ("CycleGAN (Zhu et al. 2017): thin <-> "
                              "thick strokes (an appearance change) from unpaired halves of the "
                              "digits."), {"jit_compile": True}),
    "stargan-digits-styles": ("stargan", "digits-styles", ("StarGAN (Choi et al. 2018): one "
                              "generator for original / inverted / thick-stroke digits, with an "
                              "own-domain (identity) loss (kerasgan/recipes/stargan.yaml)."),
                              {"jit_compile": True}),
    "dann-digits-inverse": ("dann", "digits-adapt-inverse", ("Domain-adversarial training (Ganin et "
                            "al. 2016): a digits classifier trained on labelled upright digits and "
                            "unlabelled inverted digits (the other half), scored on held-out "
                            "inverted digits.")),
}

#: Paper recipes without published weights (too big to train here): name ->
#: (family, data set, description, the paper's TrainConfig settings). The entry lists
#: those that differ from the family's default recipe.
PAPERS = {
    "dcgan-mnist": ("dcgan", "mnist", (
        "DCGAN on MNIST resized to 32x32 (kerasgan's DCGAN nets need a power-of-two size) "
        "(Radford et al. 2016, arXiv:1511.06434: Adam lr 2e-4, beta_1 0.5, batch 128; 25 "
        "epochs as in the authors' reference code)."),
        {"image_size": 32, "batch_size": 128, "epochs": 25}),
    "wgan-gp-cifar10": ("wgan_gp", "cifar10", (
        "WGAN-GP on CIFAR-10 32x32 (Gulrajani et al. 2017, arXiv:1704.00028: Adam lr 1e-4, "
        "betas 0 / 0.9, batch 64, 5 critic steps, gradient penalty 10, 200k generator "
        "iterations = 256 epochs of 781 batches; the paper's ResNet nets are replaced by "
        "kerasgan's DCGAN nets)."),
        {"image_size": 32, "batch_size": 64, "epochs": 256}),
    "dcgan-celeba64": ("dcgan", "celeb_a", (
        "DCGAN on CelebA faces at 64x64 (Radford et al. 2016, arXiv:1511.06434: Adam lr "
        "2e-4, beta_1 0.5, batch 128; 25 epochs as in the authors' reference code)."),
        {"image_size": 64, "channels": 3, "batch_size": 128, "epochs": 25}),
    "cyclegan-horse2zebra": ("cyclegan", "cycle_gan/horse2zebra", (
        "CycleGAN horse <-> zebra at 256x256 (Zhu et al. 2017, arXiv:1703.10593: Adam lr "
        "2e-4, beta_1 0.5, batch 1, cycle weight 10, 200 epochs; the paper decays the "
        "learning rate linearly to 0 over the last 100 epochs, kerasgan train keeps it "
        "constant)."),
        {"image_size": 256, "channels": 3, "batch_size": 1, "epochs": 200}),
    "pix2pix-facades": ("pix2pix", "pairs:data/facades", (
        "pix2pix labels -> facades at 256x256 (Isola et al. 2017, arXiv:1611.07004: Adam "
        "lr 2e-4, beta_1 0.5, batch 1, L1 weight 100, 200 epochs). Data: the pix2pix "
        "facades download (side-by-side A|B images) unpacked into data/facades/{train,val}; "
        "run from the folder that holds data/."),
        {"image_size": 256, "channels": 3, "batch_size": 1, "epochs": 200}),
}

_PREPROCESSING = {
    "points": "raw 2-D coordinates (no scaling)",
    "image": "pixels scaled to [-1, 1], NHWC",
    "mnist5k": ("28x28 digits padded by 2 pixels of background to 32x32 (the DCGAN nets need "
                "a power of two), pixels scaled to [-1, 1], NHWC"),
    "stacked-digits": ("three 16x16 digits as the R, G, B channels (one per channel), pixels "
                       "scaled to [-1, 1], NHWC"),
    "paired": "(source, target) pixels scaled to [-1, 1], NHWC",
    "unpaired": "(a, b) pixels scaled to [-1, 1], NHWC",
    "adapt": "((source, label), target) pixels scaled to [-1, 1], NHWC",
}


def _spec(data, image_size=None, channels=None):
    """The data spec; tfds / folder sets (not on this machine) get their known kind and shape."""
    from kerasgan import data as data_module
    from kerasgan.data.base import DataSpec

    known = {
        "mnist": DataSpec("mnist", "image", (28, 28, 1), 10),
        "cifar10": DataSpec("cifar10", "image", (32, 32, 3), 10),
        "celeb_a": DataSpec("celeb_a", "image", (64, 64, 3), None),
    }
    if data.startswith("cycle_gan/"):
        known[data] = DataSpec(data, "unpaired", (256, 256, 3), None, target_shape=(256, 256, 3))
    if data.startswith("pairs:"):
        known[data] = DataSpec(data, "paired", (256, 256, 3), None, target_shape=(256, 256, 3))
    if data not in known:
        return data_module.spec(data, image_size=image_size, channels=channels)
    spec = known[data]
    if spec.kind == "points" or (image_size is None and channels is None):
        return spec
    size = image_size or spec.shape[0]
    shape = (size, size, channels or spec.shape[-1])
    target = None
    if spec.target_shape is not None:
        target = (size, size, channels or spec.target_shape[-1])
    return DataSpec(spec.name, spec.kind, shape, spec.num_classes, target_shape=target)


def recipe_differences(family, data, settings=None):
    """The ``settings`` (TrainConfig keys) that differ from the family's default recipe.

    A zoo entry lists only these: ``kerasgan train --config`` fills in the rest
    from the family's recipe (:func:`kerasgan.training.default_recipe`).
    """
    from kerasgan import training

    settings = dict(settings or {})
    spec = _spec(data, settings.get("image_size"), settings.get("channels"))
    # Validates the keys and values (a ConfigError names the bad one).
    training.TrainConfig.from_dict({"family": family, "data": data, **settings}, source=family)
    default = training.TrainConfig(family=family, data=data).resolved(spec)
    return {key: value for key, value in settings.items() if getattr(default, key) != value}


def recipe_entry(name, family, data, description, settings=None):
    """A zoo entry (no metrics, no weights yet) for the family's recipe with ``settings``."""
    from kerasgan.zoo.models import entry_for_recipe

    settings = dict(settings or {})
    spec = _spec(data, settings.get("image_size"), settings.get("channels"))
    return entry_for_recipe(
        name, description, family, data,
        recipe=recipe_differences(family, data, settings),
        preprocessing=_PREPROCESSING.get(data, _PREPROCESSING[spec.kind]),
    )


def _with_settings(values):
    """A TRAINED value as (family, data, description, settings or None)."""
    return (*values, None) if len(values) == 3 else tuple(values)


def write_configs(overwrite=False):
    """Writes the YAML of every entry that has none yet (all with ``overwrite``)."""
    from kerasgan import training, zoo
    from kerasgan.zoo import schema

    os.makedirs(zoo.config_dir(), exist_ok=True)
    wanted = {name: _with_settings(values) for name, values in TRAINED.items()}
    wanted.update(PAPERS)
    for name, (family, data, description, settings) in wanted.items():
        path = zoo.config_path(name)
        if os.path.exists(path) and not overwrite:
            continue
        entry = recipe_entry(name, family, data, description, settings)
        schema.validate_entry(entry, source=path)
        training.write_yaml(entry, path)
        print(f"wrote {path}")


def train(name):
    """Retrains ``name`` from its YAML and publishes the weights (atomic)."""
    import keras

    from kerasgan import training, zoo
    from kerasgan.zoo import registry, schema
    from kerasgan.zoo.weights import save_network_weights

    path = zoo.config_path(name)
    entry = schema.load_entry(path)
    # Exactly the config ``kerasgan train --config zoo/NAME.yaml`` builds (no overrides).
    config = training.TrainConfig.from_dict(schema.train_config_values(entry, path), source=path)
    start = time.time()
    with tempfile.TemporaryDirectory(prefix=f"zoo-{name}-") as out:
        result = training.run_training(config, out, verbose=2)
        weights = zoo.weights_path(name)
        save_network_weights(result.model, weights, half=True)
    keras.backend.clear_session()
    seconds = time.time() - start
    print(f"{name}: trained {result.config.epochs} epochs in {seconds:.0f} s -> {weights}", flush=True)
    registry.publish_weights(name, weights)


def measure(name):
    """Measures the metrics of the shipped weights and writes them into the YAML."""
    from kerasgan import zoo
    from kerasgan.zoo import measure as measure_module

    metrics = measure_module.measure_entry(name)
    zoo.update_entry(name, metrics=metrics)
    print(f"{name}: {metrics['values']}", flush=True)


def main(argv=None):
    """Command line of the zoo builder; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="entries to rebuild")
    parser.add_argument("--all", action="store_true", help="every trained entry")
    parser.add_argument("--write-configs", action="store_true", help="write missing YAMLs")
    parser.add_argument("--overwrite-configs", action="store_true",
                        help="with --write-configs: rewrite existing YAMLs too")
    parser.add_argument("--metrics-only", action="store_true",
                        help="re-measure metrics from the shipped weights (no training)")
    parser.add_argument("--no-metrics", action="store_true", help="train only")
    parser.add_argument("--gallery", action="store_true",
                        help="redraw the gallery PNGs and kerasgan/zoo/README.md")
    args = parser.parse_args(argv)
    if args.write_configs:
        write_configs(overwrite=args.overwrite_configs)
    names = list(TRAINED) if args.all else args.names
    unknown = [n for n in names if n not in TRAINED]
    if unknown:
        parser.error(f"unknown entries {unknown}; trained entries: {', '.join(TRAINED)}")
    for name in names:
        if not args.metrics_only:
            train(name)
        if not args.no_metrics:
            measure(name)
        if not args.gallery and not args.no_metrics:
            from kerasgan.zoo import gallery

            gallery.draw_entry(name)
    if args.gallery:
        from kerasgan.zoo import gallery

        gallery.write_gallery()
    return 0


if __name__ == "__main__":
    sys.exit(main())
