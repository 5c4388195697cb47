"""Protected people: registered by trainers, matched against every checked profile.

Endpoints (trainer role): ``POST /v1/protected`` → 201 ``{"id"}``, ``GET /v1/protected``,
``GET /v1/protected/{id}``, ``DELETE /v1/protected/{id}`` → 204.

Redis keys:
- ``haris:protected:<id>`` — JSON record: display names, genuine accounts, avatar hashes, note,
  created_at and the registering key's label. No TTL: a person is protected because a trainer
  decided so, and protection must not lapse silently; the record lives until ``DELETE``.
  It holds nothing about who checks whom.
- ``haris:protected:keypoints:<id>`` — hash: fingerprint hex of a photo registered from its
  bytes → its ORB keypoints (base64, ≤ 5.8 KB; :mod:`heuristics.keypoints`), which confirm photo
  matches geometrically. Same lifetime as the record; a field goes when its photo leaves the
  record. Like the fingerprint, derived from the photo, never the photo.
- ``haris:protected:ids`` — set of all ids. No TTL (same lifetime as the records).
- ``haris:protected:version`` — counter incremented on every change. No TTL. Each worker keeps an
  in-memory :class:`heuristics.names.NameIndex` of the registered names and rebuilds it when this
  version changes; it reads the version at most once a second (see ProtectedRegistryService).
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Annotated, Any

import redis
from flask import Blueprint, g, jsonify, request
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from heuristics.context import ServiceUnavailable
from heuristics.images import AvatarFingerprint, ImageRejected, fingerprint_bytes
from heuristics.keypoints import Keypoints
from heuristics.matching import PhotoMatcher
from heuristics.names import NameIndex, NameSimilarity, normalise
from heuristics.profile import AccountId, Handle, HashHex, Name, Platform
from heuristics.signals.impersonation_protected import ProtectedMatch
from server import openapi
from server.api import MAX_AVATAR_BYTES
from server.auth import Role, require_role
from server.avatars import image_error
from server.errors import APIError
from server.redis_breaker import RedisBreaker
from server.requests import decode_base64, json_body, validate
from server.schemas import MAX_AVATAR_BASE64, Accepted
from server.state import haris

bp = Blueprint("protected", __name__, url_prefix="/v1")

_RECORD = "haris:protected:"
_IDS = "haris:protected:ids"
_VERSION = "haris:protected:version"
_KEYPOINTS = "haris:protected:keypoints:"
_ID = re.compile(r"^[0-9a-f]{16}$")
MAX_NAMES = 20
MAX_ACCOUNTS = 50
MAX_AVATARS = 10
VERSION_CHECK_SECONDS = 1.0


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


class ProtectedCreate(BaseModel):
    """``POST /v1/protected``. Unknown fields are ignored, as in the other request bodies."""

    model_config = ConfigDict(extra="ignore")

    display_names: Annotated[list[Name], Field(min_length=1, max_length=MAX_NAMES)]
    accounts: Annotated[list[ProtectedAccount], Field(max_length=MAX_ACCOUNTS)] = []
    avatars: Annotated[list[Annotated[str, Field(max_length=MAX_AVATAR_BASE64)]], Field(max_length=MAX_AVATARS)] = []
    avatar_hashes: Annotated[list[HashHex], Field(max_length=MAX_AVATARS * 4)] = []
    note: Annotated[str, Field(max_length=1000)] | None = None

    @field_validator("display_names")
    @classmethod
    def _names_have_letters(cls, names: list[str]) -> list[str]:
        for name in names:
            if normalise(name).is_empty:
                raise ValueError(f"the name {name!r} has no letters to match on")
        return names


class ProtectedPerson(BaseModel):
    id: str
    display_names: list[str]
    accounts: list[ProtectedAccount]
    avatar_hashes: list[str]
    note: str | None = None
    created_at: int
    created_by: str


class ProtectedList(BaseModel):
    people: list[ProtectedPerson]


@dataclass
class ProtectedStore:
    client: redis.Redis

    def add(self, body: ProtectedCreate, created_by: str, keypoints: Mapping[str, str] | None = None) -> str:
        """Store a new person; ``keypoints`` (fingerprint hex → base64) of photos sent as bytes."""
        person_id = secrets.token_hex(8)
        record = ProtectedPerson(
            id=person_id,
            display_names=body.display_names,
            accounts=body.accounts,
            avatar_hashes=body.avatar_hashes,
            note=body.note,
            created_at=int(time.time()),
            created_by=created_by,
        )
        with self.client.pipeline() as pipe:
            pipe.set(_RECORD + person_id, record.model_dump_json())
            pipe.sadd(_IDS, person_id)
            self._keep_keypoints(pipe, person_id, body.avatar_hashes, keypoints or {})
            pipe.incr(_VERSION)
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
        raw = self.client.get(_RECORD + person_id) if _ID.match(person_id) else None
        return ProtectedPerson.model_validate_json(raw) if raw else None

    def all(self) -> list[ProtectedPerson]:
        ids = sorted(i.decode() for i in self.client.smembers(_IDS))
        raws = self.client.mget([_RECORD + i for i in ids]) if ids else []
        return [ProtectedPerson.model_validate_json(raw) for raw in raws if raw]

    def replace(self, person_id: str, body: ProtectedCreate, keypoints: Mapping[str, str] | None = None) -> bool:
        """Replace a person's names, accounts, fingerprints and note (the console's edit);
        creation time and author stay. False if there is no such person."""
        current = self.get(person_id)
        if current is None:
            return False
        record = current.model_copy(
            update={
                "display_names": body.display_names,
                "accounts": body.accounts,
                "avatar_hashes": body.avatar_hashes,
                "note": body.note,
            }
        )
        with self.client.pipeline() as pipe:
            # XX: never resurrect a person deleted since the read above.
            pipe.set(_RECORD + person_id, record.model_dump_json(), xx=True)
            pipe.incr(_VERSION)
            self._keep_keypoints(pipe, person_id, body.avatar_hashes, keypoints or {}, current.avatar_hashes)
            written = pipe.execute()[0]
        return bool(written)

    def delete(self, person_id: str) -> bool:
        if not _ID.match(person_id):
            return False
        with self.client.pipeline() as pipe:
            pipe.delete(_RECORD + person_id)
            pipe.srem(_IDS, person_id)
            pipe.incr(_VERSION)
            pipe.delete(_KEYPOINTS + person_id)
            deleted = pipe.execute()[0]
        return bool(deleted)

    def version(self) -> int:
        return int(self.client.get(_VERSION) or 0)


@dataclass
class _Snapshot:
    version: int
    index: NameIndex
    people: dict[str, ProtectedPerson]
    photos: PhotoMatcher  # every registered photo of every person …
    photo_owner: list[str]  # … and whose it is (person id, by position in photos)


def _as_match(person: ProtectedPerson, name: str, similarity: NameSimilarity | None) -> ProtectedMatch:
    """``person`` as the signal sees them, found under ``name`` (``similarity`` None: by photo)."""
    accounts = tuple((a.platform, a.account_id, a.handle) for a in person.accounts)
    return ProtectedMatch(person.id, name, similarity, accounts, tuple(person.avatar_hashes))


def _photo_index(
    people: dict[str, ProtectedPerson], keypoints: Mapping[str, Mapping[str, str]]
) -> tuple[PhotoMatcher, list[str]]:
    fingerprints: list[AvatarFingerprint] = []
    owners: list[str] = []
    for person in people.values():
        own = keypoints.get(person.id, {})
        for value in person.avatar_hashes:
            try:
                found = AvatarFingerprint.from_hex(value)
                if value in own and not found.legacy:
                    found = replace(found, keypoints=Keypoints.from_bytes(base64.b64decode(own[value])))
            except ValueError:
                continue  # one unparsable stored value must not hide the person's other photos
            fingerprints.append(found)
            owners.append(person.id)
    return PhotoMatcher(fingerprints), owners


@dataclass
class ProtectedRegistryService:
    """The ``protected`` check service: matches names against the registry through an in-memory
    index, rebuilt when the registry's version changes.

    At most once per ``check_every`` seconds one request thread reads the version (one GET of a
    small integer); the others keep using the snapshot they have instead of waiting. When Redis
    cannot answer, matching raises ``ServiceUnavailable`` (the check then lists the signal as
    unavailable) and its :class:`RedisBreaker` leaves Redis alone for a few seconds, so checks do
    not each pay a connection timeout.
    """

    store: ProtectedStore
    check_every: float = VERSION_CHECK_SECONDS
    breaker: RedisBreaker = field(default_factory=lambda: RedisBreaker("protected people registry unreachable"))
    _snapshot: _Snapshot | None = None
    _next_check: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def invalidate(self) -> None:
        """Re-read the version on the next match (this worker changed the registry itself)."""
        self._next_check = 0.0
        self.breaker.reset()

    def _current(self) -> _Snapshot:
        if self.breaker.is_down:
            raise ServiceUnavailable(self.breaker.name)
        now = time.monotonic()
        snapshot = self._snapshot
        if snapshot is not None and now < self._next_check:
            return snapshot
        if not self._lock.acquire(blocking=snapshot is None):
            assert snapshot is not None
            return snapshot  # another thread is refreshing; this one keeps the current index
        try:
            self._next_check = now + self.check_every
            try:
                self._snapshot = self.breaker.call(self._read)
            except ServiceUnavailable:
                self._next_check = 0.0
                raise
            return self._snapshot
        finally:
            self._lock.release()

    def _read(self) -> _Snapshot:
        """The registry's snapshot: the current one while the version is unchanged, else re-read."""
        version = self.store.version()
        if self._snapshot is not None and self._snapshot.version == version:
            return self._snapshot
        people = {p.id: p for p in self.store.all()}
        index = NameIndex((p.id, name) for p in people.values() for name in p.display_names)
        return _Snapshot(version, index, people, *_photo_index(people, self.store.keypoints(list(people))))

    def match(self, name: str, min_similarity: float) -> Sequence[ProtectedMatch]:
        snapshot = self._current()
        matches = []
        for found in snapshot.index.search(name, min_similarity):
            matches.append(_as_match(snapshot.people[found.key], found.name, found.similarity))
        return matches

    def photo_matches(self, fingerprint: AvatarFingerprint) -> Sequence[tuple[int, ProtectedMatch]]:
        snapshot = self._current()
        found: list[tuple[int, ProtectedMatch]] = []
        seen: set[str] = set()
        for match in snapshot.photos.matches(fingerprint):  # closest first
            person = snapshot.people[snapshot.photo_owner[match.index]]
            if person.id in seen:
                continue
            seen.add(person.id)
            name = person.display_names[0] if person.display_names else person.id
            found.append((match.distance, _as_match(person, name, None)))
        return found


def init_protected(app: Any) -> None:
    """Register the blueprint and the ``protected`` service of this app."""
    state = app.extensions["haris"]
    state.services["protected"] = ProtectedRegistryService(ProtectedStore(state.redis.client))
    app.register_blueprint(bp)


def _store() -> ProtectedStore:
    return ProtectedStore(haris().redis.client)


def _changed() -> None:
    # This worker sees its own change at once; the others within VERSION_CHECK_SECONDS.
    service = haris().services.get("protected")
    if isinstance(service, ProtectedRegistryService):
        service.invalidate()


def photo_fingerprint(data: bytes, field: str) -> tuple[str, str]:
    """A genuine photo's fingerprint hex and its keypoints (base64); the bytes are not kept."""
    try:
        made = fingerprint_bytes(data).with_keypoints()
    except ImageRejected as error:
        raise image_error(error, field) from None
    assert made.keypoints is not None
    return made.hex, base64.b64encode(made.keypoints.to_bytes()).decode()


def registry_changed() -> None:
    """Call after changing the registry outside this module (the console does)."""
    _changed()


def _storage_error() -> APIError:
    return APIError(503, "storage_unavailable", "The registry cannot be reached; try again later.")


@bp.post("/protected")
@require_role(Role.TRAINER)
def create() -> Any:
    body = validate(ProtectedCreate, json_body(request))
    if body.avatars:
        # Genuine photos are hashed here and never stored: only their fingerprints are kept.
        made = dict(
            photo_fingerprint(decode_base64(avatar, f"avatars.{n}", MAX_AVATAR_BYTES), f"avatars.{n}")
            for n, avatar in enumerate(body.avatars)
        )
        body = body.model_copy(update={"avatars": [], "avatar_hashes": [*body.avatar_hashes, *made]})
    else:
        made = {}
    try:
        person_id = _store().add(body, created_by=getattr(g, "principal", ""), keypoints=made)
    except (redis.RedisError, OSError):
        raise _storage_error() from None
    _changed()
    return jsonify(Accepted(id=person_id).model_dump()), 201


@bp.get("/protected")
@require_role(Role.TRAINER)
def list_people() -> Any:
    try:
        people = _store().all()
    except (redis.RedisError, OSError):
        raise _storage_error() from None
    return jsonify(json.loads(ProtectedList(people=people).model_dump_json()))


@bp.get("/protected/<person_id>")
@require_role(Role.TRAINER)
def get_person(person_id: str) -> Any:
    try:
        person = _store().get(person_id)
    except (redis.RedisError, OSError):
        raise _storage_error() from None
    if person is None:
        raise APIError(404, "not_found", "No protected person with this id.")
    return jsonify(json.loads(person.model_dump_json()))


@bp.delete("/protected/<person_id>")
@require_role(Role.TRAINER)
def delete_person(person_id: str) -> Any:
    try:
        deleted = _store().delete(person_id)
    except (redis.RedisError, OSError):
        raise _storage_error() from None
    _changed()
    if not deleted:
        raise APIError(404, "not_found", "No protected person with this id.")
    return "", 204


_AUTH_ERRORS = {
    "401": openapi.error("No or invalid API key."),
    "403": openapi.error("The key's role does not allow this."),
    "503": openapi.error("Storage is unavailable."),
}
openapi.MODELS.extend([ProtectedCreate, ProtectedPerson, ProtectedList])
_ID_PARAMETER = [{"name": "person_id", "in": "path", "required": True, "schema": {"type": "string"}}]
openapi.PATHS["/v1/protected"] = {
    "post": {
        "summary": "Register a protected person (trainer)",
        "operationId": "createProtected",
        "requestBody": {"required": True, "content": {"application/json": {"schema": openapi.ref(ProtectedCreate)}}},
        "responses": {
            "201": openapi.json_response("Registered", openapi.ref(Accepted)),
            **{code: e for code, e in openapi.COMMON_ERRORS.items() if code != "429"},  # not rate-limited
            **_AUTH_ERRORS,
        },
    },
    "get": {
        "summary": "List protected people (trainer)",
        "operationId": "listProtected",
        "responses": {"200": openapi.json_response("All protected people", openapi.ref(ProtectedList)), **_AUTH_ERRORS},
    },
}
openapi.PATHS["/v1/protected/{person_id}"] = {
    "get": {
        "summary": "One protected person (trainer)",
        "operationId": "getProtected",
        "parameters": _ID_PARAMETER,
        "responses": {
            "200": openapi.json_response("The person", openapi.ref(ProtectedPerson)),
            "404": openapi.error("No such id."),
            **_AUTH_ERRORS,
        },
    },
    "delete": {
        "summary": "Stop protecting a person (trainer)",
        "operationId": "deleteProtected",
        "parameters": _ID_PARAMETER,
        "responses": {"204": {"description": "Deleted"}, "404": openapi.error("No such id."), **_AUTH_ERRORS},
    },
}
