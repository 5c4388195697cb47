"""A report, a bank entry or a case that names one account and points at another, or at a
protected person's own: refused before a trainer acts on it (``server.services.identity``).

The adversary files reports. A report that names the clone ``@ha1a_ahed`` (so genuine reports of
the clone merge into it) with the URL of ``@hala_ahed``, the woman it impersonates, sent the
trainer to her real profile and, through a case opened from it, the takedown notice to X against
her account; a report naming a protected person's own account id got that id banked as a bad
account's and exported to partners.
"""

from __future__ import annotations

from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from heuristics.profile import Platform
from server.escalation.account_url import problem_text
from server.state import app_state
from tests.api.test_banks import b64, photo_bytes
from tests.api.test_cases import KEY, case_body

CLONE = "ha1a_ahed"
HERS = "hala_ahed"


def protect_her(client: FlaskClient) -> None:
    """Hala Ahed, protected, with her genuine X account (id and handle)."""
    person = {"display_names": ["Hala Ahed"], "accounts": [{"platform": "x", "account_id": "42", "handle": HERS}]}
    assert client.post("/v1/protected", json=person, headers=KEY).status_code == 201


@pytest.mark.parametrize(
    ("profile", "reason"),
    [
        ({"handle": CLONE, "profile_url": f"https://x.com/{HERS}"}, "url_other_account"),
        ({"handle": CLONE, "profile_url": f"https://x.com.evil.example/{CLONE}"}, "url_other_site"),
        ({"handle": CLONE, "profile_url": f"https://x.com@evil.example/{CLONE}"}, "url_userinfo"),
        ({"profile_url": f"javascript:alert(1)//x.com/{CLONE}"}, "url_not_web"),
        # Read as another address: a second one after a space, a U+202E, a grapheme joiner.
        (
            {"handle": CLONE, "profile_url": f"https://x.com/{CLONE}?ref= https://evil.example/verify"},
            "url_hidden_characters",
        ),
        ({"handle": CLONE, "profile_url": f"https://x.com/{CLONE}/\u202emoc.live//:sptth"}, "url_hidden_characters"),
        ({"profile_url": f"https://x.com/{CLONE}\u034f"}, "url_hidden_characters"),
    ],
)
def test_a_report_whose_url_is_another_accounts_is_refused(
    client: FlaskClient, redis_client: redis.Redis, profile: dict[str, str], reason: str
) -> None:
    response = client.post("/v1/reports", json={"platform": "x", "reason": "impersonation", "profile": profile})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert (error["code"], error["field"], error["reason"]) == ("invalid_value", "profile.profile_url", reason)
    assert problem_text(reason, Platform.X) in error["message"]
    assert redis_client.zcard("haris:{reports}:pending") == 0  # nothing kept for a trainer to act on


def test_a_report_as_the_extension_sends_it_is_kept(client: FlaskClient) -> None:
    for platform, profile in (
        ("x", {"handle": CLONE, "profile_url": f"https://x.com/{CLONE}"}),
        (
            "facebook",
            {"account_id": "100090000000001", "profile_url": "https://www.facebook.com/profile.php?id=100090000000001"},
        ),
        ("facebook", {"handle": "hala.ahed", "profile_url": "https://www.facebook.com/hala.ahed"}),
        ("instagram", {"handle": "hala.ahed_", "profile_url": "https://www.instagram.com/hala.ahed_/"}),
        ("telegram", {"handle": "hala_ahed", "profile_url": "https://t.me/hala_ahed"}),
    ):
        body = {"platform": platform, "reason": "impersonation", "profile": profile}
        assert client.post("/v1/reports", json=body).status_code == 202, body


@pytest.mark.parametrize(
    ("suspect", "reason"),
    [
        ({"handle": CLONE, "profile_url": f"https://x.com/{HERS}"}, "url_other_account"),
        ({"handle": CLONE, "profile_url": f"https://x.com.evil.example/{CLONE}"}, "url_other_site"),
        ({"profile_url": f"https://x.com@evil.example/{CLONE}"}, "url_userinfo"),
    ],
)
def test_a_case_whose_suspect_url_is_another_accounts_is_refused(
    client: FlaskClient, suspect: dict[str, str], reason: str
) -> None:
    body = case_body()
    body["suspect"] = {key: value for key, value in body["suspect"].items() if key != "handle"} | suspect
    response = client.post("/v1/cases", json=body, headers=KEY)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["field"] == "suspect.profile_url" and problem_text(reason, Platform.X) in error["message"]
    assert client.get("/v1/cases", headers=KEY).get_json()["cases"] == []


def test_a_case_against_the_impersonated_persons_own_account_is_refused(client: FlaskClient) -> None:
    """The report's URL and handle agree, and both name her: the case would be a takedown of her."""
    body = case_body()
    body["suspect"] = {"profile_url": f"https://twitter.com/{HERS.upper()}", "display_name": "Hala Ahed"}
    response = client.post("/v1/cases", json=body, headers=KEY)
    assert response.status_code == 422
    assert response.get_json()["error"]["field"] == "suspect.profile_url"


def test_a_case_against_a_protected_persons_registered_account_is_refused(client: FlaskClient) -> None:
    """Typed as the original someone else (a campaign names a second, made-up original), the
    suspect is still her own registered account: by handle, and by account id under any handle."""
    protect_her(client)
    other_original = {"display_name": "Hala A.", "profile_url": "https://x.com/someone_else", "platform": "x"}
    for suspect in (
        {"profile_url": f"https://x.com/{HERS}"},
        {"profile_url": "https://x.com/new_name_of_hers", "handle": "new_name_of_hers", "account_id": "42"},
    ):
        body = case_body(impersonated=other_original)
        body["suspect"] = suspect
        response = client.post("/v1/cases", json=body, headers=KEY)
        assert response.status_code == 409, response.get_json()
        assert response.get_json()["error"]["code"] == "account_is_protected"
    assert client.get("/v1/cases", headers=KEY).get_json()["cases"] == []
    # The clone itself is no protected account: its case opens.
    assert client.post("/v1/cases", json=case_body(), headers=KEY).status_code == 201


def test_a_case_from_a_report_kept_before_these_checks_is_refused(app: Flask, client: FlaskClient) -> None:
    """A report queued by an older server (or written straight into Redis) with her URL: the
    case form takes the report's fields, and the case is refused when it opens."""
    with app.app_context():
        report_id = app_state().stores.reports.add(
            {
                "platform": "x",
                "reason": "impersonation",
                "profile": {"handle": CLONE, "profile_url": f"https://x.com/{HERS}"},
            }
        )
    assert client.post(f"/v1/reports/{report_id}/confirm", json={}, headers=KEY).status_code == 200
    stored: dict[str, Any] = client.get("/v1/reports?limit=1", headers=KEY).get_json()
    assert stored["pending"] == 0
    body = case_body(report_id=report_id)
    body["suspect"] = {"handle": CLONE, "profile_url": f"https://x.com/{HERS}"}
    response = client.post("/v1/cases", json=body, headers=KEY)
    assert response.status_code == 422 and response.get_json()["error"]["field"] == "suspect.profile_url"


def test_a_protected_persons_account_id_never_joins_a_bank(client: FlaskClient) -> None:
    """The reporter names her genuine account's id with a photo of her: the trainer, who cannot
    see whose an id is, ticks "with the account id" — the bank would export her account as a bad
    one's. Refused (409), the report left pending and the bank empty; without the id it banks."""
    protect_her(client)
    report = {"platform": "x", "reason": "entrapment", "profile": {"account_id": "42", "handle": "bait_acct"}}
    report_id = client.post("/v1/reports", json=report).get_json()["id"]
    confirm = {"bank": "entrapment-cases", "label": "entrapment", "avatar": b64(photo_bytes("rocket"))}
    refused = client.post(f"/v1/reports/{report_id}/confirm", json=confirm | {"with_account_id": True}, headers=KEY)
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["error"] == {
        "code": "account_is_protected",
        "message": refused.get_json()["error"]["message"],
        "field": "with_account_id",
    }
    assert client.get("/v1/reports", headers=KEY).get_json()["pending"] == 1
    assert client.get("/v1/banks", headers=KEY).get_json()["banks"] == []
    banked = client.post(f"/v1/reports/{report_id}/confirm", json=confirm | {"with_account_id": False}, headers=KEY)
    assert banked.status_code == 200, banked.get_json()


# A URL holding a U+202E or a zero-width space is refused before its handle is looked at: no
# address holds one (server.escalation.account_url.hidden_in_url).
HIDDEN = "must not hold characters that hide or reorder text"


@pytest.mark.parametrize(
    ("suspect", "field", "said"),
    [
        (
            {"handle": "h\u0430la_ahed", "profile_url": "https://x.com/h\u0430la_ahed"},
            "suspect.handle",
            "ASCII letters",
        ),
        ({"profile_url": "https://x.com/\u202edeha_alah"}, "suspect.profile_url", HIDDEN),
        ({"handle": "hala\u200b_ahed"}, "suspect.profile_url", HIDDEN),
    ],
)
def test_a_case_against_a_handle_the_platform_cannot_have_is_refused(
    client: FlaskClient, suspect: dict[str, str], field: str, said: str
) -> None:
    """X handles are ASCII: "x.com/hаla_ahed" (a Cyrillic а) or "x.com/\u202edeha_alah" names no
    account, and a notice about it reads, to X's reviewer, as the woman's own @hala_ahed."""
    body = case_body()
    body["suspect"] = {"profile_url": f"https://x.com/{CLONE}", "display_name": "Hala Ahed"} | suspect
    if "handle" in suspect and "profile_url" not in suspect:
        body["suspect"]["profile_url"] = f"https://x.com/{suspect['handle']}"
    response = client.post("/v1/cases", json=body, headers=KEY)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["field"] == field
    assert said in response.get_json()["error"]["message"]
    # Another site's handles are its own business.
    other = case_body(
        platform="other",
        impersonated={"display_name": "Hala", "profile_url": "https://forum.example/u/hala", "platform": "other"},
    )
    other["suspect"] = {"profile_url": "https://forum.example/u/h\u0430la", "handle": "h\u0430la"}
    assert client.post("/v1/cases", json=other, headers=KEY).status_code == 201
