"""The API tests run on a single Redis and on a real three-node Redis Cluster."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["single", "cluster"])
def store_kind(request: pytest.FixtureRequest) -> str:
    """Every test here runs on a single Redis and on a three-node Redis Cluster (tests/conftest.py)."""
    return request.param
