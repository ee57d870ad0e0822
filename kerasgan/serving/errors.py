"""The one error type of :mod:`kerasgan.serving`, shared by the server and the clients."""

from __future__ import annotations

# HTTP status -> gRPC status code name, as TF Serving's REST layer maps them.
_GRPC_CODES = {
    400: "INVALID_ARGUMENT",
    404: "NOT_FOUND",
    408: "DEADLINE_EXCEEDED",
    409: "ALREADY_EXISTS",
    412: "FAILED_PRECONDITION",
    413: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}
_HTTP_STATUS = {code: status for status, code in _GRPC_CODES.items()}
# TF Serving's REST layer answers RESOURCE_EXHAUSTED with 429 and DEADLINE_EXCEEDED with 504.
_HTTP_STATUS.update({"UNKNOWN": 500, "OUT_OF_RANGE": 400, "RESOURCE_EXHAUSTED": 429,
                     "DEADLINE_EXCEEDED": 504, "ABORTED": 409, "DATA_LOSS": 500,
                     "CANCELLED": 499, "PERMISSION_DENIED": 403, "UNAUTHENTICATED": 401})


class ServingError(Exception):
    """A request the model server refused, with TF Serving's status and error text.

    Raised by the server internals (and turned into ``{"error": ...}`` REST bodies
    or gRPC status codes) and by :class:`~kerasgan.serving.ServingClient` /
    :class:`~kerasgan.serving.GrpcServingClient` when a server answers with an error.

    Args:
        status: HTTP status code (400 bad request, 404 unknown model/version/label,
            408 body not received in time, 413 over a size limit, 503 overloaded or
            unloading, 504 timed out, 500 internal).
        message: the error text (TF Serving's wording where it has one).
        code: gRPC status code name such as ``"NOT_FOUND"``; derived from ``status``
            when omitted.

    Example:
        >>> try:
        ...     client.predict({"z": z}, version=99)
        ... except ServingError as error:
        ...     print(error.status, error.code, error.message)
        404 NOT_FOUND Servable not found for request: Specific(digits, 99)
    """

    def __init__(self, status, message, code=None):
        super().__init__(f"{status} {message}" if status else message)
        self.status = int(status)
        self.message = str(message)
        self.code = code or _GRPC_CODES.get(self.status, "UNKNOWN")

    @classmethod
    def from_grpc_code(cls, code_name, message):
        """The error for a gRPC status code name (``"NOT_FOUND"`` -> status 404)."""
        return cls(_HTTP_STATUS.get(code_name, 500), message, code=code_name)


def invalid(message):
    """A 400 / INVALID_ARGUMENT :class:`ServingError`."""
    return ServingError(400, message)


def not_found(message):
    """A 404 / NOT_FOUND :class:`ServingError`."""
    return ServingError(404, message)


def unavailable(message):
    """A 503 / UNAVAILABLE :class:`ServingError` (retry later)."""
    return ServingError(503, message)
