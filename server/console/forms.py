"""Turning console form posts into the API's request models, so both validate the same way."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from werkzeug.datastructures import FileStorage, MultiDict

from heuristics.platforms import handle_from_url
from heuristics.profile import MAX_COUNT
from server.schemas import CheckRequest
from server.services.avatars import MAX_AVATAR_BYTES
from server.web.body import validate
from server.web.errors import APIError

TEXT_FIELDS = ("account_id", "handle", "display_name", "bio", "profile_url", "joined")
COUNT_FIELDS = ("followers", "following", "posts", "name_changes")
TRISTATE_FIELDS = ("verified", "private", "has_avatar")
__all__ = ["account_id_from_url", "handle_from_url", "profile_from_form"]


def account_id_from_url(url: str) -> str | None:
    """Facebook's ``profile.php?id=…`` carries the stable account id."""
    try:
        parts = urlsplit(url if "://" in url else "https://" + url)
    except ValueError:
        return None
    if parts.path.rstrip("/").endswith("profile.php"):
        ids = parse_qs(parts.query).get("id")
        return ids[0] if ids else None
    return None


def profile_from_form(form: MultiDict[str, str]) -> dict[str, Any]:
    profile: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = form.get(name, "").strip()
        if value:
            profile[name] = value
    for name in COUNT_FIELDS:
        value = form.get(name, "").strip().replace(",", "").replace(" ", "")
        if not value:
            continue
        # isdecimal, not isdigit: "²" is a digit int() refuses (a 500); Arabic-Indic "١٢" is decimal
        # and reads as 12. A long run of digits is refused before int() (past 4,300 digits it
        # raises, a 500; short of that it is a bigint to convert for nothing).
        if not value.isdecimal():
            raise APIError(422, "invalid_value", "must be a whole number", "profile." + name, "int_parsing")
        if len(value) > len(str(MAX_COUNT)):
            message = f"must be {MAX_COUNT} or less"
            raise APIError(422, "invalid_value", message, "profile." + name, "less_than_equal", {"le": MAX_COUNT})
        profile[name] = int(value)
    for name in TRISTATE_FIELDS:
        value = form.get(name, "")
        if value in {"yes", "no"}:
            profile[name] = value == "yes"
    url = profile.get("profile_url")
    if url and "handle" not in profile:
        handle = handle_from_url(url)
        if handle:
            profile["handle"] = handle
    if url and "account_id" not in profile:
        account_id = account_id_from_url(url)
        if account_id:
            profile["account_id"] = account_id
    return profile


def megabytes(size: int) -> str:
    return f"{size / 2**20:.1f}".removesuffix(".0") + " MB"


def read_avatar(upload: FileStorage | None) -> bytes | None:
    if upload is None or not upload.filename:
        return None
    data = upload.read(MAX_AVATAR_BYTES + 1)
    if len(data) > MAX_AVATAR_BYTES:
        size = megabytes(MAX_AVATAR_BYTES)
        raise APIError(
            413, "avatar_too_large", f"The image is larger than {size}.", "avatar", "avatar_too_large", {"size": size}
        )
    return data or None


def check_request_from_form(form: MultiDict[str, str], locale: str, has_upload: bool) -> CheckRequest:
    profile = profile_from_form(form)
    if has_upload:
        profile["has_avatar"] = True
    return validate(CheckRequest, {"platform": form.get("platform", ""), "profile": profile, "locale": locale})
