"""Every relative link in README.md and docs/*.md leads somewhere: to a file of the repository and,
with a ``#fragment``, to a heading (GitHub's anchor of it) or an explicit anchor of that page. A
renamed heading or a moved file had left links that led nowhere."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.docs.markdown import DOCUMENTS, ROOT, Link, anchors, links, slug


def relative(link: Link) -> bool:
    parts = urlsplit(link.target)
    return not parts.scheme and not parts.netloc and not link.target.startswith("mailto:")


def broken(link: Link) -> str | None:
    """Why ``link`` leads nowhere, or None."""
    parts = urlsplit(link.target)
    path = unquote(parts.path)
    target = (link.document.parent / path).resolve() if path else link.document
    if ROOT not in target.parents and target != ROOT:
        return "points outside the repository"
    if not target.exists():
        return f"no such file: {target.relative_to(ROOT)}"
    if parts.fragment:
        if target.suffix != ".md":
            return "a #fragment on a file that is not Markdown"
        if unquote(parts.fragment) not in anchors(target):
            return f"no heading or anchor #{parts.fragment} in {target.relative_to(ROOT)}"
    return None


def test_the_documents_are_found_and_link_to_each_other() -> None:
    names = {document.relative_to(ROOT).as_posix() for document in DOCUMENTS}
    assert {"README.md", "docs/deployment.md", "docs/privacy.md"} <= names
    assert any(relative(link) for document in DOCUMENTS for link in links(document))


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(document: Path) -> None:
    problems = [
        f"{document.relative_to(ROOT)}:{link.line}: ({link.target}) {reason}"
        for link in links(document)
        if relative(link) and (reason := broken(link)) is not None
    ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("Settings", "settings"),
        ("Throughput of a check", "throughput-of-a-check"),
        ("Two trainers, one record", "two-trainers-one-record"),
        ("`make figures`: what it runs", "make-figures-what-it-runs"),
        ("Hash banks (JSONL) — import/export", "hash-banks-jsonl--importexport"),
        ("name.handle_mismatch", "namehandle_mismatch"),
        ("Arabic: الأسماء", "arabic-الأسماء"),
    ],
)
def test_slug_follows_githubs_rules(heading: str, expected: str) -> None:
    assert slug(heading) == expected


def test_anchors_number_repeated_headings_and_read_html_anchors(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text('# Notes\n\n## Notes\n\n### `code` and [a link](x.md)\n\n<a id="here"></a>\n', encoding="utf-8")
    assert anchors(page) == {"notes", "notes-1", "code-and-a-link", "here"}


def test_a_link_in_code_is_not_a_link_and_a_broken_one_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Top\n\n`[no](missing.md)` and\n\n```\n[no](missing.md)\n```\n", encoding="utf-8")
    assert links(page) == []
    # The checker itself: a missing file, a missing heading, and a good link.
    document = ROOT / "docs" / "deployment.md"
    assert broken(Link(document, 1, "nowhere.md")) == "no such file: docs/nowhere.md"
    assert broken(Link(document, 1, "privacy.md#no-such-heading")) is not None
    assert broken(Link(document, 1, "#settings")) is None
    assert broken(Link(document, 1, "../README.md")) is None
    assert not relative(Link(document, 1, "https://example.org/x.md"))
