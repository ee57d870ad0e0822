"""What one request may cost the server: sizes, rows and time, with the answers when it asks too much.

Every limit is on by default, checked before the work it bounds is done, and
refused with an error that names the limit and the ``kerasgan serve`` flag
that raises it.
"""

from __future__ import annotations

import dataclasses
import time

from kerasgan.serving.errors import ServingError

MIB = 1 << 20
#: TF Serving's ``--max_num_load_retries`` and ``--load_retry_interval_micros`` defaults.
MAX_LOAD_RETRIES = 5
LOAD_RETRY_SECONDS = 60.0


@dataclasses.dataclass(frozen=True)
class ServingLimits:
    """Bounds on what one request may cost a :class:`~kerasgan.serving.ModelServer`.

    Memory per request is bounded by ``max_request_bytes`` (what comes in) and
    ``max_response_bytes`` (what goes out), whatever the client sends; time by
    ``request_timeout_ms``; idle and half-sent connections by the two connection
    timeouts.

    Attributes:
        max_request_bytes: largest REST body and gRPC message (413 /
            RESOURCE_EXHAUSTED); also the most a gRPC tensor may declare, so a
            small message cannot ask for a huge allocation (``--max-request-bytes``).
        max_response_bytes: largest output tensors of one request, estimated from
            the signature before the model runs (413 / RESOURCE_EXHAUSTED;
            ``--max-response-bytes``). REST JSON is a few times larger.
        max_batch_rows: most rows (first dimension) in one request (400 /
            INVALID_ARGUMENT; ``--max-batch-rows``).
        request_timeout_ms: time from a request's headers to its answer, as TF
            Serving's ``--rest_api_timeout_in_ms``; a body not received by then gets
            408, a model run not finished by then 504 / DEADLINE_EXCEEDED
            (``--request-timeout-ms``). gRPC calls also honour the client's deadline.
        header_timeout_seconds: time a REST connection may take to send a
            request's headers once it sent its first byte (or once it opened);
            then it is closed (``--header-timeout-seconds``).
        idle_timeout_seconds: how long an idle keep-alive REST connection stays
            open (``--idle-timeout-seconds``).

    Example:
        >>> limits = ServingLimits(max_batch_rows=64, request_timeout_ms=5000)
        >>> ModelServer("exports", limits=limits)
    """

    max_request_bytes: int = 16 * MIB
    max_response_bytes: int = 64 * MIB
    max_batch_rows: int = 1000
    request_timeout_ms: int = 30_000
    header_timeout_seconds: float = 10.0
    idle_timeout_seconds: float = 5.0

    def __post_init__(self):
        for key in ("max_request_bytes", "max_response_bytes", "max_batch_rows",
                    "request_timeout_ms"):
            if int(getattr(self, key)) < 1:
                raise ValueError(f"serving limit {key} must be >= 1, got {getattr(self, key)}")
        for key in ("header_timeout_seconds", "idle_timeout_seconds"):
            if not 0 < float(getattr(self, key)) < float("inf"):
                raise ValueError(f"serving limit {key} must be > 0, got {getattr(self, key)}")

    # ---------------------------------------------------------------- checks

    def deadline(self):
        """``time.monotonic()`` by which a request starting now must be answered."""
        return time.monotonic() + self.request_timeout_ms / 1000

    def check_request_bytes(self, size, what="request body"):
        """413 / RESOURCE_EXHAUSTED when ``size`` bytes are over ``max_request_bytes``."""
        if size > self.max_request_bytes:
            raise ServingError(
                413, f"{what} of {size} bytes is larger than the limit of "
                f"{self.max_request_bytes} bytes (--max-request-bytes)",
                code="RESOURCE_EXHAUSTED")

    def check_response_bytes(self, size):
        """413 / RESOURCE_EXHAUSTED when outputs of ``size`` bytes are over ``max_response_bytes``."""
        if size > self.max_response_bytes:
            raise ServingError(
                413, f"the outputs would take {size} bytes, more than the limit of "
                f"{self.max_response_bytes} bytes (--max-response-bytes); ask for fewer rows",
                code="RESOURCE_EXHAUSTED")

    def check_rows(self, rows):
        """400 / INVALID_ARGUMENT when a request carries more than ``max_batch_rows`` rows."""
        if rows > self.max_batch_rows:
            raise ServingError(
                400, f"request has {rows} rows, more than the limit of {self.max_batch_rows} "
                "(--max-batch-rows); split it into smaller requests")


def timed_out(stage="model run", timeout_ms=None):
    """504 / DEADLINE_EXCEEDED for a request that ran past its deadline."""
    within = f"within {timeout_ms} ms" if timeout_ms else "before its deadline"
    return ServingError(
        504, f"Request timed out: the {stage} did not finish {within} "
        "(--request-timeout-ms, or the client's deadline)", code="DEADLINE_EXCEEDED")


def check_deadline(deadline, stage="model run"):
    """Raises :func:`timed_out` when ``deadline`` (``time.monotonic()``; None: none) has passed."""
    if deadline is not None and time.monotonic() >= deadline:
        raise timed_out(stage)
