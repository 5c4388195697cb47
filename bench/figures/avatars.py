"""Figures of docs/avatars.md: portrait-safe matching on the bench's own portraits (fixed seeds).

All are what a bench prints, run for real: the per-pair rates and copy recall of
bench/portraits.py (the better part of an hour on 2 cores), the API false alarms of
bench/avatar_false_alarms.py (~17 minutes: 3,000 photos stored and 1,500 checks of look-alikes
through the API, each confirmed within the matcher's budget against a 1,500-photo bank and
registry), and the recall of edited copies of bench/avatar_edits.py (~5 minutes). Timings are
measurements, not figures (the throughput in docs/avatars.md gives its command, date and machine).
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable

from bench import avatar_edits, avatar_false_alarms, portraits
from bench.figures import Inputs, figure

# The sizes docs/avatars.md publishes (and says in its commands).
PEOPLE, ORDINARY, RECALL = 1200, 1750, 300
BANK, CHECKS = 1500, 1500
EDITED_COPIES, EDITS_BANK = 100, 300


def _printed(run: Callable[..., None], *args: int) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        run(*args)
    return f"```\n{out.getvalue().rstrip()}\n```"


@figure("avatars-portraits")
def pair_rates_and_recall(inputs: Inputs) -> str:
    """`bench/portraits.py --people 1200 --ordinary 1750 --recall 300`: per-pair false matches of
    each stage on real aligned faces and drawn look-alikes, and copy recall per storage form."""
    return _printed(portraits.run, PEOPLE, ORDINARY, RECALL)


@figure("avatars-false-alarms")
def false_alarms(inputs: Inputs) -> str:
    """`bench/avatar_false_alarms.py --bank 1500 --checks 1500`: checks of look-alikes through the
    API against a 1,500-portrait bank and registry; `avatar.known_bad` and photo-only
    protected-person findings with their 95% upper bounds."""
    return _printed(avatar_false_alarms.run, BANK, CHECKS)


@figure("avatars-edits")
def edited_copies(inputs: Inputs) -> str:
    """`bench/avatar_edits.py --copies 100 --bank 300`: recall of copies under an adversary's
    edits (rotation, stretch, filters, tone, blur, noise, stickers, captions, heavy crops, round
    avatars, perspective, collages, screenshots) in a bank and as a contact."""
    return _printed(avatar_edits.run, EDITED_COPIES, EDITS_BANK)
