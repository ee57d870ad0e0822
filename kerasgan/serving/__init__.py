"""Serve exported generators like TensorFlow Serving does, and talk to such servers.

* :class:`ModelServer` (and ``kerasgan serve BASE``): TF Serving's REST and gRPC
  APIs over a model folder, with version policies, labels, hot reload, warmup
  and request batching; no Docker needed. :class:`ServingLimits` bounds what
  one request may cost (size, rows, time).
* :class:`ServingClient` (REST) and :class:`GrpcServingClient` (gRPC): predict,
  generate, translate, status and metadata against it or the official server.
* :func:`write_models_config`: rewrite ``models.config`` base paths for a container.

Example:
    >>> from kerasgan.serving import ModelServer, ServingClient
    >>> with ModelServer("exports") as server:
    ...     images = ServingClient("dcgan-digits", server.rest_url).generate([0, 1, 2])

Names load lazily so ``import kerasgan.serving`` stays light.
"""

import importlib

_EXPORTS = {
    "ModelServer": "kerasgan.serving.server",
    "ServingClient": "kerasgan.serving.rest_client",
    "GrpcServingClient": "kerasgan.serving.grpc_client",
    "ServingLimits": "kerasgan.serving.limits",
    "ServingError": "kerasgan.serving.errors",
    "ModelRepository": "kerasgan.serving.repository",
    "BatchingOptions": "kerasgan.serving.batching",
    "read_batching_parameters": "kerasgan.serving.batching",
    "write_models_config": "kerasgan.serving.config",
    "read_model_config": "kerasgan.serving.config",
}

__all__ = [
    "BatchingOptions", "GrpcServingClient", "ModelRepository", "ModelServer", "ServingClient",
    "ServingError", "ServingLimits", "read_batching_parameters", "read_model_config",
    "write_models_config",
]


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'kerasgan.serving' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
