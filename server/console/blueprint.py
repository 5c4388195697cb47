"""The console blueprint: who is signed in, CSRF, language, headers, role checks and error pages."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import redis
from flask import Blueprint, Response, abort, g, redirect, render_template, request, session, url_for
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from server.auth import Role, role_grants
from server.console.i18n import LANGUAGE_NAMES, direction, lookup, pick_locale, translate
from server.errors import APIError
from server.limits import LimitReached, retry_after
from server.state import haris
from server.users import SignedIn, UserStore

F = TypeVar("F", bound=Callable[..., Any])

bp = Blueprint("console", __name__, url_prefix="/console")
csrf = CSRFProtect()

CONSOLE_CSP = (
    "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def users() -> UserStore:
    return UserStore(haris().redis.client)


def current_user() -> SignedIn | None:
    return g.get("console_user")


def page_locale() -> str:
    """The language of the page being rendered (chosen in ``_load_user``)."""
    return str(g.get("locale", "en"))


def t(key: str, **values: object) -> str:
    return translate(key, page_locale(), **values)


def actor() -> str:
    user = current_user()
    assert user is not None
    return user.username


@bp.before_request
def _load_user() -> None:
    g.locale = pick_locale(session.get("lang"), request)
    g.console_user = None
    session_id = session.get("sid")
    if session_id:
        try:
            g.console_user = users().resume(session_id)
        except (redis.RedisError, OSError):
            abort(503)
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


# Form posts whose page explains an upload over the body limit itself: endpoint → (role needed,
# function rendering that page with the error). See ``explain_too_large``.
_TOO_LARGE_PAGES: dict[str, tuple[Role, Callable[[], Any]]] = {}


def explain_too_large(endpoint: str, role: Role, render: Callable[[], Any]) -> None:
    """Answer a too-large post to ``endpoint`` with ``render()`` (its form page and a message).

    Werkzeug refuses such a body while the CSRF check first reads the form — before the view and
    its role check run — so the role is checked here before anything is rendered.
    """
    _TOO_LARGE_PAGES[endpoint] = (role, render)


def require_console_role(role: Role) -> Callable[[F], F]:
    """Signed-in users with ``role`` only: anonymous visitors go to sign in, others get 403."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                if request.method == "GET":
                    return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
                return redirect(url_for("console.login"))
            if not role_grants(user.role, role):
                abort(403)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def safe_next(target: str | None) -> str:
    """A redirect target inside the console only (no open redirect to another site)."""
    default = url_for("console.home")
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/console") or "\\" in target:
        return default
    return target


def _error_page(status: int, key: str) -> tuple[str, int]:
    return render_template("console/error.html", status=status, message=t(key)), status


@bp.errorhandler(CSRFError)
def _csrf_error(_error: CSRFError) -> tuple[str, int]:
    return _error_page(400, "error.csrf")


@bp.errorhandler(RateLimitExceeded)
@bp.errorhandler(LimitReached)
def _rate_limited(error: RateLimitExceeded | LimitReached) -> Response:
    body, status = _error_page(429, "error.rate_limited")
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Retry-After"] = str(retry_after(error))
    return response


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error: RequestEntityTooLarge) -> Any:
    page = _TOO_LARGE_PAGES.get(request.endpoint or "")
    user = current_user()
    if page is not None and user is not None and role_grants(user.role, page[0]):
        return page[1]()
    return _http_error(error)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> tuple[str, int]:
    status = error.code or 500
    key = {
        403: "error.forbidden",
        404: "error.not_found",
        413: "error.too_large",
        429: "error.rate_limited",
        503: "error.unavailable",
    }.get(status, "error.generic")
    return _error_page(status, key)
