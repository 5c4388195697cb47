"""Property tests: whatever a client sends, the API answers 200/202 or a 4xx with the error shape.

hypothesis generates arbitrary JSON and near-valid check and report bodies (valid keys with
values of any type, odd Unicode, huge numbers) and posts them; the request models are also
exercised directly: they either validate or raise pydantic's ValidationError, nothing else.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from server.schemas import CheckRequest, ReportRequest

ERROR_STATUSES = {400, 413, 415, 422}
ERROR_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
PROFILE_FIELDS = [
    "account_id",
    "handle",
    "display_name",
    "bio",
    "profile_url",
    "followers",
    "following",
    "posts",
    "joined",
    "verified",
    "private",
    "name_changes",
    "has_avatar",
]
CONTACT_FIELDS = ["display_name", "platform", "account_id", "handle", "avatar_hash"]

# Text that tends to break things: surrogates (as JSON escapes), bidi overrides, combining marks,
# zero-width characters, Arabic, NUL, look-alikes.
odd_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "\ud800",
            "x\udfffy",
            "\ud83d",
            "\u202eevil\u202c",
            "\u200f\u200e\u2066\u2069",
            "a" + "\u0301" * 500,
            "\u0000",
            "\ufeffhandle",
            "раураl",
            "هالة عاهد",
            "ﷺ" * 50,
            "\U0001f600" * 30,
        ]
    ),
)
huge_numbers = st.one_of(
    st.integers(),
    st.integers(min_value=10**18, max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.just(-0.0),
)
scalars = st.one_of(st.none(), st.booleans(), huge_numbers, odd_text)
any_json = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
platforms = st.one_of(st.sampled_from(["facebook", "instagram", "x", "telegram", "other"]), any_json)
profiles = st.one_of(
    any_json,
    st.fixed_dictionaries({}, optional={name: any_json for name in PROFILE_FIELDS}),
    st.fixed_dictionaries({}, optional={name: scalars for name in PROFILE_FIELDS}),
)
contacts = st.one_of(
    any_json,
    st.lists(st.fixed_dictionaries({}, optional={name: scalars for name in CONTACT_FIELDS}), max_size=5),
)
check_bodies = st.one_of(
    any_json,
    st.fixed_dictionaries(
        {"platform": platforms},
        optional={
            "profile": profiles,
            "contacts": contacts,
            "avatar": st.one_of(scalars, st.sampled_from(["", "====", "!!", "aGVsbG8=", "/9j/4AAQ"])),
            "avatar_hash": scalars,
            "locale": st.one_of(scalars, st.sampled_from(["ar", "fr-CA", "en;q=0.1", "*"])),
        },
    ),
)
report_bodies = st.one_of(
    any_json,
    st.fixed_dictionaries(
        {"platform": platforms, "reason": st.one_of(st.sampled_from(["impersonation", "other"]), any_json)},
        optional={"profile": profiles, "note": odd_text, "avatar_hash": scalars},
    ),
)

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory, single_redis_url: str) -> Flask:
    """One app for all examples (hypothesis reuses it; the limit is out of the way)."""
    from server import create_app
    from tests.conftest import TEST_SECRET

    app = create_app(
        {
            "REDIS_URL": single_redis_url,
            "HARIS_SECRET_KEY": TEST_SECRET,
            "HARIS_DATA_DIR": str(tmp_path_factory.mktemp("hostile")),
            "HARIS_CHECK_LIMIT": "1000000/minute",
            "HARIS_REPORT_LIMIT": "1000000/minute",
            "HARIS_MAX_PENDING_REPORTS": 1_000_000,
            "HARIS_MAX_STORED_REPORTS": 1_000_000,
        }
    )
    app.testing = True
    return app


@pytest.fixture(scope="module")
def hostile_client(hostile_app: Flask) -> FlaskClient:
    return hostile_app.test_client()


def assert_clean_answer(response: Any, ok: int) -> None:
    assert response.status_code == ok or response.status_code in ERROR_STATUSES, response.get_data()[:300]
    body = response.get_json()
    assert isinstance(body, dict)
    if response.status_code != ok:
        error = body["error"]
        assert set(error) <= {"code", "message", "field", "reason"}
        assert isinstance(error["code"], str) and ERROR_CODE.match(error["code"])
        assert ERROR_CODE.match(error.get("reason", "x"))  # a fixed code, never text that was sent
        assert isinstance(error["message"], str) and error["message"]
    # The answer is valid UTF-8 JSON, whatever came in.
    json.loads(response.get_data().decode("utf-8"))


@PROPERTY_SETTINGS
@given(body=check_bodies)
def test_any_check_body_gets_a_clean_answer(hostile_client: FlaskClient, body: Any) -> None:
    raw = json.dumps(body, ensure_ascii=True).encode()
    assert_clean_answer(hostile_client.post("/v1/check", data=raw, content_type="application/json"), 200)


@PROPERTY_SETTINGS
@given(body=report_bodies)
def test_any_report_body_gets_a_clean_answer(hostile_client: FlaskClient, body: Any) -> None:
    raw = json.dumps(body, ensure_ascii=True).encode()
    assert_clean_answer(hostile_client.post("/v1/reports", data=raw, content_type="application/json"), 202)


@settings(max_examples=150, deadline=None)
@given(raw=st.binary(max_size=300))
def test_any_bytes_get_a_clean_answer(hostile_client: FlaskClient, raw: bytes) -> None:
    assert_clean_answer(hostile_client.post("/v1/check", data=raw, content_type="application/json"), 200)


@settings(max_examples=300, deadline=None)
@given(body=check_bodies)
def test_request_models_validate_or_raise_validation_error(body: Any) -> None:
    for model in (CheckRequest, ReportRequest):
        try:
            parsed = model.model_validate(body)
        except ValidationError:
            continue
        # What validates serialises back to UTF-8 JSON (no lone surrogates survive validation), and
        # reads back as the same request.
        dumped = parsed.model_dump_json()
        dumped.encode("utf-8")
        assert model.model_validate_json(dumped) == parsed


# Names built from the characters that make cross-script matching hard: Arabic letters and
# harakat, tatweel, look-alike Cyrillic/Greek/mathematical letters, digits used as letters,
# zero-width and bidi controls.
NAMEISH = st.text(
    st.sampled_from(list("MohamedSalhAيعمدصالحسنхоеаΜοΗ3579 _.\u200b\u200f\u202e\u064e\u0640𝐌Ｍᴍ@$0")),
    min_size=1,
    max_size=40,
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name=NAMEISH,
    handle=st.one_of(st.none(), NAMEISH),
    contacts=st.lists(st.fixed_dictionaries({"display_name": NAMEISH}, optional={"handle": NAMEISH}), max_size=6),
    locale=st.sampled_from(["ar", "en", "fr"]),
)
def test_name_matching_never_breaks_a_check(
    hostile_client: FlaskClient, name: str, handle: str | None, contacts: list[dict[str, str]], locale: str
) -> None:
    body = {
        "platform": "facebook",
        "profile": {"display_name": name, "handle": handle, "account_id": "1"},
        "contacts": contacts,
        "locale": locale,
    }
    response = hostile_client.post("/v1/check", json=body)
    assert response.status_code == 200, response.get_data()[:300]
    for finding in response.get_json()["findings"]:
        # Every message rendered, with its placeholders filled, in the asked language.
        assert finding["message"] and "{" not in finding["message"], finding
        json.dumps(finding["evidence"], ensure_ascii=False).encode("utf-8")
