"""Escalation cases over the API: the fixed contract, stable 4xx codes, hostile inputs, the CLI."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from heuristics.images import AvatarFingerprint, decode, fingerprint
from server.escalation.model import MAX_EVIDENCE_BYTES, MAX_EVIDENCE_FILES
from server.roles import Role
from server.storage.apikeys import create_api_key
from server.storage.audit import AuditLog
from server.storage.cases import CLOSED_TTL_SECONDS, OPEN_TTL_SECONDS
from tests.api.test_banks import photo_bytes
from tests.escalation.samples import entries_about, portrait

# Reports carry fingerprints the server makes (a bare 64-bit hash is refused).
REPORTED_HASH = fingerprint(decode(photo_bytes("rocket"))).hex

KEY = {"Authorization": "Bearer test-bootstrap-key"}


def case_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "platform": "x",
        "suspect": {
            "profile_url": "https://x.com/ha1a_ahed",
            "display_name": "Hala Ahed",
            "handle": "ha1a_ahed",
            "followers": 3,
            "joined": "2026-05-20",
        },
        "impersonated": {"display_name": "Hala Ahed", "profile_url": "https://x.com/hala_ahed", "platform": "x"},
        "notes": "Asks her colleagues to meet.",
        "private_notes": "Her sister told us.",
    }
    body.update(changes)
    return body


def open_case(client: FlaskClient, **changes: Any) -> str:
    response = client.post("/v1/cases", json=case_body(**changes), headers=KEY)
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def upload(client: FlaskClient, case_id: str, data: bytes, name: str = "shot.png", **fields: str) -> Any:
    form: dict[str, Any] = {"file": (io.BytesIO(data), name), **fields}
    return client.post(f"/v1/cases/{case_id}/evidence", data=form, content_type="multipart/form-data", headers=KEY)


def test_open_a_case_and_read_it_back(client: FlaskClient, redis_client: redis.Redis) -> None:
    case_id = open_case(client)
    case = client.get(f"/v1/cases/{case_id}", headers=KEY).get_json()
    assert case["state"] == "open" and case["kind"] == "impersonation"
    codes = [finding["code"] for finding in case["check"]["findings"]]
    assert "impersonation.contact" in codes  # the impersonated person is the check's contact
    assert case["reasons"] == [code for code in codes if code != "account.verified"]
    contact = next(f for f in case["check"]["findings"] if f["code"] == "impersonation.contact")
    assert set(contact["messages"]) == {"ar", "en", "fr"}
    assert [(n["text"], n["private"]) for n in case["notes"]] == [
        ("Asks her colleagues to meet.", False),
        ("Her sister told us.", True),
    ]
    assert case["created_by"] == "key:bootstrap" and case["created_by_role"] == "maintainer"
    assert 0 < redis_client.ttl(f"haris:{{cases}}:case:{case_id}") <= OPEN_TTL_SECONDS
    assert 0 < redis_client.ttl("haris:{cases}:index") <= CLOSED_TTL_SECONDS
    listed = client.get("/v1/cases", headers=KEY).get_json()
    assert listed["total"] == 1 and listed["cases"][0]["id"] == case_id
    viewed, entry = entries_about(AuditLog(redis_client), case_id)  # newest first: reading it is audited too
    assert (viewed["action"], viewed["actor"]) == ("case.viewed", "key:bootstrap")
    assert (entry["action"], entry["actor"], entry["detail"]) == (
        "case.opened", "key:bootstrap", {"kind": "impersonation", "platform": "x"}
    )  # fmt: skip


def test_a_trainer_key_opens_cases_and_anonymous_callers_are_refused(app: Flask, client: FlaskClient) -> None:
    trainer = create_api_key(app.extensions["haris"].redis.client, Role.TRAINER, "amal-laptop")
    response = client.post("/v1/cases", json=case_body(), headers={"Authorization": f"Bearer {trainer}"})
    assert response.status_code == 201
    assert client.post("/v1/cases", json=case_body()).status_code == 401
    assert client.get("/v1/cases/0123456789abcdef/export/archive").status_code == 401


def test_a_case_from_a_confirmed_report_takes_its_kind_not_its_fingerprint(client: FlaskClient) -> None:
    report = {
        "platform": "x",
        "profile": {"handle": "ha1a_ahed"},
        "avatar_hash": REPORTED_HASH,
        "reason": "entrapment",
    }
    report_id = client.post("/v1/reports", json=report).get_json()["id"]
    response = client.post("/v1/cases", json=case_body(report_id=report_id), headers=KEY)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "report_not_confirmed"
    assert client.post(f"/v1/reports/{report_id}/confirm", json={}, headers=KEY).status_code == 200
    case_id = open_case(client, report_id=report_id)
    case = client.get(f"/v1/cases/{case_id}", headers=KEY).get_json()
    assert case["suspect"]["avatar_hash"] is None and case["kind"] == "entrapment"
    assert case["report_id"] == report_id
    response = client.post("/v1/cases", json=case_body(report_id="0" * 16), headers=KEY)
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "report_id"


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"platform": "myspace"}, 422, "platform"),
        ({"suspect": {"display_name": "x"}}, 400, "suspect.profile_url"),
        ({"suspect": {"profile_url": "  "}}, 422, "suspect.profile_url"),
        ({"suspect": {"profile_url": "javascript:alert(document.domain)//x.com/a"}}, 422, "suspect.profile_url"),
        ({"suspect": {"profile_url": "data:text/html,<script>alert(1)</script>"}}, 422, "suspect.profile_url"),
        ({"suspect": {"profile_url": "x.com/ha1a_ahed"}}, 422, "suspect.profile_url"),
        (
            {"impersonated": {"display_name": "Hala", "platform": "x", "profile_url": "javascript:alert(1)"}},
            422,
            "impersonated.profile_url",
        ),
        ({"impersonated": {"display_name": "Hala", "platform": "x"}}, 400, "impersonated.profile_url"),
        ({"reasons": ["not.a_finding"]}, 422, "reasons.0"),
        ({"reasons": ["DROP TABLE"]}, 422, "reasons.0"),
        ({"reasons": ["account.new"] * 33}, 422, "reasons"),
        ({"notes": "x" * 4001}, 422, "notes"),
        ({"report_id": "../../etc"}, 422, "report_id"),
        ({"suspect": {"profile_url": "https://x.com/a", "joined": "2026-02-31"}}, 422, "suspect.joined"),
        ({"suspect": {"profile_url": "https://x.com/a", "avatar_hash": "zz"}}, 422, "suspect.avatar_hash"),
        ({"suspect": {"profile_url": "https://x.com/a", "avatar_hash": "abcd"}}, 422, "suspect.avatar_hash"),
        ({"notifier": {"name": "NGO", "email": "not-an-email"}}, 422, "notifier.email"),
        ({"tlp": "purple"}, 422, "tlp"),
    ],
)
def test_bad_bodies_get_stable_codes(client: FlaskClient, change: dict[str, Any], status: int, field: str) -> None:
    response = client.post("/v1/cases", json=case_body(**change), headers=KEY)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]["field"] == field


def test_not_json_is_refused(client: FlaskClient) -> None:
    assert client.post("/v1/cases", data="{", content_type="application/json", headers=KEY).status_code == 400
    assert client.post("/v1/cases", data="x", content_type="text/plain", headers=KEY).status_code == 415
    assert client.post("/v1/cases", json=[1], headers=KEY).status_code == 400


def test_evidence_is_hashed_on_arrival_and_bounded(client: FlaskClient, redis_client: redis.Redis) -> None:
    case_id = open_case(client)
    photo = portrait()
    response = upload(
        client, case_id, photo, "../../Amal's shot.png", source_url="https://x.com/ha1a_ahed", kind="avatar"
    )
    assert response.status_code == 201
    assert response.get_json() == {"sha256": hashlib.sha256(photo).hexdigest(), "id": "01"}
    (item,) = client.get(f"/v1/cases/{case_id}", headers=KEY).get_json()["evidence"]
    assert (item["filename"], item["media_type"], item["kind"], item["method"]) == (
        "Amal_s_shot.png", "image/png", "avatar", "upload (api)"
    )  # fmt: skip
    assert item["added_by"] == "key:bootstrap" and item["fingerprint"]
    assert redis_client.get(f"haris:{{cases}}:case:{case_id}:file:01") == photo
    assert 0 < redis_client.ttl(f"haris:{{cases}}:case:{case_id}:file:01") <= OPEN_TTL_SECONDS

    def code(response: Any) -> tuple[int, str]:
        return response.status_code, response.get_json()["error"]["code"]

    assert code(upload(client, case_id, photo)) == (409, "duplicate_file")
    assert code(upload(client, case_id, b"")) == (422, "empty_file")
    assert code(upload(client, case_id, b"x" * (MAX_EVIDENCE_BYTES + 1))) == (413, "file_too_large")
    assert code(upload(client, case_id, b"y", source_url="javascript:alert(1)")) == (422, "invalid_value")
    # A line break in an address: a row of its own in the collection log as a ";" spreadsheet reads it.
    for url in ("https://x.com/a\n2026-01-01T00:00:00Z;captured", "https://x.com/a\r=1", "https://x.com/\ta"):
        assert code(upload(client, case_id, b"y", source_url=url)) == (422, "invalid_value")
    assert code(upload(client, case_id, b"y", kind="passport")) == (422, "invalid_value")
    no_file = client.post(
        f"/v1/cases/{case_id}/evidence",
        data={"source_url": "https://x.com"},
        content_type="multipart/form-data",
        headers=KEY,
    )
    assert code(no_file) == (400, "invalid_schema")
    as_json = client.post(f"/v1/cases/{case_id}/evidence", json={"file": "x"}, headers=KEY)
    assert code(as_json) == (415, "unsupported_media_type")
    broken = client.post(
        f"/v1/cases/{case_id}/evidence",
        data=b'--b\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc',  # never closed
        content_type="multipart/form-data; boundary=b",
        headers=KEY,
    )
    assert broken.status_code in {400, 413}
    huge = client.post(
        f"/v1/cases/{case_id}/evidence",
        data={"file": (io.BytesIO(b"z" * (7 * 1024 * 1024)), "big.bin")},
        content_type="multipart/form-data",
        headers=KEY,
    )
    assert code(huge)[0] == 413
    for bad_id in ("0123456789abcdeg", "..%2F..%2Fetc", "x" * 300, "%00", "ﾟ"):
        assert upload(client, bad_id, b"q").status_code == 404, bad_id
        assert client.get(f"/v1/cases/{bad_id}/export/archive", headers=KEY).status_code == 404
    for number in range(2, MAX_EVIDENCE_FILES + 1):
        assert upload(client, case_id, f"file {number}".encode(), "n.txt").status_code == 201
    assert code(upload(client, case_id, b"one too many")) == (409, "too_many_files")


def test_every_export_and_the_verify_command(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    case_id = open_case(client)
    assert upload(client, case_id, portrait(), "avatar.png", kind="avatar").status_code == 201
    assert (
        upload(client, case_id, b"<html>saved</html>", "page.html", source_url="https://x.com/ha1a_ahed").status_code
        == 201
    )
    kinds = {"ticket": "text/plain", "misp": "application/json", "stix": "application/json",
             "archive": "application/zip", "redacted": "application/zip"}  # fmt: skip
    for kind, media_type in kinds.items():
        response = client.get(f"/v1/cases/{case_id}/export/{kind}", headers=KEY)
        assert response.status_code == 200 and response.mimetype == media_type, kind
        assert f'filename="haris-case-{case_id}' in response.headers["Content-Disposition"]
    ticket = client.get(f"/v1/cases/{case_id}/export/ticket?platform=telegram&locale=ar", headers=KEY)
    assert "@notoscam" in ticket.get_data(as_text=True) and "قانون الخدمات الرقمية" in ticket.get_data(as_text=True)
    assert client.get(f"/v1/cases/{case_id}/export/ticket?locale=de", headers=KEY).status_code == 422
    assert client.get(f"/v1/cases/{case_id}/export/ticket?platform=myspace", headers=KEY).status_code == 422
    assert client.get(f"/v1/cases/{case_id}/export/pdf", headers=KEY).status_code == 404
    assert client.get(f"/v1/cases/{'f' * 16}/export/misp", headers=KEY).status_code == 404

    archive = client.get(f"/v1/cases/{case_id}/export/archive", headers=KEY)
    path = tmp_path / "case.zip"
    path.write_bytes(archive.data)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["case", "verify", str(path)])
    assert result.exit_code == 0, result.output
    assert f"manifest sha256 {archive.headers['X-Manifest-SHA256']}" in result.output
    assert "OK 4 files match the manifest" in result.output
    with zipfile.ZipFile(path) as opened:
        contents = {name: opened.read(name) for name in opened.namelist()}
    contents["evidence/02-page.html"] = b"<html>saved!</html>"
    with zipfile.ZipFile(path, "w") as written:
        for name, data in contents.items():
            written.writestr(name, data)
    result = runner.invoke(args=["case", "verify", str(path)])
    assert result.exit_code == 1 and "FAIL changed: evidence/02-page.html" in result.output
    # Every export is in the audit trail, archives with their manifest's hash.
    exports = [
        e
        for e in entries_about(AuditLog(app.extensions["haris"].redis.client), case_id)
        if e["action"] == "case.exported"
    ]
    assert {e["detail"]["kind"] for e in exports} == set(kinds)
    assert any(e["detail"].get("manifest_sha256") == archive.headers["X-Manifest-SHA256"] for e in exports)


def test_evidence_changed_in_storage_is_never_exported(client: FlaskClient, redis_client: redis.Redis) -> None:
    case_id = open_case(client)
    assert upload(client, case_id, b"original bytes", "a.txt").status_code == 201
    redis_client.set(f"haris:{{cases}}:case:{case_id}:file:01", b"tampered bytes", keepttl=True)
    for kind in ("archive", "redacted", "misp"):
        response = client.get(f"/v1/cases/{case_id}/export/{kind}", headers=KEY)
        assert response.status_code == 409 and response.get_json()["error"]["code"] == "evidence_mismatch"


def test_an_export_that_fails_otherwise_is_not_reported_as_changed_evidence(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a stored file that no longer matches its hash is evidence_mismatch: a trainer told
    that evidence changed would suspect tampering. Any other failure of an export (here a fault
    injected into the STIX builder) is the server's own error."""
    from server.escalation import stix

    case_id = open_case(client)
    assert upload(client, case_id, b"original bytes", "a.txt").status_code == 201

    def broken(case: object) -> dict[str, object]:
        raise ValueError("a bug, not a changed file")

    monkeypatch.setattr(stix, "bundle_json", broken)
    response = client.get(f"/v1/cases/{case_id}/export/stix", headers=KEY)
    assert response.status_code == 500 and response.get_json()["error"]["code"] == "internal_error"
    assert client.get(f"/v1/cases/{case_id}/export/archive", headers=KEY).status_code == 200


def test_platform_status_dates_are_checked(client: FlaskClient) -> None:
    case_id = open_case(client)
    status = {
        "platform": "x",
        "reported_on": "2026-01-10",
        "reference": "X-123",
        "outcome": "removed",
        "rechecked_on": "2026-01-12",
    }
    response = client.post(f"/v1/cases/{case_id}/status", json=status, headers=KEY)
    assert response.status_code == 200 and response.get_json()["reported_on"] == ["x"]
    bad = [({"reported_on": "2999-01-01"}, "reported_on"), ({"rechecked_on": "2026-01-01"}, "rechecked_on"),
           ({"outcome": "deleted"}, "outcome"), ({"reported_on": "2026-13-01"}, "reported_on"),
           # Digits of other scripts matched the date's pattern and failed date.fromisoformat: a 500.
           ({"reported_on": "\U0001d7d0\U0001d7ce\U0001d7d0\U0001d7d4-01-10"}, "reported_on"),
           ({"rechecked_on": "\u0662\u0660\u0662\u0666-\u0660\u0661-\u0661\u0662"}, "rechecked_on")]  # fmt: skip
    for change, field in bad:
        response = client.post(f"/v1/cases/{case_id}/status", json=status | change, headers=KEY)
        assert response.status_code == 422 and response.get_json()["error"]["field"] == field, change


def test_a_status_recorded_from_an_older_read_does_not_write_over_a_newer_one(client: FlaskClient) -> None:
    """Two tools read the case; one records "removed" with its reference, the other then sends
    "pending" from its older read: refused (409 status_changed) when it sends the version it read,
    as the console's page does; without one, the last status sent wins, as before."""
    case_id = open_case(client)
    read = client.get(f"/v1/cases/{case_id}", headers=KEY).get_json()
    assert read["status_versions"] == {}
    first = {"platform": "x", "reported_on": "2026-01-10", "reference": "X-123", "outcome": "removed", "seen": "-"}
    assert client.post(f"/v1/cases/{case_id}/status", json=first, headers=KEY).status_code == 200
    stale = {"platform": "x", "reported_on": "2026-01-10", "outcome": "pending", "seen": "-"}
    refused = client.post(f"/v1/cases/{case_id}/status", json=stale, headers=KEY)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "status_changed"
    now = client.get(f"/v1/cases/{case_id}", headers=KEY).get_json()
    assert now["statuses"]["x"]["reference"] == "X-123" and now["statuses"]["x"]["outcome"] == "removed"
    # From the current read it is recorded; a garbled version is a 422 naming the field.
    fresh = stale | {"seen": now["status_versions"]["x"]}
    assert client.post(f"/v1/cases/{case_id}/status", json=fresh, headers=KEY).status_code == 200
    garbled = client.post(f"/v1/cases/{case_id}/status", json=stale | {"seen": "x" * 32}, headers=KEY)
    assert garbled.status_code == 422 and garbled.get_json()["error"]["field"] == "seen"
    unguarded = {k: v for k, v in first.items() if k != "seen"}
    assert client.post(f"/v1/cases/{case_id}/status", json=unguarded, headers=KEY).status_code == 200
    assert client.get(f"/v1/cases/{case_id}", headers=KEY).get_json()["statuses"]["x"]["outcome"] == "removed"


def test_a_reporters_made_up_fingerprint_never_reaches_a_case_or_its_exports(client: FlaskClient) -> None:
    """A report's avatar_hash is made by whoever filed it: one fingerprint can hold several
    people's photos' hashes (small enough to pass for a server's). Taken into a case opened from
    the report, it became the suspect's photo — in the notice's pair, and in the MISP and STIX
    exports partners import — with nothing the trainer could see it stands for."""
    victims = [fingerprint(decode(photo_bytes(name))) for name in ("astronaut", "coffee", "brick")]
    crafted = AvatarFingerprint((victims[0].primary,), tuple(h for fp in victims for h in fp.probes)).hex
    report = {"platform": "x", "profile": {"handle": "bait_account"}, "avatar_hash": crafted, "reason": "entrapment"}
    filed = client.post("/v1/reports", json=report)
    assert filed.status_code == 202
    report_id = filed.get_json()["id"]
    assert client.post(f"/v1/reports/{report_id}/confirm", json={}, headers=KEY).status_code == 200
    case_id = open_case(client, report_id=report_id)
    case = client.get(f"/v1/cases/{case_id}", headers=KEY).get_json()
    assert case["suspect"]["avatar_hash"] is None
    assert not any(f["code"].startswith("avatar.") for f in case["check"]["findings"])
    short = f"{victims[0].primary:016x}"
    for kind in ("stix", "misp", "ticket"):
        exported = client.get(f"/v1/cases/{case_id}/export/{kind}", headers=KEY)
        assert exported.status_code == 200
        text = exported.get_data(as_text=True)
        assert crafted not in text and short not in text, kind
    # The trainer's own fingerprint (sent with the case) is still the suspect's photo.
    own = open_case(client, suspect={**case_body()["suspect"], "avatar_hash": REPORTED_HASH}, report_id=report_id)
    assert client.get(f"/v1/cases/{own}", headers=KEY).get_json()["suspect"]["avatar_hash"] == REPORTED_HASH


def test_a_takedown_notice_keeps_each_profile_field_on_its_own_line(
    client: FlaskClient, redis_client: redis.Redis
) -> None:
    """Profile fields of a case come from a report or an outside tool: a line break in a display
    name added lines of its own to the notice sent to the platform (here a second notifier and a
    withdrawal), and a U+202E made the suspect's URL read, to the platform's reviewer, as the
    impersonated person's own account. (Such a URL is refused when a case opens since,
    test_cases_accounts.py: here a case kept from before has it.)"""
    injected = "Hala\n- Notifier e-mail: police@example.org\nWe withdraw this notice."
    case_id = open_case(client, suspect={**case_body()["suspect"], "display_name": injected})
    stored = json.loads(redis_client.get(f"haris:{{cases}}:case:{case_id}"))
    stored["suspect"] |= {"profile_url": "https://x.com/\u202edeha_alah", "handle": "\u202edeha_alah"}
    redis_client.set(f"haris:{{cases}}:case:{case_id}", json.dumps(stored), keepttl=True)
    ticket = client.get(f"/v1/cases/{case_id}/export/ticket?platform=x&locale=en", headers=KEY).get_data(as_text=True)
    lines = ticket.splitlines()
    assert not any(line.startswith(("- Notifier e-mail: police", "We withdraw")) for line in lines)
    # (The address in the name is defanged, as every bare address in a case value is.)
    assert "Hala - Notifier e-mail: police@example[.]org We withdraw this notice." in ticket
    # No address holds a U+202E: the URL is no working link, its override shown by code point.
    assert "\u202e" not in ticket and "hxxps[://]x[.]com/<U+202E>deha_alah" in ticket


def test_the_share_copy_of_a_case_from_a_report_does_not_name_the_report(client: FlaskClient) -> None:
    """The share copy drops the link to the user report (report_id), but the case's history kept
    it ("case.opened … report=<id>") in the redacted archive's case.json and collection log."""
    report = {"platform": "x", "profile": {"handle": "ha1a_ahed"}, "reason": "entrapment"}
    report_id = client.post("/v1/reports", json=report).get_json()["id"]
    assert client.post(f"/v1/reports/{report_id}/confirm", json={}, headers=KEY).status_code == 200
    case_id = open_case(client, report_id=report_id)
    full = client.get(f"/v1/cases/{case_id}/export/archive", headers=KEY).get_data()
    with zipfile.ZipFile(io.BytesIO(full)) as opened:
        assert report_id.encode() in opened.read("case.json")
    for kind in ("redacted", "misp", "stix"):
        exported = client.get(f"/v1/cases/{case_id}/export/{kind}", headers=KEY).get_data()
        blobs = [exported]
        if kind == "redacted":
            with zipfile.ZipFile(io.BytesIO(exported)) as opened:
                blobs += [opened.read(name) for name in opened.namelist()]
        assert not any(report_id.encode() in blob for blob in blobs), kind


@pytest.mark.parametrize(
    "url",
    [
        "https://x.com/\u202emoc.live//:sptth",  # reads "https://x.com/https://evil.com"
        "https://x.com/\u2067ha1a_ahed\u2069",
        "https://x.com/ha1a_ahed\u200b",
        "https://x.com/ha1a_ahed?\u200f",
        "https://x.com/ha1a_ahed\ue000",
    ],
)
def test_an_address_with_characters_that_hide_or_reorder_text_is_refused(client: FlaskClient, url: str) -> None:
    """No address holds a bidi control, a zero-width or a private-use character as is (RFC 3987
    4.1; a browser percent-encodes them): one typed or pasted from a report makes the URL read, on
    the case page, in the collection log and in the notice, as another account's."""
    case_id = open_case(client)
    refused = upload(client, case_id, b"<html>saved</html>", "page.html", source_url=url)
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "source_url"
    suspect = {**case_body()["suspect"], "profile_url": url}
    opened = client.post("/v1/cases", json=case_body(suspect=suspect), headers=KEY)
    assert opened.status_code == 422, opened.get_json()
    assert opened.get_json()["error"] == {
        "code": "invalid_value",
        "field": "suspect.profile_url",
        "message": "Value error, must not hold characters that hide or reorder text (U+202E, U+2066, U+200B, controls)",
        "reason": "value_error",
    }
    original = {**case_body()["impersonated"], "profile_url": url.replace("ha1a_ahed", "hala_ahed")}
    assert client.post("/v1/cases", json=case_body(impersonated=original), headers=KEY).status_code == 422
    # A joiner inside an Arabic-script word is spelling (Persian), not a hidden character.
    kept = upload(
        client,
        case_id,
        b"<html>2</html>",
        "p.html",
        source_url="https://fa.example/\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
    )
    assert kept.status_code == 201, kept.get_json()


@pytest.mark.parametrize("space", [" ", "\u00a0", "\u3000"])
def test_an_address_with_a_space_is_refused(client: FlaskClient, space: str) -> None:
    """After a space, a second address ("…?ref= https://evil.example/verify") that tools link on
    their own; no address holds one (a browser sends and copies %20)."""
    url = f"https://x.com/ha1a_ahed?ref={space}https://evil.example/verify"
    suspect = {**case_body()["suspect"], "profile_url": url}
    opened = client.post("/v1/cases", json=case_body(suspect=suspect), headers=KEY)
    assert opened.status_code == 422 and opened.get_json()["error"]["field"] == "suspect.profile_url"
    case_id = open_case(client, suspect={**suspect, "profile_url": " https://x.com/ha1a_ahed "})  # ends trimmed
    refused = upload(client, case_id, b"<html>saved</html>", "page.html", source_url=url)
    assert refused.status_code == 422 and refused.get_json()["error"]["field"] == "source_url"
