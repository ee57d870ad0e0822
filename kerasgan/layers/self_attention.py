"""Self-attention over the positions of a feature map (SAGAN, Zhang et al. 2019)."""

from __future__ import annotations

import keras
from keras import ops

__all__ = ["SelfAttention"]


@keras.saving.register_keras_serializable(package="kerasgan")
class SelfAttention(keras.layers.Layer):
    """SAGAN's self-attention block: every position attends to every (pooled) position.

    For an input ``x`` of shape ``(B, H, W, C)``:

    * 1x1 convolutions give queries and keys of ``C // key_ratio`` channels
      (``C/8`` in the paper) and values of ``C // value_ratio`` (``C/2``);
    * keys and values are 2x2 max-pooled (``pool=True``), so the ``H*W``
      queries attend to ``H*W/4`` positions;
    * ``beta = softmax(q k^T)`` over those positions (computed in float32,
      so the layer is safe under ``mixed_float16`` / ``mixed_bfloat16``);
    * ``o = beta v`` is projected back to ``C`` channels by a 1x1 convolution;
    * the output is ``x + gamma * o`` with ``gamma`` a trainable scalar that
      starts at 0, so the block begins as the identity and the networks learn
      how much non-local evidence to use.

    Every convolution is wrapped in ``keras.layers.SpectralNormalization``
    when ``spectral_norm=True`` (the paper's setting, in G and D alike).

    Args:
        spectral_norm: spectrally normalise the four 1x1 convolutions.
        key_ratio: channels of queries/keys are ``max(1, C // key_ratio)``.
        value_ratio: channels of values are ``max(1, C // value_ratio)``.
        pool: 2x2 max-pool keys and values (odd sides are padded).
        **kwargs: base ``keras.layers.Layer`` arguments (``name``, ``dtype``).

    Attributes:
        gamma: the scalar weight of the attention branch (a float32 variable).

    Example:
        >>> layer = SelfAttention()
        >>> y = layer(np.random.rand(2, 8, 8, 16).astype("float32"))
        >>> y.shape, float(layer.gamma.numpy())   # gamma starts at 0: y == x
        (TensorShape([2, 8, 8, 16]), 0.0)

    Reference:
        Zhang, Goodfellow, Metaxas & Odena, "Self-Attention Generative
        Adversarial Networks", ICML 2019 (arXiv:1805.08318).
    """

    def __init__(self, spectral_norm=True, key_ratio=8, value_ratio=2, pool=True, **kwargs):
        super().__init__(**kwargs)
        for label, value in (("key_ratio", key_ratio), ("value_ratio", value_ratio)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"SelfAttention {label} must be an int >= 1, got {value!r}.")
        self.spectral_norm = bool(spectral_norm)
        self.key_ratio = int(key_ratio)
        self.value_ratio = int(value_ratio)
        self.pool = bool(pool)
        self.supports_masking = False

    def _conv(self, filters, name):
        inner = keras.layers.Conv2D(
            filters, 1, use_bias=False, kernel_initializer="glorot_uniform", dtype=self.dtype_policy,
            name=f"{name}_inner" if self.spectral_norm else name,
        )
        if not self.spectral_norm:
            return inner
        return keras.layers.SpectralNormalization(inner, dtype=self.dtype_policy, name=name)

    def build(self, input_shape):
        """Creates the 1x1 convolutions (for ``C = input_shape[-1]``) and ``gamma``."""
        if len(input_shape) != 4 or input_shape[-1] is None:
            raise ValueError(
                f"SelfAttention takes NHWC feature maps with a known channel count; got shape {input_shape}."
            )
        channels = int(input_shape[-1])
        self._keys = max(1, channels // self.key_ratio)
        self._values = max(1, channels // self.value_ratio)
        self.query = self._conv(self._keys, "query")
        self.key = self._conv(self._keys, "key")
        self.value = self._conv(self._values, "value")
        self.projection = self._conv(channels, "projection")
        self.query.build(input_shape)
        self.key.build(input_shape)
        self.value.build(input_shape)
        self.projection.build(tuple(input_shape[:-1]) + (self._values,))
        self.gamma = self.add_weight(shape=(), initializer="zeros", trainable=True, name="gamma",
                                     dtype="float32")

    def _pooled(self, h):
        if not self.pool:
            return h
        return ops.max_pool(h, pool_size=2, strides=2, padding="same")

    def call(self, x, training=False):
        """``x + gamma * attention(x)``, the same shape and dtype as ``x``."""
        height, width = x.shape[1], x.shape[2]
        if height is None or width is None:
            height, width = ops.shape(x)[1], ops.shape(x)[2]
        q = self.query(x, training=training)
        k = self._pooled(self.key(x, training=training))
        v = self._pooled(self.value(x, training=training))
        q = ops.reshape(q, (-1, height * width, self._keys))
        k = ops.reshape(k, (-1, k.shape[1] * k.shape[2], self._keys))
        v = ops.reshape(v, (-1, v.shape[1] * v.shape[2], self._values))
        logits = ops.matmul(ops.cast(q, "float32"), ops.transpose(ops.cast(k, "float32"), (0, 2, 1)))
        beta = ops.softmax(logits, axis=-1)
        attended = ops.matmul(beta, ops.cast(v, "float32"))
        attended = ops.reshape(ops.cast(attended, x.dtype), (-1, height, width, self._values))
        out = self.projection(attended, training=training)
        return x + ops.cast(self.gamma, x.dtype) * ops.cast(out, x.dtype)

    def compute_output_shape(self, input_shape):
        """The input's shape."""
        return input_shape

    def get_config(self):
        """The constructor arguments."""
        return {
            **super().get_config(),
            "spectral_norm": self.spectral_norm,
            "key_ratio": self.key_ratio,
            "value_ratio": self.value_ratio,
            "pool": self.pool,
        }
