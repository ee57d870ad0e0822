"""The training randomness of a family: stateless, seeded, resumable draws.

Every random quantity of a train step (latents, labels, interpolation
weights) is a pure function of the model's ``seed``, the replica, the
generator optimizer's step counter, the update within the step and the
quantity's stream number, so that training is reproducible and a resumed run
continues the same stream.
"""

from __future__ import annotations

from kerasgan.core import backend

# Stateless seeds are (key, counter) pairs; replicas and random quantities get
# distinct keys so that no two draws share a stream.
_REPLICA_KEY_STRIDE = 1_000_003
_STREAM_KEY_STRIDE = 7_919_000_000


class TrainingRandomness:
    """Mixin of :class:`~kerasgan.core.adversarial.AdversarialModel`: the model's random stream.

    Needs ``self.seed``, ``self.d_steps`` and ``self.g_optimizer``.
    """

    def stream_seed(self, draw, stream=0):
        """A stateless RNG seed unique to (replica, step, draw, stream).

        Derived from ``seed``, the replica id and the generator optimizer's step
        counter, so training is reproducible and resumes the same random stream
        after ``load_model``; each replica of a distributed run draws its own.
        XLA implements the stateless RNG differently from TensorFlow's own
        kernels, so the stream (not its distribution) depends on
        ``jit_compile``: resume with the setting you trained with.

        Args:
            draw: index of the update within the step (0 .. d_steps).
            stream: which random quantity (0: latents; families add others).

        Returns:
            int64 tensor of shape (2,) for ``tf.random.stateless_*`` ops.
        """
        return backend.step_seed(
            self.seed,
            stream * _STREAM_KEY_STRIDE,
            self.g_optimizer.iterations,
            draw,
            self.d_steps + 1,
            _REPLICA_KEY_STRIDE,
        )

    def random_normal(self, shape, draw, stream):
        """Standard normal float32 values from the model's stream (see :meth:`stream_seed`)."""
        return backend.stateless_normal(shape, self.stream_seed(draw, stream))

    def random_uniform(self, shape, draw, stream, minval=0.0, maxval=1.0):
        """Uniform float32 values in [minval, maxval) from the model's stream."""
        return backend.stateless_uniform(shape, self.stream_seed(draw, stream), minval, maxval)

    def random_labels(self, batch_size, num_classes, draw, stream):
        """Uniform int32 labels in [0, num_classes) from the model's stream."""
        return backend.stateless_uniform_int(
            (batch_size,), self.stream_seed(draw, stream), num_classes
        )
