"""Console pages for hash banks: the list with entry counts, add one photo or fingerprint, export a
bank as JSONL, and import an export (maintainers only, as for ``POST /v1/banks/{bank}/import``).
The ``platform-defaults`` bank is written by maintainers only (``server.services.defaults_bank``):
a trainer's forms do not offer it, and a trainer's post naming it is refused (403).

Everything a bank page does goes through the functions the JSON API uses (``server.services.banks``):
the same validation, fingerprinting, storage, audit entries and size limit (the request body
limit, ``HARIS_MAX_BODY_BYTES``). An uploaded photo is fingerprinted and dropped, never stored.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from heuristics.banks import DEFAULTS_BANK, BankLabel
from heuristics.profile import Platform
from server.console.auth import console_actor, require_console_role
from server.console.blueprint import bp, only_from_the_console, t
from server.console.errors import explain_too_large
from server.console.forms import megabytes, read_avatar
from server.roles import Role
from server.schemas import BankEntryRequest
from server.services.banks import (
    add_to_bank,
    bank_summaries,
    entries_from_jsonl,
    export_lines,
    import_into_bank,
    new_entry,
    valid_bank_name,
)
from server.services.defaults_bank import may_write_bank, refuse_defaults_write
from server.web.body import validate
from server.web.downloads import jsonl_download
from server.web.errors import APIError

Page = str | tuple[str, int] | Response
# What the add form may set (the photo comes as a file upload, never as a form field).
ENTRY_FIELDS = ("label", "platform", "account_id", "note", "avatar_hash")


def _page(
    failed: str | None = None, form: dict[str, str] | None = None, error: APIError | None = None
) -> tuple[str, int]:
    """The banks page; after a refused post, that form ("add" or "import") as typed and why."""
    banks = bank_summaries()
    role = console_actor().role
    page = render_template(
        "console/banks.html",
        banks=banks,
        # The banks the forms offer: the defaults bank is a maintainer's (server.services.defaults_bank).
        writable=[bank.name for bank in banks if may_write_bank(bank.name, role)],
        defaults_bank=DEFAULTS_BANK,
        labels=[label.value for label in BankLabel],
        platforms=[platform.value for platform in Platform],
        form=form if failed == "add" and form else {},
        import_form=form if failed == "import" and form else {},
        failed=failed,
        error=error,
    )
    return page, error.status if error else 200


def _refused(failed: str, form: dict[str, str], error: APIError) -> tuple[str, int]:
    if error.status == 503:
        abort(503)  # storage down: the console's own 503 page, not a form error
    return _page(failed, form, error)


def _too_large(failed: str, field: str) -> Callable[[], tuple[str, int]]:
    """The page for a post over the body limit (its form fields are unread, so not kept)."""

    def render() -> tuple[str, int]:
        size = megabytes(current_app.config["MAX_CONTENT_LENGTH"])
        return _page(failed, error=APIError(413, "body_too_large", t("banks.too_large", size=size), field))

    return render


@bp.get("/banks")
@require_console_role(Role.TRAINER)
def banks() -> Page:
    return _page()


@bp.post("/banks/entries")
@require_console_role(Role.TRAINER)
def add_bank_entry() -> Page:
    form = {key: request.form.get(key, "").strip() for key in ("bank", *ENTRY_FIELDS)}
    bank = form["bank"]
    try:
        if not valid_bank_name(bank):
            raise APIError(422, "invalid_value", t("banks.bad_name"), "bank")
        refuse_defaults_write(bank, console_actor())  # platform-defaults: a maintainer's, before any work
        avatar = read_avatar(request.files.get("avatar"))
        if bool(avatar) == bool(form["avatar_hash"]):
            raise APIError(422, "invalid_value", t("banks.one_of"), "avatar")
        body = validate(BankEntryRequest, {key: form[key] for key in ENTRY_FIELDS if form[key]})
        # Exports carry the role, never the trainer's name; the audit trail names the trainer.
        entry = new_entry(bank, body, avatar, console_actor())
        del avatar  # fingerprinted, never kept
        shadowed = add_to_bank(bank, entry, console_actor())
    except APIError as error:
        return _refused("add", form, error)
    flash(t("banks.added", bank=bank), "ok")
    if shadowed is not None:  # the defaults bank (maintainers only): what it now silences, a count
        flash(t("banks.defaults_shadow", count=shadowed), "ok")
    return redirect(url_for("console.banks"), code=303)


@bp.get("/banks/<bank>/export")
@only_from_the_console
@require_console_role(Role.TRAINER)
def export_bank(bank: str) -> Response:
    lines = export_lines(bank, console_actor())
    if lines is None:
        abort(404)
    return jsonl_download(bank, lines)


@bp.post("/banks/import")
@require_console_role(Role.MAINTAINER)
def import_bank() -> Page:
    bank = request.form.get("bank", "").strip()
    upload = request.files.get("file")
    try:
        if not valid_bank_name(bank):
            raise APIError(422, "invalid_value", t("banks.bad_name"), "bank")
        if upload is None or not upload.filename:
            raise APIError(422, "invalid_value", t("banks.no_file"), "file")
        # The whole request is already bounded by the body limit, so reading the file is too.
        entries = entries_from_jsonl(upload.read().splitlines())
        count = import_into_bank(bank, entries, console_actor())
    except APIError as error:
        return _refused("import", {"bank": bank}, error)
    flash(t("banks.imported", count=count, bank=bank), "ok")
    return redirect(url_for("console.banks"), code=303)


explain_too_large("console.add_bank_entry", Role.TRAINER, _too_large("add", "avatar"))
explain_too_large("console.import_bank", Role.MAINTAINER, _too_large("import", "file"))
