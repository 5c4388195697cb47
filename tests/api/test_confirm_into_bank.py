"""Confirming a report into a bank: only the photo a trainer provides is fingerprinted and banked,
and the next check matches it. A report's own fingerprint never reaches a bank (finding 3)."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient

from heuristics.images import AvatarFingerprint, fingerprint_bytes
from tests.api.test_banks import b64, cropped_mirrored_copy, photo_bytes

BOOTSTRAP = {"Authorization": "Bearer test-bootstrap-key"}
VICTIMS = ("coffee", "rocket", "brick")


def report(client: FlaskClient, avatar_hash: str | None = None, account_id: str = "77") -> Any:
    body: dict[str, Any] = {"platform": "x", "profile": {"account_id": account_id}, "reason": "entrapment"}
    if avatar_hash:
        body["avatar_hash"] = avatar_hash
    return client.post("/v1/reports", json=body)


def known_bad(client: FlaskClient, photo: bytes, **profile: Any) -> list[dict[str, Any]]:
    body = {"platform": "x", "avatar": b64(photo), "profile": {"account_id": "78", **profile}}
    return [f for f in client.post("/v1/check", json=body).get_json()["findings"] if f["code"] == "avatar.known_bad"]


def test_the_trainers_photo_is_banked_and_the_next_check_matches(client: FlaskClient) -> None:
    report_id = report(client).get_json()["id"]
    confirmed = client.post(
        f"/v1/reports/{report_id}/confirm",
        headers=BOOTSTRAP,
        json={"bank": "entrapment-cases", "label": "entrapment", "avatar": b64(photo_bytes("rocket"))},
    )
    assert confirmed.status_code == 200, confirmed.get_json()
    body = confirmed.get_json()
    assert body["banked_fingerprint"] == fingerprint_bytes(photo_bytes("rocket")).hex
    found = known_bad(client, cropped_mirrored_copy("rocket"))
    assert found and found[0]["evidence"]["bank"] == "entrapment-cases"


def exported_account_ids(client: FlaskClient, bank: str) -> list[str | None]:
    exported = client.get(f"/v1/banks/{bank}/export", headers=BOOTSTRAP)
    assert exported.status_code == 200
    return [json.loads(line).get("account_id") for line in exported.get_data(as_text=True).splitlines()]


def test_the_reported_account_id_joins_the_bank_only_when_asked_for(client: FlaskClient) -> None:
    """The reporter wrote the account id, and nothing binds it to the photo the trainer uploads: a
    forged report naming someone's genuine account id would, confirmed by a script, export her
    account as a bad one's. The API leaves it out unless asked, as the console's unticked box does."""
    photo = {"label": "entrapment", "avatar": b64(photo_bytes("rocket"))}
    plain = report(client, account_id="4242").get_json()["id"]
    assert (
        client.post(f"/v1/reports/{plain}/confirm", headers=BOOTSTRAP, json={"bank": "plain", **photo}).status_code
        == 200
    )
    assert exported_account_ids(client, "plain") == [None]
    asked = report(client, account_id="4343").get_json()["id"]
    body = {"bank": "asked", "with_account_id": True, **photo}
    assert client.post(f"/v1/reports/{asked}/confirm", headers=BOOTSTRAP, json=body).status_code == 200
    assert exported_account_ids(client, "asked") == ["4343"]


def test_confirming_into_a_bank_needs_the_photo(client: FlaskClient) -> None:
    avatar_hash = fingerprint_bytes(photo_bytes("rocket")).hex
    report_id = report(client, avatar_hash).get_json()["id"]
    refused = client.post(
        f"/v1/reports/{report_id}/confirm", headers=BOOTSTRAP, json={"bank": "b", "label": "entrapment"}
    )
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "photo_required"
    assert known_bad(client, photo_bytes("rocket")) == []
    # Still pending: the trainer can confirm it with the photo, or without a bank.
    plain = client.post(f"/v1/reports/{report_id}/confirm", headers=BOOTSTRAP, json={"label": "other"})
    assert plain.status_code == 200 and "bank_entry" not in plain.get_json()


def test_a_crafted_report_fingerprint_is_refused_and_never_banked(client: FlaskClient) -> None:
    """The reproducer of finding 3: one fingerprint whose references are three people's photos."""
    photos = [fingerprint_bytes(photo_bytes(name)) for name in VICTIMS]
    merged = tuple(h for fp in photos for h in (*fp.probes, *fp.references))
    refused = report(client, AvatarFingerprint((photos[0].primary,), merged[:30]).hex)
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "avatar_hash"
    bare = report(client, f"{photos[0].primary:016x}")
    assert bare.status_code == 422  # a bare 64-bit hash is no server fingerprint either
    # A merged fingerprint small enough to pass for a server's is kept for the trainer to see,
    # but confirming the report banks only the photo the trainer provides (the bait's own).
    small = AvatarFingerprint((photos[0].primary,), tuple(h for fp in photos for h in fp.probes))
    report_id = report(client, small.hex).get_json()["id"]
    confirmed = client.post(
        f"/v1/reports/{report_id}/confirm",
        headers=BOOTSTRAP,
        json={"bank": "entrapment-mena", "label": "entrapment", "avatar": b64(photo_bytes("gravel"))},
    )
    assert confirmed.status_code == 200
    for name in VICTIMS:
        assert known_bad(client, photo_bytes(name), joined="2026-10") == []


def test_a_bank_match_does_not_brand_an_established_account(client: FlaskClient) -> None:
    report_id = report(client).get_json()["id"]
    client.post(
        f"/v1/reports/{report_id}/confirm",
        headers=BOOTSTRAP,
        json={"bank": "entrapment-mena", "label": "entrapment", "avatar": b64(photo_bytes("coffee"))},
    )
    assert known_bad(client, photo_bytes("coffee"), joined="2026-10")  # a new account: flagged
    assert known_bad(client, photo_bytes("coffee"), joined="2015-03") == []  # a defender's real account


def test_a_protected_persons_photo_cannot_be_banked(client: FlaskClient) -> None:
    person = {"display_names": ["Hala Ahed"], "avatars": [b64(photo_bytes("chelsea"))]}
    assert client.post("/v1/protected", json=person, headers=BOOTSTRAP).status_code == 201
    report_id = report(client).get_json()["id"]
    refused = client.post(
        f"/v1/reports/{report_id}/confirm",
        headers=BOOTSTRAP,
        json={"bank": "entrapment-mena", "label": "entrapment", "avatar": b64(cropped_mirrored_copy("chelsea"))},
    )
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "matches_protected_person"
    assert known_bad(client, photo_bytes("chelsea"), joined="2026-10") == []


def test_real_photos_fingerprint_within_the_shape_reports_must_have() -> None:
    """The bounds that refuse client-made fingerprints (server.services.avatars) hold every fingerprint the
    server makes, trimmed or not: if the fingerprint format grows, this fails first."""
    from PIL import Image, ImageOps

    from heuristics.images import decode, fingerprint
    from server.services.avatars import SERVER_MAX_PROBES, SERVER_MAX_REFERENCES, is_server_shaped

    names = ("astronaut", "brick", "chelsea", "coffee", "grass", "gravel", "rocket")
    for name in names:
        image = decode(photo_bytes(name))
        bordered = ImageOps.expand(image, border=30, fill=(255, 255, 255))
        for made in (fingerprint(image), fingerprint(bordered), fingerprint(Image.new("RGB", (64, 64), "white"))):
            assert len(made.probes) <= SERVER_MAX_PROBES and len(made.references) <= SERVER_MAX_REFERENCES
            assert is_server_shaped(made, made.hex)


def test_a_protected_persons_photo_cannot_be_banked_directly_either(client: FlaskClient) -> None:
    """Only the report's door refused a protected person's photo: the same photo, saved from a
    report by hand and added on the bank page or POST /v1/banks/{bank}/entries, was banked, and
    her own accounts then showed as entrapment accounts."""
    person = {"display_names": ["Hala Ahed"], "avatars": [b64(photo_bytes("chelsea"))]}
    assert client.post("/v1/protected", json=person, headers=BOOTSTRAP).status_code == 201
    for body in (
        {"label": "entrapment", "avatar": b64(cropped_mirrored_copy("chelsea"))},
        {"label": "entrapment", "avatar_hash": fingerprint_bytes(photo_bytes("chelsea")).hex},
    ):
        refused = client.post("/v1/banks/entrapment-mena/entries", headers=BOOTSTRAP, json=body)
        assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "matches_protected_person"
    assert known_bad(client, photo_bytes("chelsea"), joined="2026-10") == []
    other = {"label": "entrapment", "avatar": b64(photo_bytes("coffee"))}
    assert client.post("/v1/banks/entrapment-mena/entries", headers=BOOTSTRAP, json=other).status_code == 201


def test_an_imported_bank_with_a_protected_persons_photo_is_refused(client: FlaskClient) -> None:
    """A partner's bank may hold her photo (a bait account there stole it): imported, her own
    accounts showed as entrapment accounts here."""
    person = {"display_names": ["Hala Ahed"], "avatars": [b64(photo_bytes("chelsea"))]}
    assert client.post("/v1/protected", json=person, headers=BOOTSTRAP).status_code == 201
    for name in ("coffee", "chelsea"):
        body = {"label": "stolen_photo", "avatar": b64(photo_bytes(name))}
        client.post("/v1/banks/partner/entries", headers=BOOTSTRAP, json=body)
    exported = client.get("/v1/banks/partner/export", headers=BOOTSTRAP).get_data()
    assert exported.count(b"\n") == 1  # her photo was refused here already
    theirs = fingerprint_bytes(photo_bytes("chelsea"))
    line = {"id": "p1", "fingerprint": theirs.hex, "label": "stolen_photo", "added_at": 1, "added_by": "trainer"}
    payload = exported + (json.dumps(line) + "\n").encode()
    jsonl = {**BOOTSTRAP, "Content-Type": "application/x-ndjson"}
    refused = client.post("/v1/banks/imported/import", headers=jsonl, data=payload)
    assert refused.status_code == 409, refused.get_json()
    error = refused.get_json()["error"]
    assert error["code"] == "matches_protected_person" and error["field"] == "entry 2"
    assert client.get("/v1/banks/imported/export", headers=BOOTSTRAP).status_code == 404
    assert client.post("/v1/banks/imported/import", headers=jsonl, data=exported).status_code == 200


def test_a_bank_entry_naming_a_protected_persons_own_account_is_refused(client: FlaskClient) -> None:
    """An entry names its bad account (platform, account id), and an export carries it to every
    partner as a bad account's. Added by hand or in a partner's file (a bait account there reported
    her), her own registered account was banked as one: only the report's door refused it."""
    person = {"display_names": ["Hala Ahed"], "accounts": [{"platform": "x", "account_id": "42"}]}
    assert client.post("/v1/protected", json=person, headers=BOOTSTRAP).status_code == 201
    hers = {"label": "entrapment", "avatar": b64(photo_bytes("coffee")), "platform": "x", "account_id": "42"}
    refused = client.post("/v1/banks/partner/entries", headers=BOOTSTRAP, json=hers)
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["error"]["code"] == "account_is_protected"
    assert refused.get_json()["error"]["field"] == "account_id"
    assert client.get("/v1/banks/partner/export", headers=BOOTSTRAP).status_code == 404
    for other in ({"account_id": "43"}, {"platform": "instagram"}):  # another account, or her id elsewhere
        assert client.post("/v1/banks/partner/entries", headers=BOOTSTRAP, json={**hers, **other}).status_code == 201
    exported = client.get("/v1/banks/partner/export", headers=BOOTSTRAP).get_data()
    assert exported.count(b"\n") == 2

    theirs = fingerprint_bytes(photo_bytes("rocket"))
    line = {"id": "p1", "fingerprint": theirs.hex, "label": "entrapment", "added_at": 1, "added_by": "trainer"}
    line.update(platform="x", account_id="42")
    jsonl = {**BOOTSTRAP, "Content-Type": "application/x-ndjson"}
    refused = client.post(
        "/v1/banks/imported/import", headers=jsonl, data=exported + (json.dumps(line) + "\n").encode()
    )
    assert refused.status_code == 409, refused.get_json()
    error = refused.get_json()["error"]
    assert error["code"] == "account_is_protected" and error["field"] == "entry 3"
    assert client.get("/v1/banks/imported/export", headers=BOOTSTRAP).status_code == 404
    assert client.post("/v1/banks/imported/import", headers=jsonl, data=exported).status_code == 200
