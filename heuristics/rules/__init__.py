"""The rules file: which signals run, their points and thresholds, the bias and the level cut-offs.

Scoring is additive on the log-odds scale: ``risk = 100 · sigmoid(bias + Σ points)``. The file is
TOML (see ``default.toml``) and is validated on load; every error names the offending key.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from heuristics.signals import SignalParams, registry

MAX_ABS_POINTS = 20.0
_TOP_LEVEL = {"version", "bias", "levels", "signals", "description"}


class RulesError(ValueError):
    """A rules file that cannot be used; ``key`` names where the problem is."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    enabled: bool
    points: float
    params: SignalParams


@dataclass(frozen=True, slots=True)
class Rules:
    version: str
    bias: float
    medium: float  # risk (0–100) at which the level becomes medium
    high: float
    rules: dict[str, Rule]
    source: str  # the TOML text, so the active file can be shown and diffed

    def enabled(self) -> list[Rule]:
        return [rule for rule in self.rules.values() if rule.enabled]

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "bias": self.bias,
            "levels": {"medium": self.medium, "high": self.high},
            "signals": {
                code: {
                    "enabled": rule.enabled,
                    "points": rule.points,
                    "description": registry()[code].description,
                    **rule.params.model_dump(),
                }
                for code, rule in sorted(self.rules.items())
            },
        }


def _number(value: Any, key: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise RulesError(key, "must be a finite number")
    if not low <= value <= high:
        raise RulesError(key, f"must be between {low:g} and {high:g}")
    return float(value)


def parse_rules(text: str) -> Rules:
    """Validate a rules file's text and return the rules it defines."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulesError("(file)", f"not valid TOML: {error}") from None
    for key in data:
        if key not in _TOP_LEVEL:
            raise RulesError(key, "unknown top-level key")
    version = data.get("version")
    if not isinstance(version, str) or not version.strip() or len(version) > 64:
        raise RulesError("version", "must be a non-empty string of at most 64 characters")
    bias = _number(data.get("bias"), "bias", -MAX_ABS_POINTS, MAX_ABS_POINTS)
    levels = data.get("levels")
    if not isinstance(levels, dict):
        raise RulesError("levels", "must be a table with medium and high")
    for key in levels:
        if key not in {"medium", "high"}:
            raise RulesError(f"levels.{key}", "unknown key (expected medium, high)")
    medium = _number(levels.get("medium"), "levels.medium", 0, 100)
    high = _number(levels.get("high"), "levels.high", 0, 100)
    if medium > high:
        raise RulesError("levels.medium", "must not exceed levels.high")
    signals = data.get("signals", {})
    if not isinstance(signals, dict):
        raise RulesError("signals", "must be a table of signal codes")
    known = registry()
    rules: dict[str, Rule] = {}
    for code, entry in signals.items():
        key = f"signals.{code}"
        if code not in known:
            raise RulesError(key, "unknown signal code")
        if not isinstance(entry, dict):
            raise RulesError(key, "must be a table")
        entry = dict(entry)
        enabled = entry.pop("enabled", True)
        if not isinstance(enabled, bool):
            raise RulesError(f"{key}.enabled", "must be true or false")
        if "points" not in entry:
            raise RulesError(f"{key}.points", "is required")
        points = _number(entry.pop("points"), f"{key}.points", -MAX_ABS_POINTS, MAX_ABS_POINTS)
        try:
            params = known[code].Params(**entry)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise RulesError(f"{key}.{where}", first["msg"]) from None
        rules[code] = Rule(code, enabled, points, params)
    return Rules(version.strip(), bias, medium, high, rules, text)


def load_rules(path: str | Path) -> Rules:
    return parse_rules(Path(path).read_text(encoding="utf-8"))


def default_rules_text() -> str:
    return resources.files(__package__).joinpath("default.toml").read_text(encoding="utf-8")


def load_default_rules() -> Rules:
    return parse_rules(default_rules_text())
