"""Shared test set-up: quiet TensorFlow, two logical CPUs, policy hygiene, no silent skips.

The two logical CPU devices that the MirroredStrategy tests need must exist
before TensorFlow initialises its devices, so they are configured here, at
collection time, before any test module imports kerasgan. If that fails the
error is raised, not swallowed; and when ``CI`` is set, a skipped test marked
``distributed`` fails the run.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

try:
    tf.config.set_logical_device_configuration(
        tf.config.list_physical_devices("CPU")[0], [tf.config.LogicalDeviceConfiguration()] * 2
    )
except RuntimeError as error:  # pragma: no cover - only when a plugin initialised TF first
    raise RuntimeError(
        "TensorFlow's devices were initialised before tests/conftest.py could create two "
        "logical CPUs for the MirroredStrategy tests; do not import code that runs TensorFlow "
        f"ops from a pytest plugin ({error})."
    ) from error

_skipped_distributed = []


def pytest_runtest_logreport(report):
    """Records skipped distribution tests (a skip there means untested MirroredStrategy)."""
    if report.skipped and "distributed" in getattr(report, "keywords", {}):
        _skipped_distributed.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    """Fails a CI run in which a distribution test was skipped."""
    if _skipped_distributed and os.environ.get("CI"):
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(
                "FAILED: distribution tests were skipped under CI: " + ", ".join(_skipped_distributed),
                red=True,
            )
        session.exitstatus = 1


@pytest.fixture
def policy():
    """Sets a global dtype policy for one test and restores float32 after it."""

    def set_policy(name):
        keras.mixed_precision.set_global_policy(name)

    yield set_policy
    keras.mixed_precision.set_global_policy("float32")
