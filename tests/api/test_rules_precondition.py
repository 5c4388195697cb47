"""Two maintainers, one rules file: a publication made from rules published over since is refused.

``GET /v1/rules`` gives an ETag naming the publication it shows; ``POST /v1/admin/rules`` with
``If-Match: <that ETag>`` publishes only while it is still the one in force (409
``rules_changed`` otherwise, nothing written, nothing audited). Without ``If-Match`` the last
publication wins, as SIGHUP always does. Real Redis: single node and cluster (tests/api/conftest.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from server.services.rules import reload_from_source
from server.storage.audit import AuditLog
from server.storage.rules import RULES_STAMP_KEY, RULES_TEXT_KEY, RULES_VERSION_KEY, RulesChanged, RulesStore
from tests.api.test_admin_rules import check_version, publish, rules_text


def published(redis_client: redis.Redis) -> list[str]:
    """The versions the audit trail records as published, oldest first."""
    entries = AuditLog(redis_client).recent(limit=100)
    return [e["target"] for e in reversed(entries) if e["action"] == "rules.published"]


def etag(client: FlaskClient) -> str:
    response = client.get("/v1/rules")
    assert response.status_code == 200
    tag = response.headers["ETag"]
    assert tag.startswith('"') and tag.endswith('"'), tag
    return tag


def test_a_publication_made_from_older_rules_is_refused(client: FlaskClient, redis_client: redis.Redis) -> None:
    # Both maintainers read the same rules.
    first_read = second_read = etag(client)
    ok = publish(client, rules_text("rana-1", bias=-1.0), {"If-Match": first_read})
    assert ok.status_code == 200, ok.get_json()
    generation = ok.get_json()["generation"]
    stamp = redis_client.get(RULES_STAMP_KEY).decode()
    assert etag(client) == f'"{generation}.{stamp}"' != second_read

    # The second one's file was made from the rules before rana-1: refused, rana-1 stays.
    refused = publish(client, rules_text("omar-1", bias=-2.0), {"If-Match": second_read})
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "rules_changed" and error["field"] == "If-Match"
    assert "'rana-1'" in error["message"] and f"generation {generation}" in error["message"]
    assert f'"{generation}.{stamp}"' in error["message"]
    assert check_version(client) == "rana-1"
    assert int(redis_client.get(RULES_VERSION_KEY)) == generation
    assert published(redis_client) == ["rana-1"]  # one entry per publication, none for the refusal

    # Made again from what is in force now, it goes through.
    again = publish(client, rules_text("omar-1", bias=-2.0), {"If-Match": etag(client)})
    assert again.status_code == 200 and again.get_json()["previous_version"] == "rana-1"
    assert published(redis_client) == ["rana-1", "omar-1"]


def test_without_if_match_the_last_publication_wins_as_before(client: FlaskClient, redis_client: redis.Redis) -> None:
    stale = etag(client)
    assert publish(client, rules_text("plain-1")).status_code == 200
    assert publish(client, rules_text("plain-2")).status_code == 200
    assert publish(client, rules_text("plain-3"), {"If-Match": "*"}).status_code == 200
    assert check_version(client) == "plain-3"
    assert published(redis_client) == ["plain-1", "plain-2", "plain-3"]
    assert publish(client, rules_text("plain-4"), {"If-Match": stale}).status_code == 409


def test_any_of_several_tags_may_match(client: FlaskClient) -> None:
    older = etag(client)
    assert publish(client, rules_text("many-1")).status_code == 200
    both = f"{older}, {etag(client)}"
    assert publish(client, rules_text("many-2"), {"If-Match": both}).status_code == 200
    assert publish(client, rules_text("many-3"), {"If-Match": both}).status_code == 409


@pytest.mark.parametrize(
    "header",
    ['"seven"', 'W/"0"', "", '"1.ABC"', '"01"', '"3.' + "a" * 31 + '"', "0", '"0", ""', '"{;m%lrC#6v", "", ""'],
)
def test_a_tag_no_get_gives_is_refused_with_400(client: FlaskClient, redis_client: redis.Redis, header: str) -> None:
    response = publish(client, rules_text("bad-tag"), {"If-Match": header})
    assert response.status_code == 400
    assert response.get_json()["error"] == {
        "code": "bad_if_match",
        "message": response.get_json()["error"]["message"],
        "field": "If-Match",
    }
    assert redis_client.get(RULES_VERSION_KEY) is None and published(redis_client) == []


def test_a_generation_alone_does_not_name_a_publication(client: FlaskClient, redis_client: redis.Redis) -> None:
    """Rules lost from Redis and published again repeat a generation: the stamp tells them apart."""
    assert publish(client, rules_text("lost-1")).status_code == 200
    before_loss = etag(client)
    redis_client.delete(RULES_VERSION_KEY, RULES_STAMP_KEY)  # Redis restarted without its data
    assert publish(client, rules_text("lost-2")).status_code == 200
    assert int(redis_client.get(RULES_VERSION_KEY)) == 1 and before_loss.startswith('"1.')
    refused = publish(client, rules_text("lost-3"), {"If-Match": before_loss})
    assert refused.status_code == 409 and check_version(client) == "lost-2"


def test_after_redis_lost_the_rules_the_etag_get_gives_still_publishes(
    client: FlaskClient, redis_client: redis.Redis
) -> None:
    """Redis flushed: the worker keeps serving the rules it had, and GET names them. Its ETag was
    refused as "published since" (generation 0) however often it was read again."""
    assert publish(client, rules_text("kept-1")).status_code == 200
    older = etag(client)
    assert publish(client, rules_text("kept-2")).status_code == 200
    read = etag(client)
    redis_client.delete(RULES_VERSION_KEY, RULES_STAMP_KEY, RULES_TEXT_KEY)  # Redis restarted without its data
    assert etag(client) == read and check_version(client) == "kept-2"

    # A tag from before the rules this worker serves is still refused, naming the ones GET shows.
    refused = publish(client, rules_text("kept-3"), {"If-Match": older})
    assert refused.status_code == 409
    assert read in refused.get_json()["error"]["message"] and "'kept-2'" in refused.get_json()["error"]["message"]

    ok = publish(client, rules_text("kept-3"), {"If-Match": read})
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json()["previous_version"] == "kept-2" and int(redis_client.get(RULES_VERSION_KEY)) == 1
    assert published(redis_client) == ["kept-1", "kept-2", "kept-3"]


def test_the_check_and_the_write_are_one_transaction(redis_client: redis.Redis) -> None:
    """Another publication landing between the WATCHed read and the write fails the EXEC; the
    retry reads it and refuses, instead of writing over it."""
    store = RulesStore(redis_client)
    read = store.generation() or (0, "")
    original = redis_client.pipeline

    def pipeline_that_lets_another_in(*args: object, **kwargs: object) -> redis.client.Pipeline:
        pipe = original(*args, **kwargs)  # type: ignore[arg-type]
        multi = pipe.multi

        def other_publishes_first() -> None:
            if not landed:
                landed.append(RulesStore(redis_client).publish(rules_text("meanwhile")))
            multi()

        pipe.multi = other_publishes_first  # type: ignore[method-assign]
        return pipe

    landed: list[tuple[int, str]] = []
    redis_client.pipeline = pipeline_that_lets_another_in  # type: ignore[method-assign]
    try:
        with pytest.raises(RulesChanged) as refused:
            store.publish(rules_text("mine"), {read})
    finally:
        redis_client.pipeline = original  # type: ignore[method-assign]
    assert refused.value.current == landed[0]
    assert store.published() == (landed[0][0], rules_text("meanwhile").encode())


def test_two_maintainers_at_once_one_wins(make_app: Callable[..., Flask], redis_client: redis.Redis) -> None:
    """Two workers, one tag, published at the same moment: exactly one publication lands."""
    workers = [make_app().test_client(), make_app().test_client()]
    tag = etag(workers[0])
    assert etag(workers[1]) == tag
    start = threading.Barrier(2)
    statuses: list[int] = []

    def go(index: int) -> None:
        start.wait()
        statuses.append(publish(workers[index], rules_text(f"race-{index}"), {"If-Match": tag}).status_code)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses) == [200, 409]
    assert int(redis_client.get(RULES_VERSION_KEY)) == 1 and len(published(redis_client)) == 1


def test_sighup_reload_publishes_without_a_precondition(
    make_app: Callable[..., Flask], tmp_path: Path, redis_client: redis.Redis
) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(rules_text("file-1"), encoding="utf-8")
    app = make_app(HARIS_RULES_FILE=str(path))
    client = app.test_client()
    stale = etag(client)
    assert publish(client, rules_text("api-1"), {"If-Match": stale}).status_code == 200
    reload_from_source(app)  # what the SIGHUP handler runs, here without a signal
    assert check_version(client) == "file-1"
    assert published(redis_client) == ["api-1", "file-1"]


def test_the_cli_publishes_only_over_the_tag_it_was_given(
    app: Flask, tmp_path: Path, redis_client: redis.Redis
) -> None:
    runner = app.test_cli_runner()
    first, second = tmp_path / "first.toml", tmp_path / "second.toml"
    first.write_text(rules_text("cli-1"), encoding="utf-8")
    second.write_text(rules_text("cli-2"), encoding="utf-8")
    checked = runner.invoke(args=["rules", "check", str(first)])
    assert checked.exit_code == 0, checked.output
    tag = checked.output.split("active rules' tag: ")[1].split()[0]
    assert f'"{tag}"' == etag(app.test_client())
    ok = runner.invoke(args=["rules", "publish", "--if-match", tag, str(first)])
    assert ok.exit_code == 0, ok.output
    stale = runner.invoke(args=["rules", "publish", "--if-match", f'"{tag}"', str(second)])
    assert stale.exit_code == 1 and "other rules were published since" in stale.output
    assert "'cli-1'" in stale.output
    assert check_version(app.test_client()) == "cli-1" and published(redis_client) == ["cli-1"]
    bad = runner.invoke(args=["rules", "publish", "--if-match", "latest", str(second)])
    assert bad.exit_code == 2 and "--if-match" in bad.output
    assert runner.invoke(args=["rules", "publish", str(second)]).exit_code == 0  # no tag: as before


def test_refusals_match_the_openapi_document(client: FlaskClient) -> None:
    from tests.api.test_openapi import response_schema, validator_for

    document = client.get("/openapi.json").get_json()
    operation = document["paths"]["/v1/admin/rules"]["post"]
    assert [p["name"] for p in operation["parameters"]] == ["If-Match"]
    assert "ETag" in document["paths"]["/v1/rules"]["get"]["responses"]["200"]["headers"]
    stale = etag(client)
    assert publish(client, rules_text("doc-409")).status_code == 200
    for header, status in ((stale, 409), ('"stale"', 400)):
        response = publish(client, rules_text("doc-409b"), {"If-Match": header})
        assert response.status_code == status
        validator_for(document, response_schema(document, "/v1/admin/rules", "post", status)).validate(
            response.get_json()
        )


def test_a_stale_if_match_is_refused_as_stale_whatever_the_file_holds(
    client: FlaskClient, redis_client: redis.Redis
) -> None:
    """The precondition is decided before the file is read (RFC 9110 §13.2.1). Two maintainers
    bump the same rules to the same new version: the second, whose If-Match is now stale, is told
    that rules were published since (409) — not that the version is already in force (422, which
    said to bump the version and publish over the first's change). A bad file with a stale tag is
    409 too; with the tag in force, the file's own errors are answered as before."""
    read = etag(client)
    assert publish(client, rules_text("same-2", bias=-1.0), {"If-Match": read}).status_code == 200
    for text in (rules_text("same-2", bias=-2.0), "version = [", rules_text("same-3").replace("70", "170")):
        refused = publish(client, text, {"If-Match": read})
        assert refused.status_code == 409, refused.get_json()
        assert (
            refused.get_json()["error"]["code"] == "rules_changed"
            and "same-2" in refused.get_json()["error"]["message"]
        )
    fresh = etag(client)
    same = publish(client, rules_text("same-2", bias=-2.0), {"If-Match": fresh})
    assert same.status_code == 422 and same.get_json()["error"]["field"] == "version"
    assert publish(client, "version = [", {"If-Match": fresh}).status_code == 422
    assert published(redis_client)[-1:] == ["same-2"] and check_version(client) == "same-2"
