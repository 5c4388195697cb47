"""What a report costs to show: its text is bounded when sent, and the marks that show hidden and
non-ASCII characters (``reveal``) must not make it grow without bound on the trainer's page."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from server.console.blueprint import MAX_MARKS

# Zero-width, invisible operators, a bidi override and an isolate: each shown by its code point.
HIDDEN = "\u200b\u200c\u2060\u2061\u2062\u2063\u202e\u2066"


def queue_item(trainer: FlaskClient, report_id: str) -> str:
    page = trainer.get("/console/reports").get_data(as_text=True)
    item = page[page.index(f'id="report-{report_id}"') :]
    return item[: item.index("</article>")]


def test_a_report_of_hidden_characters_stays_small_on_the_page(trainer: FlaskClient, anonymous: FlaskClient) -> None:
    """A note of 1,000 zero-width characters was 1,000 marks (60 KB); with ten merged notes, a bio
    and a name of them, one report took ~750 KB of the queue page, and fifty of them 38 MB and
    seconds of the server's CPU at every look at the queue."""
    note = (HIDDEN * 125)[:1000]
    body = {
        "platform": "x",
        "reason": "other",
        "profile": {"account_id": "5150", "bio": note[:500], "display_name": note[:200]},
        "note": note,
    }
    report_id = anonymous.post("/v1/reports", json=body).get_json()["id"]
    for n in range(10):
        assert anonymous.post("/v1/reports", json=dict(body, note=note[: 999 - n] + "x")).status_code == 202
    item = queue_item(trainer, report_id)
    assert not set(HIDDEN) & set(item)  # none shown bare
    assert len(item) < 60_000  # was ~750,000
    later = re.findall(r'<dd class="later-note"><bdi>(.*?)</bdi></dd>', item, re.S)
    assert len(later) == 10
    for shown in later:
        assert shown.count('<mark class="hidden-char"') == MAX_MARKS + 1  # 16 named, then one count
        assert re.search(r">\+9[0-9]{2}</mark>", shown)  # the 980-odd left out are counted


def test_a_long_non_ascii_url_is_marked_as_a_whole_past_the_first_marks(
    trainer: FlaskClient, anonymous: FlaskClient
) -> None:
    """Past ``MAX_MARKS`` the rest of a handle, URL or id is one mark: a Cyrillic letter is never
    shown bare, and 500 of them are not 500 marks."""
    url = "https://x.com/" + "h\u0430" * 240
    body = {"platform": "x", "reason": "other", "profile": {"account_id": "5151", "profile_url": url}}
    report_id = anonymous.post("/v1/reports", json=body).get_json()["id"]
    item = queue_item(trainer, report_id)
    shown = re.search(r"<dt>Profile URL</dt><dd><bdi dir=\"ltr\">(.*?)</bdi></dd>", item, re.S)
    assert shown
    assert shown[1].count('<mark class="non-ascii"') == MAX_MARKS + 1
    bare = re.sub(r"<mark[^>]*>.*?</mark>", "", shown[1], flags=re.S)
    assert "\u0430" not in bare and bare.startswith("https://x.com/h")
