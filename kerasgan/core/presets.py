"""The preset hooks of :meth:`AdversarialModel.from_preset` / ``save_to_preset``.

Core knows nothing of the zoo: the package (``kerasgan/__init__.py``) installs
the zoo's loader and saver here, KerasHub-style, and the zoo is imported only
when a preset is first used.
"""

from __future__ import annotations

_hooks = {}


def set_preset_hooks(loader, saver):
    """Installs the functions behind ``from_preset`` and ``save_to_preset``.

    Args:
        loader: ``loader(cls, preset, load_weights=..., compile=...)`` -> model.
        saver: ``saver(model, folder, data=...)`` -> folder.
    """
    _hooks["loader"] = loader
    _hooks["saver"] = saver


def _hook(name):
    if name not in _hooks:
        # The package installs them when its API loads; a family imported by its
        # module path (kerasgan.families.dcgan) may not have loaded it yet.
        import kerasgan

        kerasgan.load_api()
    if name not in _hooks:
        raise RuntimeError(
            "no preset support is installed; import kerasgan (the package) before using presets."
        )
    return _hooks[name]


def load_preset(cls, preset, load_weights=True, compile=True):
    """Runs the installed preset loader (see :func:`set_preset_hooks`)."""
    return _hook("loader")(cls, preset, load_weights=load_weights, compile=compile)


def save_preset(model, folder, data=None):
    """Runs the installed preset saver (see :func:`set_preset_hooks`)."""
    return _hook("saver")(model, folder, data=data)
