"""The finding codes the documents name are the library's: every code a document writes
(``campaign.shared_photo``) is a registered signal's, and README.md's table lists every one. A
signal renamed or added without its documents fails here."""

from __future__ import annotations

import re

from heuristics.signals import DEFAULT_SIGNALS
from tests.docs.markdown import DOCUMENTS, ROOT

CODES = {signal.code for signal in DEFAULT_SIGNALS}
FAMILIES = sorted({code.split(".")[0] for code in CODES})
# family.name, not a file (``activity.py``, ``avatar.png``) nor part of a longer dotted name.
CODE = re.compile(rf"(?<![\w.])((?:{'|'.join(FAMILIES)})\.[a-z_]+)(?![\w.(])")
NOT_CODES = re.compile(r"\.(py|js|png|md|toml|json)$")


def named_codes() -> set[tuple[str, str]]:
    return {
        (document.relative_to(ROOT).as_posix(), match.group(1))
        for document in DOCUMENTS
        for match in CODE.finditer(document.read_text(encoding="utf-8"))
        if not NOT_CODES.search(match.group(1))
    }


def test_every_code_named_is_a_registered_signals() -> None:
    named = named_codes()
    assert {code for _, code in named} >= {"account.new", "campaign.creation_burst"}
    assert sorted(f"{document}: {code}" for document, code in named if code not in CODES) == []


def test_readme_names_every_signal() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert sorted(code for code in CODES if f"`{code}`" not in readme) == []
