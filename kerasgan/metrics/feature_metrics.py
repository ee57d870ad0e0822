"""Metrics that compare generated and real feature vectors: FID, KID, precision/recall.

All three read the extractor's features of the generated samples (accumulated
once by the Evaluator) and the real-data :class:`FeatureStats` of
:func:`kerasgan.metrics.reference_statistics`. The formulas live in
:mod:`~kerasgan.metrics.stats`, :mod:`~kerasgan.metrics.mmd` and
:mod:`~kerasgan.metrics.manifold`.
"""

from __future__ import annotations

import numpy as np

from kerasgan.metrics import mmd
from kerasgan.metrics.base import Metric
from kerasgan.metrics.manifold import DEFAULT_K, precision_recall_from_features
from kerasgan.metrics.stats import FeatureStats, frechet_distance

__all__ = ["FrechetInceptionDistance", "KernelInceptionDistance", "PrecisionRecall"]


def _vectors(reference: FeatureStats) -> np.ndarray:
    if not reference.keep_features:
        raise ValueError(
            "these reference statistics hold no feature vectors; KID and precision/recall need them"
        )
    return reference.features


class FrechetInceptionDistance(Metric):
    """``fid``: Fréchet distance between the Gaussians fitted to real and generated features.

    Values: ``fid``. See :func:`kerasgan.metrics.frechet_distance`.
    """

    name = "fid"
    needs_reference = True

    def compute(self, generated, reference, context):
        """Returns ``({"fid": d}, None)``."""
        value = frechet_distance(reference.mean, reference.covariance, generated.mean, generated.covariance)
        return {"fid": value}, None


class KernelInceptionDistance(Metric):
    """``kid``: unbiased squared MMD with a cubic polynomial kernel, averaged over subsets.

    Options: ``kid_subsets`` (100), ``kid_subset_size`` (1000). Values:
    ``kid``, ``kid_std``. See :func:`kerasgan.metrics.kid_from_features`.
    """

    name = "kid"
    options = {"kid_subsets": mmd.DEFAULT_SUBSETS, "kid_subset_size": mmd.DEFAULT_SUBSET_SIZE}
    needs_reference = True
    keeps_features = True

    def compute(self, generated, reference, context):
        """Returns ``({"kid", "kid_std"}, {"subsets", "subset_size", "kernel"})``; subsets drawn with the context's seed."""
        k = mmd.kid_from_features(
            _vectors(reference),
            generated.features,
            num_subsets=int(self.settings["kid_subsets"]),
            subset_size=int(self.settings["kid_subset_size"]),
            seed=context.seed,
        )
        protocol = {"subsets": k["kid_subsets"], "subset_size": k["kid_subset_size"], "kernel": "(x.y/d + 1)^3"}
        return {"kid": k["kid"], "kid_std": k["kid_std"]}, protocol


class PrecisionRecall(Metric):
    """``pr``: improved precision and recall (k-NN manifolds of real and generated features).

    Option: ``pr_k`` (3). Values: ``precision``, ``recall``, computed on the
    same number of real and generated vectors. See
    :func:`kerasgan.metrics.precision_recall_from_features`.
    """

    name = "pr"
    aliases = ("precision_recall", "precision", "recall")
    options = {"pr_k": DEFAULT_K}
    needs_reference = True
    keeps_features = True

    def compute(self, generated, reference, context):
        """Returns ``({"precision", "recall"}, {"k", "num_samples"})``."""
        real, fake = _vectors(reference), generated.features
        n = min(len(real), len(fake))
        k = int(self.settings["pr_k"])
        pr = precision_recall_from_features(real[:n], fake[:n], k=k)
        return {"precision": pr["precision"], "recall": pr["recall"]}, {"k": k, "num_samples": n}
