"""Console pages for escalation cases: the list, opening a case (from a confirmed report, a manual
check or by hand), the case page (evidence, notes, platform statuses, exports) and the outcomes.

Every change goes through :mod:`server.services.cases`, as ``/v1/cases`` does, so a case changed
from either door is checked, stored and audited the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from heuristics.profile import Platform
from heuristics.signals import registry
from server.console.auth import console_actor, require_console_role
from server.console.blueprint import bp, only_from_the_console, page_locale, t
from server.console.errors import explain_too_large, too_many_requests_page
from server.console.forms import megabytes, profile_from_form
from server.console.report_view import NAMING_FIELDS
from server.escalation.identity import copied_elements
from server.escalation.model import (
    MAX_EVIDENCE_BYTES,
    STATUS_VERSION,
    TAKEDOWN_PLATFORMS,
    CaseCreate,
    EvidenceKind,
    Outcome,
    StatusUpdate,
)
from server.escalation.tickets import LOCALES
from server.roles import Role
from server.services import Actor, protected, registry_listing
from server.services.cases import (
    EXPORT_KINDS,
    add_evidence,
    add_note,
    export_case,
    kind_of_report,
    list_recent_cases,
    open_case_from_door,
    outcomes,
    set_platform_status,
    set_state,
    status_version,
    view_case,
)
from server.state import app_state
from server.storage.cases import CLOSED_TTL_SECONDS, OPEN_TTL_SECONDS, CaseStore
from server.storage.protected import ID
from server.web.body import validate
from server.web.downloads import default_notifier, download, requested_locale, requested_platform
from server.web.errors import APIError

Page = str | tuple[str, int] | Response
KINDS = ("impersonation", "entrapment", "campaign")
# Profile URL of an account from its handle, for a protected person's genuine account.
_PROFILE_URLS = {
    Platform.X: "https://x.com/{}",
    Platform.INSTAGRAM: "https://www.instagram.com/{}/",
    Platform.FACEBOOK: "https://www.facebook.com/{}",
    Platform.TELEGRAM: "https://t.me/{}",
}


def _cases() -> CaseStore:
    return app_state().stores.cases


def _actor() -> Actor:
    return console_actor()


@dataclass(frozen=True)
class _Pick:
    """A protected person as the picker shows her: her id and names, nothing else of her record."""

    id: str
    display_names: list[str]


def _registry_picker(form: dict[str, Any], after: str | None) -> dict[str, Any]:
    """A page of the registry for the picker (``after``: where the previous page stopped), read as
    the registry's own pages read it — :func:`server.services.registry_listing.page`: one form
    reads the ids and at most ``PAGE_SIZE`` records however many people are registered, audited
    as theirs are (``protected.listed``, how many, ``after``), and the people shown are counted
    against her ``HARIS_REGISTRY_LIST_LIMIT``: without it, "next people" on this form paged
    through the whole registry past the limit its own pages keep. Not counted against
    ``HARIS_PROTECTED_MATCH_LIMIT``: it names whom the registry holds, not whom a profile is taken
    for. The person already picked, when not on this page, is read too
    (:func:`~server.services.registry_listing.person`: free when shown to her this hour), so that a
    refused form or another page keeps her picked.

    Once the allowance is used up (or the limiter store cannot count), the form is shown without
    the picker, saying why: a case can still be opened, its impersonated person typed."""
    try:
        found, following = registry_listing.page(_actor(), after)
        people = [_Pick(person.id, person.display_names) for person in found]
        chosen = str(form.get("protected_id", ""))
        if ID.fullmatch(chosen) and all(pick.id != chosen for pick in people):
            person = registry_listing.person(chosen, _actor())
            if person is not None:
                people.insert(0, _Pick(person.id, person.display_names))
    except APIError:  # 429 protected_list_limited, 503 limiter_unavailable: nothing listed
        return {"people": [], "registry_after": None, "registry_next": None, "registry_withheld": True}
    return {"people": people, "registry_after": after, "registry_next": following}


def _form_context(
    form: dict[str, Any], error: APIError | None = None, registry_after: str | None = None
) -> dict[str, Any]:
    return {
        "form": form,
        "error": error,
        "platforms": [p.value for p in Platform],
        "kinds": KINDS,
        "codes": sorted(registry()),
        **_registry_picker(form, registry_after),
    }


def _prefill_from_report(report_id: str) -> dict[str, Any]:
    report = app_state().stores.reports.get(report_id) if len(report_id) == 16 else None
    if report is None:
        abort(404)
    profile = report.get("profile") or {}
    # Only what names the account (its name, handle, URL) fills the suspect's fields, to be checked
    # on the account itself. Its figures (join date, counts, bio, badges) are an anonymous filer's
    # word: prefilled, the case's snapshot rated them, as established, when it opened — a genuine
    # account reported with a made-up recent join date and few followers went into the notice as
    # "new, few followers". They are shown beside the form, as reported, for the trainer to type
    # once seen on the account (tests/console/test_report_unverified_fields.py).
    # Not the account id either: the reporter wrote it, most platforms' pages do not show it, and
    # the case's STIX indicator and MISP account name that id as the impersonator's to partners.
    # It is shown beside the field for the trainer to type once checked.
    named = {key: value for key, value in profile.items() if value is not None}
    form: dict[str, Any] = {
        f"suspect_{key}": str(value) for key, value in named.items() if key in NAMING_FIELDS and key != "account_id"
    }
    form["reported_figures"] = {key: str(value) for key, value in sorted(named.items()) if key not in NAMING_FIELDS}
    if profile.get("account_id"):
        form["reported_account_id"] = str(profile["account_id"])
    # Not the report's avatar_hash: its filer made it (``server.services.cases.open_case``); the
    # trainer uploads the suspect's photo as evidence instead.
    form.update(platform=report.get("platform", ""), report_id=report_id)
    form["kind"] = kind_of_report(report)
    form["impersonated_platform"] = form["platform"]
    return form


def _with_report_hints(form: dict[str, Any]) -> dict[str, Any]:
    """A refused form from a report, shown again with what the report said beside it (its figures
    and account id, as reported): typed fields are the trainer's, kept as she typed them."""
    report_id = str(form.get("report_id", ""))
    report = app_state().stores.reports.get(report_id) if len(report_id) == 16 else None
    if report is None:
        return form
    hints = _prefill_from_report(report_id)
    return form | {key: hints[key] for key in ("reported_figures", "reported_account_id") if key in hints}


def _impersonated_from_form(form: MultiDict[str, str]) -> dict[str, Any]:
    """Typed by the trainer, or filled from a protected person (typed fields win)."""
    data: dict[str, Any] = {
        key: form.get(f"impersonated_{key}", "").strip()
        for key in ("display_name", "profile_url", "platform", "joined", "handle")
    }
    person_id = form.get("protected_id", "").strip()
    if person_id:
        # Within her HARIS_REGISTRY_LIST_LIMIT: free for the person the picker showed her, counted
        # for an id she did not see there (a forged field reads that person's names into the case).
        person = registry_listing.person(person_id, _actor())
        if person is None:
            raise APIError(422, "invalid_value", t("cases.no_such_person"), "impersonated.protected_id")
        data["protected_id"] = person.id
        data["display_name"] = data["display_name"] or person.display_names[0]
        platform = data["platform"] or form.get("platform", "")
        account = next((a for a in person.accounts if a.platform.value == platform and a.handle), None)
        if account and not data["profile_url"]:
            data["profile_url"] = _PROFILE_URLS.get(account.platform, "{}").format(account.handle)
            data["handle"] = data["handle"] or account.handle
        data["platform"] = platform
    data["platform"] = data["platform"] or form.get("platform", "")
    return {key: value for key, value in data.items() if value}


def case_body_from_form(form: MultiDict[str, str]) -> CaseCreate:
    suspect_form = MultiDict({key.removeprefix("suspect_"): value for key, value in form.items(multi=True)
                              if key.startswith("suspect_")})  # fmt: skip
    suspect = profile_from_form(suspect_form)
    if form.get("avatar_hash", "").strip():
        suspect["avatar_hash"] = form["avatar_hash"].strip().lower()
    data: dict[str, Any] = {
        "platform": form.get("platform", ""),
        "suspect": suspect,
        "impersonated": _impersonated_from_form(form),
        "kind": form.get("kind") or None,
    }
    reasons = [code for code in form.getlist("reasons") if code]
    if reasons:
        data["reasons"] = reasons
    for key in ("notes", "private_notes", "report_id"):
        value = form.get(key, "").strip()
        if value:
            data[key] = value
    return validate(CaseCreate, data)


@bp.get("/cases")
@require_console_role(Role.TRAINER)
def cases() -> Page:
    listed = list_recent_cases(_cases(), app_state().stores.audit, _actor(), limit=200)
    return render_template(
        "console/cases.html", cases=listed, open_days=OPEN_TTL_SECONDS // 86400, closed_days=CLOSED_TTL_SECONDS // 86400
    )


@bp.route("/cases/new", methods=["GET", "POST"])
@require_console_role(Role.TRAINER)
def new_case() -> Page:
    if request.method == "GET":
        report_id = request.args.get("report", "")
        form = _prefill_from_report(report_id) if report_id else {}
        return render_template("console/case_new.html", **_form_context(form))
    form_data: dict[str, Any] = {
        key: value for key, value in request.form.items() if key not in {"csrf_token", "registry_after"}
    }
    form_data["reasons"] = request.form.getlist("reasons")
    if "registry_after" in request.form:
        # The picker's "next people" (or "first page"): the form again, as typed, nothing created.
        after = request.form["registry_after"] or None
        if after is not None and not ID.fullmatch(after):
            abort(400)  # no button of ours sends it
        return render_template(
            "console/case_new.html", **_form_context(_with_report_hints(form_data), registry_after=after)
        )
    if request.form.get("prefill"):
        # From the manual check page: its fields become the suspect's, nothing is created yet.
        skip = {"platform", "prefill", "avatar_hash", "reasons"}
        prefill = {f"suspect_{key}": value for key, value in form_data.items() if key not in skip}
        platform = form_data.get("platform", "")
        prefill.update(platform=platform, impersonated_platform=platform, avatar_hash=form_data.get("avatar_hash", ""))
        return render_template("console/case_new.html", **_form_context(prefill))
    try:
        case = open_case_from_door(case_body_from_form(request.form), _actor())
    except protected.MatchesLimited as error:
        return too_many_requests_page("cases.matches_limited", error.retry_after)
    except APIError as error:
        return render_template(
            "console/case_new.html", **_form_context(_with_report_hints(form_data), error)
        ), error.status
    flash(t("cases.opened"), "ok")
    return redirect(url_for("console.case_page", case_id=case.id), code=303)


def _status_form(case: Any, error: APIError | None, failed: str) -> dict[str, str]:
    """The status form's values: what was typed when it was refused, else nothing typed; and for
    each platform the version of its status that the form's save is made from. Refused because
    another status was recorded meanwhile, the form takes the versions of the statuses this page
    now shows (saving again replaces them knowingly); refused for another reason, it keeps those
    the trainer's page showed."""
    typed = {k: v for k, v in request.form.items() if k != "csrf_token"} if failed == "statuses" else {}
    seen = {f"seen.{p}": status_version(case.statuses.get(p)) for p in (p.value for p in TAKEDOWN_PLATFORMS)}
    if error is not None and error.code == "status_changed":
        return {**typed, **seen}
    return {**seen, **typed}


def _case_page(case_id: str, error: APIError | None = None, failed: str = "") -> Page:
    try:
        case = view_case(_cases(), app_state().stores.audit, case_id, _actor())
    except protected.MatchesLimited as limited:  # the case names protected people (view_case)
        return too_many_requests_page("cases.view_matches_limited", limited.retry_after)
    except APIError:
        abort(404)
    return render_template(
        "console/case.html",
        case=case,
        status_form=_status_form(case, error, failed),
        elements=copied_elements(case),
        error=error,
        failed=failed,
        locale_messages=page_locale(),
        evidence_json=lambda value: json.dumps(value, ensure_ascii=False, sort_keys=True),
        evidence_kinds=[k.value for k in EvidenceKind],
        takedown_platforms=[p.value for p in TAKEDOWN_PLATFORMS],
        outcomes=[o.value for o in Outcome],
        export_kinds=[k for k in EXPORT_KINDS if k != "ticket"],
        locales=LOCALES,
        max_size=megabytes(MAX_EVIDENCE_BYTES),
    ), (error.status if error else 200)


@bp.get("/cases/<case_id>")
@require_console_role(Role.TRAINER)
def case_page(case_id: str) -> Page:
    return _case_page(case_id)


def _change(case_id: str, failed: str, operation: Any, done: str) -> Page:
    try:
        operation()
    except APIError as error:
        if error.status == 404:
            abort(404)
        return _case_page(case_id, error, failed)
    flash(t(done), "ok")
    return redirect(url_for("console.case_page", case_id=case_id) + f"#{failed}", code=303)


@bp.post("/cases/<case_id>/evidence")
@require_console_role(Role.TRAINER)
def case_evidence(case_id: str) -> Page:
    def operation() -> None:
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise APIError(422, "invalid_value", t("cases.no_file"), "file")
        kind = request.form.get("kind") or None
        add_evidence(
            _cases(),
            app_state().stores.audit,
            case_id,
            upload.read(MAX_EVIDENCE_BYTES + 1),
            upload.filename,
            _actor(),
            source_url=request.form.get("source_url"),
            kind=EvidenceKind(kind) if kind in {k.value for k in EvidenceKind} else None,
            share=request.form.get("share") == "yes",
        )

    return _change(case_id, "evidence", operation, "cases.evidence_added")


def _too_large_upload() -> Any:
    error = APIError(
        413, "file_too_large", t("cases.too_large", size=megabytes(current_app.config["MAX_CONTENT_LENGTH"]))
    )
    return _case_page(request.view_args["case_id"] if request.view_args else "", error, "evidence")


explain_too_large("console.case_evidence", Role.TRAINER, _too_large_upload)


@bp.post("/cases/<case_id>/status")
@require_console_role(Role.TRAINER)
def case_status(case_id: str) -> Page:
    fields = {key: value.strip() for key, value in request.form.items() if key != "csrf_token" and value.strip()}
    # The version of each platform's status the page showed: every status form of ours carries them.
    seen = {key: value for key, value in fields.items() if key.startswith("seen.")}
    if not seen or not all(STATUS_VERSION.fullmatch(value) for value in seen.values()):
        abort(400)

    def operation() -> None:
        update = validate(StatusUpdate, fields)
        platform_seen = seen.get(f"seen.{update.platform.value}")
        if platform_seen is None:
            abort(400)
        set_platform_status(_cases(), app_state().stores.audit, case_id, update, _actor(), seen=platform_seen)

    return _change(case_id, "statuses", operation, "cases.status_saved")


@bp.post("/cases/<case_id>/notes")
@require_console_role(Role.TRAINER)
def case_note(case_id: str) -> Page:
    def operation() -> None:
        private = request.form.get("private") == "yes"
        add_note(_cases(), app_state().stores.audit, case_id, request.form.get("text", ""), private, _actor())

    return _change(case_id, "notes", operation, "cases.note_added")


@bp.post("/cases/<case_id>/<state>")
@require_console_role(Role.TRAINER)
def case_state(case_id: str, state: str) -> Page:
    if state not in {"close", "reopen"}:
        abort(404)
    target = "closed" if state == "close" else "open"
    return _change(
        case_id,
        "state",
        lambda: set_state(_cases(), app_state().stores.audit, case_id, target, _actor()),
        f"cases.now_{target}",
    )


@bp.get("/cases/<case_id>/export/<kind>")
@only_from_the_console
@require_console_role(Role.TRAINER)
def case_export(case_id: str, kind: str) -> Page:
    try:
        result = export_case(
            _cases(),
            app_state().stores.audit,
            case_id,
            kind,
            _actor(),
            requested_platform(request),
            requested_locale(request, page_locale()),
            default_notifier(current_app.config),
        )
    except APIError as error:
        if error.status == 404:
            abort(404)
        return _case_page(case_id, error, "exports")
    return download(result)


@bp.get("/outcomes")
@require_console_role(Role.TRAINER)
def case_outcomes() -> Page:
    table = outcomes(_cases())
    return render_template("console/outcomes.html", table=table)
