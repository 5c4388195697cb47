"""The baseline for bench/check_api.py: a bare Flask app answering a JSON POST with a constant."""

from __future__ import annotations

from typing import Any

from flask import Flask, request

app = Flask(__name__)


@app.post("/v1/check")
def trivial() -> Any:
    request.get_json()
    return {"risk": 0, "level": "low", "findings": []}
