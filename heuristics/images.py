"""Avatars: safe decoding of untrusted image bytes and robust perceptual fingerprints.

Decoding refuses, before any pixel is decoded, what could exhaust the server: too many bytes, a
header declaring too many pixels (decompression bombs), formats outside an allow-list (recognised
by their magic bytes, so SVG/HTML/TIFF never reach a Pillow plug-in). Every refusal is an
:class:`ImageRejected` with a stable ``code`` the server turns into a 4xx answer.

A fingerprint is a handful of 64-bit imagehash ``phash`` values of one picture (see
docs/avatars.md for the measurements behind the design):

- *probes* — what a freshly seen picture looks like: the picture with uniform borders trimmed,
  its mirror image, and (when trimming changed anything) the untrimmed picture and its mirror;
- *references* — what copies of it may look like: the trimmed picture, its centred square, and crops
  keeping 90% of each side at 17 positions (a 4×4 grid and the centre).

Two fingerprints match when a probe of one is within :data:`MATCH_THRESHOLD` bits of a reference
of the other (either way round). That survives resizing, recompression, brightness, borders (they
are trimmed), mirroring (mirror probe), and crops of about 10% (crop references) — without ever
keeping the photo: the hex form is what the check response returns and what banks store.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import imagehash
import numpy as np
from PIL import Image, ImageOps

MAX_IMAGE_BYTES: Final = 4 * 1024 * 1024
# A 2048×2048 avatar is already far beyond what any platform serves, and fingerprints work at
# WORK_SIDE; anything larger is refused from the header, before decoding (Pillow's own bomb check
# only starts at ~89 Mpx). 4096² cost ~0.5 s to decode for a 706-byte WebP.
MAX_IMAGE_PIXELS: Final = 2048 * 2048
# Fingerprints need little resolution: JPEGs are decoded at a reduced scale (draft mode) and
# everything is reduced to at most this many pixels per side before hashing.
WORK_SIDE: Final = 256
# Fingerprints work at this size (measured: 128 px loses recall on crops and borders).
HASH_SIDE: Final = 256
BACKGROUND: Final = (255, 255, 255)
# Probe-to-reference Hamming distance at or under which two pictures are the same photo.
MATCH_THRESHOLD: Final = 10
FINGERPRINT_VERSION: Final = 1
_HASH_BYTES: Final = 8


class ImageRejected(ValueError):
    """The bytes are not an image Haris will decode. ``code`` is stable (API error code)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def sniff_format(data: bytes) -> str | None:
    """The allowed format these bytes claim to be, from their magic bytes, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def decode(
    data: bytes,
    *,
    max_bytes: int = MAX_IMAGE_BYTES,
    max_pixels: int = MAX_IMAGE_PIXELS,
    target_side: int | None = WORK_SIDE,
) -> Image.Image:
    """Decode untrusted bytes to an RGB image, upright (EXIF), transparency flattened onto white.

    With ``target_side`` set, JPEGs are decoded at the smallest DCT scale that is still at least
    that large and the result is reduced to fit in ``target_side``² (enough for fingerprints and
    several times faster). Animated GIF/WebP/PNG: the first frame only.
    """
    if len(data) > max_bytes:
        raise ImageRejected("image_too_large", f"The image is larger than {max_bytes} bytes.")
    claimed = sniff_format(data)
    if claimed is None:
        raise ImageRejected("image_format_not_allowed", "Only JPEG, PNG, WebP and GIF images are accepted.")
    try:
        image = Image.open(io.BytesIO(data), formats=[claimed])
        width, height = image.size  # from the header: nothing is decoded yet
        if width < 1 or height < 1:
            raise ImageRejected("image_corrupt", "The image has no pixels.")
        if width * height > max_pixels:
            raise ImageRejected(
                "image_too_many_pixels", f"The image declares {width}×{height} pixels; the limit is {max_pixels}."
            )
        if target_side and image.format == "JPEG":
            image.draft("RGB", (target_side, target_side))
        image.load()
        image = _flatten(ImageOps.exif_transpose(image))
        if target_side and max(image.size) > target_side:
            image.thumbnail((target_side, target_side), Image.Resampling.BILINEAR)
        return image
    except ImageRejected:
        raise
    except Image.DecompressionBombError:
        raise ImageRejected("image_too_many_pixels", "The image declares too many pixels.") from None
    except Exception:
        # Damaged data surfaces from Pillow's decoders as many exception types (OSError for
        # truncation, SyntaxError, struct.error, zlib.error, …); for untrusted bytes every one of
        # them means the same thing to the client.
        raise ImageRejected("image_corrupt", "The image could not be decoded.") from None


def _flatten(image: Image.Image) -> Image.Image:
    """RGB, with any transparency composited onto one background colour."""
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    if has_alpha:
        rgba = image.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, (*BACKGROUND, 255))
        canvas.alpha_composite(rgba)
        return canvas.convert("RGB")
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale: scale to 8 bits instead of clipping everything to white.
        array = np.asarray(image, dtype=np.float64)
        peak = float(array.max()) or 1.0
        image = Image.fromarray((array * (255.0 / peak)).astype(np.uint8), "L")
    return image.convert("RGB")


# ---------------------------------------------------------------------------------------------
# Fingerprints


def trim_uniform_border(image: Image.Image, tolerance: int = 20, max_share: float = 0.01) -> Image.Image:
    """Cut away rows and columns at the edges that are (almost) all the border colour.

    The border colour is the median of the outermost pixels; a row or column counts as border when
    at most ``max_share`` of its pixels differ from it by more than ``tolerance`` grey levels (JPEG
    noise). Never cuts more than half of either side: a mostly uniform picture is kept whole.
    """
    grey = np.asarray(image.convert("L"), dtype=np.int16)
    edge = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    differs = np.abs(grey - int(np.median(edge))) > tolerance
    rows = np.flatnonzero(differs.mean(axis=1) > max_share)
    cols = np.flatnonzero(differs.mean(axis=0) > max_share)
    if rows.size == 0 or cols.size == 0:
        return image
    top, bottom, left, right = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    if (bottom - top) * 2 < grey.shape[0] or (right - left) * 2 < grey.shape[1]:
        return image
    if (top, left, bottom, right) == (0, 0, grey.shape[0], grey.shape[1]):
        return image
    return image.crop((left, top, right, bottom))


def _phash(image: Image.Image) -> int:
    bits = imagehash.phash(image).hash.flatten()
    return int.from_bytes(np.packbits(bits).tobytes(), "big")


# Where the 90% crop references sit: a 4×4 grid of positions plus the centre. Measured: with only
# corners, side middles and centre, 10% crops at random positions matched 94% of the time; with
# this grid, all of them (bench/avatar_eval.py, "crop_10%_random").
_GRID = (0.0, 1 / 3, 2 / 3, 1.0)
_ANCHORS = (*((x, y) for y in _GRID for x in _GRID), (0.5, 0.5))


def _crop(image: Image.Image, keep: float, anchor_x: float = 0.5, anchor_y: float = 0.5) -> Image.Image:
    """Keep ``keep`` of each side; the anchor (0 = left/top, 1 = right/bottom) places the window."""
    width, height = image.size
    cut_x, cut_y = width * (1 - keep), height * (1 - keep)
    left, top = round(cut_x * anchor_x), round(cut_y * anchor_y)
    return image.crop((left, top, left + max(1, round(width * keep)), top + max(1, round(height * keep))))


@dataclass(frozen=True, slots=True)
class AvatarFingerprint:
    """Perceptual fingerprint of one picture: probe and reference 64-bit phashes (see module doc)."""

    probes: tuple[int, ...]
    references: tuple[int, ...]

    @property
    def hex(self) -> str:
        """Compact form: version byte, probe count byte, probes, references (8 bytes each)."""
        head = bytes([FINGERPRINT_VERSION, len(self.probes)])
        body = b"".join(h.to_bytes(_HASH_BYTES, "big") for h in (*self.probes, *self.references))
        return (head + body).hex()

    @property
    def primary(self) -> int:
        """The hash of the picture as it is (trimmed): the one 64-bit value to show or index."""
        return self.probes[0]

    @classmethod
    def from_hex(cls, value: str) -> AvatarFingerprint:
        """Parse :attr:`hex`; a bare 16-digit hex is taken as one plain 64-bit phash.

        Raises ValueError for anything else.
        """
        try:
            raw = bytes.fromhex(value)
        except ValueError:
            raise ValueError("not hexadecimal") from None
        if len(raw) == _HASH_BYTES:
            single = int.from_bytes(raw, "big")
            return cls((single,), (single,))
        if len(raw) < 2 or raw[0] != FINGERPRINT_VERSION:
            raise ValueError("not an avatar fingerprint of a known version")
        count = raw[1]
        body = raw[2:]
        if len(body) % _HASH_BYTES or not 0 < count < len(body) // _HASH_BYTES:
            raise ValueError("avatar fingerprint has the wrong length")
        hashes = [int.from_bytes(body[i : i + _HASH_BYTES], "big") for i in range(0, len(body), _HASH_BYTES)]
        return cls(tuple(hashes[:count]), tuple(hashes[count:]))

    def distance(self, other: AvatarFingerprint) -> int:
        """Smallest probe-to-reference Hamming distance, either way round (0–64)."""
        forward = min((p ^ r).bit_count() for p in self.probes for r in other.references)
        backward = min((p ^ r).bit_count() for p in other.probes for r in self.references)
        return min(forward, backward)

    def matches(self, other: AvatarFingerprint, threshold: int = MATCH_THRESHOLD) -> bool:
        return self.distance(other) <= threshold


def fingerprint(image: Image.Image) -> AvatarFingerprint:
    """The fingerprint of a decoded image (use :func:`decode` first for untrusted bytes)."""
    # phash only sees grey levels: converting once here saves a conversion per hash.
    image = image.convert("L")
    if max(image.size) > HASH_SIDE:
        image.thumbnail((HASH_SIDE, HASH_SIDE), Image.Resampling.BILINEAR)
    trimmed = trim_uniform_border(image)
    probes = [_phash(trimmed), _phash(ImageOps.mirror(trimmed))]
    if trimmed is not image:
        # Trimming can mistake a flat sky or wall for a border; the untrimmed picture is kept as a
        # probe so a copy that trims differently still meets it.
        probes += [_phash(image), _phash(ImageOps.mirror(image))]
    side = min(trimmed.size)
    references = [
        probes[0],
        _phash(ImageOps.fit(trimmed, (side, side))),
        *(_phash(_crop(trimmed, 0.9, ax, ay)) for ax, ay in _ANCHORS),
    ]
    return AvatarFingerprint(tuple(_dedupe(probes)), tuple(_dedupe(references)))


def fingerprint_bytes(data: bytes, **limits: int) -> AvatarFingerprint:
    """Safely decode untrusted bytes and fingerprint them (raises :class:`ImageRejected`)."""
    return fingerprint(decode(data, **limits))


def _dedupe(values: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(values))


@dataclass(frozen=True, slots=True)
class Match:
    index: int
    distance: int


def best_match(
    query: AvatarFingerprint, stored: Sequence[AvatarFingerprint | str | None], threshold: int = MATCH_THRESHOLD
) -> Match | None:
    """The closest stored fingerprint within ``threshold``, or None.

    ``stored`` may hold hex strings (e.g. contacts' ``avatar_hash``); unparsable or missing ones
    are skipped, so one bad stored value cannot hide a match with another.
    """
    best: Match | None = None
    for index, item in enumerate(stored):
        if item is None:
            continue
        if isinstance(item, str):
            try:
                item = AvatarFingerprint.from_hex(item)
            except ValueError:
                continue
        distance = query.distance(item)
        if distance <= threshold and (best is None or distance < best.distance):
            best = Match(index, distance)
    return best
