"""Configuration from the environment (names listed in the README), overridable by ``create_app(config)``."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from typing import Any

from limits import parse_many

from server.storage.reports import REJECTED_REPORT_HOURS, REPORT_TTL_SECONDS

DEFAULTS: dict[str, Any] = {
    "REDIS_URL": None,
    # The store of rate-limit counters only; it must not persist (server/storage/connection.py). Unset: an
    # embedded non-persistent Redis, or with REDIS_URL, refused in production.
    "HARIS_LIMITER_URL": None,
    "HARIS_DATA_DIR": "./data",
    "HARIS_ENV": "development",
    "HARIS_SECRET_KEY": None,
    # Previous values of HARIS_SECRET_KEY, comma-separated, after a rotation: second-factor
    # secrets sealed under one still open, and are sealed again under the current one
    # (server/storage/sealed.py). Nothing else reads them.
    "HARIS_SECRET_KEY_FALLBACKS": "",
    "HARIS_CHECK_LIMIT": "60/minute",
    # Anonymous reports per client address: far tighter than checks (a report is kept 30 days).
    "HARIS_REPORT_LIMIT": "5/hour",
    # The same per IPv6 /48 (every /64 of it together; IPv4 clients are not grouped): four clients'
    # worth, where one free /48 was 65,536 clients filling the report queue (docs/deployment.md).
    "HARIS_REPORT_NETWORK_LIMIT": "20/hour",
    # Seconds checks by level and findings by code are held back before /metrics shows them.
    "HARIS_METRICS_DELAY": 600.0,
    # Places in the report queue: each report filed holds one (a merged one too); when all are held,
    # new reports are refused (503 report_queue_full).
    "HARIS_MAX_PENDING_REPORTS": 1_000,
    # Hours a filed report holds its place in that count, whatever is decided meanwhile (a decision
    # freeing places told whoever filled the queue when a report was decided: docs/privacy.md).
    "HARIS_REPORT_HOLD_HOURS": 6,
    "HARIS_MAX_STORED_REPORTS": 10_000,
    # Hours a rejected report keeps what the console shows of its decision (no profile, no filer's
    # note) before it expires; a confirmed report keeps its 30 days (server/storage/reports.py).
    "HARIS_REJECTED_REPORT_HOURS": REJECTED_REPORT_HOURS,
    # Checks whose names or photo matched the protected-people registry, per client address: the
    # registry answers whether an account is a registered person's (docs/privacy.md).
    "HARIS_REGISTRY_LIMIT": "20/hour",
    # The same, per IPv6 /48 (every /64 of it together): a tunnel broker hands out a /48 for free,
    # 65,536 /64 clients that would each get HARIS_REGISTRY_LIMIT. IPv4 clients are not grouped.
    "HARIS_REGISTRY_NETWORK_LIMIT": "100/hour",
    # Checks per client address that add to the campaign aggregate in any hour (a moving window
    # across the hourly pepper: docs/campaigns.md); the campaign signals need more other accounts.
    "HARIS_CAMPAIGN_CONTRIBUTIONS": "1/hour",
    # The same per IPv6 /48 (every /64 of it together; IPv4 clients are not grouped): a /48 is free
    # from tunnel brokers, so it adds no more than one address does (docs/campaigns.md).
    "HARIS_CAMPAIGN_NETWORK_CONTRIBUTIONS": "1/hour",
    # Seconds contributions to the campaign aggregate are held in each worker and written at the next
    # multiple of this on the clock (0: at their check). Written at once, a client polling the
    # aggregate sees the moment an account it watches is first checked (docs/privacy.md).
    "HARIS_CAMPAIGN_HOLD_SECONDS": 0.0,
    # Protected people a trainer's checks may name, per trainer (console account or API key label),
    # in any hour (a moving window across the hourly pepper); past it her checks are refused, 429
    # protected_matches_limited, until the window has room (server/services/protected.py).
    "HARIS_PROTECTED_MATCH_LIMIT": "30/hour",
    # Distinct protected people the registry's listing (GET /v1/protected, the console's list) and
    # one person's record (GET /v1/protected/{id}, her edit page) may show one trainer (console
    # account or API key label) in any hour, a moving window; a person shown again within the
    # clock hour counts once. Past it the listing is refused, 429
    # protected_list_limited, until the window has room (server/services/registry_listing.py):
    # a stolen key or password cannot page through the whole registry in minutes. Four pages.
    "HARIS_REGISTRY_LIST_LIMIT": "200/hour",
    # Extractor health reports per client address (the extension sends one a day, docs/extension.md).
    "HARIS_EXTRACTOR_HEALTH_LIMIT": "2/hour",
    # Failed API keys (Authorization: Bearer …) per client address.
    "HARIS_KEY_FAILURE_LIMIT": "10/minute;50/hour",
    "HARIS_BOOTSTRAP_KEY": None,
    "HARIS_CORS_ORIGINS": "chrome-extension://*,moz-extension://*",
    "HARIS_RULES_FILE": None,
    "HARIS_MAX_BODY_BYTES": 6 * 1024 * 1024,
    "HARIS_PROXY_COUNT": 0,
    "HARIS_LOG_LEVEL": "INFO",
    # Redis calls on the request path must fail fast: a slow Redis must not hang a check.
    "HARIS_REDIS_TIMEOUT": 0.5,
    # When the limiter's Redis is down, anonymous checks and reports are still answered (fail
    # open: a warning that cannot be counted is still worth giving); "false" answers them 503.
    # Any other rate-limited route always fails closed.
    "HARIS_LIMIT_FAIL_OPEN": True,
    # Console sign-in: failed attempts allowed per client address and per account name.
    "HARIS_LOGIN_LIMIT": "10/minute;50/hour",
    "HARIS_LOGIN_ACCOUNT_LIMIT": "20/hour",
    # The per-address one per IPv6 /48 (every /64 of it together; IPv4 clients are not grouped):
    # four addresses' worth, where one free /48 was 65,536 addresses guessing passwords.
    "HARIS_LOGIN_NETWORK_LIMIT": "40/minute;200/hour",
    # Console session cookies are Secure (HTTPS only); turn off only for plain-http local dev.
    "HARIS_SECURE_COOKIES": True,
    # Console accounts without a second factor (flask user totp NAME) cannot sign in when true.
    "HARIS_REQUIRE_SECOND_FACTOR": False,
    # Who files takedown notices for escalation cases (EU DSA Art. 16: name and e-mail), usually
    # the organisation running this server; a case may name its own (docs/escalation.md).
    "HARIS_NOTIFIER_NAME": None,
    "HARIS_NOTIFIER_EMAIL": None,
}
# Numeric settings: their type and the smallest and largest values accepted. A value out of range
# (a negative proxy count, a zero Redis timeout, a body limit no photo fits in) or that is not a
# number is refused at start-up with its name, not met as a traceback or a 500 on some request.
_NUMBERS: dict[str, tuple[type[int] | type[float], float, float]] = {
    "HARIS_MAX_BODY_BYTES": (int, 1024, 1024**3),
    "HARIS_PROXY_COUNT": (int, 0, 10),
    "HARIS_MAX_PENDING_REPORTS": (int, 1, 1_000_000),
    # A filing's place is held at most a report's 30 days.
    "HARIS_REPORT_HOLD_HOURS": (int, 1, REPORT_TTL_SECONDS // 3600),
    "HARIS_MAX_STORED_REPORTS": (int, 1, 10_000_000),
    # A rejected report is kept at most a report's 30 days.
    "HARIS_REJECTED_REPORT_HOURS": (int, 1, REPORT_TTL_SECONDS // 3600),
    "HARIS_REDIS_TIMEOUT": (float, 0.01, 60.0),
    "HARIS_METRICS_DELAY": (float, 0.0, 86_400.0),
    "HARIS_CAMPAIGN_HOLD_SECONDS": (float, 0.0, 86_400.0),
}
_BOOLS = {"HARIS_LIMIT_FAIL_OPEN", "HARIS_SECURE_COOKIES", "HARIS_REQUIRE_SECOND_FACTOR"}
_RATE_LIMITS = {
    "HARIS_CHECK_LIMIT",
    "HARIS_REPORT_LIMIT",
    "HARIS_REPORT_NETWORK_LIMIT",
    "HARIS_REGISTRY_LIMIT",
    "HARIS_REGISTRY_NETWORK_LIMIT",
    "HARIS_PROTECTED_MATCH_LIMIT",
    "HARIS_REGISTRY_LIST_LIMIT",
    "HARIS_CAMPAIGN_CONTRIBUTIONS",
    "HARIS_CAMPAIGN_NETWORK_CONTRIBUTIONS",
    "HARIS_EXTRACTOR_HEALTH_LIMIT",
    "HARIS_KEY_FAILURE_LIMIT",
    "HARIS_LOGIN_LIMIT",
    "HARIS_LOGIN_ACCOUNT_LIMIT",
    "HARIS_LOGIN_NETWORK_LIMIT",
}
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}
MIN_SECRET_LENGTH = 32
MIN_BOOTSTRAP_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """The server refuses to start with this configuration."""


def load_config(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    config = dict(DEFAULTS)
    for key in DEFAULTS:
        if key in os.environ:
            config[key] = os.environ[key]
    config.update(overrides or {})
    for key, (kind, least, most) in _NUMBERS.items():
        config[key] = _number(key, config[key], kind, least, most)
    for key in _BOOLS:
        config[key] = _boolean(key, config[key])
    for key in _RATE_LIMITS:
        _check_rate_limit(key, config[key])
    if config["HARIS_MAX_STORED_REPORTS"] < config["HARIS_MAX_PENDING_REPORTS"]:
        raise ConfigError("HARIS_MAX_STORED_REPORTS must be at least HARIS_MAX_PENDING_REPORTS")
    if config["HARIS_ENV"] not in {"development", "production"}:
        raise ConfigError("HARIS_ENV must be development or production")
    secret = config["HARIS_SECRET_KEY"]
    if config["HARIS_ENV"] == "production":
        if not secret or len(secret) < MIN_SECRET_LENGTH:
            raise ConfigError(f"production needs HARIS_SECRET_KEY of at least {MIN_SECRET_LENGTH} characters")
        bootstrap = config["HARIS_BOOTSTRAP_KEY"]
        if bootstrap and len(bootstrap) < MIN_BOOTSTRAP_KEY_LENGTH:
            raise ConfigError(
                f"production refuses a HARIS_BOOTSTRAP_KEY shorter than {MIN_BOOTSTRAP_KEY_LENGTH} characters"
            )
        if not config["HARIS_SECURE_COOKIES"]:
            raise ConfigError("production refuses HARIS_SECURE_COOKIES=false: console sessions need HTTPS")
    elif not secret:
        config["HARIS_SECRET_KEY"] = secrets.token_urlsafe(32)
        config["HARIS_SECRET_KEY_GENERATED"] = True  # dies with the process (server/storage/__init__.py)
    config["HARIS_SECRET_KEY_FALLBACKS"] = _fallbacks(config["HARIS_SECRET_KEY_FALLBACKS"])
    return config


def _fallbacks(value: Any) -> list[str]:
    """HARIS_SECRET_KEY_FALLBACKS as a list (a comma-separated string, or a list from tests)."""
    items = value if isinstance(value, list | tuple) else str(value or "").split(",")
    return [str(item).strip() for item in items if str(item).strip()]


# Limiter keys change every hour (a new random pepper, server/web/limits.py): a longer window could
# not be counted.
MAX_LIMIT_WINDOW_SECONDS = 3600


def _check_rate_limit(key: str, value: Any) -> None:
    """Refuse at start-up a limit the limiter could only refuse on the first request (a 500)."""
    try:
        items = parse_many(str(value))
    except ValueError:
        raise ConfigError(f"{key} must be limits like '60/minute' or '10/minute;50/hour', not {value!r}") from None
    if any(item.get_expiry() > MAX_LIMIT_WINDOW_SECONDS for item in items):
        raise ConfigError(f"{key}: windows longer than an hour cannot be counted (limiter keys change hourly)")


def _number(key: str, value: Any, kind: type[int] | type[float], least: float, most: float) -> int | float:
    try:
        number = kind(value)
    except (TypeError, ValueError):
        number = None
    # NaN fails both comparisons, so it is refused with the rest.
    if isinstance(value, bool) or number is None or not least <= number <= most:
        if kind is int:
            raise ConfigError(f"{key} must be a whole number between {int(least):,} and {int(most):,}, not {value!r}")
        raise ConfigError(f"{key} must be a number between {least:g} and {most:g}, not {value!r}")
    return number


def _boolean(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{key} must be true or false, not {value!r}")
