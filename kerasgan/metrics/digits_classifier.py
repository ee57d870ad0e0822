"""The digits judge: a small CNN trained on scikit-learn's digits, shipped with kerasgan.

It is the "image classifier" of the seed notes for the ``digits`` data set:
its 64-d ``features`` layer (the penultimate layer, after ReLU) is the feature
space of digits FID / KID / precision-recall, and its 10 ``logits`` give the
Inception Score and the class-histogram mode coverage.

Input contract: 16x16x1 images in [-1, 1], exactly what
``kerasgan.data.load("digits")`` yields (the 8x8 originals upscaled
bilinearly). Other sizes are resized bilinearly (antialiased) to 16x16 and
RGB is averaged to grey by :func:`digits_extractor`.

The weights (``assets/digits_cnn.weights.h5``) are written by
``tools/train_digits_classifier.py``, which records the held-out accuracy,
split and image size in ``assets/digits_cnn.json``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from typing import Dict, Optional

__all__ = [
    "DIGITS_CLASSIFIER_SIZE",
    "WEIGHTS_PATH",
    "INFO_PATH",
    "build_digits_classifier",
    "load_digits_classifier",
    "digits_classifier_info",
    "digits_extractor",
]

#: Side length the classifier was trained on.
DIGITS_CLASSIFIER_SIZE = 16
_ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "assets")
#: The shipped weights file.
WEIGHTS_PATH = os.path.join(_ASSETS, "digits_cnn.weights.h5")
#: Its training record (accuracy, split, image size, sha256 of the weights).
INFO_PATH = os.path.join(_ASSETS, "digits_cnn.json")


def build_digits_classifier(image_size: int = DIGITS_CLASSIFIER_SIZE):
    """The (untrained) digits CNN: 3 conv layers, a 64-unit ``features`` layer, 10 ``logits``.

    Args:
        image_size: input side length (16 for the shipped weights).

    Returns:
        A functional ``keras.Model`` named ``digits_cnn`` taking
        ``(B, S, S, 1)`` in [-1, 1] and returning logits ``(B, 10)``.
    """
    import keras
    from keras import layers

    inputs = keras.Input((image_size, image_size, 1), name="image")
    x = layers.Conv2D(32, 3, padding="same", activation="relu", name="conv1")(inputs)
    x = layers.Conv2D(32, 3, padding="same", activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(2, name="pool1")(x)
    x = layers.Conv2D(64, 3, padding="same", activation="relu", name="conv3")(x)
    x = layers.MaxPooling2D(2, name="pool2")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(0.3, name="dropout1")(x)
    x = layers.Dense(64, activation="relu", name="features")(x)
    x = layers.Dropout(0.3, name="dropout2")(x)
    outputs = layers.Dense(10, name="logits")(x)
    return keras.Model(inputs, outputs, name="digits_cnn")


def digits_classifier_info() -> Dict[str, object]:
    """The training record of the shipped weights (accuracy, split, image size ...).

    Raises:
        FileNotFoundError: the package was installed without its assets.
    """
    if not os.path.isfile(INFO_PATH):
        raise FileNotFoundError(
            f"digits classifier record {INFO_PATH!r} is missing; reinstall kerasgan or run "
            "tools/train_digits_classifier.py"
        )
    with open(INFO_PATH) as f:
        return json.load(f)


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@functools.lru_cache(maxsize=4)
def _load(path):
    model = build_digits_classifier()
    model.load_weights(path)
    return model


def load_digits_classifier(weights_path: Optional[str] = None):
    """The digits CNN with the shipped (or given) weights.

    Args:
        weights_path: a ``.weights.h5`` file; default: the shipped one.

    Returns:
        A ``keras.Model`` (shared between calls with the same path; do not
        train it).

    Raises:
        FileNotFoundError: weights file missing.
    """
    path = os.path.abspath(weights_path or WEIGHTS_PATH)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"digits classifier weights {path!r} not found; reinstall kerasgan or run "
            "tools/train_digits_classifier.py"
        )
    return _load(path)


def digits_extractor(weights_path: Optional[str] = None, batch_size: int = 512):
    """The digits CNN as a feature extractor: ``features`` (64-d) and ``logits`` (10).

    Args:
        weights_path: default: the shipped weights.
        batch_size: images per network call.

    Returns:
        A :class:`kerasgan.metrics.extractors.KerasExtractor` named ``digits_cnn``.
    """
    from kerasgan.metrics.extractors import KerasExtractor

    model = load_digits_classifier(weights_path)
    path = os.path.abspath(weights_path or WEIGHTS_PATH)
    return KerasExtractor(
        model,
        features_layer="features",
        logits_layer="logits",
        image_size=DIGITS_CLASSIFIER_SIZE,
        channels=1,
        antialias=True,
        name="digits_cnn",
        batch_size=batch_size,
        weights="sha256:" + _sha256(path)[:16],
    )
