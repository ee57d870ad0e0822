"""Measures kerasgan.inversion on the zoo's dcgan-digits generator.

Four figures, judged by the shipped digits CNN (independent of the generator):

1. real held-out digits inverted and regenerated: share whose class the CNN
   keeps, and the pixel error;
2. generated digits re-inverted: pixel error of the regenerated images (and of
   the random starting point, for scale);
3. completion of a hidden bottom half: CNN accuracy on the completed digits
   against the masked input (hidden half at the background value);
4. a "thick strokes" attribute vector (inverted thick-ink minus thin-ink
   training digits): ink of generated digits moved along it by 0, 1 and 2.

    PYTHONPATH=. TF_CPP_MIN_LOG_LEVEL=2 python tools/inversion_report.py
    PYTHONPATH=. python tools/inversion_report.py --digits 100 --steps 200
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def labelled(split, n):
    """``(images, labels)`` of the first ``n`` digits of ``split`` at 16 px."""
    import numpy as np

    from kerasgan import data

    xs, ys = [], []
    for x, y in data.load("digits", image_size=16, batch_size=256, split=split, shuffle=False,
                          drop_remainder=False, with_labels=True):
        xs.append(x.numpy())
        ys.append(y.numpy())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def ink(images):
    """Mean share of pixels brighter than the background midpoint, per image."""
    return (images > 0.0).mean(axis=(1, 2, 3))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digits", type=int, default=200, help="held-out digits (200)")
    parser.add_argument("--steps", type=int, default=300, help="Adam steps per inversion (300)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import numpy as np

    from kerasgan import inversion, zoo
    from kerasgan.metrics.digits_classifier import load_digits_classifier

    began = time.time()
    model = zoo.load("dcgan-digits")
    classifier = load_digits_classifier()

    def classes(images):
        return np.argmax(classifier.predict(images, verbose=0), axis=1)

    x, y = labelled("test", args.digits)
    z = inversion.invert(model, x, args.steps, seed=args.seed)
    regenerated = inversion.regenerate(model, z)
    kept = np.mean(classes(regenerated) == classes(x))
    print(f"real      {len(x)} held-out digits inverted ({args.steps} steps): class kept "
          f"{kept:.1%}; CNN accuracy on originals {np.mean(classes(x) == y):.1%}, on "
          f"reconstructions {np.mean(classes(regenerated) == y):.1%}; mean |pixel error| "
          f"{np.abs(regenerated - x).mean():.3f} (range [-1, 1])", flush=True)

    generated = model.generate(len(x), seed=args.seed + 1)
    start = inversion.invert(model, generated, 0, seed=args.seed + 2)
    found = inversion.invert(model, generated, args.steps, seed=args.seed + 2)
    print(f"generated {len(x)} generated digits re-inverted: mean |pixel error| "
          f"{np.abs(inversion.regenerate(model, found) - generated).mean():.4f} (best random "
          f"start {np.abs(inversion.regenerate(model, start) - generated).mean():.3f}); class "
          f"kept {np.mean(classes(inversion.regenerate(model, found)) == classes(generated)):.1%}",
          flush=True)

    mask = np.ones_like(x)
    mask[:, 8:] = 0.0
    masked = np.where(mask > 0, x, -1.0)  # hidden half at the background value
    completed = inversion.complete(model, x, mask, args.steps, seed=args.seed)
    print(f"complete  bottom half hidden: CNN accuracy on masked input "
          f"{np.mean(classes(masked) == y):.1%}, on completed {np.mean(classes(completed) == y):.1%}"
          f", on originals {np.mean(classes(x) == y):.1%}", flush=True)

    train, _ = labelled("train", 10_000)
    amount = ink(train)
    thick = train[amount >= np.quantile(amount, 0.8)][:100]
    thin = train[amount <= np.quantile(amount, 0.2)][:100]
    vector = inversion.attribute_vector(model, thick, thin, steps=args.steps, seed=args.seed)
    base = model.latents_from_seed(len(x), args.seed + 3).numpy()
    inks = [ink(inversion.regenerate(model, base + step * vector)).mean() for step in (0, 1, 2)]
    print(f"attribute thick-strokes vector (|v| {np.linalg.norm(vector):.2f}; {len(thick)} thick "
          f"and {len(thin)} thin training digits): ink of {len(x)} generated digits moved by "
          f"0, 1, 2 x v: {inks[0]:.3f}, {inks[1]:.3f}, {inks[2]:.3f}", flush=True)
    print(f"took      {time.time() - began:.0f} s")


if __name__ == "__main__":
    main()
