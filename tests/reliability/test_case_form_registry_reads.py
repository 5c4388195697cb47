"""What the new-case form reads of the protected-people registry is bounded: the ids and one page
of records (``protected.people_page``), however many people are registered — it read every
record (names, accounts, photo fingerprints, notes) to show the picker's names. Counted in bytes
Redis sent and keys it found, never in time."""

from __future__ import annotations

from typing import Any

import redis
from flask.testing import FlaskClient

from server.schemas import ProtectedCreate
from server.services.protected import PAGE_SIZE
from server.storage.protected import ProtectedStore
from server.storage.users import UserStore
from tests.api.test_protected import HALA
from tests.console.conftest import console_browser

NOTE = "n" * 1000  # the longest note a record holds: a record read shows in the bytes
ID_BYTES = 40  # an id in the ids set's reply (16 hex digits and RESP framing), with room


def _register(redis_client: redis.Redis, count: int) -> None:
    store = ProtectedStore(redis_client)
    for number in range(count):
        store.add(ProtectedCreate.model_validate({**HALA, "display_names": [f"Person {number}"], "note": NOTE}), "seed")


def _served(redis_client: redis.Redis, trainer: FlaskClient) -> tuple[int, int, str]:
    """Bytes the main store sent and keys it found while the form was served; the page."""
    before = redis_client.info("stats")
    response = trainer.get("/console/cases/new")
    after = redis_client.info("stats")
    assert response.status_code == 200
    sent = after["total_net_output_bytes"] - before["total_net_output_bytes"]
    return sent, after["keyspace_hits"] - before["keyspace_hits"], response.get_data(as_text=True)


def test_the_form_reads_one_page_of_the_registry_however_many_are_registered(
    make_app: Any, redis_client: redis.Redis, accounts: UserStore
) -> None:
    app = make_app()
    trainer = console_browser(app, "amal")
    _register(redis_client, 2 * PAGE_SIZE)
    sent_small, found_small, small_page = _served(redis_client, trainer)
    more = 8 * PAGE_SIZE
    _register(redis_client, more)
    sent_large, found_large, large_page = _served(redis_client, trainer)
    # Five times the people: only their ids more (every record read would be over a kilobyte each).
    assert sent_large - sent_small < more * ID_BYTES, (sent_small, sent_large)
    assert found_large == found_small, (found_small, found_large)  # the same page of records
    assert found_small < PAGE_SIZE + 20  # that page, the ids, the session and account
    assert small_page.count("Person ") == large_page.count("Person ") == PAGE_SIZE
