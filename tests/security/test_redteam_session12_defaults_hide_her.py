"""Red team (session 12): a protected person's clone hidden through the defaults bank.

A checked picture that the banks confirm as a platform default names nobody by photo
(``ProtectedLookup.photo_matches``): a registered photo that copies a default would otherwise
take everyone showing it for her impersonator. But the same exemption answered the guard of
every bank write, ``refuse_protected_photo`` ("a photo that matches a protected person's photo
never enters a bank"). So a maintainer's key — a stolen one, or a rogue maintainer — put her
own registered photo in the defaults bank in three posts: the stock picture her photo was cropped
from by its fingerprint (no pixels: it does not confirm her crop, so it is not refused as hers,
and her photo still names her), then the stock picture by photo (now "a default", so no longer
"hers"), then her photo itself. From then on a clone showing her real photo named nobody. A write
now asks the registry without the exemption: the last two posts are refused as hers (409
``matches_protected_person``), whichever door (a photo, an import, a report confirmed into it).
"""

from __future__ import annotations

import io

import redis
from flask.testing import FlaskClient
from PIL import Image

from heuristics.banks import BankLabel
from heuristics.images import fingerprint_bytes
from server.storage.banks import make_entry
from tests.api.test_banks import MAINTAINER, b64, cropped_mirrored_copy, photo_bytes
from tests.security.test_redteam_common_pictures import STOCK, add, reencoded
from tests.security.test_redteam_defaults_writes import DEFAULTS, JSONL, anonymous_findings, register

HERS = "impersonation.protected_person"


def reencoded_copy(photo: bytes) -> bytes:
    """Her photo as a clone would upload it: decoded and saved again (another JPEG quality)."""
    image = Image.open(io.BytesIO(photo)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def refused_as_hers(response: object) -> None:
    assert response.status_code == 409, response.get_json()  # type: ignore[attr-defined]
    assert response.get_json()["error"]["code"] == "matches_protected_person"  # type: ignore[attr-defined]


def test_a_maintainer_key_cannot_put_her_photo_in_the_defaults_after_its_stock_picture(
    client: FlaskClient, redis_client: redis.Redis
) -> None:
    hers = cropped_mirrored_copy(STOCK)
    register(client, hers)
    assert HERS in anonymous_findings(client, hers)
    # The stock picture by photo is hers (it confirms her crop): refused, as before.
    refused_as_hers(add(client, DEFAULTS, MAINTAINER, avatar=b64(photo_bytes(STOCK)), label="other"))
    # By its fingerprint it is not (documented in docs/avatars.md): her photo still names her.
    stock_hash = fingerprint_bytes(photo_bytes(STOCK)).hex
    assert add(client, DEFAULTS, MAINTAINER, avatar_hash=stock_hash, label="other").status_code == 201
    assert HERS in anonymous_findings(client, hers)
    # Now the stock photo is "a default": it was let in, with the keypoints that confirm her crop.
    refused_as_hers(add(client, DEFAULTS, MAINTAINER, avatar=b64(photo_bytes(STOCK)), label="other"))
    # Her own registered photo: let in too, and a clone showing it named nobody.
    refused_as_hers(add(client, DEFAULTS, MAINTAINER, avatar=b64(hers), label="other"))
    # Nor by an import of her photo's fingerprint with its keypoints.
    line = make_entry(fingerprint_bytes(hers), BankLabel.OTHER, "maintainer").exported()
    imported = client.post(f"/v1/banks/{DEFAULTS}/import", data=line, headers=JSONL)
    assert imported.status_code == 409, imported.get_json()
    assert imported.get_json()["error"]["code"] == "matches_protected_person", imported.get_json()
    # Nor by a report confirmed into it with her photo.
    filed = client.post("/v1/reports", json={"platform": "x", "profile": {"account_id": "77"}, "reason": "other"})
    confirm = {"bank": DEFAULTS, "label": "other", "avatar": b64(hers)}
    refused_as_hers(client.post(f"/v1/reports/{filed.get_json()['id']}/confirm", json=confirm, headers=MAINTAINER))
    assert HERS in anonymous_findings(client, hers)


def test_one_import_of_the_stock_picture_with_keypoints_does_not_hide_her_photo(
    client: FlaskClient, redis_client: redis.Redis
) -> None:
    """The same without a write the guard could refuse: the stock picture's entry with its
    keypoints (an export line, a partner's defaults file) is not hers — asked of the registry
    without her photo's pixels, it does not confirm her crop — and is imported. But at check time
    her photo, cropped from it, confirms against its keypoints, so every picture "a default"
    dropped her: a clone showing her real photo named nobody. Now a registered photo is dropped
    only when the default is at least as close to the checked picture as her photo is: the stock
    picture still names nobody, her photo names her."""
    hers = cropped_mirrored_copy(STOCK)
    register(client, hers)
    line = make_entry(fingerprint_bytes(photo_bytes(STOCK)), BankLabel.OTHER, "maintainer").exported()
    imported = client.post(f"/v1/banks/{DEFAULTS}/import", data=line, headers=JSONL)
    assert imported.status_code == 200, imported.get_json()
    assert HERS in anonymous_findings(client, hers)
    assert HERS in anonymous_findings(client, reencoded_copy(hers))
    found = anonymous_findings(client, reencoded(STOCK))
    assert HERS not in found and "avatar.missing_or_default" in found
