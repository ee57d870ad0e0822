"""Feature extractors: what FID, KID, precision/recall and IS look through.

An extractor maps a batch of samples to ``(features, logits)`` numpy arrays
(``logits`` is ``None`` when it has no classifier head). Three kinds ship:

* :func:`inception_v3` -- Keras' InceptionV3: 2048-d ``avg_pool`` features and
  the 1000 ImageNet logits of ``predictions``. Inputs are resized to 299x299
  (bilinear, no antialiasing, ``tf.image.resize``), grey images are repeated to
  3 channels, and pixel values are fed in [-1, 1], which is what
  ``keras.applications.inception_v3.preprocess_input`` makes of [0, 255]
  images and what every kerasgan generator and data set already produce.
  Its ImageNet weights are never downloaded: see :func:`find_inception_weights`.
* :func:`kerasgan.metrics.digits_classifier.digits_extractor` -- the small CNNs
  shipped with kerasgan for ``digits`` and ``mnist5k`` (64-d ``features`` layer, 10 logits).
* :class:`KerasExtractor` -- any Keras model (or two of its layers), so users
  can judge with their own network; :class:`IdentityExtractor` -- the samples
  themselves (2-D points).

Use :func:`get_extractor` to turn a name, a Keras model or a callable into one.
"""

from __future__ import annotations

import hashlib
import os
from typing import Callable, Dict, Optional, Tuple

import numpy as np

__all__ = [
    "FeatureExtractor",
    "KerasExtractor",
    "IdentityExtractor",
    "FunctionExtractor",
    "InceptionWeightsNotFoundError",
    "inception_v3",
    "find_inception_weights",
    "get_extractor",
    "INCEPTION_WEIGHTS_FILE",
    "INCEPTION_WEIGHTS_URL",
    "INCEPTION_SIZE",
]

#: Keras' file names (in ``~/.keras/models``) of the InceptionV3 ImageNet weights.
INCEPTION_WEIGHTS_FILE = "inception_v3_weights_tf_dim_ordering_tf_kernels.h5"
INCEPTION_WEIGHTS_NOTOP_FILE = "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5"
#: Where Keras downloads them from (on a machine with internet access).
INCEPTION_WEIGHTS_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/" + INCEPTION_WEIGHTS_FILE
)
#: InceptionV3 input side length.
INCEPTION_SIZE = 299

Features = Tuple[np.ndarray, Optional[np.ndarray]]


class InceptionWeightsNotFoundError(FileNotFoundError):
    """The InceptionV3 ImageNet weights are not on this machine (they are never downloaded)."""


class FeatureExtractor:
    """Base class: maps a batch of samples to ``(features, logits)``.

    Subclasses implement :meth:`extract_batch`; :meth:`__call__` feeds it
    chunks of at most ``batch_size`` samples.

    Attributes:
        name: short identifier recorded in the protocol (and cache files).
        num_classes: number of logits, or ``None`` without a classifier head.
        batch_size: largest chunk passed to the network.
        cacheable: whether real-data statistics computed with it may be
            reused from a file (False for randomly initialised weights).
    """

    name = "extractor"
    num_classes: Optional[int] = None
    batch_size = 256
    cacheable = True

    def extract_batch(self, samples) -> Features:
        """Features (and logits) of one chunk; subclasses override."""
        raise NotImplementedError

    def __call__(self, samples) -> Features:
        """Features ``(N, D)`` float32 and logits ``(N, C)`` (or ``None``) of ``samples``."""
        x = np.asarray(samples, dtype=np.float32)
        if len(x) == 0:
            raise ValueError("no samples to extract features from")
        feats, logits = [], []
        for start in range(0, len(x), self.batch_size):
            chunk_features, chunk_logits = self.extract_batch(x[start : start + self.batch_size])
            feats.append(np.asarray(chunk_features, dtype=np.float32).reshape(len(chunk_features), -1))
            if chunk_logits is not None:
                logits.append(np.asarray(chunk_logits, dtype=np.float32))
        features = np.concatenate(feats, axis=0)
        return features, (np.concatenate(logits, axis=0) if logits else None)

    def protocol(self) -> Dict[str, object]:
        """What defines the features: recorded next to cached statistics and in results."""
        return {"extractor": self.name}


class IdentityExtractor(FeatureExtractor):
    """The samples themselves, flattened (for 2-D points or raw pixels).

    Example:
        >>> import numpy as np
        >>> IdentityExtractor()(np.ones((2, 2)))[0].shape
        (2, 2)
    """

    name = "identity"
    batch_size = 65536

    def extract_batch(self, samples) -> Features:
        """Returns ``samples`` flattened per sample, no logits."""
        return np.asarray(samples).reshape(len(samples), -1), None

    def protocol(self):
        """``{"extractor": "identity", "layer": "input"}``."""
        return {"extractor": "identity", "layer": "input"}


class FunctionExtractor(FeatureExtractor):
    """Wraps a Python function ``f(samples) -> features`` or ``-> (features, logits)``.

    Args:
        fn: the function (numpy in, array-likes out).
        name: identifier for the protocol (default: the function's name).
        num_classes: number of logits it returns, if any.
        batch_size: chunk size.
    """

    def __init__(self, fn: Callable, name: Optional[str] = None, num_classes=None, batch_size: int = 256):
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "function")
        self.num_classes = num_classes
        self.batch_size = int(batch_size)
        self.cacheable = False

    def extract_batch(self, samples) -> Features:
        """Calls the function on one chunk."""
        out = self.fn(samples)
        if isinstance(out, tuple):
            return out[0], out[1]
        return out, None


def _weights_fingerprint(model) -> str:
    digest = hashlib.sha256()
    for w in model.weights:
        digest.update(np.ascontiguousarray(np.asarray(w.numpy())).tobytes())
    return digest.hexdigest()[:16]


def _adapt_images(x, size: Optional[int], channels: Optional[int], antialias: bool):
    """float32 NHWC images -> the network's channel count and side length."""
    import tensorflow as tf

    if x.ndim != 4:
        raise ValueError(
            f"this feature extractor takes images (N, H, W, C); got samples of shape {x.shape}. "
            "2-D points use the identity extractor."
        )
    c = x.shape[-1]
    t = tf.convert_to_tensor(x, dtype=tf.float32)
    if channels is not None and c != channels:
        if c == 1 and channels == 3:
            t = tf.repeat(t, 3, axis=-1)
        elif c == 3 and channels == 1:
            t = tf.reduce_mean(t, axis=-1, keepdims=True)
        else:
            raise ValueError(f"cannot feed {c}-channel images to a {channels}-channel feature extractor")
    if size is not None and (x.shape[1] != size or x.shape[2] != size):
        t = tf.image.resize(t, (size, size), method="bilinear", antialias=antialias)
    return t


class KerasExtractor(FeatureExtractor):
    """Features (and optional logits) from a Keras model on images.

    Args:
        model: a built Keras model taking NHWC images.
        features_layer: name of the layer whose output is the feature vector
            (flattened); ``None``: the model's output.
        logits_layer: name of a layer giving class logits (pre-softmax), or
            ``None``.
        image_size: side length the model expects; inputs of another size are
            resized bilinearly. ``None``: taken from the model's input shape
            (no resize if unknown).
        channels: channel count the model expects (1 <-> 3 are converted by
            repeating / averaging); ``None``: from the model's input shape.
        antialias: antialias when resizing (affects downscaling only).
        name: identifier for the protocol (default: the model's name).
        batch_size: chunk size.
        weights: description of the weights for the protocol (default: a
            fingerprint of the weight values).

    Example:
        >>> import keras
        >>> net = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Flatten(),
        ...                         keras.layers.Dense(4, name="emb"), keras.layers.Dense(3, name="out")])
        >>> ext = KerasExtractor(net, features_layer="emb", logits_layer="out")
        >>> f, l = ext(np.zeros((2, 16, 16, 1)))
        >>> f.shape, l.shape
        ((2, 4), (2, 3))
    """

    def __init__(
        self,
        model,
        features_layer: Optional[str] = None,
        logits_layer: Optional[str] = None,
        *,
        image_size: Optional[int] = None,
        channels: Optional[int] = None,
        antialias: bool = True,
        name: Optional[str] = None,
        batch_size: int = 256,
        weights: Optional[str] = None,
    ):
        import keras
        import tensorflow as tf

        inputs = getattr(model, "inputs", None)
        if not inputs:
            raise ValueError(
                "KerasExtractor needs a built model with known inputs (call it once or give keras.Input)"
            )
        shape = tuple(inputs[0].shape)
        if image_size is None and len(shape) == 4 and shape[1] is not None and shape[1] == shape[2]:
            image_size = int(shape[1])
        if channels is None and len(shape) == 4 and shape[3] is not None:
            channels = int(shape[3])
        features_out = model.outputs[0] if features_layer is None else model.get_layer(features_layer).output
        outputs = [features_out]
        if logits_layer is not None:
            logits_out = model.get_layer(logits_layer).output
            outputs.append(logits_out)
            self.num_classes = int(logits_out.shape[-1])
        self.model = model
        self._net = keras.Model(model.inputs, outputs)
        self.features_layer = features_layer or "output"
        self.logits_layer = logits_layer
        self.image_size = image_size
        self.channels = channels
        self.antialias = bool(antialias)
        self.name = name or model.name
        self.batch_size = int(batch_size)
        self._weights = weights
        net = self._net

        @tf.function(reduce_retracing=True)
        def forward(x):
            out = net(x, training=False)
            return tuple(out) if isinstance(out, (list, tuple)) else (out,)

        self._forward = forward

    def extract_batch(self, samples) -> Features:
        """Resizes / converts channels, runs the network, returns numpy arrays."""
        x = _adapt_images(
            np.asarray(samples, dtype=np.float32), self.image_size, self.channels, self.antialias
        )
        out = [o.numpy() for o in self._forward(x)]
        return out[0].reshape(len(out[0]), -1), (out[1] if len(out) > 1 else None)

    def protocol(self):
        """Extractor name, layers, input size and resize, weights."""
        if self._weights is None:
            self._weights = "sha256:" + _weights_fingerprint(self.model)
        return {
            "extractor": self.name,
            "layer": self.features_layer,
            "logits": self.logits_layer,
            "input_size": self.image_size,
            "channels": self.channels,
            "resize": "bilinear" + (" antialias" if self.antialias else ""),
            "input_range": [-1.0, 1.0],
            "weights": self._weights,
        }


# -------------------------------------------------------------- InceptionV3


def _keras_cache_dirs():
    dirs = []
    if os.environ.get("KERAS_HOME"):
        dirs.append(os.path.join(os.environ["KERAS_HOME"], "models"))
    dirs.append(os.path.join(os.path.expanduser("~"), ".keras", "models"))
    dirs.append(os.path.join("/tmp", ".keras", "models"))
    return dirs


def find_inception_weights(weights: str = "imagenet") -> Tuple[str, bool]:
    """Locates the InceptionV3 ImageNet weights without downloading anything.

    Args:
        weights: ``"imagenet"`` (look in Keras' cache: ``$KERAS_HOME/models``,
            ``~/.keras/models``, ``/tmp/.keras/models``) or a path to a Keras
            InceptionV3 ``.h5`` weights file.

    Returns:
        ``(path, include_top)``: ``include_top`` is False when only the
        "notop" file (no logits) was found.

    Raises:
        InceptionWeightsNotFoundError: nothing found; the message says how to
            provide the file.
    """
    if weights != "imagenet":
        path = os.path.expanduser(str(weights))
        if not os.path.isfile(path):
            raise InceptionWeightsNotFoundError(f"InceptionV3 weights file {path!r} not found.")
        return path, "notop" not in os.path.basename(path)
    dirs = _keras_cache_dirs()
    for name, top in ((INCEPTION_WEIGHTS_FILE, True), (INCEPTION_WEIGHTS_NOTOP_FILE, False)):
        for d in dirs:
            path = os.path.join(d, name)
            if os.path.isfile(path):
                return path, top
    raise InceptionWeightsNotFoundError(
        "InceptionV3 ImageNet weights not found (kerasgan never downloads them; looked for "
        f"{INCEPTION_WEIGHTS_FILE} in {', '.join(dirs)}). On a machine with internet access run "
        '`python -c "import keras; keras.applications.InceptionV3()"` (or download '
        f"{INCEPTION_WEIGHTS_URL}) and copy the file into ~/.keras/models/, or pass its path: "
        "weights='/path/to/file.h5' in Python, --inception-weights PATH on the command line. "
        "Tests may use weights='random'."
    )


def inception_v3(weights: str = "imagenet", batch_size: int = 32) -> KerasExtractor:
    """InceptionV3 pool features (2048-d) and ImageNet logits (1000).

    Protocol: images are fed in [-1, 1] (grey repeated to RGB), resized to
    299x299 bilinearly without antialiasing; features are the
    ``avg_pool`` (global average pool, "pool3") output, logits are the
    ``predictions`` layer before softmax. These are Keras' ImageNet weights,
    not the 2015 TensorFlow graph used by the original FID / IS code, so
    absolute numbers differ from published tables (see docs/metrics.md).

    Args:
        weights: ``"imagenet"`` (Keras' cache, never downloaded), a path to a
            weights file, or ``"random"`` / ``None`` for random initialisation
            (tests only: such features are not comparable between runs).
        batch_size: images per network call.

    Returns:
        A :class:`KerasExtractor`.

    Raises:
        InceptionWeightsNotFoundError: ImageNet weights not available.
    """
    import keras

    include_top, path = True, None
    if weights in (None, "random"):
        label = "random"
    else:
        path, include_top = find_inception_weights(weights)
        label = f"imagenet:{os.path.basename(path)}:{os.path.getsize(path)}"
    if include_top:
        net = keras.applications.InceptionV3(include_top=True, weights=None, classifier_activation=None)
        logits = "predictions"
    else:
        net = keras.applications.InceptionV3(include_top=False, weights=None, pooling="avg")
        logits = None
    if path is not None:
        net.load_weights(path)
    extractor = KerasExtractor(
        net,
        features_layer="avg_pool" if include_top else None,
        logits_layer=logits,
        image_size=INCEPTION_SIZE,
        channels=3,
        antialias=False,
        name="inception_v3",
        batch_size=batch_size,
        weights=label,
    )
    extractor.features_layer = "avg_pool"
    extractor.cacheable = label != "random"
    return extractor


def get_extractor(spec=None, *, inception_weights: str = "imagenet") -> FeatureExtractor:
    """Turns a name, a Keras model, a callable or an extractor into a :class:`FeatureExtractor`.

    Args:
        spec: ``"inception"`` / ``"inception_v3"``, ``"digits"`` or
            ``"mnist5k"`` (the shipped classifiers), ``"identity"``, a
            :class:`FeatureExtractor`, a Keras model (its output are the features), or a function
            ``samples -> features`` (or ``-> (features, logits)``).
        inception_weights: weights for ``"inception"`` (see :func:`inception_v3`).

    Returns:
        A :class:`FeatureExtractor`.
    """
    import keras

    if isinstance(spec, FeatureExtractor):
        return spec
    if isinstance(spec, str):
        key = spec.lower()
        if key in ("inception", "inception_v3", "inceptionv3"):
            return inception_v3(inception_weights)
        from kerasgan.metrics.digits_classifier import JUDGES, digits_extractor

        judge = key[: -len("_cnn")] if key.endswith("_cnn") else key
        if judge in JUDGES:
            return digits_extractor(data=judge)
        if key in ("identity", "pixels", "none"):
            return IdentityExtractor()
        raise ValueError(
            f"unknown feature extractor {spec!r}; use 'inception', 'digits', 'mnist5k', 'identity' "
            "or a Keras model"
        )
    if isinstance(spec, keras.Model):
        return KerasExtractor(spec)
    if callable(spec):
        return FunctionExtractor(spec)
    raise TypeError(f"cannot use {type(spec).__name__} as a feature extractor")
