"""A closed case still exports its records, audited as a closed case's export; its takedown notice
is refused (409 case_closed) until it is reopened (docs/escalation.md, "Closed cases")."""

from __future__ import annotations

from collections.abc import Callable

import redis
from flask import Flask

from server.roles import Role
from server.services import CLI_ACTOR
from server.services.cases import set_state
from server.state import app_state
from server.storage.audit import AuditLog
from server.storage.users import UserStore
from tests.conftest import PASSWORD
from tests.console.conftest import HttpsClient, csrf_from, sign_in

KEY = {"Authorization": "Bearer test-bootstrap-key"}
BODY = {
    "platform": "x",
    "suspect": {"profile_url": "https://x.com/ha1a_ahed", "display_name": "Hala Ahed", "handle": "ha1a_ahed"},
    "impersonated": {"display_name": "Hala Ahed", "profile_url": "https://x.com/hala_ahed", "platform": "x"},
}


def _exports(redis_client: redis.Redis, case_id: str) -> list[dict[str, str]]:
    return [e["detail"] for e in reversed(AuditLog(redis_client).recent()) if e["action"] == "case.exported"
            and e["target"] == case_id]  # fmt: skip


def test_a_closed_case_exports_its_records_but_not_a_notice_through_the_api(
    make_app: Callable[..., Flask], redis_client: redis.Redis
) -> None:
    app = make_app()
    client = app.test_client()
    case_id = client.post("/v1/cases", json=BODY, headers=KEY).get_json()["id"]
    assert client.get(f"/v1/cases/{case_id}/export/ticket?platform=x", headers=KEY).status_code == 200
    with app.app_context():
        stores = app_state().stores
        set_state(stores.cases, stores.audit, case_id, "closed", CLI_ACTOR)

    refused = client.get(f"/v1/cases/{case_id}/export/ticket?platform=x", headers=KEY)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "case_closed"
    for kind in ("archive", "redacted", "misp", "stix"):
        assert client.get(f"/v1/cases/{case_id}/export/{kind}", headers=KEY).status_code == 200, kind
    details = _exports(redis_client, case_id)
    assert details[0] == {"kind": "ticket", "platform": "x", "locale": "en"}  # while open: as before
    assert [d["kind"] for d in details[1:]] == ["archive", "redacted", "misp", "stix"]
    assert all(d["case_state"] == "closed" for d in details[1:])

    with app.app_context():
        set_state(stores.cases, stores.audit, case_id, "open", CLI_ACTOR)
    assert client.get(f"/v1/cases/{case_id}/export/ticket?platform=x", headers=KEY).status_code == 200


def test_a_closed_cases_page_offers_no_notice(make_app: Callable[..., Flask], redis_client: redis.Redis) -> None:
    app = make_app()
    case_id = app.test_client().post("/v1/cases", json=BODY, headers=KEY).get_json()["id"]
    app.test_client_class = HttpsClient
    UserStore(redis_client).create("amal", PASSWORD, Role.TRAINER)
    browser = app.test_client()
    browser.environ_base["HTTP_REFERER"] = "https://localhost/console/"
    assert sign_in(browser, "amal").status_code == 303
    page = browser.get(f"/console/cases/{case_id}").get_data(as_text=True)
    assert "/export/ticket" in page  # the notice's form, while the case is open
    assert 'data-ticket="closed"' not in page
    closed = browser.post(f"/console/cases/{case_id}/close", data={"csrf_token": csrf_from(page)})
    assert closed.status_code == 303
    page = browser.get(f"/console/cases/{case_id}").get_data(as_text=True)
    assert 'data-ticket="closed"' in page and "/export/ticket" not in page
    assert 'data-export="archive"' in page
    refused = browser.get(f"/console/cases/{case_id}/export/ticket?platform=x&locale=en")
    assert refused.status_code == 409
    assert "reopen it to file a takedown notice" in refused.get_data(as_text=True)
    assert browser.get(f"/console/cases/{case_id}/export/archive").status_code == 200
