"""kerasgan: GAN families as Keras 3 models trained with ``model.fit``.

Example:
    >>> import kerasgan
    >>> spec = kerasgan.data.spec("ring8")
    >>> model = kerasgan.families.get("wgan_gp").build_for_data(spec)
    >>> model.compile()
    >>> model.fit(kerasgan.data.load("ring8", batch_size=256), epochs=10)
    >>> samples = model.generate(2500, seed=0)

``import kerasgan`` is light: Keras and TensorFlow load on first use of the
API (``kerasgan.data``, ``kerasgan.GAN``, ``kerasgan.WGANGP`` ...), so that the
command line answers ``kerasgan --help`` and ``kerasgan zoo list`` at once.
"""

import os as _os
import sys as _sys

# TensorFlow's C++ start-up lines (CUDA probing on CPU machines, CPU feature
# notes) are not actionable; hide INFO and WARNING logs unless the user chose
# a level (TF_CPP_MIN_LOG_LEVEL=0 shows them again; so does KERASGAN_VERBOSE=1).
# Errors are still shown.
_TF_LOG_LEVEL_CHOSEN = (
    "tensorflow" not in _sys.modules
    and "TF_CPP_MIN_LOG_LEVEL" not in _os.environ
    and _os.environ.get("KERASGAN_VERBOSE", "") in ("", "0")
)
if _TF_LOG_LEVEL_CHOSEN:
    _os.environ["TF_CPP_MIN_LOG_LEVEL"] = "2"

__version__ = "0.1.0"

#: Subpackages that load Keras with the package's API (``kerasgan.data`` ...).
_API_SUBPACKAGES = ("callbacks", "core", "data", "families", "layers", "metrics", "nets")
#: Subpackages imported on their own on first use (``kerasgan.zoo.load(...)``): export and
#: serving pull in tf2onnx, protobufs and web frameworks; the zoo lists entries without Keras.
_LAZY_SUBPACKAGES = ("export", "serving", "testing", "training", "zoo")

_loaded = False
_loading = False


def _load_preset(cls, preset, load_weights=True, compile=True):
    from kerasgan.zoo.models import from_preset

    return from_preset(cls, preset, load_weights=load_weights, compile=compile)


def _save_preset(model, folder, data=None):
    from kerasgan.zoo.models import save_to_preset

    return save_to_preset(model, folder, data=data)


def load_api():
    """Imports Keras and the package's API (done on first use of any of it; idempotent).

    Checks that Keras runs on TensorFlow, imports the core subpackages,
    installs the zoo's preset hooks (``from_preset`` / ``save_to_preset``) and
    makes every registered family class ``kerasgan.<ClassName>``.

    Raises:
        ImportError: Keras runs on another backend than TensorFlow.
    """
    global _loaded, _loading
    if _loaded or _loading:
        return
    _loading = True
    try:
        _load()
    finally:
        _loading = False


def _load():
    global _loaded, __all__
    import keras

    if keras.backend.backend() != "tensorflow":
        raise ImportError(
            "kerasgan needs the TensorFlow backend of Keras 3 (its train steps use "
            f"tf.GradientTape); KERAS_BACKEND is {keras.backend.backend()!r}. "
            "Set KERAS_BACKEND=tensorflow before importing keras."
        )
    import importlib

    for name in _API_SUBPACKAGES:
        importlib.import_module(f"kerasgan.{name}")
    from kerasgan import core, families

    # Presets are the zoo's: core only holds the hooks (the zoo loads on first use).
    core.presets.set_preset_hooks(_load_preset, _save_preset)
    classes = {cls.__name__: cls for cls in families.classes(load_entry_points=False).values()}
    # Every registered family class as ``kerasgan.<ClassName>`` (kerasgan.WGANGP ...).
    globals().update(classes, GAN=core.GAN)
    __all__ = sorted(classes) + ["GAN", *_API_SUBPACKAGES, *_LAZY_SUBPACKAGES]
    _loaded = True


def __getattr__(name):
    import importlib
    import importlib.util

    if name.startswith("__") and name != "__all__":
        raise AttributeError(f"module 'kerasgan' has no attribute {name!r}")
    if name in _API_SUBPACKAGES and not _loading:
        load_api()
        return importlib.import_module(f"kerasgan.{name}")
    if name != "__all__" and importlib.util.find_spec(f"kerasgan.{name}") is not None:
        # A module of the package (kerasgan.zoo, kerasgan.errors ...), or a subpackage
        # asked for while the API itself loads: imported alone.
        return importlib.import_module(f"kerasgan.{name}")
    load_api()
    if name in globals():
        return globals()[name]
    raise AttributeError(f"module 'kerasgan' has no attribute {name!r}")


def __dir__():
    load_api()
    return sorted(globals())
