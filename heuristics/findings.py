"""What the engine says: findings (one reason each) and the report that orders them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# Evidence values are plain JSON: they go into responses and message placeholders.
Evidence = dict[str, Any]


class Level(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class Detection:
    """A signal's raw answer: it fired, how strongly (0–1], and why."""

    evidence: Evidence = field(default_factory=dict)
    strength: float = 1.0


@dataclass(frozen=True, slots=True)
class Finding:
    """One explained reason: a stable code, its points on the log-odds scale, and evidence."""

    code: str
    points: float
    evidence: Evidence = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Report:
    risk: int
    level: Level
    findings: tuple[Finding, ...]
    rules_version: str
    logit: float
    unavailable: tuple[str, ...] = ()
