"""The gradient-reversal layer of domain-adversarial training (Ganin & Lempitsky 2015)."""

from __future__ import annotations

import math

import keras

__all__ = ["GradientReversal", "reversal_schedule"]


def reversal_schedule(progress, gamma=10.0):
    """Ganin et al.'s reversal strength ``2 / (1 + exp(-gamma * p)) - 1`` at training progress ``p``.

    It rises from 0 at the start (``p = 0``) towards 1 (0.9866 at ``p = 1``
    with ``gamma = 10``), so the domain signal, noisy while the features are
    still random, is kept small early on.

    Args:
        progress: ``p`` in [0, 1], a float or a tensor.
        gamma: steepness (10 in the paper).

    Returns:
        ``lambda`` of the same type as ``progress``.

    Example:
        >>> round(reversal_schedule(0.0), 4), round(reversal_schedule(1.0), 4)
        (0.0, 0.9866)
    """
    if isinstance(progress, (int, float)):
        return 2.0 / (1.0 + math.exp(-gamma * float(progress))) - 1.0
    return 2.0 / (1.0 + keras.ops.exp(-gamma * progress)) - 1.0


@keras.saving.register_keras_serializable(package="kerasgan")
class GradientReversal(keras.layers.Layer):
    """Identity on the forward pass, ``-lambda`` times the gradient on the backward pass.

    Placed between a feature extractor and a domain discriminator, it lets
    one minimisation train the discriminator to tell the domains apart and
    the features to make them indistinguishable (Ganin & Lempitsky 2015,
    arXiv:1409.7495). It is written as
    ``stop_gradient(x) - lambda * (x - stop_gradient(x))``: the forward
    value is exactly ``x`` and the gradient with respect to ``x`` is
    ``-lambda``, on every backend, under XLA and mixed precision.

    Args:
        strength: the default ``lambda`` (1.0), used when ``call`` gets none.
        **kwargs: ``keras.layers.Layer`` arguments.

    Call args:
        inputs: any tensor.
        strength: ``lambda`` for this call (a float or scalar tensor, e.g.
            the schedule :func:`reversal_schedule` of training progress);
            ``None`` uses the layer's ``strength``.

    Example:
        >>> layer = GradientReversal()
        >>> x = keras.ops.ones((2, 3))
        >>> bool(keras.ops.all(layer(x, strength=0.5) == x))
        True
    """

    def __init__(self, strength=1.0, **kwargs):
        super().__init__(**kwargs)
        self.strength = float(strength)
        self.supports_masking = True

    def call(self, inputs, strength=None):
        """Returns ``inputs``; gradients flowing back are multiplied by ``-strength``."""
        lam = self.strength if strength is None else strength
        lam = keras.ops.cast(lam, inputs.dtype)
        held = keras.ops.stop_gradient(inputs)
        return held - lam * (inputs - held)

    def compute_output_shape(self, input_shape):
        """Same as the input's."""
        return input_shape

    def get_config(self):
        """Adds ``strength``."""
        return {**super().get_config(), "strength": self.strength}
