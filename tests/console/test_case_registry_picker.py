"""The new-case form's protected-person picker shows a page of the registry at a time, as the
registry's own pages do (``protected.people_page``: names and ids shown, each page audited as
``protected.listed``); its buttons post the form as typed and show the next page, so a person on
any page can be picked and the case opened from her. What one form costs in Redis, however many
people are registered: tests/reliability/test_case_form_registry_reads.py."""

from __future__ import annotations

import re
from typing import Any

import redis
from flask.testing import FlaskClient

from server.services.protected import PAGE_SIZE
from server.storage.audit import AuditLog
from tests.api.test_protected_listing import HOW_MANY, fill_registry
from tests.console.conftest import csrf_from
from tests.console.test_case_pages import API_KEY, TYPED

_OPTION = re.compile(r'<option value="([0-9a-f]{16})"( selected)?>([^<]*)</option>')
_NEXT = re.compile(r'<button type="submit" name="registry_after" value="([0-9a-f]{16})" formnovalidate>')
_FIRST = '<button type="submit" name="registry_after" value="" formnovalidate>'


def _listed(redis_client: redis.Redis) -> list[dict[str, Any]]:
    """The ``protected.listed`` entries, oldest first: their actor and detail."""
    entries = [e for e in AuditLog(redis_client).recent(limit=1000) if e["action"] == "protected.listed"]
    return [{"actor": e["actor"], **e["detail"]} for e in reversed(entries)]


def _picker(page: str) -> tuple[list[str], str | None]:
    """The ids the picker offers, and the id its "next people" button starts after."""
    found = _NEXT.search(page)
    return [match[0] for match in _OPTION.findall(page)], (found[1] if found else None)


def test_every_person_can_be_picked_a_page_at_a_time_with_the_form_kept(
    trainer: FlaskClient, client: FlaskClient, redis_client: redis.Redis
) -> None:
    registered = fill_registry(redis_client)
    first = trainer.get("/console/cases/new")
    assert first.status_code == 200
    page = first.get_data(as_text=True)
    offered, following = _picker(page)
    assert len(offered) == PAGE_SIZE and following is not None and _FIRST not in page
    seen = list(offered)
    typed = {**TYPED, "notes": "Typed before paging.", "reasons": ["impersonation.protected_person"]}
    pages = 1
    while following is not None:
        shown = trainer.post(
            "/console/cases/new", data={"csrf_token": csrf_from(page), **typed, "registry_after": following}
        )
        assert shown.status_code == 200
        page = shown.get_data(as_text=True)
        assert "Typed before paging." in page and _FIRST in page  # the form as typed, nothing opened
        assert 'value="impersonation.protected_person" checked' in page
        offered, following = _picker(page)
        seen += offered
        pages += 1
        assert pages < 10, "the picker's next page does not move"
    assert pages == 3 and len(seen) == len(set(seen)) and set(seen) == registered
    assert [entry["people"] for entry in _listed(redis_client)] == [PAGE_SIZE, PAGE_SIZE, HOW_MANY - 2 * PAGE_SIZE]
    assert "after" not in _listed(redis_client)[0] and _listed(redis_client)[1]["after"] == seen[PAGE_SIZE - 1]
    assert not client.get("/v1/cases", headers=API_KEY).get_json()["cases"]  # paging opened nothing

    # Picked from the last page, and the form refused (a made-up date): shown again with her still
    # picked, though the picker is back on its first page; then opened from her.
    her = offered[-1]
    picked = {**TYPED, "impersonated_display_name": "", "protected_id": her}
    refused = trainer.post(
        "/console/cases/new", data={"csrf_token": csrf_from(page), **picked, "suspect_joined": "2026-02-31"}
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    options = {person: (selected, name) for person, selected, name in _OPTION.findall(page)}
    assert options[her][0] == " selected" and options[her][1].startswith("Person ")
    assert [person for person, (selected, _) in options.items() if selected] == [her]
    opened = trainer.post("/console/cases/new", data={"csrf_token": csrf_from(page), **picked})
    assert opened.status_code == 303, re.findall(r"flash.{0,400}", opened.get_data(as_text=True))
    case_id = opened.headers["Location"].rsplit("/", 1)[-1]
    case = client.get(f"/v1/cases/{case_id}", headers=API_KEY).get_json()
    assert case["impersonated"]["protected_id"] == her
    assert case["impersonated"]["display_name"] == options[her][1]  # her name, from her record


def test_a_made_up_page_is_a_400_and_lists_nothing(trainer: FlaskClient, redis_client: redis.Redis) -> None:
    fill_registry(redis_client, 3)
    page = trainer.get("/console/cases/new").get_data(as_text=True)
    assert len(_picker(page)[0]) == 3 and _picker(page)[1] is None and _FIRST not in page
    before = len(_listed(redis_client))
    for after in ("nonsense", "0123456789ABCDEF", "1" * 17):
        response = trainer.post(
            "/console/cases/new", data={"csrf_token": csrf_from(page), **TYPED, "registry_after": after}
        )
        assert response.status_code == 400, after
    assert len(_listed(redis_client)) == before
