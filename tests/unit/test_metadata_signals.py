"""Each metadata signal fires on the profile it is about, and stays quiet on an ordinary one."""

from __future__ import annotations

import math
from datetime import date

import pytest

from heuristics.context import CheckContext
from heuristics.platforms import created_from_id
from heuristics.profile import Platform, Profile
from heuristics.signals.account import account_created
from tests.unit.helpers import NOW, detect

# --- account.new -----------------------------------------------------------------------------


def test_new_account_from_join_date_fires_with_age() -> None:
    found = detect("account.new", joined="2026-11-10")
    assert found is not None
    assert found.evidence == {"age_days": 13, "source": "joined"}
    assert found.strength == 1.0


def test_account_age_fades_between_full_and_max_days() -> None:
    found = detect("account.new", joined="2026-07-01")  # 145 days
    assert found is not None and 0 < found.strength < 0.5


def test_old_account_does_not_fire() -> None:
    assert detect("account.new", joined="2019-03") is None


def test_month_only_join_date_counts_from_the_first_of_the_month() -> None:
    found = detect("account.new", joined="2026-11")
    assert found is not None and found.evidence["age_days"] == 22


def test_future_join_date_is_ignored() -> None:
    assert detect("account.new", joined="2027-01-01") is None


def test_x_snowflake_id_dates_the_account_exactly() -> None:
    # 2026-11-01T00:00:00Z as a snowflake: (ms - epoch) << 22
    snowflake = (1_793_491_200_000 - 1_288_834_974_657) << 22
    assert created_from_id(Platform.X, str(snowflake)).isoformat() == "2026-11-01"
    found = detect("account.new", platform=Platform.X, account_id=str(snowflake), joined="2010-01-01")
    assert found is not None and found.evidence == {"age_days": 22, "source": "account_id"}


def test_a_context_works_out_each_profiles_creation_on_its_own() -> None:
    # One check works a profile's creation out once (heuristics.signals.account.account_created,
    # shared by account.new and the activity signals); a context asked about another profile
    # answers for that one, never with the first one's date.
    context = CheckContext(now=NOW)
    young, old = Profile(joined="2026-11-10"), Profile(joined="2019-03")
    assert account_created(young, context) == (date(2026, 11, 10), "joined")
    assert account_created(old, context) == (date(2019, 3, 1), "joined")
    assert account_created(Profile(), context) is None
    assert detect("account.new", context=context, joined="2026-11-10") is not None
    assert detect("account.new", context=context, joined="2019-03") is None


def test_old_sequential_x_ids_and_other_platforms_carry_no_date() -> None:
    assert created_from_id(Platform.X, "783214") is None
    assert created_from_id(Platform.FACEBOOK, str(1 << 60)) is None
    assert created_from_id(Platform.X, "12abc") is None
    assert created_from_id(Platform.X, "9" * 40) is None


# --- activity ----------------------------------------------------------------------------------


def test_no_posts_fires_at_full_strength() -> None:
    found = detect("activity.few_posts", posts=0)
    assert found is not None and found.strength == 1.0 and found.evidence == {"posts": 0}


@pytest.mark.parametrize("posts", [10, 250, None])
def test_enough_or_unknown_posts_do_not_fire(posts: int | None) -> None:
    assert detect("activity.few_posts", posts=posts) is None


def test_few_followers_is_graded_on_a_log_scale() -> None:
    one = detect("activity.few_followers", followers=1)
    twenty = detect("activity.few_followers", followers=20)
    assert one is not None and twenty is not None and one.strength > twenty.strength > 0
    assert detect("activity.few_followers", followers=500) is None


def test_mass_following_fires_with_ratio() -> None:
    found = detect("activity.follow_ratio", following=2000, followers=10)
    assert found is not None and found.evidence["ratio"] == 200.0
    assert detect("activity.follow_ratio", following=300, followers=250) is None
    assert detect("activity.follow_ratio", following=40, followers=0) is None  # too few to judge


def test_follow_ratio_grows_on_a_log_scale_from_min_to_full_ratio() -> None:
    def strength(following: int, followers: int) -> float:
        found = detect("activity.follow_ratio", following=following, followers=followers)
        return 0.0 if found is None else found.strength

    assert strength(400, 200) == 0.0  # exactly min_ratio (2×): nothing yet
    # 2× → 20× spans one factor of ten; 6× is log(3)/log(10) of the way.
    assert strength(600, 100) == pytest.approx(math.log(3) / math.log(10))
    assert strength(2000, 100) == 1.0 and strength(5000, 100) == 1.0
    assert strength(300, 100) < strength(600, 100) < strength(1200, 100)


def test_follow_ratio_params_must_be_ordered() -> None:
    from heuristics.rules import RulesError, parse_rules

    text = 'version = "t"\nbias = 0\n[levels]\nmedium = 40\nhigh = 70\n[signals."activity.follow_ratio"]\npoints = 1\n'
    with pytest.raises(RulesError) as error:
        parse_rules(text + "min_ratio = 5.0\nfull_ratio = 3.0\n")
    assert error.value.key == "signals.activity.follow_ratio.full_ratio"


# --- handle patterns ---------------------------------------------------------------------------


@pytest.mark.parametrize("handle", ["sara19283746", "user_8837261", "12345678"])
def test_digit_padded_handles_fire(handle: str) -> None:
    assert detect("handle.digits", handle=handle) is not None


@pytest.mark.parametrize("handle", ["sara.ahmed", "omar_92", "hala1990x", "omar1987", "m.ali_2003"])
def test_ordinary_handles_do_not_fire_digits(handle: str) -> None:
    assert detect("handle.digits", handle=handle) is None


@pytest.mark.parametrize("handle", ["a8x3k9q2", "qx7z9k2m4", "xkcdvbnmqwrtzp"])
def test_generated_handles_fire_random(handle: str) -> None:
    assert detect("handle.random", handle=handle) is not None


@pytest.mark.parametrize("handle", ["mhmd_slh", "abdlrhmn", "mohamed.saleh", "omar_92", "hala1990"])
def test_vowelless_arabic_transliterations_are_not_random(handle: str) -> None:
    assert detect("handle.random", handle=handle) is None


# --- display name vs handle --------------------------------------------------------------------


def test_unrelated_name_and_handle_fire() -> None:
    found = detect("name.handle_mismatch", display_name="Layla Haddad", handle="crypto_king_77")
    assert found is not None and found.evidence["similarity"] < 0.75


@pytest.mark.parametrize(
    ("name", "handle"),
    [("Layla Haddad", "layla.h"), ("محمد صالح", "mohamed_saleh"), ("هالة عاهد", "hala_ahed"), ("Omar", "om")],
)
def test_related_or_too_short_pairs_do_not_fire(name: str, handle: str) -> None:
    assert detect("name.handle_mismatch", display_name=name, handle=handle) is None


# --- deceptive characters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Moha\u200bmed Saleh", "invisible"),
        ("\u202eMohamed", "invisible"),
        ("Hala\u3164Ahed", "invisible"),
        ("Salehصالح", "mixed_script"),  # Latin glued to Arabic; Latin + Cyrillic look-alikes are
        # name.lookalike_characters' evidence (tests/unit/test_names_signals.py)
        ("𝐌𝐨𝐡𝐚𝐦𝐞𝐝", "decorative"),
        ("Ｍｏｈａｍｅｄ", "decorative"),
        ("ᴍᴏʜᴀᴍᴇᴅ", "decorative"),
    ],
)
def test_deceptive_characters_fire_with_their_kind(name: str, kind: str) -> None:
    found = detect("name.deceptive_characters", display_name=name)
    assert found is not None and kind in found.evidence["kinds"]


@pytest.mark.parametrize(
    "name", ["Mohamed Saleh", "محمد صالح", "می\u200cخواهم", "Élodie Brûlé", "Σοφία", "Hala & Omar"]
)
def test_ordinary_names_in_any_script_do_not_fire(name: str) -> None:
    assert detect("name.deceptive_characters", display_name=name) is None


# --- avatar, bio, name changes, verified ------------------------------------------------------


def test_missing_avatar() -> None:
    assert detect("avatar.missing_or_default", has_avatar=False) is not None
    assert detect("avatar.missing_or_default", has_avatar=True) is None
    assert detect("avatar.missing_or_default") is None


@pytest.mark.parametrize(("bio", "kind"), [("", "empty"), ("   ", "empty"), ("https://t.me/x bit.ly/abc", "link_only")])
def test_empty_or_link_only_bio(bio: str, kind: str) -> None:
    found = detect("bio.empty_or_link_only", bio=bio)
    assert found is not None and found.evidence == {"bio": kind}


@pytest.mark.parametrize("bio", [None, "Nurse in Tunis 🌿", "ناشطة حقوقية — https://example.org"])
def test_real_or_unknown_bio_does_not_fire(bio: str | None) -> None:
    assert detect("bio.empty_or_link_only", bio=bio) is None


def test_name_changes() -> None:
    one = detect("name.recently_changed", name_changes=1)
    assert one is not None and one.strength == pytest.approx(1 / 3)
    assert detect("name.recently_changed", name_changes=0) is None
    assert detect("name.recently_changed") is None


def test_verified() -> None:
    assert detect("account.verified", verified=True) is not None
    assert detect("account.verified", verified=False) is None


def test_the_platforms_own_scam_or_fake_label() -> None:
    found = detect("platform.labelled_scam", platform_label="fake")
    assert found is not None and found.evidence == {"label": "fake"} and found.strength == 1.0
    assert detect("platform.labelled_scam", verified=True, verified_type="government", based_in="Egypt") is None
