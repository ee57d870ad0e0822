"""TF Serving's gRPC API: ``PredictionService`` (Predict, GetModelMetadata) and ``ModelService``."""

from __future__ import annotations

import concurrent.futures

from kerasgan.serving.errors import ServingError, invalid
from kerasgan.serving.rest import metadata_response

#: gRPC message size limit both ways (images are large; gRPC's default is 4 MB).
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
GRPC_OPTIONS = [
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
]


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


def _servicers(repository):
    import tensorflow as tf
    from tensorflow_serving.apis import (
        get_model_status_pb2,
        model_service_pb2_grpc,
        predict_pb2,
        prediction_service_pb2_grpc,
    )

    class PredictionService(prediction_service_pb2_grpc.PredictionServiceServicer):
        """Predict and GetModelMetadata over the repository (Classify/Regress: UNIMPLEMENTED)."""

        def Predict(self, request, context):
            try:
                spec = request.model_spec
                servable = repository.resolve(spec.name, *_version_choice(spec))
                signature = spec.signature_name or "serving_default"
                try:
                    inputs = {k: tf.make_ndarray(v) for k, v in request.inputs.items()}
                except (TypeError, ValueError) as error:
                    raise invalid(f"bad TensorProto in request: {error}") from None
                outputs = servable.run(signature, inputs, list(request.output_filter) or None)
                response = predict_pb2.PredictResponse()
                response.model_spec.name = servable.name
                response.model_spec.version.value = servable.version
                response.model_spec.signature_name = signature
                for name, value in outputs.items():
                    response.outputs[name].CopyFrom(tf.make_tensor_proto(value))
                return response
            except ServingError as error:
                _abort(context, error)

        def GetModelMetadata(self, request, context):
            try:
                fields = list(request.metadata_field)
                if fields != ["signature_def"]:
                    raise invalid(
                        "Metadata field(s) " + (",".join(fields) or "<none>") + " not supported; "
                        "request metadata_field: 'signature_def'"
                    )
                spec = request.model_spec
                return metadata_response(repository.resolve(spec.name, *_version_choice(spec)))
            except ServingError as error:
                _abort(context, error)

    class ModelService(model_service_pb2_grpc.ModelServiceServicer):
        """GetModelStatus (HandleReloadConfigRequest: UNIMPLEMENTED; edit models.config instead)."""

        def GetModelStatus(self, request, context):
            try:
                spec = request.model_spec
                statuses = repository.status(spec.name, *_version_choice(spec))
            except ServingError as error:
                _abort(context, error)
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


def start_grpc_server(repository, host="127.0.0.1", port=8500, max_workers=16):
    """Starts a gRPC server for ``repository``.

    Args:
        repository: a started :class:`~kerasgan.serving.repository.ModelRepository`.
        host: interface to bind.
        port: TCP port (0: a free one).
        max_workers: concurrent RPCs.

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

    server = grpc.server(
        concurrent.futures.ThreadPoolExecutor(max_workers=max_workers,
                                              thread_name_prefix="kerasgan-grpc"),
        options=GRPC_OPTIONS,
    )
    prediction, models = _servicers(repository)
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
