"""From what a client sent (image bytes or a hex fingerprint) to an avatar fingerprint, or a 4xx.

The bytes are decoded with :func:`heuristics.images.decode` and dropped: never stored, never logged.
"""

from __future__ import annotations

from heuristics.images import AvatarFingerprint, ImageRejected, fingerprint_bytes
from server.errors import APIError

# Stable API codes for image refusals → HTTP status.
IMAGE_ERROR_STATUS = {
    "image_too_large": 413,
    "image_too_many_pixels": 413,
    "image_format_not_allowed": 415,
    "image_corrupt": 422,
}


def image_error(error: ImageRejected, field: str = "avatar") -> APIError:
    return APIError(IMAGE_ERROR_STATUS.get(error.code, 422), error.code, error.message, field, reason=error.code)


def fingerprint_from(avatar_bytes: bytes | None, avatar_hash: str | None, hash_field: str) -> AvatarFingerprint | None:
    """The fingerprint of sent bytes (preferred) or of a sent hex hash; 4xx errors name the field."""
    if avatar_bytes:
        try:
            return fingerprint_bytes(avatar_bytes)
        except ImageRejected as error:
            raise image_error(error) from None
    if avatar_hash:
        try:
            return AvatarFingerprint.from_hex(avatar_hash)
        except ValueError as error:
            message = f"Not an avatar fingerprint: {error}."
            raise APIError(422, "invalid_value", message, hash_field, reason="avatar_fingerprint") from None
    return None
