"""Every Redis key family the code names is in docs/privacy.md with its purpose and lifetime."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FAMILY = re.compile(r"haris:[A-Za-z_]+(?:[:/][A-Za-z_]+)*")


def families_in_code() -> dict[str, str]:
    found: dict[str, str] = {}
    for directory in ("server", "heuristics"):
        for path in sorted((ROOT / directory).rglob("*.py")):
            for match in FAMILY.finditer(path.read_text(encoding="utf-8")):
                found.setdefault(match.group(0), str(path.relative_to(ROOT)))
    return found


def test_every_key_family_is_documented() -> None:
    documented = (ROOT / "docs" / "privacy.md").read_text(encoding="utf-8")
    families = families_in_code()
    assert "haris:report" in " ".join(families)  # the scan sees the code
    missing = {family: where for family, where in families.items() if family not in documented}
    assert missing == {}, f"document these key families in docs/privacy.md: {missing}"
