"""Hash banks over HTTP and the CLI, avatars in /v1/check, and the reuse counter, on a real Redis."""

from __future__ import annotations

import base64
import io
import json
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image, ImageOps

from heuristics.images import AvatarFingerprint, decode, fingerprint, fingerprint_bytes
from server.roles import Role
from server.storage.apikeys import create_api_key

PHOTOS = Path(__file__).resolve().parents[1] / "data" / "photos"
MAINTAINER = {"Authorization": "Bearer test-bootstrap-key"}


def photo_bytes(name: str) -> bytes:
    return (PHOTOS / f"{name}.jpg").read_bytes()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def cropped_mirrored_copy(name: str) -> bytes:
    image = decode(photo_bytes(name), target_side=None)
    w, h = image.size
    copy = ImageOps.mirror(image.crop((w // 20, h // 20, w - w // 20, h - h // 20))).resize((150, 150))
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=70)
    return out.getvalue()


@pytest.fixture
def trainer(redis_client: redis.Redis) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_api_key(redis_client, Role.TRAINER, 'amal')}"}


def add(client: FlaskClient, bank: str, headers: dict[str, str], **body: Any) -> Any:
    return client.post(f"/v1/banks/{bank}/entries", json=body, headers=headers)


def codes(report: dict[str, Any]) -> set[str]:
    return {f["code"] for f in report["findings"]}


def test_check_with_cropped_mirrored_copy_of_a_banked_photo_is_known_bad(
    client: FlaskClient, trainer: dict[str, str]
) -> None:
    created = add(client, "ngo-1", trainer, avatar=b64(photo_bytes("astronaut")), label="stolen_photo", platform="x")
    assert created.status_code == 201 and created.get_json()["id"]
    body = {"platform": "instagram", "profile": {"has_avatar": True}, "avatar": b64(cropped_mirrored_copy("astronaut"))}
    report = client.post("/v1/check", json=body).get_json()
    finding = next(f for f in report["findings"] if f["code"] == "avatar.known_bad")
    assert finding["evidence"]["bank"] == "ngo-1" and finding["evidence"]["label"] == "stolen_photo"
    assert 0 <= finding["evidence"]["distance"] <= 10 and finding["points"] > 4
    assert "ngo-1" in finding["message"] and "stolen photo" in finding["message"]
    assert report["level"] == "high"
    assert AvatarFingerprint.from_hex(report["avatar_hash"]).probes

    other = dict(body, avatar=b64(photo_bytes("chelsea")))
    assert "avatar.known_bad" not in codes(client.post("/v1/check", json=other).get_json())


def test_a_banked_photo_never_flags_a_protected_persons_own_accounts(
    client: FlaskClient, trainer: dict[str, str]
) -> None:
    """Fakes reported with a defender's stolen photo may put it in a bank before she is registered
    (registering her photo later refuses it, but not her accounts alone). Her own registered
    accounts — by id, or by handle as the platform compares handles (Facebook ignores dots) — are
    then never flagged by it; anybody else's new account with the photo still is."""
    photo = b64(photo_bytes("astronaut"))
    assert add(client, "ngo-1", trainer, avatar=photo, label="entrapment").status_code == 201
    person = {
        "display_names": ["Hala Ahed"],
        "accounts": [{"platform": "x", "account_id": "4242"}, {"platform": "facebook", "handle": "hala.ahed"}],
    }
    assert client.post("/v1/protected", json=person, headers=MAINTAINER).status_code == 201

    def flagged(platform: str, **profile: str) -> bool:
        body = {"platform": platform, "profile": {"joined": "2026-10", **profile}, "avatar": photo}
        return "avatar.known_bad" in codes(client.post("/v1/check", json=body).get_json())

    assert not flagged("x", account_id="4242")
    assert not flagged("facebook", handle="HalaAhed")  # facebook.com/hala.ahed is facebook.com/halaahed
    assert flagged("x", account_id="4243")
    assert flagged("instagram", handle="halaahed")  # Instagram's dots count: another account
    assert flagged("x", handle="hala.ahed")  # her Facebook handle on X is somebody else's


def test_a_client_sent_avatar_hash_is_used_when_no_bytes_are_sent(client: FlaskClient, trainer: dict[str, str]) -> None:
    stored = fingerprint(decode(photo_bytes("coffee")))
    assert add(client, "ngo-1", trainer, avatar_hash=stored.hex, label="campaign").status_code == 201
    # The extension keeps the avatar_hash a previous check returned, never the photo. Hash
    # against hash, the detail hashes of the pictures' centres confirm a mirrored re-encode…
    image = decode(photo_bytes("coffee"), target_side=None)
    out = io.BytesIO()
    ImageOps.mirror(image).resize((200, 133)).save(out, "JPEG", quality=70)
    first = client.post("/v1/check", json={"platform": "x", "avatar": b64(out.getvalue())}).get_json()
    again = client.post("/v1/check", json={"platform": "x", "avatar_hash": first["avatar_hash"]}).get_json()
    assert "avatar.known_bad" in codes(again) and again["avatar_hash"] == first["avatar_hash"]
    assert "avatar.known_bad" in codes(first)  # with the photo too: hash against hash, the same
    # … but not a crop: an entry without keypoints is confirmed hash against hash even when the
    # check sends the photo (heuristics.matching.PhotoMatcher: the checked picture's pixels would
    # find crops, and accuse about one stranger's portrait in 5,000 per entry).
    crop = {"platform": "x", "avatar": b64(cropped_mirrored_copy("coffee"))}
    assert "avatar.known_bad" not in codes(client.post("/v1/check", json=crop).get_json())
    # Adding the photo again gives the entry keypoints, and the geometric check finds the crop.
    assert add(client, "ngo-1", trainer, avatar=b64(photo_bytes("coffee")), label="campaign").status_code == 201
    assert "avatar.known_bad" in codes(client.post("/v1/check", json=crop).get_json())
    bad = client.post("/v1/check", json={"platform": "x", "avatar_hash": "abcd"})
    assert bad.status_code == 422 and bad.get_json()["error"]["field"] == "avatar_hash"


def png_declaring(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (png_declaring(50_000, 50_000), 413, "image_too_many_pixels"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", 415, "image_format_not_allowed"),
        (photo_bytes("rocket")[:300], 422, "image_corrupt"),
    ],
)
def test_check_refuses_bad_images_with_a_4xx_naming_avatar(
    client: FlaskClient, data: bytes, status: int, code: str
) -> None:
    response = client.post("/v1/check", json={"platform": "x", "avatar": b64(data)})
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code and response.get_json()["error"]["field"] == "avatar"
    multipart = client.post(
        "/v1/check",
        data={"check": json.dumps({"platform": "x"}), "avatar": (io.BytesIO(data), "a.png", "image/png")},
        content_type="multipart/form-data",
    )
    assert multipart.status_code == status and multipart.get_json()["error"]["field"] == "avatar"


def test_bank_entries_need_a_trainer_and_valid_input(client: FlaskClient, trainer: dict[str, str]) -> None:
    entry = {"avatar": b64(photo_bytes("astronaut")), "label": "entrapment"}
    assert client.post("/v1/banks/ngo-1/entries", json=entry).status_code == 401
    assert add(client, "ngo-1", trainer, label="entrapment").get_json()["error"]["field"] == "avatar"
    both = add(client, "ngo-1", trainer, avatar=entry["avatar"], avatar_hash="ab" * 8, label="other")
    assert both.status_code == 422
    assert add(client, "ngo-1", trainer, avatar=entry["avatar"], label="villain").status_code == 422
    assert add(client, "Bad Name!", trainer, **entry).get_json()["error"]["field"] == "bank"
    html = add(client, "ngo-1", trainer, avatar=b64(b"<html></html>"), label="other")
    assert html.status_code == 415 and html.get_json()["error"]["code"] == "image_format_not_allowed"
    assert client.get("/v1/banks", headers=trainer).get_json() == {"banks": []}


def test_a_fingerprint_in_a_form_that_never_confirms_is_refused(client: FlaskClient, trainer: dict[str, str]) -> None:
    """A bare 64-bit phash or a version 1 fingerprint parses (older entries and exports) but never
    confirms a match: added by hash, it grew the bank's count and never warned anyone. Refused
    with a stable code naming the field; the form this server makes (version 2) is added."""
    made = fingerprint_bytes(photo_bytes("rocket"))
    legacy = {
        "bare phash": f"{made.primary:016x}",
        "version 1": "01" + "01" + f"{made.primary:016x}" * 2,
        "version 1, several photos merged": "01"
        + "04"
        + "".join(f"{h:016x}" for h in (*made.probes, *made.references)),
    }
    for shape, value in legacy.items():
        refused = add(client, "ngo-1", trainer, avatar_hash=value, label="entrapment")
        assert refused.status_code == 422, shape
        assert refused.get_json()["error"]["code"] == "legacy_fingerprint", shape
        assert refused.get_json()["error"]["field"] == "avatar_hash", shape
    assert client.get("/v1/banks", headers=trainer).get_json()["banks"] == []
    added = add(client, "ngo-1", trainer, avatar_hash=made.hex.upper(), label="entrapment")
    assert added.status_code == 201
    (listed,) = client.get("/v1/banks", headers=trainer).get_json()["banks"]
    assert (listed["entries"], listed["never_confirm"]) == (1, 0)
    found = known_bad_codes(client, photo_bytes("rocket"))
    assert "avatar.known_bad" in found


def known_bad_codes(client: FlaskClient, photo: bytes) -> set[str]:
    return codes(client.post("/v1/check", json={"platform": "x", "avatar": b64(photo)}).get_json())


def test_bank_round_trips_through_export_and_import(
    client: FlaskClient, trainer: dict[str, str], redis_client: redis.Redis
) -> None:
    for name, label in (("astronaut", "entrapment"), ("coffee", "stock_photo")):
        response = add(client, "ngo-1", trainer, avatar=b64(photo_bytes(name)), label=label, account_id="99", note="n")
        assert response.status_code == 201
    listing = client.get("/v1/banks", headers=trainer).get_json()["banks"]
    assert [(b["name"], b["entries"]) for b in listing] == [("ngo-1", 2)]

    exported = client.get("/v1/banks/ngo-1/export", headers=trainer)
    assert exported.status_code == 200 and exported.mimetype == "application/x-ndjson"
    lines = [json.loads(line) for line in exported.get_data(as_text=True).splitlines()]
    assert {line["label"] for line in lines} == {"entrapment", "stock_photo"}
    assert all(line["added_by"] == "trainer" and line["account_id"] == "99" for line in lines)
    # The photo itself is nowhere in Redis: only fingerprints.
    entries = redis_client.keys("haris:{banks}:bank:*:entries")
    raw = b"".join(v for k in entries for v in redis_client.hgetall(k).values())
    assert b64(photo_bytes("astronaut"))[:40].encode() not in raw and b"JFIF" not in raw

    body = exported.get_data()
    imported_by_trainer = client.post(
        "/v1/banks/copy/import", data=body, headers=trainer, content_type="application/x-ndjson"
    )
    assert imported_by_trainer.status_code == 403
    imported = client.post("/v1/banks/copy/import", data=body, headers=MAINTAINER, content_type="application/x-ndjson")
    assert imported.status_code == 200 and imported.get_json() == {"imported": 2}
    again = client.get("/v1/banks/copy/export", headers=trainer).get_data()
    assert again == body

    broken = body + b'{"id": "x", "fingerprint": "zz", "label": "other", "added_at": 1, "added_by": "m"}\n'
    refused = client.post(
        "/v1/banks/copy2/import", data=broken, headers=MAINTAINER, content_type="application/x-ndjson"
    )
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "line 3"
    assert client.get("/v1/banks/copy2/export", headers=trainer).status_code == 404  # nothing half-written


def test_cli_export_then_import_round_trips(
    app: Flask, client: FlaskClient, trainer: dict[str, str], tmp_path: Path
) -> None:
    assert add(client, "ngo-1", trainer, avatar=b64(photo_bytes("rocket")), label="campaign").status_code == 201
    runner = app.test_cli_runner()
    target = tmp_path / "ngo-1.jsonl"
    exported = runner.invoke(args=["bank", "export", "ngo-1", "--output", str(target)])
    assert exported.exit_code == 0, exported.output
    imported = runner.invoke(args=["bank", "import", "mirror", str(target)])
    assert imported.exit_code == 0 and "imported 1" in imported.output
    stdout = runner.invoke(args=["bank", "export", "mirror"])
    assert stdout.exit_code == 0 and stdout.stdout == target.read_text()
    assert runner.invoke(args=["bank", "export", "nope"]).exit_code != 0
    (tmp_path / "bad.jsonl").write_text("not json\n")
    assert runner.invoke(args=["bank", "import", "x", str(tmp_path / "bad.jsonl")]).exit_code != 0

    # The new bank is matched by checks in this worker: its version changed, so its index reloads.
    body = {"platform": "x", "avatar": b64(cropped_mirrored_copy("rocket"))}
    findings = client.post("/v1/check", json=body).get_json()["findings"]
    assert {f["evidence"]["bank"] for f in findings if f["code"] == "avatar.known_bad"} <= {"ngo-1", "mirror"}
    assert any(f["code"] == "avatar.known_bad" for f in findings)


def test_defaults_bank_makes_missing_or_default_fire(client: FlaskClient) -> None:
    silhouette = Image.new("RGB", (120, 120), (210, 210, 210))
    silhouette.paste((150, 150, 150), (40, 20, 80, 60))
    silhouette.paste((150, 150, 150), (25, 70, 95, 120))
    out = io.BytesIO()
    silhouette.save(out, "PNG")
    assert add(client, "platform-defaults", MAINTAINER, avatar=b64(out.getvalue()), label="other").status_code == 201
    shown = io.BytesIO()
    silhouette.resize((64, 64)).save(shown, "JPEG", quality=80)
    report = client.post("/v1/check", json={"platform": "x", "avatar": b64(shown.getvalue())}).get_json()
    assert "avatar.missing_or_default" in codes(report) and "avatar.known_bad" not in codes(report)


def test_shared_photo_fires_past_the_cap_and_stores_nothing_in_the_main_store(
    client: FlaskClient, redis_client: redis.Redis, limiter_client: redis.Redis
) -> None:
    """The photo part of the campaign aggregate (docs/campaigns.md): copies of one photo on new
    accounts checked from different clients are counted, once per account; nothing of it is in
    the main store, and the limiter store holds counters only, no account id."""

    def check(account: str, data: bytes, address: str) -> dict[str, Any]:
        body = {"platform": "instagram", "profile": {"account_id": account, "joined": "2026-10"}, "avatar": b64(data)}
        return client.post("/v1/check", json=body, environ_base={"REMOTE_ADDR": address}).get_json()

    client.application.extensions["haris"].campaigns.rng = np.random.default_rng(7)  # noise and keys: seeded
    original = photo_bytes("chelsea")
    for n in range(12):
        data = original if n % 2 else cropped_mirrored_copy("chelsea")
        assert "campaign.shared_photo" not in codes(check("acct-111", data, f"203.0.113.{n}"))  # one account
    for n in range(12):
        last = check(f"acct-{200 + n}", original, f"198.51.100.{n}")
    assert "campaign.shared_photo" in codes(last)
    assert "campaign.shared_photo" not in codes(check("acct-999", photo_bytes("coffee"), "192.0.2.1"))
    assert not redis_client.keys("haris:reuse:*") and not redis_client.keys("haris:*campaign*")
    keys = limiter_client.keys("haris:{campaign}:*")
    assert keys and all(limiter_client.ttl(k) > 0 for k in keys)
    assert b"acct-" not in b" ".join(keys + [limiter_client.get(k) or b"" for k in keys])


def test_redis_down_lists_avatar_signals_as_unavailable(make_app: Any, tmp_path: Path) -> None:
    app = make_app(REDIS_URL=f"unix://{tmp_path}/nothing.sock")
    body = {"platform": "x", "profile": {"account_id": "1"}, "avatar": b64(photo_bytes("astronaut"))}
    report = app.test_client().post("/v1/check", json=body).get_json()
    assert "avatar.known_bad" in set(report["unavailable"])
    assert report["avatar_hash"]


def test_bank_responses_match_the_openapi_document(client: FlaskClient, trainer: dict[str, str]) -> None:
    from tests.api.test_openapi import response_schema, validator_for

    document = client.get("/openapi.json").get_json()
    created = add(client, "ngo-1", trainer, avatar=b64(photo_bytes("coffee")), label="other")
    validator_for(document, response_schema(document, "/v1/banks/{bank}/entries", "post", 201)).validate(
        created.get_json()
    )
    listing = client.get("/v1/banks", headers=trainer)
    validator_for(document, response_schema(document, "/v1/banks", "get", 200)).validate(listing.get_json())
    exported = client.get("/v1/banks/ngo-1/export", headers=trainer).get_data()
    imported = client.post(
        "/v1/banks/b2/import", data=exported, headers=MAINTAINER, content_type="application/x-ndjson"
    )
    validator_for(document, response_schema(document, "/v1/banks/{bank}/import", "post", 200)).validate(
        imported.get_json()
    )
    refused = client.post("/v1/banks/ngo-1/entries", json={"label": "other"})
    validator_for(document, response_schema(document, "/v1/banks/{bank}/entries", "post", 401)).validate(
        refused.get_json()
    )


def test_worker_index_rebuilds_only_when_a_bank_version_changes(redis_client: redis.Redis) -> None:
    from heuristics.banks import BankLabel
    from server.lookups.banks import BanksLookup
    from server.storage.banks import BankStore, make_entry

    store = BankStore(redis_client)
    service = BanksLookup(store)
    astronaut = fingerprint(decode(photo_bytes("astronaut")))
    copy = fingerprint(decode(cropped_mirrored_copy("astronaut")))
    assert service.match(copy) is None
    store.add("a", [make_entry(astronaut, BankLabel.ENTRAPMENT, "trainer")])
    store.add("b", [make_entry(fingerprint(decode(photo_bytes("coffee"))), BankLabel.OTHER, "trainer")])
    found = service.match(copy)
    assert found is not None and found.entry.bank == "a"
    index_a, index_b = service.copy.loaded[1]["a"], service.copy.loaded[1]["b"]
    service.match(copy)
    assert service.copy.loaded[1]["a"] is index_a  # nothing changed: nothing rebuilt
    store.add("b", [make_entry(fingerprint(decode(photo_bytes("rocket"))), BankLabel.OTHER, "trainer")])
    service.match(copy)
    assert service.copy.loaded[1]["a"] is index_a and service.copy.loaded[1]["b"] is not index_b
    assert len(service.copy.loaded[1]["b"]) == 2


def test_reuse_counts_only_accounts_inside_the_window_and_mirrors_in_any_order(redis_client: redis.Redis) -> None:
    from PIL import ImageOps

    from server.lookups.reuse import ReuseLookup

    now = [1_800_000_000.0]
    reuse = ReuseLookup(redis_client, b"k" * 32, clock=lambda: now[0])
    image = decode(photo_bytes("coffee"))
    original, mirrored = fingerprint(image), fingerprint(ImageOps.mirror(image))
    day = 86_400
    assert reuse.observe(mirrored, "x:1", 30 * day) == 1
    now[0] += 10 * day
    assert reuse.observe(original, "x:2", 30 * day) == 2  # the mirror seen first still counts
    now[0] += 25 * day
    assert reuse.observe(original, "x:3", 30 * day) == 2  # x:1 was 35 days ago: outside the window
    assert reuse.observe(fingerprint(decode(photo_bytes("rocket"))), "x:4", 30 * day) == 1
    other_secret = ReuseLookup(redis_client, b"j" * 32, clock=lambda: now[0])
    assert other_secret.account_key("x:1") != reuse.account_key("x:1")


def test_reuse_keeps_days_not_times_and_expires_with_the_window(redis_client: redis.Redis) -> None:
    """Findings 1 and 17: scores are day numbers (no check's time to the second), keys expire
    window_days after the day of their last write (30 by default, as documented), and a batch is
    written in shuffled order, seen by other workers only once written."""
    from server.lookups.reuse import DAY_SECONDS, ReuseLookup

    now = [1_800_000_000.0 + 12_345.678]
    writer = ReuseLookup(redis_client, b"k" * 32, clock=lambda: now[0], batch_size=3)
    reader = ReuseLookup(redis_client, b"k" * 32, clock=lambda: now[0])
    photos = [fingerprint(decode(photo_bytes(name))) for name in ("coffee", "rocket", "chelsea")]
    for number, photo in enumerate(photos[:2]):
        writer.observe(photo, f"x:{number}", 30 * DAY_SECONDS)
    assert redis_client.keys("haris:reuse:*") == []  # waiting in the worker
    assert reader.observe(photos[0], "x:9", 30 * DAY_SECONDS) == 1
    writer.observe(photos[2], "x:2", 30 * DAY_SECONDS)  # the third: the batch is written
    assert reader.observe(photos[0], "x:8", 30 * DAY_SECONDS) == 3  # x:0 written, x:9 waiting here
    today = int(now[0] // DAY_SECONDS)
    for key in redis_client.keys("haris:reuse:*"):
        scores = {score for _, score in redis_client.zrange(key, 0, -1, withscores=True)}
        assert scores == {float(today)}, key
        expected = int((today + 31) * DAY_SECONDS - now[0])  # the day's end plus 30 days, by the service's clock
        assert expected - 2 <= redis_client.ttl(key) <= expected


def test_api_additions_and_imports_are_audited_with_the_keys_label(
    client: FlaskClient, trainer: dict[str, str], redis_client: redis.Redis
) -> None:
    from server.storage.audit import AuditLog

    created = add(client, "ngo-1", trainer, avatar=b64(photo_bytes("coffee")), label="campaign")
    assert created.status_code == 201
    exported = client.get("/v1/banks/ngo-1/export", headers=trainer).get_data()
    imported = client.post(
        "/v1/banks/b2/import", data=exported, headers=MAINTAINER, content_type="application/x-ndjson"
    )
    assert imported.status_code == 200
    assert [(e["actor"], e["action"], e["target"], e["detail"]) for e in AuditLog(redis_client).recent()] == [
        ("key:bootstrap", "bank.imported", "b2", {"bank": "b2", "entries": 1}),
        ("key:amal", "bank.exported", "ngo-1", {"bank": "ngo-1", "entries": 1}),
        ("key:amal", "bank.added", created.get_json()["id"], {"bank": "ngo-1", "label": "campaign"}),
    ]


def test_a_removed_entry_stops_matching_in_every_worker_within_a_second(
    app: Flask, client: FlaskClient, trainer: dict[str, str], redis_client: redis.Redis
) -> None:
    """A wrongly banked photo (a genuine person's) must stop accusing. No door removed an entry:
    deleted by hand in Redis it moved no version, so every running worker kept matching it until
    the bank next changed (tests showed it an hour later). ``flask bank remove`` deletes entries
    and moves the version in one transaction, and the audit trail says who removed how many."""
    from server.lookups.banks import BanksLookup
    from server.storage.audit import AuditLog
    from server.storage.banks import BankStore

    now = [0.0]
    other_worker = BanksLookup(BankStore(redis_client), clock=lambda: now[0])
    wrong = add(client, "ngo-1", trainer, avatar=b64(photo_bytes("astronaut")), label="entrapment")
    kept = add(client, "ngo-1", trainer, avatar=b64(photo_bytes("rocket")), label="campaign")
    copy = fingerprint(decode(cropped_mirrored_copy("astronaut")))
    assert other_worker.match(copy) is not None
    runner = app.test_cli_runner()
    removed = runner.invoke(args=["bank", "remove", "ngo-1", wrong.get_json()["id"], "no-such-id"])
    assert removed.exit_code == 0 and "removed 1 of 2 entries from ngo-1" in removed.output
    assert other_worker.match(copy) is not None  # its copy is a second old at most …
    now[0] += 1.01
    assert other_worker.match(copy) is None  # … then gone
    assert other_worker.match(fingerprint(decode(cropped_mirrored_copy("rocket")))) is not None
    body = {"platform": "x", "avatar": b64(cropped_mirrored_copy("astronaut"))}
    assert "avatar.known_bad" not in codes(client.post("/v1/check", json=body).get_json())  # this worker: at once
    assert [e["id"] for e in json.loads("[" + ",".join(client.get("/v1/banks/ngo-1/export", headers=trainer)
                                                        .get_data(as_text=True).splitlines()) + "]")] == [
        kept.get_json()["id"]
    ]  # fmt: skip
    (entry,) = [e for e in AuditLog(redis_client).recent() if e["action"] == "bank.removed"]
    assert (entry["actor"], entry["target"], entry["detail"]) == ("cli", "ngo-1", {"bank": "ngo-1", "entries": 1})
    assert runner.invoke(args=["bank", "remove", "nope", "x"]).exit_code != 0


def test_a_chunked_import_over_the_body_limit_is_refused_not_cut_short(make_app: Any) -> None:
    """Without Content-Length, werkzeug stops reading at the limit; a cut that falls between two
    lines would look like a complete, shorter file and be imported in part."""
    line = b'{"id": "%08d", "fingerprint": "ffd8c0e0f0f8fcfe", "label": "other", "added_at": 1, "added_by": "m"}\n'
    size = len(line % 0)
    app = make_app(HARIS_MAX_BODY_BYTES=size * 100)  # the limit falls exactly after line 100
    client = app.test_client()
    body = b"".join(line % i for i in range(150))
    response = client.post(
        "/v1/banks/big/import",
        input_stream=io.BytesIO(body),
        content_type="application/x-ndjson",
        headers=MAINTAINER,
        environ_overrides={"wsgi.input_terminated": True, "CONTENT_LENGTH": ""},
    )
    assert response.status_code == 413 and response.get_json()["error"]["code"] == "body_too_large"
    assert client.get("/v1/banks/big/export", headers=MAINTAINER).status_code == 404
    whole = client.post(
        "/v1/banks/big/import", data=body[: size * 99], content_type="application/x-ndjson", headers=MAINTAINER
    )
    assert whole.status_code == 200 and whole.get_json() == {"imported": 99}


def test_the_listing_counts_entries_that_never_confirm_and_adding_the_photo_upgrades_them(
    client: FlaskClient, trainer: dict[str, str]
) -> None:
    """Migration: a legacy entry (version 1 or bare phash) still finds candidates but never
    confirms; an entry made from a fingerprint confirms by its detail hash alone; the listing says
    how many of each, and adding the photo again gives an entry that confirms geometrically."""
    made = fingerprint_bytes(photo_bytes("rocket"))
    legacy = "01" + "01" + f"{made.primary:016x}" * 2  # version 1: one probe, one reference
    # Such entries come from older servers' exports (added by hash, they are refused: above).
    line = json.dumps({"id": "old-1", "fingerprint": legacy, "label": "campaign", "added_at": 1, "added_by": "m"})
    imported = client.post(
        "/v1/banks/old/import", data=line + "\n", content_type="application/x-ndjson", headers=MAINTAINER
    )
    assert imported.status_code == 200, imported.get_json()
    assert add(client, "old", trainer, avatar_hash=made.hex, label="campaign").status_code == 201
    listing = client.get("/v1/banks", headers=trainer).get_json()["banks"]
    assert [(b["entries"], b["never_confirm"], b["without_keypoints"]) for b in listing] == [(2, 1, 1)]
    assert add(client, "old", trainer, avatar=b64(photo_bytes("rocket")), label="campaign").status_code == 201
    listing = client.get("/v1/banks", headers=trainer).get_json()["banks"]
    assert [(b["entries"], b["never_confirm"], b["without_keypoints"]) for b in listing] == [(3, 1, 1)]
    found = client.post("/v1/check", json={"platform": "x", "avatar": b64(cropped_mirrored_copy("rocket"))}).get_json()
    assert any(f["code"] == "avatar.known_bad" for f in found["findings"])


GOOD_LINE = {"id": "x", "fingerprint": "ffd8c0e0f0f8fcfe", "label": "other", "added_at": 1, "added_by": "m"}
# What a hostile file puts where an import error used to repeat it: markup, a bidi override, a
# secret-looking value (the file is another organisation's, or whoever wrote it).
PAYLOAD = "<img src=x onerror=alert(1)>\u202etpircs hk_SECRET"


@pytest.mark.parametrize(
    ("line", "status", "code", "message"),
    [
        (b"\xff\xfe" + PAYLOAD.encode(), 400, "bad_json", "Line 2 is not valid UTF-8 [not_utf8]."),
        (PAYLOAD.encode(), 422, "invalid_value", "Line 2 is not valid JSON [not_json]."),
        (json.dumps([PAYLOAD]).encode(), 422, "invalid_value", "Line 2 is not a JSON object [not_object]."),
        (json.dumps({**GOOD_LINE, PAYLOAD: 1}).encode(), 422, "invalid_value",
         "Line 2 has a field no bank entry has [unknown_field]."),
        (json.dumps({**GOOD_LINE, "fingerprint": PAYLOAD}).encode(), 422, "invalid_value",
         "Line 2 has a value of fingerprint that is not valid [invalid_field]."),
        (json.dumps({**GOOD_LINE, "platform": PAYLOAD}).encode(), 422, "invalid_value",
         "Line 2 has a value of platform that is not valid [invalid_field]."),
        (json.dumps({k: v for k, v in GOOD_LINE.items() if k != "label"}).encode(), 422, "invalid_value",
         "Line 2 lacks the field label [missing_field]."),
    ],
)  # fmt: skip
def test_an_import_error_names_the_line_and_the_problem_never_the_lines_content(
    app: Flask, client: FlaskClient, line: bytes, status: int, code: str, message: str, tmp_path: Path
) -> None:
    """A refused line is named by its number and a stable problem code: pydantic's message said an
    unknown key back as written ("<img …>\u202e…: Extra inputs are not permitted"), into the
    console's page, the API's answer and the CLI's output."""
    body = json.dumps(GOOD_LINE).encode() + b"\n" + line + b"\n"
    refused = client.post("/v1/banks/b/import", data=body, headers=MAINTAINER, content_type="application/x-ndjson")
    assert refused.status_code == status
    reason = "bank_line_" + message.rsplit("[", 1)[1].split("]")[0]  # the problem's code, for clients
    assert refused.get_json() == {"error": {"code": code, "message": message, "field": "line 2", "reason": reason}}
    (tmp_path / "bad.jsonl").write_bytes(body)
    printed = app.test_cli_runner().invoke(args=["bank", "import", "b", str(tmp_path / "bad.jsonl")])
    assert printed.exit_code != 0 and printed.output == f"Error: line 2: {message}\n"
    for answer in (refused.get_data(as_text=True), printed.output):
        assert "img" not in answer and "\u202e" not in answer and "SECRET" not in answer and "tpircs" not in answer


@pytest.mark.parametrize("name", ["ngo-1%0A", "ngo-1%0D%0A", "ngo-1%0Ax"])
def test_a_bank_name_with_a_line_break_is_refused_at_every_door(
    app: Flask, client: FlaskClient, trainer: dict[str, str], redis_client: redis.Redis, name: str, tmp_path: Path
) -> None:
    """The bank name pattern's "$" matched before a final line break: "ngo-1\\n" was a valid name,
    a bank of its own was made, and exporting it put the break in the Content-Disposition header
    (a 500), on the API and on the console's banks page."""
    added = add(client, name, trainer, avatar=b64(photo_bytes("astronaut")), label="other")
    assert added.status_code == 422 and added.get_json()["error"]["field"] == "bank"
    assert client.get(f"/v1/banks/{name}/export", headers=trainer).status_code == 422
    body = b'{"id": "x", "fingerprint": "ffd8c0e0f0f8fcfe", "label": "other", "added_at": 1, "added_by": "m"}\n'
    imported = client.post(
        f"/v1/banks/{name}/import", data=body, headers=MAINTAINER, content_type="application/x-ndjson"
    )
    assert imported.status_code == 422
    (tmp_path / "bank.jsonl").write_bytes(body)
    cli = app.test_cli_runner().invoke(args=["bank", "import", "ngo-1\n", str(tmp_path / "bank.jsonl")])
    assert cli.exit_code != 0
    assert redis_client.smembers("haris:{banks}:names") == set()
