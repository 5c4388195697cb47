"""The manual check page scores through the same path as POST /v1/check and shows everything."""

from __future__ import annotations

import html
import io
import re

import pytest
from flask.testing import FlaskClient

from server.console.forms import account_id_from_url, handle_from_url
from server.services.avatars import MAX_AVATAR_BYTES
from tests.console.conftest import page_token

FORM = {
    "platform": "x",
    "profile_url": "https://x.com/hala12345678",
    "display_name": "Hala Ahed",
    "followers": "3",
    "following": "1,200",
    "posts": "0",
    "joined": "2026-11",
}


def post_check(client: FlaskClient, **extra: object) -> tuple[int, str]:
    token = page_token(client, "/console/check")
    data = dict(FORM, csrf_token=token)
    data.update(extra)
    response = client.post("/console/check", data=data, content_type="multipart/form-data")
    return response.status_code, response.get_data(as_text=True)


def test_the_page_shows_the_same_findings_as_the_api(trainer: FlaskClient) -> None:
    status, page = post_check(trainer)
    assert status == 200
    api = trainer.post(
        "/v1/check",
        json={
            "platform": "x",
            "profile": {
                "profile_url": FORM["profile_url"],
                "handle": "hala12345678",
                "display_name": "Hala Ahed",
                "followers": 3,
                "following": 1200,
                "posts": 0,
                "joined": "2026-11",
            },
            "locale": "en",
        },
    ).get_json()
    assert api["findings"], "the fixture profile should raise findings"
    shown_codes = re.findall(r'class="finding" data-code="([^"]+)"', page)
    assert shown_codes == [finding["code"] for finding in api["findings"]]
    text = html.unescape(page)
    for finding in api["findings"]:
        assert finding["message"] in text
        assert f"{finding['points']:.2f}" in text
        for key in finding["evidence"]:
            assert f'"{key}"' in text
    assert f'data-risk="{api["risk"]}"' in page
    assert api["rules_version"] in page


def test_an_arabic_trainer_reads_the_report_in_arabic_right_to_left(trainer: FlaskClient) -> None:
    trainer.get("/console/lang/ar")
    status, page = post_check(trainer)
    assert status == 200
    assert '<html lang="ar" dir="rtl">' in page
    assert "هذا الحساب" in html.unescape(page)  # finding messages come from the API's Arabic catalogue
    assert "درجة الخطر" in page


def test_bad_values_come_back_as_a_form_error_not_a_crash(trainer: FlaskClient) -> None:
    status, page = post_check(trainer, followers="many")
    assert status == 422 and "profile.followers" in page and "Please correct the form" in page
    assert 'value="many"' in page  # what the trainer typed is kept
    status, page = post_check(trainer, joined="2026-13-40")
    assert status == 422 and "profile.joined" in page
    status, page = post_check(trainer, platform="myspace")
    assert status == 422 and "platform" in page


@pytest.mark.parametrize(
    ("language", "field", "value", "expected"),
    [
        ("fr", "joined", "2026-13-40", "cette date n’existe pas"),
        ("fr", "joined", "1985-01", "l’année doit être 1990 ou après"),
        ("ar", "followers", "many", "يجب أن يكون عددًا صحيحًا"),
        ("ar", "display_name", "x" * 201, "يجب ألّا يتجاوز 200 حرفًا"),
        ("en", "joined", "March 2020", "write it YYYY-MM-DD or YYYY-MM"),
        ("fr", "platform", "myspace", "doit être l’une de ces valeurs : 'facebook'"),
    ],
)
def test_a_refused_form_says_why_in_the_trainers_language(
    trainer: FlaskClient, language: str, field: str, value: str, expected: str
) -> None:
    trainer.get(f"/console/lang/{language}")
    status, page = post_check(trainer, **{field: value})
    assert status == 422
    assert expected in html.unescape(page)
    # The field is named by the form's own label too, not only by its API path.
    label = {"joined": {"fr": "Inscription", "en": "Joined"}, "followers": {"ar": "المتابِعون"}}
    label |= {"display_name": {"ar": "الاسم الظاهر"}, "platform": {"fr": "Plateforme"}}
    alert = re.search(r'<p class="flash error" role="alert">(.*?)</p>', html.unescape(page), re.S)
    assert alert and f"<strong>{label[field][language]}" in alert[1]


def test_an_oversized_avatar_is_refused_in_the_trainers_language(trainer: FlaskClient) -> None:
    trainer.get("/console/lang/ar")
    status, page = post_check(trainer, avatar=(io.BytesIO(b"0" * (MAX_AVATAR_BYTES + 1)), "huge.png"))
    assert status == 413 and "حجم الصورة أكبر من 4 MB" in html.unescape(page)
    trainer.get("/console/lang/fr")
    broken = (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 64), "broken.png")
    status, page = post_check(trainer, avatar=broken)
    assert status == 422 and "l’image est illisible" in html.unescape(page)


def test_an_avatar_upload_is_accepted_and_oversized_ones_refused(trainer: FlaskClient) -> None:
    from PIL import Image

    png = io.BytesIO()
    Image.linear_gradient("L").resize((64, 64)).save(png, "PNG")
    png.seek(0)
    status, page = post_check(trainer, avatar=(png, "face.png"))
    assert status == 200 and "avatar.missing_or_default" not in page
    broken = (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 64), "broken.png")
    status, page = post_check(trainer, avatar=broken)
    assert status == 422 and "avatar" in page
    huge = (io.BytesIO(b"0" * (MAX_AVATAR_BYTES + 1)), "huge.png")
    status, page = post_check(trainer, avatar=huge)
    assert status == 413 and "avatar" in page


@pytest.mark.parametrize(
    ("url", "handle", "account_id"),
    [
        ("https://x.com/hala_ahed", "hala_ahed", None),
        ("x.com/@hala_ahed/status/1", "hala_ahed", None),
        ("https://www.instagram.com/hala.ahed/", "hala.ahed", None),
        ("https://t.me/hala", "hala", None),
        ("https://www.facebook.com/profile.php?id=100012345", None, "100012345"),
        ("https://x.com/", None, None),
        ("http://[::1", None, None),
    ],
)
def test_handles_and_ids_are_read_from_profile_urls(url: str, handle: str | None, account_id: str | None) -> None:
    assert handle_from_url(url) == handle
    assert account_id_from_url(url) == account_id
