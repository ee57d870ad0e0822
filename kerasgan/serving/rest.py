"""TF Serving's REST API (``/v1/models/...``) as a Starlette ASGI app."""

from __future__ import annotations

import json
import logging
import re

from kerasgan.serving import json_codec
from kerasgan.serving.errors import ServingError, invalid

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


def _error(error):
    from starlette.responses import JSONResponse

    return JSONResponse({"error": error.message}, status_code=error.status)


def _json_response(body, status=200):
    from starlette.responses import Response

    # allow_nan: TF Serving writes NaN / Infinity for non-finite floats too.
    text = json.dumps(body, separators=(",", ":"), allow_nan=True)
    return Response(text, status_code=status, media_type="application/json")


def build_app(repository):
    """The ASGI app serving ``repository`` with TF Serving's REST contract.

    Args:
        repository: a started :class:`~kerasgan.serving.repository.ModelRepository`.

    Returns:
        A ``starlette.applications.Starlette`` app (serve it with uvicorn).
    """
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def models(request):
        path = request.url.path
        match = _PATH.match(path)
        if match is None:
            return JSONResponse({"error": f"Malformed request: {request.method} {path}"},
                                status_code=404)
        name, label, verb = match["name"], match["label"], match["verb"]
        version = int(match["version"]) if match["version"] else None
        wants_post = verb is not None
        if (request.method == "POST") != wants_post:
            allowed = "POST" if wants_post else "GET"
            return JSONResponse(
                {"error": f"Method {request.method} not allowed for {path}; use {allowed}"},
                status_code=405, headers={"Allow": allowed},
            )
        try:
            if verb is None and not match["metadata"]:
                return _json_response(status_json(repository.status(name, version, label)))
            servable = repository.resolve(name, version, label)
            if match["metadata"]:
                return _json_response(metadata_json(servable))
            body = await request.body()
            return _json_response(await run_in_threadpool(_predict, servable, verb.lower(), body))
        except ServingError as error:
            return _error(error)

    return Starlette(routes=[Route("/v1/models/{rest:path}", models, methods=["GET", "POST"])])


def _parse_body(body):
    if not body.strip():
        raise invalid("JSON Parse error: The document is empty")
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise invalid(f"JSON Parse error: {error}") from None
    if not isinstance(document, dict):
        raise invalid("JSON Value: is not an object; expected {\"instances\": [...]} or "
                      "{\"inputs\": ...}")
    return document


def _predict(servable, verb, body):
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
    outputs = servable.run(signature, inputs)
    return json_codec.format_predict_response(outputs, row_format)
