"""Evasion red team: a clone's name written to read as a contact's or a protected person's to a
human while dodging the matcher. Each attack must fire ``impersonation.contact`` at the rules'
default cut-off; the guards below must not (different people, or not a name at all)."""

from __future__ import annotations

import pytest

from heuristics.context import CheckContext
from heuristics.names import normalise, similarity
from heuristics.names.normalise import normalise_reference
from heuristics.profile import Contact, Platform
from tests.unit.helpers import NOW, detect

HALA, HALA_AR = "Hala Ahed", "هالة عاهد"


def fires(contact: str, clone: str, field: str = "display_name") -> bool:
    context = CheckContext(platform=Platform.X, now=NOW, contacts=(Contact(display_name=contact, account_id="1"),))
    return detect("impersonation.contact", context=context, account_id="2", **{field: clone}) is not None


@pytest.mark.parametrize(
    ("contact", "clone"),
    [
        # Kurdish/Sorani ae (ە) and Kurdish o/e letters for ه, و, ي
        (HALA_AR, "هالە عاهد"),
        ("نور يوسف", "نور یۆسف"),
        # a letter with dots, a ring or a small v added reads as that letter (Unicode names it so)
        ("كريم صالح", "ݢريم صالح"),
        (HALA_AR, "هالة عاۿد"),
        ("باسم صالح", "ݐاسم صالح"),
        # a final hamza after alef dropped (الزهراء / الزهرا)
        ("فاطمة الزهراء", "فاطمه الزهرا"),
        # Arabizi with Arabic-Indic and Eastern Arabic-Indic digits
        (HALA_AR, "Hala ٣ahed"),
        (HALA_AR, "Hala ۳ahed"),
        (HALA, "Hala ٣ahed"),
        ("محمد صالح", "Mo٧amed Sale٧"),
        ("محمد صالح", "Mo۷amed Sale۷"),
        # ... and as leet, the Latin letter they look like (٥ is o)
        ("Mohamed Saleh", "M٥hamed Saleh"),
        ("Mohamed Saleh", "M۵hamed Saleh"),
        (HALA, "Ha١a Ahed"),
        (HALA, "hala_ahed_٢٠٢٤"),
        # enclosed letters NFKC leaves alone or writes in parentheses
        (HALA, "🅷🅰🅻🅰 🅰🅷🅴🅳"),
        (HALA, "⒣⒜⒧⒜ ⒜⒣⒠⒟"),
        (HALA, "🇭🇦🇱🇦 🇦🇭🇪🇩"),
        # whole words in a script whose every letter looks Latin: Cherokee, Lisu; Cyrillic among Latin
        (HALA, "ᎻᎪᏞᎪ ᎪᎻᎬᎠ"),
        (HALA, "ꓧꓮꓡꓮ Ahed"),
        ("Mohamed Saleh", "Mohamed Ѕаӏеһ"),
        # a bidi override that shows the letters reversed
        (HALA, "\u202edehA alaH\u202c"),
        (HALA, "\u2067\u202edehA alaH"),
        (HALA_AR, "\u202dةلاه دهاع"),
        # letters split by spaces, dots, underscores or emoji
        (HALA, "H.a.l.a A.h.e.d"),
        (HALA, "H a l a A h e d"),
        (HALA, "H_a_l_a A_h_e_d"),
        (HALA, "H🌸a🌸l🌸a Ahed"),
        (HALA_AR, "ه ا ل ة ع ا ه د"),
        (HALA_AR, "هالة ع ا ه د"),
        # the name doubled
        (HALA, "Hala Ahed Hala Ahed"),
        (HALA_AR, "هالة عاهد هالة عاهد"),
        # titles before or after the name
        (HALA, "Prof. Hala Ahed"),
        (HALA, "Me Hala Ahed"),
        (HALA, "Maître Hala Ahed"),
        (HALA, "Mme Hala Ahed"),
        (HALA, "Eng. Hala Ahed"),
        (HALA, "Hala Ahed, PhD"),
        (HALA_AR, "أ. هالة عاهد"),
        (HALA_AR, "م. هالة عاهد"),
        (HALA_AR, "الأستاذة هالة عاهد"),
        (HALA_AR, "المحامية هالة عاهد"),
        (HALA_AR, "الدكتورة هالة عاهد"),
        (HALA_AR, "السيدة هالة عاهد"),
        # a tagline after a separator
        (HALA, "Hala Ahed (lawyer)"),
        (HALA, "Hala Ahed | محامية"),
        (HALA, "Hala Ahed - Human rights lawyer"),
    ],
)
def test_an_evasive_clone_still_fires(contact: str, clone: str) -> None:
    assert fires(contact, clone), similarity(clone, contact)


@pytest.mark.parametrize(
    ("contact", "handle"),
    [
        (HALA, "h.a.l.a.a.h.e.d"),
        (HALA, "x_hala_ahed_x"),
        (HALA, "HalaAhedOfficial"),
    ],
)
def test_an_evasive_handle_still_fires(contact: str, handle: str) -> None:
    assert fires(contact, handle, "handle"), similarity(handle, contact)


@pytest.mark.parametrize(
    ("contact", "other"),
    [
        # a title is dropped only while two name words remain: a bare given name is not a full name
        ("Sheikh Ali", "Ali Hassan"),
        ("Prof. Hala", "Hala Ahmed"),
        ("الأستاذة هالة", "هالة محمود"),
        # a name is halved only when each half is a full name
        ("Ahmed Ahmed", "Ahmed Saleh"),
        # spaced letters of one name are not another's
        ("H a l a A h e d", "Huda Ahmed"),
        # two initials are not a spelled-out name
        ("M. S.", "Mohamed Saleh"),
        # a whole Cyrillic name is a transliteration (Сара is Sara, not "Capa")
        ("Сара Салех", "Capa Saleh"),
    ],
)
def test_guards_do_not_fire(contact: str, other: str) -> None:
    assert not fires(contact, other), similarity(other, contact)


@pytest.mark.parametrize(
    "name",
    [
        "H a l a A h e d",
        "Hala Ahed Hala Ahed",
        "Prof Hala Ahed",
        "Hala Ahed PhD",
        "هالة عاهد هالة عاهد",
        "ه ا ل ة",
        "AA AA AA AA رسمي",
        "official Prof Hala Ahed",
        "Hala Ahed PhD official",
        "official",
    ],
)
def test_the_plain_path_equals_the_reference_on_the_new_word_rules(name: str) -> None:
    assert normalise(name) == normalise_reference(name)


@pytest.mark.parametrize(("name", "words"), [("ᎻᎪᏞᎪ ᎪᎻᎬᎠ", ["ᎻᎪᏞᎪ", "ᎪᎻᎬᎠ"]), ("Mohamed Ѕаӏеһ", ["Ѕаӏеһ"])])
def test_whole_words_that_look_latin_are_lookalike_evidence(name: str, words: list[str]) -> None:
    found = detect("name.lookalike_characters", display_name=name)
    assert found is not None and found.evidence["lookalike_words"] == words
    assert detect("name.lookalike_characters", display_name="Мохамед Салех") is None


@pytest.mark.parametrize(
    "clone", ["Prof. Hala Ahed", "Hala Ahed | محامية", "\u202edehA alaH", "ᎻᎪᏞᎪ ᎪᎻᎬᎠ", "Hala ٣ahed", "H a l a A h e d"]
)
def test_the_protected_person_signal_sees_the_same_evasions(clone: str) -> None:
    from tests.unit.test_names_signals import HALA as PEOPLE
    from tests.unit.test_names_signals import Registry, protected_context

    found = detect("impersonation.protected_person", context=protected_context(Registry(PEOPLE)), display_name=clone)
    assert found is not None and found.evidence["protected_id"] == "p1"


def test_a_name_repeated_as_its_own_tagline_is_searched_once() -> None:
    """Pieces of a display name that are the name again (or the handle) were each searched anew
    in the contacts' and the registry's name indexes: a body made to be slow, charged as one
    check. The same name, whatever its spacing or case, is searched once."""
    from heuristics.profile import Profile
    from heuristics.signals.impersonation import names_of

    long_name = "Mohamed Mohammed Muhammad Ahmed Ali"
    profile = Profile(handle="mohamed ali", display_name=f"{long_name} | {long_name.upper()} | {long_name}  ·  x")
    names = names_of(profile)
    keys = [" ".join(name.split()).casefold() for name in names]
    assert len(keys) == len(set(keys))
    assert names[0] == profile.display_name and [name.strip() for name in names[2:]] == [long_name, "x"]
