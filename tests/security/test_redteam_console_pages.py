"""Red team: the console's pages (docs/console.md, "Security").

Adversaries: a page of another origin the trainer's browser has open (another host of the
organisation's own domain is the same *site*: the SameSite=Strict cookie goes with its requests),
a stolen trainer session posting what no page of ours sends, and the trainer's own records grown
as far as the registry allows. Every test talks to the real app and the real Redis of the
fixtures.
"""

from __future__ import annotations

import io
import random
import unicodedata
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import Markup, escape
from PIL import Image

import server.console.blueprint as blueprint
from heuristics.images import fingerprint_bytes
from heuristics.text import hidden_characters
from server.console.blueprint import CONSOLE_CSP, MAX_MARKS, reveal
from server.schemas import MAX_AVATARS, ProtectedCreate
from server.storage.audit import AuditLog
from server.storage.protected import ProtectedStore
from server.storage.users import UserStore
from tests.console.conftest import HttpsClient, page_token, signed_in_as

KEY = {"Authorization": "Bearer test-bootstrap-key"}
HALA = {"display_names": ["Hala Ahed"], "accounts": [{"platform": "x", "account_id": "42", "handle": "hala_ahed"}]}

# What a browser says of a request another origin's page made (Fetch Metadata): an image, a
# frame, a form posted there; and a link the trainer followed from there.
SIBLING_IMAGE = {"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}
SIBLING_FRAME = {"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "iframe"}
SIBLING_FETCH = {"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"}
CROSS_SITE_POST = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
LINK_FOLLOWED = {"Sec-Fetch-Site": "same-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
OWN_PAGE = {"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}


@pytest.fixture
def new_client(make_app: Callable[..., Flask]) -> Callable[[], FlaskClient]:
    """Browsers of one console over HTTPS (Secure cookies, as in production)."""
    app = make_app()
    app.test_client_class = HttpsClient

    def build() -> FlaskClient:
        browser = app.test_client()
        browser.environ_base["HTTP_REFERER"] = "https://localhost/console/"  # as the console's pages send it
        return browser

    return build


@pytest.fixture
def trainer(new_client: Callable[[], FlaskClient], accounts: UserStore) -> FlaskClient:
    return signed_in_as(new_client, "amal")


def _reads(redis_client: redis.Redis) -> list[tuple[str, str]]:
    return [(entry["actor"], entry["action"]) for entry in AuditLog(redis_client).recent()]


@pytest.mark.parametrize("made_by", [SIBLING_IMAGE, SIBLING_FRAME, SIBLING_FETCH], ids=["image", "frame", "fetch"])
def test_another_origins_page_cannot_make_the_trainers_browser_read_the_registry(
    trainer: FlaskClient, client: FlaskClient, redis_client: redis.Redis, made_by: dict[str, str]
) -> None:
    """``<img src="/console/protected">`` on a sibling host's page: the browser sends the Strict
    cookie (same site), and the page ran — a read of the registry in her name (audited as hers,
    counted against her allowance), unseen, as often as that page liked. Refused now before any
    view runs; the page she opens herself, or a link she follows, still works."""
    her_id = client.post("/v1/protected", json=HALA, headers=KEY).get_json()["id"]
    report = {"platform": "x", "reason": "impersonation", "profile": {"account_id": "42", "handle": "hala_ahed"}}
    report_id = client.post("/v1/reports", json=report).get_json()["id"]
    before = _reads(redis_client)
    for path in (
        "/console/protected",
        f"/console/protected/{her_id}/edit",
        "/console/reports",
        f"/console/reports/{report_id}",
    ):
        refused = trainer.get(path, headers=made_by)
        assert refused.status_code == 403, (path, refused.status_code)
        assert refused.headers["Content-Security-Policy"] == CONSOLE_CSP
        assert refused.headers["Cache-Control"] == "no-store"
        assert "Hala" not in refused.get_data(as_text=True)
    assert _reads(redis_client) == before  # nothing read, nothing written in her name
    # Posted from there (a form on the sibling page): refused before the CSRF check, as before it.
    assert trainer.post(f"/console/protected/{her_id}/delete", data={}, headers=CROSS_SITE_POST).status_code == 403
    # Her own pages, a link she follows from there, and a browser that sends no such header.
    for headers in (OWN_PAGE, LINK_FOLLOWED, {}):
        assert trainer.get("/console/protected", headers=headers).status_code == 200, headers
    after = _reads(redis_client)  # newest first
    assert after[: len(after) - len(before)] == [("amal", "protected.listed")] * 3


def test_a_huge_count_on_the_check_form_is_refused_not_a_crash(trainer: FlaskClient) -> None:
    """The check form parsed its counts with ``int()`` after ``isdigit()``: 5,000 digits raise in
    ``int()`` (Python's 4,300-digit limit), and so does "²" (a digit, not a decimal): a 500."""
    token = page_token(trainer, "/console/check")
    for followers, field in (("9" * 5000, "less_than_equal"), ("12" + "\u00b2", "int_parsing")):
        answer = trainer.post("/console/check", data={"csrf_token": token, "platform": "x", "followers": followers})
        assert answer.status_code == 422, (followers[:8], answer.status_code)
        text = answer.get_data(as_text=True)
        assert "profile.followers" in text
        assert ("10000000000 or less" in text) if field == "less_than_equal" else ("whole number" in text)
    # Arabic-Indic digits are a number, as before.
    typed = {"csrf_token": token, "platform": "x", "handle": "hala_ahed", "followers": "\u0661\u0662"}
    assert trainer.post("/console/check", data=typed).status_code == 200


class _Form(HTMLParser):
    """The fields a browser sends with the form whose action is ``action``: hidden and text
    inputs, ticked boxes, textareas, and a file input as an empty file part."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.textarea = action, False, None
        self.fields: list[tuple[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.inside = values.get("action") == self.action
        elif self.inside and tag == "input" and "name" in values:
            kind = values.get("type", "text")
            if kind == "file":
                self.fields.append((values["name"], (io.BytesIO(b""), "")))
            elif kind != "checkbox" or "checked" in values:
                self.fields.append((values["name"], values.get("value", "")))
        elif self.inside and tag == "textarea":
            self.textarea = values["name"]
            self.fields.append((self.textarea, ""))

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            name, text = self.fields.pop()
            self.fields.append((name, text + data))

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self.textarea = None
        elif tag == "form":
            self.inside = False


def _photo_fingerprints(count: int) -> list[str]:
    """``count`` distinct photo fingerprints made by this server's own function (fixed seed)."""
    draw = random.Random(7)
    found: list[str] = []
    while len(found) < count:
        image = Image.new("RGB", (16, 16))
        image.putdata([tuple(draw.randrange(256) for _ in range(3)) for _ in range(256)])  # type: ignore[misc]
        out = io.BytesIO()
        image.resize((128, 128)).save(out, "PNG")
        made = fingerprint_bytes(out.getvalue()).hex
        if made not in found:
            found.append(made)
    return found


def test_a_protected_person_with_many_photos_can_still_be_edited(
    accounts: UserStore, redis_client: redis.Redis, new_client: Callable[[], FlaskClient]
) -> None:
    """Her edit form sent a hidden field and a box for each photo kept, and a form may have 50
    parts (``MAX_FORM_PARTS``): from 22 photos on, saving her record — to add the account a
    clone took, to fix a name — answered "The upload is too large" with nothing uploaded, and the
    registry allows 40. Sent as the browser sends the page, the form saves."""
    hashes = _photo_fingerprints(MAX_AVATARS * 4)
    person_id = ProtectedStore(redis_client).add(
        ProtectedCreate(display_names=["Hala Ahed"], avatar_hashes=hashes), created_by="amal"
    )
    trainer = signed_in_as(new_client, "amal")
    path = f"/console/protected/{person_id}/edit"
    form = _Form(path)
    form.feed(trainer.get(path).get_data(as_text=True))
    assert sum(name == "keep_hash" for name, _ in form.fields) == len(hashes)
    fields = [(name, "Hala Ahed\nهالة عاهد" if name == "display_names" else value) for name, value in form.fields]
    data: dict[str, list[Any]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    saved = trainer.post(path, data=data, content_type="multipart/form-data")
    assert saved.status_code == 303, saved.status_code
    stored = ProtectedStore(redis_client).get(person_id)
    assert stored is not None and stored.display_names == ["Hala Ahed", "هالة عاهد"] and stored.avatar_hashes == hashes


def test_a_typed_megabyte_is_shown_back_a_run_at_a_time(trainer: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """A refused registry form comes back with what was typed, and under her names and accounts
    that text again with its hidden characters marked (``shown_as``). ``reveal`` escaped such a
    text a character at a time when it held a line break: a body-limit post of lines (a stolen
    session, or a paste gone wrong) kept a worker busy for about ten seconds a megabyte, twice a
    field. Counted in escapes, not seconds: one per run between marks."""
    escapes = 0
    real_escape = blueprint.escape

    def counting(value: Any) -> Markup:
        nonlocal escapes
        escapes += 1
        return real_escape(value)

    monkeypatch.setattr(blueprint, "escape", counting)
    token = page_token(trainer, "/console/protected/new")
    lines = "Hala\u202eAhed\n" + "Hala Ahed\n" * 20_000
    typed = {"csrf_token": token, "display_names": lines, "accounts": "x @hala\u200b\n" + "x @hala_ahed\n" * 20_000}
    refused = trainer.post("/console/protected/new", data=typed)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'title="RIGHT-TO-LEFT OVERRIDE">U+202E</mark>' in page and ">U+200B</mark>" in page
    assert escapes < 20, escapes


def _reveal_before(value: object, ascii_only: bool = False) -> Markup:
    """``reveal`` as it was (a character at a time), to hold the new one to the same output."""
    text = "" if value is None else str(value)
    if text.isascii() and text.isprintable():
        return escape(text)
    shown_as_code = {"Cc", "Zl", "Zp", "Co", "Cn"}
    hidden = {i for i, ch in enumerate(text) if unicodedata.category(ch) in shown_as_code and ch not in "\n\t"}
    hidden.update(hidden_characters(text))
    pieces: list[Markup] = []
    marks = left_out = 0
    tail: list[str] = []
    for index, ch in enumerate(text):
        code = f"U+{ord(ch):04X}"
        if index in hidden:
            if marks < MAX_MARKS:
                pieces.append(
                    Markup('<mark class="hidden-char" title="{}">{}</mark>').format(
                        unicodedata.name(ch, "") or code, code
                    )
                )
                marks += 1
            else:
                left_out += 1
        elif marks >= MAX_MARKS:
            tail.append(ch)
        elif ascii_only and not ch.isascii():
            pieces.append(
                Markup('<mark class="non-ascii" title="{} {}">{}</mark>').format(code, unicodedata.name(ch, ""), ch)
            )
            marks += 1
        else:
            pieces.append(escape(ch))
    rest = "".join(tail)
    more = blueprint.t("reveal.more_non_ascii")
    pieces.append(
        Markup('<mark class="non-ascii" title="{}">{}</mark>').format(more, rest)
        if ascii_only and not rest.isascii()
        else escape(rest)
    )
    if left_out:
        summary = blueprint.t("reveal.left_out", count=left_out)
        pieces.append(Markup('<mark class="hidden-char" title="{}">+{}</mark>').format(summary, left_out))
    return Markup("").join(pieces)


# Letters, markup, line breaks and tabs, Arabic and its joiners, overrides and isolates, a
# zero-width space, a Hangul filler, a control, a line separator, private-use, an emoji sequence.
ALPHABET = list("ab <&\"'\n\t") + list("هلة") + ["\u200c", "\u200d", "\u202e", "\u2066", "\u200b", "\u3164"]
ALPHABET += ["\x01", "\u2028", "\ue000", "\u0430", "\U0001f469\u200d\U0001f4bb", "\u2764\ufe0f"]


def test_reveal_marks_exactly_as_before(app: Flask) -> None:
    """Run by run, ``reveal`` shows every text as it did character by character (fixed seed)."""
    draw = random.Random(11)
    with app.test_request_context("/console/"):
        for _ in range(1500):
            text = "".join(draw.choice(ALPHABET) for _ in range(draw.randrange(0, 60)))
            for ascii_only in (False, True):
                assert str(reveal(text, ascii_only)) == str(_reveal_before(text, ascii_only)), (text, ascii_only)


def test_what_another_trainer_stored_meanwhile_shows_its_hidden_characters(
    trainer: FlaskClient, redis_client: redis.Redis
) -> None:
    """Two trainers edit one record: the refused save shows the record as stored now beside what
    she typed, for her to reconcile the two — and showed its names, accounts and note with their
    controls at work, where her card in the registry and her form mark them. A name pasted with
    a U+202E from a clone's profile read as another name exactly where she compares them."""
    store = ProtectedStore(redis_client)
    person_id = store.add(ProtectedCreate(display_names=["Hala Ahed"]), created_by="amal")
    path = f"/console/protected/{person_id}/edit"
    page = trainer.get(path).get_data(as_text=True)
    form = _Form(path)
    form.feed(page)
    store.replace(
        person_id,
        ProtectedCreate(
            display_names=["Hala Ahed", "Hala\u202edehA"],
            accounts=[{"platform": "x", "handle": "hala\u0430hed"}],
            note="WHRD \u2066quiet\u2069",
        ),
    )
    refused = trainer.post(path, data=dict(form.fields), content_type="multipart/form-data")
    assert refused.status_code == 409
    text = refused.get_data(as_text=True)
    stored_now = text[text.index("data-stored-now") : text.index("</section>", text.index("data-stored-now"))]
    for hidden in ("\u202e", "\u2066", "\u2069"):
        assert hidden not in stored_now, hex(ord(hidden))
    assert ">U+202E</mark>" in stored_now and ">U+2066</mark>" in stored_now
    assert 'class="non-ascii" title="U+0430 CYRILLIC SMALL LETTER A"' in stored_now


@pytest.mark.parametrize("refusal", ["invalid", "stale"])
def test_a_refused_save_that_shows_her_record_is_an_audited_read(
    trainer: FlaskClient, redis_client: redis.Redis, refusal: str
) -> None:
    """Her edit page is an audited read (``protected.viewed``), its save is audited as an edit,
    and a refused save was neither: it showed her stored record all the same — with a blank name
    (422), her photo fingerprints and the accounts known by handle only; with any well-formed
    version not hers (409), her whole record under *Stored now*. A stolen session read any
    record by its id that way and the trail the maintainer reads afterwards held nothing."""
    hashes = _photo_fingerprints(1)
    store = ProtectedStore(redis_client)
    body = ProtectedCreate(
        display_names=["Hala Ahed"], accounts=[{"platform": "x", "handle": "hala_ahed"}], avatar_hashes=hashes
    )
    person_id = store.add(body, created_by="rana")
    token = page_token(trainer, "/console/protected/new")
    typed = {"csrf_token": token, "version": "0" * 32, "display_names": "" if refusal == "invalid" else "Hala"}
    before = _reads(redis_client)
    refused = trainer.post(f"/console/protected/{person_id}/edit", data=typed, content_type="multipart/form-data")
    assert refused.status_code == (422 if refusal == "invalid" else 409)
    page = refused.get_data(as_text=True)
    assert hashes[0] in page and "hala_ahed" in page  # her record, shown
    after = _reads(redis_client)
    assert after[: len(after) - len(before)] == [("amal", "protected.viewed")]
