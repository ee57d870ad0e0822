"""Every registered family passes the shared harness, check by check.

Two checks are left to the slow run (``python -m pytest -m slow``) for the
image-to-image families, whose four-network steps take 30-60 s to compile on
two cores: ``xla`` (their XLA path), and ``mirrored`` for families with two
generators (CycleGAN), whose exact two-replica update is pinned by
``tests/test_core_training.py`` in the default run.
"""

import pytest

from kerasgan import families
from kerasgan.testing import CHECKS, run_family_test


def _is_slow(cls, check):
    translation = cls.sampling == "translation"
    two_generators = len(cls.generator_keys) > 1
    return (check == "xla" and translation) or (check == "mirrored" and two_generators)


def _cases():
    for name in families.names():
        cls = families.get(name)
        for check in CHECKS:
            marks = []
            if check == "mirrored":
                marks.append(pytest.mark.distributed)
            if _is_slow(cls, check):
                marks.append(pytest.mark.slow)
            yield pytest.param(name, check, marks=marks, id=f"{name}-{check}")


@pytest.mark.parametrize("name, check", _cases())
def test_family_passes_the_harness(name, check):
    assert run_family_test(families.get(name), checks=[check]) == [check]
