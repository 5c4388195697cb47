"""Change stamps: the version a worker rebuilds its copy of shared state by (``server.lookups``).

A bank, the protected-people registry and the rules each keep a counter, bumped with every change
(shown to people: a bank's ``version``, the rules' ``generation``). A counter alone can come back
to a value a worker has already built its copy from, with other contents: Redis lost or rolled
back (a restart without its data, a failover to a replica that had not caught up, a restore from
an older snapshot) and the bank re-imported, the person registered again, the rules published
again. A worker that had not looked in between would keep answering from what it had. So every
change also writes a random stamp in the same transaction, and a worker's version is the pair:
it never repeats for other contents (a restore brings back a stamp only with the contents it
was written with).
"""

from __future__ import annotations

import secrets

# (counter, stamp): "" for a stamp before any change made by a server that writes them.
Version = tuple[int, str]


def new_stamp() -> str:
    return secrets.token_hex(16)


def as_version(counter: bytes | str | int | None, stamp: bytes | str | None) -> Version:
    """The version from the two keys' raw values (missing: 0 and "")."""
    found = stamp.decode() if isinstance(stamp, bytes) else (stamp or "")
    return int(counter or 0), found
