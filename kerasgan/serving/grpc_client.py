"""The gRPC client of a TF Serving endpoint (``PredictionService`` / ``ModelService``).

Needs grpcio, tensorflow-serving-api and TensorFlow (for TensorProtos).
"""

from __future__ import annotations

from kerasgan.serving.client_common import (
    ModelClient,
    as_inputs,
    check_route,
    simplify_signature,
)
from kerasgan.serving.errors import ServingError

class GrpcServingClient(ModelClient):
    """gRPC client of one served model (``PredictionService`` / ``ModelService``).

    Args:
        model: model name.
        target: ``host:port`` of the gRPC API, e.g. ``localhost:8500``.
        timeout: seconds per call.

    Example:
        >>> client = GrpcServingClient("dcgan-digits", "localhost:8500")
        >>> client.generate([7, 8])
    """

    def __init__(self, model, target="localhost:8500", timeout=30.0):
        import grpc
        from tensorflow_serving.apis import (
            model_service_pb2_grpc,
            prediction_service_pb2_grpc,
        )

        from kerasgan.serving.grpc_service import GRPC_OPTIONS

        self.model, self.target, self.timeout = model, target, timeout
        self._channel = grpc.insecure_channel(target, options=GRPC_OPTIONS)
        self._predict = prediction_service_pb2_grpc.PredictionServiceStub(self._channel)
        self._models = model_service_pb2_grpc.ModelServiceStub(self._channel)

    def close(self):
        """Closes the channel."""
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _spec(self, spec, version=None, version_label=None, signature=None):
        check_route(version, version_label)
        spec.name = self.model
        if version is not None:
            spec.version.value = int(version)
        elif version_label is not None:
            spec.version_label = version_label
        if signature is not None:
            spec.signature_name = signature

    def _call(self, method, request):
        import grpc

        try:
            return method(request, timeout=self.timeout)
        except grpc.RpcError as error:
            raise ServingError.from_grpc_code(error.code().name, error.details()) from None

    def status(self, *, version=None, version_label=None):
        """Version states, as :meth:`ServingClient.status`."""
        from tensorflow_serving.apis import get_model_status_pb2, status_pb2

        request = get_model_status_pb2.GetModelStatusRequest()
        self._spec(request.model_spec, version, version_label)
        response = self._call(self._models.GetModelStatus, request)
        codes = status_pb2.StatusProto.DESCRIPTOR.fields_by_name["error_code"].enum_type
        states = get_model_status_pb2.ModelVersionStatus.State
        return [
            {
                "version": int(item.version),
                "state": states.Name(item.state),
                "error_code": codes.values_by_number[item.status.error_code].name,
                "error_message": item.status.error_message,
            }
            for item in response.model_version_status
        ]

    def raw_metadata(self, *, version=None, version_label=None):
        """The ``SignatureDefMap`` proto of the model version."""
        from tensorflow_serving.apis import get_model_metadata_pb2

        request = get_model_metadata_pb2.GetModelMetadataRequest(metadata_field=["signature_def"])
        self._spec(request.model_spec, version, version_label)
        response = self._call(self._predict.GetModelMetadata, request)
        defs = get_model_metadata_pb2.SignatureDefMap()
        response.metadata["signature_def"].Unpack(defs)
        return defs

    def metadata(self, *, version=None, version_label=None):
        """Signatures in the same simplified form as :meth:`ServingClient.metadata`."""
        from google.protobuf import json_format

        defs = json_format.MessageToDict(
            self.raw_metadata(version=version, version_label=version_label),
            preserving_proto_field_name=True)
        return {name: simplify_signature(sig) for name, sig in defs["signature_def"].items()}

    def predict(self, inputs, signature="serving_default", *, version=None, version_label=None,
                output_filter=None):
        """Runs a signature over gRPC (inputs as TensorProtos).

        Args:
            inputs: input name -> array; their dtypes must match the signature's.
            signature, version, version_label: as for :meth:`ServingClient.predict`.
            output_filter: output names to return (default: all).

        Returns:
            output name -> numpy array (strings: object arrays of bytes).
        """
        import tensorflow as tf
        from tensorflow_serving.apis import predict_pb2

        request = predict_pb2.PredictRequest()
        self._spec(request.model_spec, version, version_label, signature)
        for name, array in as_inputs(inputs).items():
            request.inputs[name].CopyFrom(tf.make_tensor_proto(array))
        request.output_filter.extend(output_filter or [])
        response = self._call(self._predict.Predict, request)
        return {name: tf.make_ndarray(proto) for name, proto in response.outputs.items()}
