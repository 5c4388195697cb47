"""avatar.known_bad, avatar.reused and avatar.missing_or_default, with in-memory services."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageOps

from heuristics.banks import DEFAULTS_BANK, BankEntry, BankIndex, BankLabel
from heuristics.context import CheckContext, ServiceUnavailable
from heuristics.engine import score
from heuristics.images import AvatarFingerprint, decode, fingerprint
from heuristics.profile import Platform, Profile
from heuristics.rules import load_default_rules
from tests.unit.helpers import NOW, detect

PHOTOS = Path(__file__).resolve().parents[1] / "data" / "photos"


def fp(name: str) -> AvatarFingerprint:
    return fingerprint(decode((PHOTOS / f"{name}.jpg").read_bytes()))


def cropped_mirror(name: str) -> AvatarFingerprint:
    image = decode((PHOTOS / f"{name}.jpg").read_bytes())
    w, h = image.size
    return fingerprint(ImageOps.mirror(image.crop((w // 20, h // 20, w - w // 20, h - h // 20))))


def bank() -> BankIndex:
    """Entries as a bank keeps them when added from the photo: with keypoints (an entry added
    from a fingerprint alone matches re-uploads, not crops: tests/api/test_banks.py)."""
    return BankIndex(
        [
            BankEntry("e1", "ngo-entrapment", BankLabel.ENTRAPMENT, fp("astronaut").with_keypoints()),
            BankEntry("e2", "ngo-entrapment", BankLabel.STOCK_PHOTO, fp("coffee").with_keypoints()),
            BankEntry("d1", DEFAULTS_BANK, BankLabel.OTHER, fingerprint(Image.new("RGB", (64, 64), (200, 200, 200)))),
        ]
    )


def context(avatar: AvatarFingerprint | None, **services: object) -> CheckContext:
    return CheckContext(platform=Platform.INSTAGRAM, now=NOW, avatar=avatar, services=services)


def test_known_bad_fires_on_a_cropped_mirrored_copy_with_bank_label_distance() -> None:
    found = detect("avatar.known_bad", context=context(cropped_mirror("astronaut"), banks=bank()))
    assert found is not None
    assert found.evidence["bank"] == "ngo-entrapment" and found.evidence["label"] == "entrapment"
    assert 0 <= found.evidence["distance"] <= 10
    assert 0.7 <= found.strength <= 1.0


def test_known_bad_respects_a_tighter_max_distance_from_the_rules() -> None:
    image = decode((PHOTOS / "coffee.jpg").read_bytes())
    w, h = image.size
    query = context(fingerprint(image.crop((w // 25, h // 14, w - w // 16, h))), banks=bank())
    found = detect("avatar.known_bad", context=query)
    assert found is not None and found.evidence["distance"] > 0 and found.strength < 1.0
    tighter = {"max_distance": found.evidence["distance"] - 1}
    assert detect("avatar.known_bad", context=query, params=tighter) is None


def test_known_bad_needs_confirmation_not_just_a_phash_candidate() -> None:
    astronaut = fp("astronaut")
    # The same phashes with another picture's detail: a look-alike portrait, as the candidate
    # stage sees it. And the same picture as a version 1 hash, which cannot be confirmed.
    look_alike = AvatarFingerprint(astronaut.probes, astronaut.references, fp("chelsea").details, astronaut.aspect)
    legacy = AvatarFingerprint(astronaut.probes, astronaut.references)
    # A mirrored copy, not cropped: entries without keypoints confirm it hash against hash.
    mirrored = fingerprint(ImageOps.mirror(decode((PHOTOS / "astronaut.jpg").read_bytes())))
    for stored in (look_alike, legacy):
        banks = BankIndex([BankEntry("e", "ngo", BankLabel.ENTRAPMENT, stored)])
        assert detect("avatar.known_bad", context=context(mirrored, banks=banks)) is None
        assert detect("avatar.known_bad", context=context(cropped_mirror("astronaut"), banks=banks)) is None
    banks = BankIndex([BankEntry("e", "ngo", BankLabel.ENTRAPMENT, astronaut)])
    assert detect("avatar.known_bad", context=context(mirrored, banks=banks)) is not None
    # With keypoints (added from the photo), the cropped mirror image is confirmed too.
    banks = BankIndex([BankEntry("e", "ngo", BankLabel.ENTRAPMENT, astronaut.with_keypoints())])
    assert detect("avatar.known_bad", context=context(cropped_mirror("astronaut"), banks=banks)) is not None


def test_known_bad_is_silent_for_other_photos_defaults_and_no_avatar() -> None:
    assert detect("avatar.known_bad", context=context(fp("chelsea"), banks=bank())) is None
    assert detect("avatar.known_bad", context=context(None, banks=bank())) is None
    grey = fingerprint(Image.new("RGB", (80, 80), (200, 200, 200)))
    assert detect("avatar.known_bad", context=context(grey, banks=bank())) is None


def test_missing_or_default_fires_on_the_defaults_bank_only() -> None:
    grey = fingerprint(Image.new("RGB", (80, 80), (200, 200, 200)))
    found = detect("avatar.missing_or_default", context=context(grey, banks=bank()))
    assert found is not None and found.evidence["avatar"] == "default"
    assert detect("avatar.missing_or_default", context=context(fp("astronaut"), banks=bank())) is None
    assert detect("avatar.missing_or_default", context=context(grey)) is None  # no banks service
    missing = detect("avatar.missing_or_default", context=context(None), has_avatar=False)
    assert missing is not None and missing.evidence == {"avatar": "missing"}


@dataclass
class CountingReuse:
    """In-memory ReuseCounter: exact primary hash → set of accounts."""

    seen: dict[int, set[str]] = field(default_factory=dict)
    down: bool = False

    def observe(self, fingerprint: AvatarFingerprint, account: str, window_seconds: int) -> int:
        if self.down:
            raise ServiceUnavailable("reuse")
        accounts = self.seen.setdefault(fingerprint.primary, set())
        accounts.add(account)
        return len(accounts)


def test_reused_fires_from_the_third_distinct_account() -> None:
    reuse = CountingReuse()
    avatar = fp("chelsea")
    results = [
        detect("avatar.reused", context=context(avatar, reuse=reuse), account_id=account)
        for account in ("1", "2", "2", "3", "4")
    ]
    assert results[:3] == [None, None, None]
    assert results[3] is not None and results[3].evidence == {"count": 3, "window_days": 30}
    assert results[4] is not None and results[4].strength > results[3].strength


def test_reused_counts_but_never_flags_an_established_account() -> None:
    """The owner of a photo that clones (or a campaign's made-up ids) reuse is not flagged for it."""
    reuse = CountingReuse()
    avatar = fp("chelsea")
    for clone in ("c1", "c2", "c3"):
        detect("avatar.reused", context=context(avatar, reuse=reuse), account_id=clone, joined="2026-10-01")
    owner = detect("avatar.reused", context=context(avatar, reuse=reuse), account_id="owner", joined="2019-03-01")
    assert owner is None and len(reuse.seen[avatar.primary]) == 4  # counted, not flagged
    new_clone = detect("avatar.reused", context=context(avatar, reuse=reuse), account_id="c4", joined="2026-11-01")
    assert new_clone is not None and new_clone.evidence["count"] == 5
    # Age unknown: flagged as before. established_days = 0 turns the exemption off.
    assert detect("avatar.reused", context=context(avatar, reuse=reuse), account_id="c5") is not None
    assert (
        detect(
            "avatar.reused",
            context=context(avatar, reuse=reuse),
            params={"established_days": 0},
            account_id="owner",
            joined="2019-03-01",
        )
        is not None
    )


def test_reused_dates_an_x_account_by_its_id() -> None:
    reuse = CountingReuse()
    avatar = fp("chelsea")
    x_context = CheckContext(platform=Platform.X, now=NOW, avatar=avatar, services={"reuse": reuse})
    for clone in ("c1", "c2"):
        detect("avatar.reused", context=x_context, account_id=clone)
    # 12 (2006), an X id long before snowflakes, dates nothing; a 2019 snowflake dates the account.
    snowflake_2019 = str((1_546_300_800_000 - 1_288_834_974_657) << 22)
    assert detect("avatar.reused", context=x_context, account_id=snowflake_2019) is None
    assert detect("avatar.reused", context=x_context, account_id="12") is not None


def test_reused_needs_an_avatar_and_an_account_id() -> None:
    reuse = CountingReuse()
    assert detect("avatar.reused", context=context(None, reuse=reuse), account_id="1") is None
    assert detect("avatar.reused", context=context(fp("chelsea"), reuse=reuse)) is None
    assert reuse.seen == {}


def test_services_down_make_the_avatar_signals_unavailable_not_clean() -> None:
    rules = load_default_rules()

    class DownBanks:
        def match(self, fingerprint: AvatarFingerprint, *, defaults: bool = False) -> None:
            raise ServiceUnavailable("banks")

    ctx = context(fp("astronaut"), banks=DownBanks(), reuse=CountingReuse(down=True))
    report = score(Profile(account_id="42", has_avatar=True), ctx, rules)
    # avatar.reused is off by default since 2026.12.1; campaign.shared_photo needs the aggregate.
    assert {"avatar.known_bad", "campaign.shared_photo"} <= set(report.unavailable)
    assert "avatar.missing_or_default" not in report.unavailable
    absent = score(Profile(account_id="42"), context(fp("astronaut")), rules)
    assert {"avatar.known_bad", "campaign.shared_photo"} <= set(absent.unavailable)
