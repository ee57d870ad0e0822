"""The REST client of a TF Serving endpoint (``kerasgan serve`` or the official server).

Needs only httpx and numpy.
"""

from __future__ import annotations

import base64

import numpy as np

from kerasgan.serving.client_common import (
    ModelClient,
    as_inputs,
    check_route,
    simplify_signature,
)
from kerasgan.serving.errors import ServingError
from kerasgan.serving.json_codec import BYTES_SUFFIX

def _encode(array):
    if array.dtype.kind in "OSU":
        def one(value):
            if isinstance(value, str):
                value = value.encode("utf-8")
            return {"b64": base64.b64encode(bytes(value)).decode("ascii")}
        return np.vectorize(one, otypes=[object])(array).tolist()
    return array.tolist()


def _decode(value, name):
    if name.endswith(BYTES_SUFFIX):
        def walk(v):
            if isinstance(v, list):
                return [walk(x) for x in v]
            return base64.b64decode(v["b64"]) if isinstance(v, dict) else v.encode("utf-8")
        decoded = walk(value)
        array = np.empty(np.shape(np.asarray(decoded, dtype=object)), dtype=object)
        array[...] = decoded
        return array
    array = np.asarray(value)
    return array.astype(np.float32) if array.dtype == np.float64 else array


class ServingClient(ModelClient):
    """REST client of one served model (TF Serving's ``/v1/models/NAME`` API).

    Args:
        model: model name.
        url: server root, e.g. ``http://localhost:8501``.
        timeout: seconds per request.

    Example:
        >>> client = ServingClient("dcgan-digits", "http://localhost:8501")
        >>> client.status()[0]["state"]
        'AVAILABLE'
        >>> images = client.generate([0, 1, 2, 3])            # [4, H, W, C] in [0, 1]
        >>> old = client.generate([0, 1], version_label="stable")  # a labelled version
        >>> out = client.predict({"z": np.zeros((2, 64), "float32")})["images"]
    """

    def __init__(self, model, url="http://localhost:8501", timeout=30.0):
        import httpx

        self.model = model
        self.url = url.rstrip("/")
        self._http = httpx.Client(timeout=timeout)
        self._output_names = {}

    def close(self):
        """Closes the HTTP connection pool."""
        self._http.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _path(self, version=None, version_label=None):
        check_route(version, version_label)
        path = f"{self.url}/v1/models/{self.model}"
        if version is not None:
            path += f"/versions/{int(version)}"
        elif version_label is not None:
            path += f"/labels/{version_label}"
        return path

    def _request(self, method, url, body=None):
        import httpx

        try:
            response = self._http.request(method, url, json=body)
        except httpx.HTTPError as error:
            raise ServingError(503, f"cannot reach {url}: {error}") from None
        try:
            document = response.json()
        except ValueError:
            document = {"error": response.text}
        if response.status_code != 200:
            message = document.get("error", response.text) if isinstance(document, dict) else \
                response.text
            raise ServingError(response.status_code, message)
        return document

    def status(self, *, version=None, version_label=None):
        """Version states: list of ``{"version", "state", "error_code", "error_message"}``.

        ``version`` / ``version_label`` narrow it to one version (default: all served).
        """
        document = self._request("GET", self._path(version, version_label))
        return [
            {
                "version": int(item["version"]),
                "state": item["state"],
                "error_code": item.get("status", {}).get("error_code", "OK"),
                "error_message": item.get("status", {}).get("error_message", ""),
            }
            for item in document.get("model_version_status", [])
        ]

    def raw_metadata(self, *, version=None, version_label=None):
        """The server's metadata JSON as is (``GetModelMetadataResponse``)."""
        return self._request("GET", self._path(version, version_label) + "/metadata")

    def metadata(self, *, version=None, version_label=None):
        """Signatures: ``{name: {"inputs": {n: {"dtype", "shape"}}, "outputs": {...}, "method_name"}}``."""
        document = self.raw_metadata(version=version, version_label=version_label)
        defs = document["metadata"]["signature_def"]["signature_def"]
        return {name: simplify_signature(sig) for name, sig in defs.items()}

    def predict(self, inputs, signature="serving_default", *, version=None, version_label=None,
                format="inputs"):
        """Runs a signature.

        Args:
            inputs: input name -> array (lists of bytes for string inputs).
            signature: signature name.
            version: model version number (default: the latest).
            version_label: or a version label (``models.config``'s ``version_labels``).
            format: ``"inputs"`` (columnar) or ``"instances"`` (row) request body.

        Returns:
            output name -> numpy array (``*_bytes`` outputs: object arrays of bytes).

        Raises:
            ServingError: the server refused the request.
        """
        arrays = as_inputs(inputs)
        body = {"signature_name": signature}
        names = sorted(arrays)
        if format == "inputs":
            # Always named: a signature missing an input then says which one.
            body["inputs"] = {name: _encode(arrays[name]) for name in names}
        elif format == "instances":
            columns = {name: _encode(arrays[name]) for name in names}
            count = len(columns[names[0]])
            if len(names) == 1:
                body["instances"] = columns[names[0]]
            else:
                body["instances"] = [{n: columns[n][i] for n in names} for i in range(count)]
        else:
            raise ValueError(f"format must be 'inputs' or 'instances', got {format!r}")
        route = (version, version_label)
        document = self._request("POST", self._path(*route) + ":predict", body)
        if "outputs" in document:
            outputs = document["outputs"]
            if not isinstance(outputs, dict):
                outputs = {self._single_output(signature, *route): outputs}
        else:
            predictions = document["predictions"]
            if predictions and isinstance(predictions[0], dict) and "b64" not in predictions[0]:
                outputs = {k: [row[k] for row in predictions] for k in predictions[0]}
            else:
                outputs = {self._single_output(signature, *route): predictions}
        return {name: _decode(value, name) for name, value in outputs.items()}

    def _single_output(self, signature, version, version_label):
        """Name of a signature's only output (the JSON answer leaves it out)."""
        key = (signature, version, version_label)
        if key not in self._output_names:
            outputs = self.metadata(version=version, version_label=version_label)[signature][
                "outputs"]
            self._output_names[key] = next(iter(outputs))
        return self._output_names[key]
