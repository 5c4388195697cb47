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

- **Compounds with گل and جان** (:data:`PERSIAN_PIECES`: Gul Ahmad, Ahmad Jan), by shape: both
  sides starting or ending with the piece must leave the same consonants (Ghulam is not Gul Ahmad).

A side outside the table is left to the learned model (الحسيني / Husseini, عبد العالي / Abdelaali):
the tables can only refuse a pair both of whose sides they know, never accept one.

Nothing here remembers a name it was asked about: the only caches are of the tables themselves
(argument-less). A Latin unit's lookups (:func:`read_latin`, a rapidfuzz search for a spelling the
tables do not hold) are kept by whoever owns the unit's parts, for as long as it holds them: the
registry's index for its stored names (read once when it is built), one search for the probe's
(:class:`units.ClosedReadings`). A process-wide cache of them was a log of the names checked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from heuristics.names.arabic import fold_letters, same_script_key
from heuristics.names.latin import fold_token
from heuristics.names.normalise import COMPOUND_ARTICLE, Part
from heuristics.names.skeleton import arabic_skeleton, latin_skeleton

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
    "قاسم": "qasim",
    "عاصم": "asim",
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
    # قاسم is Qasim, Kassem, Kacem and, with ق as g (Gulf, Sudan, Maghreb), Gassim, Ghasem; عاصم
    # is Asim, Assem: the model lets ع stand for the k or g (0.957), and a reader for whom ق is a
    # glottal stop (Cairo, Beirut) says both alike, yet they are two names (brothers, namesakes).
    ("qasim", re.compile(r"^(?:k|g|G)as[iu]m$")),  # Qasim, Kassem, Kacem, Gassim, Ghasem
    ("asim", re.compile(r"^as[iu]m$")),  # Asim, Assem, Aasim, Asem
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


# RELATED_LATIN as one search: the first name whose keys match (each pattern is ^…$).
_RELATED_LATIN = re.compile(
    "^(?:" + "|".join(f"(?P<n{number}>{keys.pattern[1:-1]})" for number, (_, keys) in enumerate(RELATED_LATIN)) + ")$"
)


def related_latin(key: str) -> str | None:
    """The related name a Latin part (its folded key) is, if any."""
    found = _RELATED_LATIN.match(key)
    return None if found is None or found.lastgroup is None else RELATED_LATIN[int(found.lastgroup[1:])][0]


def divine_arabic(text: str) -> str | None:
    """The name of God an Arabic Abd compound (عبد|رحمن) ends with, if the table knows it."""
    if not text.startswith(ABD_ARABIC):
        return None
    tail = text[len(ABD_ARABIC) :]
    return tail if tail in DIVINE_NAMES else None


class Spellings:
    """A table's spellings as keys (:func:`latin.fold_token`), for :meth:`alike`: each key's names,
    and, by the length of a key looked up, the spellings long or short enough to be alike it."""

    def __init__(self, table: dict[str, tuple[str, ...]]) -> None:
        pairs = sorted({(fold_token(spelling), name) for name, spellings in table.items() for spelling in spellings})
        exact: dict[str, set[str]] = {}
        for key, name in pairs:
            exact.setdefault(key, set()).add(name)
        self.exact = {key: frozenset(found) for key, found in exact.items()}
        # ratio ≤ 200·min(a, b) / (a + b) (an InDel distance is at least the lengths' difference):
        # a key of length a can reach RECOGNISED only with spellings of length b where that does.
        longest = max(len(key) for key, _ in pairs)
        self.reachable: list[tuple[list[str], list[str]]] = []
        for length in range(longest * 3 // 2 + 1):
            near = [
                (key, name) for key, name in pairs if 200 * min(length, len(key)) >= RECOGNISED * (length + len(key))
            ]
            self.reachable.append(([key for key, _ in near], [name for _, name in near]))

    def alike(self, key: str) -> list[tuple[float, str]]:
        """(how alike, name) of the names whose spellings' keys are alike enough to ``key``
        (rapidfuzz ratio ≥ RECOGNISED): only its own when it is a spelling of the table."""
        if key in self.exact:  # no other can be more alike
            return [(100.0, name) for name in self.exact[key]]
        if len(key) >= len(self.reachable):
            return []
        keys, names = self.reachable[len(key)]
        found = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=RECOGNISED, limit=None)
        return [(score, names[number]) for _, score, number in found]


@cache
def _divine_spellings() -> Spellings:
    return Spellings(DIVINE_NAMES)


def divine_latin(text: str, key: str) -> frozenset[str] | None:
    """The names of God a Latin Abd compound (text ``abdelaziz``, key ``abdaziz``) may end with:
    those whose spellings' keys are the most alike its tail's, if alike enough; None when it is
    no Abd compound or its tail is none of the table's."""
    if not key.startswith(ABD_LATIN) or not text.startswith(ABD_LATIN) or len(key) == len(ABD_LATIN):
        return None
    found = _divine_spellings().alike(key[len(ABD_LATIN) :])
    if not found:
        return None
    best = max(score for score, _ in found)
    return frozenset(name for score, name in found if score == best)


def closed_sets_allow(arabic_text: str, latin: LatinReading) -> bool:
    """Whether one Arabic part and one Latin part (as :func:`read_latin` read it) may pair by
    these tables: not when both are related names and different ones, nor when both are Abd
    compounds the table knows, ending with different names of God."""
    arabic_name = related_arabic(arabic_text)
    if arabic_name is not None and latin.related is not None and arabic_name != latin.related:
        return False
    arabic_tail = divine_arabic(arabic_text)
    return arabic_tail is None or latin.divine is None or arabic_tail in latin.divine


# Compounds of a head and a tail that carries the article, the tail written alike whatever the
# head: X al-Din ("of the faith": نور الدين, Nour Eddine, Nur al-Din, Nureddin, Nurettin), X-ullah
# (نصر الله, Nasrallah, Nasrullah) and X ur-Rahman (ضياء الرحمن, Ziaur Rahman). The tail carries most
# of the letters in both scripts, so Nour Eddine and Nasreddine, Azizur and Ziaur Rahman look close
# to the model (0.98): the head alone tells brothers apart. Heads as their folded Arabic letters →
# the head's name; the name → its usual Latin spellings before the tail (French Maghreb -eddine,
# English and South Asian -uddin, -ullah, -ur, ALA-LC al-Din, Turkish -ettin). These are the laqabs
# X al-Din (Wikipedia, "Laqab"; Encyclopaedia of Islam, "Laḳab") and the X-ullah / X-ur-Rahman
# names of Afghanistan, Pakistan and Bangladesh most borne as given names. Heads one name to the
# table: نصر / ناصر (Naser al-Din Shah is also written Nasreddin, as Nasreddin Hodja, نصر الدين, is),
# محيي / محي, علاء / علا, حافظ / حفيظ (both Hafiz): the table must not tell a spelling's two readings
# apart. A ة head is also written with ت (Persian and Urdu: هدايت الله).
COMPOUND_HEADS_ARABIC: dict[str, str] = {
    "نور": "nur",
    "نصر": "nasr",
    "ناصر": "nasr",
    "صلاح": "salah",
    "علاء": "ala",
    "علا": "ala",
    "كمال": "kamal",
    "عز": "izz",
    "سيف": "sayf",
    "بدر": "badr",
    "خير": "khayr",
    "شمس": "shams",
    "شرف": "sharaf",
    "جمال": "jamal",
    "تقي": "taqi",
    "زين": "zayn",
    "فخر": "fakhr",
    "محيي": "muhyi",
    "محي": "muhyi",
    "حسام": "husam",
    "عماد": "imad",
    "نظام": "nizam",
    "قمر": "qamar",
    "صدر": "sadr",
    "بهاء": "baha",
    "ضياء": "diya",
    "سعد": "saad",
    "جلال": "jalal",
    "نجم": "najm",
    "شهاب": "shihab",
    "ركن": "rukn",
    "معين": "muin",
    "قطب": "qutb",
    "غياث": "ghiyath",
    "تاج": "taj",
    "برهان": "burhan",
    "ظهير": "zahir",
    "حبيب": "habib",
    "نجيب": "najib",
    "عزيز": "aziz",
    "حفيظ": "hafiz",
    "حافظ": "hafiz",
    "خليل": "khalil",
    "مطيع": "muti",
    "مجيب": "mujib",
    "انيس": "anis",
    "عتيق": "atiq",
    "شفيق": "shafiq",
    "سعيد": "said",
    "فضل": "fadl",
    "لطف": "lutf",
    "سميع": "sami",
    "رفيع": "rafi",
    "عبيد": "ubayd",
    "حمد": "hamd",
    "حميد": "hamid",
    "امين": "amin",
    "امان": "aman",
    "اسد": "asad",
    "كليم": "kalim",
    "رحمة": "rahmat",
    "نعمة": "nimat",
    "هداية": "hidayat",
    "عناية": "inayat",
    "فتح": "fath",
    "احسان": "ihsan",
    "ثناء": "sana",
    "عطاء": "ata",
    "محبوب": "mahbub",
    "نعيم": "naim",
    # عبد الله, عبد الرحمن: Abdullah is not Obaidullah, Abdur Rahman not Azizur Rahman (0.997).
    "عبد": "abd",
}
COMPOUND_HEADS_LATIN: dict[str, tuple[str, ...]] = {
    "nur": ("nur", "nour", "noor", "nor", "nuur"),
    "nasr": ("nasr", "nassr", "naser", "nasser", "nasir", "nassir", "nacer", "nacir", "nasar", "naseer"),
    "salah": ("salah", "salaah", "slah", "sala", "salaha"),
    "ala": ("ala", "alaa", "alla", "allaa", "alae", "ela"),
    "kamal": ("kamal", "kamel", "kemal", "kemel", "kamaal", "camal"),
    "izz": ("izz", "iz", "ezz", "ez", "azz", "az", "izze", "ezze", "izzat", "ezzat"),
    "sayf": ("sayf", "saif", "seif", "seyf", "sif", "saifu", "seyfe"),
    "badr": ("badr", "bader", "badre", "bedr", "bedre", "badar", "badru"),
    "khayr": ("khayr", "khair", "kheir", "khir", "kheyr", "hayr", "hair", "khairu", "khaira"),
    "shams": ("shams", "chams", "chems", "shems", "shamsu", "sams", "semse"),
    "sharaf": ("sharaf", "charaf", "cheraf", "sharf", "sheraf", "sharafu", "serafe", "seref"),
    "jamal": ("jamal", "djamal", "djamel", "jamel", "gamal", "cemal", "cemale", "jamalu"),
    "taqi": ("taqi", "taki", "taqiy", "taqy", "takiy"),
    "zayn": ("zayn", "zain", "zein", "zeyn", "zin", "zine", "zainu", "zeyne"),
    "fakhr": ("fakhr", "fakhar", "fakher", "fakhir", "fahr", "fakhru", "fahre"),
    "muhyi": ("muhyi", "muhy", "mohi", "mohy", "muhi", "mouhi", "mohyi", "mohie"),
    "husam": ("husam", "hussam", "hosam", "hossam", "houssam", "hisam", "husame"),
    "imad": ("imad", "emad", "imed", "emed", "imade", "imadu"),
    "nizam": ("nizam", "nezam", "nidham", "nidam", "nizame", "nizamu"),
    "qamar": ("qamar", "kamar", "gamar", "qamer", "kamer", "qamaru"),
    "sadr": ("sadr", "sadre", "sadru", "sader"),
    "baha": ("baha", "bahaa", "beha", "bahae"),
    "diya": ("diya", "dia", "diaa", "zia", "ziya", "ziaa", "dhia", "dhiya", "dhiaa", "ziyae", "diyae"),
    "saad": ("saad", "sad", "sa'd", "saadu", "sade", "saade", "saadi"),
    "jalal": ("jalal", "djalal", "djelal", "jelal", "galal", "celal", "celale", "jalalu"),
    "najm": ("najm", "nadjm", "nejm", "najmu", "necm", "necme", "najam"),
    "shihab": ("shihab", "chihab", "shehab", "chehab", "shahab", "shihabu", "sihab"),
    "rukn": ("rukn", "rokn", "roukn", "ruknu", "rukne"),
    "muin": ("muin", "moin", "moinu", "mueen", "mouin", "muinu", "moeen"),
    "qutb": ("qutb", "kutb", "qotb", "kotb", "qutbu", "kutbe"),
    "ghiyath": ("ghiyath", "ghiyas", "ghias", "ghiath", "giyas", "ghiyasu"),
    "taj": ("taj", "tadj", "tag", "tajud"),
    "burhan": ("burhan", "borhan", "bourhan", "burhanu", "burhane"),
    "zahir": ("zahir", "zaheer", "dhahir", "zahiru", "zahire"),
    "habib": ("habib", "habeeb", "habibu", "habibi", "habibo"),
    "najib": ("najib", "najeeb", "nadjib", "naguib", "nagib", "najibu"),
    "aziz": ("aziz", "azeez", "azizu", "azizi"),
    "hafiz": ("hafiz", "hafeez", "hafizu", "hafidh", "hafez", "hafid"),
    "khalil": ("khalil", "khaleel", "khalilu", "halil"),
    "muti": ("muti", "moti", "motiu", "mutiu", "mutee", "mouti"),
    "mujib": ("mujib", "mujeeb", "mojib", "mujibu", "moujib"),
    "anis": ("anis", "anees", "anisu", "anisi"),
    "atiq": ("atiq", "ateeq", "atik", "atiqu", "atiku"),
    "shafiq": ("shafiq", "shafeeq", "shafik", "chafik", "shafiqu", "chafiq"),
    "said": ("said", "saeed", "sayeed", "saiid", "saied", "saeedu", "saidu"),
    "fadl": ("fadl", "fazl", "fazal", "fadel", "fadhl", "fazlu", "fazle", "fadlu"),
    "lutf": ("lutf", "lotf", "lutfu", "lotfu", "lutfi"),
    "sami": ("sami", "samee", "samiu", "samie", "samiyu"),
    "rafi": ("rafi", "rafee", "rafiu", "rafie", "rafiyu"),
    "ubayd": ("ubayd", "ubaid", "obaid", "ubaidu", "obaidu", "obeid", "ubeyd"),
    "hamd": ("hamd", "hamdu", "hamdi", "hamde"),
    "hamid": ("hamid", "hameed", "hamed", "hamidu"),
    "amin": ("amin", "ameen", "aminu", "emin", "amine"),
    "aman": ("aman", "amanu", "amaan"),
    "asad": ("asad", "assad", "asadu", "esad", "asadi"),
    "kalim": ("kalim", "kaleem", "kalimu", "kelim"),
    "rahmat": ("rahmat", "rahmet", "rahmatu", "rahmato"),
    "nimat": ("nimat", "nemat", "niamat", "nimet", "nimatu", "nematu", "nemato", "nemet"),
    "hidayat": ("hidayat", "hedayat", "hidayatu", "hedayet", "hedayatu"),
    "inayat": ("inayat", "enayat", "inayatu", "inayet", "enayatu"),
    "fath": ("fath", "fateh", "fatah", "fethu", "fathu", "fet"),
    "ihsan": ("ihsan", "ehsan", "ehsanu", "ihsanu", "ehsaan"),
    "sana": ("sana", "sanaa", "thana", "sanau", "thanau"),
    "ata": ("ata", "ataa", "atau", "atta"),
    "mahbub": ("mahbub", "mahboob", "mehboob", "mahbubu", "mahboub"),
    "naim": ("naim", "naeem", "naimu", "naeemu"),
    "abd": ("abd", "abdu", "abdul", "abdel", "abdal", "abdil", "abdol", "abdou", "abdoul", "abde", "abdo"),
}
# The tails, as an Arabic compound's part writes them (after the article mark), and the Latin
# endings of each: a link (a vowel, an article's l or r, or the article assimilated: e-d-dine,
# u-d-din, a-l-din, e-t-tin; u-r-rahman; u-llah) and the tail (din, dine, deen, ttin; allah, ulla;
# rahman, rehman, rahmane).
COMPOUND_TAILS: dict[str, re.Pattern[str]] = {
    "دين": re.compile(r"[aeiou]?[ldt]?[dt]{1,2}(?:i|ee|e|y|ie)ne?"),
    "له": re.compile(r"[aeiou]?ll?[aeo]h?"),
    "رحمن": re.compile(r"(?:[aeiou][lr])?r[ae]h?m[aeo]ne?"),
}
_SHORTEST_HEAD = 2
# Any tail at the end of a word: most Latin words have none and are answered by this one search.
_ANY_TAIL = re.compile("(?:" + "|".join(pattern.pattern for pattern in COMPOUND_TAILS.values()) + ")$")
# Where each tail can start: every place from which it runs to the word's end (one scan a tail).
_TAIL_STARTS = {tail: re.compile(f"(?=(?:{pattern.pattern})$)") for tail, pattern in COMPOUND_TAILS.items()}


def _cuts(letters: str) -> dict[str, list[int]]:
    """For each tail, the places a Latin word (no Arabizi marks) can be cut into a head of at least
    _SHORTEST_HEAD letters and that tail (of two letters at least), first to last."""
    if len(letters) < _SHORTEST_HEAD + 2 or not _ANY_TAIL.search(letters):
        return {}
    found = {}
    for tail, starts in _TAIL_STARTS.items():
        cuts = [
            cut for match in starts.finditer(letters) if _SHORTEST_HEAD <= (cut := match.start()) < len(letters) - 1
        ]
        if cuts:
            found[tail] = cuts
    return found


def compound_head_arabic(text: str) -> tuple[str, str] | None:
    """(tail, head) of an Arabic compound of the table (folded letters, ``|`` for the article:
    نور|دين → (دين, nur)), if the table knows its tail and head."""
    head, mark, tail = text.partition(COMPOUND_ARTICLE)
    if not mark or tail not in COMPOUND_TAILS:
        return None
    name = _heads_arabic().get(same_script_key(head))
    return None if name is None else (tail, name)


@cache
def _heads_arabic() -> dict[str, str]:
    """COMPOUND_HEADS_ARABIC keyed as :func:`same_script_key` writes a head (ضياء as ضيا, رحمة as
    رحمه), with the Persian ت for a final ة (رحمت, هدايت)."""
    table: dict[str, str] = {}
    for head, name in COMPOUND_HEADS_ARABIC.items():
        folded = fold_letters(head)
        table[same_script_key(folded)] = name
        if folded.endswith("ة"):
            table[folded[:-1] + "ت"] = name
    return table


@cache
def _head_spellings() -> Spellings:
    return Spellings(COMPOUND_HEADS_LATIN)


def compound_heads_latin(text: str) -> tuple[str, frozenset[str]] | None:
    """(tail, heads) of a Latin word (``noureddine``, ``nuraldin``, ``nasrullah``,
    ``ziaurrahman``: Nour Eddine and Ziaur Rahman written as one): of every way to cut a tail
    off, the heads whose spellings' keys are the most alike, if alike enough (rapidfuzz ratio ≥
    RECOGNISED); None when it has no tail of the table or no head of it."""
    letters = _letters(text)
    return _heads_of(letters, _cuts(letters))


def _letters(text: str) -> str:
    """A Latin unit's letters as the compounds' tables read them (no Arabizi marks)."""
    return text.replace("'", "").replace("`", "")


def _heads_of(letters: str, cuts: dict[str, list[int]]) -> tuple[str, frozenset[str]] | None:
    best = 0.0
    found: set[tuple[str, str]] = set()
    for tail, places in cuts.items():
        for cut in places:
            for score, name in _head_spellings().alike(fold_token(letters[:cut])):
                if score > best:
                    best, found = score, {(tail, name)}
                elif score == best:
                    found.add((tail, name))
    tails = {tail for tail, _ in found}
    if len(tails) != 1:  # none, or (never seen) two tails equally read: no opinion
        return None
    return tails.pop(), frozenset(name for _, name in found)


def compound_heads_allow(arabic_text: str, latin: LatinReading) -> bool:
    """Whether an Arabic part and a Latin unit (as :func:`read_latin` read it) may pair by the
    compounds' table: not when both are compounds of it with one tail and different heads.
    Where the table has no say (a head it does not hold: حسن الدين, Hassanuddin), by the
    compounds' shape: not when the Arabic part is a head and a tail of the table and the Latin
    unit ends with that tail after a head whose consonants are not the Arabic head's
    (:func:`heads_look_alike`): refused, as the table refuses, never accepted."""
    arabic = compound_head_arabic(arabic_text)
    if arabic is not None and latin.compound is not None and arabic[0] == latin.compound[0]:
        return arabic[1] in latin.compound[1]
    head, mark, tail = arabic_text.partition(COMPOUND_ARTICLE)
    if not mark or tail not in COMPOUND_TAILS:
        return True
    latin_head = next((found for found in latin.heads if found[0] == tail), None)
    return latin_head is None or heads_look_alike(head, latin_head[1], latin_head[2])


# Heads outside the table are told apart by their consonant skeletons (:mod:`skeleton`): the Latin
# head's may lack one of the Arabic head's letters (Jamal-dine cuts as jama + ldine; Halil writes
# خ as nothing) or have one more t or l (ة written t: Rahmat-ullah; the article's l: Abdul-lah),
# nothing else; and by the related names (حسين الدين is not Hassanuddin: same consonants).
_EXTRA_LATIN = "tl"
_SOFT_C = re.compile("c(?=[eiy])")  # Nacer: the c of a French spelling before e, i, y is s


def heads_look_alike(arabic_head: str, latin_skeleton_of_head: str, latin_related: str | None) -> bool:
    """Whether an Arabic compound's head (folded letters) may be a Latin head (its skeleton, the
    related name it is): the skeletons alike as above, and not two related names."""
    arabic, latin = arabic_skeleton(arabic_head), latin_skeleton_of_head
    if len(latin) == len(arabic) + 1:
        alike = any(latin[i] in _EXTRA_LATIN and latin[:i] + latin[i + 1 :] == arabic for i in range(len(latin)))
    else:
        alike = latin == arabic or (len(latin) == len(arabic) - 1 and Indel.distance(arabic, latin) == 1)
    if not alike:
        return False
    arabic_related = related_arabic(arabic_head)
    return arabic_related is None or latin_related is None or arabic_related == latin_related


def _shape(letters: str, cuts: dict[str, list[int]]) -> tuple[tuple[str, str, str | None], ...]:
    """(tail, the head's skeleton, the related name the head is) of each tail a Latin word
    (:func:`_letters`, cut by :func:`_cuts`) can end with, the head cut before the longest reading
    of the tail (Hassan + uddin)."""
    found = []
    for tail, places in cuts.items():
        head = letters[: places[0]]
        found.append((tail, latin_skeleton(_SOFT_C.sub("s", head)), related_latin(fold_token(head))))
    return tuple(found)


# Persian, Afghan (Dari, Pashto) and Central Asian compounds with گل (gul, "flower": Gul Ahmad,
# Gulalai, Shah Gul, Gulbuddin) and جان (jan, "dear, soul": Ahmad Jan, Jan Mohammad, Nazir Jan),
# written apart, glued or hyphenated. The pieces are the Arabic letters as folded (گ is غ) and their
# usual Latin spellings (Tajik and Uzbek -jon, Russian-style -dzhan). The learned model reads the
# rest of such a word loosely: غلام (Ghulam) scored 0.97 against Gul Ahmad written as one, گل against
# Ghulam 0.94 and Gulab 0.93, جان against Janan 0.99. Where both sides start (or end) with the same
# piece, what is left must have the same consonant skeleton (:mod:`skeleton`): Gul + ab is not گل
# alone, Gul + ahmad is not غل + ام. A refusal only, like the tables': a side that does not read
# the piece leaves the pair to the model.
PERSIAN_PIECES: dict[str, tuple[str, ...]] = {
    "غل": ("gul", "gol", "gull", "goul", "gool", "ghul"),
    "جان": ("jan", "jaan", "djan", "jon", "dzhan"),
}


def _latin_rests(latin: str, spellings: tuple[str, ...], at_start: bool) -> list[str]:
    """What is left of a Latin unit after each spelling of a piece it starts (or ends) with."""
    rests = []
    for spelling in spellings:
        if at_start and latin.startswith(spelling):
            rest = latin[len(spelling) :]
            rests += [rest, rest[1:]] if rest[:1] == spelling[-1] else [rest]  # Jan-nie
        elif not at_start and latin.endswith(spelling):
            rest = latin[: -len(spelling)]
            rests += [rest, rest[:-1]] if rest[-1:] == spelling[0] else [rest]
    return rests


def _arabic_rest(words: Sequence[str], piece: str, at_start: bool) -> list[str] | None:
    """The words of an Arabic unit less a piece it starts (or ends) with, if it does."""
    if at_start and words[0].startswith(piece):
        return [words[0][len(piece) :], *words[1:]]
    if not at_start and words[-1].endswith(piece):
        return [*words[:-1], words[-1][: -len(piece)]]
    return None


def _rests_alike(arabic_rest: Sequence[str], latin_rest: str) -> bool:
    """The same consonant skeleton left (a final ة may be written t: Gul Rahmat; a c before e, i,
    y is s: Janice). The Arabic words' skeletons are joined as they are: غلام احمد leaves م + مد
    (m m t), not the m t that Gul Ahmad's ahmad leaves."""
    arabic = "".join(arabic_skeleton(word) for word in arabic_rest)
    latin = latin_skeleton(_SOFT_C.sub("s", latin_rest))
    if latin == arabic or (arabic_rest[-1].endswith("ة") and latin == arabic + "t"):
        return True
    # A rest of two consonants or more may be written with one more t or l, as the compounds'
    # heads may (:func:`heads_look_alike`): Menachem's ch, Lothar's th, an article's l.
    return len(arabic) >= 2 and len(latin) == len(arabic) + 1 and _one_more_t_or_l(arabic, latin)


def _one_more_t_or_l(arabic: str, latin: str) -> bool:
    return any(latin[i] in _EXTRA_LATIN and latin[:i] + latin[i + 1 :] == arabic for i in range(len(latin)))


def persian_compounds_allow(arabic_words: Sequence[str], latin_text: str) -> bool:
    """Whether an Arabic unit (its parts' folded letters) and a Latin unit (its parts' text written
    together) may pair by the گل / جان compounds' shape: not when both start, or both end, with one
    of :data:`PERSIAN_PIECES` and no reading of the Latin piece leaves the same consonants as the
    Arabic one (Gul Ahmad / غلام, Ghulam / گل, Gulab / گل, Janan / جان)."""
    if not arabic_words or any(COMPOUND_ARTICLE in word for word in arabic_words):
        return True
    latin = _letters(latin_text)
    for at_start in (True, False):
        for piece, spellings in PERSIAN_PIECES.items():
            arabic_rest = _arabic_rest(arabic_words, piece, at_start)
            if arabic_rest is None:
                continue
            latin_rests = _latin_rests(latin, spellings, at_start)
            if latin_rests and not any(_rests_alike(arabic_rest, rest) for rest in latin_rests):
                return False
    return True


@dataclass(frozen=True, slots=True)
class LatinReading:
    """What the tables read of a Latin unit (one part, or two written as one: Nour Eddine):
    ``compound``, :func:`compound_heads_latin` of its letters written together, and ``heads``, its
    compounds' shape (:func:`compound_heads_allow`), both from one cutting; for one part,
    ``related``, :func:`related_latin` of its key, and ``divine``, :func:`divine_latin`."""

    compound: tuple[str, frozenset[str]] | None
    heads: tuple[tuple[str, str, str | None], ...] = ()  # by shape (:func:`compound_heads_allow`)
    related: str | None = None
    divine: frozenset[str] | None = None


def read_latin(parts: Sequence[Part]) -> LatinReading:
    """Every table's lookup of a Latin unit, made whatever the Arabic side it meets is (so that a
    pair costs the same whether or not the other name is one of the tables'). The caller keeps
    the result for as long as it keeps the parts: nothing here does."""
    letters = _letters("".join(part.text for part in parts))
    cuts = _cuts(letters)  # once: the table's heads and the shape read the same cuts
    compound, heads = _heads_of(letters, cuts), _shape(letters, cuts)
    if len(parts) != 1:
        return LatinReading(compound, heads)
    part = parts[0]
    return LatinReading(compound, heads, related_latin(part.key), divine_latin(part.text, part.key))
