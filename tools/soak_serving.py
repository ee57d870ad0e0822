"""Soak test of ``kerasgan serve``: latency, oversize and version-swap probes on loopback.

Exports the zoo's ``dcgan-digits`` and ``gan-ring8`` generators into a temporary folder, starts
``python -m kerasgan serve`` on it (free ports on 127.0.0.1, a child process
whose memory is measured; request batching off unless ``--batching``, since a
lone batched request waits ``batch_timeout_micros`` for company) and runs
three phases:

1. latency: sequential keep-alive REST ``generate`` requests of one seed to the
   small 2-D model (gan-ring8; the < 5 ms target) and to dcgan-digits (reported)
   over ``http.client`` (prebuilt body, response read but not decoded: the
   server's and HTTP's share);
2. oversize: 100,000 and 20,000 seeds over REST and gRPC, a 100 MB REST body,
   ``Content-Length: 10 GB`` with one byte sent, a 37-byte gRPC tensor declaring
   [5e7, 7] values, a 100 MB gRPC message, a half-sent body and headers that
   never end: each must be refused with a 4xx (or the connection closed), and
   the server's RSS afterwards must stay within ``--rss-bound-mib`` of before;
3. load and swaps: ``--clients`` threads send good and malformed requests
   (half each) over REST and gRPC while a new version replaces the served one
   ``--swaps`` times: no 5xx and no wrong answer to a good request.

Bounded: ``--seconds`` for phase 3, ``--max-requests`` in all; nothing leaves
127.0.0.1. Prints one line per check and exits 1 if any fails.

    PYTHONPATH=. TF_CPP_MIN_LOG_LEVEL=2 python tools/soak_serving.py
    PYTHONPATH=. python tools/soak_serving.py --clients 16 --seconds 60 --swaps 8
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

MODEL = "digits"
#: The small model of the latency target: the zoo's 2-D MLP generator (gan-ring8).
SMALL_MODEL = "ring8"
#: Server flags: short timeouts so the half-sent and slow-header probes end quickly.
SERVER_FLAGS = ["--poll-seconds", "0.5", "--request-timeout-ms", "3000",
                "--header-timeout-seconds", "2"]
#: gRPC codes a malformed request may get (the client's fault, not the server's).
CLIENT_CODES = {"INVALID_ARGUMENT", "NOT_FOUND", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
                "OUT_OF_RANGE"}


def export(base, batching):
    """Exports the zoo's dcgan-digits and gan-ring8 generators (weights shipped with kerasgan).

    They become ``BASE/digits/1`` (every phase) and ``BASE/ring8/1`` (the latency
    phase's small model), both listed in ``BASE/models.config``.
    """
    from kerasgan import zoo
    from kerasgan.export import export_savedmodel

    export_savedmodel(zoo.load("dcgan-digits", compile=False), base, MODEL, batching=batching)
    export_savedmodel(zoo.load("gan-ring8", compile=False), base, SMALL_MODEL, batching=batching)


def keep_alive_latency(rest_url, model, requests):
    """Median and p90 ms of ``requests`` sequential ``generate`` calls of one seed on one connection.

    The client is the standard library's ``http.client`` with a prebuilt body
    and the response read but not decoded, so the figure is the server's and
    HTTP's share (httpx alone adds about a millisecond per request here).
    Also returns the median of a status request (HTTP without the model).
    """
    import http.client

    host, port = rest_url.removeprefix("http://").rsplit(":", 1)
    body = json.dumps({"signature_name": "generate", "instances": [7]}).encode()
    headers = {"Content-Type": "application/json"}
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        def call(method, path, payload=None):
            connection.request(method, path, payload, headers)
            response = connection.getresponse()
            response.read()
            assert response.status == 200, (path, response.status)

        predict = [_timed(lambda: call("POST", f"/v1/models/{model}:predict", body))
                   for _ in range(requests + 10)][10:]  # the first ones warm up
        status = [_timed(lambda: call("GET", f"/v1/models/{model}")) for _ in range(requests)]
    finally:
        connection.close()
    return statistics.median(predict), float(np.percentile(predict, 90)), statistics.median(status)


def start_server(base):
    """``(process, rest_url, grpc_target)`` of ``kerasgan serve BASE`` on free loopback ports."""
    command = [sys.executable, "-m", "kerasgan", "serve", base, "--rest-port", "0",
               "--grpc-port", "0", *SERVER_FLAGS]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, env=env)
    rest = target = None
    for line in process.stdout:
        if match := re.match(r"REST: (http://\S+?)/v1", line):
            rest = match[1]
        if match := re.match(r"gRPC: (\S+)", line):
            target = match[1]
        if rest and target:
            break
    if not (rest and target):
        raise SystemExit(f"kerasgan serve did not start (exit status {process.wait()})")
    log = []  # keep draining the pipe; the last lines explain a failure
    threading.Thread(target=lambda: [log.append(x) for x in process.stdout], daemon=True).start()
    process.log = log
    return process, rest, target


def _timed(call):
    began = time.perf_counter()
    call()
    return (time.perf_counter() - began) * 1000


def model_alone_ms(base, model, runs=100):
    """Median ms of ``model``'s ``generate`` signature on one seed, loaded in this process."""
    import tensorflow as tf

    folder = os.path.join(base, model)
    version = max(int(v) for v in os.listdir(folder) if v.isdigit())
    generate = tf.saved_model.load(os.path.join(folder, str(version))).signatures["generate"]
    seed = tf.constant([7], tf.int64)
    generate(seed=seed)
    return statistics.median(_timed(lambda: generate(seed=seed)) for _ in range(runs))


def rss_mib(pid):
    """Resident memory of process ``pid`` in MiB (Linux ``/proc``)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Checks:
    """Collects ``name: detail  OK/FAIL`` lines."""

    def __init__(self):
        self.failed = 0

    def report(self, ok, name, detail):
        """Prints one check; counts it when it failed."""
        self.failed += not ok
        print(f"{name:9s} {detail}  {'OK' if ok else 'FAIL'}", flush=True)


# -------------------------------------------------------------------- probes


def raw_http(rest_url, data, trickle=b"", wait=10.0):
    """Sends raw bytes (then ``trickle`` one byte per 0.3 s); ``(reply, seconds, closed)``."""
    host, port = rest_url.removeprefix("http://").rsplit(":", 1)
    sock = socket.create_connection((host, int(port)))
    sock.settimeout(0.3)
    began, reply, closed, pending = time.monotonic(), b"", False, list(trickle)
    try:
        sock.sendall(data)
        while time.monotonic() - began < wait and not closed:
            try:
                if pending:
                    sock.sendall(bytes([pending.pop(0)]))
                chunk = sock.recv(65536)
                closed = not chunk
                reply += chunk
            except socket.timeout:
                continue
            except OSError:
                closed = True
    finally:
        sock.close()
    return reply, time.monotonic() - began, closed


def predict_request(inputs, signature="generate"):
    """A gRPC ``PredictRequest`` for the served model from name -> TensorProto."""
    from tensorflow_serving.apis import predict_pb2

    request = predict_pb2.PredictRequest()
    request.model_spec.name = MODEL
    request.model_spec.signature_name = signature
    for name, proto in inputs.items():
        request.inputs[name].CopyFrom(proto)
    return request


def grpc_code(stub, request):
    """The gRPC status code name answering ``request`` (``"OK"`` on success)."""
    import grpc

    try:
        stub.Predict(request, timeout=60)
        return "OK"
    except grpc.RpcError as error:
        return error.code().name


def oversize_probes(rest_url, stub):
    """``[(name, answer, refused)]`` for each request over a limit."""
    import httpx
    import tensorflow as tf
    from tensorflow.core.framework import tensor_pb2, types_pb2

    results = []
    with httpx.Client(base_url=rest_url, timeout=120) as http:
        for count in (100_000, 20_000):
            body = {"signature_name": "generate", "instances": list(range(count))}
            status = http.post(f"/v1/models/{MODEL}:predict", json=body).status_code
            results.append((f"REST {count:,} seeds", status, 400 <= status < 500))

        def big_body():
            yield b'{"signature_name": "generate", "instances": ['
            for _ in range(100 * 1024):
                yield b"1," * 512
            yield b"1]}"

        try:
            status = http.post(f"/v1/models/{MODEL}:predict", content=big_body()).status_code
            answer, refused = status, status == 413
        except httpx.HTTPError as error:  # the server closed while the body was still going
            answer, refused = f"closed ({type(error).__name__})", True
        results.append(("REST 100 MB body", answer, refused))
    for count in (100_000, 20_000):
        proto = tf.make_tensor_proto(np.arange(count, dtype=np.int64))
        code = grpc_code(stub, predict_request({"seed": proto}))
        results.append((f"gRPC {count:,} seeds", code, code in CLIENT_CODES))
    for dims in ((50_000_000, 7), (7, 50_000_000)):
        proto = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[0.5])
        for size in dims:
            proto.tensor_shape.dim.add(size=size)
        code = grpc_code(stub, predict_request({"z": proto}, "serving_default"))
        results.append((f"gRPC {proto.ByteSize()}-byte tensor {list(dims)}", code,
                        code in CLIENT_CODES))
    huge = tf.make_tensor_proto(np.zeros(25 << 20, np.float32))
    code = grpc_code(stub, predict_request({"z": huge}, "serving_default"))
    results.append(("gRPC 100 MB message", code, code == "RESOURCE_EXHAUSTED"))
    head = (f"POST /v1/models/{MODEL}:predict HTTP/1.1\r\nHost: soak\r\n"
            "Content-Length: {}\r\n\r\n{{").format
    reply, seconds, closed = raw_http(rest_url, head(10 << 30).encode())
    results.append(("Content-Length 10 GB", _status(reply, seconds, closed),
                    reply.startswith(b"HTTP/1.1 413")))
    reply, seconds, closed = raw_http(rest_url, head(100).encode())
    results.append(("half-sent body", _status(reply, seconds, closed),
                    reply.startswith(b"HTTP/1.1 408") and closed))
    reply, seconds, closed = raw_http(rest_url, b"GET /v1/models/digits HTTP/1.1\r\n",
                                      trickle=b"X-Slow: " + b"a" * 40)
    results.append(("never-ending headers", _status(reply, seconds, closed), closed))
    return results


def _status(reply, seconds, closed):
    line = reply.split(b"\r\n", 1)[0].decode("latin-1") or "no reply"
    return f"{line} after {seconds:.1f} s" + (", closed" if closed else "")


# ------------------------------------------------------------------ load phase


def malformed_rest(latent):
    """Bodies the server must answer with a 4xx."""
    z_with_null = json.dumps({"inputs": {"z": [[None] + [0.0] * (latent - 1)]}})
    return [
        "{not json",
        '{"signature_name": "generate", "instances": [null]}',
        z_with_null,
        '{"inputs": ' + "[" * 3000 + "]" * 3000 + "}",
        '{"signature_name": "nope", "instances": [1]}',
        '{"signature_name": "generate", "instances": ["a"]}',
        '{"signature_name": "generate", "inputs": {"seed": [1], "extra": [2]}}',
        '{"instances": [[1, 2], [1]]}',
        "",
    ]


def malformed_grpc(latent):
    """gRPC requests the server must answer with a client-error code."""
    import tensorflow as tf
    from tensorflow.core.framework import tensor_pb2, types_pb2

    variant = tensor_pb2.TensorProto(dtype=types_pb2.DT_VARIANT)
    variant.tensor_shape.dim.add(size=1)
    unknown_model = predict_request({"seed": tf.make_tensor_proto(np.array([1]))})
    unknown_model.model_spec.name = "missing"
    return [
        predict_request({"seed": variant}),
        predict_request({"seed": tf.make_tensor_proto(np.array([1.5], np.float32))}),
        predict_request({"z": tf.make_tensor_proto(np.zeros((1, latent + 1), np.float32))},
                        "serving_default"),
        unknown_model,
    ]


def load_phase(args, rest_url, target, base, reference, latent):
    """Runs the clients and the swaps; returns the counters."""
    import grpc
    import httpx
    from tensorflow_serving.apis import prediction_service_pb2_grpc

    from kerasgan.serving import GrpcServingClient, ServingClient, ServingError

    counts = {"good": 0, "bad": 0, "5xx": 0, "wrong": 0, "bad_not_4xx": 0, "swaps": 0}
    examples, lock, stop = [], threading.Lock(), threading.Event()
    budget = threading.Semaphore(args.max_requests)
    rest_bodies, grpc_requests = malformed_rest(latent), malformed_grpc(latent)
    seeds_pool = sorted(reference)

    def count(key, example=None):
        with lock:
            counts[key] += 1
            if example is not None and len(examples) < 5:
                examples.append(example)

    def client_loop(index):
        rng = random.Random(index)
        rest = ServingClient(MODEL, rest_url)
        grpc_client = GrpcServingClient(MODEL, target)
        with httpx.Client(base_url=rest_url, timeout=60) as http, \
                grpc.insecure_channel(target) as channel:
            stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
            while not stop.is_set() and budget.acquire(blocking=False):
                kind = rng.random()
                if kind < 0.5:
                    seeds = rng.sample(seeds_pool, rng.randint(1, 4))
                    client = rest if kind < 0.25 else grpc_client
                    try:
                        images = client.generate(seeds)
                    except ServingError as error:
                        count("5xx" if error.status >= 500 else "wrong", f"good: {error}")
                        continue
                    expected = np.stack([reference[s] for s in seeds])
                    ok = images.shape == expected.shape and np.allclose(images, expected,
                                                                          atol=1e-5)
                    count("good" if ok else "wrong", None if ok else f"wrong values {seeds}")
                elif kind < 0.75:
                    body = rng.choice(rest_bodies)
                    try:
                        status = http.post(f"/v1/models/{MODEL}:predict", content=body).status_code
                    except httpx.HTTPError as error:
                        count("5xx", f"malformed REST: {error!r}")
                        continue
                    count("bad" if 400 <= status < 500 else "bad_not_4xx",
                          None if status < 500 else f"malformed REST {body[:40]!r} -> {status}")
                else:
                    code = grpc_code(stub, rng.choice(grpc_requests))
                    count("bad" if code in CLIENT_CODES else "bad_not_4xx",
                          None if code in CLIENT_CODES else f"malformed gRPC -> {code}")
        rest.close()
        grpc_client.close()

    def swapper():
        folder = os.path.join(base, MODEL)
        for step in range(args.swaps):
            if stop.wait(args.seconds / (args.swaps + 1)):
                return
            versions = sorted(int(v) for v in os.listdir(folder) if v.isdigit())
            tmp = os.path.join(folder, f".tmp-{versions[-1] + 1}")
            shutil.copytree(os.path.join(folder, str(versions[-1])), tmp)
            os.replace(tmp, os.path.join(folder, str(versions[-1] + 1)))  # as exports do
            for old in versions[:-1]:  # retired by the latest policy a swap ago
                shutil.rmtree(os.path.join(folder, str(old)), ignore_errors=True)
            with lock:
                counts["swaps"] += 1

    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(args.clients)]
    threads.append(threading.Thread(target=swapper))
    began = time.monotonic()
    for thread in threads:
        thread.start()
    stop.wait(args.seconds)
    stop.set()
    for thread in threads:
        thread.join(120)
    counts["seconds"] = time.monotonic() - began
    counts["examples"] = examples
    return counts


# ---------------------------------------------------------------------- main


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--seconds", type=float, default=30.0, help="load phase length (30)")
    parser.add_argument("--max-requests", type=int, default=20_000,
                        help="most requests in the load phase (20000)")
    parser.add_argument("--swaps", type=int, default=8, help="version swaps under load (8)")
    parser.add_argument("--latency-requests", type=int, default=300, help="latency phase (300)")
    parser.add_argument("--rss-bound-mib", type=float, default=128.0,
                        help="allowed RSS growth over the oversize probes (128 MiB)")
    parser.add_argument("--batching", action="store_true",
                        help="serve with the export's batching_parameters.txt")
    args = parser.parse_args()

    import grpc
    import httpx
    from tensorflow_serving.apis import prediction_service_pb2_grpc

    from kerasgan.serving import ServingClient

    checks = Checks()
    with tempfile.TemporaryDirectory(prefix="kerasgan-soak-") as root:
        os.environ["KERASGAN_HOME"] = os.path.join(root, "home")  # the zoo's weights cache
        base = os.path.join(root, "exports")
        export(base, args.batching)
        process, rest_url, target = start_server(base)
        try:
            print(f"server    pid {process.pid}, REST {rest_url}, gRPC {target}, batching "
                  f"{'on' if args.batching else 'off'}, {' '.join(SERVER_FLAGS)}", flush=True)
            with ServingClient(MODEL, rest_url) as client:
                latent = client.metadata()["serving_default"]["inputs"]["z"]["shape"][1]
                reference = {seed: client.generate([seed])[0] for seed in range(16)}
            for model, target_ms in ((SMALL_MODEL, 5.0), (MODEL, None)):
                median, p90, status = keep_alive_latency(rest_url, model, args.latency_requests)
                detail = (f"{args.latency_requests} keep-alive REST requests of one seed to "
                          f"{model!r}: median {median:.2f} ms, p90 {p90:.2f} ms; status request "
                          f"{status:.2f} ms; the model alone in this process "
                          f"{model_alone_ms(base, model):.2f} ms ({os.cpu_count()} CPUs, load "
                          f"average {os.getloadavg()[0]:.1f})")
                if target_ms is None:
                    print(f"{'latency':9s} {detail}", flush=True)
                else:
                    checks.report(median < target_ms, "latency",
                                  f"{detail}; target < {target_ms:g} ms")

            before = rss_mib(process.pid)
            options = [("grpc.max_send_message_length", 200 << 20)]
            with grpc.insecure_channel(target, options=options) as channel:
                stub = prediction_service_pb2_grpc.PredictionServiceStub(channel)
                for name, answer, refused in oversize_probes(rest_url, stub):
                    checks.report(refused, "oversize", f"{name}: {answer}")
            after = rss_mib(process.pid)
            checks.report(after - before <= args.rss_bound_mib, "rss",
                          f"server {before:.0f} MiB before the oversize probes, {after:.0f} MiB "
                          f"after ({after - before:+.0f} MiB; bound +{args.rss_bound_mib:g} MiB)")

            c = load_phase(args, rest_url, target, base, reference, latent)
            total = c["good"] + c["bad"] + c["5xx"] + c["wrong"] + c["bad_not_4xx"]
            checks.report(
                c["5xx"] == 0 and c["wrong"] == 0 and c["bad_not_4xx"] == 0, "load",
                f"{args.clients} clients, {c['seconds']:.0f} s, {c['swaps']} version swaps: "
                f"{total:,} requests; good {c['good']:,} answered right, {c['wrong']} wrong, "
                f"{c['5xx']} 5xx; malformed {c['bad']:,} refused with 4xx, "
                f"{c['bad_not_4xx']} otherwise")
            for example in c["examples"]:
                print(f"          e.g. {example}")
            print(f"rss       server {rss_mib(process.pid):.0f} MiB after the load phase",
                  flush=True)
        finally:
            process.terminate()
            process.wait(30)
        if checks.failed:
            print("".join(process.log[-20:]), end="")
    print(f"result    {'FAIL' if checks.failed else 'PASS'} ({checks.failed} checks failed)")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
