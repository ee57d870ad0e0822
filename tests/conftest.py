"""Shared test set-up: quiet TensorFlow, two logical CPUs, policy hygiene."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

# Two logical CPU devices let tests run a real MirroredStrategy; this must
# happen before TensorFlow initialises its devices, i.e. at collection time.
_cpus = tf.config.list_physical_devices("CPU")
try:
    tf.config.set_logical_device_configuration(
        _cpus[0], [tf.config.LogicalDeviceConfiguration()] * 2
    )
except RuntimeError:  # devices already initialised by an earlier import
    pass


@pytest.fixture
def policy():
    """Sets a global dtype policy for one test and restores float32 after it."""

    def set_policy(name):
        keras.mixed_precision.set_global_policy(name)

    yield set_policy
    keras.mixed_precision.set_global_policy("float32")
