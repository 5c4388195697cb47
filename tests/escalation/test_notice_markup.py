"""A takedown notice is plain text, but it is pasted into platforms' web forms and ticket tools
and mailed, and many of those render Markdown or HTML. Its case values come from whoever filed
the report (the adversary included): a display name ``[Verify your account](https://evil…)``
became a live link in the platform reviewer's tool, under the helpline's name; ``&#x202E;``
became the right-to-left override that ``one_line`` writes as ``<U+202E>`` when it is sent raw.
Each case value is written so that a renderer shows it as the text it is."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from heuristics.profile import Platform
from server.escalation.model import CaseNote, Notifier
from server.escalation.tickets import LOCALES, build_ticket, defang, plain_lines
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
    # CommonMark's own escape; the address defanged (hxxps, [.]) as threat-intel reports write it.
    assert "\\[Verify your account\\](hxxps[://]evil[.]example/login)" in text
    assert "<p>" in rendered(text) and "[Verify your account](hxxps[://]evil[.]example/login)" in rendered(text)


def test_a_notifier_name_cannot_add_lines_and_hidden_characters_show() -> None:
    """The notifier's name and e-mail are typed in the case form: a line break there added lines
    to the notice (a second notifier, a claim), a U+202E reordered it."""
    case, _ = sample_case(Platform.X)
    notifier = Notifier(name="Helpline\n- Good faith: withdrawn\u202e", email="help\u202eline@ngo.example")
    text = build_ticket(case, Platform.X, "en", notifier).text
    assert "\n- Good faith: withdrawn" not in text and "\u202e" not in text
    # The e-mail is no plain address (a hidden character): shown as any value, defanged.
    assert "Helpline - Good faith: withdrawn<U+202E>" in text and "help<U+202E>line@ngo[.]example" in text
    assert "withdrawn&lt;U+202E&gt;" in rendered(text)  # the code point is text to a renderer too


def test_a_url_keeps_its_address_and_carries_no_markup() -> None:
    case, _ = sample_case(Platform.X)
    source = "https://x.com/ha1a_ahed?a=1&b=[Verify](https://evil.example/login)&#x202E;<b>"
    case.evidence = [item.model_copy(update={"source_url": source}) for item in case.evidence]
    text = build_ticket(case, Platform.X, "en", None).text
    assert "https://x.com/ha1a_ahed?a=1&b=%5BVerify%5D%28https://evil.example/login%29%26#x202E;%3Cb%3E" in text
    html = rendered(text)
    assert "<b>" not in html and "\u202e" not in html and 'evil.example/login">' not in html


def test_private_use_and_unassigned_characters_show_by_code_point() -> None:
    """They render as anything a font maps there, or as nothing."""
    case, _ = sample_case(Platform.X)
    case.suspect = case.suspect.model_copy(update={"display_name": "Hala\ue000Ahed\U000e0fff"})
    text = build_ticket(case, Platform.X, "en", None).text
    assert "Hala<U+E000>Ahed<U+E0FFF>" in text


# --- Bare URLs and line-leading block syntax -------------------------------------------------
# Tools that link bare URLs (GitHub-flavoured Markdown, Jira, Zendesk, mail clients) made a link of
# "visit https://evil.example/x" or "www.evil.example" in a name; a line of a note that starts with
# "#", ">", "- ", "1. ", "```" or four spaces became a heading, a quote, a list or a code block.
BARE = {
    "url": "visit https://evil.example/login now",
    "upper": "HTTPS://EVIL.EXAMPLE/LOGIN",
    "www": "www.evil.example/login",
    "domain": "evil.example",
    "email": "write to verify@evil.example",
    "ip": "http://192.0.2.7:8080/x and 192.0.2.7/x",
    "host_only": "ftp://localhost/x",
    "path": "x.com/evil",
    # No scheme: linkify-it and browsers open "//host/x" on the page's own scheme.
    "scheme_relative": "see //localhost/x and //host.example/x",
    # Dots IDNA maps to "." (browsers and the mail clients after them open evil.example).
    "fullwidth_dot": "evil\uff0eexample/login and www\uff0eevil\uff0eexample",
    "ideographic_dot": "evil\u3002example and evil\uff61example, 192\u30020\uff0e2\uff617",
}
BLOCKS = {
    "heading": "# Verify your account",
    "quote": "> Message from X Safety",
    "dash": "- a forged claim",
    "plus": "+ a forged claim",
    "star": "* a forged claim",
    "ordered": "1. a forged claim",
    "ordered_paren": "1) a forged claim",
    "fence": "```\ncode\n```",
    "tilde_fence": "~~~\ncode\n~~~",
    "setext_h1": "Verify your account\n===",
    "setext_h2": "Verify your account\n---",
    "indented": "text\n\n    code block",
    "break": "***",
    "table": "a | b\n--- | ---\nc | d",
    "table_aligned": "a | b\n:-- | --:",
    "table_piped": "| a | b |\n|---|---|",
}
# What only structure makes: a renderer turning a value into any of these is the value's markup.
# (An inline code span, "`x`", is left: it links nothing and starts no block.)
STRUCTURE = ("<a ", "<h1", "<h2", "<h3", "<blockquote", "<li", "<pre", "<hr", "<table", "<img")


def renderers() -> list[MarkdownIt]:
    """CommonMark, and GitHub-flavoured with linkify (bare URLs, www., domains, e-mail, IPs; the
    reserved ``.example`` counts as a real TLD, so the test's evil.example is linked if it can be)."""
    gfm = MarkdownIt("gfm-like")
    gfm.linkify.tlds("example", True)
    gfm.linkify.set({"fuzzy_ip": True})
    return [MarkdownIt("commonmark"), gfm]


def _notice_with(value: str, locale: str = "en") -> str:
    case, _ = sample_case(Platform.X)
    case.suspect = case.suspect.model_copy(update={"display_name": value})
    case.impersonated = case.impersonated.model_copy(update={"display_name": value})
    case.notes.append(CaseNote(at=OPENED_AT, by="amal", by_role="trainer", text=value))
    case.evidence = [item.model_copy(update={"source_url": "https://evil.example/x.png"}) for item in case.evidence]
    return build_ticket(case, Platform.X, locale, Notifier(name=value, email="helpline@ngo.example")).text


def _structure(html: str) -> dict[str, int]:
    return {tag: html.count(tag) for tag in STRUCTURE}


def _hrefs(html: str) -> list[str]:
    return sorted(part.split('"')[0] for part in html.split('href="')[1:])


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("kind", sorted(BARE) + sorted(BLOCKS))
def test_no_bare_url_or_line_start_becomes_a_link_or_block(kind: str, locale: str) -> None:
    value = {**BARE, **BLOCKS}[kind]
    # The same lines of harmless letters: the notice's own structure, its own links.
    harmless = "\n".join("a" * len(line) for line in value.split("\n"))
    for md in renderers():
        html, baseline = md.render(_notice_with(value, locale)), md.render(_notice_with(harmless, locale))
        assert _structure(html) == _structure(baseline), (kind, md.options)
        assert _hrefs(html) == _hrefs(baseline), kind
        assert "evil.example" not in " ".join(_hrefs(html)) and "192.0.2.7" not in " ".join(_hrefs(html))


@pytest.mark.parametrize("kind", ["scheme_relative", "fullwidth_dot", "ideographic_dot"])
def test_no_address_comes_back_when_its_dots_are_mapped_as_a_browser_maps_them(kind: str) -> None:
    """IDNA maps "．", "｡" (NFKC) and "。" to "."; the notice's text, so mapped, holds none of the
    value's hosts, scheme-relative or not."""
    mapped = unicodedata.normalize("NFKC", _notice_with(BARE[kind])).replace("\u3002", ".")
    for host in ("evil.example", "//localhost", "//host.example", "192.0.2.7"):
        assert host not in mapped, (kind, host)


def test_a_note_line_of_brackets_and_a_colon_does_not_vanish() -> None:
    """Defanged, "://: x" was "[://]: x": at a line's start, a link reference definition, which a
    renderer shows as nothing. In the notice a note's lines continue a list item (no definition
    there), but a note's lines are pasted on their own too."""
    lines = plain_lines("://: hala\n//:x")
    assert lines == ["[://]\\: hala", "[//]\\:x"]
    for md in renderers():
        shown = md.render("\n\n".join(lines))
        assert "[://]: hala" in shown and "[//]:x" in shown, md.options


def test_the_account_url_stays_a_working_link() -> None:
    text = _notice_with(BARE["url"])
    assert "- URL: https://x.com/ha1a_ahed\n" in text
    for md in renderers()[1:]:
        assert "https://x.com/ha1a_ahed" in _hrefs(md.render(text))
        assert "https://x.com/hala_ahed" in _hrefs(md.render(text))  # hers, in the side-by-side


def test_a_defanged_value_reads_as_threat_intel_writes_it() -> None:
    text = _notice_with(BARE["url"])
    assert "visit hxxps[://]evil[.]example/login now" in text
    assert "hxxps[://]evil[.]example/x[.]png" in text  # an evidence source off the platform's site


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("https://evil.example/x", "hxxps[://]evil[.]example/x"),
        ("HTTP://EVIL.EXAMPLE", "hxxp[://]EVIL[.]EXAMPLE"),
        ("ftp://files.evil.example", "fxp[://]files[.]evil[.]example"),
        ("javascript://evil", "javascript[://]evil"),
        ("_https://x-https://", "_hxxps[://]x-hxxps[://]"),
        ("https://()", "hxxps[://]\\()"),  # no "[://]()" link
        ("www.evil.example/login", "www[.]evil[.]example/login"),
        ("verify@evil.example", "verify@evil[.]example"),
        ("192.0.2.7:8080/x", "192[.]0[.]2[.]7:8080/x"),
        ("_192.0.2.7_", "_192[.]0[.]2[.]7_"),
        ("x.com/evil", "x[.]com/evil"),
        ("مثال.مصر", "مثال[.]مصر"),  # an internationalised domain
        ("//localhost/x", "[//]localhost/x"),
        ("see //host.example/x", "see [//]host[.]example/x"),
        ("//192.0.2.7:8080", "[//]192[.]0[.]2[.]7:8080"),
        ("evil\uff0eexample", "evil[\uff0e]example"),  # kept as typed, bracketed
        ("evil\u3002example", "evil[\u3002]example"),
        ("evil\uff61example", "evil[\uff61]example"),
        ("hxxps://www\uff0eevil\u3002example/x", "hxxps[://]www[\uff0e]evil[\u3002]example/x"),
        ("192\u30020\uff0e2\uff617", "192[\u3002]0[\uff0e]2[\uff61]7"),
        ("\u3002192.0.2.7", "\u3002192[.]0[.]2[.]7"),  # found by a longer run: an address after a full stop
        # Found by longer runs too: what linkify-it takes for a host's letter, a symbol included.
        ("//`.https://", "[//]`[.]hxxps[://]"),
        ("x`.example and \u20ac.example", "x`[.]example and \u20ac[.]example"),
        ("//:@localhost", "[//]\\:@localhost"),
        # "[//](x)" would be a link, "[//]:" or "[://]:" at a line's start a reference definition.
        ("//(x) //: x", "[//]\\(x) [//]\\: x"),
        ("://: hala", "[://]\\: hala"),
        # What is no address stays as typed.
        ("name_similarity 0.97, version 2026.11.3", "name_similarity 0.97, version 2026.11.3"),
        ("Hala Ahed. Journalist.", "Hala Ahed. Journalist."),
        ("@hala_ahed", "@hala_ahed"),
        ("// a comment, and/or 3 // 4", "// a comment, and/or 3 // 4"),
        ("0\u300297 and 2026\uff0e11", "0\u300297 and 2026\uff0e11"),
        # A CJK sentence's full stop with no space after it ("好[。]谢" was the price paid before).
        ("她很好\u3002谢谢", "她很好\u3002谢谢"),
        ("ありがとう\u3002またね", "ありがとう\u3002またね"),
        ("ｱﾘｶﾞﾄｳ\u3002ﾏﾀﾈ", "ｱﾘｶﾞﾄｳ\u3002ﾏﾀﾈ"),  # half-width kana: KATAKANA once NFKC'd
        ("고마워\u3002안녕", "고마워\u3002안녕"),
        # Still a host's dot: a Latin letter on either side, or a dot NFKC makes "." ("．", "｡"),
        # or an ASCII dot, between CJK letters too.
        ("evil\u3002中国 and 例子\u3002com", "evil[\u3002]中国 and 例子[\u3002]com"),
        ("例子\uff0e中国 例子\uff61中国 例子.中国", "例子[\uff0e]中国 例子[\uff61]中国 例子[.]中国"),
        ("见www\u3002evil\u3002example\u3002谢谢", "见www[\u3002]evil[\u3002]example[\u3002]谢谢"),
    ],
)
def test_defang(value: str, shown: str) -> None:
    assert defang(value) == shown


@pytest.mark.parametrize(
    ("note", "lines"),
    [
        ("# Verify", ["\\# Verify"]),
        ("> quote\n  - item\n+ item\n* item", ["\\> quote", "\\- item", "\\+ item", "\\* item"]),
        ("1. one\n12) twelve", ["1\\. one", "12\\) twelve"]),
        ("```\n~~~\n    code", ["\\```", "\\~~~", "code"]),
        ("Title\n===\n---\n___\n| a |", ["Title", "\\===", "\\---", "\\___", "\\| a |"]),
        ("2026 was hard\n\n  she is safe", ["2026 was hard", "she is safe"]),
        ("#FreeHala\n2.5 km away\n2026. Safe", ["#FreeHala", "2.5 km away", "2026\\. Safe"]),
        (":-- | --\n###### six", ["\\:-- | --", "\\###### six"]),
    ],
)
def test_a_note_line_starts_no_block(note: str, lines: list[str]) -> None:
    assert plain_lines(note) == lines


# Pieces of addresses and of Markdown, put together by hypothesis (derandomized: the same values
# every run). Longer runs (700 examples) found "_https://…", "_192.0.2.7_" and "https://()" linked.
PIECES = [
    *("https://", "HTTP://", "ftp://", "www.", "evil", ".", "example", "@", "/", "x.com", "192.0.2.7", "。"),
    *("//", "localhost", "\uff0e", "\uff61", "\u20ac"),
    *(" ", "\n", "    ", "#", ">", "-", "+", "*", "1", ")", "`", "~", "=", "_", "|", ":", "a"),
    *("[", "]", "(", "<", "!", "&", "\\", "\u202e", "\u200b"),
]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=25).map("".join))
def test_no_mix_of_addresses_and_markdown_becomes_a_link_or_block(value: str) -> None:
    harmless = "\n".join("a" * len(line) for line in value.split("\n"))
    for md in renderers():
        html, baseline = md.render(_notice_with(value)), md.render(_notice_with(harmless))
        assert _structure(html) == _structure(baseline) and _hrefs(html) == _hrefs(baseline), value


@pytest.mark.parametrize("space", [" ", "\u00a0", "\u3000", "\u2003"])
def test_an_address_after_a_space_in_a_platform_url_is_no_link(space: str) -> None:
    """A case kept from before spaces were refused in its URLs: "https://x.com/ha1a_ahed?ref=
    https://evil.example/verify" is on X's own site and names the suspect's handle, so it was
    written as a working link, and the address after the space with it."""
    case, _ = sample_case(Platform.X)
    url = f"https://x.com/ha1a_ahed?ref={space}https://evil.example/verify"
    case.suspect = case.suspect.model_copy(update={"profile_url": url})
    case.evidence = [item.model_copy(update={"source_url": url}) for item in case.evidence]
    text = build_ticket(case, Platform.X, "en", None).text
    assert "evil.example" not in text and "hxxps[://]evil[.]example/verify" in text
    for md in renderers():
        assert not [href for href in _hrefs(md.render(text)) if "evil" in href], md.options


def _separators() -> list[str]:
    """Every printable ASCII character, and the punctuation, symbols and spaces of the BMP up to
    CJK and of the half- and full-width forms: what could end a link before a second address."""
    ranges = [range(0x21, 0x7F), range(0xA0, 0x3100), range(0xFE10, 0xFF66)]
    kinds = ("P", "S", "Z", "Cf")  # Cf: a zero-width space or a bidi control, written <U+200B> in a value
    found = [chr(c) for r in ranges for c in r if c < 0x7F or unicodedata.category(chr(c)).startswith(kinds)]
    return [*found, "\ufeff", "\ue000", "\U000e0041"]


def test_no_character_in_a_platform_url_starts_a_link_of_its_own() -> None:
    """A URL on the platform's own site naming the suspect is written as a working link; a '"', a
    "(", a "{" or a full-width "｜" in it ended the link there for linkify-it, and the address after
    it ("https://x.com/ha1a_ahed?q=(https://evil.example/x") was a working link of its own. Now
    every character outside RFC 3986's (and "(", ")") is percent-encoded: one link, to X. A URL
    with a character no address holds (a zero-width space) is no working link at all: the mark
    "<U+200B>" would end the link before the second address."""
    gfm = renderers()[1]
    case, _ = sample_case(Platform.X)
    linked = []
    for sep in _separators():
        url = f"https://x.com/ha1a_ahed?q={sep}https://evil.example/x"
        shown = case.model_copy(update={"suspect": case.suspect.model_copy(update={"profile_url": url})})
        hrefs = _hrefs(gfm.render(build_ticket(shown, Platform.X, "en", None).text))
        if [href for href in hrefs if "evil" in href and not href.startswith("https://x.com/ha1a_ahed?q=")]:
            linked.append(f"U+{ord(sep):04X}")
    assert linked == []
    # Still the same address: what a browser sends for it.
    text = _notice_with(BARE["url"])
    assert "- URL: https://x.com/ha1a_ahed\n" in text


def test_marks_that_draw_nothing_show_and_emoji_sequences_stay_whole() -> None:
    """A combining grapheme joiner or a variation selector inside a name draws nothing (the name
    reads as another's); an emoji's ZWJ sequence and its presentation selector draw the emoji and
    stay as typed, as ``name.deceptive_characters`` reads them (heuristics.text.hidden_characters)."""
    case, _ = sample_case(Platform.X)
    name = "Ha\u034fla Ahed\ufe00 \U0001f3f3\ufe0f\u200d\U0001f308 \u2764\ufe0f"
    case.suspect = case.suspect.model_copy(update={"display_name": name})
    text = build_ticket(case, Platform.X, "en", None).text
    assert "Ha<U+034F>la Ahed<U+FE00> \U0001f3f3\ufe0f\u200d\U0001f308 \u2764\ufe0f" in text
