"""Near-duplicate search over 64-bit perceptual hashes and over avatar fingerprints."""

from heuristics.index.fingerprints import FingerprintIndex
from heuristics.index.hamming import HammingIndex, scan

__all__ = ["FingerprintIndex", "HammingIndex", "scan"]
