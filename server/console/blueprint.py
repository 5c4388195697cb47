"""The console blueprint: loading the signed-in user, CSRF, language, headers and template globals
(who may do what is in :mod:`.auth`, error pages in :mod:`.errors`)."""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import Any, TypeVar

from flask import Blueprint, Response, abort, current_app, g, request, session
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


# Fetch Metadata (``Sec-Fetch-*``, sent by every current browser): what a request may be when it
# comes from another origin. Only a navigation of the whole tab, by GET — a link the trainer
# follows — opens a console page from there.
_OWN_SITES = frozenset({"same-origin", "none"})  # none: typed, a bookmark, the browser's own
_NAVIGATION = frozenset({"GET", "HEAD"})


def only_from_the_console(view: F) -> F:
    """Mark a view whose answer is a download (an export): another origin may not even navigate
    to it (:func:`from_another_origin`'s ``lands`` False)."""
    view.only_from_the_console = True  # type: ignore[attr-defined]
    return view


def _lands(endpoint: str | None) -> bool:
    """Whether the view of ``endpoint`` is a page a link from elsewhere may open."""
    view = current_app.view_functions.get(endpoint or "")
    return not getattr(view, "only_from_the_console", False)


def from_another_origin(headers: Any, method: str, lands: bool = True) -> bool:
    """Whether the browser says this request was made by another origin's page, as anything but
    a top-level GET navigation: an image, a script, a fetch, a frame, a form post.

    SameSite=Strict keeps the session cookie from other *sites*, but another host of the
    organisation's own domain (its blog at ``www.ngo.example``, a compromised or user-content
    sibling) is the same site: its page could make a signed-in trainer's browser load
    ``<img src="/console/protected">`` or ``/console/reports?page=…`` a hundred times, unseen.
    Each load ran the page: the registry read, audited in her name (``protected.listed``,
    ``protected.matched``) and counted against her ``HARIS_PROTECTED_MATCH_LIMIT`` (her report
    pages then withheld her matches for an hour), and her session kept from idling out. No
    answer is readable there, but the page's work was done. A request without these headers (an
    older browser, a script) is let through: the cookie and the CSRF token still hold.

    Not even a navigation when the view does not ``lands`` (:func:`only_from_the_console`): a
    download leaves the tab on the page that asked for it, so that page's script navigated to
    an export again and again, each one audited in her name and saved to her disk, unseen but
    for the downloads."""
    site = headers.get("Sec-Fetch-Site")
    if site is None or site in _OWN_SITES:
        return False
    if not lands:
        return True
    # Browsers send the three together; one sent alone is read as a link followed.
    mode, destination = headers.get("Sec-Fetch-Mode", "navigate"), headers.get("Sec-Fetch-Dest", "document")
    navigated = mode == "navigate" and destination == "document"
    return not (navigated and method in _NAVIGATION)


@bp.before_request
def _load_user() -> None:
    g.locale = pick_locale(session.get("lang"), request)
    g.console_user = None
    if from_another_origin(request.headers, request.method, _lands(request.endpoint)):
        abort(403)  # before the session is resumed (which would keep it alive) or any view runs
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
    odd: set[int] = set()
    start = 0
    # A line at a time, and only the lines that need it a character at a time: a printable line has
    # no character of those categories, an ASCII one no hidden character, and none of the hidden
    # characters' exceptions (an emoji sequence, a joiner between two Arabic letters) spans a line
    # break. A typed megabyte of lines costs its lines, not a million lookups.
    for line in text.split("\n"):
        if not line.isprintable():
            odd.update(
                start + i for i, ch in enumerate(line) if unicodedata.category(ch) in shown_as_code and ch != "\t"
            )
        if not line.isascii():
            odd.update(start + i for i in hidden_characters(line))
        start += len(line) + 1
    return odd


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
    # The text between the characters marked is escaped a run at a time, never a character at a
    # time: a protected person's form shows what was typed in its fields again, marked, and a
    # megabyte of lines (each line break makes a text not "printable") was a million escapes,
    # ten seconds a megabyte of a worker's time, twice a field, for one post of the form.
    hidden = _hidden(text)
    pieces: list[Markup] = []
    position = 0  # where the text not yet shown starts
    for index in islice(_marked_places(text, hidden, ascii_only), MAX_MARKS):
        pieces.append(escape(text[position:index]))
        ch = text[index]
        code = f"U+{ord(ch):04X}"
        if index in hidden:
            name = unicodedata.name(ch, "")
            pieces.append(Markup('<mark class="hidden-char" title="{}">{}</mark>').format(name or code, code))
        else:
            pieces.append(
                Markup('<mark class="non-ascii" title="{} {}">{}</mark>').format(code, unicodedata.name(ch, ""), ch)
            )
        position = index + 1
    # Past the marks: the rest, its hidden characters left out and counted.
    left = sorted(index for index in hidden if index >= position)
    rest = "".join(text[start + 1 : end] for start, end in zip([position - 1, *left], [*left, len(text)], strict=True))
    if ascii_only and not rest.isascii():
        pieces.append(Markup('<mark class="non-ascii" title="{}">{}</mark>').format(t("reveal.more_non_ascii"), rest))
    else:
        pieces.append(escape(rest))
    if left:
        summary = t("reveal.left_out", count=len(left))
        pieces.append(Markup('<mark class="hidden-char" title="{}">+{}</mark>').format(summary, len(left)))
    return Markup("").join(pieces)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _marked_places(text: str, hidden: set[int], ascii_only: bool) -> Iterator[int]:
    """Where ``reveal`` puts a mark, in order: each hidden character and, with ``ascii_only``,
    each other non-ASCII one — found as they are needed (``reveal`` stops at ``MAX_MARKS``)."""
    places = heapq.merge(sorted(hidden), (m.start() for m in _NON_ASCII.finditer(text)) if ascii_only else ())
    last = -1
    for index in places:
        if index != last:
            yield index
        last = index


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
