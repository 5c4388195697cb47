"""The name signals: impersonation of a contact or a protected person, and look-alike letters."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import pytest
from anyascii import anyascii

from heuristics.context import CheckContext, ServiceUnavailable
from heuristics.engine import score
from heuristics.names import NameIndex
from heuristics.names.confusables import is_lookalike_token
from heuristics.profile import Contact, Platform, Profile
from heuristics.rules import load_default_rules
from heuristics.services import ProtectedMatch
from heuristics.text import is_decorative, is_hidden, script_of
from tests.unit.helpers import NOW, detect

FRIEND = Contact(display_name="Mohamed Saleh", platform=Platform.FACEBOOK, account_id="100001", handle="mo.saleh")


def with_contacts(*contacts: Contact, platform: Platform = Platform.FACEBOOK) -> CheckContext:
    return CheckContext(platform=platform, now=NOW, contacts=contacts)


# --- impersonation.contact ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "clone",
    ["محمد صالح", "Muhammad Salih", "Моhamed Saleh", "𝐌𝐨𝐡𝐚𝐦𝐞𝐝 𝐒𝐚𝐥𝐞𝐡", "Moha\u200bmed Saleh", "Mohamed Saleh backup"],
)
def test_a_clone_of_a_contact_on_another_account_fires(clone: str) -> None:
    found = detect("impersonation.contact", context=with_contacts(FRIEND), display_name=clone, account_id="999")
    assert found is not None
    assert found.evidence["contact"] == "Mohamed Saleh"
    assert found.evidence["name_similarity"] >= 0.92
    assert {"normalised_name", "normalised_match", "compared_as"} <= found.evidence.keys()
    assert found.strength == pytest.approx(0.8)  # name alone; an avatar match will add avatar_boost


def test_the_handle_alone_can_match_a_contact() -> None:
    found = detect("impersonation.contact", context=with_contacts(FRIEND), handle="mohamed_saleh_1990")
    assert found is not None and found.evidence["contact"] == "Mohamed Saleh"


@pytest.mark.parametrize(
    "same",
    [
        {"account_id": "100001"},
        {"handle": "mo.saleh"},
        {"handle": "@Mo.Saleh"},
    ],
)
def test_the_contacts_own_account_does_not_fire(same: dict[str, str]) -> None:
    assert detect("impersonation.contact", context=with_contacts(FRIEND), display_name="محمد صالح", **same) is None


def test_facebook_handles_are_compared_without_their_dots_and_instagrams_with_them() -> None:
    """facebook.com/mo.saleh and facebook.com/MoSaleh are one account (Facebook ignores dots and
    case in usernames); on Instagram mo.saleh and mosaleh are two."""
    assert (
        detect("impersonation.contact", context=with_contacts(FRIEND), display_name="محمد صالح", handle="MoSaleh")
        is None
    )
    on_instagram = FRIEND.model_copy(update={"platform": Platform.INSTAGRAM, "account_id": None})
    context = with_contacts(on_instagram, platform=Platform.INSTAGRAM)
    assert detect("impersonation.contact", context=context, display_name="محمد صالح", handle="mosaleh") is not None


def test_the_same_account_id_on_another_platform_is_another_account() -> None:
    context = with_contacts(FRIEND, platform=Platform.X)
    assert detect("impersonation.contact", context=context, display_name="محمد صالح", account_id="100001") is not None


@pytest.mark.parametrize("name", ["Ahmed Ali", "Samira Saleh", "محمود صالح", "", None])
def test_unrelated_names_and_missing_names_do_not_fire(name: str | None) -> None:
    assert detect("impersonation.contact", context=with_contacts(FRIEND), display_name=name, account_id="9") is None


def test_no_contacts_no_finding() -> None:
    assert detect("impersonation.contact", display_name="Mohamed Saleh") is None


def test_the_threshold_comes_from_the_rules() -> None:
    context = with_contacts(Contact(display_name="Samira"))
    assert detect("impersonation.contact", context=context, display_name="Samir") is None
    loose = detect("impersonation.contact", context=context, display_name="Samir", params={"min_similarity": 0.85})
    assert loose is not None


# --- impersonation.protected_person ------------------------------------------------------------


class Registry:
    """A protected-people service over an in-memory index (the server's reads from Redis)."""

    def __init__(self, people: dict[str, tuple[list[str], list[tuple[Platform, str | None, str | None]]]]) -> None:
        self.people = people
        self.index = NameIndex((pid, name) for pid, (names, _) in people.items() for name in names)

    def match(self, name: str, min_similarity: float) -> Sequence[ProtectedMatch]:
        return [
            ProtectedMatch(m.key, m.name, m.similarity, tuple(self.people[m.key][1]))
            for m in self.index.search(name, min_similarity)
        ]


class DownRegistry:
    def match(self, name: str, min_similarity: float) -> Sequence[ProtectedMatch]:
        raise ServiceUnavailable("redis down")


HALA = {"p1": (["Hala Ahed", "هالة عاهد"], [(Platform.X, "42", "halaahed")])}


def protected_context(registry: object, platform: Platform = Platform.X) -> CheckContext:
    return CheckContext(platform=platform, now=NOW, services={"protected": registry})


@pytest.mark.parametrize("clone", ["هالة عاهد", "Hala Ahed", "Hala 3ahed", "Ηala Ahed", "hala_ahed"])
def test_a_clone_of_a_protected_person_fires(clone: str) -> None:
    found = detect("impersonation.protected_person", context=protected_context(Registry(HALA)), display_name=clone)
    assert found is not None
    assert found.evidence["protected_id"] == "p1"
    assert found.evidence["protected_person"] in ("Hala Ahed", "هالة عاهد")
    assert found.evidence["name_similarity"] >= 0.92


@pytest.mark.parametrize(
    ("platform", "fields"), [(Platform.X, {"account_id": "42"}), (Platform.X, {"handle": "HalaAhed"})]
)
def test_the_protected_persons_own_accounts_do_not_fire(platform: Platform, fields: dict[str, str]) -> None:
    context = protected_context(Registry(HALA), platform)
    assert detect("impersonation.protected_person", context=context, display_name="Hala Ahed", **fields) is None


def test_an_unrelated_name_does_not_fire_against_the_registry() -> None:
    context = protected_context(Registry(HALA))
    assert detect("impersonation.protected_person", context=context, display_name="Huda Amer") is None


def test_the_engine_lists_the_signal_unavailable_without_or_with_a_broken_registry() -> None:
    rules = load_default_rules()
    profile = Profile(display_name="Hala Ahed")
    missing = score(profile, CheckContext(now=NOW), rules)
    broken = score(profile, protected_context(DownRegistry()), rules)
    working = score(profile, protected_context(Registry(HALA)), rules)
    assert "impersonation.protected_person" in missing.unavailable
    assert "impersonation.protected_person" in broken.unavailable
    assert "impersonation.protected_person" not in working.unavailable
    assert working.findings[0].code == "impersonation.protected_person"


# --- name.lookalike_characters and name.deceptive_characters ----------------------------------


@pytest.mark.parametrize("name", ["Моhamed Saleh", "Mohamed Ѕaleh", "Ηala Ahed"])
def test_lookalike_letters_fire_and_name_the_word(name: str) -> None:
    found = detect("name.lookalike_characters", display_name=name)
    assert found is not None
    assert found.evidence["words"] == 1
    assert found.evidence["lookalike_words"] == [word for word in name.split() if not word.isascii()]


def test_a_lookalike_sentence_does_not_reach_the_warning() -> None:
    """Finding 16: the warning says how many words, never what the hostile name "reads as"."""
    from server.i18n import render

    sentence = "Vеrіfіеd gеnuіnе аccоunt, sаfе tо mееt"  # Cyrillic е, і, а, о
    found = detect("name.lookalike_characters", display_name=sentence)
    assert found is not None and found.evidence["words"] == 6
    assert len(found.evidence["lookalike_words"]) <= 3
    assert all(len(word) <= 16 for word in found.evidence["lookalike_words"])
    for locale in ("ar", "en", "fr"):
        message = render("name.lookalike_characters", found.evidence, locale)
        assert "6" in message
        for word in ("Verified", "genuine", "safe", "meet", "Vеrіfіеd", "mееt"):
            assert word.lower() not in message.lower()


@pytest.mark.parametrize("name", ["Mohamed Saleh", "Мохамед Салех", "Σοφία", "محمد صالح", "Élodie", "𝐌𝐨𝐡𝐚𝐦𝐞𝐝", None])
def test_single_script_names_have_no_lookalikes(name: str | None) -> None:
    assert detect("name.lookalike_characters", display_name=name) is None


def test_one_trick_is_counted_once() -> None:
    """A Latin word with Cyrillic look-alikes is lookalike evidence, not also mixed_script."""
    assert detect("name.deceptive_characters", display_name="Моhamed Saleh") is None
    both = detect("name.deceptive_characters", display_name="Моhamed\u200b Saleh")
    assert both is not None and both.evidence["kinds"] == ["invisible"]
    assert detect("name.lookalike_characters", display_name="Моhamed\u200b Saleh") is not None


def test_an_avatar_match_will_raise_the_strength_to_one() -> None:
    from heuristics.signals.impersonation import ImpersonationParams, strength

    params = ImpersonationParams()
    assert strength(params) == pytest.approx(0.8)
    assert strength(params, avatar_matches=True) == pytest.approx(1.0)


def test_a_copied_handle_with_one_character_changed_fires() -> None:
    friend = Contact(display_name="Mo", platform=Platform.INSTAGRAM, account_id="1", handle="mohamed.saleh")
    context = with_contacts(friend, platform=Platform.INSTAGRAM)
    found = detect(
        "impersonation.contact", context=context, handle="mohamed_saleh1", display_name="M.S.", account_id="2"
    )
    assert found is not None and found.evidence["contact"] == "Mo"
    # The same handle is the friend only when an id is missing on one side (finding 5: a clone can
    # take a released handle, so with both ids known only the ids decide).
    assert detect("impersonation.contact", context=context, handle="mohamed.saleh") is None
    assert detect("impersonation.contact", context=context, handle="mohamed.saleh", account_id="1") is None
    squatter = detect("impersonation.contact", context=context, handle="mohamed.saleh", account_id="2")
    assert squatter is not None and squatter.evidence["contact"] == "Mo"


def test_no_ascii_character_is_deceptive_so_ascii_names_can_skip_the_scan() -> None:
    # deceptive_characters, lookalike_characters and normalise() take shortcuts for ASCII text
    # (no clean-up scan, no NFKC, no transliteration); this is why they give the same answer.
    ascii_chars = [chr(code) for code in range(128)]
    assert not any(is_hidden(ch) or is_decorative(ch) for ch in ascii_chars)
    assert all(unicodedata.normalize("NFKC", ch) == ch for ch in ascii_chars)
    assert not any(unicodedata.category(ch) in ("Mn", "Me") for ch in ascii_chars)
    assert all(anyascii(ch) == ch for ch in ascii_chars)
    assert {script_of(ch) for ch in ascii_chars} == {"LATIN", None}
    assert not is_lookalike_token("".join(ch for ch in ascii_chars if ch.isalpha()))
