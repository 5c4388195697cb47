"""Names across scripts: normalisation, similarity and an index of stored names.

>>> similarity("محمد صالح", "Mohamed Saleh").score >= 0.9
True
>>> similarity("Samir", "Samira").score < 0.92
True
"""

from heuristics.names.index import NameIndex, NameMatch
from heuristics.names.normalise import NameKeys, NormalisedName, normalise
from heuristics.names.similarity import NameSimilarity, compare, similarity

__all__ = [
    "NameIndex",
    "NameKeys",
    "NameMatch",
    "NameSimilarity",
    "NormalisedName",
    "compare",
    "normalise",
    "similarity",
]
