"""Replacing a protected person (the console's edit): what it keeps, what it drops, and what it
does when another trainer changes her record at the same moment.

The service checked the new photo hashes against one read of her record (hashes already hers are
kept as they are, even a form that never confirms a match) and the store wrote the new record
from a second read. A change between the two made the check and the write disagree. The other
trainer's change is made here, on the real Redis, at that very moment: inside the check."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from flask import Flask

from heuristics.images import fingerprint_bytes
from server.schemas import ProtectedCreate
from server.services import Actor
from server.services import protected as service
from server.state import app_state
from server.storage.protected import ProtectedStore, record_version
from server.web.errors import APIError
from tests.api.test_banks import photo_bytes
from tests.api.test_protected import legacy_forms

TRAINER = Actor("key:amal", "trainer", "api")
HASH = fingerprint_bytes(photo_bytes("brick")).hex
OTHER_HASH, OTHER_KEYPOINTS = service.photo_fingerprint(photo_bytes("coffee"), "avatars")
LEGACY = legacy_forms("rocket")["version 1"]


@pytest.fixture
def store(redis_client: redis.Redis) -> ProtectedStore:
    """The registry as another worker (another trainer's request) sees it."""
    return ProtectedStore(redis_client)


@pytest.fixture
def meanwhile(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Callable[[], Any]], None]]:
    """``meanwhile(change)``: ``change()`` runs once, while the replace checks the new hashes."""
    changes: list[Callable[[], Any]] = []
    check = service.refuse_hashes_that_never_confirm

    def racing(*args: Any, **kwargs: Any) -> None:
        while changes:
            changes.pop()()
        check(*args, **kwargs)

    monkeypatch.setattr(service, "refuse_hashes_that_never_confirm", racing)
    yield changes.append


def replace(app: Flask, person_id: str, body: ProtectedCreate, keypoints: dict[str, str] | None = None) -> bool:
    with app.app_context():
        return service.replace(person_id, body, TRAINER, keypoints)


def audited(app: Flask, person_id: str) -> list[str]:
    with app.app_context():
        return [e["action"] for e in app_state().stores.audit.recent(limit=100) if e["target"] == person_id]


def test_a_replace_keeps_her_creation_and_her_photos_keypoints_follow_her_photos(
    app: Flask, store: ProtectedStore
) -> None:
    person_id = store.add(
        ProtectedCreate(display_names=["Hala Ahed"], avatar_hashes=[LEGACY, OTHER_HASH]),
        created_by="older-server",
        keypoints={OTHER_HASH: OTHER_KEYPOINTS},
    )
    before = store.get(person_id)
    assert before is not None
    made, keypoints = service.photo_fingerprint(photo_bytes("brick"), "avatars")
    body = ProtectedCreate(display_names=["Hala Ahed", "هالة عاهد"], avatar_hashes=[LEGACY, made], note="WHRD")
    assert replace(app, person_id, body, {made: keypoints})
    after = store.get(person_id)
    assert after is not None
    assert after.display_names == ["Hala Ahed", "هالة عاهد"]
    assert (after.avatar_hashes, after.note) == ([LEGACY, made], "WHRD")
    assert (after.created_at, after.created_by) == (before.created_at, "older-server")
    assert store.keypoints([person_id]) == {person_id: {made: keypoints}}  # the dropped photo's went
    assert audited(app, person_id) == ["protected.edited"]
    # A hash new to her is checked; one already hers (LEGACY) is not.
    with pytest.raises(APIError) as refused:
        replace(app, person_id, ProtectedCreate(display_names=["Hala Ahed"], avatar_hashes=[made, LEGACY[:-2] + "00"]))
    assert (refused.value.status, refused.value.field) == (422, "avatar_hashes.1")
    assert store.get(person_id) == after
    assert not replace(app, "0123456789abcdef", body)


def test_a_hash_she_no_longer_has_is_not_written_back_unchecked(
    app: Flask, store: ProtectedStore, meanwhile: Callable[[Callable[[], Any]], None]
) -> None:
    """Her record keeps a hash that never confirms (stored before such hashes were refused). One
    trainer saves her edit page with it kept; another removes it at that moment. The first save was
    checked against the record that still had it ("hers: kept as it is") and written over the one
    that no longer did: the hash came back, unchecked. Checked against the record it replaces, it is
    new to her and refused, and the other trainer's removal stands."""
    person_id = store.add(ProtectedCreate(display_names=["Hala Ahed"], avatar_hashes=[LEGACY, HASH]), created_by="x")
    cleaned = ProtectedCreate(display_names=["Hala Ahed"], avatar_hashes=[HASH])
    meanwhile(lambda: store.replace(person_id, cleaned))
    kept = ProtectedCreate(display_names=["Hala Ahed", "هالة عاهد"], avatar_hashes=[LEGACY, HASH])
    with pytest.raises(APIError) as refused:
        replace(app, person_id, kept)
    error = refused.value
    assert (error.status, error.code, error.field) == (422, "legacy_fingerprint", "avatar_hashes.0")
    after = store.get(person_id)
    assert after is not None and after.avatar_hashes == [HASH] and after.display_names == ["Hala Ahed"]
    assert audited(app, person_id) == []


def test_a_photo_added_meanwhile_leaves_no_keypoints_behind(
    app: Flask, store: ProtectedStore, meanwhile: Callable[[Callable[[], Any]], None]
) -> None:
    """A save replaces the whole record (the last one wins), and the keypoints of the photos the
    written record does not have go with it: none is left for a photo another trainer added."""
    person_id = store.add(ProtectedCreate(display_names=["Hala Ahed"], avatar_hashes=[HASH]), created_by="x")
    added = ProtectedCreate(display_names=["Hala Ahed"], avatar_hashes=[HASH, OTHER_HASH])
    meanwhile(lambda: store.replace(person_id, added, {OTHER_HASH: OTHER_KEYPOINTS}))
    assert replace(app, person_id, ProtectedCreate(display_names=["Hala Ahed", "هالة عاهد"], avatar_hashes=[HASH]))
    after = store.get(person_id)
    assert after is not None and after.avatar_hashes == [HASH] and after.display_names == ["Hala Ahed", "هالة عاهد"]
    assert store.keypoints([person_id]) == {person_id: {}}


def test_a_person_deleted_meanwhile_stays_deleted(
    app: Flask, store: ProtectedStore, meanwhile: Callable[[Callable[[], Any]], None]
) -> None:
    person_id = store.add(ProtectedCreate(display_names=["Hala Ahed"], avatar_hashes=[HASH]), created_by="x")
    meanwhile(lambda: store.delete(person_id))
    assert not replace(app, person_id, ProtectedCreate(display_names=["Hala Ahed"], avatar_hashes=[HASH]))
    assert store.get(person_id) is None and store.keypoints([person_id]) == {person_id: {}}
    assert audited(app, person_id) == []


def test_a_record_that_never_stops_changing_is_answered_busy(
    app: Flask, store: ProtectedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each try is read again when her record changed before the write: a bounded number of times."""
    person_id = store.add(ProtectedCreate(display_names=["Hala Ahed"], avatar_hashes=[HASH]), created_by="x")
    names = iter(f"Hala Ahed {n}" for n in range(100))

    def always_changing(*args: Any, **kwargs: Any) -> None:
        store.replace(person_id, ProtectedCreate(display_names=[next(names)], avatar_hashes=[HASH]))

    monkeypatch.setattr(service, "refuse_hashes_that_never_confirm", always_changing)
    with pytest.raises(APIError) as busy:
        replace(app, person_id, ProtectedCreate(display_names=["Hala"], avatar_hashes=[HASH]))
    assert (busy.value.status, busy.value.code, busy.value.reason) == (409, "protected_busy", "protected_busy")
    after = store.get(person_id)
    assert after is not None and after.display_names == ["Hala Ahed 4"]  # five tries, none of them written
    assert audited(app, person_id) == []


def test_a_replace_made_from_an_older_read_is_refused_and_writes_nothing(
    app: Flask, store: ProtectedStore, meanwhile: Callable[[Callable[[], Any]], None]
) -> None:
    """Given the version of the record it was made from, a replace refuses to write over another
    one (409 ``protected_changed``): the other trainer's Arabic name stays, nothing is audited.
    Given the version of what is stored, it writes; a change undone gives the version back."""
    person_id = store.add(ProtectedCreate(display_names=["Hala Ahed"], avatar_hashes=[HASH]), created_by="x")
    before = store.get(person_id)
    assert before is not None
    read = record_version(before)
    store.replace(person_id, ProtectedCreate(display_names=["Hala Ahed", "هالة عاهد"], avatar_hashes=[HASH]))
    with app.app_context(), pytest.raises(APIError) as changed:
        service.replace(person_id, ProtectedCreate(display_names=["Hala"], avatar_hashes=[HASH]), TRAINER, None, read)
    assert (changed.value.status, changed.value.code, changed.value.reason) == (
        409,
        "protected_changed",
        "protected_changed",
    )
    now = store.get(person_id)
    assert now is not None and now.display_names == ["Hala Ahed", "هالة عاهد"]
    assert audited(app, person_id) == []
    # A change landing between the service's read and the write is caught too (WATCH, read again).
    meanwhile(lambda: store.replace(person_id, ProtectedCreate(display_names=["Hala A."], avatar_hashes=[HASH])))
    with app.app_context(), pytest.raises(APIError):
        service.replace(person_id, ProtectedCreate(display_names=["Hala"]), TRAINER, None, record_version(now))
    now = store.get(person_id)
    assert now is not None and now.display_names == ["Hala A."]
    with app.app_context():
        assert service.replace(person_id, ProtectedCreate(display_names=["Hala"]), TRAINER, None, record_version(now))
    assert audited(app, person_id) == ["protected.edited"]
    # Undone, the record is the one first read again: nothing written since would be lost.
    store.replace(person_id, ProtectedCreate(display_names=["Hala Ahed"], avatar_hashes=[HASH]))
    again = store.get(person_id)
    assert again is not None and record_version(again) == read
