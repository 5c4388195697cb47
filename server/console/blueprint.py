"""The console blueprint: loading the signed-in user, CSRF, language, headers and template globals
(who may do what is in :mod:`.auth`, error pages in :mod:`.errors`)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import Blueprint, Response, g, request, session
from flask_wtf.csrf import CSRFProtect
from markupsafe import Markup, escape

from heuristics.text import hidden_characters
from server.console.auth import current_user, users
from server.console.i18n import LANGUAGE_NAMES, direction, lookup, pick_locale, translate
from server.roles import Role
from server.web.errors import APIError

F = TypeVar("F", bound=Callable[..., Any])

bp = Blueprint("console", __name__, url_prefix="/console")
csrf = CSRFProtect()

CONSOLE_CSP = (
    "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def page_locale() -> str:
    """The language of the page being rendered (chosen in ``_load_user``)."""
    return str(g.get("locale", "en"))


def t(key: str, **values: object) -> str:
    return translate(key, page_locale(), **values)


@bp.before_request
def _load_user() -> None:
    g.locale = pick_locale(session.get("lang"), request)
    g.console_user = None
    session_id = session.get("sid")
    if session_id:
        g.console_user = users().resume(session_id)
        if g.console_user is None:
            # Revoked, expired or signed out elsewhere: drop the dead cookie, keep the language.
            language = session.get("lang")
            session.clear()
            if language:
                session["lang"] = language
    if request.method == "POST":
        csrf.protect()


@bp.after_request
def _console_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONSOLE_CSP
    # Flask-WTF checks the Referer of HTTPS form posts against this host, so pages must send it to
    # their own origin (the API's default is no-referrer); nothing leaves the origin.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return response


@bp.app_template_global()
def console_t(key: str, **values: object) -> str:
    return t(key, **values)


@bp.app_template_global()
def error_text(error: APIError) -> str:
    """A refused form's error in the page's language (from ``validation.<reason>``), else as the API says it."""
    text = lookup(f"validation.{error.reason}", page_locale()) if error.reason else None
    if text is None:
        return error.message
    try:
        return text.format(**error.values)
    except (KeyError, IndexError, ValueError):  # a catalogue placeholder this error does not fill
        return error.message


@bp.app_template_global()
def field_label(field: str, form: str) -> str | None:
    """The label ``form``'s page shows for an API field path (``profile.followers`` → "Followers"
    on the check form), or None when the page has no such field."""
    return lookup(f"{form}.{field.rsplit('.', 1)[-1]}", page_locale())


def _hidden(text: str) -> set[int]:
    """Where ``text`` has a character that shows as nothing, or moves the text around it: a bidi
    override or isolate, a zero-width character, a blank-looking letter, a variation selector or
    grapheme joiner doing no visible job (:func:`heuristics.text.hidden_characters`), a control or
    a line separator; or one a font draws as anything or nothing, private-use or unassigned (the
    notice marks these too, ``server.escalation.tickets.one_line``)."""
    shown_as_code = {"Cc", "Zl", "Zp", "Co", "Cn"}
    odd = {i for i, ch in enumerate(text) if unicodedata.category(ch) in shown_as_code and ch not in "\n\t"}
    return odd.union(hidden_characters(text))


# Characters ``reveal`` marks one by one in a value; past them the rest of the value is summed up.
# A 1,000-character note of zero-width characters became 1,000 marks (60 KB), and a pending report
# holds eleven notes, 50 reports to a page of the queue (docs/console.md).
MAX_MARKS = 16


@bp.app_template_filter("reveal")
def reveal(value: object, ascii_only: bool = False) -> Markup:
    """Text someone else wrote (a reporter, a reported profile), with every character that would
    hide or rearrange what the trainer reads shown by its code point instead (``U+202E``), and
    with ``ascii_only`` (handles, URLs, ids: ASCII on the platforms) every other non-ASCII
    character marked and named: a right-to-left override must not make one account's URL read
    as another's, nor a Cyrillic "а" pass for a Latin "a".

    At most ``MAX_MARKS`` marks per value: after them, hidden characters are left out and counted
    in one last mark, and with ``ascii_only`` the rest of the value is one mark if it holds any
    non-ASCII letter — never shown bare, and never more than a few marks however long the value."""
    text = "" if value is None else str(value)
    if text.isascii() and text.isprintable():
        return escape(text)
    pieces: list[Markup] = []
    marks = 0
    left_out = 0
    tail: list[str] = []
    hidden = _hidden(text)
    for index, ch in enumerate(text):
        if index in hidden:
            if marks < MAX_MARKS:
                name = unicodedata.name(ch, "")
                code = f"U+{ord(ch):04X}"
                pieces.append(Markup('<mark class="hidden-char" title="{}">{}</mark>').format(name or code, code))
                marks += 1
            else:
                left_out += 1
        elif marks >= MAX_MARKS:
            tail.append(ch)
        elif ascii_only and not ch.isascii():
            code = f"U+{ord(ch):04X}"
            pieces.append(
                Markup('<mark class="non-ascii" title="{} {}">{}</mark>').format(code, unicodedata.name(ch, ""), ch)
            )
            marks += 1
        else:
            pieces.append(escape(ch))
    rest = "".join(tail)
    if ascii_only and not rest.isascii():
        pieces.append(Markup('<mark class="non-ascii" title="{}">{}</mark>').format(t("reveal.more_non_ascii"), rest))
    else:
        pieces.append(escape(rest))
    if left_out:
        summary = t("reveal.left_out", count=left_out)
        pieces.append(Markup('<mark class="hidden-char" title="{}">+{}</mark>').format(summary, left_out))
    return Markup("").join(pieces)


@bp.app_template_filter("console_time")
def console_time(timestamp: int | None) -> str:
    if not timestamp:
        return ""
    return datetime.fromtimestamp(int(timestamp), UTC).strftime("%Y-%m-%d %H:%M UTC")


@bp.context_processor
def _template_globals() -> dict[str, Any]:
    locale = page_locale()
    return {
        "locale": locale,
        "dir": direction(locale),
        "languages": LANGUAGE_NAMES,
        "user": current_user(),
        "t": t,
        "is_maintainer": (user := current_user()) is not None and user.role is Role.MAINTAINER,
    }
