"""One reduction for every loss, correct on one device and under tf.distribute.

Keras' TensorFlow optimizers *sum* gradients over replicas. A replica that
holds ``B / R`` samples of a global batch ``B`` must therefore divide its local
mean by the replica count ``R`` so that the summed gradient equals the
gradient of the global mean. Every loss term (adversarial loss, gradient
penalty, auxiliary terms) goes through :func:`replica_mean`, so no term is
silently reweighted against another.
"""

from __future__ import annotations

import tensorflow as tf
from keras import ops


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


def replica_mean(per_sample):
    """Mean over this replica's samples, scaled for a cross-replica gradient sum.

    Args:
        per_sample: float tensor of shape (local_batch,).

    Returns:
        A float32 scalar whose gradient, summed over replicas, is the gradient of
        the mean over the global batch.
    """
    return ops.mean(ops.cast(per_sample, "float32")) / float(num_replicas())


def logged_value(reduced):
    """Undoes the replica scaling so trackers log the plain mean loss."""
    return reduced * float(num_replicas())
