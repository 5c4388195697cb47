"""Who is signed in to the console, and what they may do: the signed-in user, the actor the
services record, role checks and safe redirects."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, g, redirect, request, url_for

from server.roles import Role, role_grants
from server.services import Actor
from server.state import app_state
from server.storage.users import SignedIn, UserStore

F = TypeVar("F", bound=Callable[..., Any])


def users() -> UserStore:
    return app_state().stores.users


def current_user() -> SignedIn | None:
    return g.get("console_user")


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
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/console") or "\\" in target:
        return default
    return target
