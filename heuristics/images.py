"""Avatars: safe decoding of untrusted image bytes and robust perceptual fingerprints.

Decoding refuses, before any pixel is decoded, what could exhaust the server: too many bytes, a
header declaring too many pixels (decompression bombs), formats outside an allow-list (recognised
by their magic bytes, so SVG/HTML/TIFF never reach a Pillow plug-in). Every refusal is an
:class:`ImageRejected` with a stable ``code`` the server turns into a 4xx answer.

A fingerprint (docs/avatars.md has the measurements behind the design) has two stages:

- candidates: 64-bit phashes of *probes* — what a freshly seen picture looks like: the picture
  with uniform borders trimmed, its mirror image, and (when trimming changed anything) the whole
  picture and its mirror — and of *references* — what copies of it may look like: the trimmed
  picture, its centred square, and crops keeping 90% of each side at 17 positions. Two
  fingerprints are candidates when a probe of one is within :data:`MATCH_THRESHOLD` bits of a
  reference of the other (either way round): that survives resizing, recompression, brightness,
  borders (trimmed), mirroring (mirror probe) and crops of about 10% (crop references).
- confirmation: a 256-bit *detail* hash of the centre of the trimmed (and whole) picture. Look-
  alike portraits share phashes; they do not share detail (:mod:`heuristics.matching`).

The hex form is what the check response returns, what banks store and what the extension keeps
for contacts: never the photo.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Final

import numpy as np
from PIL import Image, ImageOps

from heuristics.keypoints import QUERY_KEYPOINTS, STORED_KEYPOINTS, Keypoints, detect, frame, straighten
from heuristics.phash import RegionHasher

MAX_IMAGE_BYTES: Final = 4 * 1024 * 1024
# A 2048×2048 avatar is already far beyond what any platform serves, and fingerprints work at
# WORK_SIDE; anything larger is refused from the header, before decoding (Pillow's own bomb check
# only starts at ~89 Mpx). 4096² cost ~0.5 s to decode for a 706-byte WebP.
MAX_IMAGE_PIXELS: Final = 2048 * 2048
# Nor may either side pass this, whatever the pixel count: a fingerprint reduces a picture by an
# integer factor of its SHORT side, so a 4,194,304×1 PNG (a few KB of zlib) kept its 4 million
# columns, and hashing them took ~1 minute of CPU and ~20 GB (tests/security/test_redteam_check.py);
# at 4096 a side the worst shape costs about twice the largest square (2048²).
MAX_IMAGE_SIDE: Final = 4096
# Nor may a JPEG have more scans than this. libjpeg decodes every scan over every block, and a
# scan cut short is completed with zeros (a warning, not an error): a 2048² progressive JPEG of
# bare scan headers, 11 bytes each, cost ~0.5 ms a scan, ~3 minutes of CPU in 4 MiB. Encoders
# write at most a few tens (libjpeg's progressive script: 10; mozjpeg's optimised ones: ~20).
MAX_JPEG_SCANS: Final = 100
# Nor more markers other than scans, fill and stray bytes between them than this: Pillow reads
# those before the first scan one by one in Python, ~4 µs each, so 4 MiB of empty 4-byte APP5
# segments, or of 0xFF fill bytes, took ~4 s. Photos have a few tens (APP0/1/2, tables, and a
# DHT or two before each scan).
MAX_JPEG_SEGMENTS: Final = 1000
# Nor a PNG more chunks: Pillow reads each in Python (~5 µs), so 4 MiB of empty ancillary chunks
# took ~2 s to open. libpng writes IDAT in 8 KiB chunks: 512 for the largest PNG accepted.
MAX_PNG_CHUNKS: Final = 5000
# Fingerprints need little resolution: JPEGs are decoded at a reduced scale (draft mode, the
# smallest DCT scale keeping this many pixels per side) and larger pictures are reduced by an
# integer factor towards it before hashing (bench/avatar_eval.py measures recall at this size).
WORK_SIDE: Final = 128
# What :func:`decode` reduces pictures to by default (the console shows them; fingerprints use
# ``WORK_SIDE``).
DECODE_SIDE: Final = 256
BACKGROUND: Final = (255, 255, 255)
# Probe-to-reference Hamming distance at or under which two pictures are the same photo.
MATCH_THRESHOLD: Final = 10
FINGERPRINT_VERSION: Final = 2
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
    target_side: int | None = DECODE_SIDE,
    grey: bool = False,
) -> Image.Image:
    """Decode untrusted bytes to an RGB image, upright (EXIF), transparency flattened onto white.

    With ``target_side`` set, JPEGs are decoded at the smallest DCT scale that is still at least
    that large and the result is reduced to fit in ``target_side``² (enough for fingerprints and
    several times faster). Animated GIF/WebP/PNG: the first frame only. ``grey``: a greyscale
    ("L") picture, decoded from a JPEG's luma alone, and not reduced further (fingerprints reduce
    by an integer factor themselves).
    """
    if len(data) > max_bytes:
        raise ImageRejected("image_too_large", f"The image is larger than {max_bytes} bytes.")
    claimed = sniff_format(data)
    if claimed is None:
        raise ImageRejected("image_format_not_allowed", "Only JPEG, PNG, WebP and GIF images are accepted.")
    if claimed == "JPEG":  # before Image.open, which reads every segment up to the first scan
        scans, segments = jpeg_markers(data, MAX_JPEG_SCANS, MAX_JPEG_SEGMENTS)
        if scans > MAX_JPEG_SCANS:
            raise ImageRejected("image_corrupt", f"The JPEG has more than {MAX_JPEG_SCANS} scans.")
        if segments > MAX_JPEG_SEGMENTS:
            raise ImageRejected("image_corrupt", f"The JPEG has more than {MAX_JPEG_SEGMENTS} markers.")
    if claimed == "PNG" and png_chunks(data, MAX_PNG_CHUNKS) > MAX_PNG_CHUNKS:
        raise ImageRejected("image_corrupt", f"The PNG has more than {MAX_PNG_CHUNKS} chunks.")
    try:
        image = Image.open(io.BytesIO(data), formats=[claimed])
        width, height = image.size  # from the header: nothing is decoded yet
        if width < 1 or height < 1:
            raise ImageRejected("image_corrupt", "The image has no pixels.")
        if width * height > max_pixels or max(width, height) > MAX_IMAGE_SIDE:
            raise ImageRejected(
                "image_too_many_pixels",
                f"The image declares {width}×{height} pixels; the limit is {max_pixels}, and {MAX_IMAGE_SIDE} a side.",
            )
        if target_side and image.format == "JPEG":
            image.draft("L" if grey else "RGB", (target_side, target_side))
        image.load()
        ImageOps.exif_transpose(image, in_place=True)  # upright; in place: no copy when already so
        image = _flatten(image, "L" if grey else "RGB")
        if target_side and max(image.size) > target_side and not grey:
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


def png_chunks(data: bytes, stop_after: int) -> int:
    """How many chunks a PNG has (each is a length, a type, its data and a CRC), counting no
    further than one past ``stop_after``; a chunk cut short by the end counts."""
    chunks, position, end = 0, 8, len(data)  # after the signature
    while position + 8 <= end and chunks <= stop_after:
        chunks += 1
        if data[position + 4 : position + 8] == b"IEND":
            break
        position += 12 + int.from_bytes(data[position : position + 4], "big")
    return chunks


# A marker: one or more 0xFF, then the marker byte (libjpeg skips any number of 0xFF "fill"
# bytes). Matched where a marker must start; possessive, so a long run is read once.
_FILL_AND_MARKER = re.compile(rb"\xff++(.)", re.DOTALL)
# In a scan's entropy-coded data, the marker that ends it: the last 0xFF of a run (any before it
# are fill) followed by neither a stuffed 0x00 nor a restart marker. Two fixed bytes starting with
# a literal, so ``re`` scans for the 0xFF in C and tries each once: a look-behind or a leading
# run there made it try every byte in Python's matcher (~1.3 ms for a 35 KB avatar).
_SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


def jpeg_markers(data: bytes, max_scans: int, max_segments: int) -> tuple[int, int]:
    """How many scans (SOS) libjpeg would read in ``data``, and how many other markers and bytes
    of junk Pillow would read one at a time before them (segments, parameterless markers, fill
    and stray bytes between markers: each is a turn of its Python loop), counting no further
    than one past either bound. The markers are walked as libjpeg walks them, in C (``re``,
    ``bytes.find``): a segment is skipped by its length (a thumbnail inside an EXIF segment is
    not counted), and a scan's entropy-coded data runs to the first marker that is neither a
    stuffed 0xFF nor a restart."""
    scans, steps, position, end = 0, 0, 2, len(data)  # after SOI
    in_scan = False
    while scans <= max_scans and steps <= max_segments:
        if in_scan:  # to the end of the entropy-coded data
            in_scan = False
            ended = _SCAN_END.search(data, position)
            if ended is None:
                break
            position = ended.start()
        marker_at = data.find(b"\xff", position)
        found = _FILL_AND_MARKER.match(data, marker_at) if marker_at >= 0 else None
        if found is None:
            break
        steps += (marker_at - position) + (found.end() - marker_at - 2) + 1  # junk, fill, the marker
        marker, position = found[1][0], found.end()
        if marker == 0xD9:  # EOI
            break
        if marker in (0x00, 0x01) or 0xD0 <= marker <= 0xD8:  # stuffing, TEM, RSTn, SOI: no length
            continue
        if position + 2 > end:
            break
        position += int.from_bytes(data[position : position + 2], "big")
        if marker == 0xDA:  # SOS: its entropy-coded data follows
            scans += 1
            steps -= 1
            in_scan = True
    return scans, steps


def _flatten(image: Image.Image, mode: str = "RGB") -> Image.Image:
    """``mode`` (RGB or L), with any transparency composited onto one background colour."""
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    if has_alpha:
        rgba = image.convert("RGBA")
        canvas = Image.new("RGBA", rgba.size, (*BACKGROUND, 255))
        canvas.alpha_composite(rgba)
        return canvas.convert(mode)
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        # 16-bit greyscale: scale to 8 bits instead of clipping everything to white.
        array = np.asarray(image, dtype=np.float64)
        peak = float(array.max()) or 1.0
        image = Image.fromarray((array * (255.0 / peak)).astype(np.uint8), "L")
    return image if image.mode == mode else image.convert(mode)


# ---------------------------------------------------------------------------------------------
# Fingerprints


def uniform_border_box(grey: np.ndarray, tolerance: int = 20, max_share: float = 0.01) -> tuple[int, int, int, int]:
    """The box ``(left, top, right, bottom)`` left when rows and columns at the edges that are
    (almost) all the border colour are cut away; the whole picture when there are none.

    The border colour is the median of the outermost pixels; a row or column counts as border when
    at most ``max_share`` of its pixels differ from it by more than ``tolerance`` grey levels (JPEG
    noise). Never cuts more than half of either side: a mostly uniform picture is kept whole.

    ``grey`` holds whole grey levels (uint8 is cheapest). :func:`reference_uniform_border_box`
    spells the same out; here a level differs when it is above ``floor(border + tolerance)`` or
    below ``ceil(border - tolerance)`` (the same for whole levels), compared in the array's own
    type, and rows and columns count their differing pixels as bytes.
    """
    height, width = grey.shape
    edge = np.sort(np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]]))
    middle = len(edge) // 2  # the edge has an even length: its median is the mean of the middle two
    border = (float(edge[middle - 1]) + float(edge[middle])) / 2
    differs = (grey > math.floor(border + tolerance)).view(np.uint8)
    differs |= (grey < math.ceil(border - tolerance)).view(np.uint8)
    rows = np.flatnonzero(differs.sum(axis=1, dtype=np.int32) / width > max_share)
    cols = np.flatnonzero(differs.sum(axis=0, dtype=np.int32) / height > max_share)
    return _kept_box(rows, cols, width, height)


def reference_uniform_border_box(
    grey: np.ndarray, tolerance: int = 20, max_share: float = 0.01
) -> tuple[int, int, int, int]:
    """:func:`uniform_border_box`, readably (tests/unit/test_images.py checks they agree)."""
    height, width = grey.shape
    edge = np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])
    differs = np.abs(grey.astype(np.float64) - float(np.median(edge))) > tolerance
    rows = np.flatnonzero(differs.mean(axis=1) > max_share)
    cols = np.flatnonzero(differs.mean(axis=0) > max_share)
    return _kept_box(rows, cols, width, height)


def _kept_box(rows: np.ndarray, cols: np.ndarray, width: int, height: int) -> tuple[int, int, int, int]:
    """The box from the first to the last row and column that are not border; the whole picture
    when there are none or when it would cut more than half of a side."""
    whole = (0, 0, width, height)
    if rows.size == 0 or cols.size == 0:
        return whole
    top, bottom, left, right = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    if (bottom - top) * 2 < height or (right - left) * 2 < width:
        return whole
    return (left, top, right, bottom)


def trim_uniform_border(image: Image.Image, tolerance: int = 20, max_share: float = 0.01) -> Image.Image:
    """``image`` without its uniform border (:func:`uniform_border_box`); itself when it has none."""
    box = uniform_border_box(np.asarray(image.convert("L")), tolerance, max_share)
    return image if box == (0, 0, *image.size) else image.crop(box)


# What a fingerprint hashes, in the order its hashes are stored (version 2). A variant is a
# picture (TRIMMED: borders cut; WHOLE: as sent), a box in that picture's unit square, and
# whether it is mirrored. WHOLE variants exist only when trimming cut something.
TRIMMED: Final = 0
WHOLE: Final = 1
UNIT: Final = (0.0, 0.0, 1.0, 1.0)
CROP_KEEP: Final = 0.9
# Where the 90% crop references sit: a 4×4 grid of positions plus the centre. Measured: with only
# corners, side middles and centre, 10% crops at random positions matched 94% of the time; with
# this grid, all of them (bench/avatar_eval.py, "crop_10%_random").
_GRID = (0.0, 1 / 3, 2 / 3, 1.0)
_ANCHORS = (*((x, y) for y in _GRID for x in _GRID), (0.5, 0.5))
CROP_BOXES: Final = tuple(
    ((1 - CROP_KEEP) * x, (1 - CROP_KEEP) * y, (1 - CROP_KEEP) * x + CROP_KEEP, (1 - CROP_KEEP) * y + CROP_KEEP)
    for x, y in _ANCHORS
)
REFERENCE_COUNT: Final = 2 + len(CROP_BOXES)  # the trimmed picture, its centred square, the crops
# The region a detail hash covers: the inner 80% of the picture's centred square, which any crop
# of up to 10% from each side keeps, and so does cropping the picture to a square.
DETAIL_MARGIN: Final = 0.1
# With the checked picture's pixels at hand, confirmation compares only its strongest detail
# coefficients, the bits a re-upload does not flip (heuristics.matching).
STRONGEST: Final = 128

Box = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Variant:
    picture: int  # TRIMMED or WHOLE
    box: Box  # in the picture's unit square
    mirrored: bool = False


def square_box(aspect: float) -> Box:
    """The centred square of a picture ``aspect`` (width / height) times as wide as tall."""
    if aspect >= 1:
        half = 0.5 / aspect
        return (0.5 - half, 0.0, 0.5 + half, 1.0)
    half = 0.5 * aspect
    return (0.0, 0.5 - half, 1.0, 0.5 + half)


def detail_box(picture: int, aspect: float) -> Box:
    """Where the detail hash of a picture (TRIMMED, of this aspect; or WHOLE) is taken, in its
    unit square. The WHOLE picture's aspect is not kept: its detail is the inner 80% of it."""
    left, top, right, bottom = square_box(aspect) if picture == TRIMMED else UNIT
    dx, dy = (right - left) * DETAIL_MARGIN, (bottom - top) * DETAIL_MARGIN
    return (left + dx, top + dy, right - dx, bottom - dy)


def probe_variants(count: int) -> tuple[Variant, ...]:
    both = (Variant(TRIMMED, UNIT), Variant(TRIMMED, UNIT, True), Variant(WHOLE, UNIT), Variant(WHOLE, UNIT, True))
    return both[:count]


def reference_variants(aspect: float) -> tuple[Variant, ...]:
    return (Variant(TRIMMED, UNIT), Variant(TRIMMED, square_box(aspect)), *(Variant(TRIMMED, b) for b in CROP_BOXES))


def pixel_box(box: Box, picture: Box, shape: tuple[int, ...]) -> Box:
    """``box``, in the unit square of a picture lying at ``picture`` (pixels) in an array of
    ``shape``, as pixels of that array, clipped to it."""
    left, top, right, bottom = picture
    width, height = right - left, bottom - top
    height_px, width_px = shape
    x0, x1 = sorted((left + box[0] * width, left + box[2] * width))
    y0, y1 = top + box[1] * height, top + box[3] * height
    return (max(0.0, x0), max(0.0, y0), min(float(width_px), x1), min(float(height_px), y1))


class Source:
    """The decoded picture behind a fingerprint, kept only while a check runs: detail hashes of
    any region on demand (a match is confirmed against the stored picture's detail hash, at the
    place the candidate stage says it is), each computed once."""

    def __init__(self, hasher: RegionHasher, pictures: tuple[Box, Box]) -> None:
        self.hasher = hasher
        self.pictures = pictures  # pixel boxes of TRIMMED and WHOLE
        self._details: dict[tuple[float, ...], tuple[int, int]] = {}
        self._frame: tuple[np.ndarray, float] | None = None
        self._keypoints: dict[tuple[bool, int], Keypoints] = {}

    def frame(self) -> tuple[np.ndarray, float]:
        """The trimmed picture as :mod:`heuristics.keypoints` sees it, and its scale."""
        if self._frame is None:
            self._frame = frame(self.hasher.picture, self.pictures[TRIMMED])
        return self._frame

    def keypoints(self, mirrored: bool = False, count: int = QUERY_KEYPOINTS) -> Keypoints:
        """ORB keypoints of the trimmed picture's frame (or of its mirror image), computed once."""
        key = (mirrored, count)
        if key not in self._keypoints:
            image = self.frame()[0]
            self._keypoints[key] = detect(np.ascontiguousarray(image[:, ::-1]) if mirrored else image, count)
        return self._keypoints[key]

    def from_frame(self, box: Box, mirrored: bool) -> Box:
        """A box in (mirrored) frame pixels as a box in picture pixels (may reach past the edges)."""
        image, scale = self.frame()
        left, top = self.pictures[TRIMMED][:2]
        x0, x1 = (image.shape[1] - box[2], image.shape[1] - box[0]) if mirrored else (box[0], box[2])
        return (left + x0 / scale, top + box[1] / scale, left + x1 / scale, top + box[3] / scale)

    def to_pixels(self, picture: int, box: Box) -> Box:
        return pixel_box(box, self.pictures[picture], self.hasher.picture.shape)

    def straightened(
        self, matrix: np.ndarray, size: tuple[int, int], mirrored: bool, box: Box
    ) -> tuple[int, tuple[int, int]]:
        """The detail hash and the fine hash (signs, mask) of ``box`` (pixels of a stored frame of
        ``size``) in this picture's (mirrored) frame warped into that stored frame through
        ``matrix`` (stored frame → this frame; :func:`heuristics.keypoints.straighten`): where a
        turned or skewed copy shows the stored picture's region, upright as the stored picture
        has it. Not kept: a check warps only for the few candidates its keypoints place."""
        image = self.frame()[0]
        warped = straighten(image[:, ::-1] if mirrored else image, matrix, size)
        hasher = RegionHasher(warped)
        return hasher.details([box])[0], hasher.fine([box])[0]

    def details(self, boxes: Sequence[Box]) -> list[tuple[int, int]]:
        """Detail hashes of pixel boxes and masks of their :data:`STRONGEST` strongest
        coefficients (see :mod:`heuristics.phash`)."""
        keys = [tuple(round(v, 2) for v in box) for box in boxes]
        missing = list(dict.fromkeys(k for k in keys if k not in self._details))
        if missing:
            found = self.hasher.details_and_strongest(missing, STRONGEST)  # type: ignore[arg-type]
            self._details.update(zip(missing, found, strict=True))
        return [self._details[k] for k in keys]


@dataclass(frozen=True, slots=True)
class AvatarFingerprint:
    """Perceptual fingerprint of one picture (see module doc and docs/avatars.md).

    ``probes`` and ``references`` are the candidate stage's 64-bit phashes; ``details`` the
    256-bit detail hashes of the centre of the trimmed (and whole) picture that confirm a
    candidate. Version 1 fingerprints and bare 64-bit phashes have no details (``legacy``): they
    still find candidates but never confirm a match.
    """

    probes: tuple[int, ...]
    references: tuple[int, ...]
    details: tuple[int, ...] = ()
    aspect: float = 1.0  # width / height of the trimmed picture
    source: Source | None = field(default=None, compare=False, repr=False)
    # Kept beside stored pictures made from a photo (banks, protected people), never on the wire.
    keypoints: Keypoints | None = field(default=None, compare=False, repr=False)

    @property
    def legacy(self) -> bool:
        return not self.details

    @property
    def primary(self) -> int:
        """The hash of the picture as it is (trimmed): the one 64-bit value to show or index."""
        return self.probes[0]

    def with_keypoints(self) -> AvatarFingerprint:
        """This fingerprint with the ORB keypoints a stored picture keeps (needs the pixels:
        a fingerprint made from a photo, not parsed from hex)."""
        if self.source is None:
            raise ValueError("keypoints need the picture's pixels")
        found = self.source.keypoints(count=STORED_KEYPOINTS)
        region = self.source.to_pixels(TRIMMED, detail_box(TRIMMED, self.aspect))
        return replace(self, keypoints=replace(found, fine=self.source.hasher.fine([region])[0]))

    def variants(self) -> tuple[tuple[Variant, ...], tuple[Variant, ...]] | None:
        """Where each probe and reference was taken (None for legacy fingerprints, deduplicated)."""
        if self.legacy:
            return None
        return probe_variants(len(self.probes)), reference_variants(self.aspect)

    @property
    def hex(self) -> str:
        """Compact form (version 2): version byte, probe count byte, aspect byte, probes,
        references (8 bytes each), details (32 bytes each). 502 hex digits at most."""
        if self.legacy:
            head = bytes([1, len(self.probes)])
            return (head + b"".join(h.to_bytes(_HASH_BYTES, "big") for h in (*self.probes, *self.references))).hex()
        head = bytes([FINGERPRINT_VERSION, len(self.probes), aspect_byte(self.aspect)])
        body = b"".join(h.to_bytes(_HASH_BYTES, "big") for h in (*self.probes, *self.references))
        return (head + body + b"".join(d.to_bytes(_DETAIL_BYTES, "big") for d in self.details)).hex()

    @classmethod
    def from_hex(cls, value: str) -> AvatarFingerprint:
        """Parse :attr:`hex` (versions 1 and 2); a bare 16-digit hex is one plain 64-bit phash.

        Raises ValueError for anything else.
        """
        try:
            raw = bytes.fromhex(value)
        except ValueError:
            raise ValueError("not hexadecimal") from None
        if len(raw) == _HASH_BYTES:
            single = int.from_bytes(raw, "big")
            return cls((single,), (single,))
        if len(raw) >= 2 and raw[0] == 1:
            return cls._from_version_1(raw)
        if len(raw) < 3 or raw[0] != FINGERPRINT_VERSION:
            raise ValueError("not an avatar fingerprint of a known version")
        probes = raw[1]
        if (
            probes not in (2, 4)
            or len(raw) != 3 + _HASH_BYTES * (probes + REFERENCE_COUNT) + _DETAIL_BYTES * probes // 2
        ):
            raise ValueError("avatar fingerprint has the wrong length")
        hashes = _split(raw[3 : 3 + _HASH_BYTES * (probes + REFERENCE_COUNT)], _HASH_BYTES)
        details = _split(raw[3 + _HASH_BYTES * (probes + REFERENCE_COUNT) :], _DETAIL_BYTES)
        return cls(tuple(hashes[:probes]), tuple(hashes[probes:]), tuple(details), aspect_of(raw[2]))

    @classmethod
    def _from_version_1(cls, raw: bytes) -> AvatarFingerprint:
        count, body = raw[1], raw[2:]
        if len(body) % _HASH_BYTES or not 0 < count < len(body) // _HASH_BYTES:
            raise ValueError("avatar fingerprint has the wrong length")
        hashes = _split(body, _HASH_BYTES)
        return cls(tuple(hashes[:count]), tuple(hashes[count:]))

    def distance(self, other: AvatarFingerprint) -> int:
        """The candidate stage's distance: smallest probe-to-reference Hamming distance, either
        way round (0–64). A match also needs confirmation (:mod:`heuristics.matching`)."""
        forward = min((p ^ r).bit_count() for p in self.probes for r in other.references)
        backward = min((p ^ r).bit_count() for p in other.probes for r in self.references)
        return min(forward, backward)


_ASPECT_STEPS = 32  # aspect byte: 128 + 32·log2(width / height)


def aspect_byte(aspect: float) -> int:
    return min(255, max(0, round(math.log2(aspect) * _ASPECT_STEPS) + 128))


def aspect_of(value: int) -> float:
    return 2.0 ** ((value - 128) / _ASPECT_STEPS)


_DETAIL_BYTES: Final = 32


def _split(raw: bytes, size: int) -> list[int]:
    return [int.from_bytes(raw[i : i + size], "big") for i in range(0, len(raw), size)]


def fingerprint(image: Image.Image) -> AvatarFingerprint:
    """The fingerprint of a decoded image (use :func:`decode` first for untrusted bytes).

    All hashes of one picture (trimmed, or whole) come from one
    :class:`~heuristics.phash.RegionHasher` pass over that picture, cut out of the grey array: its
    regions then depend on its size alone, so the weights that average and transform them are
    shared between checks (geometry only, never pixels). The fingerprint keeps the grey array
    (``source``) so a check can confirm candidates without decoding again.
    """
    grey = image if image.mode == "L" else image.convert("L")
    factor = min(grey.size) // WORK_SIDE
    if factor >= 2:
        grey = grey.reduce(factor)  # box filter in C: the hashes average areas anyway
    levels = np.asarray(grey)
    pixels = levels.astype(np.float64)
    height, width = pixels.shape
    whole: Box = (0.0, 0.0, float(width), float(height))
    trimmed: Box = tuple(map(float, uniform_border_box(levels)))  # type: ignore[assignment]
    source = Source(RegionHasher(pixels), (trimmed, whole))
    aspect = (trimmed[2] - trimmed[0]) / (trimmed[3] - trimmed[1])
    aspect = aspect_of(aspect_byte(aspect))  # what the stored form (one byte) will give back
    # Probes and references in the order of probe_variants() and reference_variants(); the
    # whole picture only when trimming cut something.
    pictures = (TRIMMED,) if trimmed == whole else (TRIMMED, WHOLE)
    found = [_picture_hashes(pixels, source.pictures[p], p, aspect) for p in pictures]
    own, details = [hashes for hashes, _ in found], tuple(detail for _, detail in found)
    probes = tuple(hashes for picture in own for hashes in picture[:2])
    return AvatarFingerprint(probes, tuple(own[TRIMMED][2:]), details, aspect, source)


@dataclass(frozen=True, slots=True)
class _Layout:
    """A picture's hashed regions in its own pixels: its probes (picture and mirror), then, for
    the trimmed picture, its references; and its detail region."""

    boxes: tuple[Box, ...]
    mirrored: tuple[bool, ...]
    detail: Box


@lru_cache(maxsize=256)
def _layout(width: int, height: int, picture: int, aspect: float) -> _Layout:
    own: Box = (0.0, 0.0, float(width), float(height))
    variants = probe_variants(4)[2 * picture : 2 * picture + 2]
    if picture == TRIMMED:
        variants += reference_variants(aspect)
    shape = (height, width)
    return _Layout(
        tuple(pixel_box(v.box, own, shape) for v in variants),
        tuple(v.mirrored for v in variants),
        pixel_box(detail_box(picture, aspect), own, shape),
    )


def _picture_hashes(pixels: np.ndarray, picture: Box, kind: int, aspect: float) -> tuple[list[int], int]:
    """The phashes of one picture's variants (:class:`_Layout`) and its detail hash, taken on the
    picture (``picture``: whole pixels of ``pixels``) cut out: the same boxes as on the whole
    array, counted from the picture's corner, so they depend on its size alone."""
    left, top, right, bottom = (int(v) for v in picture)
    layout = _layout(right - left, bottom - top, kind, aspect)
    hasher = RegionHasher(pixels[top:bottom, left:right])
    found, details = hasher.phashes_and_details(layout.boxes, layout.mirrored, (layout.detail,), shared=True)
    return found, details[0]


def fingerprint_bytes(data: bytes, **limits: int) -> AvatarFingerprint:
    """Safely decode untrusted bytes and fingerprint them (raises :class:`ImageRejected`)."""
    return fingerprint(decode(data, target_side=WORK_SIDE, grey=True, **limits))
