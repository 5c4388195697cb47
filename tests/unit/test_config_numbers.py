"""Numeric settings are checked at start-up (server/config.py, ``_NUMBERS``): a value that is not a
number of the right kind, or is out of range, stops the start with the setting's name instead of a
traceback at start-up or a failure on some later request."""

from __future__ import annotations

import pytest

from server.config import ConfigError, load_config

REFUSED = [
    ("HARIS_MAX_PENDING_REPORTS", "abc"),
    ("HARIS_MAX_PENDING_REPORTS", "0"),
    ("HARIS_MAX_PENDING_REPORTS", "1.5"),
    ("HARIS_MAX_STORED_REPORTS", "-1"),
    ("HARIS_REPORT_HOLD_HOURS", "0"),
    ("HARIS_REPORT_HOLD_HOURS", "721"),
    ("HARIS_PROXY_COUNT", "-1"),
    ("HARIS_PROXY_COUNT", "one"),
    ("HARIS_MAX_BODY_BYTES", "-5"),
    ("HARIS_MAX_BODY_BYTES", "100"),
    ("HARIS_REDIS_TIMEOUT", "0"),
    ("HARIS_REDIS_TIMEOUT", "inf"),
    ("HARIS_METRICS_DELAY", "nan"),
    ("HARIS_METRICS_DELAY", "-1"),
]


@pytest.mark.parametrize(("setting", "value"), REFUSED)
def test_a_number_out_of_range_or_not_a_number_stops_the_start(
    monkeypatch: pytest.MonkeyPatch, setting: str, value: str
) -> None:
    monkeypatch.setenv(setting, value)
    with pytest.raises(ConfigError, match=f"^{setting} must be .* not '{value}'"):
        load_config()


def test_a_boolean_is_not_taken_for_a_number() -> None:
    with pytest.raises(ConfigError, match="HARIS_PROXY_COUNT"):
        load_config({"HARIS_PROXY_COUNT": True})


@pytest.mark.parametrize(
    ("setting", "value", "read"),
    [
        ("HARIS_PROXY_COUNT", "0", 0),
        ("HARIS_PROXY_COUNT", " 2 ", 2),
        ("HARIS_MAX_BODY_BYTES", "1024", 1024),
        ("HARIS_REDIS_TIMEOUT", "2", 2.0),
        ("HARIS_METRICS_DELAY", "0", 0.0),
        ("HARIS_REPORT_HOLD_HOURS", "720", 720),
    ],
)
def test_numbers_in_range_are_read_with_their_type(
    monkeypatch: pytest.MonkeyPatch, setting: str, value: str, read: float
) -> None:
    monkeypatch.setenv(setting, value)
    config = load_config()
    assert config[setting] == read
    assert type(config[setting]) is type(read)
