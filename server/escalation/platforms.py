"""The platforms' impersonation procedures, loaded from ``platforms.toml`` (config as data)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from heuristics.profile import Platform


@dataclass(frozen=True)
class Channel:
    kind: str  # in_app | form | bot | email
    target: str
    verified: bool


@dataclass(frozen=True)
class PlatformProcedure:
    platform: Platform
    name: str
    policy_url: str
    policy_verified: bool
    elements_needed: int
    points: tuple[str, ...]
    checklist: tuple[str, ...]
    channels: tuple[Channel, ...]


@cache
def procedures() -> dict[Platform, PlatformProcedure]:
    text = resources.files(__package__).joinpath("platforms.toml").read_text(encoding="utf-8")
    table = tomllib.loads(text)["platforms"]
    return {
        Platform(key): PlatformProcedure(
            platform=Platform(key),
            name=entry["name"],
            policy_url=entry["policy_url"],
            policy_verified=entry["policy_verified"],
            elements_needed=entry["elements_needed"],
            points=tuple(entry["points"]),
            checklist=tuple(entry["checklist"]),
            channels=tuple(Channel(**channel) for channel in entry["channels"]),
        )
        for key, entry in table.items()
    }


def procedure(platform: Platform) -> PlatformProcedure:
    return procedures()[platform]
