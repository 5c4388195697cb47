"""Red team: a common picture banked, or registered as a protected person's photo.

A bank entry flags everyone showing its picture. The flat-picture guard
(``low_information_fingerprint``) kept blank and gradient avatars out, but not a richer common
picture: a platform's default silhouette, a logo, a stock photo. A trainer's slip (a bait
account's photo that is the platform's default), or a partner's file, banked one, and every
genuine account wearing it was told ``avatar.known_bad``; registered as a protected person's
photo, every such account was taken for her impersonator.

The ``platform-defaults`` bank says which pictures are common. Now:

1. A picture the known-bad confirmation finds a copy of in that bank is refused (422
   ``common_picture``, naming the field, or ``entry N`` of an imported file, nothing of which is
   imported) at every door: a bank's (photo or ``avatar_hash``), an import, a report confirmed
   into a bank, the protected-people registry (photo or ``avatar_hashes``). The defaults bank
   itself takes it.
2. An entry stored before its picture joined the defaults bank flags no one wearing it: a check
   whose avatar is a copy of a default is told no ``avatar.known_bad``.

The "stock photo" here is tests/data/photos/astronaut.jpg, which a maintainer put in the defaults
bank; rocket.jpg stands for a genuine bait account's photo.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import redis
from flask import Flask
from flask.testing import FlaskClient

from heuristics.images import decode, fingerprint, fingerprint_bytes
from server.roles import Role
from server.storage.apikeys import create_api_key
from server.storage.banks import BankStore
from tests.api.test_banks import MAINTAINER, b64, codes, cropped_mirrored_copy, photo_bytes

JSONL = {**MAINTAINER, "Content-Type": "application/x-ndjson"}
STOCK = "astronaut"


def reencoded(name: str) -> bytes:
    """A re-upload of a photo: smaller, and saved again at a lower JPEG quality."""
    out = io.BytesIO()
    decode(photo_bytes(name), target_side=None).resize((180, 180)).save(out, "JPEG", quality=60)
    return out.getvalue()


def trainer_key(redis_client: redis.Redis) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_api_key(redis_client, Role.TRAINER, 'amal')}"}


def add(client: FlaskClient, bank: str, headers: dict[str, str], **body: Any) -> Any:
    return client.post(f"/v1/banks/{bank}/entries", json={"label": "entrapment", **body}, headers=headers)


def a_default(client: FlaskClient) -> None:
    """A maintainer puts the stock photo in the defaults bank (from its photo: with keypoints)."""
    added = add(client, "platform-defaults", MAINTAINER, avatar=b64(photo_bytes(STOCK)), label="other")
    assert added.status_code == 201


def refused_as_common(response: Any, field: str) -> None:
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "common_picture" and error["field"] == field, error
    assert "platform-defaults" in error["message"]


def check(client: FlaskClient, photo: bytes) -> set[str]:
    body = {"platform": "instagram", "profile": {"has_avatar": True}, "avatar": b64(photo)}
    return codes(client.post("/v1/check", json=body).get_json())


def test_a_copy_of_a_default_never_enters_a_bank_through_its_door(
    client: FlaskClient, redis_client: redis.Redis
) -> None:
    trainer = trainer_key(redis_client)
    a_default(client)
    # A cropped, mirrored copy of it (the photo's pixels confirm it geometrically) …
    refused_as_common(add(client, "shared", trainer, avatar=b64(cropped_mirrored_copy(STOCK))), "avatar")
    # … and a re-upload's fingerprint, sent alone.
    copy_hash = fingerprint_bytes(reencoded(STOCK)).hex
    refused_as_common(add(client, "shared", trainer, avatar_hash=copy_hash), "avatar_hash")
    assert client.get("/v1/banks/shared/export", headers=MAINTAINER).status_code == 404
    assert "avatar.known_bad" not in check(client, reencoded(STOCK))
    # The defaults bank itself takes it (again), and a genuine bait photo still banks.
    assert add(client, "platform-defaults", MAINTAINER, avatar_hash=copy_hash, label="other").status_code == 201
    assert add(client, "shared", trainer, avatar=b64(photo_bytes("rocket"))).status_code == 201
    assert "avatar.known_bad" in check(client, reencoded("rocket"))


def test_a_partner_file_with_a_default_is_refused_whole(
    app: Flask, client: FlaskClient, redis_client: redis.Redis, tmp_path: Path
) -> None:
    a_default(client)

    def line(name: str, entry_id: str) -> str:
        found = fingerprint(decode(reencoded(name)))
        return json.dumps(
            {"id": entry_id, "fingerprint": found.hex, "label": "stock_photo", "added_at": 1, "added_by": "m"}
        )

    body = line("rocket", "good-1") + "\n" + line(STOCK, "stock-1") + "\n"
    refused = client.post("/v1/banks/partner/import", data=body, headers=JSONL)
    refused_as_common(refused, "entry 2")
    assert refused.get_json()["error"]["message"].startswith("Entry 2 ")
    assert client.get("/v1/banks/partner/export", headers=MAINTAINER).status_code == 404  # nothing half-imported
    # So is it through `flask bank import` (run on the server), naming the entry.
    source = tmp_path / "partner.jsonl"
    source.write_text(body)
    refused_cli = app.test_cli_runner().invoke(args=["bank", "import", "partner", str(source)])
    assert (
        refused_cli.exit_code != 0
        and "entry 2: Entry 2 matches a picture of the platform-defaults" in refused_cli.output
    )
    assert client.get("/v1/banks/partner/export", headers=MAINTAINER).status_code == 404
    # Into the defaults bank, the same file imports.
    assert client.post("/v1/banks/platform-defaults/import", data=body, headers=JSONL).status_code == 200


def test_a_default_is_refused_at_a_reports_confirmation_and_at_the_registry(
    client: FlaskClient, redis_client: redis.Redis
) -> None:
    trainer = trainer_key(redis_client)
    a_default(client)
    filed = client.post("/v1/reports", json={"platform": "x", "profile": {"account_id": "77"}, "reason": "entrapment"})
    report_id = filed.get_json()["id"]
    confirm = {"bank": "entrapment-cases", "label": "entrapment", "avatar": b64(reencoded(STOCK))}
    refused_as_common(client.post(f"/v1/reports/{report_id}/confirm", json=confirm, headers=trainer), "avatar")
    assert "avatar.known_bad" not in check(client, photo_bytes(STOCK))

    person = {"display_names": ["Hala Ahed"], "accounts": [{"platform": "x", "account_id": "42"}]}
    for sent, field in (
        ({"avatars": [b64(cropped_mirrored_copy(STOCK))]}, "avatars.0"),
        ({"avatar_hashes": [fingerprint_bytes(reencoded(STOCK)).hex]}, "avatar_hashes.0"),
    ):
        refused_as_common(client.post("/v1/protected", json=person | sent, headers=trainer), field)
    assert client.get("/v1/protected", headers=trainer).get_json()["people"] == []
    # Her own photo registers; the report, still pending, banks the bait's real photo.
    own = person | {"avatars": [b64(photo_bytes("coffee"))]}
    assert client.post("/v1/protected", json=own, headers=trainer).status_code == 201
    real = confirm | {"avatar": b64(photo_bytes("rocket"))}
    assert client.post(f"/v1/reports/{report_id}/confirm", json=real, headers=trainer).status_code == 200


def test_an_entry_banked_before_its_default_flags_no_one_wearing_it(
    client: FlaskClient, redis_client: redis.Redis
) -> None:
    """Ordering: the stock photo was banked as a bait account's before a maintainer put it in
    the defaults bank. From then on, accounts showing it are told it is a default, not known bad;
    the bank's other entries still flag their copies."""
    trainer = trainer_key(redis_client)
    for name in (STOCK, "rocket"):
        assert add(client, "shared", trainer, avatar=b64(photo_bytes(name))).status_code == 201
    assert "avatar.known_bad" in check(client, cropped_mirrored_copy(STOCK))
    a_default(client)
    found = check(client, cropped_mirrored_copy(STOCK))
    assert "avatar.known_bad" not in found and "avatar.missing_or_default" in found
    assert "avatar.known_bad" not in check(client, reencoded(STOCK))
    assert "avatar.known_bad" in check(client, cropped_mirrored_copy("rocket"))


def test_an_export_dates_entries_to_the_day(client: FlaskClient, redis_client: redis.Redis) -> None:
    """A partner's copy of an export, or a seized one, says on which day an entry was added, not
    at which second (the stored entry keeps its second)."""
    found = fingerprint(decode(photo_bytes("rocket")))
    line = {"id": "r1", "fingerprint": found.hex, "label": "entrapment", "added_at": 1_700_000_123, "added_by": "m"}
    assert client.post("/v1/banks/partner/import", data=json.dumps(line) + "\n", headers=JSONL).status_code == 200
    exported = client.get("/v1/banks/partner/export", headers=MAINTAINER).get_data(as_text=True)
    assert json.loads(exported)["added_at"] == 1_699_920_000  # 2023-11-14 00:00 UTC
    assert BankStore(redis_client).stored("partner", ["r1"])["r1"].added_at == 1_700_000_123
