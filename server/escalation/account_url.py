"""Whether a profile URL is the address of the account a report or a case names.

A report is written by whoever files it, and the adversary files reports. Its ``profile_url``
is what a trainer opens to look at the account and what a case built from it puts in the
takedown notice, the MISP and the STIX exports. Three ways a crafted URL sends the trainer, and
then the platform, to another account than the one the report is about:

- another site that reads as the platform: ``https://x.com.evil.example/hala_ahed``,
  ``https://x.com@evil.example/…`` (userinfo), ``https://xn--…`` look-alike hosts;
- the platform, but another account: the report names the clone ``@ha1a_ahed`` (so genuine
  reports of the clone merge into it) while its URL is ``https://x.com/hala_ahed``, the woman
  the clone impersonates — a trainer who opens the URL sees a genuine profile, and a case opened
  from the report would ask X to take down *her* account;
- an account id in the URL (Facebook's ``profile.php?id=``, ``/people/<name>/<id>``, X's
  ``/i/user/<id>``) other than the report's ``account_id``, or an id where the report gives a
  handle and no id to compare it with;
- no account at all, a page that opens one named in its query (``x.com/intent/user?screen_name=``,
  ``t.me/s/<channel>``).

The URL is read as a browser reads it (:func:`as_browser_reads`, the WHATWG URL standard), not as
``urllib.parse`` does: a backslash is a slash in an http(s) address, so
``https://evil.example\\.x.com/`` is ``evil.example`` (a host ending in ``.x.com`` to urllib), and
``..`` segments, percent-encoded too, are resolved, so ``https://x.com/ha1a_ahed/../hala_ahed``
opens her account (``tests/security/test_redteam_reports_urls.py``).

The extension builds ``profile_url`` from the handle (or the Facebook id) it read on the page, on
the platform's own host, so a genuine report never disagrees with itself: such a report is
refused (422) when filed and a case is refused when opened (``server.services``).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import SplitResult, parse_qs, urlsplit, urlunsplit

from heuristics.platforms import handle_from_url
from heuristics.profile import Platform
from heuristics.signals.impersonation import handle_key
from heuristics.text import hidden_characters

# The hosts a platform's profile pages live on; a subdomain of one (www., m., mobile.) too.
PROFILE_HOSTS: dict[Platform, tuple[str, ...]] = {
    Platform.X: ("x.com", "twitter.com"),
    Platform.INSTAGRAM: ("instagram.com",),
    Platform.FACEBOOK: ("facebook.com", "fb.com"),
    # telegram.dog: Telegram's own mirror of t.me, which the extension reads as t.me.
    Platform.TELEGRAM: ("t.me", "telegram.me", "telegram.dog"),
}

# What a handle on the four platforms is made of (X and Telegram: letters, digits, _; Instagram
# adds the dot; Facebook vanity names the dot, and older pages' names the hyphen). A suspect
# whose handle holds anything else — a Cyrillic "а", a U+202E — names no account there: a notice
# about "x.com/hаla_ahed" reads, to the platform's reviewer, as the woman's own "hala_ahed".
HANDLE = re.compile(r"^@?[A-Za-z0-9._-]{1,100}$")

# Why a URL is not the named account's address (a ``reason`` the console translates).
PROBLEMS = {
    "url_not_web": "must be an http(s) URL",
    "url_userinfo": "must not carry a user name or password before the host (https://name@host/)",
    "url_other_site": "is not on the platform's own site ({hosts})",
    "url_other_account": "names another account than the handle or account id sent with it",
    "handle_not_platform": "holds characters no handle on the platform has (ASCII letters, digits, . _ - only)",
    "url_hidden_characters": "holds a space or a character that hides or reorders text",
    "url_no_account": "names no account (a profile's address: the platform's host, then the handle or the id form)",
}

# The platforms' own redirectors (link shims): on their site, they send the browser to the
# address in their query ("l.facebook.com/l.php?u=https://evil.example"). No profile's address.
_REDIRECTOR_HOSTS = {"l.facebook.com", "lm.facebook.com", "l.instagram.com"}
_REDIRECTOR_PATHS = {"l.php"}

# Path segments a browser removes or climbs with (WHATWG URL: "." and "..", their dots also
# percent-encoded, in any case).
_SINGLE_DOT = {".", "%2e"}
_DOUBLE_DOT = {"..", ".%2e", "%2e.", "%2e%2e"}


def hidden_in_url(url: str) -> bool:
    """Whether ``url`` holds a character that hides or reorders text (a bidi override, isolate or
    mark, a zero-width character, a blank-looking letter), a control or line separator, or a
    private-use or unassigned one. No address has one as is: RFC 3987 (4.1) forbids the bidi
    controls in an IRI, and a browser percent-encodes them (and the others) in what it sends and
    copies. Typed or pasted from a report, one makes an address read as another:
    "https://x.com/<U+202E>moc.live//:sptth" reads "https://x.com/https://evil.com" (its text after the
    override shown right to left), and a U+2066 isolate moves a handle away from its host."""
    if url.isascii() and url.isprintable():
        return False
    # Drawn as nothing (a bidi control, a zero-width or blank-looking character, a grapheme
    # joiner, a variation selector), less a joiner inside an Arabic-script word: its spelling
    # (Persian), as the notice keeps it.
    if hidden_characters(url):
        return True
    return any(unicodedata.category(ch) in {"Cc", "Zl", "Zp", "Co", "Cn", "Cs"} for ch in url)


def hides_another_address(url: str) -> bool:
    """Whether ``url`` may read as another address than it is: a character that hides or reorders
    text (:func:`hidden_in_url`), or a space of any kind — no address holds one (a browser sends
    and copies %20), and after one a second address ("https://x.com/ha1a_ahed?ref=
    https://evil.example") is linked by tools on its own. Reports, cases, evidence and the notice
    ask this one."""
    return hidden_in_url(url) or any(ch.isspace() for ch in url)


def on_platform_host(host: str, platform: Platform) -> bool:
    """``host`` is one of ``platform``'s profile hosts or a subdomain of one (``other``: any)."""
    bases = PROFILE_HOSTS.get(platform)
    if bases is None:
        return True
    host = host.lower().rstrip(".")
    return any(host == base or host.endswith("." + base) for base in bases)


def as_browser_reads(url: str) -> str:
    """``url`` as a browser opens it, for what :func:`url_problem` reads (host, path): before the
    query, a backslash is a slash (WHATWG URL, for http(s)), and the path's ``.`` and ``..``
    segments — ``%2e`` a dot as well — are resolved. ``urllib.parse`` does neither."""
    cut = min((at for at in (url.find("?"), url.find("#")) if at >= 0), default=len(url))
    head, tail = url[:cut], url[cut:]
    if head.lower().startswith(("http:", "https:")):
        head = head.replace("\\", "/")
    try:
        parts = urlsplit(head + tail)
    except ValueError:
        return url
    if not parts.path:
        return head + tail
    segments = parts.path.split("/")[1:]
    kept: list[str] = []
    for at, segment in enumerate(segments):
        last = at == len(segments) - 1
        if segment.lower() in _DOUBLE_DOT:
            if kept:
                kept.pop()
        elif segment.lower() not in _SINGLE_DOT:
            kept.append(segment)
            continue
        if last:
            kept.append("")  # "/a/.." is "/", a directory
    return urlunsplit(parts._replace(path="/" + "/".join(kept)))


def url_problem(
    url: str | None,
    platform: Platform,
    handle: str | None = None,
    account_id: str | None = None,
    names_account: bool = False,
) -> str | None:
    """Why ``url`` is not the address of the account (``handle``, ``account_id``) on
    ``platform`` — a key of :data:`PROBLEMS` — or None when it may be. ``names_account``: the
    URL is a profile's (a report's, a case's side), so on the four platforms it must name an
    account by its handle or id, and by its handle when it is given without an id (an id alone
    could be any account's)."""
    if not url:
        return None
    # Before anything is read from it: what the URL reads as is not what it is (a U+202E), or a
    # second address hides after a space ("https://x.com/ha1a_ahed?ref= https://evil.example").
    if hides_another_address(url.strip()):
        return "url_hidden_characters"
    url = as_browser_reads(url.strip())
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return "url_not_web"
    if parts.scheme.lower() not in {"http", "https"} or not host:
        return "url_not_web"
    if "@" in parts.netloc:
        return "url_userinfo"
    if not on_platform_host(host, platform):
        return "url_other_site"
    if platform is Platform.OTHER:
        return None  # another site's paths say nothing we can read
    named = handle_from_url(url)
    if names_account and (host.lower().rstrip(".") in _REDIRECTOR_HOSTS or (named or "").lower() in _REDIRECTOR_PATHS):
        return "url_other_site"  # a link shim: it leads to the address in its query
    ids = _ids_named(parts, platform)
    if named and handle and handle_key(named, platform) != handle_key(handle, platform):
        return "url_other_account"
    if account_id and any(named_id != account_id for named_id in ids):
        return "url_other_account"
    if names_account and not named and not ids:
        return "url_no_account"  # x.com/intent/user?screen_name=…, t.me/s/<channel>: any account
    if names_account and not named and handle and not account_id:
        return "url_other_account"  # x.com/i/user/<id>: nothing says the id is the handle's
    return None


def _ids_named(parts: SplitResult, platform: Platform) -> list[str]:
    """The account ids a profile URL names: Facebook's ``profile.php?id=`` and
    ``/people/<name>/<id>``, X's ``/i/user/<id>``."""
    segments = [segment for segment in parts.path.split("/") if segment]
    if platform is Platform.FACEBOOK:
        ids = parse_qs(parts.query).get("id", []) if segments[:1] == ["profile.php"] else []
        if len(segments) >= 3 and segments[0] == "people":
            ids.append(segments[2])
        return ids
    if platform is Platform.X and len(segments) >= 3 and segments[:2] == ["i", "user"]:
        return [segments[2]]
    return []


def handle_problem(handle: str | None, platform: Platform) -> str | None:
    """``handle_not_platform`` when ``handle`` could not be a handle on ``platform`` (one of the
    four; a URL's handle: :func:`handle_from_url`); else None."""
    if platform not in PROFILE_HOSTS or not handle or HANDLE.fullmatch(handle):
        return None
    return "handle_not_platform"


def problem_text(problem: str, platform: Platform) -> str:
    """The English explanation of ``problem`` for ``platform`` (the API's message)."""
    hosts = ", ".join(PROFILE_HOSTS.get(platform, ()))
    return PROBLEMS[problem].format(hosts=hosts)
