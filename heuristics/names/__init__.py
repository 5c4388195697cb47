"""Names across scripts: normalisation, similarity and an index of stored names.

>>> similarity("محمد صالح", "Mohamed Saleh").score >= 0.9
True
>>> similarity("Samir", "Samira").score < 0.92
True
"""

from heuristics.names.index import NameIndex, NameMatch
from heuristics.names.normalise import NameReading, NormalisedName, Part, normalise
from heuristics.names.similarity import NameSimilarity, compare, similarity

__all__ = [
    "NameIndex",
    "NameMatch",
    "NameReading",
    "NameSimilarity",
    "NormalisedName",
    "Part",
    "compare",
    "normalise",
    "similarity",
]
