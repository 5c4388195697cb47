"""The audit page narrows the trail to one actor, or to changes or reads, however far back they are."""

from __future__ import annotations

import redis
from flask.testing import FlaskClient

from server.storage.audit import AuditLog


def test_the_trail_narrows_to_one_actor_and_to_reads_or_changes(
    maintainer: FlaskClient, redis_client: redis.Redis
) -> None:
    log = AuditLog(redis_client)
    log.record("key:stolen", "protected.listed", "registry", people=3)
    for number in range(400):  # a busy year since: more than a page of other entries
        log.record("amal", "report.rejected", f"{number:016x}")
    log.record("key:stolen", "bank.added", "0123456789abcdef", bank="ngo-1", label="entrapment")
    everything = maintainer.get("/console/audit").get_data(as_text=True)
    assert everything.count("<tr>") == 1 + 300  # the header and one page
    assert "listed the protected people" not in everything  # pushed out of the first page
    stolen = maintainer.get("/console/audit", query_string={"who": "key:stolen"}).get_data(as_text=True)
    assert stolen.count("<tr>") == 1 + 2
    assert "listed the protected people" in stolen and "added a bank entry" in stolen
    reads = maintainer.get("/console/audit", query_string={"kind": "reads"}).get_data(as_text=True)
    assert reads.count("<tr>") == 1 + 1 and "listed the protected people" in reads
    changes = maintainer.get("/console/audit", query_string={"kind": "changes", "who": "key:stolen"})
    page = changes.get_data(as_text=True)
    assert page.count("<tr>") == 1 + 1 and "added a bank entry" in page
    # Unknown kinds show everything; no filter value is an error.
    assert maintainer.get("/console/audit", query_string={"kind": "<script>", "who": "x" * 5000}).status_code == 200


def test_the_store_reads_a_bounded_number_of_entries(redis_client: redis.Redis) -> None:
    log = AuditLog(redis_client)
    log.record("key:stolen", "protected.viewed", "aaaa")
    for number in range(50):
        log.record("amal", "report.rejected", str(number))
    assert [e["target"] for e in log.recent(limit=5, keep=lambda e: e["actor"] == "key:stolen")] == ["aaaa"]
    assert log.recent(limit=5, keep=lambda e: e["actor"] == "key:stolen", scan=20) == []
    assert [e["target"] for e in log.recent(limit=3)] == ["49", "48", "47"]


def test_reading_in_batches_neither_repeats_nor_skips_an_entry(redis_client: redis.Redis) -> None:
    log = AuditLog(redis_client)
    log.record("key:stolen", "protected.viewed", "oldest")
    with redis_client.pipeline(transaction=False) as pipe:
        for number in range(2_500):
            pipe.xadd("haris:audit", {"actor": "amal", "action": "report.rejected", "target": str(number)})
        pipe.execute()
    every = log.recent(limit=5_000, keep=lambda entry: True)
    assert len(every) == 2_501 and len({(e["target"], e["actor"]) for e in every}) == 2_501
    assert every[-1]["target"] == "oldest" and every[0]["target"] == "2499"


def test_a_rules_publication_shows_each_change_on_its_own_line(
    maintainer: FlaskClient, redis_client: redis.Redis
) -> None:
    """The trail's list of what a publication changed is shown line by line, escaped, not as a
    Python list."""
    AuditLog(redis_client).record(
        "key:ops",
        "rules.published",
        "v2",
        previous="v1",
        changes=["version: v1 → v2", "avatar.known_bad.points: 4 → 0", "<b>bias</b>: 0 → 1"],
        sha256="ab" * 32,
    )
    page = maintainer.get("/console/audit").get_data(as_text=True)
    assert "<li><code>avatar.known_bad.points: 4 → 0</code></li>" in page
    assert "<li><code>&lt;b&gt;bias&lt;/b&gt;: 0 → 1</code></li>" in page
    assert "['version" not in page and "previous=v1" in page
