"""A takedown notice is plain text, but it is pasted into platforms' web forms and ticket tools
and mailed, and many of those render Markdown or HTML. Its case values come from whoever filed
the report (the adversary included): a display name ``[Verify your account](https://evil…)``
became a live link in the platform reviewer's tool, under the helpline's name; ``&#x202E;``
became the right-to-left override that ``one_line`` writes as ``<U+202E>`` when it is sent raw.
Each case value is written so that a renderer shows it as the text it is."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from heuristics.profile import Platform
from server.escalation.model import CaseNote, Notifier
from server.escalation.tickets import LOCALES, build_ticket
from tests.escalation.samples import OPENED_AT, sample_case

HOSTILE = {
    "link": "[Verify your account](https://evil.example/login)",
    "image": "![Hala](https://evil.example/pixel.png)",
    "html": '<a href="https://evil.example/login">Hala Ahed</a><img src="https://evil.example/p.png">',
    "autolink": "<https://evil.example/login>",
    "reference": "[Hala Ahed][1]\n\n[1]: https://evil.example/login",
    "entity": "&#x202E;dehA alaH &lt;b&gt;",
    "escaped": "\\[Verify\\](https://evil.example/login)",  # a backslash of its own undoes one escape
}
# Characters a Markdown renderer must not produce from a case value.
RENDERED = ("<a ", "<img", "<b>", "\u202e")


def rendered(text: str) -> str:
    return MarkdownIt("commonmark").render(text)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_no_case_value_becomes_a_link_or_markup(kind: str, locale: str) -> None:
    value = HOSTILE[kind]
    case, _ = sample_case(Platform.X)
    case.suspect = case.suspect.model_copy(update={"display_name": value})
    case.impersonated = case.impersonated.model_copy(update={"display_name": value})
    case.notes.append(CaseNote(at=OPENED_AT, by="amal", by_role="trainer", text=value))
    notifier = Notifier(name=value.replace("\n", " "), email="helpline@ngo.example")
    text = build_ticket(case, Platform.X, locale, notifier).text
    html = rendered(text)
    for needle in RENDERED:
        assert needle not in html, (kind, needle)
    # The ticket's own link targets are the only ones: nothing of the value's became one.
    assert "evil.example" not in "".join(part.split('"')[0] for part in html.split('href="')[1:])


def test_the_values_still_read_as_typed() -> None:
    case, _ = sample_case(Platform.X)
    case.suspect = case.suspect.model_copy(update={"display_name": HOSTILE["link"]})
    text = build_ticket(case, Platform.X, "en", None).text
    assert "\\[Verify your account\\](https://evil.example/login)" in text  # CommonMark's own escape
    assert "<p>" in rendered(text) and "[Verify your account](https://evil.example/login)" in rendered(text)


def test_a_notifier_name_cannot_add_lines_and_hidden_characters_show() -> None:
    """The notifier's name and e-mail are typed in the case form: a line break there added lines
    to the notice (a second notifier, a claim), a U+202E reordered it."""
    case, _ = sample_case(Platform.X)
    notifier = Notifier(name="Helpline\n- Good faith: withdrawn\u202e", email="help\u202eline@ngo.example")
    text = build_ticket(case, Platform.X, "en", notifier).text
    assert "\n- Good faith: withdrawn" not in text and "\u202e" not in text
    assert "Helpline - Good faith: withdrawn<U+202E>" in text and "help<U+202E>line@ngo.example" in text
    assert "withdrawn&lt;U+202E&gt;" in rendered(text)  # the code point is text to a renderer too


def test_a_url_keeps_its_address_and_carries_no_markup() -> None:
    case, _ = sample_case(Platform.X)
    source = "https://x.com/ha1a_ahed?a=1&b=[Verify](https://evil.example/login)&#x202E;<b>"
    case.evidence = [item.model_copy(update={"source_url": source}) for item in case.evidence]
    text = build_ticket(case, Platform.X, "en", None).text
    assert "https://x.com/ha1a_ahed?a=1&b=%5BVerify%5D(https://evil.example/login)%26#x202E;%3Cb%3E" in text
    html = rendered(text)
    assert "<b>" not in html and "\u202e" not in html and 'evil.example/login">' not in html


def test_private_use_and_unassigned_characters_show_by_code_point() -> None:
    """They render as anything a font maps there, or as nothing."""
    case, _ = sample_case(Platform.X)
    case.suspect = case.suspect.model_copy(update={"display_name": "Hala\ue000Ahed\U000e0fff"})
    text = build_ticket(case, Platform.X, "en", None).text
    assert "Hala<U+E000>Ahed<U+E0FFF>" in text
