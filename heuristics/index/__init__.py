"""Near-duplicate search over 64-bit perceptual hashes."""

from heuristics.index.hamming import HammingIndex, scan

__all__ = ["HammingIndex", "scan"]
