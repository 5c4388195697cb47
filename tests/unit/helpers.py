"""Run one signal the way the engine does, with its default parameters."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from heuristics.context import CheckContext
from heuristics.findings import Detection
from heuristics.profile import Platform, Profile
from heuristics.signals import registry

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def detect(
    code: str,
    platform: Platform = Platform.OTHER,
    context: CheckContext | None = None,
    params: dict[str, Any] | None = None,
    **fields: Any,
) -> Detection | None:
    signal = registry()[code]
    context = context or CheckContext(platform=platform, now=NOW)
    return signal.detect(Profile(**fields), context, signal.Params(**(params or {})))
