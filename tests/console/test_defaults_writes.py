"""The console's doors to the ``platform-defaults`` bank are a maintainer's (as the API's are:
tests/security/test_redteam_defaults_writes.py): a trainer's forms do not offer that bank, a
trainer's post naming it is refused (403) in the page's language before anything is read, and a
report is not confirmed into it; a maintainer's add says how many entries of other banks the
picture now silences."""

from __future__ import annotations

import html
import io
import re

import pytest
import redis
from flask.testing import FlaskClient

from server.storage.banks import BankStore
from tests.api.test_banks import photo_bytes
from tests.console.test_bank_pages import add_photo
from tests.console.test_report_accounts import form_of

DEFAULTS = "platform-defaults"
API_KEY = {"Authorization": "Bearer test-bootstrap-key"}
SAID = {
    "en": "only a maintainer may change the platform-defaults bank",
    "fr": "seul un mainteneur peut modifier la banque platform-defaults",
    "ar": "لا يغيّر بنك platform-defaults إلا مشرف",
}


def offered_banks(client: FlaskClient) -> list[str]:
    """The bank names the add form's list offers."""
    page = client.get("/console/banks").get_data(as_text=True)
    found = re.search(r'<datalist id="bank-names">(.*?)</datalist>', page, re.DOTALL)
    assert found is not None
    return re.findall(r'<option value="([^"]+)">', found.group(1))


def defaults_entries(redis_client: redis.Redis) -> int:
    return sum(b["entries"] for b in BankStore(redis_client).banks() if b["name"] == DEFAULTS)


def test_a_trainers_bank_forms_do_not_offer_the_defaults_bank(
    trainer: FlaskClient, maintainer: FlaskClient, redis_client: redis.Redis
) -> None:
    assert add_photo(maintainer, DEFAULTS, photo_bytes("brick"), label="other").status_code == 303
    assert add_photo(trainer, "ngo-1", photo_bytes("rocket")).status_code == 303
    assert offered_banks(trainer) == ["ngo-1"]
    assert sorted(offered_banks(maintainer)) == ["ngo-1", DEFAULTS]
    page = html.unescape(trainer.get("/console/banks").get_data(as_text=True))
    assert "Only maintainers add to or remove from the platform-defaults bank" in page
    assert "defaults-maintainers" not in maintainer.get("/console/banks").get_data(as_text=True)
    # Trainers still see it listed, with its count, and export it.
    assert f'<tr data-bank="{DEFAULTS}">' in page
    assert trainer.get(f"/console/banks/{DEFAULTS}/export").status_code == 200


@pytest.mark.parametrize("locale", ["en", "fr", "ar"])
def test_a_trainers_forged_post_to_the_defaults_bank_is_refused_in_the_pages_language(
    trainer: FlaskClient, redis_client: redis.Redis, locale: str
) -> None:
    trainer.get(f"/console/lang/{locale}")
    for sent in ({"avatar_hash": "not a fingerprint"}, {}):
        photo = None if sent else photo_bytes("rocket")
        refused = add_photo(trainer, DEFAULTS, photo, label="other", **sent)
        page = html.unescape(refused.get_data(as_text=True))
        assert refused.status_code == 403 and 'role="alert"' in page and SAID[locale] in page
        assert '<code dir="ltr">bank</code>' in page
    assert defaults_entries(redis_client) == 0


def test_a_maintainers_add_says_how_many_entries_it_silences(
    trainer: FlaskClient, maintainer: FlaskClient, redis_client: redis.Redis
) -> None:
    assert add_photo(trainer, "ngo-1", photo_bytes("coffee")).status_code == 303
    assert add_photo(trainer, "ngo-2", photo_bytes("rocket")).status_code == 303
    added = add_photo(maintainer, DEFAULTS, photo_bytes("coffee"), label="other")
    assert added.status_code == 303
    page = html.unescape(maintainer.get("/console/banks").get_data(as_text=True))
    assert "1 entries of other banks match this picture" in page
    assert defaults_entries(redis_client) == 1
    # A trainer's add to another bank says nothing of the kind.
    assert add_photo(trainer, "ngo-2", photo_bytes("brick")).status_code == 303
    assert "entries of other banks match" not in trainer.get("/console/banks").get_data(as_text=True)


def test_a_trainer_confirms_no_report_into_the_defaults_bank(
    trainer: FlaskClient, maintainer: FlaskClient, anonymous: FlaskClient, redis_client: redis.Redis
) -> None:
    assert add_photo(maintainer, DEFAULTS, photo_bytes("brick"), label="other").status_code == 303
    assert add_photo(trainer, "ngo-1", photo_bytes("coffee")).status_code == 303
    filed = {"platform": "x", "reason": "entrapment", "profile": {"account_id": "7104"}}
    report_id = anonymous.post("/v1/reports", json=filed).get_json()["id"]
    page = trainer.get(f"/console/reports/{report_id}").get_data(as_text=True)
    assert '<option value="ngo-1"' in page and f'<option value="{DEFAULTS}"' not in page
    assert f'<option value="{DEFAULTS}"' in maintainer.get(f"/console/reports/{report_id}").get_data(as_text=True)
    # A forged post naming it is refused before the photo is even shown for review …
    confirm = form_of(page, f"/console/reports/{report_id}/confirm")
    data = {**confirm, "bank": DEFAULTS, "label": "other", "photo": (io.BytesIO(photo_bytes("rocket")), "p.jpg")}
    refused = trainer.post(
        f"/console/reports/{report_id}/confirm", data=data, content_type="multipart/form-data", follow_redirects=True
    )
    text = html.unescape(refused.get_data(as_text=True))
    assert SAID["en"] in text and "bank-preview" not in text
    # … and so is the second post, reviewed: nothing banked, the report still pending.
    reviewed = {**data, "photo": (io.BytesIO(photo_bytes("rocket")), "p.jpg"), "reviewed": "yes"}
    trainer.post(f"/console/reports/{report_id}/confirm", data=reviewed, content_type="multipart/form-data")
    assert defaults_entries(redis_client) == 1
    pending = [r["id"] for r in anonymous.get("/v1/reports", headers=API_KEY).get_json()["reports"]]
    assert pending == [report_id]
