"""Run the enabled signals, add their points on the log-odds scale, and explain the result."""

from __future__ import annotations

import math

from heuristics.context import CheckContext, ServiceUnavailable
from heuristics.findings import Finding, Level, Report
from heuristics.profile import Profile
from heuristics.rules import Rules
from heuristics.signals import registry


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def level_for(risk: float, rules: Rules) -> Level:
    if risk >= rules.high:
        return Level.HIGH
    if risk >= rules.medium:
        return Level.MEDIUM
    return Level.LOW


def score(profile: Profile, context: CheckContext, rules: Rules) -> Report:
    """Score one profile. Signals whose services are missing or down are listed as unavailable."""
    signals = registry()
    services = context.services
    findings: list[Finding] = []
    unavailable: list[str] = []
    for rule in rules.enabled():
        signal = signals[rule.code]
        # Most signals need no service: only those that do are tested (without a set built per test).
        if signal.needs and not all(name in services for name in signal.needs):
            unavailable.append(rule.code)
            continue
        try:
            detection = signal.detect(profile, context, rule.params)
        except ServiceUnavailable:
            unavailable.append(rule.code)
            continue
        if detection is None or detection.strength <= 0:
            continue
        strength = min(detection.strength, 1.0)
        findings.append(Finding(rule.code, round(rule.points * strength, 2), detection.evidence))
    findings.sort(key=lambda f: (-f.points, f.code))
    logit = rules.bias + sum(f.points for f in findings)
    risk = round(100 * sigmoid(logit))
    return Report(
        risk=risk,
        level=level_for(risk, rules),
        findings=tuple(findings),
        rules_version=rules.version,
        logit=logit,
        unavailable=tuple(sorted(unavailable)),
    )
