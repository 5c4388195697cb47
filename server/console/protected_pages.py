"""Console pages for protected people: list, create, edit, delete.

Validated by the ``ProtectedCreate`` model and changed through :mod:`server.services.protected`,
as ``/v1/protected`` is, so both doors store and audit alike. Genuine photos are fingerprinted on
upload and dropped: only the fingerprints are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from heuristics.profile import Platform
from server.console.auth import console_actor, require_console_role
from server.console.blueprint import bp, error_text, t
from server.console.errors import too_many_requests_page
from server.console.forms import read_avatar
from server.roles import Role
from server.schemas import MAX_AVATARS, ProtectedCreate
from server.services import protected, registry_listing
from server.services.protected import photo_fingerprint
from server.state import app_state
from server.storage.optimistic import VERSION
from server.storage.protected import ID, ProtectedAccount, ProtectedPerson, record_version
from server.web.body import validate
from server.web.errors import APIError

Page = str | tuple[str, int] | Response


def parse_accounts(text: str) -> list[dict[str, str]]:
    """One account per line: ``<platform> <handle>``, ``<platform> id:<account id>``, or both
    (``<platform> @<handle> id:<account id>``): an account known by both is one account, whose
    id decides whether a checked profile is hers (a released handle may be anyone's)."""
    accounts = []
    platforms = {p.value for p in Platform}
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words:
            continue
        if len(words) not in (2, 3) or words[0].lower() not in platforms:
            raise APIError(422, "invalid_value", t("protected.bad_account", line=number), f"accounts.{number}")
        account = {"platform": words[0].lower()}
        for value in words[1:]:
            if value.lower().startswith("id:"):
                field, found = "account_id", value[3:]
            else:
                field, found = "handle", value.lstrip("@")
            if field in account:  # two handles or two ids on one line: which one is hers?
                raise APIError(422, "invalid_value", t("protected.bad_account", line=number), f"accounts.{number}")
            account[field] = found
        accounts.append(account)
    return accounts


def accounts_text(person: ProtectedPerson) -> str:
    """Her accounts as the form takes them: one line each, handle and id together (written on two
    lines, an account known by both would come back as two, one of them known by its handle only)."""
    lines = []
    for account in person.accounts:
        words = [account.platform.value]
        if account.handle:
            words.append(f"@{account.handle}")
        if account.account_id:
            words.append(f"id:{account.account_id}")
        lines.append(" ".join(words))
    return "\n".join(lines)


def _upload_field(upload: FileStorage) -> str:
    """An uploaded photo as the form's errors name it: by its file's name, as the trainer chose it."""
    name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return f"avatars.{name[:100]}"


def _uploaded_fingerprints(files: list[FileStorage]) -> dict[str, tuple[str, str]]:
    """Uploaded photos' fingerprint hex → (keypoints (base64), the field that names the photo);
    the bytes are dropped."""
    uploads = [f for f in files if f.filename]
    if len(uploads) > MAX_AVATARS:
        raise APIError(422, "invalid_value", t("protected.too_many_photos", count=MAX_AVATARS), "avatars")
    fingerprints: dict[str, tuple[str, str]] = {}
    for upload in uploads:
        field = _upload_field(upload)
        try:
            data = read_avatar(upload)
            if data is not None:
                made, keypoints = photo_fingerprint(data, field)
                fingerprints.setdefault(made, (keypoints, field))
        except APIError as error:
            error.field = field  # read_avatar names the check page's single "avatar"
            raise
        del data  # fingerprinted, never kept
    return fingerprints


@contextmanager
def _hashes_named_as_seen(fields: list[str]) -> Iterator[None]:
    """An error about ``avatar_hashes.N`` (the N-th hash of the body, kept, typed and uploaded
    together, from 0) renamed to the field the trainer sees: ``fields[N]``."""
    try:
        yield
    except APIError as error:
        place = re.fullmatch(r"avatar_hashes\.(\d+)", error.field or "")
        if place and int(place[1]) < len(fields):
            error.field = fields[int(place[1])]
        raise


def _body_from_form(kept_hashes: list[str]) -> tuple[ProtectedCreate, dict[str, str], list[str]]:
    """The form as a registry body, the keypoints of the photos uploaded with it, and for each of
    the body's hashes the field the trainer sees it in: ``keep_hash.N`` (from 1) for one kept,
    ``avatar_hashes.N`` for one typed on line N (from 1, as ``accounts.N``), ``avatars.<file
    name>`` for one uploaded."""
    form = request.form
    names = [line.strip() for line in form.get("display_names", "").splitlines() if line.strip()]
    seen: dict[str, str] = {}  # hash → field, the first place it is in
    for number, value in enumerate(kept_hashes, start=1):
        seen.setdefault(value, f"keep_hash.{number}")
    for number, line in enumerate(form.get("avatar_hashes", "").splitlines(), start=1):
        if line.strip():
            seen.setdefault(line.strip().lower(), f"avatar_hashes.{number}")
    uploaded = _uploaded_fingerprints(request.files.getlist("avatars"))
    for value, (_, field) in uploaded.items():
        seen.setdefault(value, field)
    data: dict[str, Any] = {
        "display_names": names,
        "accounts": parse_accounts(form.get("accounts", "")),
        "avatar_hashes": list(seen),
    }
    note = form.get("note", "").strip()
    if note:
        data["note"] = note
    fields = list(seen.values())
    with _hashes_named_as_seen(fields):
        body = validate(ProtectedCreate, data)
    return body, {value: keypoints for value, (keypoints, _) in uploaded.items()}, fields


def _form_page(
    person: ProtectedPerson | None, error: APIError | None = None, stored_now: ProtectedPerson | None = None
) -> tuple[str, int]:
    """The form again with what the trainer typed and the photos she unticked still unticked;
    ``stored_now``: the record another trainer saved meanwhile, shown beside it."""
    form = {key: value for key, value in request.form.items() if key not in {"csrf_token", "keep_hash", "shown_hash"}}
    if stored_now is not None:
        form["version"] = record_version(stored_now)  # a save from here replaces what it shows
        # Photos she kept that the other trainer removed: back in her typed lines, where she sees
        # them (the list of kept photos shows only what is stored now).
        gone = [h for h in request.form.getlist("keep_hash") if h not in stored_now.avatar_hashes]
        if gone:
            form["avatar_hashes"] = "\n".join([*gone, form.get("avatar_hashes", "")]).strip()
    # The photos the page showed: one field, space-separated (protected_form.html says why).
    shown = {value for field in request.form.getlist("shown_hash") for value in field.split()}
    dropped = shown - set(request.form.getlist("keep_hash"))
    page = render_template(
        "console/protected_form.html",
        person=_shown(person),
        form=form,
        error=error,
        dropped=dropped,
        stored_now=stored_now,
        stored_accounts=accounts_text(stored_now) if stored_now else "",
    )
    return page, error.status if error else 200


def _shown(person: ProtectedPerson | None) -> ProtectedPerson | None:
    """The person with the stored photo hashes that never confirm (the edit page marks them)."""
    return protected.shown(person) if person is not None else None


def _refused_read(refusal: APIError) -> Page:
    """A read of the registry :mod:`server.services.registry_listing` refused: the console's 429
    page past her ``HARIS_REGISTRY_LIST_LIMIT`` (naming it), its 503 page when the limiter store
    cannot count what she would be shown (fails closed)."""
    if isinstance(refusal, registry_listing.ListingLimited):
        return too_many_requests_page("protected.list_limited", refusal.retry_after)
    return render_template("console/error.html", status=refusal.status, message=t("error.unavailable")), refusal.status


@bp.get("/protected")
@require_console_role(Role.TRAINER)
def protected_people() -> Page:
    """A page of the registry (``after``: where the previous page stopped, as ``GET /v1/protected``'s
    cursor), with a link to the next. Shown as the API shows them: with the photo hashes that
    never confirm, marked on the list too (a count of photos, never their fingerprints). Within
    her ``HARIS_REGISTRY_LIST_LIMIT``, as the API's listing (:mod:`server.services.registry_listing`):
    past it, the console's 429 page, the registry unread; the console's 503 page when the limiter
    store cannot count."""
    after = request.args.get("after")
    if after is not None and not ID.fullmatch(after):
        abort(400)  # no link of ours sends it
    try:
        found, following = registry_listing.page(console_actor(), after)
    except APIError as refusal:
        return _refused_read(refusal)
    people = [protected.shown(p) for p in found]
    return render_template("console/protected.html", people=people, after=after, following=following)


@bp.route("/protected/new", methods=["GET", "POST"])
@require_console_role(Role.TRAINER)
def new_protected() -> Page:
    if request.method == "GET":
        return render_template("console/protected_form.html", person=None, form={}, error=None)
    try:
        body, keypoints, fields = _body_from_form([])
        with _hashes_named_as_seen(fields):
            protected.register(body, console_actor(), keypoints)
    except APIError as error:
        return _form_page(None, error)
    flash(t("protected.saved"), "ok")
    return redirect(url_for("console.protected_people"), code=303)


@bp.route("/protected/<person_id>/edit", methods=["GET", "POST"])
@require_console_role(Role.TRAINER)
def edit_protected(person_id: str) -> Page:
    if request.method == "GET":
        try:  # a person shown is counted as the list's are (HARIS_REGISTRY_LIST_LIMIT)
            person = registry_listing.person(person_id, console_actor())
        except APIError as refusal:
            return _refused_read(refusal)
    else:
        person = app_state().stores.protected.get(person_id)  # the edit is audited, not the read
    if person is None:
        abort(404)
    if request.method == "GET":
        form = {
            "display_names": "\n".join(person.display_names),
            "accounts": accounts_text(person),
            "note": person.note or "",
            # The record this page shows: the save is refused if hers is another one by then.
            "version": record_version(person),
        }
        return render_template("console/protected_form.html", person=_shown(person), form=form, error=None)
    version = request.form.get("version", "")
    if not VERSION.match(version):
        abort(400)  # no page of ours sends this: each edit page carries the version it showed
    kept = [h for h in request.form.getlist("keep_hash") if h in person.avatar_hashes]
    try:
        body, keypoints, fields = _body_from_form(kept)
        with _hashes_named_as_seen(fields):
            replaced = protected.replace(person_id, body, console_actor(), keypoints, expected_version=version)
        if not replaced:
            abort(404)
    except APIError as error:
        return _refused_save(person_id, error)
    flash(t("protected.saved"), "ok")
    return redirect(url_for("console.protected_people"), code=303)


def _refused_save(person_id: str, error: APIError) -> Page:
    """Nothing was written; the form comes back with what this trainer typed and her record as
    stored now — a read of it, audited as the edit page's is (``protected.viewed``): unaudited,
    a post with a blank name or a made-up version showed any record by its id, photo
    fingerprints and all, and left the trail empty.

    Another trainer saved her record after this form was shown (``protected_changed``): what is
    stored now is shown beside what she typed, and the form carries the version of what it shows,
    so that saving again (once both are reconciled) replaces that record."""
    try:  # counted as her edit page is: a refused post showed any record by its id
        now = registry_listing.person(person_id, console_actor())
    except APIError as refusal:
        return _refused_read(refusal)
    if now is None:  # deleted meanwhile: there is nothing left to edit
        abort(404)
    if error.code == "protected_changed":
        return _form_page(now, error, stored_now=now)
    return _form_page(now, error)


@bp.post("/protected/<person_id>/delete")
@require_console_role(Role.TRAINER)
def delete_protected(person_id: str) -> Response:
    if not protected.delete(person_id, console_actor()):
        abort(404)
    flash(t("protected.deleted"), "ok")
    return redirect(url_for("console.protected_people"), code=303)


@bp.post("/protected/<person_id>/account-id")
@require_console_role(Role.TRAINER)
def record_account_id(person_id: str) -> Page:
    """The manual check's one-click fix: record the checked profile's account id on her account
    known by its username only (the account as the check page showed it: ``account`` its index,
    ``platform`` and ``handle``). Through the service, as every edit of her record, and audited."""
    form = request.form
    try:
        expected = ProtectedAccount(platform=form.get("platform", ""), handle=form.get("handle") or None)
        index = int(form.get("account", ""))
    except ValueError:  # pydantic's ValidationError is one: a form no page of ours sends
        abort(400)
    try:
        recorded = protected.record_account_id(person_id, index, expected, form.get("account_id", ""), console_actor())
    except APIError as error:
        return render_template("console/error.html", status=error.status, message=error_text(error)), error.status
    if not recorded:
        message = t("protected.account_changed")
        return render_template("console/error.html", status=409, message=message), 409
    flash(t("protected.account_id_recorded"), "ok")
    return redirect(url_for("console.protected_people"), code=303)
