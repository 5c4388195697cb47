"""Which identity elements a suspect copies: name across scripts, photo, look-alike username."""

from __future__ import annotations

from heuristics.profile import Platform
from server.escalation.identity import copied_elements, handle_of
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


def test_handles_from_profile_urls() -> None:
    assert handle_of("https://x.com/hala_ahed?s=20") == "hala_ahed"
    assert handle_of("t.me/@hala") == "hala"
    assert handle_of("https://www.facebook.com/profile.php?id=1") is None
    assert handle_of("https://x.com/") is None
