"""Variant folding of Latin spellings, and the keys that names are compared on.

Spellings of one Arabic name in Latin letters differ in ways that carry no meaning: digraphs for
Arabic consonants (kh, gh, sh, th, dh), French and English habits (ou/u, ch/sh, dj/j, c/k/q),
letters Arabic lacks (p→b, v→f), vowel quality (e/i, o/u), w/y as vowels, doubled letters and a
final h. Folding maps each such family to one form. Uppercase letters are free after case
folding, so they serve as one-character symbols for digraphs.
"""

from __future__ import annotations

import re

# Longest first: "sch" before "ch", "dj" before plain d.
_DIGRAPHS = (
    ("sch", "S"),
    ("tch", "S"),
    ("dj", "g"),
    ("dh", "D"),
    ("kh", "X"),
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
_NOT_NAME = re.compile(r"[^a-zA-Z'`]")
_FINAL_H = re.compile(r"(?<=[aiu])h$")
# Mohammed, Muhammad, Mohamed, Mouhamad… after folding: m, vowel, h, vowel, m, vowel, d. Mahmoud
# (no vowel between h and m) stays out; Cyrillic spells the h as kh (Мохамед). The family gets one
# symbol; محمد (no vowels) joins it.
MOHAMMED = "MM"
_MOHAMMED = re.compile(r"^(?:m[aiu][hX][aiu]m[aiu]?d|mhmd|muhd|mhd)$")
_MOHAMMED_PREFIX = re.compile(r"^(m[aiu][hX][aiu]m[aiu]?d)(.{3,})$")
VOWELISH = frozenset("aiu'`")
CONSONANT_SILENT = VOWELISH | {"h"}
_CLASSES = str.maketrans({"G": "g", "D": "d", "T": "t", "X": "k", "S": "s", "z": "s"})


def fold_token(token: str, from_arabic: bool = False) -> str:
    """One ASCII token → its variant-folded form (vowels kept, ' and ` kept).

    ``from_arabic``: the token comes from :func:`arabic.arabic_to_latin`, which already writes one
    symbol per letter, so letter pairs are not read as digraphs (ك+ه is not kh).
    """
    if from_arabic:
        text = _NOT_NAME.sub("", token)
    else:
        text = _NOT_NAME.sub("", token.lower()).replace("x", "ks")
        text = _HARD_CH.sub("k", _SOFT_C.sub("s", text))
        for digraph, symbol in _DIGRAPHS:
            text = text.replace(digraph, symbol)
    text = text.translate(_LETTERS).translate(_VOWELS)
    text = _DOUBLES.sub(r"\1", text)
    text = _FINAL_H.sub("", text)
    if _MOHAMMED.match(text):
        return MOHAMMED
    return text


_READABLE = {MOHAMMED: "muhammad", "X": "kh", "G": "gh", "S": "sh", "T": "th", "D": "dh"}
_SYMBOL = re.compile("|".join(sorted(map(re.escape, _READABLE), key=len, reverse=True)))


def readable(key: str) -> str:
    """A key with its one-letter symbols spelled out again, for evidence shown to people."""
    return _SYMBOL.sub(lambda m: _READABLE[m[0]], key)


def split_glued(token: str) -> list[str]:
    """A handle such as ``mohamedsaleh`` starts with the Mohammed family: split it off."""
    match = _MOHAMMED_PREFIX.match(token)
    return [MOHAMMED, match[2]] if match else [token]


def vowel_key(token: str) -> str:
    """The folded token without hamza/ain marks: what Latin↔Latin comparisons use."""
    return token.replace("'", "").replace("`", "")


def consonant_key(token: str) -> str:
    """Consonants only (Arabic omits short vowels), with an ``a`` marking a vowel-initial word.

    Ain, hamza and h count as vowels: Latin spellings usually drop ain and hamza (عمر → Omar) and
    often h (Ehrlich إرليخ, Kahhal الكحال). Sounds that Latin and Arabic spell with different
    letters share one class: غ/g, ذ ظ/d, ث/t, خ/k (German ch, Spanish j), ش/s, ز/s.
    """
    if token == MOHAMMED:
        return token
    initial = "a" if token[:1] in CONSONANT_SILENT else ""
    # A final vowel is written in both scripts (ة ا ى ي / a e i y): Samira ≠ Samir. A final h
    # counts too: Latin drops it after a vowel (Fatimah), so صالح and Saleh must agree.
    final = "a" if len(token) > 1 and token[-1] in CONSONANT_SILENT else ""
    body = "".join(ch for ch in token if ch not in CONSONANT_SILENT).translate(_CLASSES)
    return _DOUBLES.sub(r"\1", initial + body + final)
