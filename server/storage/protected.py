"""Protected people in Redis: registered by trainers (``server.services.protected``), matched
against every checked profile from each worker's copy (``server.lookups.protected``).

Redis keys:
- ``haris:{protected}:person:<id>`` — JSON record: display names, genuine accounts, avatar hashes, note,
  created_at and the registering key's label. No TTL: a person is protected because a trainer
  decided so, and protection must not lapse silently; the record lives until ``DELETE``.
  It holds nothing about who checks whom.
- ``haris:{protected}:keypoints:<id>`` — hash: fingerprint hex of a photo registered from its
  bytes → its ORB keypoints (base64, ≤ 5.8 KB; :mod:`heuristics.keypoints`), which confirm photo
  matches geometrically. Same lifetime as the record; a field goes when its photo leaves the
  record. Like the fingerprint, derived from the photo, never the photo.
- ``haris:{protected}:ids`` — set of all ids. No TTL (same lifetime as the records).
- ``haris:{protected}:version`` — counter incremented on every change. No TTL. Each worker keeps an
  in-memory :class:`heuristics.names.NameIndex` of the registered names and rebuilds it when this
  version changes; it reads the version at most once a second (``server.lookups.protected``).
- ``haris:{protected}:stamp`` — random token written with every change (same transaction): with
  the counter, what a worker rebuilds by, so a registry lost and filled again never looks
  unchanged to a worker (:mod:`server.storage.stamps`). No TTL.

A person's record has a version of its own, kept nowhere: the digest of the record
(:func:`record_version`). An edit page carries the version of the record it showed, and a replace
given it refuses to write over a record that has moved on since (:class:`ProtectedChanged`): the
registry's counter moves with every person's change, so it would refuse edits nobody overlapped.
"""

from __future__ import annotations

import re
import secrets
import time
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import redis
from pydantic import BaseModel, ConfigDict, model_validator

from heuristics.profile import AccountId, Handle, Platform
from server.storage.optimistic import version_of, watched
from server.storage.stamps import Version, as_version, new_stamp

_RECORD = "haris:{protected}:person:"
_IDS = "haris:{protected}:ids"
_VERSION = "haris:{protected}:version"
_STAMP = "haris:{protected}:stamp"
_KEYPOINTS = "haris:{protected}:keypoints:"
ID = re.compile(r"^[0-9a-f]{16}$")
# How many times a replace reads her record again when it changed before the write committed.
_RETRIES = 5


class ProtectedBusy(RuntimeError):
    """A person's record kept changing while a replace of it was being written."""


class ProtectedChanged(RuntimeError):
    """Her record is no longer the one the edit was made from (another trainer saved meanwhile)."""


class ProtectedAccount(BaseModel):
    """One genuine account of the person: a platform and its account id and/or handle."""

    model_config = ConfigDict(extra="ignore")

    platform: Platform
    account_id: AccountId | None = None
    handle: Handle | None = None

    @model_validator(mode="after")
    def _identified(self) -> ProtectedAccount:
        if not (self.account_id or self.handle):
            raise ValueError("an account needs an account_id or a handle")
        return self


class ProtectedPerson(BaseModel):
    id: str
    display_names: list[str]
    accounts: list[ProtectedAccount]
    avatar_hashes: list[str]
    note: str | None = None
    created_at: int
    created_by: str


def record_version(person: ProtectedPerson) -> str:
    """The version of her record as read (names, accounts, photos, note, creation): :func:`version_of`."""
    return version_of(person)


class PersonDetails(Protocol):
    """What a trainer says about a person (``server.schemas.ProtectedCreate`` is one)."""

    display_names: list[str]
    accounts: list[ProtectedAccount]
    avatar_hashes: list[str]
    note: str | None


@dataclass
class ProtectedStore:
    client: redis.Redis

    def add(self, details: PersonDetails, created_by: str, keypoints: Mapping[str, str] | None = None) -> str:
        """Store a new person; ``keypoints`` (fingerprint hex → base64) of photos sent as bytes."""
        person_id = secrets.token_hex(8)
        record = ProtectedPerson(
            id=person_id,
            display_names=details.display_names,
            accounts=details.accounts,
            avatar_hashes=details.avatar_hashes,
            note=details.note,
            created_at=int(time.time()),
            created_by=created_by,
        )
        with self.client.pipeline(transaction=True) as pipe:
            pipe.set(_RECORD + person_id, record.model_dump_json())
            pipe.sadd(_IDS, person_id)
            self._keep_keypoints(pipe, person_id, details.avatar_hashes, keypoints or {})
            pipe.incr(_VERSION)
            pipe.set(_STAMP, new_stamp())
            pipe.execute()
        return person_id

    @staticmethod
    def _keep_keypoints(
        pipe: Any, person_id: str, hashes: Sequence[str], keypoints: Mapping[str, str], dropped: Sequence[str] = ()
    ) -> None:
        """Keep the keypoints of photos the record now has; drop those of photos it no longer has."""
        kept = {h: k for h, k in keypoints.items() if h in hashes}
        if kept:
            pipe.hset(_KEYPOINTS + person_id, mapping=kept)
        gone = [h for h in dropped if h not in hashes]
        if gone:
            pipe.hdel(_KEYPOINTS + person_id, *gone)

    def keypoints(self, person_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        """Each person's photos' keypoints (base64) by fingerprint hex, in one round trip."""
        with self.client.pipeline(transaction=False) as pipe:
            for person_id in person_ids:
                pipe.hgetall(_KEYPOINTS + person_id)
            replies = pipe.execute()
        return {
            person_id: {k.decode(): v.decode() for k, v in reply.items()}
            for person_id, reply in zip(person_ids, replies, strict=True)
        }

    def get(self, person_id: str) -> ProtectedPerson | None:
        raw = self.client.get(_RECORD + person_id) if ID.match(person_id) else None
        return ProtectedPerson.model_validate_json(raw) if raw else None

    def all(self) -> list[ProtectedPerson]:
        ids = sorted(i.decode() for i in self.client.smembers(_IDS))
        raws = self.client.mget([_RECORD + i for i in ids]) if ids else []
        return [ProtectedPerson.model_validate_json(raw) for raw in raws if raw]

    def page(self, after: str | None, size: int) -> tuple[list[ProtectedPerson], str | None]:
        """At most ``size`` people, in the order of their ids, from just after the id ``after``
        (None: from the first); and the id the next page starts after (None: no more). Ids never
        change, so page after page covers everyone registered throughout exactly once, whoever
        is added or deleted meanwhile. The cost: one read of the ids (16 characters each) and the
        page's records only — a record holds her photos' fingerprints, and there is no cheaper
        summary of it to read."""
        ids = sorted(i.decode() for i in self.client.smembers(_IDS))
        start = bisect_right(ids, after) if after is not None else 0
        chosen = ids[start : start + size]
        raws = self.client.mget([_RECORD + i for i in chosen]) if chosen else []
        people = [ProtectedPerson.model_validate_json(raw) for raw in raws if raw]
        more = start + size < len(ids)
        return people, (chosen[-1] if more else None)

    def replace(
        self,
        person_id: str,
        body: PersonDetails,
        keypoints: Mapping[str, str] | None = None,
        check: Callable[[ProtectedPerson], None] | None = None,
        expected: str | None = None,
    ) -> bool:
        """Replace a person's names, accounts, fingerprints and note (the console's edit);
        creation time and author stay. False if there is no such person. With ``expected`` (the
        :func:`record_version` of the record the edit was made from), :class:`ProtectedChanged`
        when her record is another one now: the edit would write over a change its author never saw.

        Her record is read once, WATCHed: ``check(current)`` (which may raise to refuse the new
        one) and the keypoints dropped with her old photos are about the very record the write
        replaces. When it changes before the write commits, it is read, checked and written again;
        :class:`ProtectedBusy` after a bounded number of tries."""
        if not ID.match(person_id):
            return False

        def change(current: ProtectedPerson) -> ProtectedPerson:
            if expected is not None and record_version(current) != expected:
                raise ProtectedChanged(person_id)
            if check is not None:
                check(current)
            return current.model_copy(
                update={
                    "display_names": body.display_names,
                    "accounts": body.accounts,
                    "avatar_hashes": body.avatar_hashes,
                    "note": body.note,
                }
            )

        def keep_keypoints(pipe: redis.client.Pipeline, current: ProtectedPerson) -> None:
            self._keep_keypoints(pipe, person_id, body.avatar_hashes, keypoints or {}, current.avatar_hashes)

        return self._rewrite(person_id, change, keep_keypoints)

    def _rewrite(
        self,
        person_id: str,
        change: Callable[[ProtectedPerson], ProtectedPerson | None],
        also: Callable[[redis.client.Pipeline, ProtectedPerson], None] | None = None,
    ) -> bool:
        """Her record read WATCHed, ``change(current)`` (None: nothing to write, False), written
        with the registry's version moved and ``also(pipe, current)`` in the same transaction;
        read and changed again when it changes before the write commits, :class:`ProtectedBusy`
        after a bounded number of tries."""
        key = _RECORD + person_id

        def attempt(pipe: redis.client.Pipeline) -> bool:
            raw = pipe.get(key)
            if not raw:
                return False
            current = ProtectedPerson.model_validate_json(raw)
            record = change(current)
            if record is None:
                return False
            pipe.multi()
            # XX: never resurrect a person deleted since the read (WATCH retries then, too).
            pipe.set(key, record.model_dump_json(), xx=True)
            pipe.incr(_VERSION)
            pipe.set(_STAMP, new_stamp())
            if also is not None:
                also(pipe, current)
            return bool(pipe.execute()[0])

        return watched(self.client, key, attempt, _RETRIES, ProtectedBusy(person_id))

    def record_account_id(self, person_id: str, index: int, expected: ProtectedAccount, account_id: str) -> bool:
        """Set the account id of her ``index``-th account, which must still be ``expected`` (known
        by its handle only); the rest of her record stays. False when she or that account is gone
        or changed (another trainer's edit since the page was read: the trainer looks again).

        Read and written WATCHed, as :meth:`replace`; :class:`ProtectedBusy` after as many tries."""
        if not ID.match(person_id) or index < 0 or expected.account_id is not None:
            return False

        def change(current: ProtectedPerson) -> ProtectedPerson | None:
            if index >= len(current.accounts) or current.accounts[index] != expected:
                return None
            accounts = list(current.accounts)
            accounts[index] = expected.model_copy(update={"account_id": account_id})
            return current.model_copy(update={"accounts": accounts})

        return self._rewrite(person_id, change)

    def delete(self, person_id: str) -> bool:
        if not ID.match(person_id):
            return False
        with self.client.pipeline(transaction=True) as pipe:
            pipe.delete(_RECORD + person_id)
            pipe.srem(_IDS, person_id)
            pipe.incr(_VERSION)
            pipe.set(_STAMP, new_stamp())
            pipe.delete(_KEYPOINTS + person_id)
            deleted = pipe.execute()[0]
        return bool(deleted)

    def version(self) -> Version:
        """The registry's counter and stamp, read together (one MGET: the keys share a slot)."""
        counter, stamp = self.client.mget([_VERSION, _STAMP])
        return as_version(counter, stamp)
