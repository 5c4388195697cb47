"""Messages per finding code and locale, filled from the finding's evidence.

Catalogues are TOML files beside this module (``en.toml``, ``ar.toml``, ``fr.toml``): a
``[findings."code"] message = "…{placeholder}…"`` table and a ``[terms]`` table that translates
evidence values such as ``"invisible"``.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from flask import Request

LOCALES = ("ar", "en", "fr")
DEFAULT_LOCALE = "en"


@cache
def catalogue(locale: str) -> dict[str, Any]:
    text = resources.files(__package__).joinpath(f"{locale}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def choose_locale(requested: str | None, request: Request) -> str:
    """The ``locale`` field if supported (``fr-MA`` counts as ``fr``), else Accept-Language, else en."""
    if requested:
        language = requested.replace("_", "-").split("-", 1)[0].lower()
        if language in LOCALES:
            return language
    return request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE


class _Evidence(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _term(value: Any, terms: dict[str, str]) -> Any:
    if isinstance(value, str):
        return terms.get(value, value)
    if isinstance(value, list):
        return terms.get("_separator", ", ").join(str(_term(item, terms)) for item in value)
    return value


def render(code: str, evidence: dict[str, Any], locale: str) -> str:
    """The human message for a finding; falls back to English, then to the code itself."""
    for candidate in (locale, DEFAULT_LOCALE):
        entry = catalogue(candidate).get("findings", {}).get(code)
        if not entry:
            continue
        terms = catalogue(candidate).get("terms", {})
        values = _Evidence({key: _term(value, terms) for key, value in evidence.items()})
        try:
            return entry["message"].format_map(values)
        except (ValueError, TypeError, KeyError, IndexError):
            continue
    return code
