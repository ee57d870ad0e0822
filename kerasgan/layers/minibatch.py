"""Layers that let a discriminator look at a whole batch: remedies for mode collapse.

A discriminator that judges one sample at a time cannot see that the
generator's samples all look alike. These layers give it statistics of the
batch (or of several samples at once):

- :class:`MinibatchDiscrimination` (Salimans et al., 2016): per sample, how
  close it is to the other samples of the batch, through a learned tensor;
- :class:`MinibatchStddev` (Karras et al., 2018): the standard deviation of
  the features over groups of samples, averaged to one number per group and
  appended as one feature (vectors) or one feature map (images);
- :class:`PackSamples` (Lin et al., 2018, PacGAN): ``m`` consecutive samples
  concatenated along the last axis, so the discriminator judges them together.

``kerasgan.core.remedies`` inserts them into any family's discriminator.
"""

from __future__ import annotations

import keras
from keras import ops


def _check_positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    return value


@keras.saving.register_keras_serializable(package="kerasgan")
class MinibatchDiscrimination(keras.layers.Layer):
    """Minibatch discrimination (Salimans et al., 2016, arXiv:1606.03498, section 3.2).

    The features ``f(x_i)`` (``(N, A)``) are multiplied by a learned tensor
    ``T`` (``A x B x C``) into ``M_i`` (``B x C``): ``B`` kernels of ``C``
    dimensions. For kernel ``b``, ``c_b(x_i, x_j) = exp(-||M_i,b - M_j,b||_1)``
    and the output feature is ``o(x_i)_b = sum over j != i of c_b(x_i, x_j)``
    (the sample itself, ``c = 1``, is excluded). The layer returns
    ``[f(x_i), o(x_i)]``, ``(N, A + B)``. A batch whose samples are alike gets
    large ``o``, which the next layer learns to call fake.

    With ``average=True`` (the default here) ``o`` is divided by ``N - 1``:
    the same information, but its scale no longer grows with the batch size
    (with sums, a batch of 512 feeds values up to 511 into the logit layer).
    Computed in float32 under mixed precision.

    Args:
        num_kernels: ``B``, the number of kernels (output features added).
        kernel_dim: ``C``, the dimension of each kernel's space.
        average: divide the sums by ``N - 1`` (see above); ``False`` gives the
            paper's plain sums.
        **kwargs: ``keras.layers.Layer`` arguments (``name``, ``dtype``).

    Example:
        >>> layer = MinibatchDiscrimination(num_kernels=8, kernel_dim=4)
        >>> layer(keras.random.normal((6, 16))).shape
        (6, 24)
    """

    def __init__(self, num_kernels=50, kernel_dim=5, average=True, **kwargs):
        super().__init__(**kwargs)
        self.num_kernels = _check_positive_int(num_kernels, "num_kernels")
        self.kernel_dim = _check_positive_int(kernel_dim, "kernel_dim")
        self.average = bool(average)

    def build(self, input_shape):
        """Creates ``T`` of shape ``(A, B * C)`` for inputs ``(N, A)``."""
        if len(input_shape) != 2 or input_shape[-1] is None:
            raise ValueError(
                f"MinibatchDiscrimination takes (batch, features) inputs with a known feature "
                f"size; got {tuple(input_shape)}. Flatten image features first."
            )
        self.tensor = self.add_weight(
            name="T",
            shape=(int(input_shape[-1]), self.num_kernels * self.kernel_dim),
            initializer=keras.initializers.RandomNormal(stddev=0.02),
        )

    def call(self, inputs):
        """``[inputs, o(inputs)]``: ``(N, A + B)``."""
        x = ops.cast(inputs, "float32")
        m = ops.reshape(ops.matmul(x, ops.cast(self.tensor, "float32")),
                        (-1, self.num_kernels, self.kernel_dim))
        l1 = ops.sum(ops.abs(m[:, None, :, :] - m[None, :, :, :]), axis=-1)  # (N, N, B)
        closeness = ops.sum(ops.exp(-l1), axis=1) - 1.0  # self excluded: exp(0) = 1
        if self.average:
            n = ops.cast(ops.shape(x)[0], "float32")
            closeness = closeness / ops.maximum(n - 1.0, 1.0)
        features = ops.concatenate([x, closeness], axis=-1)
        return ops.cast(features, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        """``(N, A + num_kernels)``."""
        return (input_shape[0], input_shape[-1] + self.num_kernels)

    def get_config(self):
        """Layer config with ``num_kernels``, ``kernel_dim`` and ``average``."""
        return {**super().get_config(), "num_kernels": self.num_kernels,
                "kernel_dim": self.kernel_dim, "average": self.average}


@keras.saving.register_keras_serializable(package="kerasgan")
class MinibatchStddev(keras.layers.Layer):
    """Minibatch standard deviation (Karras et al., 2018, arXiv:1710.10196, section 3).

    The batch is cut into consecutive groups of ``group_size`` samples (the
    last group may be smaller); within each group the standard deviation of
    every feature (every pixel and channel) over the group's samples is taken
    and averaged into one number, which is appended to each sample of the
    group: one feature for ``(N, F)`` inputs, one constant feature map for
    ``(N, H, W, C)`` inputs. A generator whose samples are all alike gives a
    value near 0, which real batches do not. No weights. Computed in float32.

    Args:
        group_size: samples per group (4 in the paper).
        **kwargs: ``keras.layers.Layer`` arguments.

    Example:
        >>> MinibatchStddev()(keras.random.normal((8, 4, 4, 3))).shape
        (8, 4, 4, 4)
    """

    def __init__(self, group_size=4, **kwargs):
        super().__init__(**kwargs)
        self.group_size = _check_positive_int(group_size, "group_size")

    def call(self, inputs):
        """``inputs`` with the group's averaged standard deviation appended on the last axis."""
        x = ops.cast(inputs, "float32")
        n = ops.shape(x)[0]
        # A static group count when the batch size is known (XLA needs it).
        segments = None if x.shape[0] is None else -(-int(x.shape[0]) // self.group_size)
        groups = ops.floor_divide(ops.arange(n), self.group_size)
        flat = ops.reshape(x, (n, -1))

        def group_sum(values):
            return ops.segment_sum(values, groups, num_segments=segments, sorted=segments is None)

        count = group_sum(ops.ones((n, 1), "float32"))
        mean = group_sum(flat) / count
        variance = group_sum(ops.square(flat - ops.take(mean, groups, axis=0))) / count
        per_group = ops.mean(ops.sqrt(variance + 1e-8), axis=-1)  # (groups,)
        value = ops.take(per_group, groups, axis=0)  # (N,)
        value = ops.reshape(value, (-1,) + (1,) * (len(x.shape) - 1))
        feature = value * ops.ones_like(x[..., :1])
        return ops.cast(ops.concatenate([x, feature], axis=-1), self.compute_dtype)

    def compute_output_shape(self, input_shape):
        """The input shape with one more feature (channel)."""
        last = input_shape[-1]
        return tuple(input_shape[:-1]) + ((last + 1) if last is not None else None,)

    def get_config(self):
        """Layer config with ``group_size``."""
        return {**super().get_config(), "group_size": self.group_size}


@keras.saving.register_keras_serializable(package="kerasgan")
class PackSamples(keras.layers.Layer):
    """PacGAN's packing (Lin et al., 2018, arXiv:1712.04086): ``m`` samples judged as one.

    Consecutive samples ``x_{k m}, ..., x_{k m + m - 1}`` are concatenated
    along the last axis: ``(N, F)`` becomes ``(N / m, m F)`` and
    ``(N, H, W, C)`` becomes ``(N / m, H, W, m C)`` (channels, as in the
    paper). The discriminator after this layer returns ``N / m`` logits.

    Args:
        pack: ``m``, samples per packed input (``N`` must divide by it).
        **kwargs: ``keras.layers.Layer`` arguments.

    Raises:
        ValueError: (when called) a batch whose size does not divide by ``pack``.

    Example:
        >>> PackSamples(2)(keras.ops.ones((6, 2))).shape
        (3, 4)
    """

    def __init__(self, pack=2, **kwargs):
        super().__init__(**kwargs)
        self.pack = _check_positive_int(pack, "pack")

    def call(self, inputs):
        """The packed batch ``(N / m, ..., m C)``."""
        m = self.pack
        batch = inputs.shape[0]
        if batch is not None and batch % m:
            raise ValueError(
                f"pack={m} needs batches whose size divides by {m} (each replica's batch under a "
                f"distribution strategy); got a batch of {batch}. Use a batch_size that is a "
                f"multiple of {m} (data sets drop the incomplete last batch by default)."
            )
        inner = tuple(inputs.shape[1:])
        packs = -1 if batch is None else batch // m  # static when known (XLA, later layers)
        grouped = ops.reshape(inputs, (packs, m) + inner)
        if len(inner) > 1:  # images: the m samples go next to the channels
            order = (0,) + tuple(range(2, len(inner) + 1)) + (1, len(inner) + 1)
            grouped = ops.transpose(grouped, order)
        return ops.reshape(grouped, (packs,) + inner[:-1] + (inner[-1] * m,))

    def compute_output_shape(self, input_shape):
        """``(N / m, ..., m C)``."""
        batch = input_shape[0] // self.pack if input_shape[0] is not None else None
        return (batch,) + tuple(input_shape[1:-1]) + (input_shape[-1] * self.pack,)

    def get_config(self):
        """Layer config with ``pack``."""
        return {**super().get_config(), "pack": self.pack}
