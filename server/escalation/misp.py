"""A case as a MISP event (PyMISP), for NGOs and trust-and-safety teams that exchange cases in MISP.

Objects, each built with ``MISPObject(name, strict=True)`` against the misp-objects templates
shipped inside PyMISP and validated before export:

- one account object per side (``twitter-account``, ``facebook-account``, ``instagram-account``,
  ``telegram-account``), the impersonator and the original;
- ``impersonation``: who pretends to be whom, linked to both accounts;
- ``file`` per evidence item (SHA-256, size, type — hashes, not the file) and ``image`` for the
  suspect's photo and image evidence: the bytes only when the trainer marked the file shareable
  (and never a profile photo: that leaves as its fingerprint);
- ``annotation``: the reason codes with Haris's evidence, the copied identity elements, the photo
  fingerprint, the DISARM ids and the shareable notes.

Tags: ``tlp:<level>`` and one DISARM technique galaxy tag each. The event is built from the share
copy (:func:`server.escalation.redact.shareable`): no trainer, no private note. UUIDs derive from
the case id and timestamps from the case, so the same case exports the same event.
"""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from pymisp import MISPEvent, MISPObject

from heuristics.profile import Platform, parse_joined
from server.escalation.disarm import techniques_for
from server.escalation.model import Case, Evidence, EvidenceKind, Impersonated, Suspect
from server.escalation.redact import leaves_as_bytes, shareable
from server.escalation.summary import reason_lines

NAMESPACE = uuid.UUID("0b6e4f1a-8a1f-5b9e-9c2a-6861726973ff")  # Haris's own uuid5 namespace
ACCOUNT_TEMPLATES = {
    Platform.X: "twitter-account",
    Platform.FACEBOOK: "facebook-account",
    Platform.INSTAGRAM: "instagram-account",
    Platform.TELEGRAM: "telegram-account",
}
_ACCOUNT_TYPE = {Platform.X: "Twitter", Platform.FACEBOOK: "Facebook", Platform.INSTAGRAM: "Instagram"}
_OBJECTIVE = {"impersonation": "Other", "entrapment": "Other", "campaign": "Distrusting"}


def _joined(value: str | None) -> datetime | None:
    if not value:
        return None
    day: date = parse_joined(value)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _account(platform: Platform, url: str, account_id: str | None, handle: str | None, name: str | None,
             joined: str | None, bio: str | None = None) -> MISPObject | None:  # fmt: skip
    """The platform's account object, or None when the template's required fields are missing."""
    template = ACCOUNT_TEMPLATES.get(platform)
    if template is None:
        return None
    obj = MISPObject(template, strict=True)
    if platform is Platform.X:
        values = {"name": handle, "id": account_id, "displayed-name": name, "link": url, "bio": bio,
                  "joined-date": _joined(joined)}  # fmt: skip
    elif platform is Platform.TELEGRAM:
        if not (handle or account_id):
            return None  # telegram-account needs an id, a phone or a username
        values = {"username": handle, "id": account_id, "first_name": name}
    else:
        values = {"account-name": handle or name, "account-id": account_id, "link": url, "description": bio}
    for relation, value in values.items():
        if value is not None and value != "":
            obj.add_attribute(relation, value=value)
    return obj


def _suspect_account(platform: Platform, suspect: Suspect) -> MISPObject | None:
    return _account(platform, suspect.profile_url, suspect.account_id, suspect.account_handle, suspect.display_name,
                    suspect.joined, suspect.bio)  # fmt: skip


def _original_account(original: Impersonated) -> MISPObject | None:
    return _account(original.platform, original.profile_url, original.account_id, original.account_handle,
                    original.display_name, original.joined)  # fmt: skip


def _image(item: Evidence, data: bytes | None, link: str | None) -> MISPObject | None:
    obj = MISPObject("image", strict=True)
    obj.add_attribute("filename", value=item.filename)
    attach = data is not None and leaves_as_bytes(item) and item.kind is not EvidenceKind.AVATAR
    if attach:
        obj.add_attribute("attachment", value=item.filename, data=io.BytesIO(data or b""))
    if link:
        obj.add_attribute("link", value=link)
    if not (attach or link):
        return None  # an image object needs the file itself, an archive or a link
    return obj


def _file(item: Evidence) -> MISPObject:
    obj = MISPObject("file", strict=True)
    for relation, value in (
        ("filename", item.filename),
        ("sha256", item.sha256),
        ("size-in-bytes", item.size),
        ("mimetype", item.media_type),
    ):
        obj.add_attribute(relation, value=value)
    return obj


def _annotation(case: Case) -> MISPObject:
    lines = reason_lines(case)
    obj = MISPObject("annotation", strict=True)
    obj.add_attribute("text", value="\n".join(lines))
    obj.add_attribute("type", value="Annotation")
    obj.add_attribute("format", value="text")
    obj.add_attribute("creation-date", value=datetime.fromtimestamp(case.created_at, UTC))
    for technique in techniques_for(case):
        obj.add_attribute("ref", value=technique.url)
    return obj


def _impersonation(case: Case) -> MISPObject:
    obj = MISPObject("impersonation", strict=True)
    values = {
        "account-name": case.suspect.display_name or case.suspect.account_handle,
        "account-url": case.suspect.profile_url,
        "impersonated-account-name": case.impersonated.account_handle,
        "impersonated-account-url": case.impersonated.profile_url,
        "real-name": case.impersonated.display_name,
        "type": "Person",
        "type-of-account": _ACCOUNT_TYPE.get(case.platform, "Other"),
        "objective": _OBJECTIVE[case.kind],
    }
    for relation, value in values.items():
        if value:
            obj.add_attribute(relation, value=value)
    return obj


def build_event(case: Case, files: Mapping[str, bytes]) -> MISPEvent:
    shared = shareable(case)
    event = MISPEvent()
    event.uuid = str(uuid.uuid5(NAMESPACE, f"case/{case.id}"))
    event.info = f"Haris case {case.id}: {case.kind} of a real person's account on {case.platform.value}"
    event.date = datetime.fromtimestamp(case.created_at, UTC).date()
    event.timestamp = datetime.fromtimestamp(case.updated_at, UTC)
    event.distribution = 0  # this organisation only, until the importing analyst shares it
    event.threat_level_id = 2
    event.analysis = 2 if case.state == "closed" else 1
    event.add_tag(f"tlp:{case.tlp}")
    for technique in techniques_for(shared):
        event.add_tag(f'misp-galaxy:disarm-techniques="{technique.name}"')

    impersonation = _stable(case.id, "impersonation", _impersonation(shared))
    annotation = _stable(case.id, "annotation", _annotation(shared))
    objects = [impersonation, annotation]
    suspect = _suspect_account(shared.platform, shared.suspect)
    if suspect is not None:
        _stable(case.id, "suspect", suspect)
        suspect.comment = "impersonator (reported account)"
        impersonation.add_reference(suspect.uuid, "related-to", "the impersonating account")
        annotation.add_reference(suspect.uuid, "annotates")
        objects.append(suspect)
    original = _original_account(shared.impersonated)
    if original is not None:
        _stable(case.id, "original", original)
        original.comment = "original (impersonated person's account)"
        impersonation.add_reference(original.uuid, "related-to", "the impersonated account")
        if suspect is not None:
            suspect.add_reference(original.uuid, "impersonates")
        objects.append(original)
    for item in shared.evidence:
        file_object = _stable(case.id, f"file/{item.id}", _file(item))
        objects.append(file_object)
        image = _image(item, files.get(item.id), item.source_url) if item.is_image else None
        if image is not None:
            _stable(case.id, f"image/{item.id}", image)
            image.add_reference(file_object.uuid, "related-to", "SHA-256 and size of this image")
            if item.kind is EvidenceKind.AVATAR and suspect is not None:
                image.add_reference(suspect.uuid, "related-to", "profile photo")
            objects.append(image)
    for obj in objects:
        for reference in obj.ObjectReference:
            reference.uuid = str(uuid.uuid5(NAMESPACE, f"{obj.uuid}/{reference.referenced_uuid}"))
        obj.to_dict(strict=True)  # raises if an object misses a required attribute of its template
        event.add_object(obj)
    return event


def _stable(case_id: str, role: str, obj: MISPObject) -> MISPObject:
    """Ids derived from the case, so exporting the same case twice gives the same event."""
    obj.uuid = str(uuid.uuid5(NAMESPACE, f"case/{case_id}/{role}"))
    for index, attribute in enumerate(obj.attributes):
        attribute.uuid = str(uuid.uuid5(NAMESPACE, f"{obj.uuid}/{attribute.object_relation}/{index}"))
    return obj


def event_json(case: Case, files: Mapping[str, bytes]) -> dict[str, Any]:
    """The MISP event in MISP's JSON format (``{"Event": …}``)."""
    return {"Event": json.loads(build_event(case, files).to_json())}
