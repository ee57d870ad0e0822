"""The TensorFlow-specific calls of training, in one place.

Everything else in :mod:`kerasgan.core` and the families is written with
``keras.ops``; gradient tapes, stateless random ops and ``tf.distribute``
queries live here, so that another Keras backend (JAX) can be added by
giving this module a second implementation, without touching the families.
"""

from __future__ import annotations

import tensorflow as tf

__all__ = [
    "Recording",
    "accelerators",
    "all_reduce_sum",
    "gpu_compute_capabilities",
    "clear_global_seed",
    "gradient_step",
    "input_gradients",
    "is_dataset",
    "map_rows",
    "num_replicas",
    "replica_id",
    "seed_pair",
    "stateless_normal",
    "stateless_uniform",
    "stateless_uniform_int",
    "step_seed",
    "tensor_gradients",
]


def num_replicas():
    """Number of replicas training in sync (1 outside any strategy)."""
    context = tf.distribute.get_replica_context()
    if context is None:  # cross-replica context
        return tf.distribute.get_strategy().num_replicas_in_sync
    return context.num_replicas_in_sync


def replica_id():
    """Index of the current replica (0 outside any strategy), as an int32 tensor."""
    context = tf.distribute.get_replica_context()
    if context is None:
        return tf.constant(0, tf.int32)
    return tf.cast(context.replica_id_in_sync_group, tf.int32)


def clear_global_seed():
    """Forgets TensorFlow's global seed, as in a fresh process.

    Ops given their own seed (the data pipelines') then draw the same numbers
    whatever ran before in the process, so a run started from Python matches
    the same run from the command line.
    """
    tf.random.set_seed(None)


def is_dataset(value):
    """True for a ``tf.data.Dataset`` (``fit`` input that Keras does not shuffle)."""
    return isinstance(value, tf.data.Dataset)


def seed_pair(key, counter=0):
    """An int64 ``(2,)`` seed for the stateless ops from a key and a counter (ints or tensors)."""
    return tf.stack([tf.cast(key, tf.int64), tf.cast(counter, tf.int64)])


def step_seed(seed, stream_key, iterations, counter_offset, counter_stride, replica_stride):
    """The seed of one random quantity of one update of a training step.

    Args:
        seed: the model's integer seed.
        stream_key: offset that separates random quantities (latents, labels...).
        iterations: the generator optimizer's step counter (a variable).
        counter_offset: index of the update within the step.
        counter_stride: updates per step (so consecutive steps never share a counter).
        replica_stride: offset between replicas' keys (each replica draws its own).

    Returns:
        int64 tensor of shape (2,).
    """
    key = (
        tf.cast(seed, tf.int64)
        + tf.cast(replica_id(), tf.int64) * replica_stride
        + tf.cast(stream_key, tf.int64)
    )
    counter = tf.cast(iterations, tf.int64) * counter_stride + counter_offset
    return tf.stack([key, counter])


def stateless_normal(shape, seed):
    """Standard normal float32 values, a pure function of ``seed``."""
    return tf.random.stateless_normal(shape, seed=seed)


def stateless_uniform(shape, seed, minval=0.0, maxval=1.0):
    """Uniform float32 values in [minval, maxval), a pure function of ``seed``."""
    return tf.random.stateless_uniform(shape, seed=seed, minval=minval, maxval=maxval)


def stateless_uniform_int(shape, seed, maxval):
    """Uniform int32 values in [0, maxval), a pure function of ``seed``."""
    return tf.random.stateless_uniform(shape, seed=seed, minval=0, maxval=maxval, dtype=tf.int32)


def gradient_step(optimizer, variables, compute_terms, total_key, own_losses=()):
    """One gradient step of ``optimizer`` on ``variables`` only.

    The tape watches just ``variables``, so the other networks' forward passes
    are not recorded and their weights cannot change.

    Args:
        optimizer: a (possibly loss-scaling) Keras optimizer.
        variables: the variables to train.
        compute_terms: zero-argument callable returning the terms dict.
        total_key: key of the scalar to minimise.
        own_losses: ``((network_variables, key), ...)``: variables among
            ``variables`` that follow the gradient of ``terms[key]`` instead of
            the total (VAE-GAN's encoder); all gradients come from the one
            forward pass and are applied together. Variables not among
            ``variables`` are ignored.

    Returns:
        The terms dict.
    """
    watched = {id(v) for v in variables}
    key_of = {id(v): key for group, key in own_losses for v in group if id(v) in watched}
    with tf.GradientTape(watch_accessed_variables=False, persistent=bool(key_of)) as tape:
        tape.watch([getattr(v, "value", v) for v in variables])  # Keras -> tf.Variable
        terms = compute_terms()
        scaled = {key: optimizer.scale_loss(terms[key])
                  for key in {total_key, *key_of.values()}}
    if not key_of:
        gradients = tape.gradient(scaled[total_key], variables)
    else:
        gradients = [None] * len(variables)
        for key, loss in scaled.items():
            indices = [i for i, v in enumerate(variables) if key_of.get(id(v), total_key) == key]
            for i, gradient in zip(indices, tape.gradient(loss, [variables[i] for i in indices])):
                gradients[i] = gradient
        del tape
    optimizer.apply_gradients(zip(gradients, variables))
    return terms


def map_rows(fn, elems, row_shape):
    """``fn`` applied to each row of the tensors ``elems`` (a tuple), stacked: a traceable loop.

    Args:
        fn: callable taking a tuple of one row of each tensor.
        elems: tuple of tensors with the same first dimension.
        row_shape: shape of one float32 output row.
    """
    return tf.map_fn(fn, elems, fn_output_signature=tf.TensorSpec(row_shape, tf.float32))


def input_gradients(fn, x):
    """Gradient of ``fn(x)`` (a scalar) with respect to the input tensor ``x``."""
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = fn(x)
    return tape.gradient(total, x)


def tensor_gradients(fn, tensors):
    """Gradients of the scalar ``fn()`` with respect to the tensors ``tensors`` (a list).

    Tensors ``fn`` does not depend on get zeros (not ``None``).
    """
    with tf.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(tensors)
        total = fn()
    gradients = tape.gradient(total, tensors)
    return [tf.zeros_like(t) if g is None else g for g, t in zip(gradients, tensors)]


def all_reduce_sum(tensors):
    """The sum of ``tensors`` (a list) over the replicas (themselves on one device)."""
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return list(tensors)
    return list(context.all_reduce(tf.distribute.ReduceOp.SUM, list(tensors)))


class Recording:
    """A gradient tape on some variables that can be entered several times.

    What runs inside ``with recording:`` blocks is recorded; what runs between
    them (another network's update) is not. :meth:`apply` records the last
    part (the loss) and applies the gradients, like :func:`gradient_step`.

    Args:
        variables: the variables whose gradients are wanted.
    """

    def __init__(self, variables):
        self.variables = variables
        self._tape = tf.GradientTape(watch_accessed_variables=False)
        with self._tape:
            self._tape.watch([getattr(v, "value", v) for v in variables])

    def __enter__(self):
        self._tape.__enter__()
        return self

    def __exit__(self, *exc_info):
        return self._tape.__exit__(*exc_info)

    def apply(self, optimizer, compute_terms, total_key):
        """Records ``compute_terms()`` too, then one step of ``optimizer`` on the variables.

        Returns:
            The terms dict.
        """
        with self._tape:
            terms = compute_terms()
            scaled = optimizer.scale_loss(terms[total_key])
        gradients = self._tape.gradient(scaled, self.variables)
        optimizer.apply_gradients(zip(gradients, self.variables))
        return terms


def accelerators():
    """Kinds of the accelerators TensorFlow sees (``["GPU"]``, ``["TPU"]``; empty on CPU only)."""
    return sorted({d.device_type for d in tf.config.list_physical_devices() if d.device_type != "CPU"})


def gpu_compute_capabilities():
    """``(major, minor)`` compute capability of each visible GPU (empty without GPUs)."""
    found = []
    for device in tf.config.list_physical_devices("GPU"):
        details = tf.config.experimental.get_device_details(device)
        if details.get("compute_capability"):
            found.append(tuple(details["compute_capability"]))
    return found
