"""STIX 2.1 bundles: valid for stix2-validator, with accounts, DISARM attack patterns and reasons."""

from __future__ import annotations

import json

import pytest
from stix2validator import ValidationOptions, validate_string

from heuristics.profile import Platform
from server.escalation.disarm import TECHNIQUES
from server.escalation.model import TAKEDOWN_PLATFORMS
from server.escalation.stix import bundle_json
from tests.escalation.samples import PRIVATE, TRAINER, TRAINER_KEY, sample_case


@pytest.mark.parametrize("platform", TAKEDOWN_PLATFORMS)
@pytest.mark.parametrize("kind", ["impersonation", "entrapment", "campaign"])
def test_bundles_pass_the_stix2_validator_with_no_errors(platform: Platform, kind: str) -> None:
    case, _ = sample_case(platform)
    case.kind = kind  # type: ignore[assignment]
    bundle = bundle_json(case)
    result = validate_string(json.dumps(bundle), ValidationOptions(version="2.1"))
    assert result.is_valid, [str(error) for error in result.errors]
    assert result.errors == []
    by_type: dict[str, list[dict]] = {}
    for obj in bundle["objects"]:
        by_type.setdefault(obj["type"], []).append(obj)
    assert len(by_type["user-account"]) == 2
    assert {a["display_name"] for a in by_type["user-account"]} == {"Hala Ahed"}
    for pattern in by_type["attack-pattern"]:
        (reference,) = pattern["external_references"]
        assert reference["source_name"] == "DISARM"
        assert TECHNIQUES[reference["external_id"]].name == pattern["name"]
        assert reference["url"].endswith(f"/{reference['external_id']}.md")
    ids = {p["external_references"][0]["external_id"] for p in by_type["attack-pattern"]}
    assert "T0143.003" in ids and (kind != "entrapment" or "T0097.109" in ids)
    (note,) = by_type["note"]
    assert case.avatar_fingerprint() in note["content"]
    for code in case.reasons:
        assert code in note["content"]
    (indicator,) = by_type["indicator"]
    assert indicator["pattern_type"] == "stix" and "user-account:user_id" in indicator["pattern"]
    relationships = {(r["source_ref"], r["relationship_type"]) for r in by_type["relationship"]}
    assert relationships == {(indicator["id"], "indicates")}
    assert {f["hashes"]["SHA-256"] for f in by_type["file"]} == {item.sha256 for item in case.evidence}


def test_same_case_same_bundle_and_nothing_private() -> None:
    case, _ = sample_case(Platform.FACEBOOK)
    first = json.dumps(bundle_json(case), sort_keys=True)
    assert first == json.dumps(bundle_json(case), sort_keys=True)
    for marker in (TRAINER, TRAINER_KEY, PRIVATE, "fedcba9876543210", "helpline@ngo.example"):
        assert marker not in first


def test_quotes_in_an_account_id_do_not_break_the_pattern() -> None:
    case, _ = sample_case(Platform.X)
    case.suspect = case.suspect.model_copy(update={"account_id": "it's\\odd"})
    result = validate_string(json.dumps(bundle_json(case)), ValidationOptions(version="2.1"))
    assert result.is_valid, [str(error) for error in result.errors]


@pytest.mark.parametrize("joined", ["2025-03", "2025-03-04", "2025-03-04T22:15:00Z", "2025-03-04T22:15:00.5+03:00"])
def test_every_join_date_a_profile_takes_is_an_account_creation_time(joined: str) -> None:
    """A suspect is a profile: its join date may be a month, a day or an RFC 3339 time (as a check
    takes it). The bundle dates the account from the day it names (a time was a ValueError, which
    the export answered as 409 evidence_mismatch: a false alarm that an evidence file changed)."""
    case, _ = sample_case(Platform.X)
    case.suspect = case.suspect.model_copy(update={"joined": joined})
    bundle = bundle_json(case)
    assert validate_string(json.dumps(bundle), ValidationOptions(version="2.1")).is_valid
    created = {a.get("account_created") for a in bundle["objects"] if a["type"] == "user-account"}
    assert any(str(value).startswith(joined[:7]) for value in created)
