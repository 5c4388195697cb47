"""Variant folding of Latin spellings: the key Latin↔Latin comparisons use.

Spellings of one Arabic name in Latin letters differ in ways that carry no meaning: digraphs for
Arabic consonants (kh, gh, sh, th, dh), French and English habits (ou/u, ch/sh, dj/j, c/k/q),
letters Arabic lacks (p→b, v→f), vowel quality (e/i, o/u), w/y as vowels, doubled letters and a
final h. Folding maps each such family to one form. Uppercase letters are free after case
folding, so they serve as one-character symbols for digraphs. kh folds into h: خ is spelled h
in Turkish and Bosnian (Halil, Halid), and Cyrillic writes ه and ح as х (Салех = Saleh).
"""

from __future__ import annotations

import re

# Longest first: "sch" before "ch", "dj" before plain d. dzh is the Russian-style j (Dzhamal,
# Ahmadzhan: Central Asian and Caucasian names written from Cyrillic Дж).
_DIGRAPHS = (
    ("sch", "S"),
    ("tch", "S"),
    ("dzh", "g"),
    ("dj", "g"),
    ("dh", "D"),
    ("kh", "h"),
    ("gh", "G"),
    ("sh", "S"),
    ("ch", "S"),
    ("th", "T"),
    ("ph", "f"),
    ("ck", "k"),
    ("qu", "k"),
    ("ou", "u"),
    ("ee", "i"),
    ("oo", "u"),
)
_SOFT_C = re.compile("c(?=[eiy])")
_HARD_CH = re.compile("ch(?=[rl])")  # Christie, Chloe
_LETTERS = str.maketrans({"c": "k", "q": "k", "j": "g", "p": "b", "v": "f", "w": "u", "y": "i"})
_VOWELS = str.maketrans({"e": "i", "o": "u"})
_DOUBLES = re.compile(r"(.)\1+")
_NOT_NAME = re.compile(r"[^a-z'`]")
_MARKS = str.maketrans("", "", "'`")
_FINAL_H = re.compile(r"(?<=[aiu])h$")
# Mohammed, Muhammad, Mohamed, Mouhamad… after folding: m, vowel, h, vowel, m, vowel, d. Mahmoud
# (no vowel between h and m) stays out. The family gets one symbol. Also the Maghrebi M'hamed /
# Mhamed (civil registers of Morocco and Algeria write امحمد and محمد so), the abbreviations Mohd,
# Muhd, Md (Malaysia, Bangladesh, India: "Md." is Muhammad) and the Turkish Mehmet / Mehmed.
MOHAMMED = "MM"
_MOHAMMED = re.compile(r"^(?:m[aiu]h[aiu]m[aiu]?d|mh[aiu]m[aiu]?d|mhmd|muhd|mhd|md|mihmi[dt])$")


def fold_token(token: str) -> str:
    """One lower-case Latin word → its variant-folded key (without the Arabizi marks ' and `)."""
    text = _NOT_NAME.sub("", token).replace("x", "ks")
    text = _HARD_CH.sub("k", _SOFT_C.sub("s", text))
    for digraph, symbol in _DIGRAPHS:
        text = text.replace(digraph, symbol)
    text = text.translate(_LETTERS).translate(_VOWELS)
    text = _DOUBLES.sub(r"\1", text)
    text = _FINAL_H.sub("", text).translate(_MARKS)
    return MOHAMMED if _MOHAMMED.match(text) else text


_READABLE = {MOHAMMED: "muhammad", "G": "gh", "S": "sh", "T": "th", "D": "dh"}
_SYMBOL = re.compile("|".join(sorted(map(re.escape, _READABLE), key=len, reverse=True)))


def readable(key: str) -> str:
    """A key with its one-letter symbols spelled out again, for evidence shown to people."""
    return _SYMBOL.sub(lambda m: _READABLE[m[0]], key)
