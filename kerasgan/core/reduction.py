"""One reduction for every loss, correct on one device and under tf.distribute.

Keras' TensorFlow optimizers *sum* gradients over replicas. A replica that
holds ``B / R`` samples of a global batch ``B`` must therefore divide its local
mean by the replica count ``R`` so that the summed gradient equals the
gradient of the global mean. Every loss term (adversarial loss, gradient
penalty, auxiliary terms) goes through :func:`replica_mean`, so no term is
silently reweighted against another.
"""

from __future__ import annotations

from keras import ops

from kerasgan.core.backend import num_replicas, replica_id  # noqa: F401  (re-exported)


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
