"""Consonant skeletons: the blocking key every pair of name parts must roughly share.

Both scripts map to one small alphabet of consonant classes; vowels, w/y (و ي as vowels), h, ain
and hamza are dropped, since the two scripts write them too differently to agree on. Classes are
wide on purpose: t, d, s, z, sh and the Arabic letters spelled with them are one class, since
ث (th, s, t), ذ (dh, z, d), ض (d, dh, z) and ظ (z, dh) cross between them; k, q, g, j, kh and
theirs are another, since ق (q, k, g), ج (j, g, dj) and غ (gh, g) cross too. The skeleton only has
to keep genuine pairs close while keeping most unrelated ones apart, so that the index can skip
them before the learned model scores them.
"""

from __future__ import annotations

import re

# Digraphs first (longest first), then single letters.
_LATIN_DIGRAPHS = (
    ("sch", "t"),
    ("tch", "t"),
    ("dj", "k"),
    ("zh", "k"),
    ("kh", "k"),
    ("gh", "k"),
    ("sh", "t"),
    ("ch", "t"),
    ("th", "t"),
    ("dh", "t"),
    ("ph", "f"),
    ("ck", "k"),
    ("qu", "k"),
    ("x", "kt"),
)
_LATIN_CLASSES = str.maketrans(
    {
        "p": "b",
        "v": "f",
        "d": "t",
        "s": "t",
        "z": "t",
        "j": "k",
        "g": "k",
        "c": "k",
        "q": "k",
        **dict.fromkeys("aeiouyhw'`"),
    }
)
_ARABIC_CLASSES = str.maketrans(
    {
        "ب": "b",
        "ف": "f",
        "ت": "t",
        "ط": "t",
        "ث": "t",
        "د": "t",
        "ض": "t",
        "ذ": "t",
        "ظ": "t",
        "س": "t",
        "ص": "t",
        "ز": "t",
        "ش": "t",
        "ج": "k",
        "غ": "k",
        "ك": "k",
        "ق": "k",
        "خ": "k",
        "ل": "l",
        "م": "m",
        "ن": "n",
        "ر": "r",
        **dict.fromkeys("اويىةهعءحأإآئؤ|"),
    }
)
_DOUBLES = re.compile(r"(.)\1+")


def latin_skeleton(letters: str) -> str:
    """``mohamed`` → ``mmt``; ``djermane`` → ``grmn``."""
    for digraph, symbol in _LATIN_DIGRAPHS:
        if digraph[-1] in letters:  # most names have no h, j, k, u or x: skip their digraphs
            letters = letters.replace(digraph, symbol)
    return _DOUBLES.sub(r"\1", letters.translate(_LATIN_CLASSES))


def arabic_skeleton(letters: str) -> str:
    """``محمد`` → ``mmt``; ``جرمان`` → ``grmn``. Letters outside the table are dropped."""
    skeleton = letters.translate(_ARABIC_CLASSES)
    return _DOUBLES.sub(r"\1", "".join(ch for ch in skeleton if ch.isascii()))
