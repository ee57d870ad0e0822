"""``ModelServer``: a local, TF-Serving-compatible model server (REST + gRPC) in threads."""

from __future__ import annotations

import concurrent.futures
import logging
import os
import threading
import time

from kerasgan.serving import config as config_lib
from kerasgan.serving.batching import BatchingOptions, read_batching_parameters
from kerasgan.serving.limits import LOAD_RETRY_SECONDS, MAX_LOAD_RETRIES, ServingLimits
from kerasgan.serving.repository import ModelRepository

log = logging.getLogger("kerasgan.serving")

#: Threads running REST predict requests (as many as gRPC's workers).
REST_WORKERS = 16


class ModelServer:
    """Serves a model repository over TF Serving's REST and gRPC APIs.

    The same folder works with the official ``tensorflow/serving`` image; this
    server needs no Docker. Models load at :meth:`start`; the folder is polled
    every ``poll_seconds`` so new versions appear (and removed ones go) without
    a restart. Requests in flight when their version goes complete on it.
    Every request is bounded by ``limits`` (size, rows, time) and refused
    before the work when it asks for more.

    Args:
        base: model repository folder (``BASE/NAME/VERSION`` or ``BASE/VERSION``).
        rest_port: REST port (0: a free port; None: no REST).
        grpc_port: gRPC port (0: a free port; None: no gRPC).
        host: interface to bind (loopback by default).
        model_config_file: a ``models.config`` (default ``BASE/models.config`` if present).
        poll_seconds: seconds between file-system polls (0: never poll).
        enable_batching: merge concurrent requests (also on when a batching
            parameters file is given or ``BASE/batching_parameters.txt`` exists).
        batching_parameters_file: text-format ``BatchingParameters``.
        batching_options: :class:`~kerasgan.serving.batching.BatchingOptions`
            (turns batching on; overrides any batching parameters file).
        limits: :class:`~kerasgan.serving.limits.ServingLimits` (default: 16 MiB
            requests, 64 MiB outputs, 1000 rows, 30 s per request, 10 s for
            headers, 5 s idle keep-alive).
        max_load_retries: retries of a failed load while its files stay the same
            (TF Serving's ``--max_num_load_retries``, 5).
        load_retry_seconds: seconds between them (TF Serving: one minute).

    Attributes:
        rest_port, grpc_port: the bound ports once started.
        repository: the :class:`~kerasgan.serving.repository.ModelRepository`.

    Example:
        >>> with ModelServer("exports", rest_port=0, grpc_port=0) as server:
        ...     client = ServingClient("dcgan-digits", server.rest_url)
        ...     images = client.generate([1, 2, 3])
    """

    def __init__(self, base, rest_port=0, grpc_port=0, host="127.0.0.1", model_config_file=None,
                 poll_seconds=2.0, enable_batching=False, batching_parameters_file=None,
                 batching_options=None, limits=None, max_load_retries=MAX_LOAD_RETRIES,
                 load_retry_seconds=LOAD_RETRY_SECONDS):
        if not os.path.isdir(base):
            raise FileNotFoundError(f"model folder {base!r} not found (or not a folder).")
        if model_config_file and not os.path.isfile(model_config_file):
            raise FileNotFoundError(f"model config file {model_config_file!r} not found.")
        if poll_seconds < 0:
            raise ValueError(f"poll_seconds must be >= 0, got {poll_seconds}")
        self.base, self.host = base, host
        self._rest_request, self._grpc_request = rest_port, grpc_port
        self.rest_port = self.grpc_port = None
        if batching_parameters_file is None:
            candidate = os.path.join(base, config_lib.BATCHING_NAME)
            batching_parameters_file = candidate if os.path.isfile(candidate) else None
        if batching_options is not None:
            self.batching = batching_options
        elif batching_parameters_file:
            self.batching = read_batching_parameters(batching_parameters_file)
        else:
            self.batching = BatchingOptions() if enable_batching else None
        self.limits = limits or ServingLimits()
        self.repository = ModelRepository(base, model_config_file, poll_seconds, self.batching,
                                          self.limits, max_load_retries, load_retry_seconds)
        self._grpc = self._uvicorn = self._thread = self._executor = None

    # ------------------------------------------------------------------ lifecycle

    def start(self):
        """Loads the models and starts listening; returns self.

        Raises:
            ValueError: invalid ``models.config``.
            OSError: a port cannot be bound.
        """
        self.repository.start()
        try:
            if self._grpc_request is not None:
                from kerasgan.serving.grpc_service import start_grpc_server

                self._grpc, self.grpc_port = start_grpc_server(
                    self.repository, self.host, self._grpc_request, limits=self.limits
                )
            if self._rest_request is not None:
                self._start_rest()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_rest(self):
        from kerasgan.serving.http_transport import bind, uvicorn_server
        from kerasgan.serving.rest import build_app

        sock = bind(self.host, self._rest_request)
        self.rest_port = sock.getsockname()[1]
        self._executor = concurrent.futures.ThreadPoolExecutor(
            REST_WORKERS, thread_name_prefix="kerasgan-rest")
        self._uvicorn = uvicorn_server(build_app(self.repository, self.limits, self._executor),
                                       self.limits)
        self._thread = threading.Thread(
            target=self._uvicorn.run, kwargs={"sockets": [sock]}, name="kerasgan-rest", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._uvicorn.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise OSError(f"the REST server did not start on {self.host}:{self.rest_port}")
            time.sleep(0.02)

    def stop(self):
        """Stops both servers and unloads the models (safe to call twice)."""
        if self._uvicorn is not None:
            self._uvicorn.should_exit = True
            self._thread.join(timeout=15)
            self._uvicorn = self._thread = None
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None
        if self._grpc is not None:
            self._grpc.stop(grace=1).wait(5)
            self._grpc = None
        self.repository.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # ------------------------------------------------------------------ addresses

    @property
    def rest_url(self):
        """``http://HOST:PORT`` of the REST API (None without REST)."""
        if self.rest_port is None:
            return None
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.rest_port}"

    @property
    def grpc_target(self):
        """``HOST:PORT`` for ``grpc.insecure_channel`` (None without gRPC)."""
        if self.grpc_port is None:
            return None
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.grpc_port}"
