"""Exports as HTTP downloads (cases, banks), for the API and the console alike (neither imports the other)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Request, Response

from heuristics.profile import Platform
from server.escalation.model import Notifier
from server.escalation.tickets import LOCALES
from server.services.cases import Export
from server.web.errors import APIError


def default_notifier(config: Mapping[str, Any]) -> Notifier | None:
    """``HARIS_NOTIFIER_NAME`` and ``HARIS_NOTIFIER_EMAIL``, when both are set."""
    name, email = config.get("HARIS_NOTIFIER_NAME"), config.get("HARIS_NOTIFIER_EMAIL")
    return Notifier(name=name, email=email) if name and email else None


def requested_locale(request: Request, fallback: str | None = None) -> str:
    """``?locale=`` (``fr-MA`` counts as ``fr``), else ``fallback``, else Accept-Language; 422 otherwise."""
    value = request.args.get("locale")
    if not value:
        return fallback or request.accept_languages.best_match(LOCALES) or "en"
    language = value.replace("_", "-").split("-", 1)[0].lower()
    if language not in LOCALES:
        raise APIError(422, "invalid_value", f"locale is one of {', '.join(LOCALES)}.", "locale")
    return language


def requested_platform(request: Request) -> Platform | None:
    value = request.args.get("platform")
    if not value:
        return None
    try:
        return Platform(value)
    except ValueError:
        names = ", ".join(p.value for p in Platform)
        raise APIError(422, "invalid_value", f"platform is one of {names}.", "platform") from None


def download(result: Export) -> Response:
    response = Response(result.data, mimetype=result.media_type.split(";")[0])
    if result.media_type.startswith("text/"):
        response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{result.filename}"'
    if result.manifest_sha256:
        response.headers["X-Manifest-SHA256"] = result.manifest_sha256
    return response


def jsonl_download(name: str, lines: list[str]) -> Response:
    """A bank export as a JSONL attachment (the API and the console's export)."""
    response = Response("".join(lines), mimetype="application/x-ndjson")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.jsonl"'
    return response
