"""``name.deceptive_characters``: invisible or bidi controls, letters of several scripts inside
one word, or decorative letters — tricks that make a name look like another or evade matching."""

from __future__ import annotations

import unicodedata

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.names.confusables import is_lookalike_token
from heuristics.profile import Profile
from heuristics.signals.base import Signal, SignalParams
from heuristics.text import is_decorative, is_invisible, joiner_is_legitimate, script_of


def deceptive_kinds(text: str) -> dict[str, int]:
    """Count each kind of deceptive character in ``text`` (only kinds that occur)."""
    kinds: dict[str, int] = {}
    if text.isascii():  # no ASCII character is invisible, decorative or of a second script
        return kinds
    for index, ch in enumerate(text):
        if is_invisible(ch) and not joiner_is_legitimate(text, index):
            kinds["invisible"] = kinds.get("invisible", 0) + 1
        elif is_decorative(ch):
            kinds["decorative"] = kinds.get("decorative", 0) + 1
    for word in unicodedata.normalize("NFC", text).split():
        scripts = {s for s in map(script_of, word) if s is not None}
        # Latin words with look-alike foreign letters are name.lookalike_characters' evidence.
        if len(scripts) > 1 and not is_lookalike_token(word):
            kinds["mixed_script"] = kinds.get("mixed_script", 0) + 1
    return kinds


class DeceptiveCharacters(Signal):
    code = "name.deceptive_characters"
    description = "Display name or handle uses invisible/bidi characters, mixed scripts in a word, or styled letters."
    Params = SignalParams

    def detect(self, profile: Profile, context: CheckContext, params: SignalParams) -> Detection | None:
        found: dict[str, int] = {}
        for text in (profile.display_name, profile.handle):
            for kind, count in deceptive_kinds(text or "").items():
                found[kind] = found.get(kind, 0) + count
        if not found:
            return None
        return Detection({"kinds": sorted(found), "count": sum(found.values())})
