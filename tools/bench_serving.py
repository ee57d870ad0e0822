"""Requests per second of ``kerasgan serve`` with and without request batching.

Builds a generator-sized SavedModel (an MLP 64 -> 1024 -> 1024 -> 784, ~5 M
weights, like a small DCGAN generator), starts two :class:`ModelServer` in this
process (one plain, one with batching), and lets N concurrent clients send
one-row predict requests to each for a fixed time. Prints requests/s of both and
their ratio.

    PYTHONPATH=. TF_CPP_MIN_LOG_LEVEL=2 python tools/bench_serving.py
    PYTHONPATH=. python tools/bench_serving.py --clients 16 --seconds 5 --protocol rest
"""

from __future__ import annotations

import argparse
import itertools
import os
import tempfile
import threading
import time

import numpy as np

LATENT = 64


def build_model(path):
    """Saves a 64 -> 1024 -> 1024 -> 784 MLP generator with random weights to ``path``."""
    import tensorflow as tf

    class Generator(tf.Module):
        def __init__(self):
            rng = tf.random.Generator.from_seed(0)
            sizes = [LATENT, 1024, 1024, 784]
            self.weights = [tf.Variable(rng.normal([a, b]) / np.sqrt(a))
                            for a, b in itertools.pairwise(sizes)]

        @tf.function(input_signature=[tf.TensorSpec([None, LATENT], tf.float32, name="z")])
        def serve(self, z):
            x = z
            for w in self.weights[:-1]:
                x = tf.nn.relu(x @ w)
            images = tf.sigmoid(x @ self.weights[-1])
            return {"images": tf.reshape(images, [-1, 28, 28, 1])}

    module = Generator()
    tf.saved_model.save(module, path, signatures={"serving_default": module.serve})


def measure(server, clients, seconds, protocol):
    """Requests/s of ``clients`` threads sending one-row requests for ``seconds``."""
    from kerasgan.serving import GrpcServingClient, ServingClient

    counts = [0] * clients
    start_line = threading.Barrier(clients + 1)
    stop = threading.Event()

    def client_loop(index):
        if protocol == "grpc":
            client = GrpcServingClient("gen", server.grpc_target)
        else:
            client = ServingClient("gen", server.rest_url)
        z = {"z": np.random.default_rng(index).normal(size=(1, LATENT)).astype(np.float32)}
        client.predict(z)  # connect and warm up outside the timed window
        start_line.wait()
        while not stop.is_set():
            client.predict(z)
            counts[index] += 1
        client.close()

    threads = [threading.Thread(target=client_loop, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    start_line.wait()
    began = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    elapsed = time.perf_counter() - began
    for thread in threads:
        thread.join()
    return sum(counts) / elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (16)")
    parser.add_argument("--seconds", type=float, default=5.0, help="timed seconds per server (5)")
    parser.add_argument("--protocol", choices=("grpc", "rest"), default="grpc")
    parser.add_argument("--max-batch-size", type=int, default=32)
    parser.add_argument("--batch-timeout-micros", type=int, default=2000)
    args = parser.parse_args()

    from kerasgan.serving import BatchingOptions, ModelServer

    with tempfile.TemporaryDirectory() as base:
        build_model(os.path.join(base, "gen", "1"))
        results = {}
        for name, batching in (("plain", None), ("batched", True)):
            options = BatchingOptions(
                max_batch_size=args.max_batch_size,
                batch_timeout_micros=args.batch_timeout_micros,
                num_batch_threads=os.cpu_count() or 1,
            ) if batching else None
            server = ModelServer(base, poll_seconds=0, batching_options=options)
            with server:
                results[name] = measure(server, args.clients, args.seconds, args.protocol)
                servable = server.repository.resolve("gen")
                runs = servable.executions
            print(f"{name:8s} {results[name]:8.1f} requests/s  ({runs} model runs, "
                  f"{args.clients} {args.protocol} clients, {args.seconds:g} s)", flush=True)
        print(f"batching speed-up: {results['batched'] / results['plain']:.2f}x "
              f"(max_batch_size {args.max_batch_size}, batch_timeout_micros "
              f"{args.batch_timeout_micros}, {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
