"""Safe decoding of hostile images, and fingerprints that survive re-uploads of real photos."""

from __future__ import annotations

import io
import itertools
import struct
import zlib
from collections.abc import Callable

import numpy as np
import pytest
from PIL import Image, ImageEnhance, ImageOps

from heuristics.images import (
    MATCH_THRESHOLD,
    MAX_IMAGE_PIXELS,
    TRIMMED,
    WHOLE,
    AvatarFingerprint,
    ImageRejected,
    Variant,
    aspect_byte,
    aspect_of,
    decode,
    detail_box,
    fingerprint,
    fingerprint_bytes,
    pixel_box,
    probe_variants,
    reference_uniform_border_box,
    reference_variants,
    trim_uniform_border,
    uniform_border_box,
)
from heuristics.matching import best_match, compare
from heuristics.phash import reference_detail, reference_phash
from tests.unit.photos import PHOTOS, photo


def matches(query: AvatarFingerprint, stored: AvatarFingerprint) -> bool:
    """Both stages, the way a check sees it: the query with its pixels, the stored side as hex."""
    return compare(query, AvatarFingerprint.from_hex(stored.hex)) is not None


NAMES = sorted(p.stem for p in PHOTOS.glob("*.jpg"))


def encode(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def rejected_code(data: bytes, **limits: int) -> str:
    with pytest.raises(ImageRejected) as caught:
        decode(data, **limits)
    return caught.value.code


# --- decoding refusals -------------------------------------------------------------------------


def png_declaring(width: int, height: int, pixel_data: bytes = b"\0" * 64) -> bytes:
    """A 1-bit greyscale PNG whose header declares ``width``×``height``."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(pixel_data, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_decompression_bomb_is_refused_from_the_header() -> None:
    assert rejected_code(png_declaring(100_000, 100_000)) == "image_too_many_pixels"
    # Below Pillow's own bomb limit (~89 Mpx) but above ours: only our header check stops it.
    assert rejected_code(png_declaring(2049, 2048)) == "image_too_many_pixels"
    assert rejected_code(png_declaring(4096, 4096)) == "image_too_many_pixels"  # finding 21
    assert MAX_IMAGE_PIXELS == 2048 * 2048


def test_a_real_compressed_bomb_is_refused_before_decoding() -> None:
    # 20000×20000 pixels, every scanline really present: 50 MB of pixel data in ~50 KB of file.
    side = 20_000
    bomb = png_declaring(side, side, b"\0" * ((1 + side // 8) * side))
    assert len(bomb) < 200_000
    assert rejected_code(bomb) == "image_too_many_pixels"


def test_truncated_jpeg_is_corrupt() -> None:
    data = encode(photo("astronaut"), "JPEG", quality=90)
    assert rejected_code(data[: len(data) // 2]) == "image_corrupt"
    assert rejected_code(data[:40]) == "image_corrupt"


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
        b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>",
        b"GIF-ish but really text",
        b"",
    ],
)
def test_markup_and_junk_posing_as_images_are_not_allowed(data: bytes) -> None:
    assert rejected_code(data) == "image_format_not_allowed"


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "ICO", "PPM"])
def test_formats_outside_the_allow_list_are_refused(fmt: str) -> None:
    data = encode(photo("coffee").resize((32, 32)), fmt)
    assert rejected_code(data) == "image_format_not_allowed"


def test_too_many_bytes_are_refused_before_anything_else() -> None:
    assert rejected_code(b"\xff\xd8\xff" + b"\0" * 2000, max_bytes=1000) == "image_too_large"


def test_animated_gif_gives_its_first_frame_only() -> None:
    colours = [(255, 0, 0), (0, 0, 255), (0, 255, 0)]
    frames = [Image.new("RGB", (64, 64), colours[i % 3]) for i in range(300)]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=10, loop=0)
    with Image.open(io.BytesIO(data)) as check:
        assert check.n_frames == 300  # the file really is animated
    decoded = decode(data)
    assert decoded.getpixel((10, 10)) == (255, 0, 0)


def test_webp_and_png_and_jpeg_are_accepted() -> None:
    image = photo("chelsea")
    for fmt in ("WEBP", "PNG", "JPEG"):
        decoded = decode(encode(image, fmt))
        assert decoded.mode == "RGB" and max(decoded.size) <= 256


def test_exif_orientation_is_applied() -> None:
    image = Image.new("RGB", (120, 60), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    decoded = decode(encode(image, "JPEG", exif=exif.tobytes()), target_side=None)
    assert decoded.size == (60, 120)


def test_transparency_is_flattened_onto_white() -> None:
    image = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    image.paste((10, 120, 10, 255), (10, 10, 30, 30))
    decoded = decode(encode(image))
    assert decoded.mode == "RGB"
    assert decoded.getpixel((0, 0)) == (255, 255, 255)
    assert decoded.getpixel((20, 20)) == (10, 120, 10)


def test_large_jpeg_is_decoded_at_reduced_scale() -> None:
    big = photo("astronaut").resize((2000, 2000))
    data = encode(big, "JPEG", quality=85)
    assert max(decode(data, target_side=256).size) == 256
    assert decode(data, target_side=None).size == (2000, 2000)


# --- fingerprints ------------------------------------------------------------------------------


def crop(image: Image.Image, keep: float, ax: float = 0.5, ay: float = 0.5) -> Image.Image:
    w, h = image.size
    left, top = round(w * (1 - keep) * ax), round(h * (1 - keep) * ay)
    return image.crop((left, top, left + round(w * keep), top + round(h * keep)))


def reupload(image: Image.Image, fmt: str = "PNG", **options: object) -> AvatarFingerprint:
    return fingerprint_bytes(encode(image, fmt, **options))


TRANSFORMS: dict[str, Callable[[Image.Image], AvatarFingerprint]] = {
    "resize": lambda im: reupload(im.resize((im.width // 3, im.height // 3), Image.Resampling.BILINEAR)),
    "jpeg_q40": lambda im: reupload(im, "JPEG", quality=40),
    "crop_10%_centred": lambda im: reupload(crop(im, 0.9)),
    "crop_10%_corner": lambda im: reupload(crop(im, 0.9, 1, 1)),
    "crop_10%_side": lambda im: reupload(crop(im, 0.9, 0, 0.5)),
    "crop_random_positions": lambda im: reupload(crop(im, 0.9, 0.2, 0.8), "JPEG", quality=80),
    "crop_8%_off_grid": lambda im: reupload(crop(im, 0.92, 0.7, 0.35)),
    "crop_square": lambda im: reupload(ImageOps.fit(im, (min(im.size),) * 2)),
    "border": lambda im: reupload(ImageOps.expand(im, border=16, fill=(255, 255, 255)), "JPEG", quality=85),
    "mirror": lambda im: reupload(ImageOps.mirror(im)),
    "brighter": lambda im: reupload(ImageEnhance.Brightness(im).enhance(1.3)),
    "darker": lambda im: reupload(ImageEnhance.Brightness(im).enhance(0.7)),
    "crop_mirror_jpeg": lambda im: reupload(ImageOps.mirror(crop(im, 0.9)), "JPEG", quality=75),
}


TEXTURES = {"brick", "grass", "gravel"}
OFF_GRID_CROPS = {"crop_random_positions", "crop_8%_off_grid"}


@pytest.fixture(scope="module")
def originals() -> dict[str, AvatarFingerprint]:
    return {name: fingerprint(photo(name)) for name in NAMES}


@pytest.fixture(scope="module")
def copies() -> dict[tuple[str, str], AvatarFingerprint]:
    return {(name, label): make(photo(name)) for name in NAMES for label, make in TRANSFORMS.items()}


@pytest.mark.parametrize("label", list(TRANSFORMS))
def test_every_transform_of_every_photo_matches_its_original(
    label: str, originals: dict[str, AvatarFingerprint], copies: dict[tuple[str, str], AvatarFingerprint]
) -> None:
    for name in NAMES:
        if label in OFF_GRID_CROPS and name in TEXTURES:
            continue  # a texture's crops at off-grid positions are new textures to phash (see docs)
        distance = originals[name].distance(copies[(name, label)])
        assert distance <= MATCH_THRESHOLD, (name, label, distance)
        assert matches(copies[(name, label)], originals[name]), (name, label)  # confirmed too


def test_different_photos_do_not_match_even_transformed(
    originals: dict[str, AvatarFingerprint], copies: dict[tuple[str, str], AvatarFingerprint]
) -> None:
    assert len(NAMES) >= 7
    for a, b in itertools.permutations(NAMES, 2):
        assert not matches(originals[a], originals[b]), (a, b)
        for label in TRANSFORMS:
            assert not matches(copies[(b, label)], originals[a]), (a, b, label)


def test_plain_phash_alone_misses_mirrors_which_is_why_probes_exist(originals: dict[str, AvatarFingerprint]) -> None:
    image = photo("astronaut")
    mirrored = fingerprint(ImageOps.mirror(image))
    assert (originals["astronaut"].primary ^ mirrored.primary).bit_count() > MATCH_THRESHOLD
    assert matches(mirrored, originals["astronaut"])


def test_trim_removes_a_uniform_border_but_not_content() -> None:
    image = photo("coffee")
    framed = ImageOps.expand(image, border=20, fill=(0, 0, 0))
    assert trim_uniform_border(framed).size == pytest.approx(image.size, abs=2)
    flat = Image.new("RGB", (50, 50), (128, 128, 128))
    assert trim_uniform_border(flat) is flat


def bordered_pictures() -> list[np.ndarray]:
    """Grey pictures with and without borders of several colours, with JPEG-like noise."""
    rng = np.random.default_rng(11)
    found = []
    for name in NAMES:
        base = np.asarray(photo(name).convert("L").resize((61, 47)), dtype=np.int16)
        for sides, level in (((0, 0, 0, 0), 0), ((6, 0, 9, 3), 255), ((2, 7, 0, 5), 0), ((4, 4, 4, 4), 130)):
            framed = np.pad(base, ((sides[0], sides[1]), (sides[2], sides[3])), constant_values=level)
            noise = rng.integers(-30, 31, framed.shape) * (rng.random(framed.shape) < 0.03)
            found.append(np.clip(framed + noise, 0, 255).astype(np.uint8))
    return found


def test_the_fast_border_box_is_the_reference_one() -> None:
    trimmed = 0
    for levels in bordered_pictures():
        expected = reference_uniform_border_box(levels)
        trimmed += expected != (0, 0, levels.shape[1], levels.shape[0])
        for same in (levels, levels.astype(np.int16), levels.astype(np.float64)):
            assert uniform_border_box(same) == expected
    assert trimmed >= len(NAMES) * 2  # the pictures exercise both outcomes


def reference_fingerprint(image: Image.Image) -> AvatarFingerprint:
    """:func:`fingerprint` spelt out: each probe's and reference's phash and each picture's detail
    hash taken one at a time by the readable reference of heuristics.phash, on the whole grey
    picture (the fast path cuts each picture out and shares weights between pictures)."""
    pixels = np.asarray(image.convert("L"), dtype=np.float64)
    height, width = pixels.shape
    trimmed = tuple(map(float, reference_uniform_border_box(pixels)))
    pictures = {TRIMMED: trimmed, WHOLE: (0.0, 0.0, float(width), float(height))}
    aspect = aspect_of(aspect_byte((trimmed[2] - trimmed[0]) / (trimmed[3] - trimmed[1])))
    probes = probe_variants(2 if pictures[TRIMMED] == pictures[WHOLE] else 4)

    def phash(variant: Variant) -> int:
        box = pixel_box(variant.box, pictures[variant.picture], pixels.shape)
        return reference_phash(pixels, box, variant.mirrored)

    details = [
        reference_detail(pixels, pixel_box(detail_box(p, aspect), pictures[p], pixels.shape))
        for p in range(len(probes) // 2)
    ]
    return AvatarFingerprint(
        tuple(map(phash, probes)), tuple(map(phash, reference_variants(aspect))), tuple(details), aspect
    )


@pytest.mark.parametrize("number", range(0, 28, 3))
def test_fingerprints_equal_the_reference(number: int) -> None:
    # Small pictures (the reference sums pixel by pixel), bordered or not, several of one size:
    # the weights the fast path shares between pictures of one size carry nothing of a picture.
    image = Image.fromarray(bordered_pictures()[number], "L")
    assert fingerprint(image) == reference_fingerprint(image)


def test_hex_round_trip_and_bare_phash(originals: dict[str, AvatarFingerprint]) -> None:
    fp = originals["chelsea"]
    assert AvatarFingerprint.from_hex(fp.hex) == fp
    assert AvatarFingerprint.from_hex(fp.hex.upper()) == fp
    assert len(fp.hex) <= 2 * (3 + 8 * (4 + 19) + 32 * 2) <= 512  # the API's and the extension's limit
    bare = AvatarFingerprint.from_hex(f"{fp.primary:016x}")
    assert bare.probes == bare.references == (fp.primary,)
    assert bare.distance(fp) == 0 and bare.legacy


def test_legacy_fingerprints_are_candidates_that_never_confirm(originals: dict[str, AvatarFingerprint]) -> None:
    fp = originals["chelsea"]
    version_1 = "01" + f"{len(fp.probes):02x}" + "".join(f"{h:016x}" for h in (*fp.probes, *fp.references))
    legacy = AvatarFingerprint.from_hex(version_1)
    assert legacy.legacy and legacy.probes == fp.probes and legacy.distance(fp) == 0
    assert compare(fp, legacy) is None and compare(legacy, fp) is None


@pytest.mark.parametrize("value", ["", "zz", "abcd", "02" + "00" * 17, "0100" + "00" * 8, "0109" + "00" * 16, "01"])
def test_from_hex_rejects_what_is_not_a_fingerprint(value: str) -> None:
    with pytest.raises(ValueError):
        AvatarFingerprint.from_hex(value)


def test_best_match_takes_hex_skips_junk_and_prefers_the_closest(originals: dict[str, AvatarFingerprint]) -> None:
    query = TRANSFORMS["crop_mirror_jpeg"](photo("astronaut"))
    stored = [None, "not hex", originals["coffee"].hex, originals["astronaut"].hex, originals["astronaut"]]
    found = best_match(query, stored)
    assert found is not None and found.index in {3, 4} and found.distance <= MATCH_THRESHOLD
    assert best_match(query, [originals["coffee"], originals["brick"]]) is None


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP"])
def test_damaged_files_either_decode_or_are_refused_never_crash(fmt: str) -> None:
    import random

    original = encode(photo("chelsea").resize((64, 48)), fmt)
    rng = random.Random(fmt)
    for _ in range(150):
        damaged = bytearray(original)
        for _ in range(rng.randint(1, 12)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        cut = damaged[: rng.randint(1, len(damaged))] if rng.random() < 0.3 else damaged
        try:
            image = decode(bytes(cut))
        except ImageRejected as error:
            assert error.code in {"image_corrupt", "image_format_not_allowed", "image_too_many_pixels"}
        else:
            assert image.mode == "RGB" and image.width * image.height <= MAX_IMAGE_PIXELS


@pytest.mark.parametrize("size", [(1, 1), (1, 300), (300, 1), (3, 2)])
def test_tiny_and_skinny_images_still_fingerprint(size: tuple[int, int]) -> None:
    fp = fingerprint_bytes(encode(Image.new("RGB", size, (90, 30, 200))))
    assert AvatarFingerprint.from_hex(fp.hex) == fp
