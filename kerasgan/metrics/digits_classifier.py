"""The digit judges: small CNNs trained on kerasgan's digit sets, shipped with kerasgan.

They are the "image classifier" of the seed notes for the ``digits`` and
``mnist5k`` data sets: the 64-d ``features`` layer (the penultimate layer,
after ReLU) is the feature space of FID / KID / precision-recall, and the 10
``logits`` give the Inception Score, the class-histogram mode coverage and
the class accuracy of conditional generators.

* ``digits`` (extractor ``"digits"``, ``digits_cnn.weights.h5``): 16x16x1 in
  [-1, 1], the 8x8 digits upscaled bilinearly;
* ``mnist5k`` (extractor ``"mnist5k"``, ``mnist5k_cnn.weights.h5``): 32x32x1
  in [-1, 1], the 28x28 digits padded by 2 pixels.

The input is exactly what ``kerasgan.data.load(name)`` yields; other sizes
are resized bilinearly (antialiased) and RGB is averaged to grey by
:func:`digits_extractor`.

The weights (``assets/NAME_cnn.weights.h5``) are written by
``tools/train_digits_classifier.py --data NAME``, which records the held-out
accuracy, split and image size in ``assets/NAME_cnn.json``.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
from typing import Dict, Optional

__all__ = [
    "DIGITS_CLASSIFIER_SIZE",
    "JUDGES",
    "Judge",
    "WEIGHTS_PATH",
    "INFO_PATH",
    "build_digits_classifier",
    "load_digits_classifier",
    "digits_classifier_info",
    "digits_extractor",
    "judge_for",
]

_ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "assets")


@dataclasses.dataclass(frozen=True)
class Judge:
    """One shipped digit classifier: the data set it judges and its files.

    Attributes:
        data: the data-set name it was trained on (also its extractor name).
        image_size: the side length it takes.
        name: the Keras model name (``<data>_cnn``), recorded in metric protocols.
    """

    data: str
    image_size: int

    @property
    def name(self) -> str:
        """The model name, ``<data>_cnn``."""
        return f"{self.data}_cnn"

    @property
    def weights_path(self) -> str:
        """The shipped weights file."""
        return os.path.join(_ASSETS, f"{self.name}.weights.h5")

    @property
    def info_path(self) -> str:
        """Its training record (accuracy, split, image size, sha256 of the weights)."""
        return os.path.join(_ASSETS, f"{self.name}.json")


#: The shipped judges by data-set name.
JUDGES = {judge.data: judge for judge in (Judge("digits", 16), Judge("mnist5k", 32))}
#: Side length the digits classifier was trained on.
DIGITS_CLASSIFIER_SIZE = JUDGES["digits"].image_size
#: The shipped digits weights file.
WEIGHTS_PATH = JUDGES["digits"].weights_path
#: Its training record (accuracy, split, image size, sha256 of the weights).
INFO_PATH = JUDGES["digits"].info_path


def judge_for(data: Optional[str]) -> Optional[Judge]:
    """The shipped judge of a data-set name, or ``None`` when there is none.

    Example:
        >>> judge_for("mnist5k").image_size
        32
    """
    return JUDGES.get(data) if isinstance(data, str) else None


def _judge(data) -> Judge:
    judge = judge_for(data)
    if judge is None:
        raise ValueError(
            f"no shipped digit classifier for data set {data!r}; choose one of {', '.join(JUDGES)}"
        )
    return judge


def build_digits_classifier(image_size: int = DIGITS_CLASSIFIER_SIZE, name: str = "digits_cnn"):
    """The (untrained) digit CNN: 3 conv layers, a 64-unit ``features`` layer, 10 ``logits``.

    Args:
        image_size: input side length (16 for the shipped digits weights,
            32 for mnist5k).
        name: the model name (``<data>_cnn`` for the shipped judges).

    Returns:
        A functional ``keras.Model`` taking ``(B, S, S, 1)`` in [-1, 1] and
        returning logits ``(B, 10)``.
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
    return keras.Model(inputs, outputs, name=name)


def digits_classifier_info(data: str = "digits") -> Dict[str, object]:
    """The training record of a shipped judge's weights (accuracy, split, image size ...).

    Args:
        data: ``"digits"`` or ``"mnist5k"``.

    Raises:
        FileNotFoundError: the package was installed without its assets.
    """
    judge = _judge(data)
    if not os.path.isfile(judge.info_path):
        raise FileNotFoundError(
            f"{judge.name} classifier record {judge.info_path!r} is missing; reinstall kerasgan or run "
            f"tools/train_digits_classifier.py --data {judge.data}"
        )
    with open(judge.info_path) as f:
        return json.load(f)


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@functools.lru_cache(maxsize=4)
def _load(path, data):
    judge = _judge(data)
    model = build_digits_classifier(judge.image_size, judge.name)
    model.load_weights(path)
    return model


def load_digits_classifier(weights_path: Optional[str] = None, data: str = "digits"):
    """A digit CNN with the shipped (or given) weights.

    Args:
        weights_path: a ``.weights.h5`` file; default: the shipped one.
        data: the judge: ``"digits"`` (16x16) or ``"mnist5k"`` (32x32).

    Returns:
        A ``keras.Model`` (shared between calls with the same path; do not
        train it).

    Raises:
        FileNotFoundError: weights file missing.
        ValueError: no shipped judge for ``data``.
    """
    judge = _judge(data)
    path = os.path.abspath(weights_path or judge.weights_path)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"{judge.name} classifier weights {path!r} not found; reinstall kerasgan or run "
            f"tools/train_digits_classifier.py --data {judge.data}"
        )
    return _load(path, judge.data)


def digits_extractor(weights_path: Optional[str] = None, batch_size: int = 512, data: str = "digits"):
    """A digit CNN as a feature extractor: ``features`` (64-d) and ``logits`` (10).

    Args:
        weights_path: default: the shipped weights.
        batch_size: images per network call.
        data: the judge: ``"digits"`` or ``"mnist5k"``.

    Returns:
        A :class:`kerasgan.metrics.extractors.KerasExtractor` named
        ``digits_cnn`` / ``mnist5k_cnn``.
    """
    from kerasgan.metrics.extractors import KerasExtractor

    judge = _judge(data)
    model = load_digits_classifier(weights_path, judge.data)
    path = os.path.abspath(weights_path or judge.weights_path)
    return KerasExtractor(
        model,
        features_layer="features",
        logits_layer="logits",
        image_size=judge.image_size,
        channels=1,
        antialias=True,
        name=judge.name,
        batch_size=batch_size,
        weights="sha256:" + _sha256(path)[:16],
    )
