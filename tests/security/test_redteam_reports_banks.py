"""Red team: a forged report of a protected person's genuine account, to have her account id
exported in a bank as a bad account's.

The account id a report names joins a bank entry only when the trainer asks for it
(``with_account_id``), and never when it is a protected person's registered account (409
``account_is_protected``). That check looked the reported account up by its id alone. A person
registered by her username only (``x @hala_ahed``, the common case: most pages show no id) has no
id to compare: a report naming her handle with her real account id was not hers to the check,
while the same report's page warned, in red, that it is (the warning compares the handle too).
Confirmed into a bank with the id, her genuine account went to every partner as a bad one's.
Now the bank's check asks about the account the report names as the warning does: its id and
its handle.
"""

from __future__ import annotations

import json

from flask.testing import FlaskClient

from tests.api.test_banks import b64, photo_bytes

BOOTSTRAP = {"Authorization": "Bearer test-bootstrap-key"}
HALA = {"display_names": ["Hala Ahed"], "accounts": [{"platform": "x", "handle": "hala_ahed"}]}
HER_REAL_ID = "1480000000000000001"


def test_her_account_id_never_joins_a_bank_when_she_is_registered_by_username(client: FlaskClient) -> None:
    assert client.post("/v1/protected", json=HALA, headers=BOOTSTRAP).status_code == 201
    forged = {
        "platform": "x",
        "reason": "entrapment",
        "profile": {"handle": "hala_ahed", "account_id": HER_REAL_ID, "profile_url": "https://x.com/hala_ahed"},
    }
    report_id = client.post("/v1/reports", json=forged).get_json()["id"]
    body = {"bank": "shared", "label": "entrapment", "avatar": b64(photo_bytes("rocket")), "with_account_id": True}
    answer = client.post(f"/v1/reports/{report_id}/confirm", headers=BOOTSTRAP, json=body)
    assert answer.status_code == 409, answer.get_json()
    assert answer.get_json()["error"]["code"] == "account_is_protected"
    exported = client.get("/v1/banks/shared/export", headers=BOOTSTRAP)
    ids = [json.loads(line).get("account_id") for line in exported.get_data(as_text=True).splitlines()]
    assert HER_REAL_ID not in ids
    # The photo alone can still be banked (the report stays pending after the refusal).
    body["with_account_id"] = False
    assert client.post(f"/v1/reports/{report_id}/confirm", headers=BOOTSTRAP, json=body).status_code == 200
