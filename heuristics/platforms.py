"""Facts about platforms' account ids and profile URLs: what dates an account without asking the
platform, and which handle a profile URL names."""

from __future__ import annotations

from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from heuristics.profile import Platform

# X (Twitter) ids issued since late 2013 are snowflakes: the top 41 bits are milliseconds since
# this epoch. Older user ids are sequential and carry no timestamp.
X_SNOWFLAKE_EPOCH_MS = 1_288_834_974_657
# Ids below this were issued before snowflake user ids (sequential, roughly < 2^32 .. 1e15).
X_MIN_SNOWFLAKE_ID = 10**15
_MAX_SNOWFLAKE = 2**63 - 1


def created_from_id(platform: Platform, account_id: str | None) -> date | None:
    """Creation date encoded in an account id, when the platform's ids encode one."""
    if platform is not Platform.X or not account_id or not account_id.isascii() or not account_id.isdigit():
        return None
    if len(account_id) > 19:
        return None
    snowflake = int(account_id)
    if snowflake < X_MIN_SNOWFLAKE_ID or snowflake > _MAX_SNOWFLAKE:
        return None
    millis = (snowflake >> 22) + X_SNOWFLAKE_EPOCH_MS
    return datetime.fromtimestamp(millis / 1000, tz=UTC).date()


# Path segments of profile URLs that are not a handle.
_NOT_HANDLES = {"profile.php", "people", "user", "users", "u", "in", "s", "i", "home", "intent", "share"}


def handle_from_url(url: str | None) -> str | None:
    """``https://x.com/some_name`` → ``some_name``; None when the URL names no handle."""
    if not url:
        return None
    try:
        parts = urlsplit(url if "://" in url else "https://" + url)
    except ValueError:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if not segments or segments[0].lower() in _NOT_HANDLES:
        return None
    return segments[0].lstrip("@") or None
