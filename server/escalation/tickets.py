"""A takedown notice for one platform, in Arabic, English or French.

Every notice carries the four elements of an EU DSA Art. 16(2) notice — (a) a substantiated
explanation, (b) the exact URL, (c) the notifier's name and e-mail, (d) a good-faith statement —,
the original and the impersonator side by side (name, URL, creation date: what helplines ask
for), the platform's policy points the case meets or does not meet yet, and where to file it.
Only shareable facts go in: no trainer, no private note, evidence by hash under neutral names.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from urllib.parse import quote, urlsplit

from heuristics.images import AvatarFingerprint
from heuristics.profile import Platform
from heuristics.text import hidden_characters, script_of
from server.escalation.account_url import as_browser_reads, hides_another_address, url_problem
from server.escalation.identity import Element, copied_elements
from server.escalation.model import Case, Notifier
from server.escalation.platforms import PlatformProcedure, procedure
from server.escalation.redact import shareable

LOCALES = ("ar", "en", "fr")
SECTIONS = ("location", "pair", "reasons", "policy", "evidence", "notifier", "good_faith", "filing")
# The sections that carry the DSA Art. 16(2) elements (a)–(d).
DSA_SECTIONS = {"a": "reasons", "b": "location", "c": "notifier", "d": "good_faith"}
Translate = Callable[..., str]


@cache
def strings(locale: str) -> dict[str, str]:
    text = resources.files(__package__).joinpath("strings", f"{locale}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def text_for(key: str, locale: str, **values: object) -> str:
    template = strings(locale).get(key) or strings("en").get(key) or key
    return template.format(**values) if values else template


@dataclass
class Ticket:
    platform: Platform
    locale: str
    header: list[str]
    sections: dict[str, list[str]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        lines = list(self.header)
        for key in SECTIONS:
            lines.append("")
            lines.extend(self.sections[key])
        return "\n".join(lines) + "\n"


def one_line(value: object) -> str:
    """A value of the case inside one line of the notice. Profile fields come from whoever filed
    the report or typed the case: a line break in a display name would add lines of its own to
    the notice (a second notifier, a claim), and a right-to-left override or a zero-width
    character would make the suspect's URL read as another account's to the platform's reviewer.
    Breaks and controls become spaces; characters that hide or rearrange text, and private-use
    or unassigned ones (a font draws them as anything, or nothing), ``<U+202E>``."""
    text = str(value)
    if text.isascii() and text.isprintable():
        return text
    out = []
    hidden = set(hidden_characters(text))
    for index, ch in enumerate(text):
        category = unicodedata.category(ch)
        if category in {"Cc", "Zl", "Zp"}:
            out.append(" ")
        elif index in hidden or category in {"Co", "Cn", "Cs"}:
            out.append(f"<U+{ord(ch):04X}>")
        else:
            out.append(ch)
    return "".join(out)


# The notice is plain text, but it is pasted into platforms' forms and ticket tools and mailed,
# and many of those render Markdown or HTML: a case value must stay the text it is there too. A
# backslash before ASCII punctuation is CommonMark's own escape (shown as the character alone):
# before "[" and "]" no link, image or reference; before "<" no HTML tag nor <autolink>; before
# "&" no character reference (``&#x202E;`` would be the override one_line shows by code point);
# before "\\" no escape of the value's own undoing one of these.
_MARKUP = str.maketrans({ch: "\\" + ch for ch in "\\[]<>&"})
# In a URL these characters are percent-encoded instead (``plain_url``), so the URL stays one to
# copy and open; "&" only where it starts a character reference (a query's "&" stays).
_REFERENCE = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")


# Tools that link bare URLs (GitHub-flavoured Markdown, Jira, Zendesk, mail clients) make a link
# of "https://…", "www.…", a bare domain or e-mail address, or an IP address in a value, with no
# markup at all. Such a value is written as threat-intelligence reports write an address nobody
# should open ("defanged"): ``hxxps[://]evil[.]example/x``. Every "://" and every dot that
# joins a word to a following letter (a host name's, an e-mail's domain, "x.com/evil" in a path)
# or one of an IPv4 address's become bracketed; a number's dot ("0.97") stays. The brackets
# inserted here are the only unescaped ones of a value; a "[" or "(" after them is escaped (a
# value's "[" always is; a dot's are followed by a letter or digit), so no renderer reads them as
# a link. ioc-fanger (PyPI) defangs in three regular expressions, but misses an upper-case
# "HTTPS:" and other schemes, writes every "@" as "(at)" and brings a command line (click) along.
#
# A host name's dot may also be written as a full-width "．" (U+FF0E), an ideographic "。"
# (U+3002) or a half-width ideographic "｡" (U+FF61): IDNA (UTS #46) maps all three to ".", so a
# browser's address bar and the mail clients and ticket tools that follow it open "evil。example"
# as evil.example. They are bracketed as a dot is, and kept as typed ("evil[。]example": how the
# clone wrote it is evidence). Except an ideographic "。" between two CJK letters (Han, kana,
# Hangul): that is where a Chinese or Japanese sentence ends with no space after it ("好。谢"),
# and bracketing it put "[。]" in every such note. The price: a host spelled all in CJK letters,
# "例子。中国", stays as typed. No tool tested links it (linkify-it-py with every TLD links neither
# it nor "例子.中国"; it links only ASCII dots), and unlike "．" and "｡" (left bracketed everywhere)
# NFKC does not turn "。" into "." for a tool that normalises first. A scheme-relative address
# ("//localhost/x", a page's own "//host/x") is linked by linkify-it and by browsers without any
# scheme to defang; its "//" is bracketed when a host could follow it ("[//]localhost/x"), unless
# it is a scheme's own, already "[://]". No inserted "]" is followed by an unescaped "(", "[" or
# ":", which would make a link of it (a value's own "[" is escaped, and "(" and ":" after these are).
_SCHEME = re.compile(r"(?i)(?<![a-z])(?:https?|ftps?)(?=://)")
_SCHEMES = {"http": "hxxp", "https": "hxxps", "ftp": "fxp", "ftps": "fxps"}
_DOTS = ".\uff0e\u3002\uff61"
# Its ends as before, with "." only: a dot of another kind next to an address is not part of it
# ("。192.0.2.7" is an address after a full stop, and is defanged as one).
_IPV4 = re.compile(rf"(?<![\d.])\d{{1,3}}(?:[{_DOTS}]\d{{1,3}}){{3}}(?!\d|\.\d)")
_IPV4_DOT = re.compile(rf"([{_DOTS}])")
# Before the dot, what linkify-it takes for a letter of a host name: anything but a space and
# punctuation; so a symbol too ("x`.example", "€.example", "🙂.example" were linked).
_DOT = re.compile(rf"(?<=[^\s!\"#%&'()*,\-./:;?@\[\\\]{{}}{_DOTS[1:]}])([{_DOTS}])(?=[^\W\d_])")
# After the slashes, whatever could start a host or its user ("//`x", "//:@localhost" too).
_SCHEME_RELATIVE = re.compile(r"(?<!:)//(?=[^\s/])")
# Scripts whose sentences end with "。" and go on with no space (script_of's first word).
_CJK_SCRIPTS = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC"})
# What after an inserted "]" would make a link of the brackets: "[//](…)" a link, "[://]:…" at a
# line's start a link reference definition (and the line would vanish). Escaped, as CommonMark does.
_AFTER_BRACKETS = re.compile(r"(\[:?//\])([(:])")
# What a simple e-mail address is: the notifier's, left as typed so the platform can answer it.
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")


def defang(text: str) -> str:
    """``text`` with every address in it written so that no tool links it (see above)."""
    text = _SCHEME.sub(lambda m: _SCHEMES[m[0].lower()], text).replace("://", "[://]")
    text = _SCHEME_RELATIVE.sub("[//]", text)
    text = _AFTER_BRACKETS.sub(r"\1\\\2", text)  # "[://]()" would be a link (to nowhere, but a link)
    text = _IPV4.sub(lambda m: _IPV4_DOT.sub(r"[\1]", m[0]), text)
    return _DOT.sub(_bracketed_dot, text)


def _bracketed_dot(match: re.Match[str]) -> str:
    """A dot :data:`_DOT` found, bracketed, unless it is a "。" ending a CJK sentence (see above)."""
    dot, text = match[1], match.string
    before, after = script_of(text[match.start() - 1]), script_of(text[match.end()])
    if dot == "\u3002" and before in _CJK_SCRIPTS and after in _CJK_SCRIPTS:
        return dot
    return f"[{dot}]"


def plain(value: object) -> str:
    """A case value as the notice writes it: shown as text by a renderer, addresses in it
    :func:`defang`-ed, then :func:`one_line` (whose ``<U+202E>`` is no tag nor autolink to a
    renderer: "+" ends neither; the same typed by the value itself is escaped, so the two never
    look alike)."""
    return one_line(defang(str(value).translate(_MARKUP)))


# What makes a line a block (CommonMark and GitHub's tables) when it starts with it: "#" and a
# space heading, ">" quote, "-", "+", "*" list or break, "=" and "-" heading underline, "_" break,
# "```" and "~~~" code, "|" and ":" table row, "1." and "1)" and a space numbered list; and four
# spaces' indent, code. A "#hashtag" or "2.5 km" starts none, and is left as typed.
_BLOCK_START = re.compile(r"^(?:#{1,6}(?=\s|$)|[>+*=_~`|:-]|\d{1,9}(?=[.)](?:\s|$)))")


def plain_lines(value: object) -> list[str]:
    """A multi-line case value (a note) as the notice writes it: each non-blank line :func:`plain`,
    its indent dropped and the character that would start a block there escaped (CommonMark's
    backslash; after a number, the "." or ")")."""
    lines = []
    for line in str(value).splitlines():
        shown = plain(line).lstrip()
        if shown:
            start = _BLOCK_START.match(shown)
            if start:
                at = start.end() if start[0][0].isdigit() else 0
                shown = shown[:at] + "\\" + shown[at:]
            lines.append(shown)
    return lines


# What a URL written as a working link keeps as typed: RFC 3986's unreserved and reserved
# characters (and "%", so an escape stays one), but for "[", "]", "(" and ")". Every other one is
# percent-encoded, as a browser does in what it sends: a renderer then reads the URL as one link,
# and the same address. Kept, '"', "(", ")", "{", "}" or a full-width "｜" ended the link there,
# and an address after it ("https://x.com/ha1a_ahed?q=(https://evil.example/x") became a working
# link of its own (the renderers of tests/escalation/test_notice_markup.py, linkify-it's among them).
_URL_KEPT = "-._~:/?#@!$&'*+,;=%"


def plain_url(value: object) -> str:
    """A case URL as the notice writes it: no markup, still the same address, one link.

    ``&`` becomes ``%26`` where it would start a character reference (``&#x202E;``); every
    character but :data:`_URL_KEPT`'s and ASCII letters and digits is percent-encoded (UTF-8)."""
    return one_line(quote(_REFERENCE.sub("%26", str(value)), safe=_URL_KEPT))


def account_url(value: object, platform: Platform) -> str:
    """A URL of the case: a working link (:func:`plain_url`) when it is an address on the
    platform's own site (the account's, a post of it), else a value like the others
    (:func:`plain`, defanged): a report can name any URL as evidence's source."""
    text = str(value)
    # No space, even at an end (url_problem trims them), and none of the characters no address
    # holds (refused when a case opens since): after a space, what follows is another address a
    # tool links on its own ("https://x.com/ha1a_ahed?ref= https://evil.example/verify" put a
    # working link to evil.example in the notice's location line), and a hidden character,
    # percent-encoded, would hide in the link. Such a value is defanged as any other. Its host as
    # typed, ASCII: percent-encoding (plain_url) would make another host of it.
    # And read by a browser as written: "x.com/ha1a_ahed/../hala_ahed" (a case kept from before
    # such URLs were refused) is on X's site and opens her account.
    readable = as_browser_reads(text.strip()) == text.strip()
    if url_problem(text, platform) is None and not hides_another_address(text) and _ascii_host(text) and readable:
        return plain_url(value)
    return plain(value)


def _ascii_host(url: str) -> bool:
    try:
        return urlsplit(url.strip()).netloc.isascii()
    except ValueError:
        return False


def plain_email(value: str) -> str:
    """The notifier's e-mail: as typed when it is a plain address (the platform answers it)."""
    return value if _EMAIL.fullmatch(value) else plain(value)


def _date(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")


def _time(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S")


def build_ticket(case: Case, platform: Platform, locale: str, notifier: Notifier | None) -> Ticket:
    """The notice for ``platform`` (any of the four, or ``other`` for a generic DSA notice)."""
    if locale not in LOCALES:
        raise ValueError(f"unsupported locale {locale!r}")
    # The share copy: the notice leaves for the platform. From the stored case, its reasons wrote
    # the registry's id for a protected person ("protected_id=…") into every notice.
    case = shareable(case)
    rules = procedure(platform)

    def t(key: str, **values: object) -> str:
        return text_for(key, locale, **values)

    elements = copied_elements(case)
    header = [
        t("title"),
        t("subtitle", platform=rules.name),
        t("case", id=case.id, date=_date(case.updated_at)),
        t("dsa_note"),
    ]
    ticket = Ticket(platform, locale, header)
    ticket.sections["location"] = [t("section.location"), *_account_lines(case, t)]
    ticket.sections["pair"] = [t("section.pair"), *_pair_lines(case, t)]
    ticket.sections["reasons"] = [t("section.reasons"), *_reason_lines(case, elements, t)]
    ticket.sections["policy"] = [t("section.policy", platform=rules.name), *_policy_lines(case, rules, elements, t)]
    ticket.sections["evidence"] = [t("section.evidence"), *_evidence_lines(case, t)]
    ticket.sections["notifier"] = [
        t("section.notifier"),
        f"- {t('notifier.name')}: {plain(notifier.name) if notifier else t('notifier.missing')}",
        f"- {t('notifier.email')}: {plain_email(notifier.email) if notifier else t('notifier.missing')}",
    ]
    ticket.sections["good_faith"] = [t("section.good_faith"), t("good_faith")]
    ticket.sections["filing"] = [t("section.filing"), *_filing_lines(rules, t)]
    return ticket


def _account_lines(case: Case, t: Translate) -> list[str]:
    lines = [f"- {t('label.url')}: {account_url(case.suspect.profile_url, case.platform)}"]
    for label, value in (
        ("label.platform", case.platform.value),
        ("label.account_id", case.suspect.account_id),
        ("label.handle", case.suspect.handle),
        ("label.display_name", case.suspect.display_name),
    ):
        if value:
            lines.append(f"- {t(label)}: {plain(value)}")
    return lines


def _pair_lines(case: Case, t: Translate) -> list[str]:
    unknown = t("unknown")
    original, suspect = case.impersonated, case.suspect
    rows = [
        ("label.display_name", original.display_name, suspect.display_name),
        ("label.url", original.profile_url, suspect.profile_url),
        ("label.platform", original.platform.value, case.platform.value),
        (
            "label.handle",
            original.account_handle,
            suspect.account_handle,
        ),
        ("label.created", original.joined, suspect.joined),
        ("label.photo", None, _short_fingerprint(case.avatar_fingerprint())),
    ]
    lines = [f"  {t('pair.original')}  |  {t('pair.suspect')}"]
    for label, left, right in rows:
        if left is None and right is None and label in {"label.handle", "label.photo"}:
            continue
        if label == "label.url":
            left_text = account_url(left, original.platform) if left else unknown
            right_text = account_url(right, case.platform) if right else unknown
        else:
            left_text, right_text = (plain(side) if side else unknown for side in (left, right))
        lines.append(f"- {t(label)}: {left_text}  |  {right_text}")
    return lines


def _short_fingerprint(value: str | None) -> str | None:
    """The fingerprint's main 64-bit perceptual hash (the full form is in the MISP/STIX exports)."""
    if not value:
        return None
    try:
        return f"phash {AvatarFingerprint.from_hex(value).primary:016x}"
    except ValueError:
        return None


def _reason_lines(case: Case, elements: list[Element], t: Translate) -> list[str]:
    lines: list[str] = []
    if case.check is not None:
        lines.append(
            t(
                "findings.risk",
                level=t(f"level.{case.check.level}"),
                risk=case.check.risk,
                date=_date(case.check.checked_at),
                version=case.check.rules_version,
            )
        )
    for code in case.reasons:
        finding = case.finding(code)
        facts = ", ".join(
            f"{key}={plain(value)}"
            for key, value in sorted((finding.evidence if finding else {}).items())
            if isinstance(value, str | int | float) and not isinstance(value, bool)
        )
        lines.append(f"- {t('reason.' + code)} ({code}){': ' + facts if facts else ''}")
    if elements:
        names = ", ".join(f"{t('element.' + e.name)} [{e.evidence}]" for e in elements)
        lines.append(t("elements.copied", elements=names))
    else:
        lines.append(t("elements.none"))
    notes = case.public_notes()
    if notes:
        lines.append(t("notes.heading"))
        # A trainer's note may run over several lines: each stays indented under the heading.
        lines.extend(f"  {line}" for note in notes for line in plain_lines(note.text))
    return lines


def _policy_lines(case: Case, rules: PlatformProcedure, elements: list[Element], t: Translate) -> list[str]:
    names = ", ".join(t("element." + e.name) for e in elements) or "—"
    needed = max(rules.elements_needed, 1)
    met = len(elements) >= needed
    lines: list[str] = []
    for point in rules.points:
        if point in {"x_not_parody", "telegram_public"}:
            lines.append(f"{t('mark.confirm')} {t('point.' + point)}")
            continue
        state = "met" if met else "missing"
        name = plain(case.impersonated.display_name)
        text = t(f"point.{point}.{state}", elements=names, count=len(elements), name=name)
        lines.append(f"{t('mark.' + state)} {text}")
    if rules.policy_url:
        source = t("policy.source", url=rules.policy_url)
        lines.append(source if rules.policy_verified else f"{source} {t('unverified')}")
    if rules.checklist:
        lines.append(t("checklist.heading"))
        lines.extend(f"- {t('checklist.' + item)}" for item in rules.checklist)
    return lines


def _evidence_lines(case: Case, t: Translate) -> list[str]:
    if not case.evidence:
        return [t("evidence.none")]
    lines = []
    for item in case.evidence:
        line = f"- {item.neutral_name} · SHA-256 {item.sha256} · {_time(item.added_at)} UTC"
        if item.source_url:
            line += " · " + t("evidence.source", url=account_url(item.source_url, case.platform))
        lines.append(line)
    return lines


def _filing_lines(rules: PlatformProcedure, t: Translate) -> list[str]:
    lines = []
    for channel in rules.channels:
        line = "- " + t(f"channel.{channel.kind}", target=channel.target)
        lines.append(line if channel.verified else f"{line} {t('unverified')}")
    return lines
