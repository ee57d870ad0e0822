"""Server-side batching: concurrent predict requests merged along axis 0.

Follows TF Serving's ``--enable_batching`` semantics: requests for the same
model version and signature queue up; a free batch thread takes the queued
requests once ``batch_timeout_micros`` has passed since the oldest one arrived
(or as soon as ``max_batch_size`` rows are waiting), concatenates their inputs,
runs the signature once and hands every caller its own rows of the outputs.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
import os
import threading
import time

import numpy as np

from kerasgan.serving.errors import ServingError, invalid
from kerasgan.serving.limits import timed_out

log = logging.getLogger("kerasgan.serving")

_BATCHING_PROTO = None


@dataclasses.dataclass
class BatchingOptions:
    """The fields of TF Serving's ``BatchingParameters`` that this server honours.

    Defaults are TF Serving's (``SharedBatchScheduler::Options``).

    Attributes:
        max_batch_size: most rows in one merged run.
        batch_timeout_micros: how long the oldest queued request may wait for others.
        max_enqueued_batches: queue limit in batches; beyond it requests get 503.
        num_batch_threads: batches run at the same time per model version/signature.
        allowed_batch_sizes: if set, merged batches are padded up to one of these
            sizes (ascending; the last must equal ``max_batch_size``).
    """

    max_batch_size: int = 1000
    batch_timeout_micros: int = 0
    max_enqueued_batches: int = 10
    num_batch_threads: int = dataclasses.field(default_factory=lambda: os.cpu_count() or 1)
    allowed_batch_sizes: tuple = ()

    def __post_init__(self):
        for key in ("max_batch_size", "max_enqueued_batches", "num_batch_threads"):
            if int(getattr(self, key)) < 1:
                raise ValueError(f"batching parameter {key} must be >= 1, got {getattr(self, key)}")
        if self.batch_timeout_micros < 0:
            raise ValueError("batching parameter batch_timeout_micros must be >= 0")
        sizes = tuple(int(s) for s in self.allowed_batch_sizes)
        if sizes and (list(sizes) != sorted(set(sizes)) or sizes[-1] != self.max_batch_size):
            raise ValueError(
                f"allowed_batch_sizes {list(sizes)} must increase and end with "
                f"max_batch_size ({self.max_batch_size})."
            )
        self.allowed_batch_sizes = sizes


def _batching_parameters_class():
    """The ``tensorflow.serving.BatchingParameters`` message class.

    tensorflow-serving-api does not ship ``session_bundle_config_pb2``, so the
    message is declared here (same field names and numbers) in a private pool.
    """
    global _BATCHING_PROTO
    if _BATCHING_PROTO is None:
        from google.protobuf import (
            descriptor_pb2,
            descriptor_pool,
            message_factory,
            wrappers_pb2,
        )

        F = descriptor_pb2.FieldDescriptorProto
        file = descriptor_pb2.FileDescriptorProto(
            name="kerasgan/serving/batching_parameters.proto",
            package="tensorflow.serving",
            syntax="proto3",
            dependency=["google/protobuf/wrappers.proto"],
        )
        message = file.message_type.add(name="BatchingParameters")
        wrapped = [("max_batch_size", 1, "Int64Value"), ("batch_timeout_micros", 2, "Int64Value"),
                   ("max_enqueued_batches", 3, "Int64Value"), ("num_batch_threads", 4, "Int64Value"),
                   ("thread_pool_name", 5, "StringValue")]
        for name, number, kind in wrapped:
            message.field.add(name=name, number=number, label=F.LABEL_OPTIONAL,
                              type=F.TYPE_MESSAGE, type_name=f".google.protobuf.{kind}")
        message.field.add(name="allowed_batch_sizes", number=6, label=F.LABEL_REPEATED,
                          type=F.TYPE_INT64)
        message.field.add(name="pad_variable_length_inputs", number=7, label=F.LABEL_OPTIONAL,
                          type=F.TYPE_BOOL)
        pool = descriptor_pool.DescriptorPool()
        pool.AddSerializedFile(wrappers_pb2.DESCRIPTOR.serialized_pb)
        pool.Add(file)
        _BATCHING_PROTO = message_factory.GetMessageClass(
            pool.FindMessageTypeByName("tensorflow.serving.BatchingParameters")
        )
    return _BATCHING_PROTO


def read_batching_parameters(path):
    """Reads a text-format ``BatchingParameters`` file (TF Serving's ``--batching_parameters_file``).

    Fields this server does not know (newer TF Serving options) are skipped with
    a log line rather than rejected.

    Args:
        path: the file, e.g. ``BASE/batching_parameters.txt``.

    Returns:
        :class:`BatchingOptions`.

    Example:
        A file with ``max_batch_size { value: 64 }`` and
        ``batch_timeout_micros { value: 2000 }`` merges up to 64 rows, waiting at
        most 2 ms for company.
    """
    from google.protobuf import text_format

    with open(path, encoding="utf-8") as f:
        text = f.read()
    params = _batching_parameters_class()()
    try:
        text_format.Parse(text, params, allow_unknown_field=True)
    except text_format.ParseError as error:
        raise ValueError(
            f"{path}: not a text-format BatchingParameters ({error}); expected lines like "
            "'max_batch_size { value: 32 }'."
        ) from None
    options = BatchingOptions()
    for key in ("max_batch_size", "batch_timeout_micros", "max_enqueued_batches",
                "num_batch_threads"):
        if params.HasField(key):
            setattr(options, key, int(getattr(params, key).value))
    options.allowed_batch_sizes = tuple(params.allowed_batch_sizes)
    if params.pad_variable_length_inputs:
        log.warning("%s: pad_variable_length_inputs is not supported; requests of different "
                    "shapes are batched separately.", path)
    options.__post_init__()
    return options


class _Task:
    __slots__ = ("arrived", "deadline", "done", "error", "inputs", "key", "result", "rows")

    def __init__(self, inputs, rows, deadline=None):
        self.inputs, self.rows, self.deadline = inputs, rows, deadline
        self.key = tuple(sorted((k, v.dtype.str, v.shape[1:]) for k, v in inputs.items()))
        self.arrived = time.monotonic()
        self.done = threading.Event()
        self.result = self.error = None


class Batcher:
    """Merges concurrent calls of one signature into batched runs.

    Args:
        run: ``run(inputs: dict[str, ndarray]) -> dict[str, ndarray]``; runs one
            (merged) batch.
        options: :class:`BatchingOptions`.
        name: used in thread names and log lines.

    Example:
        >>> batcher = Batcher(lambda x: {"y": x["z"] * 2}, BatchingOptions(batch_timeout_micros=5000))
        >>> batcher.submit({"z": np.ones((1, 3))})["y"].shape  # from many threads at once
        (1, 3)
    """

    def __init__(self, run, options, name="batcher"):
        self._run = run
        self.options = options
        self.name = name
        self._cond = threading.Condition()
        self._forming = threading.Lock()
        self._queue = collections.deque()
        self._queued_rows = 0
        self._threads = []
        self._closed = False
        #: Number of merged runs and rows they carried (for monitoring and tests).
        self.batches_run = 0
        self.rows_run = 0

    def submit(self, inputs, deadline=None):
        """Runs ``inputs`` as part of a batch; blocks until its own outputs are ready.

        Args:
            inputs: dict of arrays that share their first dimension.
            deadline: ``time.monotonic()`` after which the request is dropped
                unrun (None: no deadline).

        Returns:
            dict of output arrays with this request's rows only.

        Raises:
            ServingError: 400 for more rows than ``max_batch_size`` (as TF
                Serving's batch scheduler), 503 when the queue is full, 504 past
                the deadline, or whatever the run raised.
        """
        rows = {int(v.shape[0]) if v.ndim else -1 for v in inputs.values()}
        if len(rows) != 1 or -1 in rows:
            return self._run(inputs)  # no common batch dimension: nothing to merge
        task = _Task(inputs, rows.pop(), deadline)
        if task.rows > self.options.max_batch_size:
            raise invalid(
                f"Task size {task.rows} is larger than maximum input batch size "
                f"{self.options.max_batch_size} (max_batch_size of the batching parameters); "
                "split the request")
        with self._cond:
            if self._closed:
                return self._run(inputs)
            limit = self.options.max_batch_size * self.options.max_enqueued_batches
            if self._queued_rows + task.rows > limit:
                raise ServingError(
                    503, "The batch scheduling queue to which this task was submitted is full"
                )
            self._start_threads()
            self._queue.append(task)
            self._queued_rows += task.rows
            self._cond.notify_all()
        wait = None if deadline is None else max(0.0, deadline - time.monotonic())
        if not task.done.wait(wait):
            with self._cond:
                if task in self._queue:  # still waiting for a batch: drop it unrun
                    self._queue.remove(task)
                    self._queued_rows -= task.rows
            raise timed_out("batched model run")
        if task.error is not None:
            raise task.error
        return task.result

    def close(self):
        """Stops the batch threads once the queued requests are answered."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(timeout=10)

    # ------------------------------------------------------------------ internals

    def _start_threads(self):
        while len(self._threads) < self.options.num_batch_threads:
            thread = threading.Thread(
                target=self._work, name=f"{self.name}-batch-{len(self._threads)}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def _ready_rows(self):
        key, total = self._queue[0].key, 0
        for task in self._queue:
            if task.key == key:
                total += task.rows
        return total

    def _take(self):
        """Pops the oldest task and the queued tasks that fit with it (expired ones are dropped)."""
        now = time.monotonic()
        for task in [t for t in self._queue if t.deadline is not None and t.deadline <= now]:
            self._queue.remove(task)
            self._queued_rows -= task.rows
            task.error = timed_out("batched model run")
            task.done.set()
        if not self._queue:
            return []
        first = self._queue[0]
        batch, rest, total = [], collections.deque(), 0
        for task in self._queue:
            if task.key == first.key and total + task.rows <= self.options.max_batch_size:
                batch.append(task)
                total += task.rows
            else:
                rest.append(task)
        self._queue = rest
        self._queued_rows -= total
        return batch

    def _work(self):
        timeout = self.options.batch_timeout_micros / 1e6
        while True:
            # One thread at a time gathers a batch, so idle threads do not split the
            # queue into many small batches.
            with self._forming, self._cond:
                while not self._queue and not self._closed:
                    self._cond.wait()
                if not self._queue:
                    return
                deadline = self._queue[0].arrived + timeout
                while (
                    not self._closed
                    and self._queue  # a caller past its deadline may have left
                    and self._ready_rows() < self.options.max_batch_size
                    and (left := deadline - time.monotonic()) > 0
                ):
                    self._cond.wait(left)
                batch = self._take()
            if batch:
                self._execute(batch)

    def _padded_size(self, rows):
        for size in self.options.allowed_batch_sizes:
            if size >= rows:
                return size
        return rows

    def _execute(self, batch):
        total = sum(task.rows for task in batch)
        try:
            if len(batch) == 1 and not self.options.allowed_batch_sizes:
                batch[0].result = self._run(batch[0].inputs)
            else:
                self._execute_merged(batch, total)
        except ServingError as error:
            if len(batch) == 1:
                batch[0].error = error
            else:
                self._execute_each(batch)
        except Exception as error:  # noqa: BLE001  handed to the waiting caller
            for task in batch:
                task.error = error
        self.batches_run += 1
        self.rows_run += total
        for task in batch:
            task.done.set()

    def _execute_merged(self, batch, total):
        size = self._padded_size(total)
        merged = {}
        for name in batch[0].inputs:
            parts = [task.inputs[name] for task in batch]
            if size > total:  # pad with copies of the first row, as TF Serving does
                first = parts[0][:1]
                parts.append(np.repeat(first, size - total, axis=0))
            merged[name] = np.concatenate(parts, axis=0)
        outputs = self._run(merged)
        if any(np.ndim(v) == 0 or np.shape(v)[0] != size for v in outputs.values()):
            # Outputs without a batch dimension cannot be split: answer one by one.
            self._execute_each(batch)
            return
        start = 0
        for task in batch:
            task.result = {k: v[start:start + task.rows] for k, v in outputs.items()}
            start += task.rows

    def _execute_each(self, batch):
        for task in batch:
            try:
                task.result = self._run(task.inputs)
            except Exception as error:  # noqa: BLE001  handed to the waiting caller
                task.error = error
