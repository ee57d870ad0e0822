"""TF Serving's REST JSON encoding of tensors (row "instances" and columnar "inputs").

Binary strings travel as ``{"b64": "..."}``: accepted for any string input, and
produced for outputs whose name ends with ``_bytes`` (TF Serving's convention).
"""

from __future__ import annotations

import base64
import binascii
import json

import numpy as np

from kerasgan.serving.errors import ServingError, invalid

BYTES_SUFFIX = "_bytes"
#: Deepest JSON nesting a request may use: a tensor of numpy's most dimensions (64)
#: inside {"inputs": {"name": ...}} or {"instances": [{"name": ...}]}.
MAX_DEPTH = 68
#: Values per chunk when a response is written out (bounds the Python objects alive at once).
CHUNK_VALUES = 1 << 16


def _json_type(value):
    if isinstance(value, bool):
        return "Bool"
    if isinstance(value, (int, float)):
        return "Number"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "Array"
    if value is None:
        return "Null"
    return "Object"


def _is_b64(value):
    return isinstance(value, dict) and len(value) == 1 and "b64" in value


def _decode_strings(value):
    """Nested lists of str / {"b64"} -> nested lists of bytes."""
    if isinstance(value, list):
        return [_decode_strings(v) for v in value]
    if _is_b64(value):
        try:
            return base64.b64decode(value["b64"], validate=True)
        except (binascii.Error, TypeError, ValueError):
            raise invalid(f"Unable to base64 decode: {value['b64']!r}") from None
    if isinstance(value, str):
        return value.encode("utf-8")
    raise invalid(f"JSON Value: {value!r} Type: {_json_type(value)} is not of expected type: string")


_NO_BAD_LEAF = object()


def _first_bad_leaf(value, accept):
    """The first leaf ``accept`` refuses (``null`` included), else ``_NO_BAD_LEAF``."""
    if isinstance(value, list):
        for item in value:
            bad = _first_bad_leaf(item, accept)
            if bad is not _NO_BAD_LEAF:
                return bad
        return _NO_BAD_LEAF
    return _NO_BAD_LEAF if accept(value) else value


def check_depth(value, limit=MAX_DEPTH):
    """400 when JSON ``value`` nests lists and objects deeper than ``limit`` (checked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise invalid(f"JSON nested deeper than {limit} levels; a tensor has at most "
                          f"{MAX_DEPTH - 4} dimensions")
        if isinstance(item, list):
            stack.extend((child, depth + 1) for child in item if isinstance(child, (list, dict)))
        elif isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values()
                         if isinstance(child, (list, dict)))


def _shape_of(value):
    shape = []
    while isinstance(value, list):
        shape.append(len(value))
        if not value:
            break
        value = value[0]
    return shape


def to_array(value, dtype):
    """Converts one JSON value (nested lists) to a numpy array of tensor dtype ``dtype``.

    Args:
        value: a JSON scalar or nested lists.
        dtype: a ``tf.DType``.

    Returns:
        numpy array (object array of bytes for strings).

    Raises:
        ServingError: 400 for values of the wrong JSON type or ragged lists.
    """
    name = dtype.name
    if name == "string":
        decoded = _decode_strings(value)
        array = np.empty(_shape_of(decoded), dtype=object) if _shape_of(decoded) else None
        try:
            if array is None:
                return np.array(decoded, dtype=object)
            array[...] = decoded
            return array
        except ValueError:
            raise invalid(f"Expecting shape {_shape_of(decoded)} but got a ragged list") from None
    if name == "bool":
        accept = lambda v: isinstance(v, bool)
    elif dtype.is_integer:
        accept = lambda v: isinstance(v, int) and not isinstance(v, bool)
    else:
        accept = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
    bad = _first_bad_leaf(value, accept)
    if bad is not _NO_BAD_LEAF:
        shown = f'"{bad}"' if isinstance(bad, str) else repr(bad)
        raise invalid(
            f"JSON Value: {shown} Type: {_json_type(bad)} is not of expected type: {name}"
        )
    try:
        array = np.asarray(value, dtype=dtype.as_numpy_dtype)
    except (ValueError, TypeError):
        raise invalid(f"Expecting shape {_shape_of(value)} but got a ragged list") from None
    except OverflowError:
        raise invalid(f"a value does not fit in {name}") from None
    return array


def parse_predict_request(body, specs):
    """Turns a predict request body into named numpy inputs.

    Args:
        body: the decoded JSON object (``{"signature_name"?, "instances"|"inputs": ...}``).
        specs: input name -> ``tf.TensorSpec`` of the chosen signature.

    Returns:
        ``(inputs, row_format)``: dict of numpy arrays and whether "instances" was used.

    Raises:
        ServingError: 400 for every malformed request.
    """
    check_depth(body)
    if "instances" in body and "inputs" in body:
        raise invalid("Not formatted correctly expecting only one of 'inputs' or 'instances' "
                      "keys to exist")
    if "instances" in body:
        return _from_instances(body["instances"], specs), True
    if "inputs" in body:
        return _from_inputs(body["inputs"], specs), False
    raise invalid("Missing 'inputs' or 'instances' key")


def _from_instances(instances, specs):
    if not isinstance(instances, list):
        raise invalid("Excepting 'instances' to be an list/array")
    if not instances:
        raise invalid("No values in 'instances' array")
    names = sorted(specs)
    objects = isinstance(instances[0], dict) and not _is_b64(instances[0])
    if not objects and len(names) > 1:
        raise invalid("instances is a plain list, but expecting list of objects as multiple "
                      "input tensors required as per tensorinfo_map")
    columns = {name: [] for name in names}
    for index, item in enumerate(instances):
        is_object = isinstance(item, dict) and not _is_b64(item)
        if objects != is_object:
            kind = "object but got list" if objects else "value/list but got object"
            raise invalid(f"Expecting {kind} at item {index} of input list")
        if objects:
            if set(item) != set(names):
                raise invalid(
                    f"Failed to process element: {index} of 'instances' list. JSON object: "
                    f"{sorted(item)} keys must be equal to: {','.join(names)}"
                )
            for name in names:
                columns[name].append(item[name])
        else:
            columns[names[0]].append(item)
    inputs = {}
    for name, values in columns.items():
        shapes = [_shape_of(v) for v in values]
        for index, shape in enumerate(shapes):
            if shape != shapes[0]:
                raise invalid(
                    f"Failed to process element: {index} of 'instances' list. Error: "
                    f"Invalid argument: Expecting shape {shapes[0]} but got: {shape}"
                )
        try:
            inputs[name] = to_array(values, specs[name].dtype)
        except ServingError as error:  # prefix the TF Serving context
            message = getattr(error, "message", str(error))
            raise invalid(f"Failed to process 'instances' for input {name}. Error: "
                          f"Invalid argument: {message}") from None
    return inputs


def _from_inputs(value, specs):
    names = sorted(specs)
    if not isinstance(value, dict) or _is_b64(value):
        if len(names) > 1:
            raise invalid("inputs is a plain value/list, but expecting an object as multiple "
                          "input tensors required as per tensorinfo_map")
        return {names[0]: to_array(value, specs[names[0]].dtype)}
    for name in names:
        if name not in value:
            raise invalid(f"Missing named input: {name} in 'inputs' object.")
    extra = sorted(set(value) - set(names))
    if extra:
        raise invalid(f"Unknown named input: {extra[0]} in 'inputs' object "
                      f"(the signature takes {','.join(names)}).")
    return {name: to_array(value[name], specs[name].dtype) for name in names}


def _to_json(array, name):
    array = np.asarray(array)
    if array.dtype.kind in "OSU":
        if name.endswith(BYTES_SUFFIX):
            encode = lambda b: {"b64": base64.b64encode(b).decode("ascii")}
        else:
            encode = lambda b: b.decode("utf-8", "replace") if isinstance(b, bytes) else str(b)
        return np.vectorize(encode, otypes=[object])(array).tolist() if array.size else array.tolist()
    return array.tolist()


def _dumps(value):
    # allow_nan: TF Serving writes NaN / Infinity for non-finite floats too.
    return json.dumps(value, separators=(",", ":"), allow_nan=True)


def _blocks(count, values_per_row):
    """``(start, stop)`` row ranges of about :data:`CHUNK_VALUES` values each."""
    step = max(1, CHUNK_VALUES // max(1, values_per_row))
    return [(start, min(start + step, count)) for start in range(0, count, step)]


def _array_text(array, name, parts):
    """Appends the JSON text of ``array`` to ``parts``, a block of rows at a time."""
    if array.ndim == 0:
        parts.append(_dumps(_to_json(array, name)))
        return
    parts.append("[")
    row_size = int(np.prod(array.shape[1:], dtype=np.int64))
    for start, stop in _blocks(len(array), row_size):
        parts.append(("," if start else "") + _dumps(_to_json(array[start:stop], name))[1:-1])
    parts.append("]")


def _rows_text(arrays, names, batch, parts):
    """Appends row format's list of per-row objects, a block of rows at a time."""
    parts.append("[")
    row_size = sum(int(np.prod(arrays[n].shape[1:], dtype=np.int64)) for n in names)
    for start, stop in _blocks(batch, row_size):
        columns = {name: _to_json(arrays[name][start:stop], name) for name in names}
        rows = [{name: columns[name][i] for name in names} for i in range(stop - start)]
        parts.append(("," if start else "") + _dumps(rows)[1:-1])
    parts.append("]")


def _chunked(parts, size=1 << 20):
    """Joins text ``parts`` into bytes chunks of about ``size`` (few writes, no second full copy)."""
    chunks, pending, length = [], [], 0
    for part in parts:
        pending.append(part)
        length += len(part)
        if length >= size:
            chunks.append("".join(pending).encode("utf-8"))
            pending, length = [], 0
    if pending:
        chunks.append("".join(pending).encode("utf-8"))
    return chunks


def encode_predict_response(outputs, row_format):
    """The JSON text answering a predict request, as a list of bytes chunks.

    Row format gives ``{"predictions": [...]}`` (one entry per instance, an object
    when there are several outputs); columnar gives ``{"outputs": ...}`` (a dict
    when there are several outputs, else the bare value). Arrays are written a
    block of rows at a time, so the Python objects alive at once stay small
    whatever the response size.

    Raises:
        ServingError: 400 when row format meets outputs of different batch sizes.
    """
    names = sorted(outputs)
    arrays = {name: np.asarray(outputs[name]) for name in names}
    parts = []
    if not row_format:
        if len(names) == 1:
            parts.append('{"outputs":')
            _array_text(arrays[names[0]], names[0], parts)
            parts.append("}")
        else:
            parts.append('{"outputs":{')
            for index, name in enumerate(names):
                parts.append(("," if index else "") + _dumps(name) + ":")
                _array_text(arrays[name], name, parts)
            parts.append("}}")
        return _chunked(parts)
    sizes = {name: (np.shape(arrays[name]) or (None,))[0] for name in names}
    batch = sizes[names[0]]
    for name, size in sizes.items():
        if size is None or size != batch:
            raise invalid(f"Tensor name: {name} has inconsistent batch size: {size} expecting: "
                          f"{batch}; use the columnar 'inputs' format for this signature.")
    parts.append('{"predictions":')
    if len(names) == 1:
        _array_text(arrays[names[0]], names[0], parts)
    else:
        _rows_text(arrays, names, batch, parts)
    parts.append("}")
    return _chunked(parts)
