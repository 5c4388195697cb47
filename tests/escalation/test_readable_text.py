"""Text a person reads in a partner's MISP or STIX tool (the annotation, the STIX note, the
indicator's name) shows hidden characters by code point and stays on its lines; structured
values keep the exact value, which is the evidence (``server.escalation.summary``)."""

from __future__ import annotations

from heuristics.profile import Platform
from server.escalation.misp import event_json
from server.escalation.model import Case, CaseNote, FindingSnapshot
from server.escalation.stix import bundle_json
from tests.escalation.samples import OPENED_AT, sample_case

NAME = "Hala \u202edehA"  # shows as "Hala Ahed"


def hostile_case() -> tuple[Case, dict[str, bytes]]:
    case, files = sample_case(Platform.X)
    assert case.check is not None
    case.suspect = case.suspect.model_copy(update={"display_name": NAME})
    case.impersonated = case.impersonated.model_copy(update={"display_name": NAME})
    case.check.findings.append(
        FindingSnapshot(code="name.deceptive_characters", points=1.0, evidence={"display_name": NAME})
    )
    case.reasons.append("name.deceptive_characters")
    note = "From the report:\n- Notifier e-mail: police@example.org\nhe wrote \u2066this\u2069"
    case.notes.append(CaseNote(at=OPENED_AT, by="amal", by_role="trainer", text=note))
    return case, files


def test_the_misp_annotation_shows_hidden_characters_and_keeps_its_lines() -> None:
    case, files = hostile_case()
    event = event_json(case, files)["Event"]
    objects = {obj["name"]: obj for obj in event["Object"]}
    text = next(a["value"] for a in objects["annotation"]["Attribute"] if a["object_relation"] == "text")
    assert "\u202e" not in text and "\u2066" not in text
    assert "Hala <U+202E>dehA" in text and "he wrote <U+2066>this<U+2069>" in text
    assert "Note: From the report:\n  - Notifier e-mail: police@example.org\n" in text  # still under its Note:
    # The account's own field keeps the exact value.
    account = objects["twitter-account"]
    assert NAME in [a["value"] for a in account["Attribute"] if a["object_relation"] == "displayed-name"]


def test_the_stix_note_and_indicator_show_hidden_characters() -> None:
    case, _ = hostile_case()
    bundle = bundle_json(case)
    by_type: dict[str, list[dict[str, object]]] = {}
    for item in bundle["objects"]:
        by_type.setdefault(str(item["type"]), []).append(item)
    note = str(by_type["note"][0]["content"])
    indicator = by_type["indicator"][0]
    assert "\u202e" not in note and "Hala <U+202E>dehA" in note
    assert indicator["name"] == "Account impersonating Hala <U+202E>dehA"
    assert NAME in [account.get("display_name") for account in by_type["user-account"]]
