"""Every registered family passes the shared harness, check by check.

Two checks of the image-to-image families are left to the slow run
(``python -m pytest -m slow``): their steps take 30-60 s to compile on two
cores for ``xla`` and to trace per replica for ``mirrored``. The default run
keeps their other checks, and ``tests/test_core_training.py`` pins CycleGAN's
exact two-replica update.
"""

import pytest

from kerasgan import families
from kerasgan.testing import CHECKS, run_family_test


def _is_slow(cls, check):
    return cls.sampling == "translation" and check in ("xla", "mirrored")


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


@pytest.mark.parametrize("name, check", list(_cases()))
def test_family_passes_the_harness(name, check):
    assert run_family_test(families.get(name), checks=[check]) == [check]
