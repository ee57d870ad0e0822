"""Which models and versions to serve: ``models.config`` files, folder discovery, policies.

A model repository is a folder laid out like TF Serving expects::

    BASE/models.config                 # optional ModelServerConfig (text proto)
    BASE/batching_parameters.txt       # optional BatchingParameters (text proto)
    BASE/NAME/VERSION/saved_model.pb   # integer VERSION folders; ".tmp-*" are ignored

Without a ``models.config`` every sub-folder of ``BASE`` holding integer version
folders is a model served with the "latest" policy, and ``BASE`` itself may be one
model's folder (``BASE/VERSION/...``; the model is then named after ``BASE``),
like TF Serving's ``--model_base_path``.

A ``base_path`` that does not exist is reported as such (the model cannot be
loaded), never replaced by another folder. The one mapping is explicit: a file
rewritten for a container by :func:`write_models_config` starts with the line
``# kerasgan: container_base=/models``, and its paths under ``/models`` are read
relative to the file's folder when ``kerasgan serve`` runs outside the container.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import posixpath
import re

from kerasgan.files import atomic_write_text

log = logging.getLogger("kerasgan.serving")

CONFIG_NAME = "models.config"
BATCHING_NAME = "batching_parameters.txt"
#: First line of a ``models.config`` rewritten for a container (a text-proto comment).
CONTAINER_COMMENT = "# kerasgan: container_base={}"
_CONTAINER_LINE = re.compile(r"^#\s*kerasgan:\s*container_base=(\S+)\s*$", re.MULTILINE)


@dataclasses.dataclass
class ModelEntry:
    """One served model: where its versions live and which of them to serve.

    Attributes:
        name: model name used in URLs and gRPC ``model_spec.name``.
        base_path: folder holding the integer version folders.
        policy: ``"latest"``, ``"all"`` or ``"specific"``.
        num_versions: how many of the newest versions ``"latest"`` serves.
        versions: the versions ``"specific"`` serves.
        labels: version label -> version (e.g. ``{"stable": 1, "canary": 2}``).
        config_file: the ``models.config`` the entry comes from (``""`` when
            discovered from the folder layout).
    """

    name: str
    base_path: str
    policy: str = "latest"
    num_versions: int = 1
    versions: tuple = ()
    labels: dict = dataclasses.field(default_factory=dict)
    config_file: str = ""

    def select(self, available):
        """The versions of ``available`` (integers) this entry's policy serves, ascending."""
        available = sorted(set(available))
        if self.policy == "all":
            return available
        if self.policy == "specific":
            return [v for v in available if v in set(self.versions)]
        return available[-max(1, self.num_versions):] if available else []


def list_versions(base_path):
    """Integer version folders of ``base_path`` (ascending); hidden/temporary ones are skipped."""
    try:
        names = os.listdir(base_path)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return sorted(
        int(name)
        for name in names
        if name.isdigit() and os.path.isdir(os.path.join(base_path, name))
    )


def discover_models(base):
    """Models found by folder layout alone (no ``models.config``), "latest" policy.

    Args:
        base: a repository folder (``BASE/NAME/VERSION``) or one model's folder
            (``BASE/VERSION``).

    Returns:
        A list of :class:`ModelEntry`, sorted by name.
    """
    base = os.path.abspath(base)
    if list_versions(base):
        return [ModelEntry(os.path.basename(base.rstrip(os.sep)), base)]
    entries = []
    for name in sorted(os.listdir(base)) if os.path.isdir(base) else []:
        path = os.path.join(base, name)
        if not name.startswith(".") and os.path.isdir(path) and list_versions(path):
            entries.append(ModelEntry(name, path))
    return entries


def parse_server_config(path):
    """Reads a text-format ``ModelServerConfig`` (TF Serving's ``--model_config_file``).

    Args:
        path: the ``models.config`` file.

    Returns:
        The ``model_server_config_pb2.ModelServerConfig`` message.

    Raises:
        ValueError: not text-format ``ModelServerConfig``, or a
            ``custom_model_config`` (only ``model_config_list`` is supported).
    """
    from google.protobuf import text_format
    from tensorflow_serving.config import model_server_config_pb2

    with open(path, encoding="utf-8") as f:
        text = f.read()
    config = model_server_config_pb2.ModelServerConfig()
    try:
        text_format.Parse(text, config)
    except text_format.ParseError as error:
        raise ValueError(
            f"{path}: not a text-format ModelServerConfig ({error}); expected "
            "'model_config_list { config { name: ... base_path: ... } }'."
        ) from None
    if config.WhichOneof("config") == "custom_model_config":
        raise ValueError(f"{path}: custom_model_config is not supported; use model_config_list.")
    return config


def container_base_of(path):
    """The ``container_base`` a ``models.config`` declares in its first comment lines, or ``None``."""
    try:
        with open(path, encoding="utf-8") as handle:
            head = handle.read(4096)
    except OSError:
        return None
    match = _CONTAINER_LINE.search(head)
    return match.group(1).rstrip("/") or "/" if match else None


def _local_base_path(base_path, config_dir, container_base=None):
    """Resolves ``base_path`` on this machine; a missing folder is returned as it is.

    Relative paths are relative to the config file's folder. An absolute path
    under the file's declared ``container_base`` that does not exist here is the
    same path relative to the config file's folder (the file was rewritten by
    :func:`write_models_config` for a container that mounts that folder). Any
    other path is kept, existing or not: :func:`base_path_problem` reports it.
    """
    if not os.path.isabs(base_path):
        return os.path.normpath(os.path.join(config_dir, base_path))
    if os.path.isdir(base_path) or container_base is None:
        return base_path
    inside = posixpath.normpath(base_path)
    root = posixpath.normpath(container_base)
    if inside != root and not inside.startswith(root.rstrip("/") + "/"):
        return base_path
    parts = [p for p in posixpath.relpath(inside, root).split("/") if p not in ("", ".")]
    return os.path.normpath(os.path.join(config_dir, *parts))


def base_path_problem(entry):
    """Why a model's versions cannot be loaded from its ``base_path``, or ``None``.

    TF Serving fails a model whose base path does not exist; so does
    ``kerasgan serve``, naming the path and the config file to fix.

    Args:
        entry: a :class:`ModelEntry`.

    Returns:
        A one-line message, or ``None`` when ``entry.base_path`` is a folder.
    """
    if os.path.isdir(entry.base_path):
        return None
    what = "is not a folder" if os.path.exists(entry.base_path) else "does not exist"
    where = f" in {entry.config_file}" if entry.config_file else ""
    return (
        f"model {entry.name!r} cannot be loaded: its base_path {entry.base_path} {what}; "
        f"fix base_path{where} (a relative path is read from the config file's folder) "
        "or export the model there"
    )


def read_model_config(path):
    """Reads a text-format ``ModelServerConfig`` file into :class:`ModelEntry` objects.

    Args:
        path: the ``models.config`` file.

    Returns:
        A list of :class:`ModelEntry` in file order.

    Raises:
        ValueError: the file is not a valid config (bad syntax, duplicate names,
            unsupported platform, ...). A ``base_path`` that does not exist is
            not an error here: :func:`base_path_problem` reports it per model.
    """
    config = parse_server_config(path)
    config_dir = os.path.dirname(os.path.abspath(path))
    container_base = container_base_of(path)
    entries, seen = [], set()
    for model in config.model_config_list.config:
        if not model.name or not model.base_path:
            raise ValueError(f"{path}: every config needs a name and a base_path.")
        if model.name in seen:
            raise ValueError(f"{path}: model name {model.name!r} appears twice.")
        seen.add(model.name)
        if model.model_platform not in ("", "tensorflow"):
            raise ValueError(
                f"{path}: model {model.name!r} has model_platform {model.model_platform!r}; "
                "only 'tensorflow' SavedModels are served."
            )
        entry = ModelEntry(model.name, _local_base_path(model.base_path, config_dir, container_base),
                           config_file=os.path.abspath(path))
        policy = model.model_version_policy
        which = policy.WhichOneof("policy_choice")
        if which == "all":
            entry.policy = "all"
        elif which == "specific":
            entry.policy = "specific"
            entry.versions = tuple(int(v) for v in policy.specific.versions)
        elif which == "latest":
            entry.num_versions = int(policy.latest.num_versions) or 1
        entry.labels = {str(k): int(v) for k, v in model.version_labels.items()}
        entries.append(entry)
    return entries


def config_file_for(base, model_config_file=None):
    """The config file in use: ``model_config_file``, else ``BASE/models.config`` if present."""
    if model_config_file:
        return model_config_file
    candidate = os.path.join(base, CONFIG_NAME)
    return candidate if os.path.isfile(candidate) else None


def model_entries(base, model_config_file=None):
    """The models of a repository: from its config file if there is one, else discovered."""
    path = config_file_for(base, model_config_file)
    return read_model_config(path) if path else discover_models(base)


def write_models_config(base, container_base="/models", output=None):
    """Writes a ``models.config`` whose base paths are valid inside a container.

    Exports write host paths into ``BASE/models.config``; TF Serving in Docker sees
    ``BASE`` mounted at ``container_base``, so each ``base_path`` must be rewritten
    to ``container_base/<path relative to BASE>``. Everything else (policies,
    labels) is kept. Without a config file the models are discovered from the
    folder layout (latest policy). The file starts with
    ``# kerasgan: container_base=PATH``, so ``kerasgan serve`` still reads it on
    the host: paths under ``container_base`` are read relative to its folder.

    Args:
        base: the export folder (mounted at ``container_base``).
        container_base: where the container sees ``base`` (``/models``).
        output: file to write (default ``BASE/models.config``, replaced atomically).

    Returns:
        The path written.

    Example:
        >>> write_models_config("exports")      # then: docker compose up (serving/)
        'exports/models.config'
    """
    from google.protobuf import text_format
    from tensorflow_serving.config import model_server_config_pb2

    if not os.path.isdir(base):
        raise FileNotFoundError(f"export folder {base!r} not found.")
    base_abs = os.path.abspath(base)
    source = config_file_for(base)
    source_container = None
    if source:
        config = parse_server_config(source)
        config_dir = os.path.dirname(os.path.abspath(source))
        source_container = container_base_of(source)
        models = list(config.model_config_list.config)
    else:
        config = model_server_config_pb2.ModelServerConfig()
        for entry in discover_models(base):
            model = config.model_config_list.config.add()
            model.name, model.base_path = entry.name, entry.base_path
            model.model_platform = "tensorflow"
        config_dir, models = base_abs, list(config.model_config_list.config)
    if not models:
        raise ValueError(
            f"no models in {base!r} (expected {base}/NAME/VERSION/saved_model.pb); export one first."
        )
    for model in models:
        local = os.path.abspath(_local_base_path(model.base_path, config_dir, source_container))
        relative = os.path.relpath(local, base_abs)
        if relative.startswith(os.pardir):
            raise ValueError(
                f"model {model.name!r} lives outside {base!r} ({local}); a container "
                f"mounting {base!r} at {container_base} cannot see it."
            )
        parts = [] if relative == os.curdir else relative.split(os.sep)
        model.base_path = posixpath.join(container_base, *parts)
    output = output or os.path.join(base, CONFIG_NAME)
    header = CONTAINER_COMMENT.format(posixpath.normpath(container_base))
    atomic_write_text(output, header + "\n" + text_format.MessageToString(config))
    return output
