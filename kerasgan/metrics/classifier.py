"""Classifier-based judges: Inception Score and class-histogram mode coverage.

Both read a classifier's outputs ``p(y|x)`` on generated samples, the "image
classifier" judge of the seed notes: a confident prediction per sample means
quality, a spread of predicted classes means diversity.

**Inception Score** (Salimans et al. 2016)::

    IS = exp( E_x KL(p(y|x) || p(y)) ),   p(y) = E_x p(y|x)
       = exp( E_x[sum_y p log p] - sum_y p(y) log p(y) )

With ``splits=S`` the samples are cut, in the order they were generated, into
``S`` consecutive parts of ``N // S`` samples (a remainder is left out of the
split scores), the score is computed on each part, and the mean and
(population) standard deviation over parts are reported, as in the authors'
code (10 splits of 50,000 samples). The single-split value over all ``N``
samples is reported too (``is_single``).

**Class-histogram mode coverage** (the mode-collapse / mode-dropping check):
the predicted class ``argmax_y p(y|x)`` of every sample is counted, and we
report the number of classes that received at least ``min_count`` samples
(``modes``), ``KL(histogram || uniform)`` in nats (``mode_kl``; 0 for perfectly
balanced classes, ``log(C/m)`` when ``m`` classes are hit equally) and the mean
of ``max_y p(y|x)`` (``mean_confidence``; quality). With ``min_confidence > 0``
only samples at least that confident are counted in the histogram.

:class:`ClassifierStats` accumulates both from logits in float64, batch by
batch.
"""

from __future__ import annotations

from typing import Dict, Optional

import numpy as np

from kerasgan.metrics.modes2d import reverse_kl_to_uniform

__all__ = [
    "ClassifierStats",
    "softmax",
    "inception_score_from_probs",
    "class_histogram_from_probs",
    "DEFAULT_SPLITS",
]

#: Splits of the Inception Score in Salimans et al.'s code.
DEFAULT_SPLITS = 10


def softmax(logits) -> np.ndarray:
    """Row-wise softmax in float64 (max-subtracted).

    Args:
        logits: ``(N, C)`` array.

    Returns:
        float64 ``(N, C)`` probabilities.
    """
    z = np.asarray(logits, dtype=np.float64)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _neg_entropy(p) -> np.ndarray:
    """``sum_y p log p`` per row with ``0 log 0 = 0``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    return terms.sum(axis=1)


def _score(sum_probs, sum_neg_entropy, n) -> float:
    py = sum_probs / n
    return float(np.exp(sum_neg_entropy / n - np.sum(_neg_entropy(py[None, :]))))


class ClassifierStats:
    """Streaming accumulator of the Inception Score and the class histogram.

    Args:
        num_classes: number of classifier outputs ``C``.
        splits: Inception Score splits (default 10).
        num_samples: total samples that will be added. When given, split
            statistics are accumulated on the fly (memory ``O(S*C)``); when
            ``None`` and ``splits > 1`` the per-sample probabilities are kept
            (float32, ``N*C``) until :meth:`result`.
        min_count: samples a class needs to count as covered (default 1).
        min_confidence: only samples with ``max p(y|x)`` at least this count
            in the class histogram (default 0: all).

    Example:
        >>> import numpy as np
        >>> acc = ClassifierStats(3, splits=1)
        >>> _ = acc.update(np.log(np.eye(3) + 1e-12))
        >>> round(acc.result()["is"], 6), acc.result()["modes"]
        (3.0, 3)
    """

    def __init__(
        self,
        num_classes: int,
        *,
        splits: int = DEFAULT_SPLITS,
        num_samples: Optional[int] = None,
        min_count: int = 1,
        min_confidence: float = 0.0,
    ):
        if int(num_classes) < 1:
            raise ValueError(f"num_classes must be >= 1, got {num_classes!r}")
        if int(splits) < 1:
            raise ValueError(f"splits must be >= 1, got {splits!r}")
        if int(min_count) < 1:
            raise ValueError(f"min_count must be >= 1, got {min_count!r}")
        self.num_classes = int(num_classes)
        self.splits = int(splits)
        self.num_samples = None if num_samples is None else int(num_samples)
        if self.num_samples is not None and self.splits > self.num_samples:
            raise ValueError(f"splits={splits} is more than num_samples={num_samples}")
        self.min_count = int(min_count)
        self.min_confidence = float(min_confidence)
        self.seen = 0
        self.sum_probs = np.zeros(self.num_classes)
        self.sum_neg_entropy = 0.0
        self.sum_confidence = 0.0
        self.counts = np.zeros(self.num_classes, dtype=np.int64)
        self._split_probs = np.zeros((self.splits, self.num_classes))
        self._split_neg_entropy = np.zeros(self.splits)
        self._split_n = np.zeros(self.splits, dtype=np.int64)
        self._kept = []

    def update_probs(self, probs) -> "ClassifierStats":
        """Adds a batch of class probabilities ``(N, C)`` (rows sum to 1)."""
        p = np.asarray(probs, dtype=np.float64)
        if p.ndim != 2 or p.shape[1] != self.num_classes:
            raise ValueError(f"expected probabilities of shape (N, {self.num_classes}), got {p.shape}")
        n = p.shape[0]
        if n == 0:
            return self
        if not np.all(np.isfinite(p)):
            raise ValueError("classifier outputs contain NaN or inf")
        negent = _neg_entropy(p)
        self.sum_probs += p.sum(axis=0)
        self.sum_neg_entropy += float(negent.sum())
        confidence = p.max(axis=1)
        self.sum_confidence += float(confidence.sum())
        confident = confidence >= self.min_confidence
        self.counts += np.bincount(p.argmax(axis=1)[confident], minlength=self.num_classes)
        if self.splits > 1:
            if self.num_samples is None:
                self._kept.append((p.astype(np.float32), negent))
            else:
                size = self.num_samples // self.splits
                index = np.arange(self.seen, self.seen + n) // size
                inside = index < self.splits
                np.add.at(self._split_probs, index[inside], p[inside])
                np.add.at(self._split_neg_entropy, index[inside], negent[inside])
                np.add.at(self._split_n, index[inside], 1)
        self.seen += n
        return self

    def update(self, logits) -> "ClassifierStats":
        """Adds a batch of logits ``(N, C)`` (softmax is taken in float64)."""
        return self.update_probs(softmax(logits))

    def _split_scores(self):
        if self.splits == 1:
            return np.array([_score(self.sum_probs, self.sum_neg_entropy, self.seen)])
        if self.num_samples is None:
            probs = np.concatenate([k[0] for k in self._kept]).astype(np.float64)
            negent = np.concatenate([k[1] for k in self._kept])
            size = len(probs) // self.splits
            if size < 1:
                raise ValueError(f"splits={self.splits} is more than the {len(probs)} samples seen")
            return np.array(
                [
                    _score(
                        probs[i * size : (i + 1) * size].sum(0), negent[i * size : (i + 1) * size].sum(), size
                    )
                    for i in range(self.splits)
                ]
            )
        if self.seen < self.num_samples:
            raise ValueError(f"expected {self.num_samples} samples for the splits, saw {self.seen}")
        return np.array(
            [
                _score(self._split_probs[i], self._split_neg_entropy[i], self._split_n[i])
                for i in range(self.splits)
            ]
        )

    def result(self) -> Dict[str, object]:
        """Inception Score and class-histogram values of every sample seen.

        Returns:
            dict with ``is`` (mean over splits), ``is_std``, ``is_single``
            (one split of all samples), ``is_splits``, ``modes`` (classes with
            at least ``min_count`` samples), ``num_classes``, ``mode_kl``
            (nats, NaN if no sample passed ``min_confidence``),
            ``mean_confidence``, ``class_counts`` (list), ``num_samples``.
        """
        if self.seen == 0:
            raise ValueError("no samples: call update() first")
        scores = self._split_scores()
        return {
            "is": float(scores.mean()),
            "is_std": float(scores.std()),
            "is_single": _score(self.sum_probs, self.sum_neg_entropy, self.seen),
            "is_splits": self.splits,
            "modes": int(np.sum(self.counts >= self.min_count)),
            "num_classes": self.num_classes,
            "mode_kl": reverse_kl_to_uniform(self.counts),
            "mean_confidence": self.sum_confidence / self.seen,
            "class_counts": [int(c) for c in self.counts],
            "num_samples": int(self.seen),
        }


def inception_score_from_probs(probs, splits: int = DEFAULT_SPLITS) -> Dict[str, float]:
    """Inception Score of an in-memory ``(N, C)`` probability array.

    Args:
        probs: ``p(y|x)`` rows.
        splits: number of consecutive parts (default 10).

    Returns:
        ``{"is", "is_std", "is_single", "is_splits"}``.
    """
    p = np.asarray(probs, dtype=np.float64)
    acc = ClassifierStats(p.shape[1], splits=splits, num_samples=p.shape[0]).update_probs(p)
    return {k: v for k, v in acc.result().items() if k.startswith("is")}


def class_histogram_from_probs(
    probs, *, min_count: int = 1, min_confidence: float = 0.0
) -> Dict[str, object]:
    """Class-histogram mode coverage of an in-memory ``(N, C)`` probability array.

    Returns:
        ``{"modes", "num_classes", "mode_kl", "mean_confidence", "class_counts"}``.
    """
    p = np.asarray(probs, dtype=np.float64)
    acc = ClassifierStats(p.shape[1], splits=1, min_count=min_count, min_confidence=min_confidence)
    result = acc.update_probs(p).result()
    return {k: result[k] for k in ("modes", "num_classes", "mode_kl", "mean_confidence", "class_counts")}
