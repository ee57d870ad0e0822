"""Loading the scripts under ``tools/`` as modules, for the tests that drive them."""

import importlib.util
import os

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load_tool(name):
    """The module ``tools/NAME.py``, freshly imported."""
    spec = importlib.util.spec_from_file_location(f"kerasgan_tools_{name}", os.path.join(_ROOT, "tools", f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
