"""The baseline for bench/avatar_api.py: decode the sent avatar and take one imagehash.phash."""

from __future__ import annotations

import base64
import io
from typing import Any

import imagehash
from flask import Flask, request
from PIL import Image

app = Flask(__name__)


@app.post("/v1/check")
def decode_and_phash() -> Any:
    body = request.get_json()
    image = Image.open(io.BytesIO(base64.b64decode(body["avatar"])))
    return {"risk": 0, "level": "low", "findings": [], "avatar_hash": str(imagehash.phash(image))}
