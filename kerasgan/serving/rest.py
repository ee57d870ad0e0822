"""TF Serving's REST API (``/v1/models/...``) as a Starlette ASGI app."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import re
import time

from kerasgan.serving import json_codec
from kerasgan.serving.errors import ServingError, invalid
from kerasgan.serving.limits import ServingLimits, check_deadline, timed_out

log = logging.getLogger("kerasgan.serving")

# /v1/models/NAME[/versions/N | /labels/L][/metadata | :predict | :classify | :regress]
_PATH = re.compile(
    r"^/v1/models/(?P<name>[^/:]+)"
    r"(?:/versions/(?P<version>\d+)|/labels/(?P<label>[^/:]+))?"
    r"(?:(?P<metadata>/metadata)|:(?P<verb>predict|classify|regress))?/?$",
    re.IGNORECASE,
)


def status_json(statuses):
    """``GetModelStatusResponse`` JSON for a list of :class:`~kerasgan.serving.repository.VersionStatus`."""
    return {
        "model_version_status": [
            {
                "version": str(s.version),
                "state": s.state,
                "status": {"error_code": s.error_code, "error_message": s.error_message},
            }
            for s in statuses
        ]
    }


def metadata_response(servable):
    """``GetModelMetadataResponse`` proto (signature_def metadata) for ``servable``."""
    from tensorflow_serving.apis import get_model_metadata_pb2

    response = get_model_metadata_pb2.GetModelMetadataResponse()
    response.model_spec.name = servable.name
    response.model_spec.version.value = servable.version
    response.metadata["signature_def"].Pack(servable.signature_defs)
    return response


def metadata_json(servable):
    """The REST metadata body: TF Serving's JSON form of :func:`metadata_response`."""
    from google.protobuf import json_format

    return json_format.MessageToDict(
        metadata_response(servable),
        preserving_proto_field_name=True,
        always_print_fields_with_no_presence=True,
    )


class _Answer:
    """A REST response: status, body chunks, extra headers, whether to close the connection."""

    __slots__ = ("chunks", "close", "headers", "status")

    def __init__(self, status, chunks, headers=(), close=False):
        self.status, self.chunks = status, chunks
        self.headers, self.close = list(headers), close


def _json_answer(body, status=200, headers=(), close=False):
    text = json.dumps(body, separators=(",", ":"), allow_nan=True).encode("utf-8")
    return _Answer(status, [text], headers, close)


def _error_answer(error, close=False):
    return _json_answer({"error": error.message}, error.status, close=close)


async def _send(send, answer, close):
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(sum(map(len, answer.chunks))).encode()), *answer.headers]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    chunks = answer.chunks or [b""]
    for index, chunk in enumerate(chunks):
        await send({"type": "http.response.body", "body": chunk,
                    "more_body": index < len(chunks) - 1})


class _Body:
    """Reads one request body within the size limit and the request's deadline."""

    def __init__(self, scope, receive, limits, deadline):
        self.receive, self.limits, self.deadline = receive, limits, deadline
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        self.length = int(length) if length is not None else None
        self.pending = self.length != 0 and (length is not None or b"transfer-encoding" in headers)

    async def read(self):
        """The whole body; 413 / RESOURCE_EXHAUSTED over the limit, 408 when it stops arriving."""
        if self.length is not None:
            self.limits.check_request_bytes(self.length)  # before reading a byte of it
        chunks, size = [], 0
        while self.pending:
            left = self.deadline - time.monotonic()
            try:
                message = await asyncio.wait_for(self.receive(), max(left, 0))
            except asyncio.TimeoutError:
                raise ServingError(
                    408, f"request body not received within {self.limits.request_timeout_ms} ms "
                    f"(got {size} of {self.length if self.length is not None else '?'} bytes; "
                    "--request-timeout-ms)", code="DEADLINE_EXCEEDED") from None
            if message["type"] == "http.disconnect":
                raise _Disconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            self.limits.check_request_bytes(size)
            chunks.append(chunk)
            self.pending = message.get("more_body", False)
        return b"".join(chunks)


class _Disconnected(Exception):
    """The client went away before sending its whole body."""


def build_app(repository, limits=None, executor=None):
    """The ASGI app serving ``repository`` with TF Serving's REST contract.

    Bodies are read up to ``limits.max_request_bytes`` (a larger Content-Length
    is refused before a byte is read); predict runs in ``executor`` and is
    answered 504 once ``limits.request_timeout_ms`` has passed. Any unexpected
    error is a 500 that closes the connection.

    Args:
        repository: a started :class:`~kerasgan.serving.repository.ModelRepository`.
        limits: :class:`~kerasgan.serving.limits.ServingLimits` (default: the defaults).
        executor: a ``concurrent.futures.Executor`` for model runs (default: the
            event loop's).

    Returns:
        An ASGI 3 application (serve it with uvicorn).
    """
    limits = limits or ServingLimits()

    async def answer(scope, body):
        path, method = scope["path"], scope["method"]
        match = _PATH.match(path)
        if match is None:
            return _json_answer({"error": f"Malformed request: {method} {path}"}, 404)
        name, label, verb = match["name"], match["label"], match["verb"]
        version = int(match["version"]) if match["version"] else None
        allowed = "POST" if verb is not None else "GET"
        if method != allowed:
            return _json_answer({"error": f"Method {method} not allowed for {path}; use {allowed}"},
                                405, headers=[(b"allow", allowed.encode())])
        if verb is None and not match["metadata"]:
            return _json_answer(status_json(repository.status(name, version, label)))
        if match["metadata"]:
            return _json_answer(metadata_json(repository.resolve(name, version, label)))
        data = await body.read()
        servable = repository.resolve(name, version, label)
        loop = asyncio.get_running_loop()
        work = loop.run_in_executor(executor, functools.partial(
            _predict, servable, verb.lower(), data, body.deadline))
        try:
            chunks = await asyncio.wait_for(work, max(body.deadline - time.monotonic(), 0))
        except asyncio.TimeoutError:
            raise timed_out("model run", limits.request_timeout_ms) from None
        return _Answer(200, chunks)

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        body = _Body(scope, receive, limits, limits.deadline())
        try:
            result = await answer(scope, body)
        except _Disconnected:
            return
        except ServingError as error:
            result = _error_answer(error)
        except Exception as error:  # noqa: BLE001  answered, logged, connection closed
            log.exception("unexpected error answering %s %s", scope["method"], scope["path"])
            result = _error_answer(ServingError(500, f"Internal error: {type(error).__name__}: "
                                                     f"{error}"), close=True)
        # A body left unread would be taken for the next request: close instead.
        await _send(send, result, close=result.close or body.pending)

    return app


def _parse_body(body):
    if not body.strip():
        raise invalid("JSON Parse error: The document is empty")
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise invalid(f"JSON Parse error: {error}") from None
    except RecursionError:
        raise invalid(f"JSON Parse error: nested deeper than {json_codec.MAX_DEPTH} "
                      "levels") from None
    if not isinstance(document, dict):
        raise invalid("JSON Value: is not an object; expected {\"instances\": [...]} or "
                      "{\"inputs\": ...}")
    return document


def _predict(servable, verb, body, deadline):
    check_deadline(deadline, "request (queued behind others)")
    document = _parse_body(body)
    signature = document.get("signature_name", "") or "serving_default"
    if not isinstance(signature, str):
        raise invalid("'signature_name' key must be a string")
    if verb != "predict":
        servable.input_specs(signature)  # 400 for an unknown signature first
        method = servable.method_name(signature) or "unknown"
        if method == f"tensorflow/serving/{verb}":
            raise invalid(f"{verb} is not supported by kerasgan serve; use :predict")
        raise invalid(
            f"Expected {verb} signature method_name to be tensorflow/serving/{verb}. "
            f"Was: {method} (use :predict for signature {signature!r})"
        )
    inputs, row_format = json_codec.parse_predict_request(document, servable.input_specs(signature))
    outputs = servable.run(signature, inputs, deadline=deadline)
    return json_codec.encode_predict_response(outputs, row_format)
