"""Former home of the paired sources, kept so that existing imports work.

New code imports from the modules that own these names:
:mod:`kerasgan.data.digits_paired` (``digits-edges``, ``digits-inverse``, ``edges-digits``),
:mod:`kerasgan.data.folder_pairs` (``pairs:PATH``),
:mod:`kerasgan.data.folders` (folder helpers) and
:mod:`kerasgan.data.two_sided` (``direction``).
"""

from kerasgan.data.digits_paired import (
    DIGITS_PAIRED,
    EDGE_THRESHOLD,
    digits_pair_arrays,
    digits_pair_spec,
    load_digits_pairs,
)
from kerasgan.data.folder_pairs import PAIRS_DEFAULT_CHANNELS, load_pairs, pairs_spec
from kerasgan.data.folders import check_dir, parse_pairs_path, split_root
from kerasgan.data.two_sided import DIRECTIONS, check_direction

__all__ = [
    "DIGITS_PAIRED",
    "DIRECTIONS",
    "PAIRS_DEFAULT_CHANNELS",
    "EDGE_THRESHOLD",
    "check_direction",
    "digits_pair_arrays",
    "digits_pair_spec",
    "load_digits_pairs",
    "parse_pairs_path",
    "check_dir",
    "split_root",
    "pairs_spec",
    "load_pairs",
]
