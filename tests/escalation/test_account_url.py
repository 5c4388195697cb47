"""A profile URL that is not the address of the account a report or case names
(``server.escalation.account_url``)."""

from __future__ import annotations

import pytest

from heuristics.profile import Platform
from server.escalation.account_url import PROBLEMS, handle_problem, problem_text, url_problem


@pytest.mark.parametrize(
    ("url", "platform", "handle", "account_id"),
    [
        # What the extension sends (extension/content/extract-*.js build the URL from the page's handle or id).
        ("https://x.com/ha1a_ahed", Platform.X, "ha1a_ahed", "1"),
        ("https://www.instagram.com/hala.ahed_/", Platform.INSTAGRAM, "hala.ahed_", None),
        ("https://www.facebook.com/hala.ahed", Platform.FACEBOOK, "halaahed", "100"),  # Facebook ignores dots
        ("https://www.facebook.com/profile.php?id=100090000000001", Platform.FACEBOOK, None, "100090000000001"),
        ("https://www.facebook.com/people/Hala-Ahed/100090000000001/", Platform.FACEBOOK, None, "100090000000001"),
        ("https://x.com/i/user/44196397", Platform.X, None, "44196397"),
        ("https://www.facebook.com/hala.ahed?id=4", Platform.FACEBOOK, "hala.ahed", "1"),  # a vanity URL's query
        ("https://t.me/hala_ahed", Platform.TELEGRAM, "hala_ahed", None),
        # Other hosts of the platform, the handle's case, an @, a trailing dot of the host.
        ("https://mobile.twitter.com/Ha1a_Ahed?lang=ar", Platform.X, "@ha1a_ahed", None),
        ("https://m.facebook.com./hala.ahed", Platform.FACEBOOK, "hala.ahed", None),
        ("https://telegram.me/hala_ahed", Platform.TELEGRAM, None, None),
        ("https://telegram.dog/hala_ahed", Platform.TELEGRAM, "hala_ahed", None),
        # A URL alone, or nothing to compare it with.
        ("https://x.com/someone", Platform.X, None, None),
        ("https://forum.example/u/hala", Platform.OTHER, "other_name", None),
        (None, Platform.X, "ha1a_ahed", None),
    ],
)
def test_the_address_of_the_named_account_passes(
    url: str | None, platform: Platform, handle: str | None, account_id: str | None
) -> None:
    assert url_problem(url, platform, handle, account_id) is None


@pytest.mark.parametrize(
    ("url", "platform", "handle", "account_id", "problem"),
    [
        ("javascript:alert(1)//x.com/a", Platform.X, None, None, "url_not_web"),
        ("//x.com/hala_ahed", Platform.X, None, None, "url_not_web"),
        ("https:///hala_ahed", Platform.X, None, None, "url_not_web"),
        ("https://[x.com/hala_ahed", Platform.X, None, None, "url_not_web"),
        ("https://x.com@evil.example/hala_ahed", Platform.X, None, None, "url_userinfo"),
        ("https://x.com:pw@x.com/hala_ahed", Platform.X, None, None, "url_userinfo"),
        ("https://forum.example@evil.example/", Platform.OTHER, None, None, "url_userinfo"),
        ("https://x.com.evil.example/ha1a_ahed", Platform.X, "ha1a_ahed", None, "url_other_site"),
        ("https://evilx.com/ha1a_ahed", Platform.X, "ha1a_ahed", None, "url_other_site"),
        ("https://telegram.dog.evil.example/ha1a_ahed", Platform.TELEGRAM, "ha1a_ahed", None, "url_other_site"),
        ("https://xn--instgram-jgb.com/ha1a", Platform.INSTAGRAM, None, None, "url_other_site"),
        ("https://instagram.com/ha1a", Platform.X, None, None, "url_other_site"),  # another platform's site
        # The report names the clone (so genuine reports of it merge in); its URL is the original's.
        ("https://x.com/hala_ahed", Platform.X, "ha1a_ahed", None, "url_other_account"),
        ("https://www.instagram.com/hala.ahed/", Platform.INSTAGRAM, "halaahed", None, "url_other_account"),
        (
            "https://x.com/\u202edeha_alah",
            Platform.X,
            "hala_ahed",
            None,
            "url_hidden_characters",
        ),  # read as hers, refused whatever it names
        ("https://www.facebook.com/profile.php?id=4", Platform.FACEBOOK, None, "100090000000001", "url_other_account"),
        ("https://www.facebook.com/profile.php?id=1&id=4", Platform.FACEBOOK, None, "1", "url_other_account"),
        (
            "https://www.facebook.com/people/Hala-Ahed/4/",
            Platform.FACEBOOK,
            None,
            "100090000000001",
            "url_other_account",
        ),
        ("https://x.com/i/user/4", Platform.X, None, "1", "url_other_account"),
    ],
)
def test_a_url_to_another_site_or_account_is_named(
    url: str, platform: Platform, handle: str | None, account_id: str | None, problem: str
) -> None:
    assert url_problem(url, platform, handle, account_id) == problem


def test_every_problem_is_explained() -> None:
    assert "x.com, twitter.com" in problem_text("url_other_site", Platform.X)
    assert all(problem_text(problem, Platform.TELEGRAM) for problem in PROBLEMS)


def test_handles_the_four_platforms_cannot_have() -> None:
    for handle in ("ha1a_ahed", "@hala.ahed_", "Some-Page-123", "a"):
        assert handle_problem(handle, Platform.X) is None
    for handle in ("h\u0430la_ahed", "\u202edeha_alah", "hala\u200bahed", "hala ahed", "hala%20ahed", "هالة"):
        assert handle_problem(handle, Platform.INSTAGRAM) == "handle_not_platform"
        assert handle_problem(handle, Platform.OTHER) is None


def test_a_final_line_break_is_no_part_of_a_handle() -> None:
    """The pattern's "$" matched before a final line break: "hala_ahed\\n" passed for a handle."""
    assert handle_problem("hala_ahed", Platform.X) is None
    assert handle_problem("hala_ahed\n", Platform.X) == "handle_not_platform"
