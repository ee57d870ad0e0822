"""Export kerasgan generators for serving: TF Serving SavedModels and ONNX files.

- :func:`export_savedmodel` writes ``BASE/NAME/VERSION/`` (signatures per
  :func:`generator_kind`, warmup requests, ``models.config``, batching
  parameters) and checks it against the Keras generator;
- :func:`export_onnx` writes a ``.onnx`` file of the generator (``z`` or
  ``image`` in, ``images`` / ``points`` out) checked with onnxruntime;
- :func:`latents_for_seeds` gives the latents the SavedModel's ``generate``
  signature draws for a seed, for clients of the ONNX file.

Example:
    >>> from kerasgan.export import export_savedmodel, export_onnx
    >>> export_savedmodel("runs/digits/model.keras", "serving", "digits").path
    '/abs/serving/digits/1'
    >>> export_onnx("runs/digits/model.keras", "digits.onnx").max_abs_diff
    4.1e-07

See ``docs/export.md`` for every signature.
"""

from kerasgan.export.generators import (
    KINDS,
    ExportError,
    GeneratorInfo,
    describe_generator,
    generator_kind,
    latents_for_seeds,
)
from kerasgan.export.onnx_export import OnnxExport, export_onnx, supported_opsets
from kerasgan.export.savedmodel import (
    SavedModelExport,
    describe_savedmodel,
    export_savedmodel,
)

__all__ = [
    "KINDS",
    "ExportError",
    "GeneratorInfo",
    "OnnxExport",
    "SavedModelExport",
    "describe_generator",
    "describe_savedmodel",
    "export_onnx",
    "export_savedmodel",
    "generator_kind",
    "latents_for_seeds",
    "supported_opsets",
]
