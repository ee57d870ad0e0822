"""Generators to ONNX with ``tf2onnx``, checked with ``onnx.checker`` and onnxruntime.

The ONNX graph is the SavedModel's ``serving_default`` function without its
run-time label checks: inputs ``z`` (+ ``label``) or ``image`` (+ ``label``),
output ``images`` (in [0, 1]) or ``points``, dynamic batch axis, no random
ops (draw latents on the client with :func:`kerasgan.export.latents_for_seeds`).
With ``encoder=True`` it is the ``encode`` function of a family with an
encoder instead: ``image`` (in [0, 1]) -> ``z``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import tempfile
import warnings

import numpy as np

from kerasgan.export.generators import (
    ExportError,
    describe_generator,
    float32_network,
    load_model,
)
from kerasgan.export.paths import check_file_name, write_error
from kerasgan.export.savedmodel import example_inputs
from kerasgan.export.signatures import core_endpoint, encode_endpoint
from kerasgan.files import make_readable

__all__ = ["BATCH_DIMENSION", "ONNX_STEPS", "OnnxExport", "export_onnx", "name_batch_dimension", "supported_opsets"]

#: ONNX domains whose ops onnxruntime runs; anything else is an unconverted TF op.
_STANDARD_DOMAINS = ("", "ai.onnx", "ai.onnx.ml")
_MIN_OPSET = 13  # tf2onnx's converters for the layers kerasgan uses need 13+


@dataclasses.dataclass
class OnnxExport:
    """Result of :func:`export_onnx`.

    Attributes:
        path: the ``.onnx`` file (absolute).
        opset: the ONNX opset.
        inputs: ``{name: (dtype, shape)}`` as onnxruntime sees them.
        outputs: ``{name: (dtype, shape)}``.
        max_abs_diff: largest |onnxruntime - Keras| over the checked batch sizes.
        per_batch: ``{batch size: max abs diff}``.
    """

    path: str
    opset: int
    inputs: dict
    outputs: dict
    max_abs_diff: float
    per_batch: dict


def supported_opsets():
    """The opsets :func:`export_onnx` accepts: 13 up to what tf2onnx and onnx both know."""
    import onnx.defs
    from tf2onnx import constants

    top = min(max(constants.OPSET_TO_IR_VERSION), onnx.defs.onnx_opset_version())
    return range(_MIN_OPSET, top + 1)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _tf2onnx_messages():
    """Collects tf2onnx's warnings and errors (it logs unsupported ops rather than raising)."""
    handler = _Collect()
    logger = logging.getLogger("tf2onnx")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


#: The steps :func:`export_onnx` reports to its ``progress``.
ONNX_STEPS = 3

#: Name of the first (batch) dimension of the ONNX inputs and outputs.
BATCH_DIMENSION = "batch"


def name_batch_dimension(proto, name=BATCH_DIMENSION):
    """Names the batch dimension of an ONNX graph's inputs and outputs (tf2onnx: ``unk__102``).

    Every input and output of an exported generator is batched: the symbols
    tf2onnx gave their first dimension are renamed everywhere in the graph
    (inputs, outputs, intermediate shapes), and a first dimension without a
    size or symbol gets ``name``.

    Args:
        proto: an ``onnx.ModelProto``, changed in place.
        name: the dimension's name.
    """
    graph = proto.graph
    firsts = [
        value.type.tensor_type.shape.dim[0]
        for value in [*graph.input, *graph.output]
        if value.type.tensor_type.shape.dim
    ]
    symbols = {dim.dim_param for dim in firsts if dim.dim_param}
    for value in [*graph.input, *graph.output, *graph.value_info]:
        for dim in value.type.tensor_type.shape.dim:
            if dim.dim_param in symbols:
                dim.dim_param = name
    for dim in firsts:
        if not dim.dim_param and not dim.HasField("dim_value"):
            dim.dim_param = name


def convert_function(fn, specs, opset, output_path):
    """Converts a ``tf.function``-able ``fn`` with ``specs`` to ONNX, refusing unconverted ops.

    Returns:
        the ``onnx.ModelProto`` (also written to ``output_path``).

    Raises:
        ExportError: tf2onnx reported unsupported ops, left non-ONNX ops in
            the graph, or ``onnx.checker`` rejected the model.
    """
    import onnx
    import tensorflow as tf
    import tf2onnx

    try:  # tf2onnx 1.17 predates numpy 2; Keras ships the compatibility patch it uses itself
        from keras.src.export.tf2onnx_lib import patch_tf2onnx
    except ImportError:  # pragma: no cover - older/newer Keras
        patch_tf2onnx = None
    if patch_tf2onnx is not None:
        with warnings.catch_warnings():  # it probes np.object, which numpy 2 warns about
            warnings.simplefilter("ignore", FutureWarning)
            patch_tf2onnx()
    function = tf.function(fn, input_signature=specs, autograph=False)
    with _tf2onnx_messages() as messages:
        try:
            proto, _ = tf2onnx.convert.from_function(function, input_signature=specs, opset=opset)
        except Exception as error:
            raise ExportError(f"tf2onnx could not convert the generator: {error}") from error
    unsupported = [m for m in messages if "not supported" in m or "Unsupported ops" in m]
    foreign = sorted(
        {f"{n.op_type} ({n.domain})" for n in proto.graph.node if n.domain not in _STANDARD_DOMAINS}
    )
    if unsupported or foreign:
        details = "; ".join(unsupported) or ", ".join(foreign)
        raise ExportError(f"tf2onnx left TensorFlow ops it cannot convert at opset {opset}: {details}")
    name_batch_dimension(proto)
    try:
        onnx.checker.check_model(proto, full_check=True)
    except Exception as error:
        raise ExportError(f"the converted graph fails onnx.checker: {str(error).splitlines()[0]}") from error
    onnx.save(proto, output_path)
    return proto


_ORT_TYPES = {"float": "float32", "double": "float64", "float16": "float16"}


def _describe_session(items):
    def dtype(text):
        name = text.replace("tensor(", "").rstrip(")")
        return _ORT_TYPES.get(name, name)

    return {
        item.name: (dtype(item.type), tuple(d if isinstance(d, int) else None for d in item.shape))
        for item in items
    }


def export_onnx(
    model, output_path, *, opset=17, batch_sizes=(1, 4), atol=1e-4, direction=None, encoder=False,
    progress=None,
):
    """Exports a kerasgan generator to ONNX and checks it with onnxruntime.

    Inputs and outputs carry the names of the SavedModel's ``serving_default``:
    ``z`` [+ ``label`` int32] or ``image`` (NHWC, [0, 1]) [+ ``label``] ->
    ``images`` ([0, 1]) or ``points``; the batch axis is dynamic. A
    mixed-precision generator is converted as a float32 copy with its weights.
    The file is written to a temp name and renamed only after
    ``onnx.checker`` and the parity check passed.

    Args:
        model: a kerasgan family model or a path to its ``.keras`` file.
        output_path: the ``.onnx`` file to write (its folder must exist).
        opset: ONNX opset (:func:`supported_opsets`).
        batch_sizes: batch sizes at which onnxruntime is compared with Keras.
        atol: the largest max-abs difference accepted.
        direction: CycleGAN only, ``"ab"`` (default) or ``"ba"``.
        encoder: convert the family's encoder (``image`` -> ``z``, the
            SavedModel's ``encode``) instead of the generator.
        progress: called with a short description as each of the
            :data:`ONNX_STEPS` steps starts (the CLI prints them).

    Returns:
        :class:`OnnxExport`.

    Raises:
        ExportError: bad model / opset / folder, ``encoder=True`` for a family
            without an encoder, unconvertible ops, or a parity difference above
            ``atol`` (no file is left then).

    Example:
        >>> result = export_onnx("runs/digits/model.keras", "digits.onnx")
        >>> result.inputs
        {'z': ('float', (None, 100))}
    """
    import onnxruntime

    step = progress or (lambda description: None)
    opsets = supported_opsets()
    if isinstance(opset, bool) or not isinstance(opset, (int, np.integer)) or opset not in opsets:
        raise ExportError(
            f"opset {opset!r} is not supported; use {opsets.start}..{opsets.stop - 1} (default 17)."
        )
    output_path = os.path.abspath(os.fspath(output_path))
    folder = os.path.dirname(output_path)
    if not os.path.isdir(folder):
        raise ExportError(f"folder {folder} does not exist; create it or choose another -o path.")
    if os.path.isdir(output_path):
        raise ExportError(f"{output_path} is a folder; pass a file name such as generator.onnx.")
    check_file_name(output_path, "-o")
    step(f"loading {model}" if isinstance(model, (str, os.PathLike)) else "reading the model")
    model, _ = load_model(model)
    info = describe_generator(model, direction=direction)
    output_key = info.output_key
    if not encoder:
        endpoint = core_endpoint(info, float32_network(info.network), checks=False)
    elif info.encoder is None:
        raise ExportError(f"{info.family} has no encoder; export its generator (without --encoder).")
    else:
        endpoint, output_key = encode_endpoint(info, float32_network(info.encoder)), "z"

    try:
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".onnx", dir=folder)
        os.close(fd)
    except OSError as error:
        raise write_error(output_path, error, "-o folder") from error
    try:
        step(f"converting the {'encoder' if encoder else 'generator'} with tf2onnx (opset {int(opset)})")
        convert_function(endpoint.fn, endpoint.specs, int(opset), tmp)
        step("checking onnxruntime against Keras at batch sizes "
             + ", ".join(str(int(b)) for b in batch_sizes))
        session = onnxruntime.InferenceSession(tmp, providers=["CPUExecutionProvider"])
        names = [item.name for item in session.get_inputs()]
        if names != endpoint.input_names:
            raise ExportError(f"ONNX inputs are {names}, expected {endpoint.input_names}.")
        per_batch = {}
        for batch in batch_sizes:
            inputs = example_inputs(info, endpoint.specs, int(batch), seed=int(batch))
            got = session.run([output_key], inputs)[0]
            expected = np.asarray(endpoint.fn(*inputs.values())[output_key])
            per_batch[int(batch)] = (
                float(np.abs(got - expected).max()) if got.shape == expected.shape else float("inf")
            )
        worst = max(per_batch.values(), default=0.0)
        if not worst <= atol:
            figures = ", ".join(f"batch {b}: {d:.3g}" for b, d in per_batch.items())
            raise ExportError(
                f"ONNX output differs from the Keras generator by more than atol={atol:g} ({figures})."
            )
        result = OnnxExport(
            path=output_path,
            opset=int(opset),
            inputs=_describe_session(session.get_inputs()),
            outputs=_describe_session(session.get_outputs()),
            max_abs_diff=worst,
            per_batch=per_batch,
        )
        del session
        make_readable(tmp)
        os.replace(tmp, output_path)
    except BaseException as error:
        if os.path.exists(tmp):
            os.remove(tmp)
        if isinstance(error, OSError):
            raise write_error(output_path, error, "-o folder") from error
        raise
    return result

