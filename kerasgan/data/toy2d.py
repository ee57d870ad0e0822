"""2-D Gaussian-mixture benchmarks for mode collapse: ``ring8`` and ``grid25``.

These are the synthetic sets of VEEGAN (Srivastava et al., 2017) and PacGAN
(Lin et al., 2018):

* ``ring8``  -- 8 isotropic Gaussians with means ``(cos(2*pi*k/8), sin(2*pi*k/8))``
  (radius 1), standard deviation 0.01 (variance 1e-4);
* ``grid25`` -- 25 isotropic Gaussians with means in ``{-4,-2,0,2,4}^2``,
  standard deviation 0.05 (variance 0.0025).

Modes are equally likely. Points are NOT rescaled (they are coordinates, not
images). This module is pure numpy; :func:`kerasgan.data.load` wraps it in a
``tf.data`` pipeline.
"""

from __future__ import annotations

import dataclasses
from typing import Dict, Tuple, Union

import numpy as np
import tensorflow as tf

from kerasgan.data import pipeline, registry
from kerasgan.data.base import DataSpec

__all__ = ["GaussianMixture2D", "TOY2D", "DEFAULT_EPOCH_SIZE", "get"]

#: Points per epoch for synthetic sets when ``epoch_size`` is not given.
DEFAULT_EPOCH_SIZE = 10_000


@dataclasses.dataclass(frozen=True, eq=False)
class GaussianMixture2D:
    """An equal-weight mixture of isotropic 2-D Gaussians.

    Attributes:
        name: Registry name (``"ring8"``/``"grid25"``).
        centers: float64 array ``(K, 2)`` of mode means (read-only).
        std: Standard deviation of every component (same on both axes).

    Example:
        >>> ring = TOY2D["ring8"]
        >>> ring.centers.shape, ring.std
        ((8, 2), 0.01)
        >>> x, y = ring.sample(4, seed=0, with_labels=True)
        >>> x.shape, y.dtype
        ((4, 2), dtype('int32'))
    """

    name: str
    centers: np.ndarray
    std: float

    def __post_init__(self):
        centers = np.array(self.centers, dtype=np.float64)
        if centers.ndim != 2 or centers.shape[1] != 2 or centers.shape[0] < 1:
            raise ValueError(f"centers must have shape (K, 2), got {centers.shape}")
        if not self.std > 0:
            raise ValueError(f"std must be > 0, got {self.std!r}")
        centers.setflags(write=False)
        object.__setattr__(self, "centers", centers)
        object.__setattr__(self, "std", float(self.std))

    @property
    def num_modes(self) -> int:
        """Number of mixture components ``K``.

        Example:
            >>> TOY2D["grid25"].num_modes
            25
        """
        return int(self.centers.shape[0])

    def sample(
        self, n: int, seed=0, *, with_labels: bool = False
    ) -> Union[np.ndarray, Tuple[np.ndarray, np.ndarray]]:
        """Draw ``n`` points reproducibly.

        Each point picks a mode uniformly at random, then adds
        ``N(0, std^2 I)`` noise.

        Args:
            n: Number of points (>= 0).
            seed: Anything :func:`numpy.random.default_rng` accepts (int,
                sequence of ints, ``SeedSequence``). Same seed, same points.
            with_labels: Also return the index of the mode each point was
                drawn from.

        Returns:
            float32 array ``(n, 2)``, or ``(points, labels)`` with int32
            labels in ``[0, K)`` when ``with_labels=True``.

        Example:
            >>> pts = TOY2D["grid25"].sample(1000, seed=1)
            >>> bool(abs(pts).max() < 5)
            True
        """
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"n must be an int >= 0, got {n!r}")
        rng = np.random.default_rng(seed)
        labels = rng.integers(0, self.num_modes, size=int(n))
        noise = rng.standard_normal((int(n), 2))
        points = (self.centers[labels] + self.std * noise).astype(np.float32)
        if with_labels:
            return points, labels.astype(np.int32)
        return points


def _ring(num_modes: int, radius: float) -> np.ndarray:
    angles = 2.0 * np.pi * np.arange(num_modes) / num_modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def _grid(values) -> np.ndarray:
    xs, ys = np.meshgrid(np.asarray(values, np.float64), np.asarray(values, np.float64), indexing="ij")
    return np.stack([xs.ravel(), ys.ravel()], axis=1)


#: The built-in 2-D benchmarks, by name.
TOY2D: Dict[str, GaussianMixture2D] = {
    "ring8": GaussianMixture2D("ring8", _ring(8, 1.0), 0.01),
    "grid25": GaussianMixture2D("grid25", _grid([-4, -2, 0, 2, 4]), 0.05),
}


def get(name: str) -> GaussianMixture2D:
    """Return the mixture registered under ``name``.

    Args:
        name: ``"ring8"`` or ``"grid25"``.

    Returns:
        The :class:`GaussianMixture2D`.

    Raises:
        KeyError: for any other name.

    Example:
        >>> get("ring8").num_modes
        8
    """
    try:
        return TOY2D[name]
    except KeyError:
        raise KeyError(f"no 2-D mixture named {name!r}; choices: {sorted(TOY2D)}") from None


_SPLIT_STREAM = {"train": 0, "test": 1, "all": 2}


def spec(name: str) -> DataSpec:
    """Describe a 2-D benchmark without sampling it.

    Args:
        name: ``"ring8"`` or ``"grid25"``.

    Returns:
        :class:`kerasgan.data.DataSpec` with ``kind="points"``, ``shape=(2,)``
        and ``num_classes`` = number of modes (labels are mode indices).

    Example:
        >>> spec("grid25").num_classes
        25
    """
    return DataSpec(name, "points", (2,), get(name).num_modes)


def load(
    name: str,
    batch_size: int,
    *,
    split: str = "train",
    shuffle: bool = True,
    seed: int = 0,
    with_labels: bool = False,
    epoch_size=None,
    drop_remainder: bool = True,
) -> tf.data.Dataset:
    """Build the batched ``tf.data`` pipeline of a 2-D benchmark.

    ``epoch_size`` points (default :data:`DEFAULT_EPOCH_SIZE`) are drawn once
    with numpy from ``(seed, split)`` and then reshuffled every epoch, so runs
    are reproducible and ``--epochs`` means the same amount of data for every
    set. ``split="test"`` (and ``"all"``) draw an independent sample.

    Args:
        name: ``"ring8"`` or ``"grid25"``.
        batch_size: Points per batch (validated by the caller).
        split: ``"train"``, ``"test"`` or ``"all"``.
        shuffle: Reshuffle the points every epoch.
        seed: Seed for drawing and shuffling.
        with_labels: Yield ``(x, y)`` with int32 mode indices.
        epoch_size: Points per epoch.
        drop_remainder: Drop the last incomplete batch.

    Returns:
        ``tf.data.Dataset`` of float32 ``(B, 2)`` (or ``((B, 2), (B,))``).

    Example:
        >>> ds = load("ring8", 100, epoch_size=1000)
        >>> next(iter(ds)).shape
        TensorShape([100, 2])
    """
    pipeline.check_split(split, tuple(_SPLIT_STREAM), name)
    n = pipeline.check_epoch_size(epoch_size) or DEFAULT_EPOCH_SIZE
    seq = np.random.SeedSequence([int(seed), _SPLIT_STREAM[split], 2024])
    points, labels = get(name).sample(n, seed=seq, with_labels=True)
    ds = tf.data.Dataset.from_tensor_slices((points, labels) if with_labels else points)
    return pipeline.finalize(
        ds,
        name=name,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=seed,
        shuffle_buffer=n,
        epoch_size=None,  # the drawn sample already is one epoch
        drop_remainder=drop_remainder,
    )


def _reject_image_args(name, image_size, channels):
    if image_size is not None or channels is not None:
        raise ValueError(
            f"{name!r} is a 2-D point data set: image_size and channels do not apply "
            f"(got image_size={image_size!r}, channels={channels!r}); leave them None"
        )


def _spec(name, image_size=None, channels=None, data_dir=None):
    _reject_image_args(name, image_size, channels)
    return spec(name)


def _load(name, batch_size, *, image_size, channels, data_dir, **options):
    _reject_image_args(name, image_size, channels)
    return load(name, batch_size, **options)


registry.register(registry.DataSource(_spec, _load, names=tuple(TOY2D)))
