"""What an uploaded evidence file is, from its bytes (never from what the client says it is)."""

from __future__ import annotations

from heuristics.images import ImageRejected, fingerprint_bytes, sniff_format
from server.escalation.model import EvidenceKind

_IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


def sniff_media_type(data: bytes) -> str:
    image = sniff_format(data)
    if image:
        return _IMAGE_TYPES[image]
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<meta", b"<!--")):
        return "text/html"
    if b"mime-version:" in head and b"multipart/related" in data[:4096].lower():
        return "multipart/related"  # a saved page (MHTML)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "text/plain"


def default_kind(media_type: str) -> EvidenceKind:
    if media_type.startswith("image/"):
        return EvidenceKind.SCREENSHOT
    if media_type in {"text/html", "multipart/related", "application/pdf"}:
        return EvidenceKind.PAGE
    return EvidenceKind.OTHER


def image_fingerprint(data: bytes, media_type: str) -> str | None:
    """The perceptual fingerprint of an image file (bounded decode), None for other files or
    images Haris will not decode (they are kept as evidence all the same)."""
    if not media_type.startswith("image/"):
        return None
    try:
        return fingerprint_bytes(data).hex
    except ImageRejected:
        return None
