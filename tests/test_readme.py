"""Every ```python block of README.md runs, each in a fresh process as a reader would run it,
and prints what the README says it prints.

A block that continues from objects the README introduced elsewhere (a ``model``, an
``exports`` folder) gets them from ``SETUP`` below; nothing in the blocks is edited
(no epochs reduced). Blocks that train or export for minutes are marked slow.
"""

import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
README = os.path.join(ROOT, "README.md")


def readme_blocks():
    """``[(section heading, code)]`` of every ```python block, in order."""
    with open(README, encoding="utf-8") as handle:
        text = handle.read()
    blocks, section = [], None
    for match in re.finditer(r"^## ([^\n]+)$|^```python\n(.*?)^```", text, flags=re.M | re.S):
        if match.group(1):
            section = match.group(1).strip()
        else:
            blocks.append((section, match.group(2)))
    return blocks


#: Code run before a block that uses what the README introduced elsewhere.
SETUP = {
    "Evaluation": (
        "import kerasgan\n"
        "model = kerasgan.DCGAN.build_for_data(kerasgan.data.spec('digits'), seed=0)\n"
        "model.compile()\n"
        "ds = kerasgan.data.load('digits', batch_size=64)\n"
    ),
    "Serving": (
        "import kerasgan\n"
        "from kerasgan.export import export_savedmodel\n"
        "export_savedmodel(kerasgan.DCGAN.build_for_data(kerasgan.data.spec('digits'), seed=0),"
        " 'exports', 'digits')\n"
    ),
}
#: Sections whose block takes minutes (training, FID, an export and a server).
SLOW = {"In Python", "Evaluation", "Serving"}


def run_block(section, code, cwd):
    """Runs a block as a script in a fresh process; returns its stdout."""
    script = os.path.join(cwd, "readme_block.py")
    with open(script, "w", encoding="utf-8") as handle:
        handle.write(SETUP.get(section, "") + code)
    env = {**os.environ, "PYTHONPATH": ROOT, "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run([sys.executable, script], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=1800)
    assert done.returncode == 0, f"README block of {section!r} failed:\n{done.stderr[-3000:]}"
    return done.stdout


def test_every_python_block_is_collected():
    sections = [section for section, _ in readme_blocks()]
    assert sections == ["In Python", "Evaluation", "Model zoo", "Serving"]


def _params():
    return [pytest.param(section, code, id=section.lower().replace(" ", "-"),
                         marks=[pytest.mark.slow] if section in SLOW else [])
            for section, code in readme_blocks()]


#: What each block prints, as the README states it (a regular expression and a check).
EXPECTED = {
    "In Python": (r"modes (\d)/8, high quality ([\d.]+)%", lambda modes, pct: int(modes) >= 7),
}


@pytest.mark.parametrize("section,code", _params())
def test_readme_block_runs_and_prints_what_the_readme_says(section, code, tmp_path):
    output = run_block(section, code, str(tmp_path))
    if section in EXPECTED:
        pattern, check = EXPECTED[section]
        found = re.search(pattern, output)
        assert found, f"{section}: expected a line like {pattern!r}, got {output!r}"
        assert check(*found.groups()), f"{section}: printed {found.group(0)!r}"
        with open(README, encoding="utf-8") as handle:
            stated = re.search(pattern, handle.read())
        assert stated and check(*stated.groups()), (
            f"{section}: the README should state what the block prints (it printed {found.group(0)!r})"
        )
