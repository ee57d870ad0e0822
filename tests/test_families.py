"""Every registered family passes the shared harness, check by check.

Some checks are left to the slow run (``python -m pytest -m slow``) to keep
the default run within its time budget:

- ``xla``, ``mirrored`` and ``graph`` of the image-to-image families: their
  steps take 15-60 s to compile on two cores for ``xla`` / ``graph`` and to
  trace per replica for ``mirrored``. ``tests/test_conditional_learn.py`` and
  the CLI's one-epoch runs train them on their default compiled path, and
  ``tests/test_core_training.py`` pins CycleGAN's exact two-replica update.
- ``xla`` and ``graph`` of the classification families (DANN): its
  convolutional step takes about 27 s to compile with XLA and 6 s to trace on
  two cores; ``tests/test_cli.py`` trains it one epoch through ``kerasgan
  train --no-jit`` (the traced step) and ``tests/test_dann.py`` checks its update.
- ``xla`` of the unconditional noise families that ``tests/test_families_learn.py``
  trains (on the ring, or the critic families on digits): those learning runs
  use the default compile, which picks XLA for their small networks on CPU.
"""

import pytest

from kerasgan import families
from kerasgan.testing import CHECKS, run_family_test


def _is_slow(cls, check):
    if cls.sampling == "translation":
        return check in ("xla", "mirrored", "graph")
    if cls.sampling == "classification":
        return check in ("xla", "graph")
    # As tests/test_families_learn.py selects them: on the ring, or the critic families on digits.
    critic = getattr(cls, "default_loss", None) in ("wasserstein", "hinge")
    trained_by_learning_tests = (cls.sampling == "noise" and not cls.needs_labels
                                 and ("points" in cls.data_kinds or (critic and "image" in cls.data_kinds)))
    return check == "xla" and trained_by_learning_tests


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
