"""Who is signed in to the console, and what they may do: the signed-in user, the actor the
services record, role checks, safe redirects, and the browsers an account signed in from."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Response, abort, current_app, g, redirect, request, session, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

from server.roles import Role, role_grants
from server.services import Actor
from server.state import app_state
from server.storage.devices import DAY_SECONDS, DEVICE_DAYS
from server.storage.users import SignedIn, UserStore

F = TypeVar("F", bound=Callable[..., Any])


def users() -> UserStore:
    return app_state().stores.users


def current_user() -> SignedIn | None:
    return g.get("console_user")


def begin_session(username: str, epoch: bytes | None = None) -> None:
    """Give this browser a new session of ``username`` (at sign-in, of the ``epoch`` its password
    was checked in; or after the account's sessions were ended): a fresh cookie and CSRF token,
    so no session is fixed in advance; the chosen language is kept."""
    session_id = users().start_session(username, epoch)
    language = session.get("lang")
    session.clear()
    session.permanent = True
    session["sid"] = session_id
    if language:
        session["lang"] = language


def actor() -> str:
    user = current_user()
    assert user is not None
    return user.username


def console_actor() -> Actor:
    """The signed-in user, as the services record them."""
    user = current_user()
    assert user is not None
    return Actor(user.username, user.role.value, "console")


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
    # A control character (a CR/LF would be refused in the Location header: a 500) is never in a
    # link of the console's own.
    if not target or not target.isprintable():
        return default
    try:
        parts = urlsplit(target)
    except ValueError:  # an unclosed IPv6 bracket ("//[x"): no link of ours, and was a 500
        return default
    # The raw value too: urlsplit drops leading spaces and C0 controls (as browsers do with a
    # Location), so " /console" was returned as given, its path read as "/console".
    if parts.scheme or parts.netloc or not target.startswith("/console") or "\\" in target:
        return default
    return target


# A browser that signed in to an account carries a signed cookie saying so (OWASP's "device
# cookie"): while an account name is being guessed from many addresses, only such browsers have
# their password (and code) checked at all.
# It holds a keyed digest of the username (never the name) and a random nonce, which the server
# lists (its digest only: ``server.storage.devices``) — so neither a copy of the cookie (a stolen
# laptop) nor the secret alone is a standing pass past the per-account limit. Path-scoped to the
# sign-in form, so no other page receives it.
DEVICE_COOKIE = "haris_device"
DEVICE_SECONDS = DEVICE_DAYS * DAY_SECONDS
_DEVICE_SALT = "haris-console-device"


def _device_tokens() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=_DEVICE_SALT)


def _account_digest(username: str) -> str:
    key = str(current_app.secret_key or "").encode()
    return hmac.new(key, b"device:" + username.encode(), hashlib.sha256).hexdigest()[:32]


def _presented_nonce(username: str) -> str | None:
    """The nonce of this browser's device cookie of ``username``'s, if it sent one.

    Every cookie of that name is read, not the first: another host of the organisation's site
    (``www.ngo.example``, a sibling of the console's) may set one for the whole site, which the
    browser sends beside the console's own, the older first (RFC 6265 §5.4). Read first, such a
    cookie hid hers, and she was kept out past a used-up address like a stranger. What they
    cost is bounded by the request's header (a bad signature is refused before anything is
    decoded)."""
    tokens = _device_tokens()
    account = _account_digest(username)
    for token in request.cookies.getlist(DEVICE_COOKIE):
        try:
            digest, nonce = tokens.loads(token, max_age=DEVICE_SECONDS)
            # compare_digest raises TypeError for a non-ASCII str (a cookie signed with the secret)
            if isinstance(nonce, str) and hmac.compare_digest(digest, account):
                return nonce
        except (BadSignature, ValueError, TypeError):
            continue
    return None


class PresentedDevice:
    """This browser's device cookie, as proof that it signed in to ``username`` before (what
    ``server.services.accounts.checked_password`` asks of a browser its limits would refuse).

    A cookie that is not ``username``'s, badly signed or older than ``DEVICE_SECONDS`` proves
    nothing, without a Redis call; a well-signed one proves it only while its nonce is listed
    (``server.storage.devices``). What was read is kept for the request: one ZSCORE at most."""

    def __init__(self, username: str) -> None:
        self.username = username
        self.nonce = _presented_nonce(username)
        self._known: bool | None = None

    def known(self) -> bool:
        """Whether this browser signed in to the account within ``DEVICE_SECONDS`` and has not
        spent that sign-in since; read only. Lets it past the per-address and per-/48 limits of
        failed sign-ins (a shared CGNAT address or carrier /48 used up by someone else), never
        past the per-account one."""
        if self._known is None:
            self._known = self.nonce is not None and app_state().stores.devices.known(self.username, self.nonce)
        return self._known

    def spend(self) -> bool:
        """:meth:`known`, for one attempt: the browser is unknown afterwards unless that attempt
        signs in (:func:`remember_device` then lists it again). While the account is under
        attack, a copy of the cookie gets one checked guess, whatever address it comes from."""
        self._known = self.nonce is not None and app_state().stores.devices.spend(self.username, self.nonce)
        return self._known


def remember_device(response: Response, device: PresentedDevice) -> None:
    """Mark this browser as one ``device.username`` signed in from (its last account only),
    replacing the nonce its cookie came with (read once, when ``device`` was made)."""
    username, nonce = device.username, secrets.token_urlsafe(16)
    app_state().stores.devices.remember(username, nonce, replacing=device.nonce)
    token = _device_tokens().dumps([_account_digest(username), nonce])
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=DEVICE_SECONDS,
        path=url_for("console.login"),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Strict",
    )
