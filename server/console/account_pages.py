"""The signed-in user's own account page: how many sessions are open, sign out everywhere else,
and change the password (which ends every other session too: the way out after a password was
phished or typed on a shared computer)."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from server.console.auth import begin_session, console_actor, current_user, require_console_role, users
from server.console.blueprint import bp, t
from server.roles import Role
from server.services import accounts
from server.storage.users import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, AccountError
from server.web.limits import limits

Page = str | tuple[str, int] | Response


def _page(error: str | None = None, status: int = 200) -> tuple[str, int]:
    user = current_user()
    assert user is not None
    page = render_template(
        "console/account.html",
        error=error,
        has_totp=users().has_totp(user.username),
        sessions=users().live_sessions(user.username),
        min_length=MIN_PASSWORD_LENGTH,
        max_length=MAX_PASSWORD_LENGTH,
    )
    return page, status


@bp.route("/account", methods=["GET", "POST"])
@require_console_role(Role.TRAINER)
def account() -> Page:
    if request.method == "GET":
        return _page()
    user = current_user()
    assert user is not None
    # Someone holding only a stolen session cookie must not be able to guess the password here
    # (nor change it and lock the owner out): wrong current passwords count as failed sign-ins,
    # per address and against her account — the cookie works from any address, so a thief can
    # send each guess from a new one. Past either, even the right password is refused unchecked.
    g.password_account = user.username
    here, account = limits().login, limits().login_account
    here.refuse_when_used_up()
    account.refuse_when_used_up()
    if not users().check_password(user.username, request.form.get("current", "")):
        here.charge(refuse=False)
        account.charge(refuse=False)
        return _page(t("account.wrong_current"), 403)
    new, again = request.form.get("new", ""), request.form.get("again", "")
    if new != again:
        return _page(t("account.mismatch"), 422)
    try:
        accounts.set_password(user.username, new, console_actor())
    except AccountError:
        return _page(t("account.weak", count=MIN_PASSWORD_LENGTH), 422)
    begin_session(user.username)  # every session ended, this one too
    flash(t("account.changed"), "ok")
    return redirect(url_for("console.account"), code=303)


@bp.post("/account/sessions")
@require_console_role(Role.TRAINER)
def end_other_sessions() -> Response:
    """Sign out every other browser of this account (a shared computer, a lost phone)."""
    user = current_user()
    assert user is not None
    accounts.end_other_sessions(user.username, console_actor())
    begin_session(user.username)  # every session ended, this one too
    flash(t("account.sessions_ended"), "ok")
    return redirect(url_for("console.account"), code=303)
