"""Cheap evasions of the campaign traits by an operator who has read the code: variants a person
reads as one handle pattern, one bio or one photo must keep sharing the trait, and genuinely
different ones must not start sharing it (docs/campaigns.md, "The signals" and "Limits")."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from heuristics.campaigns import AggregateSettings, CampaignAggregate, MemoryCellStore
from heuristics.campaigns.traits import MAX_BIO_CHARACTERS, bio_bands, handle_template, normalised_bio, traits
from heuristics.images import fingerprint
from heuristics.profile import Platform, Profile

PHOTOS = Path(__file__).parent.parent / "data" / "photos"
CLOCK = 1_768_000_000.0

# --- handles -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "handle",
    [
        "maria.7734",  # Instagram and Facebook allow a dot where X has an underscore
        "maria-7734",
        "_maria_7734",
        "maria_7734_",
        "__maria_7734__",
        "maria__7734",
        "maria._7734",
        "Maria_7734",
        "m4ria_7734",  # a leet digit inside the name
        "mar1a_7734",
        "maria\u200b_7734",  # invisible characters
        "maria_7734\u2060",
        "m\u0430ria_7734",  # Cyrillic а
        "مريم_7734",
        "maria_٧٧٣٤",
        "ｍａｒｉａ＿７７３４",
    ],
)
def test_handle_variants_a_person_reads_as_one_pattern_share_its_template(handle: str) -> None:
    assert handle_template(handle) == handle_template("maria_7734") == "a_0000"


def test_handle_templates_that_differ_to_a_person_stay_apart() -> None:
    """Where the separator is, how many digits, the order, and the words stay part of the shape:
    merging them would merge most genuine "name and a number" handles (docs/campaigns.md, Limits)."""
    distinct = [
        "maria_7734",  # a_0000
        "maria7734",  # a0000
        "maria_773",  # a_000
        "maria_77340",  # a_00000
        "7734_maria",  # 0000_a
        "leila_ben_7734",  # a_a_0000
        "maria_77x34",  # a_00a00
        "ab12cd_7734",  # two digits inside letters are digits
        "maria2_7734",  # a digit at the end of a word is a digit
        "john_smith",  # a_a
    ]
    templates = [handle_template(h) for h in distinct]
    assert None not in templates and len(set(templates)) == len(distinct), templates
    assert handle_template("johnsmith") is None
    assert handle_template("_johnsmith_") is None  # separators at the ends are not a shape
    assert handle_template("john.smith") == handle_template("john_smith") == "a_a"


# --- bios --------------------------------------------------------------------------------------

BIO = "Proud teacher from Beirut. Love my country, my family and poetry. Truth always wins!"
ARABIC_BIO = "معلمة فخورة من بيروت. أحب بلدي وعائلتي والشعر. الحقيقة تنتصر دائما."
LONG_BIO = BIO + " I am a mother, so is she. He is my son."
FRENCH_BIO = "Fière enseignante de Beyrouth. J'aime mon pays, ma famille et la poésie."
CYRILLIC = str.maketrans({"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "i": "і", "y": "у"})
WHOLE_CYRILLIC = str.maketrans({**{chr(k): v for k, v in CYRILLIC.items()}, "s": "ѕ", "h": "һ", "I": "І", "T": "Т"})


def _every(text: str, step: int, insert: str) -> str:
    return "".join(ch + (insert if i % step == 0 else "") for i, ch in enumerate(text))


def _homoglyphs(text: str, seed: int) -> str:
    rng = np.random.default_rng(seed)
    return "".join(ch.translate(CYRILLIC) if rng.random() < 0.4 else ch for ch in text)


def _in_every_word(text: str) -> str:
    """A look-alike in every word that has one, and short words wholly Cyrillic (``а``, ``іѕ``,
    ``ѕо``): no word is left all Latin to show the bio is written in Latin letters."""
    words = []
    for word in text.split(" "):
        if len(word) <= 3:
            words.append(word.translate(WHOLE_CYRILLIC))
        else:
            at = next((i for i, ch in enumerate(word) if ord(ch) in WHOLE_CYRILLIC), None)
            words.append(word if at is None else word[:at] + word[at].translate(WHOLE_CYRILLIC) + word[at + 1 :])
    return " ".join(words)


BIO_VARIANTS = {
    "zero-width spaces": (BIO, _every(BIO, 3, "\u200b")),
    "soft hyphens and word joiners": (BIO, _every(BIO, 2, "\u00ad") + "\u2060"),
    "bidi marks": (BIO, "\u200f" + _every(BIO, 7, "\u200e")),
    "Cyrillic look-alikes, 40% of letters": (BIO, _homoglyphs(BIO, 1)),
    "Cyrillic look-alikes, another draw": (_homoglyphs(BIO, 2), _homoglyphs(BIO, 3)),
    "every look-alike letter Cyrillic": (BIO, BIO.translate(CYRILLIC)),
    "a look-alike in every word, short words wholly Cyrillic": (LONG_BIO, _in_every_word(LONG_BIO)),
    "punctuation swapped": (BIO, BIO.replace(". ", " | ").replace(",", " ·").replace("!", "...")),
    "emoji for punctuation": (BIO, BIO.replace(".", " 🇱🇧").replace(",", " ✨").replace("!", " 💪")),
    "full-width letters": (BIO, "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in BIO)),
    "accents added": (BIO, "".join(c + ("\u0301" if c in "aeo" else "") for c in BIO)),
    "accents dropped": (FRENCH_BIO, "Fiere enseignante de Beyrouth. J'aime mon pays, ma famille et la poesie."),
    "NFD": (FRENCH_BIO, unicodedata.normalize("NFD", FRENCH_BIO)),
    "tatweel": (ARABIC_BIO, ARABIC_BIO.replace("م", "مـ").replace("ب", "بـ").replace("ل", "لـ")),
    "harakat": (ARABIC_BIO, "".join(c + ("\u064e" if c.isalpha() and i % 2 else "") for i, c in enumerate(ARABIC_BIO))),
    "hamza and Persian letter forms": (ARABIC_BIO, ARABIC_BIO.replace("أ", "ا").replace("ي", "ی").replace("ك", "ک")),
    "ZWNJ between Arabic letters": (ARABIC_BIO, _every(ARABIC_BIO, 2, "\u200c")),
    "a different link": (BIO + " https://t.co/aaaa", BIO + " ｈｔｔｐｓ://bit.ly/bbbbbbbb"),
}


@pytest.mark.parametrize("variant", list(BIO_VARIANTS))
def test_bio_variants_a_person_reads_as_the_same_share_every_band(variant: str) -> None:
    original, changed = BIO_VARIANTS[variant]
    assert bio_bands(changed) == bio_bands(original)


def test_bios_that_differ_to_a_person_share_no_band() -> None:
    """The campaign bench's bio templates, filled differently, and bios of other words or of
    another script: no band in common (what a person would call different bios)."""
    from bench.campaign_stream import TEMPLATES

    filled = [t.format(role="nurse", Role="Nurse", place="Tunis", interest="chess", Interest="Chess",
                       interest2="jazz") for t in TEMPLATES]  # fmt: skip
    bios = [
        *filled,
        BIO,
        ARABIC_BIO,
        FRENCH_BIO,
        "Mother of two. Coffee addict. Runner. Views are my own.",
        "Journalist covering Libya and Tunisia. Signal on request.",
    ]
    bands = [set(enumerate(bio_bands(bio) or [])) for bio in bios]
    for i in range(len(bios)):
        for j in range(i + 1, len(bios)):
            assert not bands[i] & bands[j], (bios[i], bios[j])


def test_a_hostile_bio_costs_a_bounded_normalisation() -> None:
    """U+FDFA is 18 characters after NFKC: 2,000 of them (the longest bio a profile takes) are
    shingled as at most MAX_BIO_CHARACTERS characters."""
    assert len(normalised_bio("\ufdfa" * 2_000)) <= MAX_BIO_CHARACTERS
    assert len(normalised_bio("word " * 400)) <= MAX_BIO_CHARACTERS
    assert bio_bands("\u200b" * 2_000) is None


def test_a_long_bio_is_read_past_its_first_few_hundred_characters() -> None:
    """The names' clean-up cuts a name at 256 characters; a bio is cleaned in pieces, so two long
    bios that differ only after that still differ."""
    head = "Teacher, mother, reader of history and poetry, runner on Sundays. " * 5
    assert bio_bands(head + "Beirut born, Paris based. " * 4) != bio_bands(head + "Casablanca girl in Doha now " * 4)


# --- photos ------------------------------------------------------------------------------------


def _photo_checks(images: list[Image.Image]) -> list[float]:
    """Each account's count of OTHER accounts showing its photo, the accounts checked in turn."""
    settings = AggregateSettings(cells=1 << 14, seen_bits=1 << 14, noise=0, seen_prefill=0)
    aggregate = CampaignAggregate(MemoryCellStore(), settings, clock=lambda: CLOCK, rng=np.random.default_rng(0))
    seen = []
    for n, image in enumerate(images):
        found = traits(Profile(account_id=str(1_000 + n)), Platform.X, fingerprint(image))
        seen.append(aggregate.lookup(found).others("photo"))
        aggregate.contribute(found)
    return seen


def test_a_mirrored_copy_of_a_photo_counts_as_the_photo() -> None:
    with Image.open(PHOTOS / "chelsea.jpg") as image:
        image.load()
        batch = [image, ImageOps.mirror(image), image, ImageOps.mirror(image)]
        assert _photo_checks(batch) == [0, 1, 2, 3]


def test_different_photos_and_their_mirrors_do_not_count_as_one() -> None:
    images = []
    for name in ("astronaut.jpg", "brick.jpg", "chelsea.jpg", "coffee.jpg", "grass.jpg", "gravel.jpg", "rocket.jpg"):
        with Image.open(PHOTOS / name) as image:
            image.load()
            images += [image, ImageOps.mirror(image)]
    counts = _photo_checks(images)
    assert counts[1::2] == [1] * 7  # each photo's mirror finds the photo, and only it
    assert counts[0::2] == [0] * 7


def test_one_account_lifts_a_photo_count_by_at_most_one_whatever_its_symmetry() -> None:
    """An account writes its photo's bands and its mirror's: a band both share is written once,
    so a symmetric photo (its own mirror) still adds 1 to each count (the flood guarantee)."""
    with Image.open(PHOTOS / "chelsea.jpg") as image:
        left = image.convert("L").crop((0, 0, image.width // 2, image.height))
    symmetric = Image.new("L", (left.width * 2, left.height))
    symmetric.paste(left, (0, 0))
    symmetric.paste(ImageOps.mirror(left), (left.width, 0))
    found = traits(Profile(account_id="1"), Platform.X, fingerprint(symmetric)).family("photo")
    assert found is not None and len(found.write) == len(set(found.write)) == 4  # its mirror is itself
    assert _photo_checks([symmetric, symmetric, ImageOps.mirror(symmetric)]) == [0, 1, 2]


def test_a_bare_perceptual_hash_has_no_mirror_to_write() -> None:
    from heuristics.campaigns.traits import photo_family
    from heuristics.images import AvatarFingerprint

    found = photo_family(AvatarFingerprint.from_hex("b15fe6465121175e"))
    assert found is not None and found.write == ("photo|0|b15f", "photo|1|e646", "photo|2|5121", "photo|3|175e")


def test_a_bio_written_in_cyrillic_stays_cyrillic() -> None:
    """Look-alikes are read as Latin only beside Latin words: a Russian bio is a Russian bio."""
    bio = "Учитель из Москвы. Люблю поэзию, семью и сор!"  # сор: every letter a Latin look-alike
    assert normalised_bio(bio) == "учитель из москвы люблю поэзию семью и сор"
