"""The console as a reporter who crafts the profile a report names sees it: every response carries
a policy that runs no script, every state-changing form needs the CSRF token, a sign-in's ``next``
never leaves the console, and a reported profile's text never becomes markup, a link or an
attribute of the trainer's page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from server.console.blueprint import CONSOLE_CSP
from tests.console.conftest import page_token

API_KEY = {"Authorization": "Bearer test-bootstrap-key"}
ID = "0123456789abcdef"
# A value for each kind of URL variable, so that every console route can be called.
ARGUMENTS = {"code": "en", "bank": "ngo-1", "kind": "ticket", "decision": "confirm", "state": "close"}
# Elements and attributes that would run a script, load something, or take the page elsewhere.
ACTIVE_TAGS = {"script", "iframe", "object", "embed", "base", "frame", "svg", "math", "meta", "link", "style"}
# Where a console page's links, images and forms may lead: the console, its stylesheet, an
# in-page anchor, the empty icon, a photo the trainer uploaded (the bank preview).
OWN = ("/console", "/static/", "#", "data:,", "data:image/")


class _Markup(HTMLParser):
    """Every element of a page, with its attributes, as a browser's parser reads them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, attrs))


def active_markup(page: str) -> list[str]:
    """What in ``page`` would run, load or lead elsewhere (none of a console page's own does)."""
    parser = _Markup()
    parser.feed(page)
    found = []
    for tag, attrs in parser.elements:
        if tag in ACTIVE_TAGS and not (tag in {"meta", "link"} and _own_head(attrs)):
            found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or name in {"srcdoc", "formaction", "style", "background"}:
                found.append(f"{tag} {name}")
            if name in {"href", "src", "action"} and not (value or "").startswith(OWN):
                found.append(f"{tag} {name}={value}")
    return found


def _own_head(attrs: list[tuple[str, str | None]]) -> bool:
    """base.html's own <meta> and <link> elements."""
    values = dict(attrs)
    if "charset" in values or values.get("name") in {"viewport", "referrer"}:
        return True
    return values.get("rel") in {"icon", "stylesheet"} and (values.get("href") or "").startswith(OWN)


def _console_rules(app: Flask, method: str) -> list[tuple[str, str]]:
    rules = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("console.") or method not in (rule.methods or ()):
            continue
        values = {name: ARGUMENTS.get(name, ID) for name in rule.arguments}
        rules.append((rule.endpoint, rule.build(values, append_unknown=False)[1]))  # type: ignore[index]
    assert len(rules) > 5
    return rules


def _runs_no_script(policy: str) -> bool:
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    script = directives.get("script-src", directives.get("default-src"))
    return script == ["'none'"] and directives.get("frame-ancestors") == ["'none'"]


@pytest.mark.parametrize("who", ["anonymous", "maintainer"])
def test_every_console_response_carries_a_policy_that_runs_no_script(
    console_app: Flask, request: pytest.FixtureRequest, who: str
) -> None:
    """Pages, redirects, error pages (404, 405, a refused CSRF token) alike."""
    client: FlaskClient = request.getfixturevalue(who)
    responses: list[tuple[str, Any]] = [(path, client.get(path)) for _, path in _console_rules(console_app, "GET")]
    responses += [(path, client.post(path, data={})) for _, path in _console_rules(console_app, "POST")]
    responses += [("/console/no-such-page", client.get("/console/no-such-page"))]
    responses += [("/console/logout (GET)", client.get("/console/logout"))]
    for path, response in responses:
        policy = response.headers.get("Content-Security-Policy", "")
        assert _runs_no_script(policy), (path, response.status_code, policy)
        assert response.headers.get("X-Content-Type-Options") == "nosniff", path
        if response.mimetype == "text/html":
            assert policy == CONSOLE_CSP or response.status_code == 404, (path, policy)
            assert active_markup(response.get_data(as_text=True)) == [], path


def test_every_state_changing_form_needs_the_csrf_token(console_app: Flask, maintainer: FlaskClient) -> None:
    """Every POST under /console, without the token: refused (400) before its view runs — signed
    in, so a missing role or a missing record cannot be what refused it."""
    for endpoint, path in _console_rules(console_app, "POST"):
        response = maintainer.post(path, data={"bank": "ngo-1", "note": "x", "text": "x"})
        assert response.status_code == 400, (endpoint, response.status_code)
        assert "csrf" in response.get_data(as_text=True).lower() or "session" in response.get_data(as_text=True)
    # And with a token of another session (a page of the attacker's own account).
    token = page_token(maintainer, "/console/banks")
    other = console_app.test_client()
    other.environ_base["HTTP_REFERER"] = "https://localhost/console/"
    assert other.post("https://localhost/console/logout", data={"csrf_token": token}).status_code == 400


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/console",
        "//evil.example/console",
        "/\\evil.example",
        "/console\\@evil.example",
        "\\\\evil.example/console",
        "/console/\r\nLocation: https://evil.example",
        "/console/\u2028//evil.example",
        "javascript:alert(1)//console",
        "https:/console",
        "/ /evil.example",
        " /console",
        "/console@evil.example",  # stays here: a path, no host
    ],
)
def test_a_sign_in_never_sends_the_browser_elsewhere(anonymous: FlaskClient, accounts: Any, target: str) -> None:
    token = page_token(anonymous, "/console/login")
    fields = {"username": "amal", "password": "correct horse battery staple", "csrf_token": token, "next": target}
    response = anonymous.post("/console/login", data=fields)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith("/console") and "\\" not in location and "//" not in location, location
    assert location in {"/console/", target}
    # The language links take a next as well.
    chosen = anonymous.get("/console/lang/fr", query_string={"next": target})
    assert chosen.headers["Location"] in {"/console/", target}


HOSTILE = {
    "display_name": 'Hala"><img src=x onerror=alert(1)> \u202eدهاع ةلاه',
    "handle": "hala_ahed",
    "bio": "<script>alert(1)</script> [x](javascript:alert(1)) \u2066evil\u2069 {0} {name} %s",
    "profile_url": "https://x.com/hala_ahed",
}


def test_a_crafted_profile_never_becomes_markup_on_the_trainers_pages(
    trainer: FlaskClient, client: FlaskClient
) -> None:
    """A report whose display name and bio hold markup, a bidi override, isolates and format
    placeholders: the queue, the report's page and the case form show text, escaped and marked,
    with no element, attribute, link or placeholder filled from it."""
    report = {"platform": "x", "profile": HOSTILE, "reason": "impersonation", "note": '"><a href="//evil">x</a>'}
    filed = client.post("/v1/reports", json=report)
    assert filed.status_code in {200, 201, 202}, filed.get_json()
    report_id = filed.get_json()["id"]
    pages = {
        "queue": trainer.get("/console/reports"),
        "detail": trainer.get(f"/console/reports/{report_id}"),
    }
    assert client.post(f"/v1/reports/{report_id}/confirm", json={}, headers=API_KEY).status_code == 200
    pages["case form"] = trainer.get(f"/console/cases/new?report={report_id}")
    for name, response in pages.items():
        assert response.status_code == 200, name
        page = response.get_data(as_text=True)
        assert active_markup(page) == [], name
        assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page, name
        # Outside form fields (which hold the exact value, shown marked under them) no override works.
        shown = re.sub(r"<input[^>]*>|<textarea[^>]*>[^<]*</textarea>", "", page)
        assert "\u202e" not in shown and "\u2066" not in shown, name
    detail = pages["detail"].get_data(as_text=True)
    assert "{0} {name} %s" in detail and "&lt;script&gt;alert(1)&lt;/script&gt;" in detail
