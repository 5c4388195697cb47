"""The console's doors refuse a copy of a picture of the ``platform-defaults`` bank (422
``common_picture``) as the API's do (tests/security/test_redteam_common_pictures.py): a bank's
add form, its import form and the protected-people form, each in the page's language."""

from __future__ import annotations

import html
import io
import json

import pytest
import redis
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from heuristics.images import decode, fingerprint
from server.storage.protected import ProtectedStore
from tests.api.test_banks import cropped_mirrored_copy, photo_bytes
from tests.console.conftest import page_token
from tests.console.test_bank_pages import add_photo, import_file, stored_entries
from tests.console.test_protected_pages import error_field
from tests.security.test_redteam_common_pictures import STOCK, reencoded

SAID = {
    "en": "this picture matches one of the platform-defaults bank",
    "fr": "cette image correspond à une image de la banque platform-defaults",
    "ar": "هذه الصورة تطابق صورة في بنك platform-defaults",
}


def with_a_default(client: FlaskClient) -> None:
    """A maintainer puts the stock photo in the defaults bank, from the console's own form."""
    assert add_photo(client, "platform-defaults", photo_bytes(STOCK), label="other").status_code == 303


def alert(response: TestResponse) -> str:
    page = html.unescape(response.get_data(as_text=True))
    assert 'role="alert"' in page
    return page


@pytest.mark.parametrize("locale", ["en", "fr", "ar"])
def test_the_add_form_refuses_a_copy_of_a_default_in_the_pages_language(
    trainer: FlaskClient, maintainer: FlaskClient, redis_client: redis.Redis, locale: str
) -> None:
    with_a_default(maintainer)
    trainer.get(f"/console/lang/{locale}")
    refused = add_photo(trainer, "ngo-1", cropped_mirrored_copy(STOCK))
    page = alert(refused)
    assert refused.status_code == 422 and SAID[locale] in page and '<code dir="ltr">avatar</code>' in page
    assert stored_entries(redis_client) == 1  # the default alone
    assert add_photo(trainer, "ngo-1", photo_bytes("rocket")).status_code == 303


def test_the_import_form_names_the_entry_of_a_default(maintainer: FlaskClient, redis_client: redis.Redis) -> None:
    with_a_default(maintainer)
    lines = [
        {"id": f"e{n}", "fingerprint": fingerprint(decode(reencoded(name))).hex, "label": "other"}
        | {"added_at": 1, "added_by": "m"}
        for n, name in enumerate(("rocket", STOCK), start=1)
    ]
    refused = import_file(maintainer, "copy", "".join(json.dumps(line) + "\n" for line in lines).encode())
    page = alert(refused)
    assert refused.status_code == 422 and SAID["en"] in page and '<code dir="ltr">entry 2</code>' in page
    assert stored_entries(redis_client) == 1


def test_the_protected_form_refuses_a_default_as_her_photo(
    trainer: FlaskClient, maintainer: FlaskClient, redis_client: redis.Redis
) -> None:
    with_a_default(maintainer)
    token = page_token(trainer, "/console/protected/new")
    data = {"csrf_token": token, "display_names": "Hala Ahed", "accounts": "", "avatar_hashes": ""}
    refused = trainer.post(
        "/console/protected/new",
        data=data | {"avatars": [(io.BytesIO(reencoded(STOCK)), "stock.jpg")]},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422 and SAID["en"] in alert(refused)
    assert error_field(refused) == "avatars.stock.jpg"
    assert ProtectedStore(redis_client).all() == []
