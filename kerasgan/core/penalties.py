"""Regularisers of the discriminator: gradient penalty, R1, weight clipping.

The penalties return *per-sample* values so the train step reduces them with
the same :func:`kerasgan.core.reduction.replica_mean` as the losses.
"""

from __future__ import annotations

from keras import ops

from kerasgan.core.backend import input_gradients


def _per_sample_grad_norm_sq(gradients):
    flat = ops.reshape(ops.cast(gradients, "float32"), (ops.shape(gradients)[0], -1))
    return ops.sum(ops.square(flat), axis=-1)


def interpolate(real, fake, alpha):
    """Points on the segments between real and fake samples.

    Args:
        real, fake: tensors of the same shape (B, ...).
        alpha: (B,) weights in [0, 1]; alpha = 1 gives ``real``.

    Returns:
        ``alpha * real + (1 - alpha) * fake`` in float32.
    """
    real = ops.cast(real, "float32")
    fake = ops.cast(fake, "float32")
    alpha = ops.reshape(ops.cast(alpha, "float32"), (-1,) + (1,) * (len(real.shape) - 1))
    return alpha * real + (1.0 - alpha) * fake


def gradient_penalty(critic, real, fake, alpha, target=1.0, training=True):
    """WGAN-GP penalty (Gulrajani et al., 2017): ``(||grad_x D(x_hat)||_2 - target)^2``.

    ``x_hat`` lies between a real and a generated sample, with one ``alpha``
    per sample drawn from Uniform[0, 1] by the caller.

    Args:
        critic: a callable model returning logits.
        real, fake: real and generated batches of the same shape.
        alpha: (B,) interpolation weights.
        target: the norm the gradient is pulled toward (1 in the paper).
        training: passed to the critic.

    Returns:
        Per-sample penalty, float32, shape (B,) (``(B / m,)``, one per judged
        input, for a critic that packs ``m`` samples). Multiply by lambda and reduce.

    Example:
        >>> alpha = tf.random.uniform((batch,))
        >>> gp = gradient_penalty(critic, real, fake, alpha)
    """
    x_hat = interpolate(real, fake, alpha)
    judged = {}

    def total(x):
        logits = ops.cast(critic(x, training=training), "float32")
        judged["count"] = ops.shape(logits)[0]  # B, or B / m for a packing critic (PacGAN)
        return ops.sum(logits)

    gradients = input_gradients(total, x_hat)
    # One norm per judged input: a packing critic's input is m samples together.
    gradients = ops.reshape(gradients, (judged["count"], -1))
    norm = ops.sqrt(_per_sample_grad_norm_sq(gradients) + 1e-12)
    return ops.square(norm - target)


def r1_penalty(discriminator, real, training=True):
    """R1 penalty (Mescheder et al., 2018): ``||grad_x D(x)||^2`` on real data.

    Args:
        discriminator: a callable model returning logits.
        real: a batch of real samples.
        training: passed to the discriminator.

    Returns:
        Per-sample squared gradient norm, float32, shape (B,). The usual weight
        is ``gamma / 2``.
    """
    real = ops.cast(real, "float32")
    gradients = input_gradients(
        lambda x: ops.sum(ops.cast(discriminator(x, training=training), "float32")), real
    )
    return _per_sample_grad_norm_sq(gradients)


def clip_weights(variables, clip_value):
    """Clips every variable to ``[-clip_value, clip_value]`` in place (WGAN).

    Args:
        variables: iterable of Keras / TF variables (the critic's trainable ones).
        clip_value: positive float, 0.01 in the WGAN paper.
    """
    for variable in variables:
        variable.assign(ops.clip(variable, -clip_value, clip_value))
