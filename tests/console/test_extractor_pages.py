"""The maintainers' extractor health page: counts sent through the API show per platform and
extractor version, a jump is flagged, trainers may not see it, and it speaks ar/en/fr."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import redis
from flask import Flask
from flask.testing import FlaskClient

from server.storage.extractor_health import day_key


def seed_a_layout_change(redis_client: redis.Redis) -> None:
    """Ten ordinary days on X and Instagram, then three days where X's followers are not read."""
    today = datetime.now(UTC).date()
    for offset in range(13):
        day = today - timedelta(days=offset)
        instagram = {"instagram|2026.1|complete": 95, "instagram|2026.1|no_profile": 5}
        if offset < 3:
            x = {"x|2026.1|complete": 40, "x|2026.1|incomplete": 60, "x|2026.1|missing:followers": 60}
        else:
            x = {"x|2026.1|complete": 95, "x|2026.1|no_profile": 5}
        redis_client.hset(day_key(day), mapping=x | instagram)


def row_of(page: str, platform: str) -> str:
    match = re.search(rf'<tr data-platform="{platform}" data-version="2026.1"[^>]*>.*?</tr>', page, re.S)
    assert match, platform
    return match.group(0)


def test_a_maintainer_sees_the_jump(maintainer: FlaskClient, redis_client: redis.Redis) -> None:
    seed_a_layout_change(redis_client)
    response = maintainer.get("/console/extractors")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    x, instagram = row_of(page, "x"), row_of(page, "instagram")
    assert 'class="jump"' in x and "Jump" in x and "60%" in x and "5%" in x and "followers" in x
    assert 'class="jump"' not in instagram and "Steady" in instagram
    assert "Page reading" in page  # the maintainers' navigation links it


def test_counts_sent_by_browsers_show_on_the_page(
    console_app: Flask, maintainer: FlaskClient, redis_client: redis.Redis
) -> None:
    api = console_app.test_client()
    body = {
        "extractors": [
            {
                "platform": "telegram",
                "version": "2026.1",
                "complete": 15,
                "incomplete": 5,
                "missing": {"display_name": 5},
            }
        ]
    }
    assert api.post("/v1/extractor-health", json=body).status_code == 202
    assert "telegram" not in maintainer.get("/console/extractors").get_data(as_text=True), "written with the next sum"
    console_app.extensions["haris"].stores.extractor_health.flush()
    row = row_of(maintainer.get("/console/extractors").get_data(as_text=True), "telegram")
    assert "<td>20</td>" in row and "display_name" in row


def test_an_empty_page_says_where_counts_come_from(maintainer: FlaskClient) -> None:
    page = maintainer.get("/console/extractors").get_data(as_text=True)
    assert "No counts yet" in page


def test_trainers_may_not_see_it(trainer: FlaskClient) -> None:
    assert trainer.get("/console/extractors").status_code == 403
    assert "/console/extractors" not in trainer.get("/console/").get_data(as_text=True)


def test_in_arabic_right_to_left_and_in_french(maintainer: FlaskClient, redis_client: redis.Redis) -> None:
    seed_a_layout_change(redis_client)
    maintainer.get("/console/lang/ar")
    page = maintainer.get("/console/extractors").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page and "كيف تقرأ الإضافة صفحات الحسابات" in page and "قفزة" in page
    maintainer.get("/console/lang/fr")
    page = maintainer.get("/console/extractors").get_data(as_text=True)
    assert "Comment l’extension lit les pages de profil" in page and "Bond" in page and "Stable" in page


def test_catalogues_have_the_same_keys() -> None:
    from server.console.i18n import strings

    english = {key for key in strings("en") if key.startswith("extractors.")}
    assert len(english) > 10
    for locale in ("ar", "fr"):
        assert {key for key in strings(locale) if key.startswith("extractors.")} == english, locale
