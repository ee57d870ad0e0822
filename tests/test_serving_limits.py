"""kerasgan.serving under hostile or unlucky traffic: limits, timeouts, bad input, swaps, retries.

Every test reproduces a defect of issue 11 on loopback in seconds: requests
bigger than the limits are refused before the work (413 / 400 /
RESOURCE_EXHAUSTED), half-sent requests time out, malformed input is a 400,
unexpected errors close the connection, versions unloaded under in-flight
requests never fail them, failed loads are retried, and keep-alive REST
requests are not held back by Nagle's algorithm.
"""

import dataclasses
import json
import os
import shutil
import socket
import statistics
import threading
import time

import grpc
import httpx
import numpy as np
import pytest
import tensorflow as tf
from tensorflow.core.framework import tensor_pb2, types_pb2
from tensorflow_serving.apis import predict_pb2, prediction_service_pb2_grpc
from test_serving import LATENT, cond_value, save_cond_model, save_noise_model, wait_until

from kerasgan.serving import (
    BatchingOptions,
    GrpcServingClient,
    ModelServer,
    ServingClient,
    ServingError,
    ServingLimits,
)
from kerasgan.serving.batching import Batcher
from kerasgan.serving.repository import ModelRepository

WIDE = 1000  # values per row of the "wide" model: 4,000 bytes
LIMITS = ServingLimits(max_request_bytes=64 * 1024, max_response_bytes=100_000, max_batch_rows=50,
                       request_timeout_ms=1500, header_timeout_seconds=1.0,
                       idle_timeout_seconds=2.0)


def save_wide_model(path):
    """``serving_default(z [N, 4]) -> wide [N, 1000]``: 4 KB of output per row."""

    class Wide(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None, LATENT], tf.float32, name="z")])
        def serve(self, z):
            return {"wide": tf.tile(z, [1, WIDE // LATENT])}

    module = Wide()
    tf.saved_model.save(module, path, signatures={"serving_default": module.serve})


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """A folder of SavedModels to copy versions from: noise, cond v1/v2, wide."""
    root = tmp_path_factory.mktemp("limits-models")
    save_noise_model(str(root / "noise"))
    save_cond_model(str(root / "cond1"), 1)
    save_cond_model(str(root / "cond2"), 2)
    save_wide_model(str(root / "wide"))
    return root


@pytest.fixture(scope="module")
def base(models, tmp_path_factory):
    root = tmp_path_factory.mktemp("limits-base")
    shutil.copytree(models / "noise", root / "noise" / "1")
    shutil.copytree(models / "cond1", root / "cond" / "1")
    shutil.copytree(models / "wide", root / "wide" / "1")
    shutil.copytree(models / "cond1", root / "swap" / "1")
    return root


@pytest.fixture(scope="module")
def server(base):
    with ModelServer(str(base), rest_port=0, grpc_port=0, poll_seconds=0.1,
                     limits=LIMITS) as running:
        yield running


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server.rest_url, timeout=30) as client:
        yield client


def raw_exchange(port, data, wait=5.0, trickle=None):
    """Sends ``data`` (then ``trickle`` bytes one by one, 0.3 s apart) and reads until closed.

    Returns ``(reply, seconds until the server closed or wait ran out, closed)``.
    """
    sock = socket.create_connection(("127.0.0.1", port))
    sock.settimeout(0.3)
    began, reply, closed = time.monotonic(), b"", False
    try:
        sock.sendall(data)
        pending = list(trickle or b"")
        while time.monotonic() - began < wait:
            if pending:
                try:
                    sock.sendall(bytes([pending.pop(0)]))
                except OSError:
                    closed = True
                    break
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            reply += chunk
    finally:
        sock.close()
    return reply, time.monotonic() - began, closed


def grpc_code(target, request):
    with grpc.insecure_channel(target, options=[("grpc.max_send_message_length", 1 << 26)]) as ch:
        stub = prediction_service_pb2_grpc.PredictionServiceStub(ch)
        with pytest.raises(grpc.RpcError) as error:
            stub.Predict(request, timeout=30)
    return error.value.code(), error.value.details()


def noise_request(proto):
    request = predict_pb2.PredictRequest()
    request.model_spec.name = "noise"
    request.inputs["z"].CopyFrom(proto)
    return request


# ------------------------------------------------------------------ size limits


def test_lying_content_length_is_refused_before_reading(server):
    head = (b"POST /v1/models/noise:predict HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n{")
    reply, seconds, closed = raw_exchange(server.rest_port, head)
    assert reply.startswith(b"HTTP/1.1 413") and b"--max-request-bytes" in reply
    assert b"connection: close" in reply.lower() and closed and seconds < 3


def test_chunked_body_over_the_limit_is_refused(http):
    def body():
        yield b'{"instances": ['
        for _ in range(20_000):
            yield b"[0.5, 0.5, 0.5, 0.5],"
        yield b"[0, 0, 0, 0]]}"

    response = http.post("/v1/models/noise:predict", content=body())
    assert response.status_code == 413
    assert "--max-request-bytes" in response.json()["error"]


def test_grpc_message_over_the_limit_is_refused(server):
    proto = tf.make_tensor_proto(np.zeros((5000, LATENT), np.float32))  # 80 KB > 64 KiB
    code, _ = grpc_code(server.grpc_target, noise_request(proto))
    assert code == grpc.StatusCode.RESOURCE_EXHAUSTED


def test_grpc_declared_shape_is_checked_before_allocation(server):
    # 37 bytes on the wire, 1.4 GB once expanded: refused before make_ndarray.
    huge = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[0.5])
    for size in (10, 50_000_000):
        huge.tensor_shape.dim.add(size=size)
    code, details = grpc_code(server.grpc_target, noise_request(huge))
    assert code == grpc.StatusCode.RESOURCE_EXHAUSTED and "--max-request-bytes" in details
    rows = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[0.5])
    for size in (51, LATENT):
        rows.tensor_shape.dim.add(size=size)
    code, details = grpc_code(server.grpc_target, noise_request(rows))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "--max-batch-rows" in details


@pytest.mark.parametrize("protocol", ["rest", "grpc"])
def test_rows_and_output_size_are_refused_before_the_model_runs(server, protocol):
    make = ServingClient if protocol == "rest" else GrpcServingClient
    target = server.rest_url if protocol == "rest" else server.grpc_target
    wide = server.repository.resolve("wide")
    with make("noise", target) as noise, make("wide", target) as client:
        with pytest.raises(ServingError) as error:
            noise.predict({"z": np.zeros((51, LATENT), np.float32)})
        assert error.value.code == "INVALID_ARGUMENT" and "--max-batch-rows" in error.value.message
        assert client.predict({"z": np.ones((25, LATENT), np.float32)})["wide"].shape == (25, WIDE)
        before = wide.executions
        with pytest.raises(ServingError) as error:
            client.predict({"z": np.ones((26, LATENT), np.float32)})  # 104,000 bytes out
        assert error.value.code == "RESOURCE_EXHAUSTED"
        assert "--max-response-bytes" in error.value.message
        assert wide.executions == before


def test_batching_refuses_requests_over_max_batch_size_unrun():
    runs = []
    batcher = Batcher(lambda inputs: runs.append(1) or {"y": inputs["x"]},
                      BatchingOptions(max_batch_size=8, num_batch_threads=1))
    with pytest.raises(ServingError, match="Task size 9 is larger than maximum input batch size 8"):
        batcher.submit({"x": np.zeros((9, 2))})
    assert runs == []
    assert batcher.submit({"x": np.zeros((8, 2))})["y"].shape == (8, 2)
    batcher.close()


def test_batched_request_past_its_deadline_is_dropped_unrun():
    runs, release = [], threading.Event()

    def run(inputs):
        release.wait(10)
        runs.append(len(inputs["x"]))
        return {"y": inputs["x"]}

    batcher = Batcher(run, BatchingOptions(max_batch_size=4, num_batch_threads=1))
    first = threading.Thread(target=batcher.submit, args=({"x": np.zeros((4, 1))},))
    first.start()  # occupies the only batch thread
    time.sleep(0.2)
    with pytest.raises(ServingError) as error:
        batcher.submit({"x": np.zeros((1, 1))}, deadline=time.monotonic() + 0.3)
    assert error.value.code == "DEADLINE_EXCEEDED"
    release.set()
    first.join(10)
    batcher.close()
    assert runs == [4]


def test_responses_are_written_in_blocks_as_the_same_json():
    from kerasgan.serving import json_codec

    rng = np.random.default_rng(0)
    outputs = {"images": rng.normal(size=(300, 1000)).astype(np.float32),  # several blocks
               "images_bytes": np.array([b"\x89PNG%d" % i for i in range(300)], dtype=object),
               "score": np.array([np.nan, np.inf] + [0.5] * 298, np.float32)}
    outputs["score"][3] = -np.inf
    for row_format in (True, False):
        names = sorted(outputs)
        columns = {name: json_codec._to_json(outputs[name], name) for name in names}
        if row_format:
            expected = {"predictions": [{n: columns[n][i] for n in names} for i in range(300)]}
        else:
            expected = {"outputs": columns}
        text = b"".join(json_codec.encode_predict_response(outputs, row_format))
        assert text == json.dumps(expected, separators=(",", ":")).encode()
    single = b"".join(json_codec.encode_predict_response({"x": outputs["images"]}, True))
    assert single == json.dumps({"predictions": outputs["images"].tolist()},
                                separators=(",", ":")).encode()


# ---------------------------------------------------------------- timeouts


def test_half_sent_body_times_out(server):
    head = (b"POST /v1/models/noise:predict HTTP/1.1\r\nHost: x\r\n"
            b"Content-Length: 100\r\n\r\n{\"instances\"")
    reply, seconds, closed = raw_exchange(server.rest_port, head)
    assert reply.startswith(b"HTTP/1.1 408") and b"--request-timeout-ms" in reply
    assert closed and 1.0 < seconds < 4


def test_slow_or_missing_headers_close_the_connection(server):
    reply, seconds, closed = raw_exchange(server.rest_port, b"GET /v1/models/noise HTTP/1.1\r\n",
                                          wait=6, trickle=b"X-Slow: " + b"a" * 30)
    assert closed and seconds < 3 and reply.startswith(b"HTTP/1.1 408")
    reply, seconds, closed = raw_exchange(server.rest_port, b"", wait=6)  # connects, says nothing
    assert closed and seconds < 3


def test_slow_model_run_is_answered_504(server, http, monkeypatch):
    servable = server.repository.resolve("noise")
    original = servable._execute

    def slow(signature, inputs):
        time.sleep(2.5)
        return original(signature, inputs)

    monkeypatch.setattr(servable, "_execute", slow)
    began = time.monotonic()
    response = http.post("/v1/models/noise:predict", json={"instances": [[0, 0, 0, 0]]})
    assert response.status_code == 504 and "--request-timeout-ms" in response.json()["error"]
    assert time.monotonic() - began < 2.4


# ------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "path, body, fragment",
    [
        ("noise", '{"instances": [[0.5, null, 0.5, 0.5]]}', "Null is not of expected type"),
        ("cond", '{"inputs": {"seed": [null], "label": [1]}}', "Null is not of expected type"),
        ("noise", '{"inputs": ' + "[" * 3000 + "]" * 3000 + "}", "nested deeper"),
        ("noise", '{"inputs": ' + "[" * 80 + "1" + "]" * 80 + "}", "nested deeper"),
    ],
)
def test_malformed_values_are_400_and_keep_the_connection(http, path, body, fragment):
    response = http.post(f"/v1/models/{path}:predict", content=body)
    assert response.status_code == 400 and fragment in response.json()["error"]
    assert response.headers.get("connection") != "close"
    assert http.get("/v1/models/noise").status_code == 200  # same connection still serves


@pytest.mark.parametrize("dtype", [types_pb2.DT_VARIANT, types_pb2.DT_RESOURCE, 999])
def test_grpc_tensors_that_cannot_be_inputs_are_invalid_argument(server, dtype):
    proto = tensor_pb2.TensorProto(dtype=dtype)
    proto.tensor_shape.dim.add(size=1)
    code, details = grpc_code(server.grpc_target, noise_request(proto))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and "'z'" in details


@pytest.mark.parametrize("protocol", ["rest", "grpc"])
def test_unexpected_errors_are_internal_and_close_the_connection(server, monkeypatch, protocol):
    servable = server.repository.resolve("noise")

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(servable, "run", broken)
    if protocol == "rest":
        with httpx.Client(base_url=server.rest_url, timeout=30) as http:
            response = http.post("/v1/models/noise:predict", json={"instances": [[0, 0, 0, 0]]})
        assert response.status_code == 500 and "RuntimeError: boom" in response.json()["error"]
        assert response.headers["connection"] == "close"
    else:
        proto = tf.make_tensor_proto(np.zeros((1, LATENT), np.float32))
        code, details = grpc_code(server.grpc_target, noise_request(proto))
        assert code == grpc.StatusCode.INTERNAL and "boom" in details


# ------------------------------------------------------- versions and loads


def test_requests_in_flight_complete_on_an_unloaded_version(server, base, models, monkeypatch):
    old = server.repository.resolve("swap")
    assert old.version == 1
    original, entered, release = old._execute, [], threading.Event()

    def held(signature, inputs):
        entered.append(signature)
        release.wait(20)
        return original(signature, inputs)

    monkeypatch.setattr(old, "_execute", held)
    results = {}

    def call(protocol):
        make = ServingClient if protocol == "rest" else GrpcServingClient
        target = server.rest_url if protocol == "rest" else server.grpc_target
        try:
            with make("swap", target) as client:
                results[protocol] = client.generate([3, 4], labels=[1, 2])
        except ServingError as error:
            results[protocol] = error

    threads = [threading.Thread(target=call, args=(p,)) for p in ("rest", "grpc")]
    for thread in threads:
        thread.start()
    assert wait_until(lambda: len(entered) == 2)  # both requests are running on version 1
    shutil.copytree(models / "cond2", base / "swap" / ".tmp-2")
    os.replace(base / "swap" / ".tmp-2", base / "swap" / "2")  # latest policy: 1 unloads
    assert wait_until(lambda: {s.version: s.state for s in server.repository.status("swap")}
                      == {2: "AVAILABLE", 1: "END"})
    release.set()
    for thread in threads:
        thread.join(30)
    for protocol in ("rest", "grpc"):
        assert not isinstance(results[protocol], ServingError), results[protocol]
        np.testing.assert_allclose(results[protocol][:, 0, 0, 0], cond_value([3, 4], [1, 2], 1),
                                   rtol=1e-6)
    with ServingClient("swap", server.rest_url) as client:
        np.testing.assert_allclose(client.generate([3], labels=[1])[:, 0, 0, 0],
                                   cond_value([3], [1], 2), rtol=1e-6)


@pytest.fixture
def patient_server(base):
    """The server of ``server`` with a 30 s request timeout: the swap test checks that a version
    swap fails no request, not latency (a new version's first runs can pass 1.5 s on two busy
    cores)."""
    limits = dataclasses.replace(LIMITS, request_timeout_ms=30_000)
    with ModelServer(str(base), rest_port=0, grpc_port=0, poll_seconds=0.1,
                     limits=limits) as running:
        yield running


def test_swaps_under_concurrent_load_never_fail_a_request(patient_server, base, models):
    server = patient_server
    stop, failures, answered = threading.Event(), [], [0]

    def client_loop():
        with ServingClient("swap", server.rest_url) as client:
            while not stop.is_set():
                try:
                    values = client.generate([5], labels=[3])[0, 0, 0, 0]
                except ServingError as error:
                    failures.append(error)
                    continue
                if not any(np.isclose(values, cond_value(5, 3, v)) for v in (1, 2)):
                    failures.append(values)
                answered[0] += 1

    threads = [threading.Thread(target=client_loop) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for step in range(3):
            latest = max(s.version for s in server.repository.status("swap"))
            folder = base / "swap" / f".tmp-{latest + 1}"
            shutil.copytree(models / ("cond1" if step % 2 else "cond2"), folder)
            os.replace(folder, base / "swap" / str(latest + 1))
            assert wait_until(lambda v=latest + 1: server.repository.resolve("swap").version == v)
            time.sleep(0.3)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert failures == [] and answered[0] > 0


def test_failed_load_is_retried_when_any_file_changes(models, tmp_path):
    version = tmp_path / "retry" / "1"
    shutil.copytree(models / "noise", version)
    data = next((version / "variables").glob("variables.data-*"))
    good = data.read_bytes()
    data.write_bytes(good[: len(good) // 2])  # half-written
    repository = ModelRepository(str(tmp_path), poll_seconds=0, load_retry_seconds=3600)
    repository.start()
    try:
        assert repository.status("retry")[0].state == "END"
        repository.reload()
        assert repository.status("retry")[0].attempts == 1  # unchanged: no retry yet
        data.write_bytes(good)  # only a file two levels down changes
        repository.reload()
        assert repository.status("retry")[0].state == "AVAILABLE"
    finally:
        repository.stop()


def test_failed_load_is_retried_max_load_retries_times(tmp_path, monkeypatch):
    (tmp_path / "flaky" / "1").mkdir(parents=True)
    (tmp_path / "flaky" / "1" / "saved_model.pb").write_bytes(b"not a saved model")
    repository = ModelRepository(str(tmp_path), poll_seconds=0, max_load_retries=2,
                                 load_retry_seconds=0)
    repository.start()
    for _ in range(5):
        repository.reload()
    status = repository.status("flaky")[0]
    assert (status.state, status.attempts) == ("END", 3)  # the first load and two retries
    repository.stop()


# ---------------------------------------------------------------- latency


def test_keep_alive_rest_requests_are_not_delayed_by_nagle(server, http):
    body = json.dumps({"instances": [[0.1, 0.2, 0.3, 0.4]]})
    http.post("/v1/models/noise:predict", content=body)
    times = []
    for _ in range(30):
        began = time.perf_counter()
        assert http.post("/v1/models/noise:predict", content=body).status_code == 200
        times.append(time.perf_counter() - began)
    # With Nagle on, every keep-alive response after the first waited ~40 ms for a delayed ACK.
    assert statistics.median(times) < 0.025, times
