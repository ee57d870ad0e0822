"""One loaded SavedModel version: its signatures, metadata, warmup and execution."""

from __future__ import annotations

import logging
import os
import threading

import numpy as np

from kerasgan.serving.errors import ServingError, invalid, unavailable
from kerasgan.serving.limits import check_deadline

log = logging.getLogger("kerasgan.serving")

DEFAULT_SIGNATURE = "serving_default"
WARMUP_FILE = os.path.join("assets.extra", "tf_serving_warmup_requests")
#: TF Serving replays at most this many warmup records.
MAX_WARMUP_RECORDS = 1000


def _dtype_name(dtype):
    return getattr(dtype, "name", str(dtype))


def read_signature_defs(path):
    """The ``SignatureDefMap`` of the SavedModel in ``path`` (read from saved_model.pb[txt])."""
    from google.protobuf import text_format
    from tensorflow.core.protobuf import saved_model_pb2
    from tensorflow_serving.apis import get_model_metadata_pb2

    saved = saved_model_pb2.SavedModel()
    binary, text = os.path.join(path, "saved_model.pb"), os.path.join(path, "saved_model.pbtxt")
    if os.path.isfile(binary):
        with open(binary, "rb") as f:
            saved.ParseFromString(f.read())
    else:
        with open(text, encoding="utf-8") as f:
            text_format.Parse(f.read(), saved)
    result = get_model_metadata_pb2.SignatureDefMap()
    for meta_graph in saved.meta_graphs:
        if "serve" in meta_graph.meta_info_def.tags or len(saved.meta_graphs) == 1:
            for key, signature in meta_graph.signature_def.items():
                result.signature_def[key].CopyFrom(signature)
            break
    return result


class Servable:
    """A loaded SavedModel version that runs its signatures on numpy inputs.

    Args:
        name: model name.
        version: integer version.
        path: the version folder (holding ``saved_model.pb``).
        batching: :class:`~kerasgan.serving.batching.BatchingOptions` to merge
            concurrent calls, or None.
        limits: :class:`~kerasgan.serving.limits.ServingLimits` checked by
            :meth:`run` before a model runs, or None.

    Attributes:
        executions: signature runs so far (merged batches count once).
        warmup_requests: warmup records replayed at load time.

    Example:
        >>> servable = Servable("digits", 1, "exports/digits/1")
        >>> servable.load()
        >>> servable.run("serving_default", {"z": np.zeros((2, 64), "float32")})["images"].shape
        (2, 16, 16, 1)
    """

    def __init__(self, name, version, path, batching=None, limits=None):
        self.name, self.version, self.path = name, int(version), path
        self.batching, self.limits = batching, limits
        self.unloaded = False
        self.executions = 0
        self.warmup_requests = 0
        self._signatures = {}
        self._specs = {}
        self._output_specs = {}
        self._batchers = {}
        self._lock = threading.Lock()
        self.signature_defs = None
        self._loaded = None

    # ------------------------------------------------------------------ loading

    def load(self):
        """Loads the SavedModel and replays its warmup requests; raises on failure."""
        import tensorflow as tf

        if not os.path.isfile(os.path.join(self.path, "saved_model.pb")) and not os.path.isfile(
            os.path.join(self.path, "saved_model.pbtxt")
        ):
            raise FileNotFoundError(f"no saved_model.pb in {self.path}")
        self._loaded = tf.saved_model.load(self.path)
        self._signatures = dict(self._loaded.signatures)
        for key, function in self._signatures.items():
            self._specs[key] = dict(function.structured_input_signature[1])
            self._output_specs[key] = dict(function.structured_outputs)
        self.signature_defs = read_signature_defs(self.path)
        self._warmup()

    def _warmup(self):
        import tensorflow as tf
        from tensorflow_serving.apis import prediction_log_pb2

        path = os.path.join(self.path, WARMUP_FILE)
        if not os.path.isfile(path):
            return
        for count, record in enumerate(tf.data.TFRecordDataset(path)):
            if count >= MAX_WARMUP_RECORDS:
                break
            entry = prediction_log_pb2.PredictionLog.FromString(record.numpy())
            if entry.WhichOneof("log_type") != "predict_log":
                raise ValueError(f"warmup record {count}: only predict_log records are supported")
            request = entry.predict_log.request
            inputs = {k: tf.make_ndarray(v) for k, v in request.inputs.items()}
            try:
                self.run(request.model_spec.signature_name or DEFAULT_SIGNATURE, inputs,
                         batched=False, limited=False)
            except ServingError as error:
                raise ValueError(f"warmup record {count} failed: {error.message}") from None
            self.warmup_requests += 1
        log.info("%s version %d: replayed %d warmup requests", self.name, self.version,
                 self.warmup_requests)

    def unload(self):
        """Stops the batch threads once their queued requests are answered.

        The signatures stay: a request that resolved this version before the
        unload completes on it, and the model is freed with the last reference.
        """
        with self._lock:
            self.unloaded = True
            batchers, self._batchers = list(self._batchers.values()), {}
        for batcher in batchers:
            batcher.close()

    # --------------------------------------------------------------- signatures

    @property
    def signature_names(self):
        """Names of the callable signatures, sorted."""
        return sorted(self._signatures)

    def input_specs(self, signature=DEFAULT_SIGNATURE):
        """Input name -> ``tf.TensorSpec`` of ``signature``; 400 if there is no such signature."""
        signature = signature or DEFAULT_SIGNATURE
        if signature not in self._specs:
            raise invalid(
                f'Serving signature name: "{signature}" not found in signature def '
                f"(available: {', '.join(self.signature_names) or 'none'})"
            )
        return self._specs[signature]

    def output_names(self, signature=DEFAULT_SIGNATURE):
        """Output names of ``signature``, sorted."""
        self.input_specs(signature)
        return sorted(self._output_specs[signature or DEFAULT_SIGNATURE])

    def method_name(self, signature=DEFAULT_SIGNATURE):
        """The SignatureDef's ``method_name`` (``tensorflow/serving/predict`` for exports)."""
        defs = self.signature_defs.signature_def if self.signature_defs is not None else {}
        return defs[signature].method_name if signature in defs else ""

    # ---------------------------------------------------------------- execution

    def check_inputs(self, signature, inputs):
        """Validates names, dtypes and shapes of ``inputs`` against ``signature``.

        Raises:
            ServingError: 400 with TF Serving style text on a mismatch.
        """
        specs = self.input_specs(signature)
        sent, wanted = set(inputs), set(specs)
        if sent != wanted:
            extra = ",".join(sorted(sent - wanted))
            missing = ",".join(sorted(wanted - sent))
            raise invalid(
                f"input size does not match signature: {len(sent)}!={len(wanted)} "
                f"len({{{','.join(sorted(sent))}}}) != len({{{','.join(sorted(wanted))}}}). "
                f"Sent extra: {{{extra}}}. Missing but required: {{{missing}}}."
            )
        for name, spec in specs.items():
            array = inputs[name]
            expected = spec.dtype.as_numpy_dtype
            is_string = spec.dtype.name == "string"
            ok = array.dtype.kind in "OSU" if is_string else array.dtype == np.dtype(expected)
            if not ok:
                got = "string" if array.dtype.kind in "OSU" else array.dtype.name
                raise invalid(
                    f"Expects arg[{name}] to be {_dtype_name(spec.dtype)} but {got} is provided"
                )
            if not spec.shape.is_compatible_with(array.shape):
                wanted_shape = [d if d is not None else -1 for d in spec.shape.as_list()] \
                    if spec.shape.rank is not None else "any"
                raise invalid(
                    f"input {name!r}: expected shape {wanted_shape}, got {list(array.shape)}"
                )

    def run(self, signature, inputs, output_filter=None, batched=True, deadline=None,
            limited=True):
        """Runs ``signature`` on numpy ``inputs``.

        Args:
            signature: signature name ("" means ``serving_default``).
            inputs: input name -> numpy array of the signature's dtype (bytes
                objects for strings).
            output_filter: output names to return (default: all).
            batched: go through the batcher when batching is on.
            deadline: ``time.monotonic()`` by which the run must start (None: none).
            limited: check the rows and output size against the servable's limits.

        Returns:
            dict output name -> numpy array.

        Raises:
            ServingError: 400 for bad inputs, unknown signature or output filter,
                or more rows than allowed; 413 for outputs over the size limit;
                504 past the deadline.
        """
        signature = signature or DEFAULT_SIGNATURE
        self.check_inputs(signature, inputs)
        outputs_known = self.output_names(signature)
        if output_filter:
            unknown = [name for name in output_filter if name not in outputs_known]
            if unknown:
                raise invalid(
                    f"output tensor alias not found in signature: {unknown[0]} "
                    f"Outputs expected to be in the set {{{','.join(outputs_known)}}}."
                )
        limits = self.limits if limited else None
        if limits is not None:
            rows = max((int(v.shape[0]) for v in inputs.values() if v.ndim), default=1)
            limits.check_rows(rows)
            limits.check_response_bytes(self._output_bytes(signature, rows))
        batcher = self._batcher(signature) if batched and self.batching is not None else None
        if batcher is not None:
            outputs = batcher.submit(inputs, deadline=deadline)
        else:
            check_deadline(deadline)
            outputs = self._execute(signature, inputs)
        if limits is not None:
            limits.check_response_bytes(sum(_nbytes(v) for v in outputs.values()))
        if output_filter:
            outputs = {k: v for k, v in outputs.items() if k in set(output_filter)}
        return outputs

    def _output_bytes(self, signature, rows):
        """Bytes the outputs of ``rows`` rows will take, from the signature (0 where unknown)."""
        total = 0
        for spec in self._output_specs[signature].values():
            dims = spec.shape.as_list() if spec.shape.rank is not None else [None]
            if not dims:
                continue
            if dims[0] is None:
                dims[0] = rows
            if None in dims or spec.dtype.name == "string":
                continue  # known only once the model has run
            total += int(np.prod(dims, dtype=np.int64)) * spec.dtype.size
        return total

    def _batcher(self, signature):
        from kerasgan.serving.batching import Batcher

        with self._lock:
            if self.unloaded:
                return None  # answer the last requests directly, start no new threads
            if signature not in self._batchers:
                self._batchers[signature] = Batcher(
                    lambda inputs: self._execute(signature, inputs),
                    self.batching,
                    name=f"{self.name}-{self.version}-{signature}",
                )
            return self._batchers[signature]

    def batcher_stats(self, signature=DEFAULT_SIGNATURE):
        """``(batches_run, rows_run)`` of the batcher of ``signature`` (``(0, 0)`` if none)."""
        batcher = self._batchers.get(signature)
        return (batcher.batches_run, batcher.rows_run) if batcher else (0, 0)

    def _execute(self, signature, inputs):
        import tensorflow as tf

        function = self._signatures.get(signature)
        if function is None:
            raise unavailable(f"Servable {self.name} version {self.version} was unloaded")
        specs = self._specs[signature]
        tensors = {k: tf.constant(v, dtype=specs[k].dtype) for k, v in inputs.items()}
        with self._lock:
            self.executions += 1
        try:
            outputs = function(**tensors)
        except (tf.errors.InvalidArgumentError, ValueError, TypeError) as error:
            raise invalid(_error_text(error)) from None
        except tf.errors.OpError as error:
            raise ServingError.from_grpc_code(_op_error_code(error), _error_text(error)) from None
        return {k: v.numpy() for k, v in outputs.items()}


def _nbytes(array):
    array = np.asarray(array)
    if array.dtype.kind == "O":
        return sum(len(v) if isinstance(v, (bytes, str)) else 8 for v in array.flat)
    return array.nbytes


_OP_ERROR_CODES = ("CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
                   "ALREADY_EXISTS", "PERMISSION_DENIED", "UNAUTHENTICATED", "RESOURCE_EXHAUSTED",
                   "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
                   "UNAVAILABLE", "DATA_LOSS")


def _op_error_code(error):
    """The gRPC code name of a ``tf.errors.OpError`` (its ``error_code`` number)."""
    import tensorflow as tf

    for name in _OP_ERROR_CODES:
        if getattr(tf.errors, name, None) == error.error_code:
            return name
    return "UNKNOWN"


def _error_text(error):
    """One line saying why a run failed.

    TensorFlow's graph errors start with "Graph execution error:" and a
    traceback; the cause (e.g. an assertion's message) comes after them.
    """
    import tensorflow as tf

    text = getattr(error, "message", None) or str(error)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if isinstance(error, tf.errors.OpError):
        noise = ("[[", "File ", "Detected at node", "Graph execution error")
        causes = [line for line in lines if not line.startswith(noise)]
        lines = causes[-1:] or lines
    return lines[0] if lines else type(error).__name__
