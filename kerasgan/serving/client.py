"""Clients for a TF Serving endpoint (``kerasgan serve`` or the official server).

:class:`ServingClient` speaks REST (needs only httpx and numpy);
:class:`GrpcServingClient` speaks gRPC (needs grpcio, tensorflow-serving-api and
TensorFlow for TensorProtos). Both raise :class:`ServingError` with the server's text.

Every method that talks to a model picks its version with the keyword-only
``version=`` (a number) or ``version_label=`` (a name from ``models.config``'s
``version_labels``, TF Serving's ``ModelSpec.version_label``); by default the
latest version answers. Model inputs have their own names: ``labels=``
(CGAN/ACGAN classes), ``categories=`` (InfoGAN) and ``domains=`` (StarGAN's
target domains).
"""

from __future__ import annotations

import base64
import io

import numpy as np

from kerasgan.serving.errors import ServingError

BYTES_SUFFIX = "_bytes"
#: The output of the ``generate`` signature that holds the samples, by kind of model.
SAMPLE_OUTPUTS = ("images", "points")
#: ``translate(direction=...)``: the signature that runs each CycleGAN direction.
DIRECTIONS = {"ab": "serving_default", "ba": "translate_ba"}


def _as_inputs(inputs):
    """Dict of array-likes -> dict of numpy arrays (bytes/str lists become object arrays)."""
    if not isinstance(inputs, dict) or not inputs:
        raise ValueError("inputs must be a non-empty dict of input name -> array")
    result = {}
    for name, value in inputs.items():
        if isinstance(value, (bytes, str)):
            value = [value]
        if isinstance(value, (list, tuple)) and value and isinstance(value[0], (bytes, str)):
            array = np.empty(len(value), dtype=object)
            array[:] = [v.encode() if isinstance(v, str) else v for v in value]
            result[name] = array
        else:
            result[name] = np.asarray(value)
    return result


def _per_row(values, count, what):
    """``values`` (one int, or one per row) as int32 [count]; ValueError if they do not fit."""
    array = np.asarray(values)
    if array.dtype.kind not in "iu":
        raise ValueError(f"{what} must be integers, got {values!r}")
    if array.ndim > 1 or (array.ndim == 1 and array.shape[0] not in (1, count)):
        raise ValueError(f"give one {what} value or one per input ({count}), got shape {array.shape}")
    return np.broadcast_to(array.astype(np.int32), (count,)).copy()


def _check_route(version, version_label):
    if version is not None and version_label is not None:
        raise ValueError("give version= or version_label=, not both")


class _Client:
    """What both protocols share: the GAN helpers built on :meth:`predict`."""

    model: str

    def predict(self, inputs, signature="serving_default", *, version=None, version_label=None,
                **kwargs):
        raise NotImplementedError

    def _generate_outputs(self, seeds, labels, categories, version, version_label):
        if labels is not None and categories is not None:
            raise ValueError("give labels= (cgan, acgan) or categories= (infogan), not both")
        seeds = np.atleast_1d(np.asarray(seeds, dtype=np.int64))
        if seeds.ndim != 1:
            raise ValueError(f"seeds must be an int or a flat sequence of ints, got shape {seeds.shape}")
        inputs = {"seed": seeds}
        if labels is not None:
            inputs["label"] = _per_row(labels, len(seeds), "labels")
        if categories is not None:
            inputs["category"] = _per_row(categories, len(seeds), "categories")
        return self.predict(inputs, "generate", version=version, version_label=version_label)

    def generate(self, seeds, labels=None, categories=None, *, version=None, version_label=None):
        """Samples of the ``generate`` signature: one per seed (same seed, same sample).

        Args:
            seeds: an int or a sequence of ints.
            labels: class labels of CGAN/ACGAN models: one int, or one per seed.
            categories: InfoGAN's categorical code: one int, or one per seed.
            version: model version number to ask (default: the latest).
            version_label: or a version label of ``models.config`` (``"stable"``).

        Returns:
            float32 array: images [N, H, W, C] in [0, 1], or points [N, D] for
            models of 2-D points (whichever the signature outputs).

        Example:
            >>> client.generate([0, 1, 2], labels=7)              # cgan: three 7s
            >>> client.generate([0, 0], categories=[2, 5])        # infogan: same noise, 2 codes
        """
        outputs = self._generate_outputs(seeds, labels, categories, version, version_label)
        for key in SAMPLE_OUTPUTS:
            if key in outputs:
                return outputs[key]
        raise ServingError(
            400, f"model {self.model}: 'generate' returned {sorted(outputs)}, "
            f"none of {list(SAMPLE_OUTPUTS)}; is it a kerasgan export?")

    def generate_pil(self, seeds, labels=None, categories=None, *, version=None,
                     version_label=None):
        """Like :meth:`generate` but returns ``PIL.Image`` objects decoded from ``images_bytes``.

        Raises:
            ValueError: the model generates points, not images.
        """
        from PIL import Image

        outputs = self._generate_outputs(seeds, labels, categories, version, version_label)
        if "images_bytes" not in outputs:
            what = "2-D points" if "points" in outputs else f"{sorted(outputs)}"
            raise ValueError(
                f"model {self.model} generates {what}, not images; use generate() for the arrays")
        return [Image.open(io.BytesIO(png)) for png in outputs["images_bytes"]]

    def translate(self, images, domains=None, *, direction=None, version=None,
                  version_label=None):
        """Translates images with an image-to-image model (pix2pix, CycleGAN, StarGAN).

        Args:
            images: float array [N, H, W, C] in [0, 1] (``serving_default``), or a
                list of encoded image bytes (PNG/JPEG/...; ``translate_bytes``
                signature, which resizes them to the model's size).
            domains: StarGAN's target domain: one int, or one per image.
            direction: CycleGAN: ``"ab"`` (default) or ``"ba"`` (the
                ``translate_ba`` signature; array inputs only).
            version, version_label: which model version (default: the latest).

        Returns:
            float32 array [N, H, W, C] in [0, 1], or a list of PNG bytes for byte inputs.

        Example:
            >>> client.translate(images, domains=2)               # stargan: all to domain 2
            >>> client.translate([open("a.png", "rb").read()])    # pix2pix: [PNG bytes]
            >>> client.translate(images, direction="ba")          # cyclegan B -> A
        """
        if direction not in (None, *DIRECTIONS):
            raise ValueError(f"direction must be 'ab' or 'ba', got {direction!r}")
        encoded = isinstance(images, (list, tuple)) and bool(images) and isinstance(images[0], bytes)
        if encoded:
            if direction == "ba":
                raise ValueError("direction='ba' takes arrays: the export has no bytes "
                                 "signature for B -> A (translate_ba takes images in [0, 1])")
            inputs, signature = {"image_bytes": list(images)}, "translate_bytes"
        else:
            inputs = {"image": np.asarray(images, dtype=np.float32)}
            if inputs["image"].ndim != 4:
                raise ValueError(f"images must be [N, H, W, C] in [0, 1] or a list of encoded "
                                 f"image bytes, got shape {inputs['image'].shape}")
            signature = DIRECTIONS[direction or "ab"]
        if domains is not None:
            inputs["label"] = _per_row(domains, len(images), "domains")
        result = self.predict(inputs, signature, version=version, version_label=version_label)
        return list(result["images_bytes"]) if encoded else result["images"]


# ---------------------------------------------------------------------- REST


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


class ServingClient(_Client):
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
        _check_route(version, version_label)
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
        return {name: _simplify_signature(sig) for name, sig in defs.items()}

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
        arrays = _as_inputs(inputs)
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


_DTYPES = {"FLOAT": "float32", "DOUBLE": "float64", "HALF": "float16", "BFLOAT16": "bfloat16"}


def _simplify_signature(signature):
    def tensors(infos):
        result = {}
        for name, info in infos.items():
            shape = info.get("tensor_shape", {})
            dims = None if shape.get("unknown_rank") else [
                int(d.get("size", 0)) for d in shape.get("dim", [])
            ]
            dtype = info.get("dtype", "DT_INVALID")
            short = dtype.removeprefix("DT_")
            result[name] = {"dtype": _DTYPES.get(short, short.lower()), "shape": dims}
        return result

    return {
        "inputs": tensors(signature.get("inputs", {})),
        "outputs": tensors(signature.get("outputs", {})),
        "method_name": signature.get("method_name", ""),
    }


# ---------------------------------------------------------------------- gRPC


class GrpcServingClient(_Client):
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
        _check_route(version, version_label)
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
        return {name: _simplify_signature(sig) for name, sig in defs["signature_def"].items()}

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
        for name, array in _as_inputs(inputs).items():
            request.inputs[name].CopyFrom(tf.make_tensor_proto(array))
        request.output_filter.extend(output_filter or [])
        response = self._call(self._predict.Predict, request)
        return {name: tf.make_ndarray(proto) for name, proto in response.outputs.items()}
