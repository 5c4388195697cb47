"""A rules version names one file: the shipped defaults are in the registry of released versions
with their exact bytes, and no version is ever reused for different content."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

from heuristics.rules import parse_rules

RULES = Path(__file__).resolve().parents[2] / "heuristics" / "rules"
REGISTRY = tomllib.loads((RULES / "released.toml").read_text(encoding="utf-8"))


def test_the_shipped_defaults_are_a_registered_release_with_these_exact_bytes() -> None:
    data = (RULES / "default.toml").read_bytes()
    version = parse_rules(data.decode("utf-8")).version
    digest = hashlib.sha256(data).hexdigest()
    assert version not in REGISTRY["retired"], f"{version} is retired: it named several files; choose a new version"
    assert version in REGISTRY["released"], (
        f"default.toml carries version {version}, which is not registered: add "
        f'"{version}" = "{digest}" to heuristics/rules/released.toml'
    )
    assert REGISTRY["released"][version] == digest, (
        f"default.toml changed but still says version {version}, which names another file: give it a new "
        "version and register it in heuristics/rules/released.toml"
    )


def test_no_version_is_both_released_and_retired_and_no_two_versions_name_one_file() -> None:
    released, retired = REGISTRY["released"], REGISTRY["retired"]
    assert not set(released) & set(retired)
    assert len(set(released.values())) == len(released)
    assert all(len(digest) == 64 and int(digest, 16) >= 0 for digest in released.values())
