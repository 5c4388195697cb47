"""Red team: whoever writes the ``platform-defaults`` bank decides what the other banks may say.

A picture in that bank silences every bank entry of it (``server.lookups.banks.best_match``) and
refuses new ones (``common_picture``); one taken out lets the next bank entry of it flag everyone
who shows it. So a trainer's key (or a stolen one) that could add a bait account's photo there
silenced that photo's bank entries for everyone. Now every write of that bank is a maintainer's,
from every door (the console's: tests/console/test_defaults_writes.py); trainers still read and
export it.

And a protected person's photo registered before the same picture joined the defaults bank
named her at check time: everyone showing that default was taken for her impersonator. The
registry's photo match now ignores a checked picture the banks confirm as a default, as bank
entries are ignored, at a cost that does not depend on whether anyone registered matches.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import redis
from flask import Flask
from flask.testing import FlaskClient

from heuristics.context import ServiceUnavailable
from heuristics.images import AvatarFingerprint, fingerprint_bytes
from heuristics.matching import PhotoMatcher
from server.lookups.protected import ProtectedLookup
from server.storage.audit import AuditLog
from server.storage.banks import BankStore
from server.storage.protected import ProtectedStore
from tests.api.test_banks import MAINTAINER, b64, cropped_mirrored_copy, photo_bytes
from tests.security.test_redteam_common_pictures import STOCK, add, check, reencoded, trainer_key

DEFAULTS = "platform-defaults"
JSONL = {**MAINTAINER, "Content-Type": "application/x-ndjson"}


def refused_as_maintainers(response: Any) -> None:
    assert response.status_code == 403, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "forbidden" and error["field"] == "bank", error
    assert error["reason"] == "defaults_maintainer_only" and DEFAULTS in error["message"]


def defaults_entries(redis_client: redis.Redis) -> int:
    return sum(b["entries"] for b in BankStore(redis_client).banks() if b["name"] == DEFAULTS)


def test_a_trainer_cannot_silence_a_bank_entry_by_adding_its_picture_to_the_defaults(
    client: FlaskClient, redis_client: redis.Redis
) -> None:
    trainer = trainer_key(redis_client)
    assert add(client, "shared", trainer, avatar=b64(photo_bytes("rocket"))).status_code == 201
    assert "avatar.known_bad" in check(client, reencoded("rocket"))
    # The bait's photo, or its fingerprint, sent to the defaults bank with a trainer's key: 403,
    # before anything is fingerprinted or stored.
    refused_as_maintainers(add(client, DEFAULTS, trainer, avatar=b64(photo_bytes("rocket")), label="other"))
    fingerprint = fingerprint_bytes(photo_bytes("rocket")).hex
    refused_as_maintainers(add(client, DEFAULTS, trainer, avatar_hash=fingerprint, label="other"))
    # A bad photo is refused as forbidden too: the role is asked first, nothing else is said.
    refused_as_maintainers(add(client, DEFAULTS, trainer, avatar="not base64", label="other"))
    assert defaults_entries(redis_client) == 0
    assert "avatar.known_bad" in check(client, reencoded("rocket"))
    # Nor through a report confirmed into it.
    filed = client.post("/v1/reports", json={"platform": "x", "profile": {"account_id": "77"}, "reason": "other"})
    report_id = filed.get_json()["id"]
    confirm = {"bank": DEFAULTS, "label": "other", "avatar": b64(photo_bytes("rocket"))}
    refused_as_maintainers(client.post(f"/v1/reports/{report_id}/confirm", json=confirm, headers=trainer))
    assert defaults_entries(redis_client) == 0
    assert "avatar.known_bad" in check(client, reencoded("rocket"))
    # Nothing of it is in the audit trail (the one add is the shared bank's), and the report is
    # still pending: the refusal came before the decision.
    written = [(e["action"], e.get("detail", "")) for e in AuditLog(redis_client).recent(50)]
    assert [action for action, _ in written if action.startswith(("bank.", "report."))] == ["bank.added"]
    assert DEFAULTS not in json.dumps(written)
    decided = client.post(f"/v1/reports/{report_id}/confirm", json={"label": "other"}, headers=trainer)
    assert decided.status_code == 200


def test_a_maintainer_adds_to_the_defaults_and_is_told_how_many_entries_it_silences(
    client: FlaskClient, redis_client: redis.Redis
) -> None:
    trainer = trainer_key(redis_client)
    for name in (STOCK, "rocket"):
        assert add(client, "shared", trainer, avatar=b64(photo_bytes(name))).status_code == 201
    assert add(client, "other-ngo", trainer, avatar=b64(cropped_mirrored_copy(STOCK))).status_code == 201
    added = add(client, DEFAULTS, MAINTAINER, avatar=b64(photo_bytes(STOCK)), label="other")
    assert added.status_code == 201, added.get_json()
    assert added.get_json()["shadowed_entries"] == 2  # the stock photo in both banks, not the rocket
    assert "avatar.known_bad" not in check(client, reencoded(STOCK))
    assert "avatar.known_bad" in check(client, reencoded("rocket"))
    # Only the defaults bank's answer says it; a trainer's entry elsewhere gets its id alone.
    other = add(client, "shared", trainer, avatar=b64(photo_bytes("coffee")))
    assert other.status_code == 201 and set(other.get_json()) == {"id"}
    # The maintainer's add is audited as any add is.
    actions = [(e["action"], e["actor"]) for e in AuditLog(redis_client).recent(10)]
    assert ("bank.added", "key:bootstrap") in actions


def test_trainers_still_read_and_export_the_defaults_and_the_cli_still_writes_them(
    app: Flask, client: FlaskClient, redis_client: redis.Redis, tmp_path: Path
) -> None:
    trainer = trainer_key(redis_client)
    assert add(client, DEFAULTS, MAINTAINER, avatar=b64(photo_bytes(STOCK)), label="other").status_code == 201
    listed = client.get("/v1/banks", headers=trainer).get_json()["banks"]
    assert [b["entries"] for b in listed if b["name"] == DEFAULTS] == [1]
    exported = client.get(f"/v1/banks/{DEFAULTS}/export", headers=trainer)
    assert exported.status_code == 200
    line = exported.get_data(as_text=True)
    entry_id = json.loads(line)["id"]
    # A trainer's key cannot import into it (the import door is a maintainer's for every bank).
    trainer_jsonl = {**trainer, "Content-Type": "application/x-ndjson"}
    assert client.post(f"/v1/banks/{DEFAULTS}/import", data=line, headers=trainer_jsonl).status_code == 403
    # The operator's CLI (a maintainer's door) removes and imports it, audited as "cli".
    runner = app.test_cli_runner()
    removed = runner.invoke(args=["bank", "remove", DEFAULTS, entry_id])
    assert removed.exit_code == 0 and "removed 1 of 1" in removed.output
    source = tmp_path / "defaults.jsonl"
    source.write_text(line)
    imported = runner.invoke(args=["bank", "import", DEFAULTS, str(source)])
    assert imported.exit_code == 0, imported.output
    assert defaults_entries(redis_client) == 1
    actions = {(e["action"], e["actor"]) for e in AuditLog(redis_client).recent(10)}
    assert {("bank.removed", "cli"), ("bank.imported", "cli")} <= actions


def register(client: FlaskClient, photo: bytes) -> None:
    person = {
        "display_names": ["Hala Ahed"],
        "accounts": [{"platform": "instagram", "account_id": "42"}],
        "avatars": [b64(photo)],
    }
    assert client.post("/v1/protected", json=person, headers=MAINTAINER).status_code == 201


def anonymous_findings(client: FlaskClient, photo: bytes) -> dict[str, Any]:
    body = {
        "platform": "instagram",
        "profile": {"display_name": "Lina Saab", "account_id": "9001", "has_avatar": True},
        "avatar": b64(photo),
    }
    answer = client.post("/v1/check", json=body)
    assert answer.status_code == 200
    return {f["code"]: f for f in answer.get_json()["findings"]}


def test_a_photo_registered_before_its_default_names_nobody_showing_the_default(
    client: FlaskClient, redis_client: redis.Redis
) -> None:
    """Ordering: her registered photo is a crop of a stock photo, registered before a maintainer
    put the stock photo in the defaults bank by its fingerprint (which, without the photo's
    pixels, does not confirm her crop: the add is not refused). A check of the stock photo then
    took its account for her impersonator; now it is a default, and names nobody."""
    register(client, cropped_mirrored_copy(STOCK))
    found = anonymous_findings(client, reencoded(STOCK))
    assert "impersonation.protected_person" in found
    assert set(found["impersonation.protected_person"]["evidence"]) <= {"name_similarity", "avatar_distance"}
    default = fingerprint_bytes(photo_bytes(STOCK)).hex
    assert add(client, DEFAULTS, MAINTAINER, avatar_hash=default, label="other").status_code == 201
    found = anonymous_findings(client, reencoded(STOCK))
    assert "impersonation.protected_person" not in found and "avatar.missing_or_default" in found


@dataclass
class Person:
    display_names: list[str]
    accounts: list[Any]
    avatar_hashes: list[str]
    note: str | None


class Asked:
    """The defaults confirmation, counting its calls (what it answers is fixed by the test)."""

    def __init__(self, answer: bool | None) -> None:
        self.answer = answer
        self.calls = 0

    def __call__(self, picture: AvatarFingerprint) -> int | None:
        """The default's distance: 0 (the picture is the default itself) when it is one."""
        self.calls += 1
        if self.answer is None:
            raise ServiceUnavailable("banks")
        return 0 if self.answer else None


class CountedMatcher(PhotoMatcher):
    calls = 0

    def matches(self, query: AvatarFingerprint) -> Any:
        CountedMatcher.calls += 1
        return super().matches(query)


def test_the_registry_asks_the_defaults_whatever_it_holds_and_matches_its_photos_all_the_same(
    redis_client: redis.Redis, monkeypatch: Any
) -> None:
    """Constant work: the defaults confirmation is asked of every picture, and the registry's
    photos are matched for a default too, so a default costs the same whether or not a
    registered photo matches it, and a match costs what a miss does up to the answer."""
    import server.lookups.protected as protected_lookup

    monkeypatch.setattr(protected_lookup, "PhotoMatcher", CountedMatcher)
    picture = fingerprint_bytes(reencoded(STOCK))
    store = ProtectedStore(redis_client)
    results = {}
    for registered in (False, True):
        if registered:
            mine = fingerprint_bytes(photo_bytes(STOCK))  # a hash alone confirms a re-upload
            store.add(Person(["Hala Ahed"], [], [mine.hex], None), "t")
        for answer in (False, True, None):
            asked = Asked(answer)
            lookup = ProtectedLookup(store, check_every=0, default_distance=asked)
            CountedMatcher.calls = 0
            found = lookup.photo_matches(picture)
            results[registered, answer] = (asked.calls, CountedMatcher.calls, len(found))
    # Asked once and matched once every time; a default's match dropped; banks down: as before.
    assert results == {
        (False, False): (1, 1, 0),
        (False, True): (1, 1, 0),
        (False, None): (1, 1, 0),
        (True, False): (1, 1, 1),
        (True, True): (1, 1, 0),
        (True, None): (1, 1, 1),
    }
