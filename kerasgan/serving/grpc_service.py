"""TF Serving's gRPC API: ``PredictionService`` (Predict, GetModelMetadata) and ``ModelService``."""

from __future__ import annotations

import concurrent.futures
import functools
import logging
import time

from kerasgan.serving.errors import ServingError, invalid
from kerasgan.serving.limits import ServingLimits
from kerasgan.serving.rest import metadata_response

log = logging.getLogger("kerasgan.serving")

#: gRPC message size limit of the clients both ways (images are large; gRPC's default is 4 MB).
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
GRPC_OPTIONS = [
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
]
#: Dtypes a request tensor may have; others (variant, resource, quantized) cannot be model inputs.
_REQUEST_DTYPES = frozenset({
    "bool", "string", "float16", "bfloat16", "float32", "float64", "complex64", "complex128",
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"})


def _version_choice(model_spec):
    which = model_spec.WhichOneof("version_choice")
    if which == "version":
        return model_spec.version.value, None
    if which == "version_label":
        return None, model_spec.version_label
    return None, None


def _abort(context, error):
    import grpc

    context.abort(getattr(grpc.StatusCode, error.code, grpc.StatusCode.UNKNOWN), error.message)


def _answered(method):
    """Turns ServingError into its gRPC status and any other error into INTERNAL."""

    @functools.wraps(method)
    def wrapper(self, request, context):
        try:
            return method(self, request, context)
        except ServingError as error:
            _abort(context, error)
        except Exception as error:  # noqa: BLE001  answered and logged, never UNKNOWN
            log.exception("unexpected error in %s", method.__name__)
            _abort(context, ServingError(500, f"Internal error: {type(error).__name__}: {error}"))

    return wrapper


def request_array(name, proto, limits):
    """A request ``TensorProto`` as a numpy array, its declared size checked before allocation.

    Raises:
        ServingError: 400 for a dtype that cannot be an input, a bad shape or
            content, or more rows than ``limits.max_batch_rows``; 413 /
            RESOURCE_EXHAUSTED when the declared tensor is over ``limits.max_request_bytes``.
    """
    import tensorflow as tf

    try:
        dtype = tf.dtypes.as_dtype(proto.dtype)
    except TypeError:
        raise invalid(f"input {name!r}: unknown tensor dtype {proto.dtype}") from None
    if dtype.name not in _REQUEST_DTYPES:
        raise invalid(f"input {name!r}: tensors of dtype {dtype.name} cannot be sent to a model")
    dims = [d.size for d in proto.tensor_shape.dim]
    if any(d < 0 for d in dims) or proto.tensor_shape.unknown_rank:
        raise invalid(f"input {name!r}: a request tensor needs a fully known shape, got {dims}")
    if dims:
        limits.check_rows(dims[0])
    count = 1
    for d in dims:
        count *= d
    if dtype == tf.string:  # what they hold, or one pointer each when repeated
        size = max(sum(len(v) for v in proto.string_val), count * 8)
    else:
        size = count * dtype.size
    limits.check_request_bytes(size, what=f"input {name!r} (declared shape {dims})")
    try:
        return tf.make_ndarray(proto)
    except Exception as error:  # noqa: BLE001  any malformed content is the client's
        raise invalid(f"bad TensorProto for input {name!r}: {error}") from None


def _deadline(context, limits):
    """The earlier of the client's deadline and the server's request timeout (monotonic)."""
    deadline = limits.deadline()
    remaining = context.time_remaining()
    if remaining is not None:
        deadline = min(deadline, time.monotonic() + remaining)
    return deadline


def _servicers(repository, limits):
    import tensorflow as tf
    from tensorflow_serving.apis import (
        get_model_status_pb2,
        model_service_pb2_grpc,
        predict_pb2,
        prediction_service_pb2_grpc,
    )

    class PredictionService(prediction_service_pb2_grpc.PredictionServiceServicer):
        """Predict and GetModelMetadata over the repository (Classify/Regress: UNIMPLEMENTED)."""

        @_answered
        def Predict(self, request, context):
            deadline = _deadline(context, limits)
            spec = request.model_spec
            servable = repository.resolve(spec.name, *_version_choice(spec))
            signature = spec.signature_name or "serving_default"
            inputs = {k: request_array(k, v, limits) for k, v in request.inputs.items()}
            outputs = servable.run(signature, inputs, list(request.output_filter) or None,
                                   deadline=deadline)
            response = predict_pb2.PredictResponse()
            response.model_spec.name = servable.name
            response.model_spec.version.value = servable.version
            response.model_spec.signature_name = signature
            for name, value in outputs.items():
                response.outputs[name].CopyFrom(tf.make_tensor_proto(value))
            return response

        @_answered
        def GetModelMetadata(self, request, context):
            fields = list(request.metadata_field)
            if fields != ["signature_def"]:
                raise invalid(
                    "Metadata field(s) " + (",".join(fields) or "<none>") + " not supported; "
                    "request metadata_field: 'signature_def'"
                )
            spec = request.model_spec
            return metadata_response(repository.resolve(spec.name, *_version_choice(spec)))

    class ModelService(model_service_pb2_grpc.ModelServiceServicer):
        """GetModelStatus (HandleReloadConfigRequest: UNIMPLEMENTED; edit models.config instead)."""

        @_answered
        def GetModelStatus(self, request, context):
            spec = request.model_spec
            statuses = repository.status(spec.name, *_version_choice(spec))
            response = get_model_status_pb2.GetModelStatusResponse()
            for status in statuses:
                item = response.model_version_status.add()
                item.version = status.version
                item.state = get_model_status_pb2.ModelVersionStatus.State.Value(status.state)
                item.status.error_code = _error_code(status.error_code)
                item.status.error_message = status.error_message
            return response

    return PredictionService(), ModelService()


def _error_code(name):
    """The ``tensorflow.error.Code`` number of a code name (UNKNOWN if not one)."""
    from tensorflow_serving.apis import status_pb2

    codes = status_pb2.StatusProto.DESCRIPTOR.fields_by_name["error_code"].enum_type
    value = codes.values_by_name.get(name) or codes.values_by_name["UNKNOWN"]
    return value.number


def start_grpc_server(repository, host="127.0.0.1", port=8500, max_workers=16, limits=None):
    """Starts a gRPC server for ``repository``.

    Args:
        repository: a started :class:`~kerasgan.serving.repository.ModelRepository`.
        host: interface to bind.
        port: TCP port (0: a free one).
        max_workers: concurrent RPCs.
        limits: :class:`~kerasgan.serving.limits.ServingLimits`: message sizes
            (gRPC itself refuses larger requests with RESOURCE_EXHAUSTED before
            reading them), declared tensor sizes, rows and time.

    Returns:
        ``(server, port)``: the running ``grpc.Server`` and the bound port.

    Raises:
        OSError: the port cannot be bound.
    """
    import grpc
    from tensorflow_serving.apis import (
        model_service_pb2_grpc,
        prediction_service_pb2_grpc,
    )

    limits = limits or ServingLimits()
    # Responses may exceed max_response_bytes by their protobuf framing.
    options = [("grpc.max_receive_message_length", limits.max_request_bytes),
               ("grpc.max_send_message_length", limits.max_response_bytes + (1 << 20))]
    server = grpc.server(
        concurrent.futures.ThreadPoolExecutor(max_workers=max_workers,
                                              thread_name_prefix="kerasgan-grpc"),
        options=options,
    )
    prediction, models = _servicers(repository, limits)
    prediction_service_pb2_grpc.add_PredictionServiceServicer_to_server(prediction, server)
    model_service_pb2_grpc.add_ModelServiceServicer_to_server(models, server)
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        bound = server.add_insecure_port(address)
    except RuntimeError as error:
        raise OSError(f"cannot bind gRPC to {address}: {error}") from None
    if not bound:
        raise OSError(f"cannot bind gRPC to {address} (port in use?)")
    server.start()
    return server, bound
