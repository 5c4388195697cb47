"""Confirming a report puts its photo fingerprint into a bank, and the next check matches it."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.api.test_banks import b64, cropped_mirrored_copy, photo_bytes

BOOTSTRAP = {"Authorization": "Bearer test-bootstrap-key"}


def test_confirmed_report_grows_the_bank_and_the_next_check_matches(client: FlaskClient) -> None:
    avatar_hash = client.post("/v1/check", json={"platform": "x", "avatar": b64(photo_bytes("rocket"))}).get_json()[
        "avatar_hash"
    ]
    report_id = client.post(
        "/v1/reports",
        json={"platform": "x", "profile": {"account_id": "77"}, "avatar_hash": avatar_hash, "reason": "entrapment"},
    ).get_json()["id"]
    confirmed = client.post(
        f"/v1/reports/{report_id}/confirm", headers=BOOTSTRAP, json={"bank": "entrapment-cases", "label": "entrapment"}
    )
    assert confirmed.status_code == 200
    banks = client.get("/v1/banks", headers=BOOTSTRAP).get_json()
    assert "entrapment-cases" in str(banks)
    report = client.post(
        "/v1/check",
        json={"platform": "x", "avatar": b64(cropped_mirrored_copy("rocket")), "profile": {"account_id": "78"}},
    ).get_json()
    known = [f for f in report["findings"] if f["code"] == "avatar.known_bad"]
    assert known and known[0]["evidence"]["bank"] == "entrapment-cases"


def test_confirm_without_a_fingerprint_still_confirms(client: FlaskClient) -> None:
    report_id = client.post("/v1/reports", json={"platform": "x", "reason": "other"}).get_json()["id"]
    response = client.post(f"/v1/reports/{report_id}/confirm", headers=BOOTSTRAP, json={"bank": "b", "label": "other"})
    assert response.status_code == 200 and "bank_entry" not in response.get_json()
