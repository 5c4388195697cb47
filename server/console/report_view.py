"""What the console shows around a report besides its findings: names as compared, matches, and
warnings about which account the report names."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from heuristics.names import normalise
from heuristics.profile import Platform, Profile
from heuristics.signals.impersonation import handle_key
from server.escalation.account_url import url_problem
from server.schemas import CheckRequest, CheckResponse
from server.services.identity import protected_owners
from server.storage.reports import profile_handle
from server.web.errors import APIError


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


# What names the account a report is about: the trainer checks these against the account itself
# (its page, by its handle). Everything else a report's profile holds — join date, counts, bio,
# badges, the platform's labels — and its photo fingerprint describe the account as the filer says
# it is: an anonymous filer (the extension, or anyone with the API) who may be the adversary
# reporting a genuine account with made-up figures to have it rated high.
NAMING_FIELDS = ("account_id", "handle", "display_name", "profile_url")


def filer_figures(profile: Profile | None) -> list[str]:
    """The fields of a reported profile that only the filer vouches for (those set)."""
    if profile is None:
        return []
    return sorted(key for key in profile.model_fields_set - set(NAMING_FIELDS) if getattr(profile, key) is not None)


def without_filer_figures(body: CheckRequest) -> CheckRequest:
    """The check of a report with only what names the account: no figures, no photo fingerprint.
    A missing field is no evidence to any signal, so made-up figures cannot raise its rating."""
    profile = body.profile.model_copy(update=dict.fromkeys(filer_figures(body.profile))) if body.profile else None
    return body.model_copy(update={"profile": profile, "avatar_hash": None})


def as_reported(result: CheckResponse, named_only: CheckResponse, profile: Profile | None) -> dict[str, Any]:
    """A report page's rating, told as what it is: ``result`` (the check of everything the filer
    sent) is "as reported, unverified"; ``named_only`` (:func:`without_filer_figures`) is what is
    left without the filer's figures and photo; ``codes`` are the findings that rest on them."""
    kept = {finding.code for finding in named_only.findings}
    return {
        "named_only": named_only,
        "figures": filer_figures(profile),
        "codes": sorted({finding.code for finding in result.findings} - kept),
        "photo": bool(result.avatar_hash),
    }


def account_warnings(report: dict[str, Any], registry: Any) -> list[dict[str, Any]]:
    """What a trainer must know before deciding a report about which account it names: the
    reporter wrote every field, and the adversary files reports.

    - ``protected``: the account is a protected person's own registered account — a campaign
      reporting her genuine account as a fake (a case or a bank entry of it is refused);
    - ``url``: its URL leads to another site or account than its handle or id (refused since it
      was filed; a report kept from before says so here);
    - ``other_site``: a report of another platform than the four, whose URL may be any site's:
      opening it tells that site that someone looked;
    - ``accounts``: the merged reports name different accounts (handles or URLs): reports merge
      by account id when they carry one, so whoever filed first under the clone's id with the
      impersonated woman's handle and URL would have every genuine report of the clone shown
      under her account (and rejected, or a case opened, with it).
    """
    try:
        platform = Platform(str(report.get("platform")))
    except ValueError:
        return []
    profile = report.get("profile") or {}
    warnings: list[dict[str, Any]] = []
    try:
        account = Profile(account_id=profile.get("account_id"), handle=profile_handle(profile))
    except ValidationError:  # a record kept before today's limits: nothing to look up
        account = Profile()
    try:
        owners = protected_owners(registry, account, platform)
        if owners:  # her id: the page that shows this audits and counts the read (server.console.registry_reads)
            warnings.append({"kind": "protected", "people": owners})
    except APIError:
        warnings.append({"kind": "registry_unavailable"})
    problem = url_problem(
        profile.get("profile_url"), platform, profile.get("handle"), profile.get("account_id"), names_account=True
    )
    if problem:
        warnings.append({"kind": "url", "problem": problem})
    elif platform is Platform.OTHER and profile.get("profile_url"):
        # Any site's address passes (its paths say nothing Haris can read), and the extension never
        # files such a report: opening it tells whoever runs that site that a trainer looked, when,
        # and from where (tests/security/test_redteam_reports_urls.py).
        warnings.append({"kind": "other_site"})
    versions = [profile, *((variant.get("profile") or {}) for variant in report.get("variants") or ())]
    named = [handle for version in versions if (handle := profile_handle(version))] + list(report.get("handles") or ())
    handles = {handle_key(handle, platform): handle for handle in named}
    if len(handles) > 1:
        warnings.append({"kind": "accounts", "handles": sorted(handles.values())})
    return warnings
