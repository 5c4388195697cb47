"""Debian's Chromium for the browser tests (extension and console): where it is, and the flags
both launch it with. Playwright drives it; `playwright install` is never used."""

from __future__ import annotations

from pathlib import Path

CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
# Quiet and offline: no sandbox (root in CI), no GPU, no background traffic or updates.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def chromium_path() -> str:
    """The Chromium binary; a missing one fails the tests (never skips them)."""
    for candidate in CANDIDATES:
        if Path(candidate).exists():
            return candidate
    raise RuntimeError("Chromium is missing: `make test-deps` installs Debian's chromium package.")
