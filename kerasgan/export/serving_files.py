"""TF Serving side files: ``models.config``, ``batching_parameters.txt``, warmup records.

``models.config`` is a text-format ``ModelServerConfig`` (parsed and written
with ``tensorflow_serving.config.model_server_config_pb2``);
``batching_parameters.txt`` a text-format ``BatchingParameters`` (that proto
is not shipped with tensorflow-serving-api; the file is a few fixed lines,
read back by :func:`kerasgan.serving.read_batching_parameters` as by TF
Serving); the warmup file a TFRecord of ``PredictionLog`` records.
"""

from __future__ import annotations

import os
import posixpath

from kerasgan.files import atomic_write_text
from kerasgan.serving.config import CONTAINER_COMMENT, container_base_of, parse_server_config

__all__ = [
    "BATCHING_PARAMETERS",
    "update_models_config",
    "write_batching_parameters",
    "write_warmup_requests",
]

#: Batching defaults for CPU serving of small generators: batches of up to 32
#: requests, a 2 ms wait to fill one, one batch thread per core.
BATCHING_PARAMETERS = {
    "max_batch_size": 32,
    "batch_timeout_micros": 2000,
    "max_enqueued_batches": 100,
    "num_batch_threads": None,  # os.cpu_count() at write time
    "pad_variable_length_inputs": False,
}


def update_models_config(base, name):
    """Adds or refreshes ``name`` in ``BASE/models.config``, keeping other entries.

    The entry gets ``base_path`` (absolute ``BASE/NAME``) and
    ``model_platform: "tensorflow"``; a version policy or version labels
    already set for this model are kept (default policy: latest, 1 version).
    A file rewritten for a container (``# kerasgan: container_base=PATH``,
    see :func:`kerasgan.serving.write_models_config`) stays one: the entry
    gets ``PATH/NAME`` and the comment is kept.

    Returns:
        the path of the config file.

    Raises:
        ExportError: an existing file that does not parse, or that uses
            ``custom_model_config``.
    """
    from google.protobuf import text_format
    from tensorflow_serving.config import model_server_config_pb2

    from kerasgan.export.generators import ExportError

    path = os.path.join(base, "models.config")
    config = model_server_config_pb2.ModelServerConfig()
    container_base = None
    if os.path.exists(path):
        try:
            config = parse_server_config(path)
        except ValueError as error:
            raise ExportError(f"{error} Fix or remove it; kerasgan only adds to it.") from None
        container_base = container_base_of(path)
    entries = config.model_config_list.config
    entry = next((item for item in entries if item.name == name), None)
    if entry is None:
        entry = entries.add()
        entry.name = name
    if container_base is None:
        entry.base_path = os.path.abspath(os.path.join(base, name))
    else:
        entry.base_path = posixpath.join(container_base, name)
    entry.model_platform = "tensorflow"
    if not entry.HasField("model_version_policy"):
        entry.model_version_policy.latest.num_versions = 1
    header = "" if container_base is None else CONTAINER_COMMENT.format(container_base) + "\n"
    atomic_write_text(path, header + text_format.MessageToString(config))
    return path


def write_batching_parameters(base):
    """Writes ``BASE/batching_parameters.txt`` unless it exists (your edits are kept).

    Returns:
        the path of the file.
    """
    path = os.path.join(base, "batching_parameters.txt")
    if os.path.exists(path):
        return path
    values = {**BATCHING_PARAMETERS, "num_batch_threads": os.cpu_count() or 1}
    lines = [
        "# TF Serving batching, written by kerasgan export; use it with",
        "#   tensorflow_model_server --enable_batching --batching_parameters_file=THIS_FILE",
        "# CPU defaults: raise max_batch_size / batch_timeout_micros for throughput, lower for latency.",
    ]
    for key, value in values.items():
        # Int64Value wrapper fields in text format; the bool is a plain field.
        if isinstance(value, bool):
            lines.append(f"{key}: {str(value).lower()}")
        else:
            lines.append(f"{key} {{ value: {int(value)} }}")
    atomic_write_text(path, "\n".join(lines) + "\n")
    return path


def write_warmup_requests(path, name, examples):
    """Writes a TFRecord of ``PredictionLog`` warmup requests.

    Args:
        path: output file (``VERSION/assets.extra/tf_serving_warmup_requests``).
        name: model name for ``model_spec.name``.
        examples: iterable of ``(signature_name, {input name: numpy array})``.

    Returns:
        number of records written.
    """
    import tensorflow as tf
    from tensorflow_serving.apis import model_pb2, predict_pb2, prediction_log_pb2

    count = 0
    with tf.io.TFRecordWriter(path) as writer:
        for signature, inputs in examples:
            request = predict_pb2.PredictRequest(
                model_spec=model_pb2.ModelSpec(name=name, signature_name=signature)
            )
            for key, value in inputs.items():
                request.inputs[key].CopyFrom(tf.make_tensor_proto(value))
            log = prediction_log_pb2.PredictionLog(predict_log=prediction_log_pb2.PredictLog(request=request))
            writer.write(log.SerializeToString())
            count += 1
    return count
