"""Generators to versioned TF Serving SavedModels: ``BASE/NAME/VERSION/``.

Built with ``keras.export.ExportArchive`` from the functions of
:mod:`kerasgan.export.signatures`; then reloaded with
``tf.saved_model.load`` and checked against the Keras generator before the
version folder appears (it is written under ``BASE/NAME/.tmp-*``, which TF
Serving ignores, and renamed into place at the end).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import shutil
import tempfile

import numpy as np

from kerasgan.export.generators import (
    ExportError,
    describe_generator,
    float32_network,
    latents_for_seeds,
    load_model,
)
from kerasgan.export.paths import (
    MAX_NAME_LENGTH,
    check_model_name,
    check_path_length,
    remove_if_empty,
    write_error,
)
from kerasgan.export.serving_files import (
    update_models_config,
    write_batching_parameters,
    write_warmup_requests,
)
from kerasgan.export.signatures import run_encoder, run_generator, serving_endpoints
from kerasgan.files import make_readable

__all__ = [
    "MAX_NAME_LENGTH",
    "SAVEDMODEL_STEPS",
    "SavedModelExport",
    "check_model_name",
    "describe_savedmodel",
    "export_savedmodel",
    "tolerance_for",
]

#: Batch sizes of the warmup requests written for each signature.
WARMUP_BATCH_SIZES = (1, 2, 4)
#: Batch size of the validation inputs.
VALIDATION_BATCH = 3
WARMUP_FILE = "tf_serving_warmup_requests"
METADATA_FILE = "kerasgan_export.json"


@dataclasses.dataclass
class SavedModelExport:
    """Result of :func:`export_savedmodel`.

    Attributes:
        path: the version folder ``BASE/NAME/VERSION`` (absolute).
        base: the model base folder ``BASE`` (absolute).
        name: the model name.
        version: the integer version.
        signatures: ``{signature: {"inputs": {name: (dtype, shape)}, "outputs": {...}}}``
            as read back from the SavedModel (see :func:`describe_savedmodel`).
        validation: ``{signature: max abs difference}`` against the Keras
            generator (empty when ``validate=False``); for ``translate_bytes``
            the difference of decoded pixels in [0, 1].
    """

    path: str
    base: str
    name: str
    version: int
    signatures: dict
    validation: dict


def tolerance_for(compute_dtype):
    """Validation tolerance and its reason for a generator computing in ``compute_dtype``.

    A float32 generator must be reproduced to 1e-5. A mixed-precision one is
    exported as a float32 copy with the same weights, so the export differs
    from the trained generator by that generator's own float16 / bfloat16
    rounding (about 1e-3 relative per layer, ~8 bits less for bfloat16).
    """
    if compute_dtype == "float16":
        return 2e-2, "the generator computes in float16; the export runs a float32 copy of it"
    if compute_dtype == "bfloat16":
        return 1e-1, "the generator computes in bfloat16; the export runs a float32 copy of it"
    return 1e-5, "float32 generator"


def describe_savedmodel(path):
    """The serving signatures of a SavedModel, as ``saved_model_cli show --dir P --all`` lists them.

    Reads ``saved_model.pb`` (the ``serve`` meta graph) without loading the model.

    Args:
        path: a SavedModel folder.

    Returns:
        ``{signature: {"inputs": {name: (dtype, shape)}, "outputs": {...},
        "method_name": str}}`` with dtype names such as ``"float32"`` and
        shapes as tuples (``None`` for a dynamic dimension). Internal
        signatures (``__saved_model_init_op``) are left out.

    Raises:
        ExportError: no ``saved_model.pb`` or no ``serve`` meta graph.
    """
    import tensorflow as tf
    from tensorflow.core.protobuf import saved_model_pb2

    pb = os.path.join(path, "saved_model.pb")
    if not os.path.isfile(pb):
        raise ExportError(f"{path} is not a SavedModel folder (no saved_model.pb).")
    proto = saved_model_pb2.SavedModel()
    with open(pb, "rb") as handle:
        proto.ParseFromString(handle.read())
    graphs = [g for g in proto.meta_graphs if "serve" in g.meta_info_def.tags]
    if not graphs:
        raise ExportError(f"{path} has no meta graph tagged 'serve'.")

    def tensors(mapping):
        out = {}
        for key in sorted(mapping):
            info = mapping[key]
            shape = (
                None
                if info.tensor_shape.unknown_rank
                else tuple(None if dim.size < 0 else int(dim.size) for dim in info.tensor_shape.dim)
            )
            out[key] = (tf.dtypes.as_dtype(info.dtype).name, shape)
        return out

    return {
        name: {
            "inputs": tensors(sig.inputs),
            "outputs": tensors(sig.outputs),
            "method_name": sig.method_name,
        }
        for name, sig in sorted(graphs[0].signature_def.items())
        if not name.startswith("__")
    }


def _next_version(model_dir):
    versions = (
        [int(entry) for entry in os.listdir(model_dir) if entry.isdigit()] if os.path.isdir(model_dir) else []
    )
    return max(versions, default=0) + 1


def _resolve_version(model_dir, version):
    if version is None:
        return _next_version(model_dir)
    if isinstance(version, bool) or not isinstance(version, (int, np.integer)) or version <= 0:
        raise ExportError(
            f"version must be a positive integer (TF Serving loads integer folders), got {version!r}."
        )
    version = int(version)
    folder = os.path.join(model_dir, str(version))
    if os.path.exists(folder):
        raise ExportError(
            f"{folder} already exists and versions are never overwritten; pass a new --version "
            f"(e.g. {_next_version(model_dir)}) or omit it to use the next one."
        )
    return version


def example_inputs(info, specs, batch, seed=0):
    """Deterministic inputs for an endpoint (validation and warmup), as numpy arrays."""
    import tensorflow as tf

    rng = np.random.default_rng(seed)
    inputs = {}
    for spec in specs:
        name = spec.name
        if name == "z":
            inputs[name] = rng.standard_normal((batch, info.latent_dim)).astype("float32")
        elif name in ("label", "category"):
            inputs[name] = (np.arange(batch) % info.num_classes).astype("int32")
        elif name == "seed":
            inputs[name] = (np.arange(batch) * 7919 + seed).astype("int64")
        elif name == "image":
            inputs[name] = rng.uniform(0, 1, (batch, *info.input_shape)).astype("float32")
        elif name == "image_bytes":
            pixels = rng.integers(0, 256, (batch, *info.input_shape), dtype="uint8")
            inputs[name] = np.array([tf.io.encode_png(p).numpy() for p in pixels], dtype=object)
        else:  # pragma: no cover - every input name is listed above
            raise AssertionError(name)
    return inputs


def _decode_png_batch(data):
    import tensorflow as tf

    return np.stack([tf.io.decode_png(item).numpy() for item in data]).astype("float32") / 255.0


def _expected(info, endpoint_name, inputs, others=None):
    """Outputs of the Keras generator itself for an endpoint's inputs (numpy, [0, 1] images)."""
    label = inputs.get("label")
    others = others or {}
    if endpoint_name == "encode":
        return np.asarray(run_encoder(info, info.encoder, inputs["image"]))
    if endpoint_name in others:
        info, main = others[endpoint_name], inputs["image"] * 2.0 - 1.0
    elif "image" in inputs:
        main = inputs["image"] * 2.0 - 1.0
    elif "image_bytes" in inputs:
        main = _decode_png_batch(inputs["image_bytes"]) * 2.0 - 1.0
    elif "seed" in inputs:
        main = latents_for_seeds(info.model, inputs["seed"], inputs.get("category"))
    else:
        main = inputs["z"]
    raw = np.asarray(run_generator(info, info.network, main, label))
    return (raw + 1.0) / 2.0 if info.is_image else raw


def _validate(path, info, endpoints, others):
    """Runs every signature of the reloaded SavedModel against the Keras generator."""
    import tensorflow as tf

    tolerance, reason = tolerance_for(info.compute_dtype)
    loaded = tf.saved_model.load(path)
    diffs, failures = {}, []
    for endpoint in endpoints:
        inputs = example_inputs(info, endpoint.specs, VALIDATION_BATCH, seed=11)
        outputs = loaded.signatures[endpoint.name](**{k: tf.constant(v) for k, v in inputs.items()})
        expected = _expected(info, endpoint.name, inputs, others)
        if endpoint.name == "translate_bytes":
            got = _decode_png_batch(outputs["images_bytes"].numpy())
            expected = np.round(np.clip(expected, 0.0, 1.0) * 255.0) / 255.0
            allowed = tolerance + 1.0 / 255 + 1e-6  # a value near a rounding boundary may flip a level
        else:
            key = "z" if endpoint.name == "encode" else info.output_key
            got = outputs[key].numpy()
            allowed = tolerance
            if "images_bytes" in outputs:
                pixels = _decode_png_batch(outputs["images_bytes"].numpy())
                if pixels.shape != got.shape or np.abs(pixels - got).max() > 0.5 / 255 + 1e-6:
                    failures.append(f"{endpoint.name}: images_bytes do not decode to images")
        if got.shape != expected.shape:
            failures.append(f"{endpoint.name}: shape {got.shape}, expected {expected.shape}")
            continue
        diffs[endpoint.name] = float(np.abs(got - expected).max())
        if not diffs[endpoint.name] <= allowed:
            failures.append(f"{endpoint.name}: max abs diff {diffs[endpoint.name]:.3g} > {allowed:.3g}")
    if failures:
        raise ExportError(
            f"the SavedModel does not reproduce the Keras generator ({reason}, tolerance {tolerance:g}): "
            + "; ".join(failures)
        )
    return diffs


def _warmup_examples(info, endpoints):
    for endpoint in endpoints:
        for batch in WARMUP_BATCH_SIZES:
            yield endpoint.name, example_inputs(info, endpoint.specs, batch, seed=batch)


#: The steps :func:`export_savedmodel` reports to its ``progress`` (with warmup and validation).
SAVEDMODEL_STEPS = 5


def export_savedmodel(
    model, base, name, version=None, *, warmup=True, validate=True, batching=True, progress=None
):
    """Exports a kerasgan generator as a TF Serving SavedModel ``BASE/NAME/VERSION``.

    Signatures depend on :func:`~kerasgan.export.generator_kind` (see
    ``docs/export.md``): noise families get ``serving_default(z)`` and
    ``generate(seed)`` (PNG bytes too), conditional ones add ``label`` or
    ``category``, translation families get ``serving_default(image)`` and
    ``translate_bytes(image_bytes)`` (a second generator, CycleGAN's, adds ``translate_ba``);
    families with an encoder add ``encode(image) -> z``. All
    are float32 on the wire with a dynamic batch dimension; images are in
    [0, 1]. Also written: ``assets.extra/tf_serving_warmup_requests`` and
    ``assets.extra/kerasgan_export.json`` in the version folder,
    ``BASE/models.config`` (merged) and ``BASE/batching_parameters.txt``.

    Args:
        model: a kerasgan family model, or a path to its ``.keras`` file.
        base: the model base folder (TF Serving's ``--model_config_file`` lives there).
        name: the model name (letters, digits, ``_ . -``; at most
            :data:`MAX_NAME_LENGTH` characters; not all digits).
        version: positive integer, or ``None`` for one more than the highest
            existing version. An existing version is never overwritten.
        warmup: write the warmup requests.
        validate: reload the SavedModel and compare every signature with the
            Keras generator (:func:`tolerance_for`).
        batching: write ``BASE/batching_parameters.txt`` if it is missing.
        progress: called with a short description as each step starts
            (:data:`SAVEDMODEL_STEPS` of them; the CLI prints them).

    Returns:
        :class:`SavedModelExport`.

    Raises:
        ExportError: bad model, name or version; an existing version; a
            validation failure or a write error (nothing is left behind then:
            no ``.tmp-*`` folder, and no ``BASE/NAME`` folder if this export
            created it).

    Example:
        >>> result = export_savedmodel("runs/digits/model.keras", "serving", "digits")
        >>> result.path
        '/abs/serving/digits/1'
    """
    import keras
    import tensorflow as tf

    step = progress or (lambda description: None)
    check_model_name(name)
    base = os.path.abspath(os.fspath(base))
    model_dir = os.path.join(base, name)
    version = _resolve_version(model_dir, version)
    final = os.path.join(model_dir, str(version))
    check_path_length(final)
    step(f"loading {model}" if isinstance(model, (str, os.PathLike)) else "reading the model")
    model, source = load_model(model)
    info = describe_generator(model)

    network = float32_network(info.network)
    # Further generators of the family (a second direction) become translate_DIRECTION.
    extras = [
        (other, float32_network(other.network))
        for other in (
            describe_generator(model, direction=direction)
            for direction, _ in model.serving_generators()[1:]
        )
    ]
    others = {f"translate_{other.direction}": other for other, _ in extras}
    encoder = None if info.encoder is None else float32_network(info.encoder)
    endpoints = serving_endpoints(info, network, extras, encoder)

    # Folders made here (outermost last) are removed again if the export fails.
    created = []
    folder = model_dir
    while not os.path.isdir(folder):
        created.append(folder)
        folder = os.path.dirname(folder)
    try:
        os.makedirs(model_dir, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=".tmp-", dir=model_dir)
    except OSError as error:
        remove_if_empty(created)
        raise write_error(model_dir, error, "--base folder") from error
    try:
        step("tracing the signatures and writing the SavedModel")
        archive = keras.export.ExportArchive()
        archive.track(network)
        tracked = [extra_network for _, extra_network in extras]
        for extra_network in tracked + ([encoder] if encoder is not None else []):
            archive.track(extra_network)
        for endpoint in endpoints:
            archive.add_endpoint(endpoint.name, endpoint.fn, input_signature=endpoint.specs)
        try:
            archive.write_out(tmp, verbose=False)
        except (tf.errors.PermissionDeniedError, tf.errors.ResourceExhaustedError) as error:
            raise ExportError(
                f"cannot write the export under {model_dir}: {error.message.splitlines()[0]}; "
                "free disk space or choose a writable --base folder."
            ) from error
        signatures = describe_savedmodel(tmp)
        extra_dir = os.path.join(tmp, "assets.extra")
        os.makedirs(extra_dir, exist_ok=True)
        if warmup:
            step("writing the warmup requests")
            write_warmup_requests(
                os.path.join(extra_dir, WARMUP_FILE), name, _warmup_examples(info, endpoints)
            )
        metadata = {
            **info.metadata(),
            "source": source,
            "name": name,
            "version": version,
            "exported_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "signatures": {
                sig: {
                    part: {k: [d, list(s) if s else s] for k, (d, s) in spec[part].items()}
                    for part in ("inputs", "outputs")
                }
                for sig, spec in signatures.items()
            },
        }
        with open(os.path.join(extra_dir, METADATA_FILE), "w") as handle:
            json.dump(metadata, handle, indent=2)
        if validate:
            step("checking every signature against the Keras generator")
        validation = _validate(tmp, info, endpoints, others) if validate else {}
        make_readable(tmp)
        os.rename(tmp, final)
    except BaseException as error:
        shutil.rmtree(tmp, ignore_errors=True)
        remove_if_empty(created)
        if isinstance(error, OSError):
            raise write_error(model_dir, error, "--base folder") from error
        raise
    step(f"adding {name} to {os.path.join(base, 'models.config')}")
    try:
        update_models_config(base, name)
        if batching:
            write_batching_parameters(base)
    except OSError as error:
        raise ExportError(
            f"{final} was written, but {error.filename or base} could not be: "
            f"{error.strerror or error}; free disk space or make {base} writable, then export again."
        ) from error
    return SavedModelExport(
        path=final, base=base, name=name, version=version, signatures=signatures, validation=validation
    )
