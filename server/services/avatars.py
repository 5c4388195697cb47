"""From what a client sent (image bytes or a hex fingerprint) to an avatar fingerprint, or a 4xx.

The bytes are decoded with :func:`heuristics.images.decode` and dropped: never stored, never logged.
"""

from __future__ import annotations

from heuristics.banks import DEFAULTS_BANK
from heuristics.context import ServiceUnavailable
from heuristics.images import MAX_IMAGE_BYTES, AvatarFingerprint, ImageRejected, fingerprint_bytes
from heuristics.services import BANKS
from server.lookups.banks import BanksLookup
from server.state import app_state
from server.web.body import decode_base64
from server.web.errors import APIError

# The largest avatar a client may send, as bytes or base64 (the image decoder's own limit).
MAX_AVATAR_BYTES = MAX_IMAGE_BYTES

# Stable API codes for image refusals → HTTP status.
IMAGE_ERROR_STATUS = {
    "image_too_large": 413,
    "image_too_many_pixels": 413,
    "image_format_not_allowed": 415,
    "image_corrupt": 422,
}


# The stable error code of a fingerprint in a form that can never confirm a match (a bare 64-bit
# phash or a version 1 fingerprint: heuristics.matching), wherever one is added (banks, registry).
LEGACY_FINGERPRINT = "legacy_fingerprint"


def image_error(error: ImageRejected, field: str = "avatar") -> APIError:
    return APIError(IMAGE_ERROR_STATUS.get(error.code, 422), error.code, error.message, field, reason=error.code)


def fingerprint_image(data: bytes, field: str = "avatar") -> AvatarFingerprint:
    """The fingerprint of an image; a 4xx naming ``field`` when it is not one this server reads."""
    try:
        return fingerprint_bytes(data)
    except ImageRejected as error:
        raise image_error(error, field) from None


def fingerprint_base64(value: str, field: str) -> AvatarFingerprint:
    """The fingerprint of a base64 image (at most ``MAX_AVATAR_BYTES``); 4xx errors name ``field``."""
    return fingerprint_image(decode_base64(value, field, MAX_AVATAR_BYTES), field)


def fingerprint_from(avatar_bytes: bytes | None, avatar_hash: str | None, hash_field: str) -> AvatarFingerprint | None:
    """The fingerprint of sent bytes (preferred) or of a sent hex hash; 4xx errors name the field."""
    if avatar_bytes:
        return fingerprint_image(avatar_bytes)
    if avatar_hash:
        try:
            return AvatarFingerprint.from_hex(avatar_hash)
        except ValueError as error:
            message = f"Not an avatar fingerprint: {error}."
            raise APIError(422, "invalid_value", message, hash_field, reason="avatar_fingerprint") from None
    return None


def refuse_legacy(found: AvatarFingerprint, field: str) -> None:
    """422 ``legacy_fingerprint`` naming ``field`` for a fingerprint that never confirms a match.

    A bare 64-bit phash or a version 1 fingerprint still parses (older entries, older exports) but
    never confirms (heuristics.matching): added as a bank entry it grows the count and warns
    nobody; added as a protected person's photo it gives her no photo protection. Only the form
    this server makes (version 2) is added."""
    if found.legacy:
        raise APIError(
            422,
            LEGACY_FINGERPRINT,
            "A bare 64-bit hash or a version 1 fingerprint never confirms a match; send the photo,"
            " or a fingerprint this server made (version 2).",
            field,
            reason=LEGACY_FINGERPRINT,
        )


def never_confirms(value: str) -> bool:
    """Whether a stored fingerprint hex can never confirm a match: a legacy form, or not a
    fingerprint at all (the registry's index skips it)."""
    try:
        return AvatarFingerprint.from_hex(value).legacy
    except ValueError:
        return True


# The most hashes heuristics.images.fingerprint() ever puts in a fingerprint: the trimmed picture
# and its mirror, plus the untrimmed pair when trimming changed anything; the trimmed picture, its
# square and 17 crops. A client-made fingerprint with more (several photos' hashes merged into
# one, so that one bank entry would match them all) or a bare 64-bit hash is not one a server
# made, and is refused. tests/unit/test_images.py checks real photos stay within these bounds.
SERVER_MAX_PROBES = 4
SERVER_MAX_REFERENCES = 19


def is_server_shaped(fingerprint: AvatarFingerprint, value: str) -> bool:
    """Whether a fingerprint has a shape ``fingerprint()`` produces (see the bounds above)."""
    if len(value) == 16:  # a bare 64-bit hash: older clients' form, never the server's
        return False
    return 0 < len(fingerprint.probes) <= SERVER_MAX_PROBES and 0 < len(fingerprint.references) <= SERVER_MAX_REFERENCES


def refuse_foreign_fingerprint(value: str | None, field: str) -> None:
    """422 for a sent fingerprint the server would never have made (see SERVER_MAX_PROBES)."""
    if value is None:
        return
    try:
        fingerprint = AvatarFingerprint.from_hex(value)
    except ValueError as error:
        message = f"Not an avatar fingerprint: {error}."
        raise APIError(422, "invalid_value", message, field, reason="avatar_fingerprint") from None
    if not is_server_shaped(fingerprint, value):
        raise APIError(
            422, "invalid_value", "Not an avatar fingerprint this server makes.", field, reason="avatar_fingerprint"
        )


LOW_INFORMATION_FINGERPRINT = "low_information_fingerprint"
# How close (in bits of 256) a detail hash may come to all zeros or all ones before it says "flat
# picture": a flat or plainly shaded picture (a blank, one-colour or gradient avatar) has a detail
# hash of zero, and two such hashes confirm each other (heuristics.matching, DETAIL_THRESHOLD 56).
# Photos set about half their bits (120–140 in tests/data/photos).
LOW_DETAIL_BITS = 64
# The same for the 64-bit phashes: a photo's, thresholded at its median, sets 32 bits; a flat
# picture's one or none.
LOW_PHASH_BITS = 8


def low_information(found: AvatarFingerprint) -> bool:
    """Whether a fingerprint is of a picture with no detail of its own (blank, one colour, a plain
    gradient): banked, it matches every other such avatar. Legacy fingerprints never confirm."""
    if found.legacy:
        return False
    phash = found.primary.bit_count()
    if phash <= LOW_PHASH_BITS or phash >= 64 - LOW_PHASH_BITS:
        return True
    return any(d.bit_count() <= LOW_DETAIL_BITS or d.bit_count() >= 256 - LOW_DETAIL_BITS for d in found.details)


def refuse_flat_picture(
    found: AvatarFingerprint, field: str, bank: str | None = None, entry: int | None = None
) -> None:
    """422 ``low_information_fingerprint`` naming ``field`` for a flat picture's fingerprint
    (:func:`low_information`). Banked, or registered as a protected person's photo, a blank avatar
    is "confirmed" against every blank, one-colour and gradient avatar: every genuine account
    showing one would be told ``avatar.known_bad``, or taken for her impersonator. ``bank``: the
    bank it is to go in; the defaults bank takes it (a match there says "no photo of its own",
    ``avatar.missing_or_default``, never "known bad"). ``entry``: its number in an imported file,
    which the error names (``entry N``) instead of ``field``; nothing of the file is imported."""
    if bank == DEFAULTS_BANK or not low_information(found):
        return
    if entry is None:
        message = (
            "This picture has no detail of its own (blank, one colour or a plain gradient): it would"
            f" match every such avatar. Default avatars go in the {DEFAULTS_BANK} bank."
        )
    else:
        field = f"entry {entry}"
        message = (
            f"Entry {entry} is a picture with no detail of its own (blank, one colour or a plain"
            " gradient): banked, it would mark every such avatar as known bad; nothing was imported."
        )
    raise APIError(422, LOW_INFORMATION_FINGERPRINT, message, field, reason=LOW_INFORMATION_FINGERPRINT)


COMMON_PICTURE = "common_picture"


def refuse_common_picture(
    found: AvatarFingerprint, field: str, bank: str | None = None, entry: int | None = None
) -> None:
    """:func:`refuse_flat_picture`, then 422 ``common_picture`` for a picture the known-bad
    confirmation finds a copy of in the ``platform-defaults`` bank (a platform's default
    silhouette, a logo, a stock photo a maintainer put there): banked, every account showing it
    would be told ``avatar.known_bad``; registered as a protected person's photo, every such
    account would be taken for her impersonator. Arguments as for :func:`refuse_flat_picture`;
    the defaults bank itself takes it. 503 when the banks cannot be read."""
    refuse_flat_picture(found, field, bank, entry)
    if bank == DEFAULTS_BANK or found.legacy:
        return
    banks = app_state().lookups.get(BANKS)
    if not isinstance(banks, BanksLookup):
        return
    try:
        default = banks.platform_default(found)
    except ServiceUnavailable:
        raise APIError(503, "storage_unavailable", "The banks cannot be checked now.") from None
    if default is None:
        return
    said = "This picture" if entry is None else f"Entry {entry}"
    message = (
        f"{said} matches a picture of the {DEFAULTS_BANK} bank (a default avatar, a logo or a stock"
        " photo): it would flag everyone who shows it."
    )
    if entry is not None:
        field, message = f"entry {entry}", message + " Nothing was imported."
    raise APIError(422, COMMON_PICTURE, message, field, reason=COMMON_PICTURE)
