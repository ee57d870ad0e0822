"""kerasgan: GAN families as Keras 3 models trained with ``model.fit``.

Example:
    >>> import kerasgan
    >>> spec = kerasgan.data.spec("ring8")
    >>> model = kerasgan.families.get("wgan_gp").build_for_data(spec)
    >>> model.compile()
    >>> model.fit(kerasgan.data.load("ring8", batch_size=256), epochs=10)
    >>> samples = model.generate(2500, seed=0)
"""

import os as _os
import sys as _sys

# TensorFlow's C++ start-up lines (CUDA probing on CPU machines, CPU feature
# notes) are not actionable; hide INFO and WARNING logs unless the user chose
# a level (TF_CPP_MIN_LOG_LEVEL=0 shows them again). Errors are still shown.
if "tensorflow" not in _sys.modules:
    _os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras as _keras  # noqa: E402

if _keras.backend.backend() != "tensorflow":
    raise ImportError(
        "kerasgan needs the TensorFlow backend of Keras 3 (its train steps use "
        f"tf.GradientTape); KERAS_BACKEND is {_keras.backend.backend()!r}. "
        "Set KERAS_BACKEND=tensorflow before importing keras."
    )

from kerasgan import callbacks, core, data, families, layers, metrics, nets  # noqa: E402
from kerasgan.core import GAN  # noqa: E402

# Every registered family class as ``kerasgan.<ClassName>`` (kerasgan.WGANGP ...).
globals().update({cls.__name__: cls for cls in families.classes(load_entry_points=False).values()})

def _load_preset(cls, preset, load_weights=True, compile=True):
    from kerasgan.zoo.models import from_preset

    return from_preset(cls, preset, load_weights=load_weights, compile=compile)


def _save_preset(model, folder, data=None):
    from kerasgan.zoo.models import save_to_preset

    return save_to_preset(model, folder, data=data)


# Presets are the zoo's: core only holds the hooks (the zoo loads on first use).
core.presets.set_preset_hooks(_load_preset, _save_preset)

__version__ = "0.1.0"

__all__ = sorted({cls.__name__ for cls in families.classes(load_entry_points=False).values()}) + [
    "GAN", "callbacks", "core", "data", "export", "families", "layers", "metrics", "nets",
    "serving", "zoo",
]

#: Subpackages imported on first use (``kerasgan.zoo.load(...)`` after ``import kerasgan``):
#: export and serving pull in tf2onnx, protobufs and web frameworks.
_LAZY_SUBPACKAGES = ("export", "serving", "testing", "training", "zoo")


def __getattr__(name):
    if name in _LAZY_SUBPACKAGES:
        import importlib

        return importlib.import_module(f"kerasgan.{name}")
    raise AttributeError(f"module 'kerasgan' has no attribute {name!r}")
