"""Red team: the anonymous check API (``POST /v1/check`` and its avatar) against an adversary who
wants it to spend unbounded CPU or memory on one request, to crash it, or to read from its
answers who is in the protected-people registry.

Each test plays the adversary against a real app (real Redis, single and cluster: this folder's
conftest) and fails on the code before its fix. What was tried and held is listed in the report of
this pass; earlier passes (test_redteam_oracles.py, tests/hostile, tests/privacy) are not redone.
"""

from __future__ import annotations

import base64
import io
import struct
import zlib
from typing import Any

import pytest
from PIL import Image

from heuristics.campaigns import traits
from heuristics.images import (
    MAX_IMAGE_PIXELS,
    MAX_IMAGE_SIDE,
    MAX_JPEG_SCANS,
    MAX_JPEG_SEGMENTS,
    MAX_PNG_CHUNKS,
    ImageRejected,
    decode,
    jpeg_markers,
    png_chunks,
)
from heuristics.profile import Platform, Profile
from tests.api.test_banks import photo_bytes
from tests.api.test_network_limits import Contributions

MAINTAINER = {"Authorization": "Bearer test-bootstrap-key"}


@pytest.fixture(params=["single", "cluster"])
def store_kind(request: pytest.FixtureRequest) -> str:
    """The tests that make an app run on a single Redis and on a three-node Redis Cluster."""
    return request.param


def _png_declaring(width: int, height: int) -> bytes:
    """A 1-bit greyscale PNG whose header declares ``width``×``height``, with almost no data."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _uniform_png(width: int, height: int) -> bytes:
    """A real, complete grey PNG: a few KB of zlib whatever its shape."""
    out = io.BytesIO()
    Image.new("L", (width, height), 128).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("shape", [(MAX_IMAGE_PIXELS, 1), (1, MAX_IMAGE_PIXELS), (65_536, 64)])
def test_a_sliver_within_the_pixel_limit_is_refused_from_its_header(shape: tuple[int, int]) -> None:
    """4,194,304×1 is within 2048² pixels, and a fingerprint reduces a picture by a factor of its
    short side: it kept 4 million columns, and one such PNG of a few KB took ~1 minute of CPU and
    ~20 GB to fingerprint (a worker killed, a host swapping). Refused from the header now, before
    a pixel is decoded (this one has none to decode: it was image_corrupt only after load)."""
    width, height = shape
    assert width * height <= MAX_IMAGE_PIXELS
    with pytest.raises(ImageRejected) as refused:
        decode(_png_declaring(width, height))
    assert refused.value.code == "image_too_many_pixels"


def test_a_long_thin_avatar_gets_a_413_from_the_check(make_app: Any) -> None:
    """Through the API, as multipart and as base64: the stable code and status of a picture with
    too many pixels, never a 200 after the work (or a worker lost to it)."""
    client = make_app().test_client()
    sliver = _uniform_png(MAX_IMAGE_SIDE * 4, 16)  # 65,536×16: ~1 MB of pixels, 90 MB to hash before
    assert len(sliver) < 10_000
    as_json = client.post("/v1/check", json={"platform": "x", "avatar": base64.b64encode(sliver).decode()})
    as_file = client.post(
        "/v1/check",
        data={"check": '{"platform": "x"}', "avatar": (io.BytesIO(sliver), "a.png", "image/png")},
        content_type="multipart/form-data",
    )
    for response in (as_json, as_file):
        assert response.status_code == 413, response.get_json()
        assert response.get_json()["error"]["code"] == "image_too_many_pixels"
        assert response.get_json()["error"]["field"] == "avatar"


def test_the_longest_side_allowed_is_still_answered(make_app: Any) -> None:
    """The bound is a side of MAX_IMAGE_SIDE: a banner-shaped picture up to it is fingerprinted."""
    client = make_app().test_client()
    wide = _uniform_png(MAX_IMAGE_SIDE, 64)
    response = client.post("/v1/check", json={"platform": "x", "avatar": base64.b64encode(wide).decode()})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["avatar_hash"]


def test_a_check_that_cannot_contribute_spends_no_contribution_allowance(make_app: Any) -> None:
    """An account with no trait to count (no creation time, photo, bio…) adds nothing to the
    campaign aggregate, yet its check spent the client's hourly contribution (1/hour) and its /48's
    (1/hour): the next check that could add — the client's own, or any client's of that /48 — was
    left out that hour. Any client could so empty its /48's allowance with checks of nothing."""
    contributions = Contributions(make_app())
    traitless = {"account_id": "1234", "display_name": "Omar Said", "handle": "omar"}
    assert not traits(Profile.model_validate(traitless), Platform.X, None).families
    for first, then in (("198.51.100.9", "198.51.100.9"), ("2001:db8:bb:1::7", "2001:db8:bb:2::7")):
        contributions.answer(first, traitless)
        assert contributions.contributes(then), f"a check of nothing from {first} used up {then}'s allowance"


def _squashed(photo: bytes, width: int, height: int) -> bytes:
    """The photo resized to ``width``×``height``: its phash (each region scaled to a square before
    the DCT) is about the photo's, so it is a candidate of the photo wherever that is stored."""
    out = io.BytesIO()
    Image.open(io.BytesIO(photo)).convert("RGB").resize((width, height), Image.Resampling.BILINEAR).save(out, "PNG")
    return out.getvalue()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.mark.parametrize("where", ["registry", "bank"])
def test_a_squashed_copy_of_a_stored_photo_is_answered_not_a_500(make_app: Any, where: str) -> None:
    """A protected person's photo is public (her own profile's), and a banked scam photo often is:
    squashed to 4096×16 it stays a candidate of the stored photo, whose confirmation computed the
    checked picture's ORB keypoints on a 256×1 frame, where OpenCV raised — a 500, before the
    registry counted anything. So an anonymous client learned, uncounted, whether a photo was
    registered or banked (500) or not (200), as often as its check limit allowed."""
    client = make_app().test_client()
    photo = photo_bytes("astronaut")
    if where == "registry":
        added = client.post("/v1/protected", json={"display_names": ["Layla Haddad"], "avatars": [_b64(photo)]},
                            headers=MAINTAINER)  # fmt: skip
    else:
        added = client.post("/v1/banks/scam/entries", json={"avatar": _b64(photo), "label": "entrapment"},
                            headers=MAINTAINER)  # fmt: skip
    assert added.status_code == 201, added.get_json()
    for width, height in ((4096, 16), (16, 4096), (2048, 8)):
        squashed = _squashed(photo, width, height)
        response = client.post("/v1/check", json={"platform": "x", "avatar": _b64(squashed)})
        assert response.status_code == 200, (width, height, response.get_json())
        unrelated = client.post("/v1/check", json={"platform": "x", "avatar": _b64(_uniform_png(width, height))})
        assert unrelated.status_code == 200


def test_a_thin_photo_can_be_registered_and_banked(make_app: Any) -> None:
    """The same picture added by a trainer (a photo from a page, as it came) was a 500 too."""
    client = make_app().test_client()
    thin = _b64(_squashed(photo_bytes("astronaut"), 4096, 16))
    registered = client.post("/v1/protected", json={"display_names": ["Layla Haddad"], "avatars": [thin]},
                             headers=MAINTAINER)  # fmt: skip
    banked = client.post("/v1/banks/scam/entries", json={"avatar": thin, "label": "entrapment"}, headers=MAINTAINER)
    assert (registered.status_code, banked.status_code) == (201, 201), (registered.get_json(), banked.get_json())


def _scan_bomb(side: int, scans: int) -> bytes:
    """A progressive greyscale JPEG of ``side``² whose scans are bare headers: libjpeg completes
    each cut-short scan with zeros (a warning) and decodes it over every block of the picture."""

    def segment(marker: int, body: bytes) -> bytes:
        return bytes((0xFF, marker)) + struct.pack(">H", len(body) + 2) + body

    head = segment(0xDB, b"\x00" + bytes([1] * 64))  # one quantisation table
    head += segment(0xC2, struct.pack(">BHHB", 8, side, side, 1) + b"\x01\x11\x00")  # SOF2, one component
    head += segment(0xC4, b"\x00" + bytes([1] + [0] * 15) + b"\x00")  # DC table: one 1-bit code
    scan = segment(0xDA, b"\x01\x01\x00\x00\x00\x00") + b"\x00"  # DC first scan, then 1 byte of data
    return b"\xff\xd8" + head + scan * scans + b"\xff\xd9"


def test_a_jpeg_of_thousands_of_empty_scans_is_refused_before_decoding(make_app: Any) -> None:
    """2,048² with 5,000 scans of 11 bytes (55 KB) took ~2.5 s of CPU, and 4 MiB of them ~3 minutes
    (one check, one worker; its CPU charged to the client only once done). Refused from its
    markers now; an ordinary progressive JPEG (10 scans) is decoded as before."""
    with pytest.raises(ImageRejected) as refused:
        decode(_scan_bomb(2048, 1_000))
    assert refused.value.code == "image_corrupt"
    client = make_app().test_client()
    response = client.post("/v1/check", json={"platform": "x", "avatar": _b64(_scan_bomb(2048, 5_000))})
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"] == {
        "code": "image_corrupt",
        "message": f"The JPEG has more than {MAX_JPEG_SCANS} scans.",
        "field": "avatar",
    }
    progressive = io.BytesIO()
    Image.open(io.BytesIO(photo_bytes("astronaut"))).save(progressive, "JPEG", progressive=True)
    assert jpeg_markers(progressive.getvalue(), MAX_JPEG_SCANS, MAX_JPEG_SEGMENTS)[0] == 10
    assert client.post("/v1/check", json={"platform": "x", "avatar": _b64(progressive.getvalue())}).status_code == 200
    assert decode(_scan_bomb(64, MAX_JPEG_SCANS)).size == (64, 64)  # up to the bound: decoded


@pytest.mark.parametrize(
    "padding",
    [b"\xff\xe5\x00\x02" * 1_000_000, b"\xff" * 4_000_000, b"\xff\xd0" * 2_000_000],
    ids=["empty APP5 segments", "fill bytes", "restart markers"],
)
def test_a_jpeg_header_of_a_million_markers_is_refused_before_pillow_reads_them(padding: bytes) -> None:
    """Pillow reads what comes before a JPEG's first scan a marker (or a fill byte) at a time in
    Python: 4 MiB of empty APP5 segments, of 0xFF fill or of restart markers took ~3.5 s of CPU
    to open. Refused once past MAX_JPEG_SEGMENTS, counted in C before Pillow sees the bytes."""
    plain = io.BytesIO()
    Image.new("L", (64, 64), 100).save(plain, "JPEG")
    jpeg = plain.getvalue()
    padded = jpeg[:2] + padding + jpeg[2:]
    with pytest.raises(ImageRejected) as refused:
        decode(padded)
    assert refused.value.code == "image_corrupt"
    assert jpeg_markers(padded, MAX_JPEG_SCANS, MAX_JPEG_SEGMENTS)[1] > MAX_JPEG_SEGMENTS
    within = jpeg[:2] + padding[: len(padding) // 8_000] + jpeg[2:]  # 125 to 250 such markers, or 500 fill bytes
    assert decode(within).size == (64, 64)


def test_scans_are_counted_where_libjpeg_sees_them() -> None:
    """The count follows libjpeg's reading: stuffed bytes and restart markers inside a scan do not
    end it, a scan header ending in 0xFF does not hide the next scan, and a thumbnail inside an
    EXIF segment (its own SOS) is skipped with its segment."""
    photo = Image.open(io.BytesIO(photo_bytes("astronaut")))
    with_thumbnail = io.BytesIO()
    thumbnail = io.BytesIO()
    photo.resize((64, 64)).save(thumbnail, "JPEG", progressive=True)
    exif = b"Exif\x00\x00" + thumbnail.getvalue()  # not a valid TIFF: only its bytes matter here
    photo.save(with_thumbnail, "JPEG", progressive=True)
    data = with_thumbnail.getvalue()
    data = data[:2] + b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif + data[2:]
    assert jpeg_markers(data, MAX_JPEG_SCANS, MAX_JPEG_SEGMENTS)[0] == 10
    bomb = _scan_bomb(64, 3)
    first_scan = bomb.index(b"\xff\xda")
    head, scans = bomb[:first_scan], bomb[first_scan:-2].split(b"\xff\xda")[1:]
    plain = jpeg_markers(bomb, MAX_JPEG_SCANS, MAX_JPEG_SEGMENTS)
    assert len(scans) == 3 and plain == (3, 4)  # DQT, SOF2, DHT and EOI
    ending_in_ff = head + b"".join(b"\xff\xda" + scan[:7] + b"\xff" for scan in scans) + b"\xff\xd9"  # Ah/Al 0xFF
    assert jpeg_markers(ending_in_ff, MAX_JPEG_SCANS, MAX_JPEG_SEGMENTS) == plain
    scan_data = b"\x12\xff\x00\x34\xff\xd3\x56\xff\xff\x00" * 100
    restarted = head + b"".join(b"\xff\xda" + scan[:8] + scan_data for scan in scans) + b"\xff\xd9"
    assert jpeg_markers(restarted, MAX_JPEG_SCANS, MAX_JPEG_SEGMENTS) == plain


def test_a_png_of_a_million_empty_chunks_is_refused_before_pillow_reads_them() -> None:
    """Pillow reads a PNG's chunks one at a time in Python: 4 MiB of empty ancillary chunks,
    before or after the pixels, took ~2 s of CPU. Refused past MAX_PNG_CHUNKS, counted first."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    png = _uniform_png(64, 64)
    after_header, before_end = 8 + 25, png.rindex(b"IEND") - 4
    for at in (after_header, before_end):
        padded = png[:at] + chunk(b"abCd", b"") * 330_000 + png[at:]
        with pytest.raises(ImageRejected) as refused:
            decode(padded)
        assert refused.value.code == "image_corrupt"
        assert png_chunks(padded, MAX_PNG_CHUNKS) == MAX_PNG_CHUNKS + 1  # it stopped there
        assert decode(png[:at] + chunk(b"abCd", b"") * 1_000 + png[at:]).size == (64, 64)
