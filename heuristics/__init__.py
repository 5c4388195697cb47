"""Haris heuristics: a pure library that scores a social-media profile and explains why.

Importable without Flask or Redis. The server supplies Redis-backed services through
:class:`heuristics.context.CheckContext`; the library only sees their protocols.
"""

from heuristics.context import CheckContext
from heuristics.engine import score
from heuristics.findings import Finding, Level, Report
from heuristics.profile import Contact, Platform, Profile
from heuristics.rules import Rules, RulesError, load_default_rules, load_rules

__all__ = [
    "CheckContext",
    "Contact",
    "Finding",
    "Level",
    "Platform",
    "Profile",
    "Report",
    "Rules",
    "RulesError",
    "load_default_rules",
    "load_rules",
    "score",
]
