"""MISP events: every object matches its template in the misp-objects definitions PyMISP ships."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from pymisp import MISPEvent, MISPObject

from heuristics.profile import Platform
from server.escalation.misp import ACCOUNT_TEMPLATES, event_json
from server.escalation.model import TAKEDOWN_PLATFORMS
from tests.escalation.samples import PRIVATE, TRAINER, TRAINER_KEY, sample_case


def template(name: str) -> dict[str, Any]:
    """The template as PyMISP loads it: ``MISPObject`` reads ``<misp_objects_path>/<name>/definition.json``."""
    path = Path(MISPObject(name, strict=True).misp_objects_path) / name / "definition.json"
    return json.loads(path.read_text(encoding="utf-8"))


def check_against_template(obj: dict[str, Any]) -> None:
    definition = template(obj["name"])
    allowed = definition["attributes"]
    assert obj["template_uuid"] == definition["uuid"] and int(obj["template_version"]) == definition["version"]
    relations = [attribute["object_relation"] for attribute in obj["Attribute"]]
    assert set(relations) <= set(allowed), (obj["name"], set(relations) - set(allowed))
    for attribute in obj["Attribute"]:
        assert attribute["type"] == allowed[attribute["object_relation"]]["misp-attribute"], attribute
        assert attribute["value"] not in ("", None)
    for relation in set(relations):
        assert relations.count(relation) == 1 or allowed[relation].get("multiple"), (obj["name"], relation)
    assert set(definition.get("required", [])) <= set(relations), obj["name"]
    if definition.get("requiredOneOf"):
        assert set(definition["requiredOneOf"]) & set(relations), obj["name"]
    # And PyMISP's own validation of the loaded object against the same template.
    loaded = MISPObject(obj["name"], strict=True)
    loaded.from_dict(**obj)
    loaded.to_json(strict=True)


@pytest.mark.parametrize("platform", TAKEDOWN_PLATFORMS)
def test_every_object_uses_only_its_templates_attributes_and_meets_its_required(platform: Platform) -> None:
    case, files = sample_case(platform)
    event = event_json(case, files)["Event"]
    objects = event["Object"]
    for obj in objects:
        check_against_template(obj)
    names = [obj["name"] for obj in objects]
    # One account object per side, on the platform's template.
    assert names.count(ACCOUNT_TEMPLATES[platform]) == 2
    for expected in ("impersonation", "annotation", "image", "file"):
        assert expected in names
    loaded = MISPEvent()
    loaded.load(json.dumps(event_json(case, files)))
    assert len(loaded.objects) == len(objects)


def test_tags_are_tlp_and_disarm_techniques() -> None:
    case, files = sample_case(Platform.X)
    tags = {tag["name"] for tag in event_json(case, files)["Event"]["Tag"]}
    assert "tlp:amber" in tags
    assert 'misp-galaxy:disarm-techniques="Impersonated Persona"' in tags
    assert 'misp-galaxy:disarm-techniques="Copy Account Imagery"' in tags
    assert 'misp-galaxy:disarm-techniques="Lookalike Account ID"' in tags
    case.kind = "entrapment"
    case.tlp = "red"
    tags = {tag["name"] for tag in event_json(case, files)["Event"]["Tag"]}
    assert {"tlp:red", 'misp-galaxy:disarm-techniques="Romantic Suitor Persona"'} <= tags


def test_photos_as_hashes_unless_the_trainer_shares_a_file() -> None:
    case, files = sample_case(Platform.INSTAGRAM)
    objects = event_json(case, files)["Event"]["Object"]
    attachments = [a for obj in objects for a in obj["Attribute"] if a["type"] == "attachment"]
    # Only the shared screenshot travels; the profile photo (avatar) never does, the page is not shared.
    shared = next(e for e in case.evidence if e.id == "02")
    assert [a["value"] for a in attachments] == [f"{shared.sha256[:12]}.png"]  # a neutral name
    assert base64.b64decode(attachments[0]["data"]) == files["02"]
    hashes = {a["value"] for obj in objects if obj["name"] == "file" for a in obj["Attribute"]}
    assert {item.sha256 for item in case.evidence} <= hashes
    annotation = next(obj for obj in objects if obj["name"] == "annotation")
    text = next(a["value"] for a in annotation["Attribute"] if a["object_relation"] == "text")
    assert case.avatar_fingerprint() in text and "impersonation.protected_person" in text and "T0143.003" in text


def test_same_case_same_event_and_nothing_private() -> None:
    case, files = sample_case(Platform.TELEGRAM)
    first = json.dumps(event_json(case, files), sort_keys=True)
    assert first == json.dumps(event_json(case, files), sort_keys=True)
    for marker in (TRAINER, TRAINER_KEY, PRIVATE, case.notifier.email, case.report_id):  # type: ignore[union-attr]
        assert marker not in first
