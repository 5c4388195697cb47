"""Console UI strings in ar/en/fr, from ``server/i18n/console/<locale>.toml`` (flat ``key = "text"``).

Finding messages are not here: they come from the API's catalogues through ``server.i18n.render``,
so the console and the extension explain a finding in the same words.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from flask import Request

from server.i18n import DEFAULT_LOCALE, LOCALES

RTL_LOCALES = frozenset({"ar"})
LANGUAGE_NAMES = {"ar": "العربية", "en": "English", "fr": "Français"}


@cache
def strings(locale: str) -> dict[str, str]:
    text = resources.files("server.i18n").joinpath("console", f"{locale}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def lookup(key: str, locale: str) -> str | None:
    """The UI string for ``key`` (unformatted); English if this locale lacks it; None if neither has it."""
    for candidate in (locale, DEFAULT_LOCALE):
        text = strings(candidate).get(key)
        if text is not None:
            return text
    return None


def translate(key: str, locale: str, **values: object) -> str:
    """The UI string for ``key``; English if this locale lacks it; the key itself as a last resort."""
    text = lookup(key, locale)
    if text is None:
        return key
    return text.format(**values) if values else text


def pick_locale(chosen: str | None, request: Request) -> str:
    if chosen in LOCALES:
        return chosen
    return request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE


def direction(locale: str) -> str:
    return "rtl" if locale in RTL_LOCALES else "ltr"
