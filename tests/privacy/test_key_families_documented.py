"""Every Redis key family the code names is in docs/privacy.md with its purpose and lifetime."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A family's first part may be a hash tag in braces (haris:{reports}:pending; doubled in an
# f-string); later braces are f-string placeholders, where the family name ends.
FAMILY = re.compile(r"haris:(?:\{\{?[A-Za-z_]+\}\}?|[A-Za-z_]+)(?:[:/][A-Za-z_]+)*")
# The names keys had before hash tags, there only to be renamed (docs/privacy.md says so).
RENAMING = "server/storage/migrate.py"


def families_in_code() -> dict[str, str]:
    found: dict[str, str] = {}
    for directory in ("server", "heuristics"):
        for path in sorted((ROOT / directory).rglob("*.py")):
            if path.relative_to(ROOT).as_posix() == RENAMING:
                continue
            for match in FAMILY.finditer(path.read_text(encoding="utf-8")):
                found.setdefault(match.group(0).replace("{{", "{").replace("}}", "}"), str(path.relative_to(ROOT)))
    return found


def test_every_key_family_is_documented() -> None:
    documented = (ROOT / "docs" / "privacy.md").read_text(encoding="utf-8")
    families = families_in_code()
    assert "haris:{reports}:report" in " ".join(families)  # the scan sees the code
    missing = {family: where for family, where in families.items() if family not in documented}
    assert missing == {}, f"document these key families in docs/privacy.md: {missing}"
