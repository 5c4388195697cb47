"""Which identity elements a suspect copies: name across scripts, photo, look-alike username."""

from __future__ import annotations

from heuristics.profile import Platform
from server.escalation.identity import copied_elements
from server.escalation.model import Impersonated, Suspect
from tests.escalation.samples import sample_case


def test_elements_from_findings_and_from_the_two_sides() -> None:
    case, _ = sample_case(Platform.X)
    assert [e.name for e in copied_elements(case)] == ["name", "photo", "username"]
    case.check = None
    case.evidence = []
    case.suspect = case.suspect.model_copy(update={"display_name": "هالة عاهد", "avatar_hash": None})
    assert [e.name for e in copied_elements(case)] == ["name", "username"]
    case.suspect = case.suspect.model_copy(update={"display_name": "Samira Haddad", "handle": "samira_h"})
    assert copied_elements(case) == []


def test_a_side_goes_by_its_handle_else_the_one_its_url_names() -> None:
    def suspect(url: str, handle: str | None = None) -> Suspect:
        return Suspect(profile_url=url, handle=handle, display_name="Hala Ahed")

    assert suspect("https://x.com/hala_ahed?s=20").account_handle == "hala_ahed"
    assert suspect("t.me/@hala").account_handle == "hala"
    assert suspect("https://www.facebook.com/profile.php?id=1").account_handle is None
    assert suspect("https://x.com/").account_handle is None
    assert suspect("https://x.com/hala_ahed", handle="ha1a_ahed").account_handle == "ha1a_ahed"
    original = Impersonated(display_name="Hala Ahed", profile_url="https://x.com/hala_ahed", platform=Platform.X)
    assert original.account_handle == "hala_ahed"
    assert original.model_copy(update={"handle": "hala.ahed"}).account_handle == "hala.ahed"
