"""kerasgan.serving: the TF-Serving-compatible server, its clients and ``kerasgan serve``.

One module-scoped server on free loopback ports serves tiny SavedModels built
with ``tf.Module``: ``noise`` (``z`` -> ``images``), ``cond`` (``seed`` +
``label`` -> ``images``, ``images_bytes``; versions 1 and 2, labels stable/canary)
and ``hot`` (versions added and removed while the server runs). A second
module-scoped server serves real tiny kerasgan exports of every generator kind
(points, labels, categories, translation, translation_domain, plus CycleGAN's
B->A) and checks both clients against the Keras models.
"""

import base64
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

import grpc
import httpx
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image
from tensorflow_serving.apis import (
    get_model_metadata_pb2,
    get_model_status_pb2,
    model_service_pb2_grpc,
    predict_pb2,
    prediction_log_pb2,
    prediction_service_pb2_grpc,
)

from kerasgan.cli import main
from kerasgan.serving import (
    BatchingOptions,
    GrpcServingClient,
    ModelServer,
    ServingClient,
    ServingError,
    read_batching_parameters,
    read_model_config,
    write_models_config,
)
from kerasgan.serving.batching import Batcher
from kerasgan.serving.config import discover_models

LATENT = 4
MODELS_CONFIG = """
model_config_list {
  config { name: "noise" base_path: "noise" model_platform: "tensorflow" }
  config {
    name: "cond" base_path: "cond" model_platform: "tensorflow"
    model_version_policy { all {} }
    version_labels { key: "stable" value: 1 }
    version_labels { key: "canary" value: 2 }
  }
  config { name: "hot" base_path: "hot" model_platform: "tensorflow" }
  config { name: "invert" base_path: "invert" model_platform: "tensorflow" }
}
"""


# ----------------------------------------------------------------- fixtures


def save_noise_model(path):
    """``serving_default(z [N, 4] float32) -> images [N, 2, 2, 1] = sigmoid(z)``."""

    class Noise(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None, LATENT], tf.float32, name="z")])
        def serve(self, z):
            return {"images": tf.reshape(tf.sigmoid(z), [-1, 2, 2, 1])}

    module = Noise()
    tf.saved_model.save(module, path, signatures={"serving_default": module.serve})


def cond_value(seed, label, version):
    """The pixel value ``cond`` version ``version`` paints for ``seed`` and ``label``."""
    return (np.asarray(seed) % 7) / 10 + np.asarray(label) / 100 + (0.1 if version == 2 else 0.0)


def save_cond_model(path, version):
    """``serving_default`` / ``generate(seed int64, label int32) -> images, images_bytes``."""
    offset = 0.1 if version == 2 else 0.0

    class Cond(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None], tf.int64, name="seed"),
                                      tf.TensorSpec([None], tf.int32, name="label")])
        def generate(self, seed, label):
            value = (tf.cast(seed % 7, tf.float32) / 10 + tf.cast(label, tf.float32) / 100
                     + offset)
            images = tf.tile(tf.reshape(value, [-1, 1, 1, 1]), [1, 2, 2, 1])
            pngs = tf.map_fn(lambda image: tf.io.encode_png(tf.cast(tf.round(image * 255),
                                                                    tf.uint8)),
                             images, fn_output_signature=tf.string)
            return {"images": images, "images_bytes": pngs}

    module = Cond()
    tf.saved_model.save(module, path,
                        signatures={"serving_default": module.generate, "generate": module.generate})


def save_invert_model(path):
    """A translator: ``serving_default(image) -> images = 1 - image`` and
    ``translate_bytes(image_bytes) -> images_bytes`` (PNG in, inverted PNG out)."""

    class Invert(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None, 2, 2, 1], tf.float32, name="image")])
        def translate(self, image):
            return {"images": 1.0 - image}

        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="image_bytes")])
        def translate_bytes(self, image_bytes):
            def one(png):
                return tf.io.encode_png(255 - tf.io.decode_png(png, channels=1))

            return {"images_bytes": tf.map_fn(one, image_bytes, fn_output_signature=tf.string)}

    module = Invert()
    tf.saved_model.save(module, path, signatures={"serving_default": module.translate,
                                                  "translate_bytes": module.translate_bytes})


def png_bytes(pixels):
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(pixels, np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


def write_warmup(version_dir, count):
    """A TF Serving warmup file with ``count`` predict requests for the noise model."""
    folder = os.path.join(version_dir, "assets.extra")
    os.makedirs(folder, exist_ok=True)
    with tf.io.TFRecordWriter(os.path.join(folder, "tf_serving_warmup_requests")) as writer:
        for i in range(count):
            request = predict_pb2.PredictRequest()
            request.model_spec.name = "noise"
            request.inputs["z"].CopyFrom(tf.make_tensor_proto(np.full((i + 1, LATENT), 0.5,
                                                                      np.float32)))
            log = prediction_log_pb2.PredictionLog(
                predict_log=prediction_log_pb2.PredictLog(request=request))
            writer.write(log.SerializeToString())


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("serving"))
    save_noise_model(os.path.join(root, "noise", "1"))
    write_warmup(os.path.join(root, "noise", "1"), 3)
    save_cond_model(os.path.join(root, "cond", "1"), 1)
    save_cond_model(os.path.join(root, "cond", "2"), 2)
    save_invert_model(os.path.join(root, "invert", "1"))
    shutil.copytree(os.path.join(root, "noise", "1"), os.path.join(root, "hot", "1"))
    with open(os.path.join(root, "models.config"), "w") as f:
        f.write(MODELS_CONFIG)
    return root


@pytest.fixture(scope="module")
def server(base):
    with ModelServer(base, rest_port=0, grpc_port=0, poll_seconds=0.2) as running:
        yield running


@pytest.fixture(scope="module")
def http(server):
    with httpx.Client(base_url=server.rest_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def channel(server):
    with grpc.insecure_channel(server.grpc_target) as opened:
        yield opened


def wait_until(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def sigmoid(x):
    return 1 / (1 + np.exp(-np.asarray(x, np.float64)))


# ------------------------------------------------------------ REST, plain HTTP


def test_rest_status_lists_versions_and_resolves_labels(http):
    body = http.get("/v1/models/cond").json()
    assert body == {"model_version_status": [
        {"version": v, "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}}
        for v in ("2", "1")
    ]}
    assert http.get("/v1/models/cond/labels/stable").json()["model_version_status"][0][
        "version"] == "1"
    assert http.get("/v1/models/cond/versions/2").json()["model_version_status"][0][
        "version"] == "2"
    # latest policy serves only the newest version of noise
    assert [s["version"] for s in http.get("/v1/models/noise").json()[
        "model_version_status"]] == ["1"]


def test_rest_metadata_is_the_signature_def_map(http):
    body = http.get("/v1/models/cond/metadata").json()
    assert body["model_spec"] == {"name": "cond", "signature_name": "", "version": "2"}
    metadata = body["metadata"]["signature_def"]
    assert metadata["@type"] == "type.googleapis.com/tensorflow.serving.SignatureDefMap"
    signatures = metadata["signature_def"]
    assert {"serving_default", "generate"} <= set(signatures)
    generate = signatures["generate"]
    assert generate["method_name"] == "tensorflow/serving/predict"
    assert generate["inputs"]["seed"]["dtype"] == "DT_INT64"
    assert generate["inputs"]["label"]["dtype"] == "DT_INT32"
    assert generate["outputs"]["images_bytes"]["dtype"] == "DT_STRING"
    dims = [d["size"] for d in generate["outputs"]["images"]["tensor_shape"]["dim"]]
    assert dims == ["-1", "2", "2", "1"]
    stable = http.get("/v1/models/cond/labels/stable/metadata").json()
    assert stable["model_spec"]["version"] == "1"


def test_rest_predict_row_and_columnar_formats(http):
    z = [[0.0, 1.0, -1.0, 2.0], [0.5, -0.5, 3.0, -3.0]]
    rows = http.post("/v1/models/noise:predict", json={"instances": z})
    assert rows.status_code == 200
    predictions = np.array(rows.json()["predictions"])
    np.testing.assert_allclose(predictions, sigmoid(z).reshape(2, 2, 2, 1), rtol=1e-6)
    columns = http.post("/v1/models/noise:predict",
                        json={"signature_name": "serving_default", "inputs": z}).json()
    # one output: the bare value, not a dict
    np.testing.assert_allclose(np.array(columns["outputs"]), predictions, rtol=1e-6)
    named = http.post("/v1/models/noise:predict", json={"inputs": {"z": z}}).json()
    np.testing.assert_allclose(np.array(named["outputs"]), predictions, rtol=1e-6)
    objects = http.post("/v1/models/noise:predict", json={"instances": [{"z": z[0]}]}).json()
    np.testing.assert_allclose(np.array(objects["predictions"]), predictions[:1], rtol=1e-6)


def test_rest_multiple_inputs_and_b64_outputs(http):
    instances = [{"seed": 3, "label": 1}, {"seed": 12, "label": 4}]
    body = http.post("/v1/models/cond:predict", json={"instances": instances}).json()
    assert len(body["predictions"]) == 2
    for instance, prediction in zip(instances, body["predictions"]):
        assert set(prediction) == {"images", "images_bytes"}
        expected = cond_value(instance["seed"], instance["label"], 2)
        np.testing.assert_allclose(np.array(prediction["images"]), np.full((2, 2, 1), expected),
                                   rtol=1e-6)
        png = base64.b64decode(prediction["images_bytes"]["b64"])
        pixels = np.array(Image.open(io.BytesIO(png)))
        assert pixels.shape in ((2, 2), (2, 2, 1))
        assert np.all(pixels == round(expected * 255))
    columnar = http.post("/v1/models/cond:predict", json={
        "signature_name": "generate", "inputs": {"seed": [3, 12], "label": [1, 4]}}).json()
    assert set(columnar["outputs"]) == {"images", "images_bytes"}
    assert [o["b64"] for o in columnar["outputs"]["images_bytes"]] == [
        p["images_bytes"]["b64"] for p in body["predictions"]]


def test_rest_version_and_label_routing(http):
    def value(path):
        body = http.post(path, json={"inputs": {"seed": [5], "label": [2]}}).json()
        return body["outputs"]["images"][0][0][0][0]

    assert value("/v1/models/cond:predict") == pytest.approx(cond_value(5, 2, 2))
    assert value("/v1/models/cond/versions/1:predict") == pytest.approx(cond_value(5, 2, 1))
    assert value("/v1/models/cond/labels/stable:predict") == pytest.approx(cond_value(5, 2, 1))
    assert value("/v1/models/cond/labels/canary:predict") == pytest.approx(cond_value(5, 2, 2))


@pytest.mark.parametrize(
    "path, content, status, fragment",
    [
        ("/v1/models/noise:predict", "{not json", 400, "JSON Parse error"),
        ("/v1/models/noise:predict", "", 400, "empty"),
        ("/v1/models/noise:predict", '{"signature_name": "serving_default"}', 400,
         "Missing 'inputs' or 'instances' key"),
        ("/v1/models/noise:predict", '{"instances": []}', 400, "No values"),
        ("/v1/models/noise:predict", '{"instances": [[1, 2, 3, 4], [1, 2, 3]]}', 400,
         "Expecting shape"),
        ("/v1/models/noise:predict", '{"instances": [[1, 2, 3]]}', 400, "expected shape"),
        ("/v1/models/noise:predict", '{"instances": [["a", "b", "c", "d"]]}', 400,
         "is not of expected type"),
        ("/v1/models/cond:predict", '{"inputs": {"seed": [1.5], "label": [1]}}', 400,
         "is not of expected type: int64"),
        ("/v1/models/cond:predict", '{"inputs": {"seed": [1]}}', 400, "Missing named input: label"),
        ("/v1/models/cond:predict", '{"instances": [1, 2]}', 400, "list of objects"),
        ("/v1/models/noise:predict", '{"signature_name": "nope", "instances": [[1, 2, 3, 4]]}',
         400, 'signature name: "nope" not found'),
        ("/v1/models/noise:classify", '{"examples": [{"x": 1}]}', 400, "classify"),
        ("/v1/models/missing:predict", '{"instances": [[1]]}', 404,
         "Servable not found for request: Latest(missing)"),
        ("/v1/models/noise/versions/9:predict", '{"instances": [[1]]}', 404,
         "Servable not found for request: Specific(noise, 9)"),
        ("/v1/models/cond/labels/nope:predict", '{"instances": [[1]]}', 404,
         "Unrecognized servable version label: nope"),
    ],
)
def test_rest_errors_are_json_with_tf_serving_status(http, path, content, status, fragment):
    response = http.post(path, content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == status
    assert fragment in response.json()["error"]


def test_rest_status_and_method_errors(http):
    missing = http.get("/v1/models/missing")
    assert missing.status_code == 404
    assert "Could not find any versions of model missing" in missing.json()["error"]
    assert http.get("/v1/models/noise/versions/7").status_code == 404
    assert http.get("/v1/models/noise:predict").status_code == 405
    assert http.post("/v1/models/noise", json={}).status_code == 405
    assert http.delete("/v1/models/noise").status_code == 405
    assert http.get("/v2/models/noise").status_code == 404
    assert http.get("/v1/models/noise/bogus/path").status_code == 404


# ------------------------------------------------------------------ clients


@pytest.mark.parametrize("protocol", ["rest", "grpc"])
def test_client_predict_generate_status_metadata(server, protocol):
    def make(model):
        if protocol == "rest":
            return ServingClient(model, server.rest_url)
        return GrpcServingClient(model, server.grpc_target)

    with make("cond") as client:
        seeds, labels = np.array([1, 2, 9]), np.array([0, 3, 5], np.int32)
        images = client.generate(seeds, labels=labels)
        assert images.shape == (3, 2, 2, 1) and images.dtype == np.float32
        np.testing.assert_allclose(images[:, 0, 0, 0], cond_value(seeds, labels, 2), rtol=1e-6)
        old = client.generate(seeds, labels=labels, version_label="stable")
        np.testing.assert_allclose(old[:, 0, 0, 0], cond_value(seeds, labels, 1), rtol=1e-6)
        pictures = client.generate_pil([4], labels=[1], version=1)
        assert pictures[0].size == (2, 2)
        assert np.array(pictures[0]).flat[0] == round(cond_value(4, 1, 1) * 255)
        outputs = client.predict({"seed": seeds, "label": labels}, signature="generate")
        assert set(outputs) == {"images", "images_bytes"}
        assert all(png.startswith(b"\x89PNG") for png in outputs["images_bytes"])
        assert [s["version"] for s in client.status()] == [2, 1]
        assert client.status(version_label="stable")[0]["state"] == "AVAILABLE"
        signatures = client.metadata()
        assert signatures["generate"]["inputs"]["seed"] == {"dtype": "int64", "shape": [-1]}
        assert signatures["generate"]["outputs"]["images"]["shape"] == [-1, 2, 2, 1]
        with pytest.raises(ServingError) as error:
            client.generate([1], labels=[0], version=7)
        assert error.value.status == 404 and error.value.code == "NOT_FOUND"
        assert "Specific(cond, 7)" in error.value.message
    with make("noise") as client:
        z = np.random.default_rng(0).normal(size=(5, LATENT)).astype(np.float32)
        kwargs = {"format": "instances"} if protocol == "rest" else {}
        images = client.predict({"z": z}, **kwargs)["images"]
        np.testing.assert_allclose(images, sigmoid(z).reshape(5, 2, 2, 1), rtol=1e-6)
        with pytest.raises(ServingError) as error:
            client.predict({"z": z}, signature="nope")
        assert error.value.status == 400 and error.value.code == "INVALID_ARGUMENT"


@pytest.mark.parametrize("protocol", ["rest", "grpc"])
def test_client_translate_arrays_and_png_bytes(server, protocol):
    if protocol == "rest":
        client = ServingClient("invert", server.rest_url)
    else:
        client = GrpcServingClient("invert", server.grpc_target)
    images = np.random.default_rng(1).uniform(size=(3, 2, 2, 1)).astype(np.float32)
    np.testing.assert_allclose(client.translate(images), 1 - images, rtol=1e-6)
    pixels = [[[0, 100], [200, 255]], [[10, 20], [30, 40]]]
    translated = client.translate([png_bytes(p) for p in pixels])
    assert len(translated) == 2
    for png, original in zip(translated, pixels):
        result = np.array(Image.open(io.BytesIO(png))).reshape(2, 2)
        np.testing.assert_array_equal(result, 255 - np.array(original))
    client.close()


def test_rest_b64_inputs_as_documented(http):
    png = png_bytes([[0, 50], [100, 150]])
    body = {"signature_name": "translate_bytes",
            "instances": [{"b64": base64.b64encode(png).decode()}]}
    response = http.post("/v1/models/invert:predict", json=body)
    assert response.status_code == 200
    (prediction,) = response.json()["predictions"]
    result = np.array(Image.open(io.BytesIO(base64.b64decode(prediction["b64"]))))
    np.testing.assert_array_equal(result.reshape(2, 2), [[255, 205], [155, 105]])
    bad = http.post("/v1/models/invert:predict", json={"signature_name": "translate_bytes",
                                                        "inputs": [{"b64": "%%%"}]})
    assert bad.status_code == 400 and "base64" in bad.json()["error"]


def test_grpc_output_filter(server):
    with GrpcServingClient("cond", server.grpc_target) as client:
        outputs = client.predict({"seed": np.array([3]), "label": np.array([1], np.int32)},
                                 output_filter=["images_bytes"])
        assert set(outputs) == {"images_bytes"}
        with pytest.raises(ServingError, match="output tensor alias not found"):
            client.predict({"seed": np.array([3]), "label": np.array([1], np.int32)},
                           output_filter=["nope"])


# ---------------------------------------------------- official gRPC stubs


def test_official_prediction_service_stub(channel):
    stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
    request = predict_pb2.PredictRequest()
    request.model_spec.name = "cond"
    request.model_spec.version_label = "stable"
    request.model_spec.signature_name = "generate"
    request.inputs["seed"].CopyFrom(tf.make_tensor_proto(np.array([6, 8], np.int64)))
    request.inputs["label"].CopyFrom(tf.make_tensor_proto(np.array([2, 3], np.int32)))
    response = stub.Predict(request, timeout=30)
    assert response.model_spec.name == "cond"
    assert response.model_spec.version.value == 1
    assert response.model_spec.signature_name == "generate"
    images = tf.make_ndarray(response.outputs["images"])
    np.testing.assert_allclose(images[:, 1, 1, 0], cond_value([6, 8], [2, 3], 1), rtol=1e-6)

    metadata_request = get_model_metadata_pb2.GetModelMetadataRequest(
        metadata_field=["signature_def"])
    metadata_request.model_spec.name = "noise"
    metadata = stub.GetModelMetadata(metadata_request, timeout=30)
    defs = get_model_metadata_pb2.SignatureDefMap()
    metadata.metadata["signature_def"].Unpack(defs)
    assert defs.signature_def["serving_default"].inputs["z"].dtype == tf.float32.as_datatype_enum
    assert metadata.model_spec.version.value == 1


def test_official_stubs_report_grpc_status_codes(channel):
    stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
    models = model_service_pb2_grpc.ModelServiceStub(channel)

    status_request = get_model_status_pb2.GetModelStatusRequest()
    status_request.model_spec.name = "cond"
    status_request.model_spec.version.value = 2
    status = models.GetModelStatus(status_request, timeout=30)
    assert [(s.version, s.state) for s in status.model_version_status] == [
        (2, get_model_status_pb2.ModelVersionStatus.AVAILABLE)]

    def code_of(call, request):
        with pytest.raises(grpc.RpcError) as error:
            call(request, timeout=30)
        return error.value.code()

    unknown = predict_pb2.PredictRequest()
    unknown.model_spec.name = "missing"
    assert code_of(stub.Predict, unknown) == grpc.StatusCode.NOT_FOUND
    old = predict_pb2.PredictRequest()
    old.model_spec.name = "noise"
    old.model_spec.version.value = 42
    old.inputs["z"].CopyFrom(tf.make_tensor_proto(np.zeros((1, LATENT), np.float32)))
    assert code_of(stub.Predict, old) == grpc.StatusCode.NOT_FOUND
    wrong_dtype = predict_pb2.PredictRequest()
    wrong_dtype.model_spec.name = "noise"
    wrong_dtype.inputs["z"].CopyFrom(tf.make_tensor_proto(np.zeros((1, LATENT), np.int64)))
    assert code_of(stub.Predict, wrong_dtype) == grpc.StatusCode.INVALID_ARGUMENT
    wrong_shape = predict_pb2.PredictRequest()
    wrong_shape.model_spec.name = "noise"
    wrong_shape.inputs["z"].CopyFrom(tf.make_tensor_proto(np.zeros((1, 3), np.float32)))
    assert code_of(stub.Predict, wrong_shape) == grpc.StatusCode.INVALID_ARGUMENT
    bad_signature = predict_pb2.PredictRequest()
    bad_signature.model_spec.name = "noise"
    bad_signature.model_spec.signature_name = "nope"
    assert code_of(stub.Predict, bad_signature) == grpc.StatusCode.INVALID_ARGUMENT
    missing_status = get_model_status_pb2.GetModelStatusRequest()
    missing_status.model_spec.name = "missing"
    assert code_of(models.GetModelStatus, missing_status) == grpc.StatusCode.NOT_FOUND


# ------------------------------------------------ repository behaviour


def test_warmup_requests_are_replayed_at_load(server):
    noise = server.repository.resolve("noise")
    assert noise.warmup_requests == 3
    assert noise.executions >= 3


def test_new_versions_load_and_removed_ones_unload_while_serving(server, base):
    client = ServingClient("hot", server.rest_url)
    assert [(s["version"], s["state"]) for s in client.status()] == [(1, "AVAILABLE")]
    # A version written the way exports do it: temp folder, then rename.
    tmp = os.path.join(base, "hot", ".tmp-2")
    shutil.copytree(os.path.join(base, "noise", "1"), tmp)
    os.replace(tmp, os.path.join(base, "hot", "2"))
    assert wait_until(lambda: client.status()[0] == {
        "version": 2, "state": "AVAILABLE", "error_code": "OK", "error_message": ""})
    assert wait_until(lambda: {s["version"]: s["state"] for s in client.status()}[1]
                      == "END")  # latest policy: version 1 goes
    z = np.zeros((1, LATENT), np.float32)
    np.testing.assert_allclose(client.predict({"z": z})["images"], 0.5)
    with pytest.raises(ServingError):
        client.predict({"z": z}, version=1)

    # A broken version shows as END with its error and does not stop serving.
    os.makedirs(os.path.join(base, "hot", "3"))
    with open(os.path.join(base, "hot", "3", "saved_model.pb"), "wb") as f:
        f.write(b"not a saved model")
    assert wait_until(lambda: client.status()[0]["version"] == 3
                      and client.status()[0]["state"] == "END")
    broken = client.status(version=3)[0]
    assert broken["error_code"] != "OK" and "hot/3" in broken["error_message"]
    np.testing.assert_allclose(client.predict({"z": z})["images"], 0.5)  # still version 2

    shutil.rmtree(os.path.join(base, "hot", "3"))
    shutil.rmtree(os.path.join(base, "hot", "2"))
    assert wait_until(lambda: {s["version"]: s["state"] for s in client.status()}
                      .get(1) == "AVAILABLE")
    assert {s["version"]: s["state"] for s in client.status()}[2] == "END"
    client.close()


# ---------------------------------------------------------------- batching


def test_batcher_merges_pads_and_splits_rows():
    seen = []

    def run(inputs):
        seen.append(inputs["x"].shape[0])
        return {"y": inputs["x"] * 2, "first": inputs["x"][:, :1]}

    batcher = Batcher(run, BatchingOptions(max_batch_size=8, batch_timeout_micros=300_000,
                                           num_batch_threads=1, allowed_batch_sizes=(4, 8)))
    results = {}

    def call(i):
        results[i] = batcher.submit({"x": np.full((1, 3), float(i))})

    threads = [threading.Thread(target=call, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    batcher.close()
    assert sum(seen) == 4 * len(seen)  # every run was padded to an allowed size
    assert len(seen) < 3  # at least two requests shared a run
    for i in range(3):
        np.testing.assert_array_equal(results[i]["y"], np.full((1, 3), 2.0 * i))
        assert results[i]["first"].shape == (1, 1)


def test_server_batching_merges_concurrent_rest_requests(base, tmp_path):
    params = tmp_path / "batching.txt"
    params.write_text("max_batch_size { value: 64 }\nbatch_timeout_micros { value: 400000 }\n"
                      "num_batch_threads { value: 1 }\n")
    with ModelServer(base, rest_port=0, grpc_port=None, poll_seconds=0,
                     batching_parameters_file=str(params)) as batched:
        assert batched.batching.max_batch_size == 64
        servable = batched.repository.resolve("cond")
        before = servable.executions
        results, errors = {}, []

        def call(i):
            try:
                with ServingClient("cond", batched.rest_url) as client:
                    results[i] = client.predict({"seed": [i, i + 1], "label": [i, 0]})
            except Exception as error:  # noqa: BLE001  reported below
                errors.append(error)

        threads = [threading.Thread(target=call, args=(i,)) for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert not errors
        runs = servable.executions - before
        assert 1 <= runs < 6
        assert servable.batcher_stats()[1] == 12
        for i, outputs in results.items():
            np.testing.assert_allclose(outputs["images"][:, 0, 0, 0],
                                       cond_value([i, i + 1], [i, 0], 2), rtol=1e-6)
            assert len(outputs["images_bytes"]) == 2


def test_read_batching_parameters(tmp_path):
    path = tmp_path / "batching_parameters.txt"
    path.write_text(
        "max_batch_size { value: 16 }\nbatch_timeout_micros { value: 2000 }\n"
        "max_enqueued_batches { value: 5 }\nnum_batch_threads { value: 3 }\n"
        "allowed_batch_sizes: 8\nallowed_batch_sizes: 16\npad_variable_length_inputs: false\n"
        "some_future_option { value: 1 }\n"
    )
    options = read_batching_parameters(str(path))
    assert (options.max_batch_size, options.batch_timeout_micros, options.max_enqueued_batches,
            options.num_batch_threads, options.allowed_batch_sizes) == (16, 2000, 5, 3, (8, 16))
    path.write_text("max_batch_size { value: 16 }\nallowed_batch_sizes: 8\n")
    with pytest.raises(ValueError, match="allowed_batch_sizes"):
        read_batching_parameters(str(path))
    path.write_text("max_batch_size: {{{")
    with pytest.raises(ValueError, match="BatchingParameters"):
        read_batching_parameters(str(path))


# ------------------------------------------------------- config handling


def test_model_config_policies_labels_and_errors(base, tmp_path):
    entries = {e.name: e for e in read_model_config(os.path.join(base, "models.config"))}
    assert entries["cond"].policy == "all"
    assert entries["cond"].labels == {"stable": 1, "canary": 2}
    assert entries["cond"].base_path == os.path.join(base, "cond")
    assert entries["noise"].select([1, 3, 2]) == [3]
    config = tmp_path / "models.config"
    config.write_text('model_config_list { config { name: "a" base_path: "/x" '
                      "model_version_policy { specific { versions: 2 versions: 5 } } } }")
    (entry,) = read_model_config(str(config))
    assert entry.select([1, 2, 3, 5]) == [2, 5]
    config.write_text('model_config_list { config { name: "a" base_path: "/x" '
                      'model_version_policy { latest { num_versions: 2 } } } }')
    assert read_model_config(str(config))[0].select([1, 2, 3]) == [2, 3]
    config.write_text('model_config_list { config { name: "a" base_path: "/x" } '
                      'config { name: "a" base_path: "/y" } }')
    with pytest.raises(ValueError, match="appears twice"):
        read_model_config(str(config))
    config.write_text("model_config_list { config { name: ")
    with pytest.raises(ValueError, match="ModelServerConfig"):
        read_model_config(str(config))


def test_discovery_without_config(base):
    assert {e.name for e in discover_models(base)} == {"noise", "cond", "hot", "invert"}
    (single,) = discover_models(os.path.join(base, "cond"))
    assert single.name == "cond" and single.policy == "latest"


def test_write_models_config_for_a_container(base, tmp_path):
    out = tmp_path / "container.config"
    write_models_config(base, container_base="/models", output=str(out))
    text = out.read_text()
    assert 'base_path: "/models/cond"' in text and 'key: "stable"' in text
    # Container paths missing on this machine fall back to the config's folder.
    local = tmp_path / "repo"
    shutil.copytree(os.path.join(base, "cond"), local / "cond")
    shutil.copy(out, local / "models.config")
    cond = {e.name: e for e in read_model_config(str(local / "models.config"))}["cond"]
    assert cond.base_path == str(local / "cond")


def _repo_with_config(tmp_path, base, config_text):
    repo = tmp_path / "repo"
    shutil.copytree(os.path.join(base, "noise"), repo / "noise")
    (repo / "models.config").write_text(config_text)
    return repo


def test_missing_absolute_base_path_is_an_error_not_another_folder(base, tmp_path, capsys):
    """Issue 11 (8): a missing absolute base_path silently served the config's sibling folder."""
    from kerasgan.serving.config import base_path_problem
    from kerasgan.serving.repository import ModelRepository

    missing = tmp_path / "elsewhere" / "noise"
    repo = _repo_with_config(tmp_path, base, f'model_config_list {{ config {{ name: "noise" '
                             f'base_path: "{missing}" model_platform: "tensorflow" }} }}')
    (entry,) = read_model_config(str(repo / "models.config"))
    assert entry.base_path == str(missing)  # not repo/noise
    problem = base_path_problem(entry)
    assert f"base_path {missing} does not exist" in problem and str(repo / "models.config") in problem
    repository = ModelRepository(str(repo), poll_seconds=0)
    with pytest.raises(ValueError, match=f"'noise' cannot be loaded: its base_path {missing} does not exist"):
        repository.start()
    assert repository.servables() == []
    assert main(["serve", str(repo), "--rest-port", "0", "--grpc-port", "0"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("kerasgan: error:") and str(missing) in err and len(err.splitlines()) == 1


def test_base_path_missing_after_a_reload_is_reported_not_loadable(base, tmp_path, caplog):
    from kerasgan.serving.repository import ModelRepository

    repo = _repo_with_config(tmp_path, base, 'model_config_list { config { name: "noise" '
                             'base_path: "noise" model_platform: "tensorflow" } }')
    repository = ModelRepository(str(repo), poll_seconds=0).start()
    try:
        (repo / "models.config").write_text(
            'model_config_list { config { name: "noise" base_path: "noise" } '
            'config { name: "typo" base_path: "/no/such/typo" } }')
        with caplog.at_level("ERROR", logger="kerasgan.serving"):
            repository.reload()
            repository.reload()
        assert [r.getMessage() for r in caplog.records].count(
            "model 'typo' cannot be loaded: its base_path /no/such/typo does not exist; fix base_path in "
            f"{repo / 'models.config'} (a relative path is read from the config file's folder) "
            "or export the model there") == 1  # logged once, not at every poll
        assert list(repository.problems()) == ["typo"]
        with pytest.raises(ServingError, match="/no/such/typo does not exist") as caught:
            repository.status("typo")
        assert caught.value.status == 404
        with pytest.raises(ServingError, match="/no/such/typo does not exist"):
            repository.resolve("typo")
        assert repository.resolve("noise") is not None  # the others keep serving
        (repo / "models.config").write_text('model_config_list { config { name: "noise" base_path: "noise" } }')
        repository.reload()
        assert repository.problems() == {}
    finally:
        repository.stop()


def test_container_config_maps_only_its_declared_base(base, tmp_path):
    from kerasgan.export.serving_files import update_models_config

    repo = tmp_path / "exports"
    shutil.copytree(os.path.join(base, "noise"), repo / "noise")
    write_models_config(str(repo), container_base="/srv/models")
    text = (repo / "models.config").read_text()
    assert text.startswith("# kerasgan: container_base=/srv/models\n")
    assert read_model_config(str(repo / "models.config"))[0].base_path == str(repo / "noise")
    # A later export keeps the file a container file.
    update_models_config(str(repo), "more")
    text = (repo / "models.config").read_text()
    assert text.startswith("# kerasgan: container_base=/srv/models\n")
    assert 'base_path: "/srv/models/more"' in text
    # Without the declaration, nothing is mapped.
    (repo / "models.config").write_text(text.split("\n", 1)[1])
    assert read_model_config(str(repo / "models.config"))[0].base_path == "/srv/models/noise"


# --------------------------------------------------------------------- CLI


def test_cli_serve_user_errors(tmp_path, capsys):
    assert main(["serve", str(tmp_path / "missing")]) == 2
    assert "not found" in capsys.readouterr().err
    assert main(["serve", str(tmp_path)]) == 2
    assert "no models" in capsys.readouterr().err
    assert main(["serve", str(tmp_path), "--rest-port", "99999"]) == 2
    assert "port" in capsys.readouterr().err
    assert main(["serve", str(tmp_path), "--max-batch-rows", "0"]) == 2
    assert "expected an integer >= 1" in capsys.readouterr().err


def test_cli_container_base_rewrites_models_config(base, tmp_path, capsys):
    repo = tmp_path / "exports"
    shutil.copytree(os.path.join(base, "noise"), repo / "noise")
    assert main(["serve", str(repo), "--container-base", "/srv/models"]) == 0
    assert 'base_path: "/srv/models/noise"' in (repo / "models.config").read_text()
    assert "Wrote" in capsys.readouterr().out


def test_cli_serve_runs_until_sigterm(base, tmp_path):
    repo = tmp_path / "exports"
    shutil.copytree(os.path.join(base, "noise"), repo / "noise")
    env = dict(os.environ, PYTHONPATH=os.getcwd() + os.pathsep + os.environ.get("PYTHONPATH", ""),
               TF_CPP_MIN_LOG_LEVEL="3")
    process = subprocess.Popen(
        [sys.executable, "-m", "kerasgan", "serve", str(repo), "--rest-port", "0",
         "--grpc-port", "0", "--poll-seconds", "0.5", "--max-batch-rows", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env,
    )
    try:
        url, lines = None, []
        deadline = time.monotonic() + 90
        while url is None and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            match = re.match(r"REST: (http://\S+?)/v1/models", line)
            url = match.group(1) if match else None
        assert url, "".join(lines)
        assert any("noise: v1 AVAILABLE" in line for line in lines)
        assert any("2 rows" in line and "--max-batch-rows" in line for line in lines)
        status = httpx.get(f"{url}/v1/models/noise", timeout=30).json()
        assert status["model_version_status"][0]["state"] == "AVAILABLE"
        rows = httpx.post(f"{url}/v1/models/noise:predict", timeout=30,
                          json={"instances": [[0.0] * LATENT] * 3})
        assert rows.status_code == 400 and "--max-batch-rows" in rows.json()["error"]
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert "stopped" in process.stdout.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


# ------------------------------------------------------ export integration
#
# Real (tiny, untrained) kerasgan models of every generator kind, exported with
# export_savedmodel into one base and served by one ModelServer; both clients
# must reproduce the Keras models run directly.

EXPORT_LATENT = 8
#: kerasgan.export kind -> the served model name used below.
EXPORT_KINDS = {"points": "points", "labels": "cgan", "categories": "infogan",
                "translation": "pix2pix", "translation_domain": "stargan"}


def tiny_kerasgan_models():
    """One small model per generator kind (and CycleGAN for ``translate_ba``), by served name."""
    from kerasgan import data, families

    def build(family, dataset):
        return families.get(family).build_for_data(data.spec(dataset), seed=0,
                                                   latent_dim=EXPORT_LATENT)

    def tiny(family):
        model, spec = families.get(family).build_tiny()
        assert spec.shape == (16, 16, 1)  # the digits-edges / -rotated / -domains shape
        return model

    return {
        "points": build("gan", "ring8"),
        "cgan": build("cgan", "digits"),
        "infogan": build("infogan", "digits"),
        # narrow nets at the digits-edges / -rotated / -domains shapes (16 px, 1 channel)
        "pix2pix": tiny("pix2pix"),
        "cyclegan": tiny("cyclegan"),
        "stargan": tiny("stargan"),
    }


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """``(base, models)``: every tiny model exported once as ``base/NAME/1``."""
    from kerasgan.export import export_savedmodel, generator_kind

    models = tiny_kerasgan_models()
    assert {generator_kind(models[name]) for name in EXPORT_KINDS.values()} == set(EXPORT_KINDS)
    base = str(tmp_path_factory.mktemp("kerasgan-exports"))
    for name, model in models.items():
        # export_savedmodel's own parity check is tests/test_export.py's job
        export_savedmodel(model, base, name, validate=False)
    return base, models


@pytest.fixture(scope="module")
def export_server(exported):
    with ModelServer(exported[0], rest_port=0, grpc_port=0, poll_seconds=0) as served:
        yield served


@pytest.fixture(params=["rest", "grpc"])
def connect(export_server, request):
    """``connect(name)``: a client of the served export ``name`` over REST or gRPC."""
    opened = []

    def make(name):
        if request.param == "rest":
            client = ServingClient(name, export_server.rest_url)
        else:
            client = GrpcServingClient(name, export_server.grpc_target)
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.close()


def keras_images(raw):
    """A generator's [-1, 1] output as the [0, 1] images the signatures return."""
    return (np.asarray(raw, np.float32) + 1) / 2


def unit_images(count, seed):
    return np.random.default_rng(seed).uniform(size=(count, 16, 16, 1)).astype(np.float32)


def decode_pngs(pngs):
    return np.stack([np.array(Image.open(io.BytesIO(png))).reshape(16, 16, 1) for png in pngs])


PNG_ATOL = 0.5 / 255 + 1e-5  # rounding to 8 bits, plus float noise at a rounding edge


def test_export_server_loads_every_kind_with_batching_and_warmup(export_server, exported):
    assert export_server.batching is not None  # the export wrote batching_parameters.txt
    for name in exported[1]:
        assert export_server.repository.resolve(name).warmup_requests > 0, name


def test_generate_points_model(connect, exported):
    model = exported[1]["points"]
    client = connect("points")
    seeds = [0, 9, 9]
    points = client.generate(seeds)
    assert points.shape == (3, 2) and points.dtype == np.float32
    expected = np.concatenate([model.generate(1, seed=s) for s in seeds])
    np.testing.assert_allclose(points, expected, atol=1e-5)
    with pytest.raises(ValueError, match="generates 2-D points, not images"):
        client.generate_pil([0])


def test_generate_labels_model(connect, exported):
    model = exported[1]["cgan"]
    client = connect("cgan")
    seeds, labels = [1, 2, 2], [0, 1, 9]
    images = client.generate(seeds, labels=labels)
    expected = np.concatenate([model.generate(1, seed=s, labels=[label])
                               for s, label in zip(seeds, labels)])
    np.testing.assert_allclose(images, keras_images(expected), atol=1e-5)
    np.testing.assert_allclose(client.generate([2, 2], labels=9), images[[2, 2]], atol=1e-6)
    (picture,) = client.generate_pil([2], labels=[1])
    assert picture.size == (16, 16)
    np.testing.assert_allclose(np.array(picture).reshape(16, 16, 1) / 255, images[1],
                               atol=PNG_ATOL)
    z = model.sample_latents_for_seed(1, 1).numpy()
    by_z = client.predict({"z": z, "label": np.array([0], np.int32)})["images"]
    np.testing.assert_allclose(by_z, images[:1], atol=1e-5)
    with pytest.raises(ServingError) as error:
        client.generate([1], labels=[10])  # the signature's range check fails the request
    assert error.value.code == "INVALID_ARGUMENT"
    assert "label must be in [0, 10)" in error.value.message


def test_generate_categories_model(connect, exported):
    from kerasgan.export import latents_for_seeds

    model = exported[1]["infogan"]
    client = connect("infogan")
    seeds, categories = [4, 4, 7], [1, 6, 6]
    images = client.generate(seeds, categories=categories)
    z = latents_for_seeds(model, seeds, categories)
    np.testing.assert_allclose(images, keras_images(model.generator(z, training=False)),
                               atol=1e-5)
    assert np.abs(images[0] - images[1]).max() > 1e-4  # the category changes the image
    np.testing.assert_allclose(client.generate([7, 4], categories=6), images[[2, 1]], atol=1e-6)
    pictures = client.generate_pil(seeds, categories=categories)
    np.testing.assert_allclose(np.stack([np.array(p).reshape(16, 16, 1) for p in pictures]) / 255,
                               images, atol=PNG_ATOL)
    with pytest.raises(ServingError, match="category"):
        client.generate([4])  # InfoGAN's generate needs a category per seed
    with pytest.raises(ServingError) as error:
        client.generate([4], categories=[10])
    assert error.value.code == "INVALID_ARGUMENT"
    assert "must be in [0, 10)" in error.value.message


def test_translate_domain_model_arrays_and_png_bytes(connect, exported):
    model = exported[1]["stargan"]
    client = connect("stargan")
    images, domains = unit_images(3, seed=2), [0, 2, 1]
    translated = client.translate(images, domains=domains)
    expected = keras_images(model.translate(images * 2 - 1, domains=domains))
    np.testing.assert_allclose(translated, expected, atol=1e-5)
    np.testing.assert_allclose(client.translate(images, domains=2),
                               keras_images(model.translate(images * 2 - 1, domains=2)),
                               atol=1e-5)
    pixels = np.round(images * 255).astype(np.uint8)
    pngs = client.translate([png_bytes(p[..., 0]) for p in pixels], domains=domains)
    assert len(pngs) == 3 and all(png.startswith(b"\x89PNG") for png in pngs)
    from_pixels = keras_images(model.translate(pixels / 255 * 2 - 1, domains=domains))
    assert np.abs(decode_pngs(pngs) / 255 - from_pixels).max() <= PNG_ATOL
    with pytest.raises(ServingError, match="label"):
        client.translate(images)  # StarGAN needs a target domain
    with pytest.raises(ServingError) as error:
        client.translate(images[:1], domains=3)
    assert error.value.code == "INVALID_ARGUMENT"
    assert "label must be in [0, 3)" in error.value.message
    with pytest.raises(ValueError, match="one domains value or one per input"):
        client.translate(images, domains=[0, 1])


def test_translate_model_arrays_and_png_bytes(connect, exported):
    model = exported[1]["pix2pix"]
    client = connect("pix2pix")
    images = unit_images(2, seed=3)
    np.testing.assert_allclose(client.translate(images),
                               keras_images(model.translate(images * 2 - 1)), atol=1e-5)
    pixels = np.round(images * 255).astype(np.uint8)
    pngs = client.translate([png_bytes(p[..., 0]) for p in pixels])
    from_pixels = keras_images(model.translate(pixels / 255 * 2 - 1))
    assert np.abs(decode_pngs(pngs) / 255 - from_pixels).max() <= PNG_ATOL


def test_translate_cyclegan_directions(connect, exported):
    model = exported[1]["cyclegan"]
    client = connect("cyclegan")
    images = unit_images(2, seed=4)
    ab, ba = client.translate(images), client.translate(images, direction="ba")
    np.testing.assert_allclose(ab, keras_images(model.translate(images * 2 - 1, direction="ab")),
                               atol=1e-5)
    np.testing.assert_allclose(ba, keras_images(model.translate(images * 2 - 1, direction="ba")),
                               atol=1e-5)
    np.testing.assert_allclose(client.translate(images, direction="ab"), ab, atol=0)
    with pytest.raises(ValueError, match="no bytes signature"):
        client.translate([png_bytes(np.zeros((16, 16), np.uint8))], direction="ba")
    with pytest.raises(ValueError, match="direction must be 'ab' or 'ba'"):
        client.translate(images, direction="sideways")
    with pytest.raises(ServingError, match="translate_ba"):
        connect("pix2pix").translate(images, direction="ba")  # one direction only


def test_client_argument_errors_need_no_server():
    client = ServingClient("m", "http://127.0.0.1:9")
    with pytest.raises(ValueError, match="not both"):
        client.generate([1], labels=[0], categories=[0])
    with pytest.raises(ValueError, match="version= or version_label=, not both"):
        client.status(version=1, version_label="stable")
    with pytest.raises(ValueError, match="labels must be integers"):
        client.generate([1], labels=[0.5])
    with pytest.raises(ValueError, match=r"images must be \[N, H, W, C\]"):
        client.translate(np.zeros((16, 16, 1)))
    with pytest.raises(TypeError):
        client.generate([1], label="stable")  # the version label is version_label= now
    client.close()
