"""Clients for a TF Serving endpoint (``kerasgan serve`` or the official server).

:class:`ServingClient` speaks REST (needs only httpx and numpy; :mod:`kerasgan.serving.rest_client`);
:class:`GrpcServingClient` speaks gRPC (needs grpcio, tensorflow-serving-api and
TensorFlow for TensorProtos; :mod:`kerasgan.serving.grpc_client`). Both raise
:class:`ServingError` with the server's text and share the helpers of
:mod:`kerasgan.serving.client_common` (``generate``, ``generate_pil``, ``translate``).
"""

from kerasgan.serving.errors import ServingError
from kerasgan.serving.grpc_client import GrpcServingClient
from kerasgan.serving.rest_client import ServingClient

__all__ = ["GrpcServingClient", "ServingClient", "ServingError"]
