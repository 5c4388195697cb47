"""The shipped test photos (tests/data/photos), and what tests make of them: a JPEG upload, and a
fingerprint as a bank keeps it."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

from PIL import Image

from heuristics.images import AvatarFingerprint, decode, fingerprint_bytes

PHOTOS = Path(__file__).resolve().parents[1] / "data" / "photos"
# Photos with enough texture for keypoints: people, objects and surfaces.
NAMES = ("astronaut", "chelsea", "coffee", "rocket", "brick", "grass", "gravel")


def photo(name: str) -> Image.Image:
    return decode((PHOTOS / f"{name}.jpg").read_bytes(), target_side=None)


def jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=quality)
    return out.getvalue()


def stored(image: Image.Image) -> AvatarFingerprint:
    """As a bank keeps a photo: the hex form and the keypoints, no pixels."""
    made = fingerprint_bytes(jpeg(image, 92)).with_keypoints()
    return replace(AvatarFingerprint.from_hex(made.hex), keypoints=made.keypoints)
