"""The signed-in user's own account page: how many sessions are open, sign out everywhere else,
and change the password (which ends every other session too: the way out after a password was
phished or typed on a shared computer). Both ask for the current password, and the code of an
account with a second factor (:func:`_owner_confirmed`)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from server.console.auth import (
    begin_session,
    console_actor,
    current_user,
    require_console_role,
    users,
)
from server.console.blueprint import bp, t
from server.roles import Role
from server.services import accounts
from server.storage.users import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, AccountError, SignedIn, SignInCheck

Page = str | tuple[str, int] | Response


def _page(error: str | None = None, status: int = 200, section: str = "password") -> tuple[str, int]:
    """The page, with ``error`` shown in ``section`` (``sessions`` or ``password``): the form it
    answers."""
    user = current_user()
    assert user is not None
    page = render_template(
        "console/account.html",
        error=error,
        error_section=section,
        has_totp=users().has_totp(user.username),
        sessions=users().live_sessions(user.username),
        min_length=MIN_PASSWORD_LENGTH,
        max_length=MAX_PASSWORD_LENGTH,
    )
    return page, status


def _owner_confirmed(user: SignedIn) -> SignInCheck:
    """Whether the form carries the account's current password and, for an account with a second
    factor, a current code not used before (checked as at sign-in: a code is used once).

    Every action of this page that ends sessions or changes how the account signs in asks for
    them: a session cookie alone (stolen from a shared computer, copied by malware) must not sign
    its owner out of her own browsers, nor change her password and lock her out.
    Someone holding only that cookie must not be able to guess the password here either: wrong
    answers count as failed sign-ins, per address and against her account — the cookie works from
    any address, so a thief can send each guess from a new one. Past either limit, even the right
    password is refused unchecked (429). A right password with a wrong code answers as a wrong
    password does (same status, same text, same counting), and is audited as at sign-in, once
    the answer is sent (:func:`_not_confirmed`)."""
    g.password_account = user.username  # the name the per-account limit counts (Limits.account_key)
    return accounts.checked_password(user.username, request.form.get("current", ""), request.form.get("code", "")[:16])


def _not_confirmed(section: str, checked: SignInCheck) -> Response:
    user = current_user()
    assert user is not None
    # One text for a wrong password and a wrong code: a phished password is not confirmed to
    # whoever holds it with the cookie.
    key = "account.wrong_confirmation" if users().has_totp(user.username) else "account.wrong_current"
    page, status = _page(t(key), 403, section)
    refused = Response(page, status=status, mimetype="text/html")
    if checked.code_refused:
        accounts.record_refused_code_after(refused, user.username, console_actor())
    return refused


@bp.route("/account", methods=["GET", "POST"])
@require_console_role(Role.TRAINER)
def account() -> Page:
    if request.method == "GET":
        return _page()
    user = current_user()
    assert user is not None
    new, again = request.form.get("new", ""), request.form.get("again", "")
    # The new password is looked at first: it holds nothing of the account's, and a typo must not
    # use up the code typed with it (a code is accepted once).
    if new != again:
        return _page(t("account.mismatch"), 422)
    if not MIN_PASSWORD_LENGTH <= len(new) <= MAX_PASSWORD_LENGTH:
        return _page(t("account.weak", count=MIN_PASSWORD_LENGTH), 422)
    checked = _owner_confirmed(user)
    if checked.role is None:
        return _not_confirmed("password", checked)
    try:
        accounts.set_password(user.username, new, console_actor())
    except AccountError:
        return _page(t("account.weak", count=MIN_PASSWORD_LENGTH), 422)
    begin_session(user.username)  # every session ended, this one too
    flash(t("account.changed"), "ok")
    return redirect(url_for("console.account"), code=303)


@bp.post("/account/sessions")
@require_console_role(Role.TRAINER)
def end_other_sessions() -> Page:
    """Sign out every other browser of this account (a shared computer, a lost phone), once the
    owner has confirmed it is her (:func:`_owner_confirmed`)."""
    user = current_user()
    assert user is not None
    checked = _owner_confirmed(user)
    if checked.role is None:
        return _not_confirmed("sessions", checked)
    accounts.end_other_sessions(user.username, console_actor())
    begin_session(user.username)  # every session ended, this one too
    flash(t("account.sessions_ended"), "ok")
    return redirect(url_for("console.account"), code=303)
