"""How one rules file scores differently from another, one line per change.

``flask rules check`` prints it before a maintainer publishes, and the audit trail keeps it with
each publication (``rules.published``): rules that let a bait account score low are the quietest
way to blind every user at once, so the trail says what a publication changed, not only which
versions it went between.
"""

from __future__ import annotations

from typing import Any

from heuristics.rules import Rules


def _params(rules: Rules, code: str) -> dict[str, Any]:
    return rules.rules[code].params.model_dump()


def rules_changes(active: Rules, new: Rules) -> list[str]:
    """Human-readable changes from ``active`` to ``new`` (empty when they score identically)."""
    changes = []
    if active.version != new.version:
        changes.append(f"version: {active.version} → {new.version}")
    if active.bias != new.bias:
        changes.append(f"bias: {active.bias:g} → {new.bias:g}")
    for level in ("medium", "high"):
        if getattr(active, level) != getattr(new, level):
            changes.append(f"levels.{level}: {getattr(active, level):g} → {getattr(new, level):g}")
    for code in sorted(set(active.rules) | set(new.rules)):
        old, now = active.rules.get(code), new.rules.get(code)
        if old is None:
            changes.append(f"{code}: added ({now.points:g} points)")  # type: ignore[union-attr]
            continue
        if now is None:
            changes.append(f"{code}: removed (was {old.points:g} points; it will not run)")
            continue
        if old.enabled != now.enabled:
            changes.append(f"{code}: {'enabled' if now.enabled else 'disabled'}")
        if old.points != now.points:
            changes.append(f"{code}.points: {old.points:g} → {now.points:g}")
        before, after = _params(active, code), _params(new, code)
        for key in sorted(before):
            if before[key] != after[key]:
                changes.append(f"{code}.{key}: {before[key]} → {after[key]}")
    return changes
