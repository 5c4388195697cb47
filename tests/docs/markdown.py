"""The published documents read as GitHub renders them: their links, headings' anchors and code
spans, parsed with markdown-it-py (pinned in requirements-dev.txt) rather than by regular
expressions, so a link inside a code span or fence is not taken for one."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

ROOT = Path(__file__).resolve().parents[2]
# The documents a newcomer reads: README.md and every page of docs/.
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
HTML_ANCHOR = re.compile(r"""<a\s[^>]*\b(?:id|name)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


@dataclass(frozen=True)
class Link:
    document: Path
    line: int  # 1-based
    target: str


@dataclass(frozen=True)
class CodeSpan:
    document: Path
    line: int
    text: str


def parser() -> MarkdownIt:
    return MarkdownIt("gfm-like", {"linkify": False})


@cache
def tokens(document: Path) -> list[Token]:
    return parser().parse(document.read_text(encoding="utf-8"))


def _walk(document: Path):
    """(block line, token) for every inline child token, and every block token."""
    for block in tokens(document):
        line = block.map[0] + 1 if block.map else 0
        yield line, block
        for child in block.children or []:
            yield line, child


def links(document: Path) -> list[Link]:
    found = []
    for line, token in _walk(document):
        if token.type == "link_open":
            found.append(Link(document, line, str(token.attrGet("href") or "")))
        elif token.type == "image":
            found.append(Link(document, line, str(token.attrGet("src") or "")))
    return found


def code_spans(document: Path) -> list[CodeSpan]:
    return [CodeSpan(document, line, token.content) for line, token in _walk(document) if token.type == "code_inline"]


def fences(document: Path) -> list[CodeSpan]:
    """Code blocks (fenced, with their info string first: ``sh\\n…``, or indented)."""
    return [
        CodeSpan(document, line, f"{token.info.strip()}\n{token.content}")
        for line, token in _walk(document)
        if token.type in {"fence", "code_block"}
    ]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading's text: lower case; every character that is not a letter, a
    mark, a number, a space, ``-`` or ``_`` dropped; each space a ``-`` (runs are not merged)."""
    kept = [
        character
        for character in heading.lower()
        if character in " -_" or unicodedata.category(character)[0] in {"L", "M", "N"}
    ]
    return "".join(kept).replace(" ", "-")


def _heading_text(inline: Token) -> str:
    """A heading's rendered text: code spans' content, link text, no markup."""
    parts = []
    for child in inline.children or []:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
    return "".join(parts).strip()


@cache
def anchors(document: Path) -> frozenset[str]:
    """Every ``#fragment`` that lands somewhere in ``document`` on GitHub: the headings' slugs
    (a repeated slug gets ``-1``, ``-2``…) and explicit ``<a id|name="…">`` anchors."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    stream = tokens(document)
    for index, token in enumerate(stream):
        if token.type == "heading_open":
            base = slug(_heading_text(stream[index + 1]))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
        elif token.type in {"html_block", "html_inline"} or token.children:
            for piece in [token, *(token.children or [])]:
                if piece.type in {"html_block", "html_inline"}:
                    found.update(HTML_ANCHOR.findall(piece.content))
    return frozenset(found)
