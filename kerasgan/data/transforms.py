"""Pure image transforms that turn one image domain into another.

They build the digit-derived paired / unpaired / multi-domain sets
(``digits-edges``, ``digits-inverse``, ``digits-rotated``, ``digits-thick``,
``digits-domains``) and are usable on their own.

Conventions, shared by every function here:

* images are channels-last numpy arrays (``tf.Tensor`` inputs are converted
  with ``np.asarray``), either one image ``(H, W, C)`` or a batch
  ``(N, H, W, C)``; spatial operations act on the ``H, W`` axes (``-3, -2``)
  and on each channel separately;
* values are in the model range [-1, 1] (-1 = background/black, +1 =
  ink/white) and outputs stay in it;
* results are new float32 arrays; inputs are never modified.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "unchanged",
    "invert",
    "rotate90",
    "grey_dilation",
    "grey_erosion",
    "morphological_gradient",
    "edge_map",
    "thicken",
]


def _as_image(x, fname: str) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    if x.ndim not in (3, 4):
        raise ValueError(
            f"{fname} expects an image (H, W, C) or a batch (N, H, W, C), got shape {x.shape}"
        )
    return x


def _check_window(size, fname: str) -> int:
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"{fname}: size must be an int >= 1, got {size!r}")
    return int(size)


def unchanged(x) -> np.ndarray:
    """The identity transform: a float32 copy of ``x``.

    Declares that an image needs no undoing (e.g. thicker strokes are still
    the same digit), as opposed to ``None``: no inverse is known.

    Args:
        x: Image ``(H, W, C)`` or batch ``(N, H, W, C)``.

    Returns:
        float32 array equal to ``x``.

    Example:
        >>> float(unchanged(np.full((2, 2, 1), 0.5))[1, 1, 0])
        0.5
    """
    return _as_image(x, "unchanged").copy()


def invert(x) -> np.ndarray:
    """Photographic negative in the model range: ``-x``.

    ``invert(invert(x)) == x`` exactly (negation is exact in floating point).

    Args:
        x: Image ``(H, W, C)`` or batch ``(N, H, W, C)`` in [-1, 1].

    Returns:
        float32 array of the same shape.

    Example:
        >>> float(invert(np.full((2, 2, 1), -1.0))[0, 0, 0])
        1.0
    """
    return -_as_image(x, "invert")


def rotate90(x, k: int = 1) -> np.ndarray:
    """Rotate by ``k`` quarter turns counter-clockwise (``np.rot90`` on H, W).

    Exact (a permutation of pixels): four quarter turns give back the input.
    Non-square images swap height and width for odd ``k``.

    Args:
        x: Image ``(H, W, C)`` or batch ``(N, H, W, C)``.
        k: Number of quarter turns (any int; negative turns clockwise).

    Returns:
        float32 array, ``(W, H, C)`` for odd ``k``.

    Example:
        >>> img = np.arange(4, dtype=np.float32).reshape(2, 2, 1)
        >>> rotate90(img)[..., 0]
        array([[1., 3.],
               [0., 2.]], dtype=float32)
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise ValueError(f"rotate90: k must be an int, got {k!r}")
    x = _as_image(x, "rotate90")
    return np.ascontiguousarray(np.rot90(x, int(k), axes=(x.ndim - 3, x.ndim - 2)))


def _window_reduce(x: np.ndarray, size: int, reduce, pad_value: float) -> np.ndarray:
    """``reduce`` over every ``size x size`` window ("same" output size).

    The window at pixel (i, j) covers offsets ``-(size - 1) // 2 .. size // 2``
    on both axes, so it always contains the pixel itself; outside the image
    counts as ``pad_value`` (the reduction's identity), so borders are not
    biased.
    """
    lo, hi = (size - 1) // 2, size // 2
    pad = [(0, 0)] * x.ndim
    pad[-3] = pad[-2] = (lo, hi)
    padded = np.pad(x, pad, mode="constant", constant_values=pad_value)
    windows = np.lib.stride_tricks.sliding_window_view(padded, (size, size), axis=(x.ndim - 3, x.ndim - 2))
    return reduce(windows, axis=(-2, -1)).astype(np.float32)


def grey_dilation(x, size: int = 3) -> np.ndarray:
    """Grey-scale dilation: each pixel becomes the max of its ``size x size`` window.

    A stride-1 "same" max-pool. Never decreases a pixel (the window holds the
    pixel itself).

    Args:
        x: Image ``(H, W, C)`` or batch ``(N, H, W, C)``.
        size: Window side (int >= 1; 1 is the identity).

    Returns:
        float32 array of the same shape.

    Example:
        >>> img = -np.ones((3, 3, 1), np.float32); img[1, 1] = 1
        >>> float(grey_dilation(img).min())
        1.0
    """
    size = _check_window(size, "grey_dilation")
    return _window_reduce(_as_image(x, "grey_dilation"), size, np.max, -np.inf)


def grey_erosion(x, size: int = 3) -> np.ndarray:
    """Grey-scale erosion: each pixel becomes the min of its ``size x size`` window.

    Args:
        x: Image ``(H, W, C)`` or batch ``(N, H, W, C)``.
        size: Window side (int >= 1; 1 is the identity).

    Returns:
        float32 array of the same shape; never larger than ``x``.

    Example:
        >>> img = -np.ones((3, 3, 1), np.float32); img[1, 1] = 1
        >>> float(grey_erosion(img).max())
        -1.0
    """
    size = _check_window(size, "grey_erosion")
    return _window_reduce(_as_image(x, "grey_erosion"), size, np.min, np.inf)


def morphological_gradient(x, size: int = 3) -> np.ndarray:
    """Edge strength: ``grey_dilation(x) - grey_erosion(x)`` (>= 0).

    Zero wherever the ``size x size`` neighbourhood is constant, so a
    constant image has no edges. For model-range input the result is in
    [0, 2].

    Args:
        x: Image ``(H, W, C)`` or batch ``(N, H, W, C)``.
        size: Window side (int >= 1).

    Returns:
        float32 array of the same shape, >= 0.

    Example:
        >>> float(morphological_gradient(np.full((4, 4, 1), 0.3)).max())
        0.0
    """
    size = _check_window(size, "morphological_gradient")
    x = _as_image(x, "morphological_gradient")
    return grey_dilation(x, size) - grey_erosion(x, size)


def edge_map(x, threshold: float = 0.5, size: int = 3) -> np.ndarray:
    """Binary edge map of a model-range image: +1 on edges, -1 elsewhere.

    A pixel is an edge when its :func:`morphological_gradient`, measured in
    [0, 1] intensity units (half the model-range gradient), exceeds
    ``threshold``. A constant image has no edges (all -1).

    Args:
        x: Image ``(H, W, C)`` or batch ``(N, H, W, C)`` in [-1, 1].
        threshold: Edge threshold in (0, 1): the minimum intensity change
            (on a [0, 1] scale) across a ``size x size`` window.
        size: Window side of the gradient (int >= 2).

    Returns:
        float32 array of the same shape with values in {-1, +1}.

    Example:
        >>> img = -np.ones((6, 6, 1), np.float32); img[:, 3:] = 1  # a vertical step
        >>> edge_map(img)[0, :, 0]
        array([-1., -1.,  1.,  1., -1., -1.], dtype=float32)
    """
    if not 0.0 < float(threshold) < 1.0:
        raise ValueError(f"edge_map: threshold must be in (0, 1), got {threshold!r}")
    size = _check_window(size, "edge_map")
    if size < 2:
        raise ValueError(f"edge_map: size must be >= 2 (a 1x1 window sees no edges), got {size}")
    strength01 = morphological_gradient(x, size) / 2.0
    return np.where(strength01 > float(threshold), 1.0, -1.0).astype(np.float32)


def thicken(x, size: int = 3) -> np.ndarray:
    """Thicker strokes: grey dilation of the bright ink with a ``size x size`` window.

    Bright strokes on a dark background grow by about ``size - 1`` pixels in
    width. No pixel ever decreases.

    Args:
        x: Image ``(H, W, C)`` or batch ``(N, H, W, C)`` in [-1, 1].
        size: Window side (int >= 1; 1 is the identity).

    Returns:
        float32 array of the same shape.

    Example:
        >>> img = -np.ones((5, 5, 1), np.float32); img[:, 2] = 1  # 1-px line
        >>> int((thicken(img)[0, :, 0] > 0).sum())
        3
    """
    return grey_dilation(x, size)
