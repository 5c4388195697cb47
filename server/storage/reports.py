"""User reports of a profile: kept for trainers to review, without any reporter identity.

A report's time is kept to the hour only (``created_at`` is the hour it arrived): an exact write
time could be matched with an ISP's record of who connected to the server at that second. The
queue keeps its order with a counter instead, and a report's keys expire at a moment that names
the hour too (``created_at`` + the TTL, as an absolute time): a TTL counted from the write would
put the arrival time, to the millisecond, in the key's expiry (``PTTL``, and the ``PXAT`` that
Redis writes to its append-only file and snapshot).

Bounded against floods: a filing takes a place in the queue and holds it for a time fixed when
it is filed, whatever happens to the report (``HARIS_REPORT_HOLD_HOURS``, 6 by default: until the
start of the hour that many hours after the hour it arrived). At most ``HARIS_MAX_PENDING_REPORTS``
(1,000) places are held at once; past that every report is refused with 503 ``report_queue_full``.
A second report of the same account (platform and account id, or handle) while the first is pending
adds to the first (``reports``: how many) instead of queueing again (keeping each later report's
reason in ``reasons``, its note in ``notes``, its version of the profile in ``variants`` and any
other handle it names in ``handles``, each bounded — notes and variants past their bound as a
reservoir sample (``_sample_into``) — so whoever reports an account first cannot hide what later
reporters say about it), a reported bio is cut to 500 characters
(``server.schemas.ReportedProfile``), and anonymous reports have their own tight rate limit
(``HARIS_REPORT_LIMIT``).

Why places are not freed by decisions: when a decision freed as many places as the reports merged
into the report, whoever had filled the queue and reported its own bait account N times learnt,
from N fresh reports passing at once, when a trainer had decided the bait — that the organisation
had looked at it. Held on a schedule set at filing, places free at moments that say nothing about
any decision (or its absence). Why a merged report takes a place as a fresh one does: were it
free, a full queue would take a report of an account already waiting and refuse one of a new
account, and whoever filled the queue would learn which accounts someone had reported. The cost:
trainers can no longer reopen a flooded queue by rejecting the flood (the console says when places
free instead), a burst of genuine reports locks the queue for at most the hold, and the reports
kept are bounded by ``max_pending`` per hold (at most 120,000 filings in a report's 30 days with
the defaults) instead of by ``max_pending`` pending records (docs/privacy.md weighs the hold).

A second bound, on what is kept rather than on what arrives: at most ``HARIS_MAX_STORED_REPORTS``
(10,000) reports pending. Places on a clock bound the filings per hold, not the reports left
waiting, and a flood nobody reads would otherwise leave ``max_pending`` reports per hold — 120,000
in a report's 30 days with the defaults, several kB each — in Redis, enough to fill a small
server's memory (and, under ``noeviction``, to stop every write). Past it every filing is refused
as when the places are all held. This bound is freed by decisions and expiry, so only once that
many reports wait unread do the two answer oracles the places close come back (a decision frees
room; a report merged into a waiting one takes none, as it adds no record): a flood of 10,000
reports that the console shows, far past the 1,000 that reopened them before.

The count of places and the taking of one are one Lua script (``_TAKE_PLACE``): two filings at
once cannot both take the last place.

A rejected report keeps only its decision, for a short time (``HARIS_REJECTED_REPORT_HOURS``, 48 by
default). Kept whole for a report's 30 days, rejected reports were what a flood left: trainers
rejecting ``max_pending`` reports per hold still left 120,000 records of up to 16 kB in Redis, and a
forged report against a genuine person (a defender reported as an impersonator, to have her
banked) left her profile on the server for 30 days once rejected — a seized copy listed the people
someone had tried to have flagged. A rejection therefore rewrites the record to ``REJECTED_FIELDS``
(what the "recently decided" list, a decided report's page, the API's answer and the audit entry
read: id, hour of arrival, status, platform, reason, how many reports and their reasons, who
decided, when, and the trainer's note) — no profile field, handle or account id, variant, filer's
note or avatar hash — expiring at the start of the hour ``rejected_hours`` after the decision's
hour (an hour boundary, as every expiry here: it names the decision's hour, which ``decided_at``
holds already), never later than the record's original expiry. A flood that trainers reject now
leaves at most the reports rejected within ``rejected_hours`` — those waiting at its start
(``max_stored``) and those filed during it (``max_pending`` per hold) — of a few hundred bytes each,
none of it written by the filers (docs/privacy.md gives the figure). Confirmed reports are kept
whole for their 30 days: they feed banks and cases. A rejected record written whole before this
keeps its 30 days until it is read, and is trimmed when read
(:meth:`ReportStore.get`), to the expiry it would have had, or deleted if that has passed.

A merge and a decision are optimistic transactions on the report's record (WATCH): reports of
one account that arrive together are all counted, and a decision never overwrites a report
merged while it was being made. A first report is written WATCHing the account's key, and merged
instead when another filing made the account's pending report in between; a filing that finds
the report its key named decided deletes the key only while it still names that report: the
account has one pending report, not two with the count split between them. A merge (or that
first write) that kept losing to others through every retry does not fail: the report is kept as
a report of its own (answered as any fresh one is), so a 503 can never tell a filer that the
account it reports is already waiting. A decision that keeps losing raises
``ReportBusy`` (503 ``report_busy``, to the trainer only).

What a filing's time says: nothing of whether its account is reported already, or of how much
its pending report holds. A merge read the pending record, parsed it and wrote it back (one SET); a
first report wrote a new record, its account's key and the arrival counter (one more round trip, a
MULTI of five): the two took measurably different times (a merge into a record at its caps parsed
and serialised 16 kB of JSON where a first report serialised 2 kB), and whoever runs a fake
account could report it and a made-up one, compare, and learn that someone had reported hers. Both
now read alike (the account's key, then, WATCHed, the pending record, or for a first report the
account's key again), write with one script (``_WRITE``: the same commands, a merge's
keeping the expiries it finds), and parse and serialise ``RECORD_BUDGET`` characters of JSON,
ballast making up what the record lacks (``_even_json``); ``bench/report_filing_timing.py`` times
the three cases, ``tests/privacy/test_filing_time.py`` counts their work. Still apart: a merge
into a record at its caps runs its count (``_count_in``) over more notes, variants and handles
(some tens of microseconds), and a filing that finds the account's report just decided, or loses
a hundred retries, does more (both rare: a decision deletes the account's key with it).

Redis keys:
- ``haris:{reports}:report:<id>`` — JSON of what the user chose to send (platform, profile fields,
  avatar_hash, reason, note), the hour it arrived, how many reports it stands for and, for those
  merged into it, how many gave each reason, their notes, their differing versions of the
  profile and the other handles they named (no time); expires ``REPORT_TTL_SECONDS`` after the start of that hour.
  Once rejected, only ``REJECTED_FIELDS`` (no profile, note or fingerprint), expiring
  ``rejected_hours`` after the decision's hour, or at that original expiry if sooner.
- ``haris:{reports}:pending`` — sorted set of pending report ids by arrival number; ids whose report
  has expired are pruned when the queue is read.
- ``haris:{reports}:sequence`` — the arrival counter (no TTL: a number, no user data).
- ``haris:{reports}:account:<hmac>`` — the pending report of one reported account, keyed by
  HMAC-SHA256(secret, platform and account id or handle), truncated; expires with the report and
  is deleted when it is decided.
- ``haris:{reports}:accounts`` — set of the account keys above (key names only), so each arrival
  can touch them with the pending reports (``_touch_pending``); expires an hour after the last
  report, on the hour (set by the write script, never shortened).
- ``haris:{reports}:places`` — hash of the hour filings arrived (epoch seconds of its start) to how
  many arrived that hour, only for the hours whose places are still held (``HARIS_REPORT_HOLD_HOURS``);
  older hours are removed at each filing, and the key expires when the newest hour's places free.
  It counts filings, merged ones too, and names no report, account or filer.
- ``haris:{reports}:decided`` — sorted set of confirmed report ids by decision time, for the
  console's "recently decided" list; pruned after the report TTL (the records expire with their
  original TTL, which a decision does not extend). Reports rejected before rejections were trimmed
  are there too, until read (then moved to the set below) or 30 days.
- ``haris:{reports}:rejected`` — sorted set of rejected report ids by decision time, the other half
  of that list: ids decided more than ``rejected_hours`` ago (whose records have expired) are
  removed at each filing, decision and reading of the list, and the key expires an hour after the
  newest trimmed record can, so an idle server keeps none past that either.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import redis

from heuristics.platforms import handle_from_url
from heuristics.signals.impersonation import handle_key
from server.storage.optimistic import watched

REPORT_TTL_SECONDS = 30 * 24 * 3600
TIME_GRAIN_SECONDS = 3600
# How long a filing holds its place in the queue (module docstring): short enough that a burst of
# genuine reports does not lock the queue for long, long enough that filings alone cannot keep more
# than ``max_pending`` × 120 reports (30 days / 6 hours) in the store.
REPORT_HOLD_HOURS = 6
# Pending reports kept at most (``HARIS_MAX_STORED_REPORTS``): places held on a clock bound the
# filings per hold, not the reports left waiting — unread, a flood kept within the places would
# leave ``max_pending`` × 120 reports (several kB each) in Redis over their 30 days, enough to
# fill a small server's memory. Past this many every filing is refused, as when the places are
# all held (module docstring: what that costs).
MAX_STORED_REPORTS = 10_000
# Hours a rejected report's trimmed record is kept (``HARIS_REJECTED_REPORT_HOURS``; module
# docstring): long enough for the "recently decided" list to show yesterday's rejections whatever
# the hour, and for a colleague to see the decision and its note; the audit trail keeps who
# rejected which report, and when, for a year.
REJECTED_REPORT_HOURS = 48
# What a rejected report keeps: what the console and the API read of a decided report. Nothing the
# reported profile said (names, bio, URLs, handle, account id, avatar hash, variants) and nothing
# a filer wrote (notes): a forged report of a genuine person leaves no trace of her once rejected.
REJECTED_FIELDS = (
    "id",
    "created_at",
    "status",
    "platform",
    "reason",
    "reports",
    "reasons",
    "decided_by",
    "decided_at",
    "decision_note",
)
_RETRIES = 100  # optimistic transactions: a retry is one round trip, a lost report is lost data
# Notes of later reports of the same account kept on the pending report (each at most 1,000
# characters, ``server.schemas.ReportRequest``): what a trainer reads, bounded per report.
MAX_MERGED_NOTES = 10
# Other versions of the reported profile (its fields and photo fingerprint) that later reports of
# the same account sent, kept beside the first: the first reporter's version is not the only one.
MAX_VARIANTS = 3
# Other handles later reports of the same account (by account id) name, kept apart from the
# variants (``_count_in``): what tells a trainer that the merged reports disagree on the account.
MAX_OTHER_HANDLES = 10
_REPORT = "haris:{reports}:report:"
_PENDING = "haris:{reports}:pending"
_SEQUENCE = "haris:{reports}:sequence"
_BY_ACCOUNT = "haris:{reports}:account:"
_DECIDED = "haris:{reports}:decided"
_ACCOUNTS = "haris:{reports}:accounts"
_PLACES = "haris:{reports}:places"
_REJECTED = "haris:{reports}:rejected"
_TOUCH_BATCH = 500


def profile_handle(profile: dict[str, Any]) -> str | None:
    """The handle a reported profile names: its own, else its profile URL's."""
    return profile.get("handle") or handle_from_url(profile.get("profile_url"))


class AlreadyDecided(Exception):
    """The report was confirmed or rejected by someone else first."""


class ReportChanged(Exception):
    """More reports were merged into the report since the trainer was shown it."""


class QueueFull(Exception):
    """``max_pending`` reports already wait for review."""


class ReportBusy(Exception):
    """The report kept changing under this write (many reports of its account at once)."""


# KEYS[1]: the places hash (hour -> filings that hour); KEYS[2]: the pending reports (sorted set).
# ARGV: this hour, the hold in seconds, the cap, "1" to take a place or "0" only to count, the cap
# on pending reports kept, the prefix of a report's key. Drops the hours whose places are free, and
# the oldest pending ids whose report has expired (at most 100 a call: they are the oldest, all
# reports living the same 30 days); returns {taken (0 or 1), places held before taking, the hour the
# oldest held places free (0: none held), pending reports kept}.
# The key expires when the newest hour's places free, never earlier: a worker whose clock is still
# in the hour before another's (clocks a few seconds apart at the turn of an hour) would otherwise
# expire the whole hash, the later hour's places with it, an hour early.
# One script, so counting and taking cannot interleave with another filing's (each key of it is in
# the {reports} slot, as a Redis Cluster needs).
_TAKE_PLACE = """
local hour = tonumber(ARGV[1])
local hold = tonumber(ARGV[2])
local held = 0
local oldest = 0
local newest = hour
local hours = redis.call('HGETALL', KEYS[1])
for i = 1, #hours, 2 do
  local filed = tonumber(hours[i])
  if filed + hold <= hour then
    redis.call('HDEL', KEYS[1], hours[i])
  else
    held = held + tonumber(hours[i + 1])
    if oldest == 0 or filed < oldest then oldest = filed end
    if filed > newest then newest = filed end
  end
end
local stored = redis.call('ZCARD', KEYS[2])
local pruned = 0
while stored >= tonumber(ARGV[5]) and pruned < 100 do
  local head = redis.call('ZRANGE', KEYS[2], 0, 0)
  if #head == 0 or redis.call('EXISTS', ARGV[6] .. head[1]) == 1 then break end
  redis.call('ZREM', KEYS[2], head[1])
  stored = stored - 1
  pruned = pruned + 1
end
local frees = 0
if oldest > 0 then frees = oldest + hold end
if ARGV[4] ~= '1' or held >= tonumber(ARGV[3]) or stored >= tonumber(ARGV[5]) then
  return {0, held, frees, stored}
end
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('EXPIREAT', KEYS[1], newest + hold)
if frees == 0 then frees = hour + hold end
return {1, held, frees, stored}
"""


# A report of an account, written: the same script for a first report and for one merged into a
# pending report (``ReportStore._write``), so the two send the same commands (module docstring,
# "What a filing's time says"). KEYS: the record, the pending reports, the account's key, the set
# of account keys, the arrival counter. ARGV: the record's JSON; its expiry (epoch seconds, an hour
# boundary; "0": a merge, which keeps the TTL the record and the account's key have, and writes
# neither if it has gone: KEEPTTL on a missing key would write it with no expiry); the report's
# id; 1 for a first report (a new arrival number) or 0 (a merge: INCRBY 0 reads the counter, and
# ZADD NX leaves the report's number as it is); when the set of account keys may expire at the
# earliest (epoch milliseconds, an hour after the record: it is never shortened, so it expires
# with the last report and names no finer time than an hour). Redis's own clock (TIME) reads the
# set's expiry: a worker's clock behind would shorten it; expiries are an hour apart, so a minute's
# margin keeps one from being set again for the milliseconds between PTTL and TIME.
_WRITE = """
local position = redis.call('INCRBY', KEYS[5], ARGV[4])
if ARGV[2] == '0' then
  redis.call('SET', KEYS[1], ARGV[1], 'XX', 'KEEPTTL')
  redis.call('SET', KEYS[3], ARGV[3], 'XX', 'KEEPTTL')
else
  redis.call('SET', KEYS[1], ARGV[1], 'EXAT', ARGV[2])
  redis.call('SET', KEYS[3], ARGV[3], 'EXAT', ARGV[2])
end
redis.call('ZADD', KEYS[2], 'NX', position, ARGV[3])
redis.call('SADD', KEYS[4], KEYS[3])
local left = redis.call('PTTL', KEYS[4])
local now = redis.call('TIME')
if left < 0 or now[1] * 1000 + math.floor(now[2] / 1000) + left < tonumber(ARGV[5]) - 60000 then
  redis.call('PEXPIREAT', KEYS[4], ARGV[5])
end
return position
"""

# Characters of JSON a filing of an account parses, and as many it serialises, whichever path it
# takes (``_even_json``): a record at its caps (``MAX_MERGED_NOTES`` notes, ``MAX_VARIANTS``
# variants, ``MAX_OTHER_HANDLES`` handles, every field as long as a report allows, written without
# escapes) is about 22,000. A merge into a larger record (text full of characters JSON escapes)
# costs more than a first report.
RECORD_BUDGET = 24_000
# The ballast that makes up the difference: pieces shaped like a record's content (a profile, a
# fingerprint, a note), about 1,000 characters each.
_PIECE: dict[str, Any] = {
    "profile": {
        "handle": "ballast_handle",
        "display_name": "Ballast Name",
        "bio": ("ballast text of a bio " * 23)[:500],
        "followers": 1234,
    },
    "avatar_hash": "0" * 64,
    "note": ("a note of ballast, " * 22)[:400],
}
_PIECE_CHARS = len(json.dumps(_PIECE, ensure_ascii=False))
_PIECES = [json.loads(json.dumps(_PIECE)) for _ in range(RECORD_BUDGET // _PIECE_CHARS)]
_PIECE_TEXTS = ["[" + ",".join([json.dumps(_PIECE, ensure_ascii=False)] * n) + "]" for n in range(len(_PIECES) + 1)]


def _parse(text: str) -> dict[str, Any]:
    return json.loads(text)


def _serialise(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False)


def _even_json(parsed: int, serialised: int) -> None:
    """Parse and serialise ballast, so that a filing's JSON work comes to ``RECORD_BUDGET``
    characters each way (to within a piece) whatever the record it wrote: a merge into a capped
    record parsed and serialised 16 kB where a first report serialised 2 kB, and the time told
    whoever files reports of her own account and a made-up one whether hers was already reported."""
    _parse(_PIECE_TEXTS[max(0, RECORD_BUDGET - parsed) // _PIECE_CHARS])
    _serialise({"ballast": _PIECES[: max(0, RECORD_BUDGET - serialised) // _PIECE_CHARS]})


def _slot(seen: int) -> int:
    """A uniform draw in ``range(seen)`` (:func:`_sample_into`; seeded in tests)."""
    return secrets.randbelow(seen)


def _sample_into(record: dict[str, Any], field: str, item: Any, cap: int) -> None:
    """Keep ``item`` in ``record[field]`` as a reservoir sample of at most ``cap`` of every item
    offered to it (counted in ``<field>_seen``): each has the same chance to be kept whenever it
    arrived. Kept first come, the bound was whoever reported the account first: its operator,
    filing eleven harmless notes (three harmless versions of its profile) before anyone else,
    had every victim's note (version) dropped unseen (``tests/security/test_redteam_reports_merge.py``).
    Now its share of what a trainer reads is its share of what was filed."""
    kept = record.setdefault(field, [])
    seen = int(record.get(field + "_seen", len(kept))) + 1
    record[field + "_seen"] = seen
    if len(kept) < cap:
        kept.append(item)
        return
    slot = _slot(seen)
    if slot < cap:
        kept[slot] = item


@dataclass(frozen=True)
class Places:
    """The queue's places: how many are held, when the oldest held ones free (0 if none), and how
    many pending reports are kept (``stored``, against ``max_stored``)."""

    held: int
    frees_at: int
    stored: int = 0


def coarse_time(now: float) -> int:
    """``now`` to the hour (the only time a report keeps)."""
    return int(now // TIME_GRAIN_SECONDS) * TIME_GRAIN_SECONDS


def trimmed(record: dict[str, Any]) -> dict[str, Any]:
    """What a rejected report keeps of ``record`` (``REJECTED_FIELDS``)."""
    return {key: record[key] for key in REJECTED_FIELDS if key in record}


@dataclass
class ReportStore:
    client: redis.Redis
    secret: bytes = b""
    ttl: int = REPORT_TTL_SECONDS
    max_pending: int = 1_000
    hold_hours: int = REPORT_HOLD_HOURS
    max_stored: int = MAX_STORED_REPORTS
    rejected_hours: int = REJECTED_REPORT_HOURS

    def __post_init__(self) -> None:
        self._take_place = self.client.register_script(_TAKE_PLACE)
        self._write_script = self.client.register_script(_WRITE)

    def _places(self, now: float, take: bool) -> tuple[bool, Places]:
        hour = coarse_time(now)
        args = [hour, self.hold_hours * TIME_GRAIN_SECONDS, self.max_pending, "1" if take else "0"]
        args += [self.max_stored, _REPORT]
        taken, held, frees_at, stored = self._take_place(keys=[_PLACES, _PENDING], args=args)
        return bool(taken), Places(int(held), int(frees_at), int(stored))

    def full(self, places: Places) -> bool:
        """Whether filings are refused now: every place held, or ``max_stored`` reports pending."""
        return places.held >= self.max_pending or places.stored >= self.max_stored

    def places(self, now: float | None = None) -> Places:
        """The places held now (the console says when a full queue frees some)."""
        return self._places(time.time() if now is None else now, take=False)[1]

    def _account_key(self, report: dict[str, Any]) -> str | None:
        profile = report.get("profile") or {}
        if profile.get("account_id"):
            identity = f"{report.get('platform')}:id:{profile['account_id']}"
        elif profile.get("handle"):
            identity = f"{report.get('platform')}:handle:{handle_key(str(profile['handle']), report.get('platform'))}"
        else:
            return None
        digest = hmac.new(self.secret, identity.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
        return _BY_ACCOUNT + digest[:32]

    def add(self, report: dict[str, Any]) -> str:
        """Queue a report (or add it to the pending report of the same account); its id.

        Raises QueueFull when ``max_pending`` places are held (for a report that would merge too)."""
        return self.file(report)[0]

    def file(self, report: dict[str, Any]) -> tuple[str, bool]:
        """As :meth:`add`, and whether the report was merged into a pending one."""
        now = time.time()
        account_key = self._account_key(report)
        # Full is full for every report, one that would merge too: were it merged (202) while
        # others get 503, whoever fills the queue could tell which accounts are already reported.
        # The place is taken before the report is written, in the same script that counts them.
        taken, _ = self._places(now, take=True)
        self._prune_rejected(now)
        if not taken:
            raise QueueFull()
        if account_key is not None:
            # Merged into the account's pending report, else made its pending report, unless
            # another filing made one in between (then merged into that one): two first reports
            # of an account arriving together were two pending reports, the account's key naming
            # the last written, and the count split between them.
            for _ in range(_RETRIES):
                try:
                    existing = self._merge(account_key, report)
                except ReportBusy:
                    # Kept on its own rather than refused: a 503 only a merge can give would tell
                    # whoever floods one account's report that the account is already waiting.
                    break
                if existing is not None:
                    return existing, True
                try:
                    report_id = self._create(report, now, account_key)
                except ReportBusy:
                    break
                if report_id is not None:
                    return report_id, False
        return str(self._create(report, now, None)), False

    def _create(self, report: dict[str, Any], now: float, account_key: str | None) -> str | None:
        """Write ``report`` as a pending report of its own (its account's, with ``account_key``);
        its id, or None when the account has a pending report by then (WATCHed).

        A report of an account is written as a merge is (:meth:`_write`: the same commands, the
        same JSON work; module docstring, "What a filing's time says")."""
        report_id = secrets.token_hex(8)
        created_at = coarse_time(now)
        expires_at = created_at + self.ttl  # an hour boundary: the expiry says no more than created_at
        record = dict(report, id=report_id, created_at=created_at, status="pending", reports=1)
        record["reasons"] = {str(report.get("reason")): 1}
        if account_key is None:
            # No account to merge into, so nothing for a filing's time to say about one.
            with self.client.pipeline(transaction=True) as pipe:
                position = self.client.incr(_SEQUENCE)
                pipe.set(_REPORT + report_id, _serialise(record), exat=expires_at)
                pipe.zadd(_PENDING, {report_id: position})
                pipe.execute()
            self._touch_pending()
            return report_id

        def attempt(pipe: redis.client.Pipeline) -> bool:
            if pipe.get(account_key) is not None:
                pipe.unwatch()
                return False
            text = _serialise(record)
            # What a merge does to the record it reads, here to this one (and then dropped): a
            # merge's parse and its count, at about a small record's cost (the ballast evens out
            # the JSON; a count into a capped record costs some tens of microseconds more).
            self._count_in(_parse(text), report)
            _even_json(len(text), len(text))
            self._write(pipe, report_id, text, account_key, expires_at, created_at, first=True)
            return True

        if not watched(self.client, account_key, attempt, _RETRIES, ReportBusy(report_id)):
            return None
        self._touch_pending()
        return report_id

    def _write(
        self,
        pipe: redis.client.Pipeline,
        report_id: str,
        text: str,
        account_key: str,
        expires_at: int,
        created_at: int,
        first: bool,
    ) -> None:
        """Write a report of an account (a first one, or one merged into) in ``pipe``'s transaction:
        one script (``_WRITE``), the same call on both paths. Its cache lost (a Redis restart), the
        script is loaded and the attempt made again (``WatchError``: :func:`watched` retries)."""
        accounts_expire = (created_at + self.ttl + TIME_GRAIN_SECONDS) * 1000
        pipe.multi()
        # execute_command: redis-py's cluster pipeline blocks its ``evalsha`` method, but not the
        # command, whose keys all share the {reports} slot (as a transaction needs there).
        pipe.execute_command(
            "EVALSHA",
            self._write_script.sha,
            5,
            _REPORT + report_id,
            _PENDING,
            account_key,
            _ACCOUNTS,
            _SEQUENCE,
            text,
            expires_at if first else 0,
            report_id,
            1 if first else 0,
            accounts_expire,
        )
        try:
            pipe.execute()
        except redis.exceptions.NoScriptError:
            self._write_script.sha = self.client.script_load(_WRITE)
            raise redis.WatchError("the write script was not loaded") from None

    def _touch_pending(self) -> None:
        """Mark every pending report (and its account key) as used now.

        Redis keeps, for each key, when it was last written or read (``OBJECT IDLETIME``): a report
        nobody has opened since it arrived would give whoever takes over the running server its
        arrival time, to ten seconds, whatever ``created_at`` says. Touched at each arrival, every
        pending report's idle time is that of the newest, which the newest's own writes give away
        in any case.
        """
        keys = [_REPORT + raw.decode() for raw in self.client.zrange(_PENDING, 0, -1)]
        accounts = [raw.decode() for raw in self.client.smembers(_ACCOUNTS)]
        if len(accounts) > self.max_pending:
            accounts = self._prune_accounts(accounts)
        keys += accounts
        for start in range(0, len(keys), _TOUCH_BATCH):
            self.client.touch(*keys[start : start + _TOUCH_BATCH])

    def _merge(self, account_key: str, report: dict[str, Any]) -> str | None:
        """Count one more report on the pending report of this account; its id, or None.

        The later report's reason is counted, its note kept (up to ``MAX_MERGED_NOTES`` different
        ones) and its version of the profile too when it differs (up to ``MAX_VARIANTS``):
        otherwise whoever filed first — the account's own operator, say, with "other", a harmless
        note and a harmless-looking profile — would decide what every later reporter is shown to
        have said and seen.
        """
        raw_id = self.client.get(account_key)
        if raw_id is None:
            return None
        report_id = raw_id.decode()
        key = _REPORT + report_id
        # An optimistic transaction (WATCH the record): reports of one account arrive together —
        # a campaign's, or a group's who all met the same bait — and a read-then-write lost most
        # of them (their counts, reasons and notes) when they overlapped.

        def attempt(pipe: redis.client.Pipeline) -> bool:
            raw = pipe.get(key)
            read = raw.decode() if raw else ""
            record = _parse(read) if read else None
            if record is None or record.get("status") != "pending":
                # The account's key is deleted only while it still names this report: another
                # filing may have made the account's new pending report since it was read.
                pipe.watch(account_key)
                if pipe.get(account_key) == raw_id:
                    pipe.multi()
                    pipe.delete(account_key)
                    pipe.srem(_ACCOUNTS, account_key)
                    pipe.execute()
                else:
                    pipe.unwatch()
                return False
            self._count_in(record, report)
            text = _serialise(record)
            _even_json(len(read), len(text))
            created_at = int(record.get("created_at") or coarse_time(time.time()))
            self._write(pipe, report_id, text, account_key, created_at + self.ttl, created_at, first=False)
            return True

        if not watched(self.client, key, attempt, _RETRIES, ReportBusy(report_id)):
            return None
        self._touch_pending()
        return report_id

    @staticmethod
    def _count_in(record: dict[str, Any], report: dict[str, Any]) -> None:
        """Add a later report of the same account to its pending record (see :meth:`_merge`)."""
        record["reports"] = int(record.get("reports", 1)) + 1
        reasons = record.setdefault("reasons", {str(record.get("reason")): 1})
        reason = str(report.get("reason"))
        reasons[reason] = int(reasons.get(reason, 0)) + 1
        note = report.get("note")
        notes = record.setdefault("notes", [])
        if note and note != record.get("note") and note not in notes:
            _sample_into(record, "notes", note, MAX_MERGED_NOTES)
        if not notes:
            del record["notes"]
        # Every other account a later report names (its handle, else its URL's), apart from the
        # variants: whoever filed first can fill the variants with harmless versions of her
        # account, and a genuine report naming the clone's handle would then leave no trace.
        handle = profile_handle(report.get("profile") or {})
        others = record.setdefault("handles", [])
        platform = record.get("platform")
        first_handle = profile_handle(record.get("profile") or {})
        seen = {handle_key(named, platform) for named in (first_handle, *others) if named}
        if handle and handle_key(handle, platform) not in seen and len(others) < MAX_OTHER_HANDLES:
            others.append(handle)
        if not others:
            del record["handles"]
        variant = {key: report[key] for key in ("profile", "avatar_hash") if report.get(key)}
        variants = record.setdefault("variants", [])
        first = {key: record[key] for key in ("profile", "avatar_hash") if record.get(key)}
        if variant and variant != first and variant not in variants:
            _sample_into(record, "variants", variant, MAX_VARIANTS)
        if not variants:
            del record["variants"]

    def _prune_accounts(self, accounts: list[str]) -> list[str]:
        """Drop account keys that expired with their report from the set of them; those left."""
        with self.client.pipeline(transaction=False) as pipe:
            for key in accounts:
                pipe.exists(key)
            alive = pipe.execute()
        gone = [key for key, exists in zip(accounts, alive, strict=True) if not exists]
        if gone:
            self.client.srem(_ACCOUNTS, *gone)
        return [key for key, exists in zip(accounts, alive, strict=True) if exists]

    def rejected_expiry(self, record: dict[str, Any], decided_at: float) -> int:
        """When a report rejected at ``decided_at`` expires: the start of the hour ``rejected_hours``
        after the decision's (an hour boundary: it names no finer time than that hour), or its
        original expiry if sooner (a rejection never keeps a report longer)."""
        rejected_until = coarse_time(decided_at) + self.rejected_hours * TIME_GRAIN_SECONDS
        return min(int(record["created_at"]) + self.ttl, rejected_until)

    def _prune_rejected(self, now: float) -> None:
        """Drop the ids of reports rejected more than ``rejected_hours`` ago: their records have
        expired (:meth:`rejected_expiry` is at most that long after the decision)."""
        self.client.zremrangebyscore(_REJECTED, 0, int(now) - self.rejected_hours * TIME_GRAIN_SECONDS)

    def _add_rejected(self, pipe: redis.client.Pipeline, report_id: str, decided_at: float) -> None:
        """List a rejected report (in ``pipe``'s transaction). The set expires an hour after the
        newest record in it can (a worker's clock a little behind another's, at the turn of an
        hour, still leaves it as long as that record): idle, it keeps no id past its record."""
        pipe.zadd(_REJECTED, {report_id: int(decided_at)})
        pipe.zrem(_DECIDED, report_id)
        pipe.expireat(_REJECTED, coarse_time(time.time()) + (self.rejected_hours + 1) * TIME_GRAIN_SECONDS)

    def get(self, report_id: str) -> dict[str, Any] | None:
        raw = self.client.get(_REPORT + report_id)
        record = json.loads(raw) if raw else None
        if record is not None and record.get("status") == "rejected" and set(record) - set(REJECTED_FIELDS):
            return self._trim_written_whole(report_id, record)
        return record

    def _trim_written_whole(self, report_id: str, record: dict[str, Any]) -> dict[str, Any] | None:
        """A report rejected before rejections were trimmed, as it would be had it been rejected
        since: trimmed, to expire ``rejected_hours`` after its decision's hour, or deleted when that
        has passed (None). Written only if it still exists (``xx``): an expired record stays gone."""
        key = _REPORT + report_id
        now = time.time()
        kept = trimmed(record)
        decided_at = float(record.get("decided_at") or now)
        expires_at = self.rejected_expiry(record, decided_at)
        with self.client.pipeline(transaction=True) as pipe:
            if expires_at <= now:
                pipe.delete(key)
                pipe.zrem(_DECIDED, report_id)
            else:
                pipe.set(key, json.dumps(kept, ensure_ascii=False), exat=expires_at, xx=True)
                self._add_rejected(pipe, report_id, decided_at)
            pipe.execute()
        return kept if expires_at > now else None

    def pending(self, limit: int = 100, offset: int = 0, oldest_first: bool = False) -> list[dict[str, Any]]:
        """Pending reports, newest first (or oldest first: those closest to expiring unread)."""
        read = self.client.zrange if oldest_first else self.client.zrevrange
        ids = [i.decode() for i in read(_PENDING, offset, offset + limit - 1)]
        reports = [self.get(report_id) for report_id in ids]
        expired = [report_id for report_id, report in zip(ids, reports, strict=True) if report is None]
        if expired:
            self.client.zrem(_PENDING, *expired)
        return [r for r in reports if r is not None]

    def count_pending(self) -> int:
        return int(self.client.zcard(_PENDING))

    def decided(self, limit: int = 50) -> list[dict[str, Any]]:
        """Recently confirmed or rejected reports, newest decision first."""
        now = time.time()
        self.client.zremrangebyscore(_DECIDED, 0, int(now) - self.ttl)
        self._prune_rejected(now)
        newest = self.client.zrevrange(_DECIDED, 0, limit - 1, withscores=True)
        newest += self.client.zrevrange(_REJECTED, 0, limit - 1, withscores=True)
        ids = [raw.decode() for raw, _ in sorted(newest, key=lambda item: item[1], reverse=True)[:limit]]
        reports = [self.get(report_id) for report_id in ids]
        expired = [report_id for report_id, report in zip(ids, reports, strict=True) if report is None]
        if expired:  # expired with their record (a rejection capped by its report's 30 days)
            with self.client.pipeline(transaction=True) as pipe:
                pipe.zrem(_DECIDED, *expired)
                pipe.zrem(_REJECTED, *expired)
                pipe.execute()
        return [r for r in reports if r is not None]

    def resolve(
        self, report_id: str, status: str, seen_reports: int | None = None, **fields: Any
    ) -> dict[str, Any] | None:
        """Mark a report confirmed or rejected and take it off the queue. A confirmed record keeps
        its TTL; a rejected one keeps only ``REJECTED_FIELDS`` until :meth:`rejected_expiry`.

        None if there is no such report; AlreadyDecided if it was not pending; ReportChanged if
        ``seen_reports`` (how many reports the trainer was shown it stands for) is no longer its
        count: a report merged in after she looked — naming another account, say — is not decided
        unseen. The record is WATCHed: of two concurrent decisions only the first commits (the
        other finds it decided), and a report merged into it meanwhile is decided with it, not
        overwritten.
        """
        key = _REPORT + report_id

        def attempt(pipe: redis.client.Pipeline) -> dict[str, Any] | None:
            raw = pipe.get(key)
            if raw is None:
                return None
            record = json.loads(raw)
            if record.get("status") != "pending":
                raise AlreadyDecided(report_id)
            if seen_reports is not None and int(record.get("reports", 1)) != seen_reports:
                raise ReportChanged(report_id)
            now = int(time.time())
            record.update(fields, status=status, decided_at=now)
            account_key = self._account_key(record)  # from the whole record: the trimmed one names no account
            pipe.multi()
            if status == "rejected":
                record = trimmed(record)
                pipe.set(key, json.dumps(record, ensure_ascii=False), exat=self.rejected_expiry(record, now))
                self._add_rejected(pipe, report_id, now)
            else:
                pipe.set(key, json.dumps(record, ensure_ascii=False), keepttl=True)
                pipe.zadd(_DECIDED, {report_id: now})
            pipe.zrem(_PENDING, report_id)
            if account_key is not None:
                pipe.delete(account_key)
                pipe.srem(_ACCOUNTS, account_key)
            pipe.execute()
            return record

        decided = watched(self.client, key, attempt, _RETRIES, ReportBusy(report_id))
        if status == "rejected":
            self._prune_rejected(time.time())
        return decided
