"""The share copy of a case: what may leave the organisation (partner NGOs, MISP, STIX, and the
takedown notice to the platform).

Removed: who did anything (usernames and API key labels become the role, ``trainer`` or
``maintainer``), notes marked private, the notifier, the link to the user report, the protected
registry's id and whatever spells the name a person is registered under, and every file name a
trainer typed (files get neutral names). Photos of a profile (evidence of kind ``avatar``) never
leave as bytes, only as their perceptual fingerprint; other files leave only when the trainer
marked them shareable.
"""

from __future__ import annotations

from typing import Any

from server.escalation.model import Case, Evidence, EvidenceKind, FindingSnapshot

# Finding evidence keys that point into this server's own records.
_INTERNAL_EVIDENCE = {"protected_id"}
# What a protected-person finding may say outside: how close the name and the photo are, never
# whom the registry holds. Its other keys name her as registered (``protected_person``, and the
# similarity's ``normalised_match``, ``aligned_parts``, ``missing_parts`` spell her registered
# name part by part). The case names the person it is about (``impersonated``); the registry may
# hold her under another spelling or script, or the suspect's name or photo may match another
# registered person altogether, and neither is the recipient's to learn
# (tests/security/test_redteam_cases.py).
_PROTECTED_FINDING = "impersonation.protected_person"
_PROTECTED_SHAREABLE = {"name_similarity", "avatar_distance", "compared_as"}
# History details that do (``case.opened`` names the user report it came from).
_INTERNAL_HISTORY = {"report"}


def shareable(case: Case) -> Case:
    """A copy of ``case`` with nothing a trainer should not share (see module doc)."""
    check = None
    if case.check is not None:
        findings = [
            finding.model_copy(update={"evidence": _shareable_evidence(finding)}) for finding in case.check.findings
        ]
        check = case.check.model_copy(update={"findings": findings})
    return case.model_copy(
        update={
            "created_by": case.created_by_role,
            "notes": [note.model_copy(update={"by": note.by_role}) for note in case.public_notes()],
            "evidence": [_neutral(item) for item in case.evidence],
            "statuses": {
                platform: status.model_copy(update={"updated_by": status.updated_by_role})
                for platform, status in case.statuses.items()
            },
            "history": [
                entry.model_copy(
                    update={
                        "by": entry.by_role,
                        "detail": {k: v for k, v in entry.detail.items() if k not in _INTERNAL_HISTORY},
                    }
                )
                for entry in case.history
            ],
            "impersonated": case.impersonated.model_copy(update={"protected_id": None}),
            "check": check,
            "notifier": None,
            "report_id": None,
        }
    )


def _shareable_evidence(finding: FindingSnapshot) -> dict[str, Any]:
    if finding.code == _PROTECTED_FINDING:
        return {k: v for k, v in finding.evidence.items() if k in _PROTECTED_SHAREABLE}
    return {k: v for k, v in finding.evidence.items() if k not in _INTERNAL_EVIDENCE}


def _neutral(item: Evidence) -> Evidence:
    name = item.neutral_name.removeprefix("evidence/").removeprefix(f"{item.id}-")
    return item.model_copy(update={"filename": name, "added_by": item.added_by_role})


def leaves_as_bytes(item: Evidence) -> bool:
    """Whether a shared copy may carry this file itself (not just its hashes)."""
    return item.share and item.kind is not EvidenceKind.AVATAR


def shared_record(case: Case) -> dict[str, Any]:
    """The share copy as JSON data (``case.json`` of the redacted archive)."""
    return shareable(case).model_dump(mode="json")
