"""Closed sets of names that letters alone tell apart badly across scripts, as data: a pair of
parts across scripts in which *both* sides are names of one set must be the same name of it.

- **Names of one root or one vowel apart** (:data:`RELATED_ARABIC`, :data:`RELATED_LATIN`):
  احمد / محمود / حامد / حمد (ح م د: Ahmed, Mahmoud, Hamid, Hamad), حسن / حسين (Hassan /
  Hussein), خالد / خليل (Khaled / Khalil). Brothers are often named so; the learned model writes
  one as the other for little (حامد = a-h-m-e-d less one vowel). محمد, the commonest, has its own
  stricter rule (:func:`units.name_rules_allow`).
- **The name of God after Abd** (:data:`DIVINE_NAMES`): عبد الله, عبد العزيز, عبد الرحمن,
  عبد الرحيم … (Abdallah, Abdelaziz, Abderrahmane, Abderrahim) share their first four letters in
  both scripts, which carry the whole evidence; the tail alone tells brothers apart. The list is
  the names of God most borne after Abd (the Asma al-Husna, and the Shia Abd al-Husayn, Abd
  al-Zahra …), each with its usual Latin spellings after Abd-, Abdel-, Abdul-, Abd al-.

A side outside the table is left to the learned model (الحسيني / Husseini, عبد العالي / Abdelaali):
the tables can only refuse a pair both of whose sides they know, never accept one.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from rapidfuzz import fuzz, process

from heuristics.names.latin import fold_token

# Arabic (folded) → the name; the Latin keys (latin.fold_token) of its usual spellings.
RELATED_ARABIC: dict[str, str] = {
    "احمد": "ahmad",
    "محمود": "mahmud",
    "حامد": "hamid",
    "حميد": "hamid",
    "حمد": "hamad",
    "حماد": "hamad",
    "حسن": "hasan",
    "حسين": "husayn",
    "خالد": "khalid",
    "خليل": "khalil",
}
RELATED_LATIN: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ahmad", re.compile(r"^ahm[aiu]?[dt]$")),  # Ahmed, Ahmad, Ahmet, Akhmed, Ahmd
    ("mahmud", re.compile(r"^m[aiu]hmu[dt]$")),  # Mahmoud, Mahmud, Mahmood, Mehmood, Mahmut
    ("hamid", re.compile(r"^hamid$")),  # Hamid, Hamed, Hameed
    ("hamad", re.compile(r"^hamad$")),  # Hamad, Hammad
    ("hasan", re.compile(r"^(?:hasani?|hasin)$")),  # Hassan, Hasan, Hassane, Hassen, Hacen
    # Hussein, Husain, Hossein, Houcine (not Hassine, حسين in Tunisia: Hacène is حسن in Algeria)
    ("husayn", re.compile(r"^(?:hus[aiu]{1,2}n|husini)$")),
    ("khalid", re.compile(r"^hal[aiu]?[dt]$")),  # Khaled, Khalid, Halid, Khalid
    ("khalil", re.compile(r"^halil$")),  # Khalil, Khaleel, Halil
)

# The name after عبد (folded, without its article) → its Latin spellings after Abd-/Abdel-/Abdul-
# (as the Latin part's key has it: ``abd`` and the rest, see normalise.Part.key).
DIVINE_NAMES: dict[str, tuple[str, ...]] = {
    # Abdallahi, Abdoulaye: Mauritanian and West African forms. عبد الإله (Abdelilah) is left out:
    # "Abd ilah", "Abd elah" are also read Abd + (al)lah, so the table could not tell them apart.
    "له": ("allah", "ullah", "lah", "llah", "alla", "la", "ulla", "lahi", "allahi", "ullahi", "laye"),
    "رحمن": ("rahman", "rahmane", "rehman", "rahmaan"),
    "رحيم": ("rahim", "raheem", "rahime"),
    "عزيز": ("aziz", "azeez", "azize"),
    "حميد": ("hamid", "hameed", "hamed"),
    "مجيد": ("majid", "majeed", "madjid", "mejid"),
    "قادر": ("qadir", "kader", "kadir", "qader", "gader"),
    "كريم": ("karim", "krim", "kareem"),
    "حليم": ("halim", "haleem"),
    "حكيم": ("hakim", "hakeem"),
    "لطيف": ("latif", "lateef", "latef"),
    "غني": ("ghani", "ghany", "rani"),
    "سلام": ("salam", "salem", "slam", "selam", "salaam"),
    "وهاب": ("wahab", "wahhab", "ouahab", "ouahhab"),
    "رزاق": ("razzaq", "razak", "rezak", "razzak", "rezzag", "raziq"),
    "رازق": ("raziq", "razek", "razik", "razzaq"),
    "فتاح": ("fattah", "fatah", "fettah"),
    "ملك": ("malik", "malek"),
    "مالك": ("malik", "malek"),
    "جليل": ("jalil", "djalil", "jaleel", "galil"),
    "جبار": ("jabbar", "djebbar", "jabar"),
    "حق": ("haq", "hak", "haqq", "hakk"),
    "واحد": ("wahid", "wahed", "ouahed"),
    "صمد": ("samad", "samed"),
    "باسط": ("basit", "basset", "bassit", "baset"),
    "ناصر": ("nasser", "nasir", "naser", "nacer"),
    "رووف": ("raouf", "rauf", "raof", "raoof"),
    "غفور": ("ghafour", "ghafur", "ghafoor"),
    "غفار": ("ghaffar", "ghafar"),
    "ستار": ("sattar", "settar", "star", "satar"),
    "نور": ("nour", "nur", "noor"),
    "هادي": ("hadi", "hady"),
    "معطي": ("mouti", "muti", "moati", "moti"),
    "منعم": ("monem", "moneim", "munim", "menem", "moniem"),
    "خالق": ("khaliq", "khalek", "khalik"),
    "حفيظ": ("hafiz", "hafid", "hafeez"),
    "حافظ": ("hafiz", "hafedh", "hafez"),
    "مومن": ("mumin", "moumen", "momen", "moumin"),
    "علي": ("ali", "aly"),
    "عليم": ("alim", "aleem"),
    "عظيم": ("azim", "azeem", "adhim", "atheem"),
    "رشيد": ("rashid", "rachid", "rasheed"),
    "جواد": ("jawad", "jaouad", "djaouad"),
    "قدوس": ("quddus", "koddous", "kuddus"),
    "حي": ("hayy", "hai", "hay"),
    "سميع": ("sami", "samie", "samee"),
    "شكور": ("shakur", "chakour", "shakoor"),
    "ودود": ("wadud", "ouadoud", "wadood"),
    "قهار": ("qahhar", "kahar"),
    "صبور": ("sabour", "sabur", "saboor"),
    "شافي": ("shafi", "chafi"),
    "ولي": ("wali", "ouali"),
    "متين": ("matin", "mateen"),
    "باقي": ("baqi", "baki", "baqui"),
    "معين": ("moein", "muin", "moin"),
    "منان": ("mannan", "manan"),
    "محسن": ("mohsen", "muhsin"),
    "جميل": ("jamil", "djamil", "jameel"),
    "قيوم": ("qayyum", "qayoom"),
    "مطلب": ("muttalib", "mottaleb", "mutalib"),
    "نبي": ("nabi", "nebi"),
    "حسين": ("hussein", "husain", "hossein"),
    "زهرا": ("zahra", "zehra"),
    "امير": ("amir", "emir"),
    "رسول": ("rasul", "rasool"),
    "كاظم": ("kadhim", "kazem", "kazim"),
    "رضا": ("ridha", "reda", "rida", "redha", "reza"),
}
ABD_ARABIC = "عبد|"  # an Arabic part's text: the head, the compound's article mark, the name
ABD_LATIN = "abd"  # a Latin part's key: abd and the folded name (normalise.Part.key)
RECOGNISED = 80  # a Latin name is one of the table's when its key is this alike (rapidfuzz ratio)


def related_arabic(text: str) -> str | None:
    """The related name an Arabic part (folded letters) is, if any."""
    return RELATED_ARABIC.get(text)


def related_latin(key: str) -> str | None:
    """The related name a Latin part (its folded key) is, if any."""
    return next((name for name, keys in RELATED_LATIN if keys.match(key)), None)


def divine_arabic(text: str) -> str | None:
    """The name of God an Arabic Abd compound (عبد|رحمن) ends with, if the table knows it."""
    if not text.startswith(ABD_ARABIC):
        return None
    tail = text[len(ABD_ARABIC) :]
    return tail if tail in DIVINE_NAMES else None


@cache
def _divine_keys() -> tuple[list[str], list[str]]:
    """Every spelling's key and the name it spells, as two lists (one rapidfuzz call reads them)."""
    pairs = sorted({(fold_token(spelling), name) for name, spellings in DIVINE_NAMES.items() for spelling in spellings})
    return [key for key, _ in pairs], [name for _, name in pairs]


@cache
def _divine_exact() -> dict[str, frozenset[str]]:
    keys, names = _divine_keys()
    exact: dict[str, set[str]] = {}
    for key, name in zip(keys, names, strict=True):
        exact.setdefault(key, set()).add(name)
    return {key: frozenset(found) for key, found in exact.items()}


# The same Latin part meets every contact's (or registered person's) parts in one check: its
# lookup is made once, and so costs the same whatever the other side's parts are.
@lru_cache(maxsize=4096)
def divine_latin(text: str, key: str) -> frozenset[str] | None:
    """The names of God a Latin Abd compound (text ``abdelaziz``, key ``abdaziz``) may end with:
    those whose spellings' keys are the most alike its tail's, if alike enough; None when it is
    no Abd compound or its tail is none of the table's."""
    if not key.startswith(ABD_LATIN) or not text.startswith(ABD_LATIN) or len(key) == len(ABD_LATIN):
        return None
    tail = key[len(ABD_LATIN) :]
    exact = _divine_exact().get(tail)
    if exact is not None:  # a spelling of the table: no other can be more alike
        return exact
    keys, names = _divine_keys()
    found = process.extract(tail, keys, scorer=fuzz.ratio, score_cutoff=RECOGNISED, limit=None)
    if not found:
        return None
    best = max(score for _, score, _ in found)
    return frozenset(names[number] for _, score, number in found if score == best)


def closed_sets_allow(arabic_text: str, latin_text: str, latin_key: str) -> bool:
    """Whether one Arabic part and one Latin part may pair by these tables: not when both are
    related names and different ones, nor when both are Abd compounds the table knows, ending
    with different names of God."""
    arabic_name, latin_name = related_arabic(arabic_text), related_latin(latin_key)
    if arabic_name is not None and latin_name is not None and arabic_name != latin_name:
        return False
    arabic_tail = divine_arabic(arabic_text)
    if arabic_tail is None:
        return True
    latin_tails = divine_latin(latin_text, latin_key)
    return latin_tails is None or arabic_tail in latin_tails
