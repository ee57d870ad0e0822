"""Every registered family passes the shared harness, check by check."""

import pytest

from kerasgan import families
from kerasgan.testing import CHECKS, run_family_test


@pytest.mark.parametrize(
    "check", [pytest.param(c, marks=pytest.mark.distributed) if c == "mirrored" else c for c in CHECKS]
)
@pytest.mark.parametrize("name", families.names())
def test_family_passes_the_harness(name, check):
    assert run_family_test(families.get(name), checks=[check]) == [check]
