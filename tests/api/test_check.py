"""``POST /v1/check`` against a real Redis: reports, locales, and every error path."""

from __future__ import annotations

import base64
import io
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from server.services.avatars import MAX_AVATAR_BYTES

FAKE_LOOKING = {
    "platform": "instagram",
    "profile": {
        "handle": "sara19283746",
        "display_name": "Sara",
        "posts": 0,
        "followers": 1,
        "following": 900,
        "joined": "2026-11-15",
        "has_avatar": False,
        "bio": "",
    },
}


def check(client: FlaskClient, body: Any, **kwargs: Any) -> Any:
    return client.post("/v1/check", json=body, **kwargs)


# The day the checks are about: FAKE_LOOKING joined 8 days before, so it is a new account on any
# real date the suite runs (the wall clock would make it old from 2027-05-14).
CHECKED_ON = datetime(2026, 11, 23, 12, tzinfo=UTC)


def test_report_carries_code_points_evidence_and_message(app: Flask) -> None:
    app.extensions["haris"].clock = lambda: CHECKED_ON
    response = check(app.test_client(), FAKE_LOOKING)
    assert response.status_code == 200
    report = response.get_json()
    # New and bare: medium since rules 2026.12.1 (a new account's bareness is given grace, so
    # newness alone never reaches high).
    assert report["level"] == "medium" and 40 <= report["risk"] < 70
    assert report["rules_version"] and report["unavailable"] == [] and report["avatar_hash"] is None
    codes = [f["code"] for f in report["findings"]]
    assert {"account.new", "activity.few_posts", "avatar.missing_or_default"} <= set(codes)
    [new] = [f for f in report["findings"] if f["code"] == "account.new"]
    assert new["evidence"]["age_days"] == 8
    points = [f["points"] for f in report["findings"]]
    assert points == sorted(points, reverse=True)
    for finding in report["findings"]:
        assert finding["message"] and "{" not in finding["message"]
        assert isinstance(finding["evidence"], dict)


@pytest.mark.parametrize(
    ("locale", "header", "expected"),
    [
        ("ar", None, "ar"),
        ("fr-MA", None, "fr"),
        (None, "fr-CA,fr;q=0.9", "fr"),
        (None, "ar-EG", "ar"),
        (None, None, "en"),
        ("de", "de-DE", "en"),
        (None, "de, ar;q=0.5", "ar"),
    ],
)
def test_locale_from_field_then_accept_language_then_english(
    client: FlaskClient, locale: str | None, header: str | None, expected: str
) -> None:
    body = dict(FAKE_LOOKING, locale=locale)
    headers = {"Accept-Language": header} if header else {}
    report = check(client, body, headers=headers).get_json()
    assert report["locale"] == expected


def test_messages_differ_per_locale_and_arabic_is_arabic(client: FlaskClient) -> None:
    messages = {
        loc: check(client, dict(FAKE_LOOKING, locale=loc)).get_json()["findings"][0]["message"]
        for loc in ("ar", "en", "fr")
    }
    assert len(set(messages.values())) == 3
    assert any("\u0600" <= ch <= "\u06ff" for ch in messages["ar"])


def test_ordinary_profile_is_low(client: FlaskClient) -> None:
    body = {
        "platform": "facebook",
        "profile": {
            "display_name": "Hala Ahed",
            "handle": "hala.ahed",
            "posts": 340,
            "followers": 610,
            "following": 380,
            "joined": "2014-05",
            "has_avatar": True,
            "bio": "Lawyer. Tunis.",
        },
    }
    report = check(client, body).get_json()
    assert report["level"] == "low" and report["findings"] == []


def test_only_platform_is_required(client: FlaskClient) -> None:
    assert check(client, {"platform": "telegram"}).status_code == 200
    assert check(client, {"platform": "x", "profile": None, "contacts": None, "avatar": None}).status_code == 200


def test_a_platform_scam_label_alone_is_high_risk_and_explained_in_three_languages(client: FlaskClient) -> None:
    body = {
        "platform": "telegram",
        "profile": {
            "account_id": "5123456789",
            "handle": "support_desk_official",
            "display_name": "Support",
            "platform_label": "scam",
            "has_avatar": True,
        },
    }
    words = {"ar": "احتيال", "en": "SCAM", "fr": "ARNAQUE"}
    for locale, word in words.items():
        report = check(client, dict(body, locale=locale)).get_json()
        assert report["level"] == "high"
        [finding] = [f for f in report["findings"] if f["code"] == "platform.labelled_scam"]
        assert finding["evidence"] == {"label": "scam"} and finding["points"] > 0
        assert word in finding["message"], locale


def test_badge_type_and_country_are_accepted_evidence(client: FlaskClient) -> None:
    profile = {"verified": True, "verified_type": "government", "based_in": "Egypt", "platform_label": "fake"}
    assert check(client, {"platform": "x", "profile": profile}).status_code == 200


def test_unknown_fields_are_ignored_for_forward_compatibility(client: FlaskClient) -> None:
    body = dict(FAKE_LOOKING, future_field={"a": 1})
    assert check(client, body).status_code == 200


def test_multipart_with_check_part_and_avatar_file(client: FlaskClient) -> None:
    photo = io.BytesIO()
    Image.effect_mandelbrot((96, 96), (-2, -1.5, 1, 1.5), 60).convert("RGB").save(photo, "JPEG")
    data = {"check": json.dumps(FAKE_LOOKING), "avatar": (io.BytesIO(photo.getvalue()), "a.jpg", "image/jpeg")}
    response = client.post("/v1/check", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert response.get_json()["level"] == "high"
    assert response.get_json()["avatar_hash"]


def test_an_empty_multipart_avatar_does_not_hide_a_bad_one_in_the_json_part(client: FlaskClient) -> None:
    """An empty avatar file sends no image: the check part's own avatar is read, and refused when
    it is not base64 (it was silently dropped: a 200 for bad input)."""
    data = {"check": json.dumps(dict(FAKE_LOOKING, avatar="not base64!")), "avatar": (io.BytesIO(b""), "a.jpg")}
    response = client.post("/v1/check", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid_base64"
    plain = {"check": json.dumps(FAKE_LOOKING), "avatar": (io.BytesIO(b""), "a.jpg")}
    answer = client.post("/v1/check", data=plain, content_type="multipart/form-data")
    assert answer.status_code == 200 and answer.get_json()["avatar_hash"] is None


def test_a_large_multipart_avatar_never_touches_the_disk(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Werkzeug spools multipart bodies over 500 KB to a temporary file; Haris keeps them in memory."""
    import werkzeug.formparser
    from flask import Request

    photo = io.BytesIO()
    Image.effect_noise((1000, 1000), 80).convert("RGB").save(photo, "JPEG", quality=95)
    assert 1_000_000 < len(photo.getvalue()) < MAX_AVATAR_BYTES
    spooled: list[int] = []

    class Tripwire(werkzeug.formparser.SpooledTemporaryFile):  # type: ignore[misc, name-defined]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            spooled.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(werkzeug.formparser, "SpooledTemporaryFile", Tripwire)

    def post() -> Any:
        data = {"check": json.dumps(FAKE_LOOKING), "avatar": (io.BytesIO(photo.getvalue()), "a.jpg", "image/jpeg")}
        return client.post("/v1/check", data=data, content_type="multipart/form-data")

    response = post()
    assert response.status_code == 200 and response.get_json()["avatar_hash"]
    assert spooled == []
    # The tripwire works: Flask's own request class would have spooled this body.
    monkeypatch.setattr(client.application, "request_class", Request)
    assert post().status_code == 200 and spooled


def test_multipart_avatar_that_is_not_an_image_is_refused(client: FlaskClient) -> None:
    data = {"check": json.dumps(FAKE_LOOKING), "avatar": (io.BytesIO(b"\xff\xd8 not really"), "a.jpg", "image/jpeg")}
    response = client.post("/v1/check", data=data, content_type="multipart/form-data")
    assert response.status_code == 415
    assert error_of(response) == {
        "code": "image_format_not_allowed",
        "message": "Only JPEG, PNG, WebP and GIF images are accepted.",
        "field": "avatar",
    }


def test_multipart_check_as_a_file_part(client: FlaskClient) -> None:
    data = {"check": (io.BytesIO(json.dumps(FAKE_LOOKING).encode()), "check.json", "application/json")}
    assert client.post("/v1/check", data=data, content_type="multipart/form-data").status_code == 200


def error_of(response: Any) -> dict[str, Any]:
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) <= {"code", "message", "field", "reason"}
    # A reason is one of a fixed set of codes (a validation type, a problem), never text sent.
    assert re.fullmatch(r"[a-z][a-z0-9_]*", body["error"].get("reason", "x")), body
    return body["error"]


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({}, 400, "invalid_schema", "platform"),
        ([], 400, "invalid_schema", None),
        ("just a string", 400, "invalid_schema", None),
        ({"platform": "myspace"}, 422, "invalid_value", "platform"),
        ({"platform": "x", "profile": "nope"}, 400, "invalid_schema", "profile"),
        ({"platform": "x", "profile": {"followers": -5}}, 422, "invalid_value", "profile.followers"),
        ({"platform": "x", "profile": {"followers": 10**30}}, 422, "invalid_value", "profile.followers"),
        ({"platform": "x", "profile": {"followers": "many"}}, 400, "invalid_schema", "profile.followers"),
        ({"platform": "x", "profile": {"joined": "last year"}}, 422, "invalid_value", "profile.joined"),
        ({"platform": "x", "profile": {"joined": "2020-02-30"}}, 422, "invalid_value", "profile.joined"),
        # Its offset moves it past the last date Python can hold (was an OverflowError: a 500).
        ({"platform": "x", "profile": {"joined": "9999-12-31T23:00:00-05:00"}}, 422, "invalid_value", "profile.joined"),
        ({"platform": "x", "profile": {"display_name": "x" * 201}}, 422, "invalid_value", "profile.display_name"),
        ({"platform": "x", "profile": {"bio": "b" * 2001}}, 422, "invalid_value", "profile.bio"),
        ({"platform": "x", "profile": {"platform_label": "dodgy"}}, 422, "invalid_value", "profile.platform_label"),
        ({"platform": "x", "profile": {"verified_type": "gold"}}, 422, "invalid_value", "profile.verified_type"),
        ({"platform": "x", "profile": {"based_in": "x" * 101}}, 422, "invalid_value", "profile.based_in"),
        (
            {"platform": "x", "contacts": [{"display_name": "ok"}, {"display_name": 7}]},
            400,
            "invalid_schema",
            "contacts.1.display_name",
        ),
        ({"platform": "x", "contacts": "all"}, 400, "invalid_schema", "contacts"),
        ({"platform": "x", "avatar_hash": "xyz"}, 422, "invalid_value", "avatar_hash"),
        ({"platform": "x", "avatar": "***not base64***"}, 422, "invalid_base64", "avatar"),
    ],
)
def test_bad_requests_get_stable_codes_and_name_the_field(
    client: FlaskClient, body: Any, status: int, code: str, field: str | None
) -> None:
    response = check(client, body)
    assert response.status_code == status
    error = error_of(response)
    assert error["code"] == code and error["message"]
    assert error.get("field") == field


@pytest.mark.parametrize(
    "raw",
    [b"{", b"\xff\xfe{}", b'{"platform": "x", "profile": {"posts": 1' + b"0" * 5000 + b"}}", b"[" * 100_000, b""],
)
def test_malformed_json_is_400(client: FlaskClient, raw: bytes) -> None:
    response = client.post("/v1/check", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_json"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml"])
def test_other_media_types_are_415(client: FlaskClient, content_type: str) -> None:
    response = client.post("/v1/check", data=b"platform=x", content_type=content_type)
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


def test_body_over_the_limit_is_413(make_app: Any) -> None:
    client = make_app(HARIS_MAX_BODY_BYTES=10_000).test_client()
    body = {"platform": "x", "profile": {"bio": "x" * 1000}, "contacts": [{"display_name": "y" * 150}] * 100}
    response = check(client, body)
    assert response.status_code == 413
    assert error_of(response)["code"] == "body_too_large"


def test_avatar_over_the_limit_is_413(client: FlaskClient) -> None:
    big = base64.b64encode(b"\0" * (4 * 1024 * 1024 + 10)).decode()
    response = check(client, {"platform": "x", "avatar": big})
    assert response.status_code == 413
    assert error_of(response)["code"] == "avatar_too_large"


def test_multipart_without_check_part_is_400(client: FlaskClient) -> None:
    response = client.post("/v1/check", data={"other": "1"}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert error_of(response) == {"code": "invalid_schema", "message": error_of(response)["message"], "field": "check"}


def test_multipart_with_broken_check_json_is_400(client: FlaskClient) -> None:
    response = client.post("/v1/check", data={"check": "{nope"}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_json" and error_of(response)["field"] == "check"


def test_malformed_multipart_body_is_a_client_error(client: FlaskClient) -> None:
    response = client.post(
        "/v1/check",
        data=b'--xx\r\nContent-Disposition: form-data; name="check"\r\n\r\n{',
        content_type="multipart/form-data; boundary=xx",
    )
    assert 400 <= response.status_code < 500


def test_lone_surrogates_and_odd_unicode_do_not_break_the_check(client: FlaskClient) -> None:
    raw = (
        '{"platform": "x", "profile": {"display_name": "\\ud800Moh\\u202eamed'
        + "\u0301" * 150
        + '", "handle": "\\udfff"}}'
    ).encode()
    response = client.post("/v1/check", data=raw, content_type="application/json")
    assert response.status_code == 200
    assert "name.deceptive_characters" in [f["code"] for f in response.get_json()["findings"]]


def test_wrong_method_and_unknown_path_are_json(client: FlaskClient) -> None:
    assert error_of(client.get("/v1/check"))["code"] == "method_not_allowed"
    assert error_of(client.get("/v1/nothing"))["code"] == "not_found"


def test_rules_are_public(client: FlaskClient) -> None:
    rules = client.get("/v1/rules").get_json()
    assert rules["version"] and "account.new" in rules["signals"]
    assert {"enabled", "points", "description"} <= set(rules["signals"]["account.new"])
