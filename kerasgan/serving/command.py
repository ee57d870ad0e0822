"""``kerasgan serve``: serve exported models over TF Serving's REST and gRPC APIs."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys


def _port(text):
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port 0..65535 (0: any free port), got {text!r}")
    return value


def _seconds(text):
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected seconds >= 0, got {text!r}")
    return value


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return value


def _count(text):
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return value


def _positive_seconds(text):
    value = _seconds(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected seconds > 0, got {text!r}")
    return value


def _add_limits(p):
    """The flags of :class:`~kerasgan.serving.limits.ServingLimits` and of load retries."""
    from kerasgan.serving.limits import (
        LOAD_RETRY_SECONDS,
        MAX_LOAD_RETRIES,
        MIB,
        ServingLimits,
    )

    d = ServingLimits()
    g = p.add_argument_group("limits (a request over one is refused before the work is done)")
    g.add_argument("--max-request-bytes", type=_positive_int, default=d.max_request_bytes,
                   metavar="N", help="largest REST body / gRPC message, and largest tensor a "
                   f"gRPC request may declare ({d.max_request_bytes // MIB} MiB; 413 / "
                   "RESOURCE_EXHAUSTED)")
    g.add_argument("--max-response-bytes", type=_positive_int, default=d.max_response_bytes,
                   metavar="N", help="largest output tensors of one request, estimated before "
                   f"the model runs ({d.max_response_bytes // MIB} MiB; 413 / RESOURCE_EXHAUSTED)")
    g.add_argument("--max-batch-rows", type=_positive_int, default=d.max_batch_rows, metavar="N",
                   help=f"most rows in one request ({d.max_batch_rows}; 400 / INVALID_ARGUMENT)")
    g.add_argument("--request-timeout-ms", type=_positive_int, default=d.request_timeout_ms,
                   metavar="MS", help="time to receive and answer a request, as TF Serving's "
                   f"--rest_api_timeout_in_ms ({d.request_timeout_ms}; 408 for a body, 504 / "
                   "DEADLINE_EXCEEDED for a model run)")
    g.add_argument("--header-timeout-seconds", type=_positive_seconds,
                   default=d.header_timeout_seconds, metavar="S",
                   help=f"time a REST client has to send its headers ({d.header_timeout_seconds:g})")
    g.add_argument("--idle-timeout-seconds", type=_positive_seconds,
                   default=d.idle_timeout_seconds, metavar="S",
                   help="idle keep-alive REST connections close after this "
                   f"({d.idle_timeout_seconds:g})")
    r = p.add_argument_group("failed loads")
    r.add_argument("--max-load-retries", type=_count, default=MAX_LOAD_RETRIES, metavar="N",
                   help="retries of a failed model load, as TF Serving's "
                   f"--max_num_load_retries ({MAX_LOAD_RETRIES}); a changed file retries at once")
    r.add_argument("--load-retry-seconds", type=_seconds, default=LOAD_RETRY_SECONDS,
                   metavar="S", help=f"seconds between load retries ({LOAD_RETRY_SECONDS:g})")


def register(subparsers):
    """Registers ``kerasgan serve`` on the CLI's subparsers (imports nothing heavy)."""
    p = subparsers.add_parser(
        "serve",
        help="serve exported models with TF Serving's REST and gRPC APIs (no Docker needed)",
        description=(
            "Serve a model folder written by 'kerasgan export' (or any TF Serving model "
            "folder: BASE/NAME/VERSION/saved_model.pb, BASE/VERSION/..., optional "
            "BASE/models.config) with the REST and gRPC APIs of TensorFlow Serving. New "
            "versions are picked up while running. Stop with Ctrl-C or SIGTERM."
        ),
    )
    p.add_argument("base", metavar="BASE", help="export folder (model repository)")
    p.add_argument("--rest-port", type=_port, default=8501, help="REST port (8501; 0: any free)")
    p.add_argument("--grpc-port", type=_port, default=8500, help="gRPC port (8500; 0: any free)")
    p.add_argument("--host", default="127.0.0.1",
                   help="interface to bind (127.0.0.1; 0.0.0.0 for every interface)")
    p.add_argument("--model-config-file", metavar="FILE", default=None,
                   help="ModelServerConfig text file (default: BASE/models.config if present)")
    p.add_argument("--poll-seconds", type=_seconds, default=2.0,
                   help="seconds between checks for new/removed versions (2; 0: never)")
    p.add_argument("--enable-batching", action="store_true",
                   help="merge concurrent requests into batches (on by itself when "
                   "BASE/batching_parameters.txt exists)")
    p.add_argument("--batching-parameters-file", metavar="FILE", default=None,
                   help="BatchingParameters text file (default: BASE/batching_parameters.txt)")
    p.add_argument("--container-base", metavar="PATH", default=None,
                   help="do not serve: rewrite BASE/models.config with base paths under PATH "
                   "(e.g. /models) for the tensorflow/serving Docker image, then exit")
    _add_limits(p)
    p.set_defaults(handler=_cmd_serve)


def _cmd_serve(args):
    import os

    from kerasgan.errors import CLIError

    if not os.path.isdir(args.base):
        raise CLIError(f"model folder {args.base!r} not found (or not a folder); export a model "
                       "first: kerasgan export savedmodel MODEL.keras --base BASE --name NAME")
    if args.container_base is not None:
        from kerasgan.serving.config import write_models_config

        path = write_models_config(args.base, container_base=args.container_base)
        print(f"Wrote {path} for a container that mounts {args.base} at {args.container_base}")
        return 0
    for flag, path in (("--model-config-file", args.model_config_file),
                       ("--batching-parameters-file", args.batching_parameters_file)):
        if path is not None and not os.path.isfile(path):
            raise CLIError(f"{flag} {path!r}: file not found.")
    from kerasgan.serving.config import model_entries
    from kerasgan.serving.limits import ServingLimits
    from kerasgan.serving.server import ModelServer

    entries = model_entries(args.base, args.model_config_file)
    if not entries:
        raise CLIError(
            f"no models in {args.base!r}: expected {args.base}/NAME/VERSION/saved_model.pb, "
            f"{args.base}/VERSION/saved_model.pb or a models.config; export one with "
            f"kerasgan export savedmodel MODEL.keras --base {args.base} --name NAME"
        )
    server = ModelServer(
        args.base, rest_port=args.rest_port, grpc_port=args.grpc_port, host=args.host,
        model_config_file=args.model_config_file, poll_seconds=args.poll_seconds,
        enable_batching=args.enable_batching,
        batching_parameters_file=args.batching_parameters_file,
        limits=ServingLimits(
            max_request_bytes=args.max_request_bytes, max_response_bytes=args.max_response_bytes,
            max_batch_rows=args.max_batch_rows, request_timeout_ms=args.request_timeout_ms,
            header_timeout_seconds=args.header_timeout_seconds,
            idle_timeout_seconds=args.idle_timeout_seconds),
        max_load_retries=args.max_load_retries, load_retry_seconds=args.load_retry_seconds,
    )
    with _log_to_stderr():
        try:
            server.start()
        except OSError as error:
            raise CLIError(
                f"{error}; pick other ports with --rest-port / --grpc-port (0: any free)."
            ) from None
        try:
            _report(server, entries)
            _wait_for_stop()
        finally:
            server.stop()
    print("kerasgan serve: stopped", flush=True)
    return 0


class _LogLine(logging.Formatter):
    """``2026-01-31 12:00:00 kerasgan serve: MESSAGE`` (``warning:`` / ``error:`` noted)."""

    def format(self, record):
        """One line: time, the command, the level unless INFO, the message."""
        level = "" if record.levelno <= logging.INFO else f"{record.levelname.lower()}: "
        when = self.formatTime(record, "%Y-%m-%d %H:%M:%S")
        return f"{when} kerasgan serve: {level}{record.getMessage()}"


@contextlib.contextmanager
def _log_to_stderr():
    """Shows the server's log (``kerasgan.serving``: version loads and unloads, errors) on stderr."""
    logger = logging.getLogger("kerasgan.serving")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LogLine())
    previous = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


def _report(server, entries):
    from kerasgan.serving.errors import ServingError

    print(f"Serving {len(entries)} model(s) from {server.base}", flush=True)
    for entry in entries:
        try:
            states = ", ".join(
                f"v{s.version} {s.state}" + (f" ({s.error_message})" if s.error_message else "")
                for s in server.repository.status(entry.name)
            )
        except ServingError:
            states = f"no versions yet (waiting for {entry.base_path}/VERSION)"
        print(f"  {entry.name}: {states}", flush=True)
    limits = server.limits
    print(f"Limits: requests {limits.max_request_bytes} bytes, outputs "
          f"{limits.max_response_bytes} bytes, {limits.max_batch_rows} rows, "
          f"{limits.request_timeout_ms} ms (--max-request-bytes, --max-response-bytes, "
          "--max-batch-rows, --request-timeout-ms)", flush=True)
    print(f"REST: {server.rest_url}/v1/models/NAME[:predict]", flush=True)
    print(f"gRPC: {server.grpc_target}", flush=True)
    print("Press Ctrl-C (or send SIGTERM) to stop.", flush=True)


def _wait_for_stop():
    """Blocks until Ctrl-C or SIGTERM (SIGTERM handled only in the main thread)."""
    import signal
    import threading

    stop = threading.Event()
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
