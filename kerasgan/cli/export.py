"""``kerasgan export``: SavedModel (TF Serving) and ONNX exports of a trained generator.

    kerasgan export savedmodel runs/digits/model.keras --base serving --name digits
    kerasgan export onnx runs/digits/model.keras -o digits.onnx
    kerasgan export onnx runs/cycle/model.keras -o ba.onnx --direction ba
    kerasgan export onnx runs/vaegan/model.keras -o encoder.onnx --encoder

``register`` imports nothing heavy; TensorFlow loads inside the handlers.
Each step of an export is reported on stderr as it starts.
"""

from __future__ import annotations

from kerasgan.cli.args import add_plugin_argument
from kerasgan.cli.args import positive_int as _positive_int


def register(subparsers):
    """Registers ``kerasgan export savedmodel`` and ``kerasgan export onnx``."""
    parser = subparsers.add_parser(
        "export",
        help="export a trained generator as a TF Serving SavedModel or an ONNX file",
        description="Export a trained generator (a model.keras file) for serving.",
    )
    formats = parser.add_subparsers(dest="format", metavar="{savedmodel,onnx}")
    parser.set_defaults(handler=_missing_format)

    saved = formats.add_parser(
        "savedmodel",
        help="write BASE/NAME/VERSION for TF Serving (plus models.config and warmup requests)",
        description=(
            "Write a versioned SavedModel BASE/NAME/VERSION with signatures for the generator's "
            "kind, check it against the Keras model, and add it to BASE/models.config."
        ),
    )
    saved.add_argument("model", metavar="MODEL.keras", help="a model saved by 'kerasgan train' or model.save")
    saved.add_argument("--base", required=True, help="model base folder (holds models.config)")
    saved.add_argument("--name", required=True, help="model name (folder BASE/NAME, TF Serving model name)")
    saved.add_argument(
        "--version", type=_positive_int, help="version number (default: next after the highest)"
    )
    saved.add_argument("--no-warmup", action="store_true", help="do not write warmup requests")
    saved.add_argument(
        "--no-batching-config", action="store_true", help="do not write BASE/batching_parameters.txt"
    )
    add_plugin_argument(saved)
    saved.set_defaults(handler=_cmd_savedmodel)

    onnx = formats.add_parser(
        "onnx",
        help="write an ONNX file of the generator, checked with onnxruntime",
        description="Convert the generator to ONNX (tf2onnx) and check parity with onnxruntime.",
    )
    onnx.add_argument("model", metavar="MODEL.keras", help="a model saved by 'kerasgan train' or model.save")
    onnx.add_argument("-o", "--output", required=True, metavar="OUT.onnx", help="the ONNX file to write")
    onnx.add_argument("--opset", type=_positive_int, default=17, help="ONNX opset (default 17)")
    onnx.add_argument("--direction", choices=("ab", "ba"), help="models with two generators: which one (default ab)")
    onnx.add_argument("--encoder", action="store_true",
                      help="models with an encoder: convert it (image in [0, 1] -> z) instead of the generator")
    add_plugin_argument(onnx)
    onnx.set_defaults(handler=_cmd_onnx)


def _missing_format(args):
    from kerasgan.errors import CLIError

    raise CLIError(
        "choose a format: kerasgan export savedmodel MODEL.keras --base BASE --name NAME, or "
        "kerasgan export onnx MODEL.keras -o OUT.onnx"
    )


def _format_shape(shape):
    return "?" if shape is None else "[" + ", ".join("N" if d is None else str(d) for d in shape) + "]"


def _table(rows, headers):
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    return "\n".join(
        "  ".join(str(cell).ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [headers, *rows]
    )


def _cmd_savedmodel(args):
    from kerasgan.cli.progress import Steps
    from kerasgan.export.savedmodel import SAVEDMODEL_STEPS, export_savedmodel

    result = export_savedmodel(
        args.model,
        args.base,
        args.name,
        args.version,
        warmup=not args.no_warmup,
        batching=not args.no_batching_config,
        progress=Steps("export savedmodel", SAVEDMODEL_STEPS - bool(args.no_warmup)),
    )
    print(result.path)
    rows = []
    for name, spec in result.signatures.items():
        inputs = ", ".join(f"{k}: {d}{_format_shape(s)}" for k, (d, s) in spec["inputs"].items())
        outputs = ", ".join(f"{k}: {d}{_format_shape(s)}" for k, (d, s) in spec["outputs"].items())
        diff = result.validation.get(name)
        rows.append((name, inputs, outputs, "-" if diff is None else f"{diff:.2g}"))
    print(_table(rows, ("signature", "inputs", "outputs", "max abs diff")))
    return 0


def _cmd_onnx(args):
    from kerasgan.cli.progress import Steps
    from kerasgan.export.onnx_export import ONNX_STEPS, export_onnx

    result = export_onnx(
        args.model, args.output, opset=args.opset, direction=args.direction, encoder=args.encoder,
        progress=Steps("export onnx", ONNX_STEPS),
    )
    inputs = ", ".join(f"{k}: {d}{_format_shape(s)}" for k, (d, s) in result.inputs.items())
    outputs = ", ".join(f"{k}: {d}{_format_shape(s)}" for k, (d, s) in result.outputs.items())
    print(result.path)
    print(f"opset {result.opset}; inputs {inputs}; outputs {outputs}")
    for batch, diff in result.per_batch.items():
        print(f"parity batch {batch}: max abs diff {diff:.3g}")
    return 0
