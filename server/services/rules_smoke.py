"""Before rules are published, every enabled signal is run over a corpus of test profiles.

Parameter bounds (pydantic ``Field``) catch most bad values; this catches the rest — a value in
range that still breaks a signal, a combination of values — before a worker would answer every
check with a 500. Any exception refuses the file with the signal's code and the exception type.

First it refuses a file that would warn about everyone (:func:`refuse_warning_everyone`): a
maintainer's slip (a sign lost on the bias, ``levels.medium = 0``) passed every other check.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from heuristics.banks import BankMatch
from heuristics.context import CheckContext, ServiceUnavailable
from heuristics.engine import level_for, sigmoid
from heuristics.findings import Level
from heuristics.images import AvatarFingerprint
from heuristics.profile import Contact, Platform, Profile
from heuristics.rules import Rules, RulesError
from heuristics.services import ProtectedMatch
from heuristics.signals import registry

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
AVATAR = AvatarFingerprint((0x0F0F0F0F0F0F0F0F, 0xF0F0F0F0F0F0F0F0), (0x0F0F0F0F0F0F0F0F, 0x0F0F0F0F0F0F0F0E))

PROFILES = (
    Profile(),
    Profile(handle="a", display_name="A"),
    Profile(handle="@hala1234567890", display_name="Hala Ahed", followers=0, following=0, posts=0),
    Profile(handle="x1y2z3w4q5r6", display_name="x", followers=3, following=5000, posts=1, name_changes=7),
    Profile(handle="mhmdbdlrhmnkhld", display_name="محمد عبد الرحمن", bio="", has_avatar=False, verified=True),
    Profile(handle="mo_saleh", display_name="Моhamed Saleh", bio="https://t.me/x", joined="2026-11", private=True),
    Profile(account_id="1790000000000000001", handle="hala_ahed", display_name="Hala Ahed", joined="2015-03-01"),
    Profile(account_id="42", display_name="\ufdfa" * 50 + "\u200f", followers=10**10, following=10**10, posts=10**10),
    Profile(account_id="7", handle="2026", display_name="1990", joined="2030-01", name_changes=10_000),
)
CONTACTS = (
    Contact(display_name="Hala Ahed", platform=Platform.X, account_id="9", handle="hala_ahed", avatar_hash=AVATAR.hex),
    Contact(display_name="محمد صالح", handle="mo.saleh"),
)


class _Banks:
    def match(self, fingerprint: AvatarFingerprint, defaults: bool = False) -> BankMatch | None:
        return None


class _Reuse:
    def __init__(self, count: int) -> None:
        self.count = count

    def observe(self, fingerprint: AvatarFingerprint, account: str, window_seconds: int) -> int:
        return self.count


class _Registry:
    def match(self, name: str, min_similarity: float) -> Sequence[ProtectedMatch]:
        return ()

    def photo_matches(self, fingerprint: AvatarFingerprint) -> Sequence[tuple[int, ProtectedMatch]]:
        return ()

    def owns(self, profile: Profile, platform: Platform) -> bool:
        return False


def _contexts() -> Iterator[CheckContext]:
    for platform in (Platform.X, Platform.INSTAGRAM, Platform.OTHER):
        for count in (1, 3, 100):
            services = {"banks": _Banks(), "reuse": _Reuse(count), "protected": _Registry()}
            yield CheckContext(platform=platform, now=NOW, contacts=CONTACTS, avatar=AVATAR, services=services)
        yield CheckContext(platform=platform, now=NOW)


def refuse_warning_everyone(rules: Rules) -> None:
    """RulesError (key ``bias``) when a profile no signal fires on scores medium or above: its
    risk is the bias's alone (:func:`heuristics.engine.score`), so every account checked — the
    person's brother, her colleague — would be warned about, and warnings would mean nothing.

    Its mirror (rules under which no profile can reach medium: the bias plus every enabled
    signal's positive points below it) is not refused: test and evaluation files publish such
    rules on purpose (docs/evaluation.md)."""
    floor = round(100 * sigmoid(rules.bias))
    if level_for(floor, rules) is not Level.LOW:
        raise RulesError(
            "bias",
            f"a profile no signal fires on would score {floor}, at or above levels.medium"
            f" ({rules.medium:g}): every account checked would be warned about",
        )


def smoke_test(rules: Rules) -> None:
    """Refuse a file that would warn about everyone (:func:`refuse_warning_everyone`), then run
    every enabled signal over the corpus; RulesError naming the first that fails."""
    refuse_warning_everyone(rules)
    signals = registry()
    contexts = list(_contexts())
    for rule in rules.enabled():
        signal = signals[rule.code]
        for profile in PROFILES:
            for context in contexts:
                if not signal.needs <= context.services.keys():
                    continue
                try:
                    signal.detect(profile, context, rule.params)
                except ServiceUnavailable:
                    continue
                except Exception as error:
                    raise RulesError(
                        f"signals.{rule.code}", f"fails on a test profile ({type(error).__name__}); check its values"
                    ) from None
