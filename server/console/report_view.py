"""What the console shows around a report besides its findings: names as compared, and matches."""

from __future__ import annotations

from typing import Any

from heuristics.names import normalise
from heuristics.profile import Profile
from server.schemas import CheckResponse


def compared_names(profile: Profile | None) -> list[dict[str, Any]]:
    """The display name and handle as written and as the name signals compare them."""
    rows: list[dict[str, Any]] = []
    if profile is None:
        return rows
    for field in ("display_name", "handle"):
        value = getattr(profile, field)
        if not value:
            continue
        normalised = normalise(value)
        primary = None if normalised.is_empty else normalised.primary
        rows.append(
            {
                "field": field,
                "raw": value,
                "cleaned": normalised.cleaned,
                "script": normalised.script,
                "latin": primary.latin if primary else "",
                "arabic": primary.arabic if primary else "",
                "lookalikes": list(normalised.lookalikes),
            }
        )
    return rows


def matches(result: CheckResponse) -> list[dict[str, Any]]:
    """Bank and protected-person matches named by the findings' evidence, in finding order."""
    found: list[dict[str, Any]] = []
    for finding in result.findings:
        evidence = finding.evidence
        if "bank" in evidence and "distance" in evidence:
            found.append(
                {
                    "kind": "bank",
                    "code": finding.code,
                    "bank": evidence["bank"],
                    "label": evidence.get("label", ""),
                    "distance": evidence["distance"],
                }
            )
        if "protected_person" in evidence:
            found.append(
                {
                    "kind": "protected",
                    "code": finding.code,
                    "name": evidence["protected_person"],
                    "id": evidence.get("protected_id"),
                    "similarity": evidence.get("name_similarity"),
                    "avatar_distance": evidence.get("avatar_distance"),
                }
            )
    return found


def report_context(result: CheckResponse, profile: Profile | None) -> dict[str, Any]:
    return {"result": result, "profile": profile, "names": compared_names(profile), "matches": matches(result)}
