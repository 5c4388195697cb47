"""API keys on the trainer and maintainer endpoints: ``Authorization: Bearer <key>``.

Keys are stored hashed (``server.storage.apikeys``).
``HARIS_BOOTSTRAP_KEY``, when set, is a maintainer key for first set-up and tests (production
refuses one shorter than 32 characters).

Failed keys are counted per client address (``HARIS_KEY_FAILURE_LIMIT``, ``server.web.limits``): past
the limit every bearer key from that address is refused with 429 before it is looked at, so a
guesser learns nothing more until the window ends.
"""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from flask import current_app, g, request

from server.roles import Role, role_grants
from server.state import app_state
from server.storage.apikeys import stored_key
from server.web.errors import APIError
from server.web.limits import LimitReached, limits

F = TypeVar("F", bound=Callable[..., Any])


def role_for_key(key: str) -> tuple[Role, str] | None:
    """The role and label of a presented key, or None."""
    bootstrap = current_app.config.get("HARIS_BOOTSTRAP_KEY")
    if bootstrap and hmac.compare_digest(key.encode("utf-8", "surrogatepass"), bootstrap.encode()):
        return Role.MAINTAINER, "bootstrap"
    try:
        return stored_key(app_state().stores.client, key)
    except (redis.RedisError, OSError):
        raise APIError(503, "auth_unavailable", "Cannot verify the key right now.") from None


def bearer_token() -> str | None:
    # From the WSGI environ: a missing header costs werkzeug's Headers.get an exception, and most
    # checks send none.
    header = request.environ.get("HTTP_AUTHORIZATION", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def require_role(role: Role | str) -> Callable[[F], F]:
    """Decorator: 401 without a valid key, 403 when the key's role does not grant ``role``.

    Sets ``g.role`` and ``g.principal`` (the key's label, for audit trails).
    """
    needed = Role(role)

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            authenticate(needed)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def authenticate(needed: Role) -> None:
    if getattr(g, "role", None) is None:
        token = bearer_token()
        if token is None:
            raise APIError(401, "unauthorized", "An API key is required (Authorization: Bearer …).")
        found = verify_key(token)
        if found is None:
            raise APIError(401, "unauthorized", "The API key is not valid.")
        g.role, g.principal = found
    if not role_grants(g.role, needed):
        raise APIError(403, "forbidden", f"This needs the {needed.value} role.")


def verify_key(token: str) -> tuple[Role, str] | None:
    """``role_for_key``, throttled: LimitReached (429) while this address has used up its failures."""
    failures = limits().key_failures
    failures.refuse_when_used_up()
    found = role_for_key(token)
    if found is None:
        failures.charge(refuse=False)
    return found


def caller_has_role(needed: Role) -> bool:
    """Whether a route open to anyone was called with a key granting ``needed``. A missing, wrong
    or throttled key, or one that cannot be verified now, only means an anonymous answer."""
    token = bearer_token()
    if token is None:
        return False
    try:
        found = verify_key(token)
    except (LimitReached, APIError):
        return False
    if found is None:
        return False
    g.role, g.principal = found  # who the call acts as, for the audit trail (``key_actor``)
    return role_grants(found[0], needed)


def key_actor() -> str:
    """Who an API call acts as in the audit trail: its key's label (set by ``require_role``)."""
    return f"key:{g.principal}"
