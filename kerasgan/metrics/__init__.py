"""Evaluation metrics for kerasgan models."""

from kerasgan.metrics.modes2d import ModeCoverage, mode_coverage, mode_coverage_for

__all__ = ["ModeCoverage", "mode_coverage", "mode_coverage_for"]
