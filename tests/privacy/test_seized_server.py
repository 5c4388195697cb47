"""The adversary of finding 1: a seized server's data directory, its ``HARIS_SECRET_KEY``, a list
of candidate client addresses and an ISP's record of when each address connected. With what
docs/privacy.md says is kept, and where, it tries to say which address checked which account
(and which reported what) — and must do no better than chance.

The script tries every link the layout could give:

- an address under any keyed hash the secret allows, found anywhere in the append-only file or
  the snapshot, followed by the next account written (how the old limiter counters gave it away);
- the time a check's write carries, matched with the connection times (the old exact scores);
- the order of writes in the append-only file, matched with the order of connections — the
  documented layout says reuse observations are written in shuffled batches, so a contiguous run
  of them is an unordered group, and each address can only be narrowed to its group;
- a report's time (kept to the hour), and the time its expiry counts from, matched with the
  connection times.

Not tried, because it is a documented residual (docs/privacy.md): the order in which reports
were written, matched with the order of connections an ISP can tell are reports.

For each address it keeps the set of accounts its evidence allows. Chance level is every
address's set being every account observed with it: nothing singles any out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any

from server.storage.reports import REPORT_TTL_SECONDS
from tests.api.test_banks import photo_bytes
from tests.conftest import TEST_SECRET

ADDRESSES = [f"198.51.100.{n}" for n in range(11, 17)]
PHOTOS = ["astronaut", "brick", "chelsea", "coffee", "grass", "gravel"]
ACCOUNTS = [f"instagram:{5550001 + n}" for n in range(len(ADDRESSES))]
REPORTED = [f"instagram:{7770001 + n}" for n in range(len(ADDRESSES))]


def aof_commands(raw: bytes) -> list[list[bytes]]:
    """The commands of a Redis append-only file (RESP arrays), in order."""
    commands, at = [], 0
    while at < len(raw):
        assert raw[at : at + 1] == b"*", f"not an append-only file at byte {at}"
        end = raw.index(b"\r\n", at)
        count, at = int(raw[at + 1 : end]), end + 2
        command = []
        for _ in range(count):
            end = raw.index(b"\r\n", at)
            length = int(raw[at + 1 : end])
            command.append(raw[end + 2 : end + 2 + length])
            at = end + 2 + length + 2
        commands.append(command)
    return commands


def keyed(secret: bytes, value: str) -> set[bytes]:
    """Every keyed hash of ``value`` the secret gives, as the code and its history spell them."""
    forms = set()
    for label in (b"", b"limit:", b"address:", b"login:"):
        digest = hmac.new(secret, label + value.encode(), hashlib.sha256).hexdigest()
        forms |= {digest.encode(), digest[:24].encode(), digest[:32].encode()}
    return forms


def _expiry_ms(command: list[bytes]) -> int | None:
    """The absolute expiry (ms) a SET command carries in the append-only file, if any."""
    options = [part.upper() for part in command[3:]]
    for name, scale in ((b"PXAT", 1), (b"EXAT", 1000)):
        if name in options:
            return int(command[3 + options.index(name) + 1]) * scale
    return None


def adversary(data_dir: Path, secret: bytes, flows: list[tuple[float, str, str]]) -> dict[str, Any]:
    """What the documented layout gives away. ``flows`` is the ISP's record: (time, address, kind)."""
    aof = (data_dir / "appendonly.aof").read_bytes()
    rdb = (data_dir / "haris.rdb").read_bytes()
    commands = aof_commands(aof)
    account_of = {hmac.new(secret, a.encode(), hashlib.sha256).hexdigest()[:32].encode(): a for a in ACCOUNTS}
    # Reuse writes: (position, account, score) for every account member written (docs: haris:reuse:acct).
    writes = [
        (position, account_of[command[-1]], float(command[-2]))
        for position, command in enumerate(commands)
        if command[0].upper() == b"ZADD" and command[1].startswith(b"haris:reuse:acct:") and command[-1] in account_of
    ]
    checked = {account for _, account, _ in writes}
    candidates = {address: set(checked) for address in ADDRESSES}

    # 1. An address's keyed hash anywhere on disk, then the next account written.
    for address in ADDRESSES:
        for form in keyed(secret, address):
            if form in rdb:
                candidates[address] = set()  # found, but the snapshot keeps no order to follow
            for position, command in enumerate(commands):
                if any(form in part for part in command):
                    following = [account for at, account, _ in writes if at > position]
                    candidates[address] &= set(following[:1])

    # 2. A write's score as a time, against the connection times.
    check_flows = [(moment, address) for moment, address, kind in flows if kind == "check"]
    for _, account, score in writes:
        if score > 10**8:  # a unix time, not a day number
            nearest = min(check_flows, key=lambda flow: abs(flow[0] - score))
            candidates[nearest[1]] &= {account}

    # 3. Order: contiguous runs of reuse writes are unordered groups (docs: shuffled batches).
    groups: list[list[str]] = []
    last = -2
    for position, account, _ in writes:
        in_run = all(commands[between][1].startswith(b"haris:reuse:") for between in range(last + 1, position))
        if groups and in_run:
            groups[-1].append(account)
        else:
            groups.append([account])
        last = position
    pending = [address for _, address in check_flows]
    for group in groups:
        addresses, pending = pending[: len(group)], pending[len(group) :]
        for address in addresses:
            candidates[address] &= set(group)

    # 4. Reports: the time each was written, against the connection times of reports.
    #    Its expiry too: 30 days after the time it names (the PXAT Redis writes for an EX/EXAT).
    reports = [
        (json.loads(command[2]), _expiry_ms(command))
        for command in commands
        if command[0].upper() == b"SET" and command[1].startswith(b"haris:{reports}:report:")
    ]
    report_flows = [(moment, address) for moment, address, kind in flows if kind == "report"]
    reporters: dict[str, set[str]] = {}
    for report, expiry_ms in reports:
        account = f"instagram:{report['profile']['account_id']}"
        near = {address for moment, address in report_flows if abs(moment - report["created_at"]) < 1}
        written = expiry_ms / 1000 - REPORT_TTL_SECONDS if expiry_ms else None
        if written is not None and written % 3600:  # not an hour boundary: the moment it was written
            near = {min(report_flows, key=lambda flow: abs(flow[0] - written))[1]}
        reporters[account] = near or {address for _, address in report_flows}
    return {"checked": checked, "candidates": candidates, "reporters": reporters}


def test_a_seized_server_cannot_say_who_checked_whom(make_app: Any, tmp_path: Path) -> None:
    data = tmp_path / "seized"
    app = make_app(REDIS_URL=None, HARIS_LIMITER_URL=None, HARIS_DATA_DIR=str(data), HARIS_CHECK_LIMIT="60/minute")
    client = app.test_client()
    flows: list[tuple[float, str, str]] = []
    for address, account, photo, reported in zip(ADDRESSES, ACCOUNTS, PHOTOS, REPORTED, strict=True):
        environ = {"REMOTE_ADDR": address}
        profile = {"account_id": account.split(":")[1], "display_name": "Someone", "followers": 3}
        body = {"platform": "instagram", "profile": profile, "avatar": base64.b64encode(photo_bytes(photo)).decode()}
        flows.append((time.time(), address, "check"))
        assert client.post("/v1/check", json=body, environ_base=environ).status_code == 200
        report = {"platform": "instagram", "profile": {"account_id": reported.split(":")[1]}, "reason": "entrapment"}
        flows.append((time.time(), address, "report"))
        assert client.post("/v1/reports", json=report, environ_base=environ).status_code == 202
    state = app.extensions["haris"]
    state.lookups["reuse"].flush()
    state.redis.client.save()  # the snapshot a seizure would take

    found = adversary(data, TEST_SECRET.encode(), flows)
    # Since rules 2026.12.1 a check writes nothing to disk (the campaign aggregate lives in the
    # limiter store): even with the secret the adversary cannot tell which accounts were checked,
    assert found["checked"] == set()
    on_disk = (data / "appendonly.aof").read_bytes() + (data / "haris.rdb").read_bytes()
    assert b"haris:campaign" not in on_disk and b"haris:{campaign}" not in on_disk
    # ... nor, a fortiori, by whom.
    assert found["candidates"] == {address: set() for address in ADDRESSES}
    # Nor who reported what.
    assert found["reporters"] == {account: set(ADDRESSES) for account in REPORTED}
    state.redis.limiter.embedded.shutdown(nosave=True)
    state.redis.embedded.shutdown(nosave=True)


def test_the_adversary_would_see_the_old_links(tmp_path: Path) -> None:
    """The script is not vacuous: on the layout the review found (a limiter counter keyed with the
    secret in the append-only file, exact times on reuse members) it links every address."""

    def resp(*parts: bytes) -> bytes:
        return b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(part), part) for part in parts)

    secret = TEST_SECRET.encode()
    flows, aof = [], b""
    for number, (address, account) in enumerate(zip(ADDRESSES, ACCOUNTS, strict=True)):
        moment = 1_795_959_828.0 + 60 * number
        flows.append((moment, address, "check"))
        counter = hmac.new(secret, b"limit:" + address.encode(), hashlib.sha256).hexdigest()[:24].encode()
        member = hmac.new(secret, account.encode(), hashlib.sha256).hexdigest()[:32].encode()
        aof += resp(b"incrby", b"haris:LIMITER/limits/" + counter + b"/api.check/60/1/minute", b"1")
        aof += resp(b"ZADD", b"haris:reuse:acct:92f2e18ba30b770d", repr(moment + 0.01).encode(), member)
    (tmp_path / "appendonly.aof").write_bytes(aof)
    (tmp_path / "haris.rdb").write_bytes(b"REDIS0009")
    found = adversary(tmp_path, secret, flows)
    assert found["candidates"] == {address: {account} for address, account in zip(ADDRESSES, ACCOUNTS, strict=True)}
