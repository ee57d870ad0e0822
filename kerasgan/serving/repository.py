"""The set of served model versions, kept in sync with the file system."""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time

from kerasgan.serving import config as config_lib
from kerasgan.serving.errors import ServingError, not_found
from kerasgan.serving.limits import LOAD_RETRY_SECONDS, MAX_LOAD_RETRIES
from kerasgan.serving.servable import Servable

log = logging.getLogger("kerasgan.serving")


@dataclasses.dataclass
class VersionStatus:
    """State of one model version as TF Serving reports it.

    Attributes:
        version: integer version.
        state: ``"LOADING"``, ``"AVAILABLE"`` or ``"END"`` (unloaded or failed).
        error_code: ``"OK"`` or the failure's code (``"UNKNOWN"``).
        error_message: why loading failed, else ``""``.
    """

    version: int
    state: str
    error_code: str = "OK"
    error_message: str = ""
    servable: Servable | None = None
    stamp: tuple = ()
    attempts: int = 0
    failed_at: float = 0.0


def _folder_stamp(path):
    """Changes when anything under a version folder changes, so a failed load is retried.

    Every file and folder counts (name, size, modification time): a half-written
    ``variables/variables.data-*`` completed later must be noticed too.
    """
    stamps = []
    for folder, subfolders, files in os.walk(path):
        subfolders.sort()
        for name in ["", *sorted(files)]:
            full = os.path.join(folder, name)
            try:
                info = os.stat(full)
            except OSError:
                continue
            stamps.append((os.path.relpath(full, path), info.st_size, info.st_mtime_ns))
    return tuple(stamps)


class ModelRepository:
    """Loads the versions a repository's policies select and keeps them up to date.

    Args:
        base: the model repository folder (see :mod:`kerasgan.serving.config`).
        model_config_file: a ``models.config`` (default ``BASE/models.config`` if present).
        poll_seconds: seconds between file-system polls in :meth:`start`'s thread
            (0: load once, never poll).
        batching: :class:`~kerasgan.serving.batching.BatchingOptions` or None.
        limits: :class:`~kerasgan.serving.limits.ServingLimits` for every servable, or None.
        max_load_retries: how often a failed load is retried while its files stay
            the same (TF Serving's ``--max_num_load_retries``, 5); a change to any
            file under the version folder retries it at the next poll anyway.
        load_retry_seconds: seconds between those retries (TF Serving's
            ``--load_retry_interval_micros``: one minute).

    Example:
        >>> repo = ModelRepository("exports", poll_seconds=2).start()
        >>> repo.resolve("digits").run("serving_default", {"z": z})
        >>> repo.stop()
    """

    def __init__(self, base, model_config_file=None, poll_seconds=2.0, batching=None,
                 limits=None, max_load_retries=MAX_LOAD_RETRIES,
                 load_retry_seconds=LOAD_RETRY_SECONDS):
        if max_load_retries < 0 or load_retry_seconds < 0:
            raise ValueError("max_load_retries and load_retry_seconds must be >= 0")
        self.base = base
        self.model_config_file = model_config_file
        self.poll_seconds = float(poll_seconds)
        self.batching, self.limits = batching, limits
        self.max_load_retries, self.load_retry_seconds = int(max_load_retries), load_retry_seconds
        self._models = {}  # name -> {version: VersionStatus}
        self._entries = {}  # name -> ModelEntry
        self._problems = {}  # name -> why its base_path cannot be loaded
        self._lock = threading.RLock()
        self._reload_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None

    # ------------------------------------------------------------- lifecycle

    def start(self):
        """Loads the models once, then polls in a background thread; returns self.

        Raises:
            ValueError: the config file is invalid, or a model's ``base_path``
                does not exist (the message names it).
        """
        self.reload(strict=True)
        if self.poll_seconds > 0 and self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._poll, name="kerasgan-serving-poll",
                                            daemon=True)
            self._thread.start()
        return self

    def stop(self):
        """Stops polling and unloads every version."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        with self._lock:
            servables = [s.servable for versions in self._models.values()
                         for s in versions.values() if s.servable is not None]
            for versions in self._models.values():
                for status in versions.values():
                    if status.state == "AVAILABLE":
                        status.state, status.servable = "END", None
        for servable in servables:
            servable.unload()
            log.info("model %s version %d unloaded", servable.name, servable.version)

    def _poll(self):
        while not self._stop.wait(self.poll_seconds):
            try:
                self.reload()
            except Exception:
                log.exception("model repository poll failed")

    # ---------------------------------------------------------------- syncing

    def reload(self, strict=False):
        """Syncs loaded versions with the config and the file system once.

        New versions the policy selects are loaded (with warmup) before versions
        it no longer selects are unloaded. Load failures become ``END`` states
        with the error, never exceptions.

        A model whose ``base_path`` does not exist is not loadable: logged
        once, reported by :meth:`status` and :meth:`resolve` with the path;
        versions it already serves keep serving.

        Args:
            strict: raise on an invalid config file or a missing ``base_path``
                instead of logging it.
        """
        with self._reload_lock:
            try:
                entries = config_lib.model_entries(self.base, self.model_config_file)
            except (OSError, ValueError) as error:
                if strict:
                    raise
                log.error("keeping the current models: %s", error)
                return
            problems = {}
            for entry in entries:
                problem = config_lib.base_path_problem(entry)
                if problem is not None:
                    problems[entry.name] = problem
            if strict and problems:
                raise ValueError("; ".join(problems.values()))
            for name, problem in problems.items():
                if self._problems.get(name) != problem:  # once per change, not every poll
                    log.error("%s", problem)
            for entry in entries:
                if entry.name not in problems:  # versions loaded before keep serving
                    self._sync_model(entry)
            with self._lock:
                self._problems = problems
                self._entries = {entry.name: entry for entry in entries}
                gone = [name for name in self._models if name not in self._entries]
            for name in gone:
                self._unload(name, list(self._models[name]))

    def _sync_model(self, entry):
        wanted = entry.select(config_lib.list_versions(entry.base_path))
        with self._lock:
            versions = self._models.setdefault(entry.name, {})
        for version in wanted:
            path = os.path.join(entry.base_path, str(version))
            current = versions.get(version)
            if current is not None and current.state == "AVAILABLE":
                continue
            stamp = _folder_stamp(path)
            attempts = 1
            if current is not None and current.error_code != "OK" and current.stamp == stamp:
                # Failed before and unchanged since: retry a few times, as TF Serving does.
                waited = time.monotonic() - current.failed_at
                if current.attempts > self.max_load_retries or waited < self.load_retry_seconds:
                    continue
                attempts = current.attempts + 1
            self._load(entry.name, version, path, stamp, attempts)
        with self._lock:
            any_ready = any(versions[v].state == "AVAILABLE" for v in wanted if v in versions)
            stale = [v for v, s in versions.items() if v not in wanted and s.state == "AVAILABLE"]
        # Availability first: keep old versions until a wanted one serves.
        if any_ready or not wanted:
            self._unload(entry.name, stale)
        for label, version in entry.labels.items():
            if version not in versions or versions[version].state != "AVAILABLE":
                log.warning("model %s: label %r points to version %d, which is not available",
                            entry.name, label, version)

    def _load(self, name, version, path, stamp, attempts=1):
        status = VersionStatus(version, "LOADING", stamp=stamp, attempts=attempts)
        with self._lock:
            self._models[name][version] = status
        servable = Servable(name, version, path, batching=self.batching, limits=self.limits)
        log.info("model %s version %d: loading %s", name, version, path)
        started = time.monotonic()
        try:
            servable.load()
        except Exception as error:  # noqa: BLE001  a bad version must not stop the server
            detail = " ".join(str(error).split()) or type(error).__name__
            log.error("model %s version %d failed to load (attempt %d of %d): %s", name,
                      version, attempts, self.max_load_retries + 1, detail)
            with self._lock:
                status.state, status.error_code = "END", "UNKNOWN"
                status.error_message = f"Failed to load {path}: {detail}"
                status.failed_at = time.monotonic()
            return
        with self._lock:
            status.state, status.servable = "AVAILABLE", servable
        log.info("model %s version %d is available (loaded in %.1f s)", name, version,
                 time.monotonic() - started)

    def _unload(self, name, versions):
        for version in versions:
            with self._lock:
                status = self._models.get(name, {}).get(version)
                if status is None or status.servable is None:
                    continue
                servable, status.servable = status.servable, None
                status.state = "END"
            servable.unload()
            log.info("model %s version %d unloaded", name, version)

    # ---------------------------------------------------------------- queries

    @property
    def model_names(self):
        """Names of the configured models, sorted."""
        with self._lock:
            return sorted(self._entries)

    def labels(self, name):
        """Version labels of model ``name`` (label -> version)."""
        with self._lock:
            entry = self._entries.get(name)
            return dict(entry.labels) if entry else {}

    def resolve(self, name, version=None, label=None):
        """The servable answering a request for ``name`` [``version`` | ``label``].

        Without version or label this is the highest available version.

        Raises:
            ServingError: 404 when the model, version or label is unknown or not loaded.
        """
        with self._lock:
            versions = self._models.get(name, {})
            if label is not None:
                labels = self.labels(name)
                if label not in labels:
                    raise not_found(f"Unrecognized servable version label: {label}")
                version = labels[label]
            if version is None:
                ready = [v for v, s in versions.items() if s.state == "AVAILABLE"]
                if not ready:
                    raise not_found(f"Servable not found for request: Latest({name})"
                                    + self._problem_suffix(name))
                return versions[max(ready)].servable
            status = versions.get(int(version))
            if status is None or status.state != "AVAILABLE":
                raise not_found(f"Servable not found for request: Specific({name}, {version})")
            return status.servable

    def status(self, name, version=None, label=None):
        """:class:`VersionStatus` list of model ``name`` (one version if given), newest first.

        Raises:
            ServingError: 404 for an unknown model, version or label.
        """
        with self._lock:
            versions = self._models.get(name)
            if not versions:
                raise not_found(f"Could not find any versions of model {name}"
                                + self._problem_suffix(name))
            if label is not None:
                labels = self.labels(name)
                if label not in labels:
                    raise not_found(f"Unrecognized servable version label: {label}")
                version = labels[label]
            if version is not None:
                if int(version) not in versions:
                    raise not_found(f"Could not find version {version} of model {name}")
                return [dataclasses.replace(versions[int(version)])]
            return [dataclasses.replace(versions[v]) for v in sorted(versions, reverse=True)]

    def problems(self):
        """``{model name: why it cannot be loaded}`` for models whose ``base_path`` is missing."""
        with self._lock:
            return dict(self._problems)

    def _problem_suffix(self, name):
        problem = self._problems.get(name)
        return f": {problem}" if problem else ""

    def servables(self):
        """Every available servable (for monitoring and tests)."""
        with self._lock:
            return [s.servable for versions in self._models.values()
                    for s in versions.values() if s.state == "AVAILABLE"]


__all__ = ["ModelRepository", "ServingError", "VersionStatus"]
