"""Every command kerasgan's messages suggest works as written, and zoo entry names work as
commands' arguments: ``--config NAME``, ``sample NAME``, untrained entries without their data."""

import ast
import os
import re
import shlex

import numpy as np
import pytest
from PIL import Image

import kerasgan
from kerasgan.cli import build_parser, main
from kerasgan.cli.train import config_from_args
from kerasgan.errors import CLIError

PACKAGE = os.path.dirname(os.path.abspath(kerasgan.__file__))
#: ``kerasgan COMMAND ...`` in a message; a command ends at punctuation that ends a clause.
_COMMAND = re.compile(r"kerasgan ((?:train|sample|eval|export|serve|zoo)\b[^;,()`'\"\n]*)")

#: Every command template a message of kerasgan suggests -> that command with example values.
#: (``{}`` is a value filled in when the message is made; capitals are placeholders.)
SUGGESTED = {
    "train --config {} --out runs/{}": "train --config dcgan-mnist --out runs/dcgan-mnist",
    "train --config NAME --out DIR": "train --config gan-ring8 --out runs/gan-ring8",
    "train --config zoo/NAME.yaml --out runs/NAME": "train --config zoo/gan-ring8.yaml --out runs/g",
    "train --config zoo/{}.yaml --out runs/{}": "train --config zoo/dcgan-mnist.yaml --out runs/d",
    "train --out {} --resume": "train --out runs/g --resume",
    "train --out {} --resume {}": "train --out runs/g --resume --g-lr 3e-05 --d-lr 3e-05",
    "export savedmodel MODEL.keras --base BASE --name NAME":
        "export savedmodel runs/g/model.keras --base exports --name g",
    "export savedmodel MODEL.keras --base {} --name NAME":
        "export savedmodel runs/g/model.keras --base exports --name g",
    "export onnx MODEL.keras -o OUT.onnx": "export onnx runs/g/model.keras -o g.onnx",
    "sample MODEL --input DIR": "sample runs/p/model.keras --input photos",
    "zoo list": "zoo list",
}
#: Mentions of a command in prose, not commands to type.
PROSE = {"train writes RUN/model.keras"}


def _render(node):
    """A string literal's text, with ``{}`` for each value an f-string fills in."""
    if isinstance(node, ast.Constant):
        return node.value
    parts = []
    for value in node.values:
        if isinstance(value, ast.Constant):
            parts.append(value.value)
        elif isinstance(value.value, ast.Name) and value.value.id == "PROG":
            parts.append("kerasgan")
        else:
            parts.append("{}")
    return "".join(parts)


def _suggested_templates():
    """``{template: [where, ...]}`` of the commands in kerasgan's non-docstring strings."""
    found = {}
    for folder, _, files in os.walk(PACKAGE):
        for file in files:
            if not file.endswith(".py"):
                continue
            path = os.path.join(folder, file)
            with open(path, encoding="utf-8") as handle:
                tree = ast.parse(handle.read())
            docstrings = {
                id(node.body[0].value)
                for node in ast.walk(tree)
                if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                and node.body and isinstance(node.body[0], ast.Expr)
            }
            inside = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
            for node in ast.walk(tree):
                literal = isinstance(node, ast.Constant) and isinstance(node.value, str)
                if not (isinstance(node, ast.JoinedStr) or literal):
                    continue
                if id(node) in docstrings or id(node) in inside:
                    continue
                for match in _COMMAND.finditer(_render(node)):
                    command = match.group(1).strip().rstrip(".:?! ")
                    words = command.split()
                    if len(words) < 2 or words[0].endswith(":"):
                        continue  # "saved by kerasgan train", "kerasgan serve: stopped"
                    where = f"{os.path.relpath(path, PACKAGE)}:{node.lineno}"
                    found.setdefault(command, []).append(where)
    return found


def _instance_of(template, command):
    pattern = re.escape(template)
    pattern = re.sub(r"\\\{\\\}$", ".+", pattern)
    pattern = pattern.replace(r"\{\}", r"\S+")
    pattern = re.sub(r"[A-Z]{2,}", r"\\S+", pattern)
    return re.fullmatch(pattern, command) is not None


def test_every_suggested_command_is_accepted_as_written(tmp_path, monkeypatch):
    found = _suggested_templates()
    unknown = {t: w for t, w in found.items() if t not in SUGGESTED and t not in PROSE}
    assert not unknown, f"new command suggestions; add them to SUGGESTED with example values: {unknown}"
    assert set(SUGGESTED) <= set(found), f"no longer suggested: {set(SUGGESTED) - set(found)}"
    # Not in a checkout: no zoo/ folder next to the working directory (as after pip install).
    monkeypatch.chdir(tmp_path)
    parser = build_parser()
    for template, command in SUGGESTED.items():
        assert _instance_of(template, command), (template, command)
        args = parser.parse_args(shlex.split(command))
        if args.command == "train" and getattr(args, "config", None):
            entry = os.path.basename(args.config).removesuffix(".yaml")
            config = config_from_args(args)
            assert config.family == kerasgan.zoo.info(entry)["family"], command
            assert config.data == kerasgan.zoo.info(entry)["data"], command
    assert main(shlex.split(SUGGESTED["zoo list"])) == 0


def test_the_prose_mentions_are_still_there():
    # PROSE must not hide suggestions that went away.
    assert PROSE <= set(_suggested_templates())


def test_a_missing_config_names_close_entries(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = build_parser().parse_args(["train", "--config", "gan-ring9", "--out", "x"])
    with pytest.raises(CLIError, match="file not found, and no zoo entry.*gan-ring8"):
        config_from_args(args)


def test_a_config_file_of_the_same_name_wins_over_the_entry(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gan-ring8").write_text("family: wgan\ndata: grid25\n")
    args = build_parser().parse_args(["train", "--config", "gan-ring8", "--out", "x"])
    config = config_from_args(args)
    assert (config.family, config.data) == ("wgan", "grid25")


def test_serve_of_a_missing_folder_suggests_the_real_export_syntax(tmp_path, capsys):
    assert main(["serve", str(tmp_path / "nonexistent")]) == 2
    err = capsys.readouterr().err
    suggestion = err.split("first: kerasgan ", 1)[1].strip()
    assert suggestion == "export savedmodel MODEL.keras --base BASE --name NAME"


def test_sample_of_a_zoo_entry_name_uses_its_published_weights(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KERASGAN_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    assert main(["sample", "dcgan-digits", "-n", "4", "-o", "four.png", "--nrow", "4"]) == 0
    assert "Wrote 4 samples to four.png" in capsys.readouterr().out
    with Image.open(tmp_path / "four.png") as image:
        pixels = np.asarray(image.convert("L"), dtype=np.float32)
    assert pixels.std() > 10  # digits, not a blank picture
    assert main(["sample", "dcgan-digitz", "-o", "x.png"]) == 2
    assert "neither a .keras file nor a zoo entry" in capsys.readouterr().err


@pytest.mark.parametrize("build", ["zoo.load", "from_preset"])
def test_an_entry_of_data_not_on_this_machine_builds_untrained(build, tmp_path, monkeypatch):
    from tensorflow_datasets.core import constants

    from kerasgan.data import DatasetNotPreparedError

    # No data here whatever this machine holds: tfds looks in an empty folder.
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "no-data"))
    monkeypatch.setattr(constants, "DATA_DIR", str(tmp_path / "no-data"))
    with pytest.raises(DatasetNotPreparedError) as error:
        kerasgan.data.spec("mnist", image_size=32)
    assert error.value.spec.shape == (32, 32, 1) and error.value.spec.num_classes == 10
    if build == "zoo.load":
        model = kerasgan.zoo.load("dcgan-mnist", pretrained=False, compile=False)
    else:
        model = kerasgan.DCGAN.from_preset("dcgan-mnist", load_weights=False, compile=False)
    assert model.generate(2, seed=0).shape == (2, 32, 32, 1)
