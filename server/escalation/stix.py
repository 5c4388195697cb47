"""A case as a STIX 2.1 bundle (``stix2``), for tools that exchange threat intelligence in STIX.

- ``user-account`` for the impersonator and for the original;
- ``indicator`` matching the impersonator's account, ``indicates`` each DISARM technique;
- ``attack-pattern`` per DISARM technique, with an external reference to its DISARM id and page;
- ``file`` per evidence item (SHA-256 and size, never the bytes);
- ``note`` carrying the reasons (codes, Haris's evidence, copied identity elements), the suspect
  photo's perceptual fingerprint and the shareable notes, about the accounts and the indicator;
- ``report`` gathering them, marked with the case's TLP.

Built from the share copy (no trainer, no private note). Ids are uuid5 of the case id (SCOs get
stix2's own deterministic ids) and timestamps come from the case: the same case exports the same
bundle. ``tests/escalation/test_stix.py`` runs ``stix2-validator`` on it.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import stix2

from heuristics.profile import Platform, parse_joined
from server.escalation.disarm import techniques_for
from server.escalation.model import Case
from server.escalation.redact import shareable
from server.escalation.summary import reason_lines
from server.escalation.tickets import one_line

NAMESPACE = uuid.UUID("0b6e4f1a-8a1f-5b9e-9c2a-6861726973ff")
_TLP = {"clear": stix2.TLP_WHITE, "green": stix2.TLP_GREEN, "amber": stix2.TLP_AMBER, "red": stix2.TLP_RED}
# STIX's account-type-ov has "facebook" and "twitter"; other platforms use their own name.
_ACCOUNT_TYPE = {Platform.X: "twitter", Platform.FACEBOOK: "facebook", Platform.INSTAGRAM: "instagram"}


def _id(kind: str, case_id: str, role: str) -> str:
    """A STIX id derived from the case: uuid5's hash bits, in the UUIDv4 form STIX recommends for
    domain objects (the bits are as unpredictable as a v4's to anyone without the case id)."""
    derived = uuid.uuid5(NAMESPACE, f"case/{case_id}/{role}")
    return f"{kind}--{uuid.UUID(bytes=derived.bytes, version=4)}"


def _time(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


def _pattern_string(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def _account(platform: Platform, url: str, account_id: str | None, handle: str | None,
             name: str | None, joined: str | None) -> stix2.UserAccount:  # fmt: skip
    values: dict[str, Any] = {
        "account_type": _ACCOUNT_TYPE.get(platform, platform.value),
        # STIX's user_id is the account's identifier, what partners correlate and alert on; a
        # handle is its account_login. A handle of digits (X allows it) that is another account's
        # id, as user_id, named that account (tests/security/test_redteam_reports_exports.py).
        "user_id": account_id or (None if handle else url),
        "account_login": handle,
        "display_name": name,
    }
    if joined:  # a month, a day or an RFC 3339 time, as a profile takes it: the day it names (as in MISP)
        day = parse_joined(joined)
        values["account_created"] = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return stix2.UserAccount(**{key: value for key, value in values.items() if value})


def build_bundle(case: Case) -> stix2.Bundle:
    shared = shareable(case)
    created, modified = _time(case.created_at), _time(case.updated_at)
    marking = _TLP[case.tlp]
    common = {"created": created, "modified": modified, "object_marking_refs": [marking]}

    suspect = _account(shared.platform, shared.suspect.profile_url, shared.suspect.account_id,
                       shared.suspect.account_handle, shared.suspect.display_name, shared.suspect.joined)  # fmt: skip
    original_side = shared.impersonated
    original = _account(original_side.platform, original_side.profile_url, original_side.account_id,
                        original_side.account_handle, original_side.display_name, original_side.joined)  # fmt: skip
    named_by = "user_id" if suspect.get("user_id") else "account_login"
    pattern = (
        f"[user-account:account_type = '{_pattern_string(suspect.account_type)}'"
        f" AND user-account:{named_by} = '{_pattern_string(suspect[named_by])}']"
    )
    indicator = stix2.Indicator(
        id=_id("indicator", case.id, "indicator"),
        # Read by a person: hidden characters by code point, as in the notice (server.escalation.summary).
        name=one_line(f"Account impersonating {original_side.display_name}"),
        description=one_line(f"{shared.suspect.profile_url} impersonates {original_side.profile_url}."),
        indicator_types=["attribution"],
        pattern=pattern,
        pattern_type="stix",
        valid_from=created,
        **common,
    )
    objects: list[Any] = [suspect, original, indicator]
    patterns = []
    for technique in techniques_for(shared):
        attack = stix2.AttackPattern(
            id=_id("attack-pattern", case.id, technique.id),
            name=technique.name,
            external_references=[{"source_name": "DISARM", "external_id": technique.id, "url": technique.url}],
            kill_chain_phases=[{"kill_chain_name": "disarm", "phase_name": technique.tactic.lower()}],
            **common,
        )
        patterns.append(attack)
        objects.append(
            stix2.Relationship(
                id=_id("relationship", case.id, f"indicates/{technique.id}"),
                relationship_type="indicates",
                source_ref=indicator.id,
                target_ref=attack.id,
                **common,
            )
        )
    objects.extend(patterns)
    files = [
        stix2.File(name=item.filename, hashes={"SHA-256": item.sha256}, size=item.size, mime_type=item.media_type)
        for item in shared.evidence
    ]
    objects.extend(files)
    note = stix2.Note(
        id=_id("note", case.id, "reasons"),
        abstract="Why this account impersonates (reason codes, evidence, photo fingerprint)",
        content="\n".join(reason_lines(shared)),
        object_refs=[suspect.id, original.id, indicator.id, *(f.id for f in files)],
        **common,
    )
    objects.append(note)
    report = stix2.Report(
        id=_id("report", case.id, "report"),
        name=f"Haris case {case.id}: {case.kind} on {case.platform.value}",
        report_types=["attack-pattern", "indicator"],
        published=modified,
        object_refs=[obj.id for obj in objects],
        **common,
    )
    objects.append(report)
    return stix2.Bundle(objects=objects, id=_id("bundle", case.id, f"bundle/{case.updated_at}"))


def bundle_json(case: Case) -> dict[str, Any]:
    return json.loads(build_bundle(case).serialize())
