"""Console pages: sign-in, manual check, report queue, audit trail and accounts."""

from __future__ import annotations

import base64
import json
import re
from typing import Any
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

from heuristics.banks import BankLabel
from heuristics.context import ServiceUnavailable
from heuristics.images import sniff_format
from heuristics.profile import Platform, Profile
from heuristics.services import PROTECTED
from server.console.auth import (
    PresentedDevice,
    actor,
    begin_session,
    console_actor,
    current_user,
    remember_device,
    require_console_role,
    safe_next,
    users,
)
from server.console.blueprint import bp, error_text, page_locale, t
from server.console.errors import too_many_requests_page
from server.console.forms import check_request_from_form, read_avatar
from server.console.registry_reads import RegistryReads
from server.console.report_view import as_reported, filer_figures, report_context, without_filer_figures
from server.i18n import LOCALES
from server.roles import Role
from server.schemas import CheckRequest, ConfirmRequest, RejectRequest
from server.services import protected
from server.services.accounts import checked_password, record_refused_code_after, revoke_user
from server.services.check import run_check
from server.services.defaults_bank import may_write_bank, refuse_defaults_write
from server.services.reports import bank_fingerprint, decide
from server.state import app_state
from server.storage.audit import READ_ACTIONS
from server.web.body import validate
from server.web.errors import APIError

Page = str | tuple[str, int] | Response
REPORT_ID = re.compile(r"^[0-9a-f]{16}$")
QUEUE_PAGE = 50  # pending reports per page of the queue
AUDIT_PAGE = 300  # audit entries per page
AUDIT_KINDS = ("all", "changes", "reads")
AUDIT_ENTRY_ID = re.compile(r"^[0-9]{1,20}-[0-9]{1,20}$")  # a Redis stream entry id


@bp.route("/login", methods=["GET", "POST"])
def login() -> Page:
    next_page = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user() is not None:
            return redirect(next_page)
        return render_template("console/login.html", next=next_page, username="")
    username = request.form.get("username", "").strip().lower()[:64]
    password = request.form.get("password", "")
    code = request.form.get("code", "")[:16]
    # Failures per address stop a guesser here. Failures per account name stop guessing one
    # account from many addresses: past them, a password is checked only from a browser that
    # signed in to this account before (``PresentedDevice.spend``, one checked attempt per sign-in
    # of that browser: a copy of its cookie is not a pass for a guess from each fresh address). Any
    # other attempt is refused before its password is looked at, so a guesser with a fresh address
    # per guess learns nothing (of the password, or of a second-factor code), while the owner's own
    # browser gets in. That browser is let past a used-up address or IPv6 /48 too (a carrier's,
    # shared with whoever used it up: ``PresentedDevice.known``), never past the account's limit.
    require_code = current_app.config["HARIS_REQUIRE_SECOND_FACTOR"]
    device = PresentedDevice(username)
    checked = checked_password(username, password, code, require_code, device=device)
    if checked.role is None:
        # One message for an unknown user, a wrong password and a wrong or missing code: no account
        # enumeration, and a phished password is not confirmed to whoever holds it.
        page = render_template("console/login.html", next=next_page, username=username, error=t("login.failed"))
        refused = Response(page, status=401, mimetype="text/html")
        if checked.code_refused:
            # The right password with a wrong code: someone may hold the password. Maintainers see
            # it in the audit trail (at most the per-account limit's worth an hour), recorded once
            # the answer is sent, so it comes as fast as a wrong password's.
            record_refused_code_after(refused, username)
        return refused
    begin_session(username, checked.epoch)
    response = redirect(next_page, code=303)
    remember_device(response, device)
    return response


@bp.post("/logout")
def logout() -> Response:
    user = current_user()
    if user is not None:
        users().end_session(user.session_id)
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    return redirect(url_for("console.login"), code=303)


@bp.get("/lang/<code>")
def choose_language(code: str) -> Response:
    if code not in LOCALES:
        abort(404)
    if _followed_from_the_console():
        session["lang"] = code
    return redirect(safe_next(request.args.get("next")))


def _followed_from_the_console() -> bool:
    """Whether the language link was the console's own (or typed, a bookmark).

    A link from another site arrives without the SameSite=Strict cookie; answering it with a new
    cookie would replace a signed-in trainer's session (a forced sign-out). Current browsers say
    where a navigation came from in Sec-Fetch-Site. One without it (Safari before 16.4, Firefox
    before 90) was taken for the console itself, so any site's link signed her out there: without
    it, the Origin or Referer must be this very origin (the console's pages send a same-origin
    Referer: its Referrer-Policy). Neither sent (another site's no-referrer link, or typed into
    such a browser): the language stays — the link still opens, nothing is replaced."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in {"same-origin", "none"}
    sent = request.headers.get("Origin") or request.headers.get("Referer") or ""
    try:
        parts = urlsplit(sent)
    except ValueError:  # an unclosed IPv6 bracket: not this origin (it was a 500)
        return False
    return bool(parts.scheme and parts.netloc) and f"{parts.scheme}://{parts.netloc}/" == request.host_url


@bp.get("/")
@require_console_role(Role.TRAINER)
def home() -> Page:
    pending = app_state().stores.reports.count_pending()
    return render_template("console/home.html", pending=pending)


@bp.route("/check", methods=["GET", "POST"])
@require_console_role(Role.TRAINER)
def manual_check() -> Page:
    platforms = [p.value for p in Platform]
    if request.method == "GET":
        return render_template("console/check.html", platforms=platforms, form={}, result=None)
    form = request.form
    try:
        avatar = read_avatar(request.files.get("avatar"))
        body = check_request_from_form(form, page_locale(), has_upload=avatar is not None)
        protected.refuse_when_matches_used_up(console_actor())
        result = run_check(body, avatar, page_locale(), privileged=True)
    except protected.MatchesLimited as error:
        return too_many_requests_page("check.matches_limited", error.retry_after)
    except APIError as error:
        return render_template(
            "console/check.html", platforms=platforms, form=form, result=None, error=error
        ), error.status
    handle_only = _owned_by_handle_only(body.profile, body.platform)
    named = protected.record_matches(result, console_actor(), also=[found["person"].id for found in handle_only])
    protected.count_matches(console_actor(), named)
    return render_template(
        "console/check.html",
        platforms=platforms,
        form=form,
        evidence_json=_evidence_json,
        handle_only=handle_only,
        **report_context(result, body.profile),
    )


def _owned_by_handle_only(profile: Profile | None, platform: Platform) -> list[dict[str, Any]]:
    """The protected people whose account this profile is taken for only through an account of
    theirs known by its username (the profile has an id, none of theirs matches it): the page
    offers to record the id. If the profile is not hers, the trainer now knows whom a squatter of
    that username hides from. Said to the trainer only: the anonymous answer stays as it was."""
    registry = app_state().lookups.get(PROTECTED)
    if registry is None or profile is None or platform not in protected.HANDLES_REUSED:
        return []
    try:
        found = registry.owned_by_handle_only(profile, platform)
    except ServiceUnavailable:  # the report above already says the registry was unavailable
        return []
    return [
        {"person": person, "index": index, "account": person.accounts[index], "account_id": profile.account_id}
        for person, index in found
    ]


def _evidence_json(evidence: dict[str, Any]) -> str:
    return json.dumps(evidence, ensure_ascii=False, indent=1, sort_keys=True)


@bp.get("/reports")
@require_console_role(Role.TRAINER)
def reports() -> Page:
    """Pending reports, newest first, a page at a time: every waiting report can be reached, not
    only the newest (a flood of reports must not push the others out of sight)."""
    store = app_state().stores.reports
    total = store.count_pending()
    last_page = max(1, -(-total // QUEUE_PAGE))
    page = request.args.get("page", "1")
    wanted = int(page) if page.isascii() and page.isdigit() and len(page) <= 9 else 1
    page_number = min(max(wanted, 1), last_page)
    offset = (page_number - 1) * QUEUE_PAGE
    # Oldest first: the reports that expire soonest (30 days after they arrived), which a flood
    # of newer ones would otherwise keep out of sight until they are gone.
    oldest_first = request.args.get("order") == "oldest"
    pending = store.pending(limit=QUEUE_PAGE, offset=offset, oldest_first=oldest_first)
    decided = store.decided(limit=30) if page_number == 1 else []
    banks = app_state().stores.banks.names()
    places = store.places()
    # Each report's warnings once, and the registry reads among them audited and counted once
    # against the trainer's allowance (server.console.registry_reads).
    reads = RegistryReads.start(console_actor())
    warnings = reads.warnings_of(pending)
    return render_template(
        "console/reports.html",
        pending=pending,
        decided=decided,
        total=total,
        page=page_number,
        last_page=last_page,
        first_shown=offset + 1,
        last_shown=offset + len(pending),
        # Measured as the API's cap is (places held, merged reports' too): a queue refusing reports
        # says so, and when its oldest places free (0: not full).
        full=places.frees_at if places.held >= store.max_pending else 0,
        # Past max_stored pending reports it is refusing too, until some are decided or expire.
        stored_full=places.stored >= store.max_stored,
        order="oldest" if oldest_first else "newest",
        **_decision_form(banks, warnings),
    )


@bp.post("/reports/reject")
@require_console_role(Role.TRAINER)
def reject_reports() -> Response:
    """Reject the reports ticked on a page of the queue at once (each decided and audited as one
    rejection): after a flood, a full queue refuses every new report until trainers clear it,
    and one form per report would take a thousand posts."""
    ids = list(dict.fromkeys(i for i in request.form.getlist("ids") if REPORT_ID.fullmatch(i)))[:QUEUE_PAGE]
    note = request.form.get("note", "").strip()
    try:
        body = validate(RejectRequest, {"note": note} if note else {})
    except APIError as error:
        flash(error_text(error), "error")
        return redirect(url_for("console.reports"), code=303)
    rejected = changed = 0
    for report_id in ids:
        seen = request.form.get(f"seen_{report_id}", "")
        # Each as the page showed it: a report merged in since (a genuine one into a flood's) stays pending.
        each = body.model_copy(update={"seen_reports": int(seen) if seen.isascii() and seen.isdigit() else None})
        try:
            decide(report_id, False, console_actor(), each)
        except APIError as error:
            changed += error.code == "report_changed"
            if error.status in {404, 409}:  # gone, decided by someone else, or changed meanwhile
                continue
            flash(error_text(error), "error")  # the rest stay pending, to be rejected again
            break
        rejected += 1
    flash(t("reports.bulk_rejected", count=rejected), "ok")
    if changed:
        flash(t("reports.bulk_changed", count=changed), "error")
    return redirect(url_for("console.reports"), code=303)


@bp.get("/reports/<report_id>")
@require_console_role(Role.TRAINER)
def report_detail(report_id: str) -> Page:
    """One report, run through the same check as the extension would, to help decide it."""
    return _report_page(report_id)


def _report_page(report_id: str, typed: dict[str, str] | None = None, status: int = 200) -> Page:
    """A report's page; after a refused decision (409) with what the trainer typed (``typed``:
    which decision, its note, bank and label) in its form, or beside the report if it was decided."""
    store = app_state().stores.reports
    report = store.get(report_id) if REPORT_ID.fullmatch(report_id) else None
    banks = app_state().stores.banks.names()
    if report is None:
        abort(404)
    reads = RegistryReads.start(console_actor())
    warnings: dict[str, list[dict[str, Any]]] = {}
    if report.get("status") == "rejected":
        # A rejected report keeps its decision only (server.storage.reports.REJECTED_FIELDS):
        # nothing of the profile is left to check, and a check of nothing would read as "no findings".
        context: dict[str, Any] = {"result": None, "profile": None, "names": [], "matches": []}
    else:
        body = CheckRequest.model_validate(
            {key: report.get(key) for key in ("platform", "profile", "avatar_hash")} | {"locale": page_locale()}
        )
        # What the reporter sent, checked for the trainer to read, told as "as reported, unverified",
        # beside the same check without the filer's figures and photo (report_view.as_reported).
        result = reads.check(body, page_locale())
        # A report with no figures and no photo: the same check, not run twice.
        has_figures = bool(filer_figures(body.profile) or body.avatar_hash)
        named_only = reads.check(without_filer_figures(body), page_locale()) if has_figures else result
        warnings = reads.warnings_of([report])
        context = report_context(result, body.profile) | {
            "unverified": as_reported(result, named_only, body.profile),
            "registry": _registry_verdict(warnings.get(report_id, [])),
        }
    page = render_template(
        "console/report_detail.html",
        report=report,
        detail=True,
        typed=typed or {},
        rejected_hours=store.rejected_hours,
        **context,
        **_decision_form(banks, warnings),
    )
    return page, status


def _registry_verdict(warnings: list[dict[str, Any]]) -> str:
    """What the server itself knows of the reported account from the registry (by its id and
    handle, not by anything the filer says of it), as its warnings said: ``protected`` (her own
    account), ``none``, ``withheld`` (the trainer's allowance is spent) or ``unavailable``."""
    kinds = {warning["kind"] for warning in warnings}
    for kind, verdict in (("registry_withheld", "withheld"), ("registry_unavailable", "unavailable")):
        if kind in kinds:
            return verdict
    return "protected" if "protected" in kinds else "none"


def _decision_form(banks: list[str], warnings: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """What a report's confirm/reject form needs: the banks to confirm into, labels, evidence, and
    the warnings about which account each report names (``warnings``, by report id: made once
    per request by :class:`~server.console.registry_reads.RegistryReads`, never while the page
    renders — a template that looked the registry up read, audited and counted it again at each
    render)."""
    role = console_actor().role
    return {
        "banks": [bank for bank in banks if may_write_bank(bank, role)],  # platform-defaults: maintainers'
        "labels": [label.value for label in BankLabel],
        "evidence_json": _evidence_json,
        "warnings": warnings,
    }


@bp.post("/reports/<report_id>/<decision>")
@require_console_role(Role.TRAINER)
def decide_report(report_id: str, decision: str) -> Page:
    """Confirm or reject a report. Confirming into a bank takes two posts: the first uploads the
    reported profile's photo and shows it (``report_bank_preview.html``), the second banks it."""
    if decision not in {"confirm", "reject"}:
        abort(404)
    # ``seen_reports``: how many reports the page showed this one stands for (a report merged in
    # since is not decided unseen: 409 report_changed).
    fields = {
        key: value.strip() for key, value in request.form.items() if key in {"bank", "label", "note", "seen_reports"}
    }
    fields = {key: value for key, value in fields.items() if value}
    try:
        body: ConfirmRequest | RejectRequest
        if decision == "confirm":
            if fields.get("bank"):
                photo = request.form.get("photo_b64") or _uploaded_base64()
                if not photo:
                    flash(t("reports.photo_required"), "error")
                    return redirect(url_for("console.report_detail", report_id=report_id), code=303)
                validate(ConfirmRequest, fields)  # a bad bank name or label is refused before the preview
                refuse_defaults_write(fields["bank"], console_actor())  # so is a trainer's platform-defaults
                if request.form.get("reviewed") != "yes":
                    return _bank_preview(report_id, fields, photo)
                fields["avatar"] = photo
            # The reported account id joins the bank only when the trainer ticked it on the
            # preview, where it is shown: the reporter wrote it.
            body = validate(ConfirmRequest, {**fields, "with_account_id": request.form.get("with_account_id") == "yes"})
        else:
            body = validate(RejectRequest, {k: v for k, v in fields.items() if k in {"note", "seen_reports"}})
        decide(report_id, decision == "confirm", console_actor(), body)
    except APIError as error:
        if error.status == 404:
            abort(404)
        already = error.code == "already_decided"
        flash(t("reports.already_decided") if already else error_text(error), "error")
        if already or error.code == "report_changed":
            # Back to the report as it is now (decided, or with the reports merged in since), with
            # what she typed: a note lost to a refusal she did not cause is typed twice, or not at all.
            typed = {key: fields.get(key, "") for key in ("note", "bank", "label")}
            return _report_page(report_id, {"decision": decision, **typed}, 409)
        return redirect(url_for("console.reports"), code=303)
    banked = decision == "confirm" and fields.get("bank")
    flash(t("reports.banked", bank=fields["bank"]) if banked else t(f"reports.{decision}ed"), "ok")
    return redirect(url_for("console.reports"), code=303)


def _uploaded_base64() -> str | None:
    data = read_avatar(request.files.get("photo"))
    return base64.b64encode(data).decode("ascii") if data else None


def _bank_preview(report_id: str, fields: dict[str, str], photo: str) -> Page:
    """The photo as it will be banked, its fingerprint, and the button that banks it."""
    fingerprint = bank_fingerprint(photo)  # 4xx for a bad image or a protected person's photo
    report = app_state().stores.reports.get(report_id) if REPORT_ID.fullmatch(report_id) else None
    if report is None:
        abort(404)
    kind = sniff_format(base64.b64decode(photo)) or "JPEG"
    return render_template(
        "console/report_bank_preview.html",
        report=report,
        fields=fields,
        photo=photo,
        photo_type=f"image/{kind.lower()}",
        fingerprint=fingerprint.hex,
    )


@bp.get("/audit")
@require_console_role(Role.MAINTAINER)
def audit() -> Page:
    """The newest entries; ``kind`` (changes or reads) and ``who`` (one actor, exactly) narrow
    them — after a stolen password or key: what did that account do, did anyone read the registry."""
    kind = request.args.get("kind", "all")
    kind = kind if kind in AUDIT_KINDS else "all"
    who = request.args.get("who", "").strip()[:200]

    def keep(entry: dict[str, Any]) -> bool:
        if who and entry["actor"] != who:
            return False
        return kind == "all" or (entry["action"] in READ_ACTIONS) == (kind == "reads")

    narrowed = kind != "all" or bool(who)
    # ``before``: where the previous page stopped. Page after page every entry can be reached; a
    # flood of newer ones (a few hundred loads of an audited page) no longer hides the older.
    before = request.args.get("before", "")
    before = before if AUDIT_ENTRY_ID.fullmatch(before) else None
    trail = app_state().stores.audit
    entries, older = trail.page(limit=AUDIT_PAGE, keep=keep if narrowed else None, before=before)
    return render_template(
        "console/audit.html", entries=entries, kind=kind, who=who, kinds=AUDIT_KINDS, older=older, before=before
    )


@bp.get("/users")
@require_console_role(Role.MAINTAINER)
def accounts() -> Page:
    listed = users().list()
    return render_template("console/users.html", accounts=listed)


@bp.post("/users/<username>/revoke")
@require_console_role(Role.MAINTAINER)
def revoke_account(username: str) -> Page:
    if username == actor():
        flash(t("users.cannot_revoke_self"), "error")
        return redirect(url_for("console.accounts"), code=303)
    # The account as its row showed it: a page opened before it was deleted and made again under
    # the same name (or changed) must not revoke the account that stands there now.
    try:
        revoked = revoke_user(username, console_actor(), seen=request.form.get("version", ""))
    except APIError as error:
        if error.code == "bad_version":
            abort(400)  # no page of ours sends this: every row carries the version it showed
        if error.code != "account_changed":
            raise
        # Nothing revoked: the page again, as the accounts are now, each row with its version.
        flash(t("users.changed_meanwhile", username=username), "error")
        return render_template("console/users.html", accounts=users().list()), 409
    if not revoked:
        abort(404)
    flash(t("users.revoked", username=username), "ok")
    return redirect(url_for("console.accounts"), code=303)
