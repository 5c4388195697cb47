"""Red team (session 12): attacks on the last hour's features that held, kept as tests.

- A trainer naming the ``platform-defaults`` bank in a forged console form, a look-alike of it
  (case, a Unicode hyphen, a trailing line break, percent-encoded in the API's path) or through a
  report's confirmation: refused (403 ``defaults_maintainer_only``) or not a bank name (422);
  nothing is written, the defaults bank stays empty.
- The new-case picker with forged values (a deleted person's id, a cursor that is no id, a
  picked id not on the page shown): a 4xx or the form again, never a 500; a deleted person is
  never shown.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from server.storage.banks import BankStore
from server.storage.users import UserStore
from tests.api.test_banks import b64, photo_bytes
from tests.api.test_protected_listing import fill_registry
from tests.console.conftest import HttpsClient, console_browser, csrf_from
from tests.console.test_case_pages import TYPED
from tests.security.test_redteam_common_pictures import trainer_key

DEFAULTS = "platform-defaults"
LOOK_ALIKES = (
    "Platform-Defaults",
    "platform\u2010defaults",
    "platform\u2011defaults",
    "platform-defaults\n",
    " platform-defaults",
)


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    built = make_app()
    built.test_client_class = HttpsClient
    return built


@pytest.fixture
def trainer(app: Flask, accounts: UserStore) -> FlaskClient:
    return console_browser(app, "amal")


def _banks(redis_client: redis.Redis) -> set[str]:
    return {bank["name"] for bank in BankStore(redis_client).banks()}


def test_no_door_or_look_alike_lets_a_trainer_write_the_defaults(
    app: Flask, trainer: FlaskClient, redis_client: redis.Redis
) -> None:
    token = csrf_from(trainer.get("/console/banks").get_data(as_text=True))
    photo = b64(photo_bytes("rocket"))
    for bank in (DEFAULTS, *LOOK_ALIKES):
        posted = trainer.post(
            "/console/banks/entries", data={"csrf_token": token, "bank": bank, "label": "other", "avatar_hash": "00"}
        )
        assert posted.status_code in {403, 422}, (bank, posted.status_code)
    api = app.test_client()
    key = trainer_key(redis_client)
    for path in (DEFAULTS, "platform%2Ddefaults", "PLATFORM-DEFAULTS", "platform-defaults%0A"):
        added = api.post(f"/v1/banks/{path}/entries", json={"avatar": photo, "label": "other"}, headers=key)
        assert added.status_code in {403, 422}, (path, added.get_json())
    filed = api.post("/v1/reports", json={"platform": "x", "profile": {"account_id": "77"}, "reason": "other"})
    for bank in (DEFAULTS, *LOOK_ALIKES):
        confirm = {"bank": bank, "label": "other", "avatar": photo}
        decided = api.post(f"/v1/reports/{filed.get_json()['id']}/confirm", json=confirm, headers=key)
        assert decided.status_code in {403, 422}, (bank, decided.get_json())
    assert _banks(redis_client) == set()


def test_the_picker_with_forged_values_answers_a_4xx_or_the_form(
    app: Flask, trainer: FlaskClient, redis_client: redis.Redis
) -> None:
    ids = sorted(fill_registry(redis_client, 3))
    gone = ids[0]
    key = {"Authorization": "Bearer test-bootstrap-key"}
    assert app.test_client().delete(f"/v1/protected/{gone}", headers=key).status_code == 204
    page = trainer.get("/console/cases/new").get_data(as_text=True)
    assert gone not in page
    token = csrf_from(page)
    forged = [
        ({**TYPED, "registry_after": "", "protected_id": gone}, 200),
        ({**TYPED, "registry_after": "", "protected_id": "x" * 5000}, 200),
        ({**TYPED, "registry_after": ids[-1], "protected_id": ids[1]}, 200),
        ({**TYPED, "registry_after": "f" * 16}, 200),
        ({**TYPED, "registry_after": "../" * 6}, 400),
        ({**TYPED, "protected_id": gone}, 422),
    ]
    for data, status in forged:
        answer = trainer.post("/console/cases/new", data={"csrf_token": token, **data})
        assert answer.status_code == status, (data, answer.status_code)
        assert gone not in answer.get_data(as_text=True)
