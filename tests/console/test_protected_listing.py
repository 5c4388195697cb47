"""The console's protected-people list a page at a time, as ``GET /v1/protected``: bounded pages
linked by "next", everyone once, a made-up ``after`` refused, each page audited."""

from __future__ import annotations

import html
import re

import redis
from flask.testing import FlaskClient

from server.services.protected import PAGE_SIZE
from server.storage.audit import AuditLog
from tests.api.test_protected_listing import HOW_MANY, fill_registry

_PERSON = re.compile(r'data-person="([0-9a-f]{16})"')
_NEXT = re.compile(r'<a rel="next" href="([^"]+)"')


def test_pages_linked_by_next_cover_everyone_once(trainer: FlaskClient, redis_client: redis.Redis) -> None:
    registered = fill_registry(redis_client)
    shown: list[list[str]] = []
    path: str | None = "/console/protected"
    while path is not None:
        response = trainer.get(path)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        shown.append(_PERSON.findall(page))
        assert ("Back to the first page" in page) == (len(shown) > 1)
        found = _NEXT.search(page)
        path = html.unescape(found[1]) if found else None
        assert len(shown) < 10, "the next link does not move"
    assert [len(people) for people in shown] == [PAGE_SIZE, PAGE_SIZE, HOW_MANY - 2 * PAGE_SIZE]
    listed = [person for people in shown for person in people]
    assert len(listed) == len(set(listed)) and set(listed) == registered

    entries = [e for e in AuditLog(redis_client).recent() if e["action"] == "protected.listed"]
    assert [(e["actor"], e["detail"]["people"]) for e in reversed(entries)] == [
        ("amal", PAGE_SIZE),
        ("amal", PAGE_SIZE),
        ("amal", HOW_MANY - 2 * PAGE_SIZE),
    ]


def test_a_short_registry_is_one_page_without_links(trainer: FlaskClient, redis_client: redis.Redis) -> None:
    fill_registry(redis_client, 3)
    page = trainer.get("/console/protected").get_data(as_text=True)
    assert len(_PERSON.findall(page)) == 3 and not _NEXT.search(page) and "Back to the first page" not in page


def test_a_made_up_after_is_a_400_and_lists_nothing(trainer: FlaskClient, redis_client: redis.Redis) -> None:
    fill_registry(redis_client, 3)
    for after in ("nonsense", "0123456789ABCDEF", ""):
        response = trainer.get("/console/protected", query_string={"after": after})
        assert response.status_code == 400, after
    assert not [e for e in AuditLog(redis_client).recent() if e["action"] == "protected.listed"]
