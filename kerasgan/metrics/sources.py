"""Where samples come from: a kerasgan model, a Keras generator, a data set or arrays.

:func:`iter_batches` turns any of them into a stream of float32 numpy batches,
so every metric consumes samples batch by batch and never needs them all in
memory at once.
"""

from __future__ import annotations

from typing import Iterator, Optional

import numpy as np

__all__ = ["iter_batches", "is_generator_model", "chunk_seed", "prepend", "sample_shape", "DEFAULT_BATCH_SIZE"]

#: Samples generated (or read) per batch.
DEFAULT_BATCH_SIZE = 250


def chunk_seed(seed: int, index: int) -> int:
    """Seed of the ``index``-th generated chunk, derived from ``seed`` (distinct per chunk)."""
    return int(np.random.SeedSequence([int(seed), int(index)]).generate_state(1)[0] % (2**31 - 1))


def is_generator_model(source) -> bool:
    """True for a kerasgan GAN (has ``generate`` and ``latent_dim``) or a Keras model taking ``z``."""
    if hasattr(source, "generate") and hasattr(source, "latent_dim"):
        return True
    try:
        import keras
    except ImportError:  # pragma: no cover
        return False
    if isinstance(source, keras.Model):
        inputs = getattr(source, "inputs", None)
        return bool(inputs) and len(inputs[0].shape) == 2
    return False


def sample_shape(source) -> tuple:
    """Shape of one sample of a generator model, without drawing a whole batch.

    Reads the static output shape of ``source.generator`` (a kerasgan model)
    or of ``source`` (a Keras generator) when it is fully known; otherwise
    draws one sample (``generate(1, seed=0)``, or a zero latent).
    """
    if hasattr(source, "generator") and getattr(source.generator, "outputs", None):
        shape = tuple(source.generator.outputs[0].shape[1:])
        if all(d is not None for d in shape):
            return shape
    if hasattr(source, "generate"):
        return tuple(np.asarray(source.generate(1, seed=0)).shape[1:])
    shape = tuple(source.outputs[0].shape[1:])
    if any(d is None for d in shape):
        import tensorflow as tf

        return tuple(np.asarray(source(tf.zeros((1, source.inputs[0].shape[-1])))).shape[1:])
    return shape


def prepend(first, rest) -> Iterator:
    """Yields ``first``, then every item of ``rest`` (puts back a batch looked at in advance)."""
    yield first
    yield from rest


def _element_to_x(element):
    if isinstance(element, dict):
        if "x" not in element:
            raise ValueError(f"a dict batch needs an 'x' entry; got keys {sorted(element)}")
        element = element["x"]
    elif isinstance(element, (tuple, list)):
        element = element[0]
    return np.asarray(element, dtype=np.float32)


def iter_batches(
    source,
    num_samples: Optional[int] = None,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    seed: int = 0,
) -> Iterator[np.ndarray]:
    """Yields float32 numpy batches of samples from ``source``, ``num_samples`` in all.

    Args:
        source: one of

            * a kerasgan model (``generate(n, seed=...)``): chunk ``i`` is
              ``model.generate(b, seed=chunk_seed(seed, i))``, so a seed fixes
              the whole stream;
            * a Keras generator ``z -> x`` (input ``(None, latent_dim)``): fed
              standard-normal latents from a stateless seed;
            * a ``tf.data.Dataset`` of batches (elements ``x``, ``(x, y)`` or
              ``{"x": x}``) or any iterable of such batches;
            * a numpy array / tensor of samples (first axis = samples).
        num_samples: how many samples to yield. Required for generators;
            for data, ``None`` means all of it (a shorter source just ends).
        batch_size: chunk size for generators and arrays.
        seed: seed of generated samples.

    Yields:
        float32 arrays ``(B, ...)``.
    """
    batch_size = int(batch_size)
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if num_samples is not None and int(num_samples) < 1:
        raise ValueError(f"num_samples must be >= 1, got {num_samples!r}")
    if is_generator_model(source):
        if num_samples is None:
            raise ValueError("num_samples is required when samples come from a generator")
        yield from _from_generator(source, int(num_samples), batch_size, seed)
        return
    import tensorflow as tf

    if isinstance(source, (np.ndarray, tf.Tensor)) or (
        hasattr(source, "__array__") and not isinstance(source, tf.data.Dataset)
    ):
        x = np.asarray(source)
        stop = len(x) if num_samples is None else min(len(x), int(num_samples))
        for start in range(0, stop, batch_size):
            yield np.asarray(x[start : min(stop, start + batch_size)], dtype=np.float32)
        return
    if isinstance(source, (str, bytes)) or not hasattr(source, "__iter__"):
        raise TypeError(
            f"cannot draw samples from a {type(source).__name__}; pass a kerasgan model, a Keras "
            "generator, a tf.data.Dataset, an iterable of batches or an array"
        )
    remaining = None if num_samples is None else int(num_samples)
    for element in source:
        x = _element_to_x(element)
        if remaining is not None:
            x = x[:remaining]
            remaining -= len(x)
        if len(x):
            yield x
        if remaining is not None and remaining <= 0:
            return


def _from_generator(model, n, batch_size, seed):
    if hasattr(model, "generate"):
        for i, start in enumerate(range(0, n, batch_size)):
            b = min(batch_size, n - start)
            yield np.asarray(model.generate(b, seed=chunk_seed(seed, i), batch_size=b), dtype=np.float32)
        return
    import tensorflow as tf

    latent_dim = int(model.inputs[0].shape[-1])
    for i, start in enumerate(range(0, n, batch_size)):
        b = min(batch_size, n - start)
        z = tf.random.stateless_normal((b, latent_dim), seed=[chunk_seed(seed, i), 0])
        yield np.asarray(model(z, training=False), dtype=np.float32)
