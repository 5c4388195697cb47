"""Bank pages of the console: list with counts, add, export, import; roles, errors, audit, and the
next check matching what was added."""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from heuristics.banks import BankLabel
from heuristics.images import decode, fingerprint
from server.console import SESSION_COOKIE
from server.storage.audit import AuditLog
from server.storage.banks import BankStore, StoredEntry, make_entry
from server.storage.users import UserStore
from tests.api.test_banks import b64, cropped_mirrored_copy, photo_bytes
from tests.console.conftest import HttpsClient, page_token, sign_in

# A fingerprint as this server makes them (version 2), of a photo no test here banks otherwise.
HASH = fingerprint(decode(photo_bytes("brick"))).hex

_COUNT = re.compile(r'<tr data-bank="([^"]+)">.*?<td class="num count">(\d+)</td>', re.DOTALL)
SMALL_LIMIT = 64 * 1024  # a small HARIS_MAX_BODY_BYTES keeps the oversize tests cheap


def counts(client: FlaskClient) -> dict[str, int]:
    response = client.get("/console/banks")
    assert response.status_code == 200
    return {name: int(count) for name, count in _COUNT.findall(response.get_data(as_text=True))}


def post_form(client: FlaskClient, path: str, **fields: Any) -> Any:
    token = page_token(client, "/console/banks")
    return client.post(path, data={"csrf_token": token, **fields}, content_type="multipart/form-data")


def add_photo(client: FlaskClient, bank: str, photo: bytes | None = None, **fields: Any) -> Any:
    data: dict[str, Any] = {"bank": bank, "label": "entrapment", **fields}
    if photo is not None:
        data["avatar"] = (io.BytesIO(photo), "photo.jpg")
    return post_form(client, "/console/banks/entries", **data)


def import_file(client: FlaskClient, bank: str, content: bytes, name: str = "bank.jsonl") -> Any:
    return post_form(client, "/console/banks/import", bank=bank, file=(io.BytesIO(content), name))


def refused_page(response: Any, status: int, *needles: str) -> str:
    """A refused post: the banks page again, with the error named, and the right status."""
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == status, (response.status_code, page[-600:])
    assert "Add a photo to a bank" in page and 'role="alert"' in page
    for needle in needles:
        assert needle in page, needle
    return page


def stored_entries(redis_client: redis.Redis) -> int:
    return sum(bank["entries"] for bank in BankStore(redis_client).banks())


# --- roles -------------------------------------------------------------------------------------


def test_anonymous_visitors_see_no_bank_and_change_nothing(anonymous: FlaskClient, redis_client: redis.Redis) -> None:
    for path in ("/console/banks", "/console/banks/ngo-1/export"):
        response = anonymous.get(path)
        assert response.status_code == 302 and response.headers["Location"] == f"/console/login?next={path}"
    token = page_token(anonymous, "/console/login")
    for path in ("/console/banks/entries", "/console/banks/import"):
        data = {"csrf_token": token, "bank": "ngo-1", "label": "other", "avatar_hash": HASH}
        response = anonymous.post(path, data=data, content_type="multipart/form-data")
        assert response.status_code == 302 and response.headers["Location"] == "/console/login"
    assert redis_client.keys("haris:{banks}*") == [] and redis_client.keys("haris:audit") == []


def test_a_trainer_lists_adds_and_exports_but_cannot_import(trainer: FlaskClient, redis_client: redis.Redis) -> None:
    page = trainer.get("/console/banks").get_data(as_text=True)
    assert "No banks yet." in page and "Add a photo to a bank" in page
    assert "Import a bank export" not in page  # the import form is for maintainers only
    assert '<a href="/console/banks">Banks</a>' in page  # in the navigation

    assert add_photo(trainer, "ngo-1", photo_bytes("astronaut")).status_code == 303
    assert counts(trainer) == {"ngo-1": 1}
    exported = trainer.get("/console/banks/ngo-1/export")
    assert exported.status_code == 200 and len(exported.get_data().splitlines()) == 1

    refused = import_file(trainer, "ngo-1", exported.get_data())
    assert refused.status_code == 403 and "does not allow" in refused.get_data(as_text=True)
    assert counts(trainer) == {"ngo-1": 1}
    assert [e["action"] for e in AuditLog(redis_client).recent()] == ["bank.exported", "bank.added"]


def test_a_maintainer_does_everything(maintainer: FlaskClient) -> None:
    assert "Import a bank export" in maintainer.get("/console/banks").get_data(as_text=True)
    assert add_photo(maintainer, "ngo-1", avatar_hash=HASH).status_code == 303
    exported = maintainer.get("/console/banks/ngo-1/export").get_data()
    assert import_file(maintainer, "copy", exported).status_code == 303
    assert counts(maintainer) == {"copy": 1, "ngo-1": 1}


def test_the_home_page_links_to_the_banks(trainer: FlaskClient) -> None:
    home = trainer.get("/console/").get_data(as_text=True)
    assert 'class="tile" href="/console/banks"' in home


# --- adding, counts, audit, privacy -----------------------------------------------------------


def test_adding_grows_the_count_and_is_audited_without_keeping_the_photo(
    trainer: FlaskClient, maintainer: FlaskClient, redis_client: redis.Redis
) -> None:
    assert add_photo(trainer, "ngo-1", photo_bytes("astronaut"), platform="x", account_id="4242").status_code == 303
    assert counts(trainer) == {"ngo-1": 1}
    response = add_photo(trainer, "ngo-1", photo_bytes("coffee"), label="stock_photo", note="agency photo")
    assert response.status_code == 303 and response.headers["Location"] == "/console/banks"
    shown = trainer.get("/console/banks").get_data(as_text=True)
    assert "Added to bank “ngo-1”." in shown
    assert counts(trainer) == {"ngo-1": 2}
    typed = add_photo(trainer, "ngo-2", avatar_hash=f" {HASH.upper()} ", label="campaign")
    assert typed.status_code == 303
    assert counts(trainer) == {"ngo-1": 2, "ngo-2": 1}

    entries = {e.label.value: e for e in BankStore(redis_client).entries("ngo-1")}
    astronaut = entries["entrapment"]
    assert astronaut.fingerprint == fingerprint(decode(photo_bytes("astronaut"))).hex
    assert (astronaut.platform and astronaut.platform.value, astronaut.account_id) == ("x", "4242")
    assert entries["stock_photo"].note == "agency photo"
    # Exports travel between organisations: they carry the role, never the trainer's name.
    assert {e.added_by for e in entries.values()} == {"trainer"}
    [typed_entry] = BankStore(redis_client).entries("ngo-2")
    assert typed_entry.fingerprint == HASH

    # Only fingerprints reach Redis, never the photo.
    dump = b" ".join(redis_client.dump(key) or b"" for key in redis_client.keys("haris:*"))
    assert b"JFIF" not in dump and b64(photo_bytes("astronaut"))[:40].encode() not in dump

    audit = AuditLog(redis_client).recent()
    assert [(e["actor"], e["action"], e["detail"]) for e in audit] == [
        ("amal", "bank.added", {"bank": "ngo-2", "label": "campaign"}),
        ("amal", "bank.added", {"bank": "ngo-1", "label": "stock_photo"}),
        ("amal", "bank.added", {"bank": "ngo-1", "label": "entrapment"}),
    ]
    assert audit[-1]["target"] == astronaut.id
    trail = maintainer.get("/console/audit").get_data(as_text=True)
    assert "added a bank entry" in trail and "bank=ngo-1" in trail


def test_the_next_check_matches_a_photo_added_from_the_page(trainer: FlaskClient) -> None:
    before = trainer.post(
        "/console/check",
        data={"csrf_token": page_token(trainer, "/console/check"), "platform": "x", "handle": "someone"}
        | {"avatar": (io.BytesIO(cropped_mirrored_copy("astronaut")), "a.jpg")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "avatar.known_bad" not in before

    assert add_photo(trainer, "ngo-1", photo_bytes("astronaut"), label="stolen_photo").status_code == 303
    checked = trainer.post(
        "/console/check",
        data={"csrf_token": page_token(trainer, "/console/check"), "platform": "x", "handle": "someone"}
        | {"avatar": (io.BytesIO(cropped_mirrored_copy("astronaut")), "a.jpg")},
        content_type="multipart/form-data",
    )
    page = html.unescape(checked.get_data(as_text=True))
    assert checked.status_code == 200
    assert 'data-code="avatar.known_bad"' in page
    assert re.search(r'<li class="match bank" data-bank="ngo-1">Photo matches bank “ngo-1” \(stolen photo\)', page)
    # The extension's JSON check sees the same bank entry.
    report = trainer.post("/v1/check", json={"platform": "x", "avatar": b64(cropped_mirrored_copy("astronaut"))})
    finding = next(f for f in report.get_json()["findings"] if f["code"] == "avatar.known_bad")
    assert finding["evidence"]["bank"] == "ngo-1" and finding["evidence"]["label"] == "stolen_photo"


def test_the_report_queue_confirms_into_a_bank_with_the_trainers_photo(
    trainer: FlaskClient, anonymous: FlaskClient, redis_client: redis.Redis
) -> None:
    """Finding 3: only a photo the trainer uploads and sees is banked, never the report's hash."""
    reported_hash = fingerprint(decode(photo_bytes("rocket"))).hex
    report = {"platform": "x", "avatar_hash": reported_hash, "reason": "entrapment"}
    assert add_photo(trainer, "entrapment-cases", photo_bytes("astronaut")).status_code == 303
    report_id = anonymous.post("/v1/reports", json=report).get_json()["id"]
    queue = trainer.get("/console/reports").get_data(as_text=True)
    assert '<option value="entrapment-cases">entrapment-cases</option>' in queue
    detail = trainer.get(f"/console/reports/{report_id}").get_data(as_text=True)
    assert '<option value="entrapment-cases">' in detail and 'type="file" name="photo"' in detail

    token = page_token(trainer, "/console/reports")
    crafted = trainer.post(
        f"/console/reports/{report_id}/confirm",
        data={
            "csrf_token": token,
            "bank": "-x",
            "label": "entrapment",
            "photo": (io.BytesIO(photo_bytes("coffee")), "p.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert crafted.status_code == 303 and redis_client.sismember("haris:{banks}:names", "-x") == 0
    without_photo = trainer.post(
        f"/console/reports/{report_id}/confirm",
        data={"csrf_token": token, "bank": "entrapment-cases", "label": "entrapment"},
        follow_redirects=True,
    )
    assert "upload the reported profile" in without_photo.get_data(as_text=True)
    assert counts(trainer) == {"entrapment-cases": 1}

    # First post: the photo is shown with its fingerprint; nothing is banked yet.
    preview = trainer.post(
        f"/console/reports/{report_id}/confirm",
        data={
            "csrf_token": token,
            "bank": "entrapment-cases",
            "label": "entrapment",
            "photo": (io.BytesIO(photo_bytes("coffee")), "bait.jpg"),
        },
        content_type="multipart/form-data",
    )
    page = html.unescape(preview.get_data(as_text=True))
    assert preview.status_code == 200 and '<img src="data:image/jpeg;base64,' in page
    assert fingerprint(decode(photo_bytes("coffee"))).hex in page
    assert counts(trainer) == {"entrapment-cases": 1}
    # Second post: banked, and it is the trainer's photo, not the report's fingerprint.
    fields = dict(re.findall(r'<input type="hidden" name="([a-z0-9_]+)" value="([^"]*)">', page))
    done = trainer.post(f"/console/reports/{report_id}/confirm", data=fields, follow_redirects=True)
    assert "Report confirmed; its photo fingerprint was added to bank" in html.unescape(done.get_data(as_text=True))
    assert counts(trainer) == {"entrapment-cases": 2}
    checked = trainer.post("/v1/check", json={"platform": "x", "avatar": b64(photo_bytes("rocket"))}).get_json()
    assert "avatar.known_bad" not in {f["code"] for f in checked["findings"]}
    checked = trainer.post("/v1/check", json={"platform": "x", "avatar": b64(photo_bytes("coffee"))}).get_json()
    assert "avatar.known_bad" in {f["code"] for f in checked["findings"]}


# --- export and import ------------------------------------------------------------------------


def test_export_then_import_into_another_bank_gives_the_same_entries(
    trainer: FlaskClient, maintainer: FlaskClient, redis_client: redis.Redis
) -> None:
    assert add_photo(trainer, "ngo-1", photo_bytes("astronaut"), account_id="99", note="n").status_code == 303
    assert add_photo(trainer, "ngo-1", avatar_hash=HASH, label="campaign").status_code == 303
    exported = trainer.get("/console/banks/ngo-1/export")
    assert exported.status_code == 200 and exported.mimetype == "application/x-ndjson"
    assert exported.headers["Content-Disposition"] == 'attachment; filename="ngo-1.jsonl"'
    assert "script-src 'none'" in exported.headers["Content-Security-Policy"]
    lines = [json.loads(line) for line in exported.get_data(as_text=True).splitlines()]
    assert {line["label"] for line in lines} == {"entrapment", "campaign"}
    # The page and the API export the same bytes.
    api = trainer.get("/v1/banks/ngo-1/export", headers={"Authorization": "Bearer test-bootstrap-key"})
    assert api.get_data() == exported.get_data()

    imported = import_file(maintainer, "copy", exported.get_data())
    assert imported.status_code == 303
    assert "Imported 2 entries into bank “copy”." in maintainer.get("/console/banks").get_data(as_text=True)
    assert counts(maintainer) == {"copy": 2, "ngo-1": 2}
    assert maintainer.get("/console/banks/copy/export").get_data() == exported.get_data()

    # Importing the same file again replaces by id: the count does not double.
    assert import_file(maintainer, "copy", exported.get_data()).status_code == 303
    assert counts(maintainer)["copy"] == 2
    imports = [e for e in AuditLog(redis_client).recent() if e["action"] == "bank.imported"]
    assert [(e["actor"], e["target"], e["detail"]) for e in imports] == [
        ("omar", "copy", {"bank": "copy", "entries": 2}),
        ("omar", "copy", {"bank": "copy", "entries": 2}),
    ]


def test_an_import_grows_the_count_and_the_imported_photo_matches(maintainer: FlaskClient) -> None:
    source = maintainer.post(
        "/v1/banks/ngo-1/entries",
        json={"avatar": b64(photo_bytes("rocket")), "label": "entrapment"},
        headers={"Authorization": "Bearer test-bootstrap-key"},
    )
    assert source.status_code == 201
    exported = maintainer.get("/console/banks/ngo-1/export").get_data()
    assert counts(maintainer) == {"ngo-1": 1}
    assert import_file(maintainer, "partner", exported).status_code == 303
    assert counts(maintainer) == {"ngo-1": 1, "partner": 1}
    report = maintainer.post("/v1/check", json={"platform": "x", "avatar": b64(cropped_mirrored_copy("rocket"))})
    assert any(f["code"] == "avatar.known_bad" for f in report.get_json()["findings"])


def test_exporting_a_missing_or_misnamed_bank_is_a_404_page(trainer: FlaskClient) -> None:
    for path in ("/console/banks/nothing-here/export", "/console/banks/Bad%20Name/export"):
        response = trainer.get(path)
        assert response.status_code == 404 and "There is nothing here." in response.get_data(as_text=True)


# --- errors: the page again, with a clear message and a 4xx ------------------------------------


BROKEN_PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


@pytest.mark.parametrize(
    ("fields", "status", "needles"),
    [
        ({"bank": "Bad Name!", "avatar_hash": HASH}, 422, ("Bank names are 1–64",)),
        ({"bank": "", "avatar_hash": HASH}, 422, ("Bank names are 1–64",)),
        ({"bank": "ngo-1"}, 422, ("Upload a photo or give a fingerprint",)),
        ({"bank": "ngo-1", "avatar_hash": HASH, "photo": "astronaut"}, 422, ("one of the two",)),
        ({"bank": "ngo-1", "avatar_hash": "not-hex"}, 422, ("avatar_hash",)),
        # A bare 64-bit phash and a version 1 fingerprint parse but never confirm a match.
        ({"bank": "ngo-1", "avatar_hash": "ffd8c0e0f0f8fcfe"}, 422, ("never confirms a match", "avatar_hash")),
        ({"bank": "ngo-1", "avatar_hash": "0101" + "ffd8c0e0f0f8fcfe" * 2}, 422, ("never confirms a match",)),
        ({"bank": "ngo-1", "avatar_hash": HASH, "label": "villain"}, 422, ("label",)),
        ({"bank": "ngo-1", "avatar_hash": HASH, "platform": "myspace"}, 422, ("platform",)),
        ({"bank": "ngo-1", "avatar_hash": HASH, "note": "x" * 1001}, 422, ("note",)),
        ({"bank": "ngo-1", "photo": "broken"}, 422, ("avatar",)),
        ({"bank": "ngo-1", "photo": "svg"}, 415, ("avatar",)),
        ({"bank": "ngo-1", "photo": "huge"}, 413, ("avatar", "larger than")),
    ],
)
def test_bad_additions_are_explained_and_nothing_is_stored(
    trainer: FlaskClient, redis_client: redis.Redis, fields: dict[str, str], status: int, needles: tuple[str, ...]
) -> None:
    photos = {
        "astronaut": photo_bytes("astronaut"),
        "broken": BROKEN_PNG,
        "svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        "huge": b"\xff\xd8\xff" + b"\0" * (4 * 1024 * 1024 + 10),
    }
    fields = dict(fields)
    photo = photos[fields.pop("photo")] if "photo" in fields else None
    page = refused_page(add_photo(trainer, photo=photo, **fields), status, *needles)
    if fields.get("bank") == "ngo-1":
        assert 'value="ngo-1"' in page  # what was typed is kept
    assert stored_entries(redis_client) == 0 and redis_client.keys("haris:audit") == []


@pytest.mark.parametrize(
    ("bank", "content", "status", "needles"),
    [
        ("Bad Name!", b"", 422, ("Bank names are 1–64",)),
        ("copy", None, 422, ("Choose a file to import.",)),
        ("copy", b"not json\n", 422, ("line 1", "not valid JSON")),
        ("copy", b"\xff\xfe\n", 400, ("not valid UTF-8",)),
        ("copy", b'["a list"]\n', 422, ("line 1", "not a JSON object")),
    ],
)
def test_bad_imports_are_explained_and_nothing_is_stored(
    maintainer: FlaskClient, redis_client: redis.Redis, bank: str, content: bytes | None, status: int, needles: Any
) -> None:
    if content is None:
        response = post_form(maintainer, "/console/banks/import", bank=bank)
    else:
        response = import_file(maintainer, bank, content)
    page = refused_page(response, status, *needles)
    assert page.index("Import a bank export") < page.index('role="alert"')  # shown by the import form
    assert stored_entries(redis_client) == 0 and redis_client.keys("haris:audit") == []


def test_a_bad_line_is_named_and_nothing_of_the_file_is_written(
    maintainer: FlaskClient, redis_client: redis.Redis
) -> None:
    assert add_photo(maintainer, "ngo-1", photo_bytes("chelsea")).status_code == 303
    exported = maintainer.get("/console/banks/ngo-1/export").get_data()
    broken = exported + b"\n" + b'{"id": "x", "fingerprint": "zz", "label": "other", "added_at": 1, "added_by": "m"}\n'
    page = refused_page(import_file(maintainer, "copy", broken), 422, "line 3", "fingerprint")
    assert 'value="copy"' in page  # the import form keeps the bank name
    assert counts(maintainer) == {"ngo-1": 1}


@pytest.fixture
def small_client(make_app: Any, accounts: UserStore) -> Callable[[str], FlaskClient]:
    """A console with a small body limit, signed in as the given user."""
    app: Flask = make_app(HARIS_MAX_BODY_BYTES=SMALL_LIMIT)
    app.test_client_class = HttpsClient

    def signed_in(username: str) -> FlaskClient:
        client = app.test_client()
        client.environ_base["HTTP_REFERER"] = "https://localhost/console/"
        assert sign_in(client, username).status_code == 303
        return client

    return signed_in


def test_uploads_over_the_body_limit_get_the_page_back_with_the_limit(
    small_client: Callable[[str], FlaskClient], redis_client: redis.Redis
) -> None:
    maintainer = small_client("omar")
    line = b'{"id": "a", "fingerprint": "ffd8c0e0f0f8fcfe", "label": "other", "added_at": 1, "added_by": "m"}\n'
    page = refused_page(import_file(maintainer, "copy", line * (SMALL_LIMIT // len(line) + 1)), 413)
    assert "this server accepts at most 0.1 MB per request" in page
    assert page.index("Import a bank export") < page.index('role="alert"')
    photo = add_photo(maintainer, "ngo-1", b"\xff\xd8\xff" + b"\0" * SMALL_LIMIT)
    page = refused_page(photo, 413, "avatar", "at most 0.1 MB")
    assert page.index('role="alert"') < page.index("Import a bank export")  # shown by the add form
    # A trainer's oversize import is refused for the role, not explained on the page.
    trainer = small_client("amal")
    refused = import_file(trainer, "copy", line * (SMALL_LIMIT // len(line) + 1))
    assert refused.status_code == 413 and "Import a bank export" not in refused.get_data(as_text=True)
    assert stored_entries(redis_client) == 0
    # Under the limit, the same file is imported.
    assert import_file(maintainer, "copy", line * 10).status_code == 303


def test_oversize_posts_from_anonymous_visitors_show_no_bank(
    make_app: Any, accounts: UserStore, redis_client: redis.Redis
) -> None:
    BankStore(redis_client).add(
        "secret-bank", [make_entry(fingerprint(decode(photo_bytes("coffee"))), BankLabel.OTHER, "trainer")]
    )
    app: Flask = make_app(HARIS_MAX_BODY_BYTES=SMALL_LIMIT)
    response = app.test_client().post(
        "/console/banks/import",
        data={"bank": "x", "file": (io.BytesIO(b"0" * (SMALL_LIMIT + 1)), "a.jsonl")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and "The upload is too large." in page
    assert "secret-bank" not in page and "Hash banks" not in page


# --- storage down ------------------------------------------------------------------------------


def test_redis_down_shows_the_consoles_503_page(
    trainer: FlaskClient, make_app: Any, tmp_path: Path, redis_client: redis.Redis
) -> None:
    cookie = trainer.get_cookie(SESSION_COOKIE)
    assert cookie is not None
    down: Flask = make_app(REDIS_URL=f"unix://{tmp_path}/nothing.sock")
    down.test_client_class = HttpsClient
    client = down.test_client()
    client.set_cookie(SESSION_COOKIE, cookie.value)
    for response in (client.get("/console/banks"), client.get("/console/banks/ngo-1/export")):
        assert response.status_code == 503
        assert "storage is unavailable" in response.get_data(as_text=True)


def test_bank_storage_failing_under_a_working_session_is_a_503_page(
    trainer: FlaskClient, maintainer: FlaskClient, redis_client: redis.Redis
) -> None:
    """Sessions still work but the bank keys cannot be used (a real Redis error: wrong type)."""
    token = page_token(trainer, "/console/banks")
    maintainer_token = page_token(maintainer, "/console/banks")
    redis_client.set("haris:{banks}:bank:ngo-1:entries", "not a hash")
    added = trainer.post(
        "/console/banks/entries",
        data={"csrf_token": token, "bank": "ngo-1", "label": "other", "avatar_hash": HASH},
        content_type="multipart/form-data",
    )
    assert added.status_code == 503 and "storage is unavailable" in added.get_data(as_text=True)
    line = b'{"id": "a", "fingerprint": "ffd8c0e0f0f8fcfe", "label": "other", "added_at": 1, "added_by": "m"}\n'
    imported = maintainer.post(
        "/console/banks/import",
        data={"csrf_token": maintainer_token, "bank": "ngo-1", "file": (io.BytesIO(line), "a.jsonl")},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 503
    redis_client.sadd("haris:{banks}:names", "ngo-1")
    assert trainer.get("/console/banks").status_code == 503  # its count cannot be read
    assert trainer.get("/console/banks/ngo-1/export").status_code == 503
    assert redis_client.keys("haris:audit") == []


# --- languages ---------------------------------------------------------------------------------


def test_the_banks_page_speaks_arabic_right_to_left_and_every_string_is_translated(trainer: FlaskClient) -> None:
    from server.console.i18n import strings

    trainer.get("/console/lang/ar")
    assert add_photo(trainer, "ngo-1", avatar_hash=HASH).status_code == 303
    page = trainer.get("/console/banks").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page and "بنوك البصمات" in page and "أُضيف إلى البنك «ngo-1»." in page
    assert "banks." not in page.replace("/console/banks", "")  # no key shown untranslated
    english = set(strings("en"))
    assert set(strings("ar")) == english == set(strings("fr"))


def test_the_list_shows_entries_that_never_confirm_or_lack_keypoints(
    trainer: FlaskClient, redis_client: redis.Redis
) -> None:
    made = fingerprint(decode(photo_bytes("coffee")))
    legacy = "01" + "01" + f"{made.primary:016x}" * 2  # a version 1 fingerprint, from an older export
    old = StoredEntry(id="old-1", fingerprint=legacy, label=BankLabel.OTHER, added_at=1, added_by="maintainer")
    BankStore(redis_client).add("ngo-1", [old])
    assert add_photo(trainer, "ngo-1", avatar_hash=made.hex).status_code in (200, 303)
    assert add_photo(trainer, "ngo-1", photo_bytes("rocket")).status_code in (200, 303)
    page = trainer.get("/console/banks").get_data(as_text=True)
    assert re.search(r'<td class="num weak">1 / 1</td>', page)
    assert "Add the photo again" in page


def test_a_reported_account_id_joins_a_bank_only_when_the_trainer_ticks_it(
    trainer: FlaskClient, anonymous: FlaskClient
) -> None:
    """The account id of a report is the reporter's word, and the bank preview did not show it:
    banking the bait's photo also banked whatever id the report named — a defender's, say — and
    the bank's exports carried it to partner organisations as a bad account's."""
    banked: dict[str, Any] = {}
    for account_id, tick in (("1111222233", False), ("4444555566", True)):
        body = {"platform": "x", "profile": {"account_id": account_id, "handle": "bait"}, "reason": "entrapment"}
        report_id = anonymous.post("/v1/reports", json=body).get_json()["id"]
        token = page_token(trainer, "/console/reports")
        preview = trainer.post(
            f"/console/reports/{report_id}/confirm",
            data={"csrf_token": token, "bank": "bait-photos", "label": "entrapment",
                  "photo": (io.BytesIO(photo_bytes("coffee" if tick else "gravel")), "bait.jpg")},
            content_type="multipart/form-data",
        )  # fmt: skip
        page = html.unescape(preview.get_data(as_text=True))
        assert preview.status_code == 200 and account_id in page and 'name="with_account_id"' in page
        fields = dict(re.findall(r'<input type="hidden" name="([a-z0-9_]+)" value="([^"]*)">', page))
        if tick:
            fields["with_account_id"] = "yes"
        assert trainer.post(f"/console/reports/{report_id}/confirm", data=fields).status_code == 303
        lines = trainer.get("/console/banks/bait-photos/export").get_data(as_text=True).splitlines()
        banked[account_id] = [json.loads(line).get("account_id") for line in lines]
    assert banked["1111222233"] == [None]
    assert sorted(banked["4444555566"], key=str) == sorted([None, "4444555566"], key=str)


def test_no_export_of_a_bank_names_the_report_an_entry_came_from(
    trainer: FlaskClient, anonymous: FlaskClient, redis_client: redis.Redis, tmp_path: Path
) -> None:
    """An entry made from a report kept the note ``report <id>``, and every export carried it:
    a partner, or whoever seizes a partner's copy, could link the entry to the user report. The
    exports leave it out; the link stays inside (the report's ``bank_entry``, the audit trail)."""
    bootstrap = {"Authorization": "Bearer test-bootstrap-key"}
    report_id = anonymous.post("/v1/reports", json={"platform": "x", "reason": "entrapment"}).get_json()["id"]
    confirmed = trainer.post(
        f"/v1/reports/{report_id}/confirm",
        headers=bootstrap,
        json={"bank": "ngo-1", "label": "entrapment", "avatar": b64(photo_bytes("rocket"))},
    )
    assert confirmed.status_code == 200, confirmed.get_json()
    entry_id = confirmed.get_json()["bank_entry"]
    typed = f"campaign 7, REPORT {report_id}"  # a trainer pasted it by hand
    assert add_photo(trainer, "ngo-1", photo_bytes("astronaut"), note=typed).status_code == 303
    assert add_photo(trainer, "ngo-1", photo_bytes("coffee"), note="campaign 7").status_code == 303
    out = tmp_path / "ngo-1.jsonl"
    ran = trainer.application.test_cli_runner().invoke(args=["bank", "export", "ngo-1", "-o", str(out)])
    assert ran.exit_code == 0, ran.output
    exports = {
        "console": trainer.get("/console/banks/ngo-1/export").get_data(as_text=True),
        "api": trainer.get("/v1/banks/ngo-1/export", headers=bootstrap).get_data(as_text=True),
        "cli": out.read_text(encoding="utf-8"),
    }
    for door, text in exports.items():
        assert report_id not in text, door
        notes = {e["id"]: e.get("note") for e in map(json.loads, text.splitlines())}
        assert notes[entry_id] is None and sorted(map(str, notes.values())) == ["None", "campaign 7", "campaign 7"]
    # Inside, the trainer still finds which report an entry came from.
    (audited,) = [e for e in AuditLog(redis_client).recent() if e["action"] == "report.confirmed"]
    assert (audited["target"], audited["detail"]["bank_entry"]) == (report_id, entry_id)


def test_a_refused_import_line_is_not_shown_back(maintainer: FlaskClient, redis_client: redis.Redis) -> None:
    """The banks page names a refused line by its number and problem only: the unknown key of a
    hostile file (markup, a U+202E) was repeated in the page's error."""
    payload = "<b>inject</b>\u202eevil"
    line = {"id": "x", "fingerprint": "ffd8c0e0f0f8fcfe", "label": "other", "added_at": 1, "added_by": "m", payload: 1}
    response = import_file(maintainer, "copy", json.dumps(line, ensure_ascii=False).encode())
    page = refused_page(response, 422, "line 1", "line 1 has a field no bank entry has [unknown_field]")
    assert "inject" not in page and "\u202e" not in page
    assert stored_entries(redis_client) == 0


@pytest.mark.parametrize(
    ("locale", "said"),
    [
        ("fr", "il manque le champ fingerprint à la ligne 2 [missing_field]"),
        ("ar", "ينقص السطر 2 الحقل fingerprint [missing_field]"),
    ],
)
def test_a_refused_import_line_is_named_in_the_page_language(
    maintainer: FlaskClient, redis_client: redis.Redis, locale: str, said: str
) -> None:
    """The line's number, the field a bank entry has, and the stable code, in the trainer's language."""
    maintainer.get(f"/console/lang/{locale}")
    good = {"id": "x", "fingerprint": "ffd8c0e0f0f8fcfe", "label": "other", "added_at": 1, "added_by": "m"}
    lacking = {key: value for key, value in good.items() if key != "fingerprint"}
    content = (json.dumps(good) + "\n" + json.dumps(lacking) + "\n").encode()
    response = import_file(maintainer, "copy", content)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and 'role="alert"' in page and said in page
    assert stored_entries(redis_client) == 0
