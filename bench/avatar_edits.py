"""Copy recall against an adversary who edits a stolen photo so Haris does not recognise it.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python bench/avatar_edits.py [--copies 100] [--bank 300]

bench/portraits.py measures six re-upload transforms (resize, JPEG, 10% crop, mirror, border,
brightness). Someone who re-uses a defender's or a friend's photo on a fake account may edit it
further, on purpose or as apps do: straighten it (a small rotation, then the crop that removes
the corners), stretch it, put a filter on it (greyscale, sepia, a colour filter, a vignette),
change its contrast or gamma, blur, sharpen or add noise, put a sticker or a caption over part
of it, post a screenshot of the profile or a collage instead of the photo, crop it harder and
off-centre, mirror and crop it, post the round avatar as platforms show it on a coloured
background, or photograph a screen (perspective, blur, noise, light). :data:`EDITS` spells each
one out (a function of the picture and a seeded ``random.Random``; tests/unit/test_avatar_edits.py
checks they do what their names say).

Each portrait set of bench/portraits.py (fixed seeds: the 100 real aligned faces of ``lfw``, and
the drawn *hard* and *ordinary* look-alikes in families of six) is stored as the API stores it,
and the first ``--copies`` portraits are edited, JPEG-encoded and checked through the matcher the
API uses:

- **bank, photo**: :class:`~heuristics.matching.PhotoMatcher` over the set's first ``--bank``
  portraits added from the photo (fingerprint and keypoints: bank entries, protected people),
  so every copy meets its own look-alikes and the per-check confirmation budget;
- **bank, hash**: the same portraits added from their fingerprints (no keypoints: an
  ``avatar_hash``, an import without keypoints), confirmed hash against hash;
- **contact**: :func:`~heuristics.matching.best_match` of the copy against the original's
  502-hex fingerprint (what the extension keeps of a contact), confirmed with the copy's pixels.

A copy counts when its own original is among the matches (a look-alike's match is not this
copy's recall). The ``candidate`` column is the share whose original is among the phash
candidates at all (stage 1, at the radius the bank uses): where it is low, stage 1 lost the copy;
where it is high and the rest low, confirmation did. A proxy, as bench/portraits.py says.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageFont, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.portraits import crop, draw_portrait, drawn_portraits, encode, family_base, lfw_faces, stored_forms
from heuristics.images import fingerprint_bytes
from heuristics.matching import PhotoMatcher, best_match

Edit = Callable[[Image.Image, random.Random], Image.Image]
# Background colours platforms put behind a round avatar (light and dark themes, brand colours).
BACKGROUNDS = ((255, 255, 255), (24, 25, 26), (0, 0, 0), (240, 242, 245), (29, 155, 240), (225, 48, 108))
WORDS = ("truth", "shame", "exposed", "traitor", "look", "who is she", "agent", "liar")


# --- edits: geometry ---------------------------------------------------------------------------


def inscribed_scale(width: int, height: int, degrees: float) -> float:
    """The largest scale of a width×height rectangle that fits, centred and upright, inside the
    same rectangle turned by ``degrees`` (what an editor's straighten tool keeps)."""
    a = math.radians(abs(degrees))
    return min(
        width / (width * math.cos(a) + height * math.sin(a)), height / (width * math.sin(a) + height * math.cos(a))
    )


def rotate(image: Image.Image, degrees: float) -> Image.Image:
    """Turned by ``degrees`` (anticlockwise) and cropped to the largest upright picture of the same
    aspect inside it, less 2 px a side (the interpolated edge): no corners of fill."""
    turned = image.rotate(degrees, Image.BICUBIC)
    scale = inscribed_scale(image.width, image.height, degrees) - 4 / min(image.size)
    return _centred(turned, scale)


def _centred(image: Image.Image, scale: float) -> Image.Image:
    w, h = round(image.width * scale), round(image.height * scale)
    left, top = (image.width - w) // 2, (image.height - h) // 2
    return image.crop((left, top, left + w, top + h))


def stretch(image: Image.Image, factor: float, horizontal: bool) -> Image.Image:
    """One axis scaled by ``factor``, the other kept."""
    if horizontal:
        return image.resize((round(image.width * factor), image.height), Image.BICUBIC)
    return image.resize((image.width, round(image.height * factor)), Image.BICUBIC)


def perspective(image: Image.Image, share: float, rng: random.Random, fill: tuple[int, int, int]) -> Image.Image:
    """The picture seen at an angle: each corner moved inwards by up to ``share`` of the side,
    the rest filled with ``fill`` (a screen photographed from slightly off its axis)."""
    w, h = image.size
    corners = [(0, 0), (w, 0), (w, h), (0, h)]
    inward = [(1, 1), (-1, 1), (-1, -1), (1, -1)]
    moved = [
        (x + dx * rng.uniform(0, share) * w, y + dy * rng.uniform(0, share) * h)
        for (x, y), (dx, dy) in zip(corners, inward, strict=True)
    ]
    # PIL wants the map from output to input pixels: solve the 8 coefficients of that homography.
    rows, values = [], []
    for (x, y), (u, v) in zip(moved, corners, strict=True):
        rows += [[x, y, 1, 0, 0, 0, -u * x, -u * y], [0, 0, 0, x, y, 1, -v * x, -v * y]]
        values += [u, v]
    coefficients = np.linalg.solve(np.array(rows, dtype=np.float64), np.array(values, dtype=np.float64))
    return image.transform(image.size, Image.PERSPECTIVE, tuple(coefficients), Image.BICUBIC, fillcolor=fill)


def circle(image: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    """The centred square shown as platforms show avatars: a disc on ``background``."""
    square = centred_square(image)
    side = square.width
    mask = Image.new("L", (side, side), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, side - 1, side - 1), fill=255)
    out = Image.new("RGB", (side, side), background)
    out.paste(square, (0, 0), mask)
    return out


# --- edits: tone and colour ----------------------------------------------------------------------


def greyscale(image: Image.Image) -> Image.Image:
    return image.convert("L").convert("RGB")


def sepia(image: Image.Image) -> Image.Image:
    """The classic sepia matrix (the one CSS's ``sepia(1)`` uses)."""
    matrix = np.array([[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]])
    pixels = np.asarray(image.convert("RGB"), dtype=np.float64) @ matrix.T
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def warm_filter(image: Image.Image) -> Image.Image:
    """An app's colour filter: warmer (red up, blue down), more saturated, a little more contrast."""
    pixels = np.asarray(image.convert("RGB"), dtype=np.float64)
    pixels = pixels * np.array([1.12, 1.0, 0.82]) + np.array([12, 4, 0])
    warmed = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    return ImageEnhance.Contrast(ImageEnhance.Color(warmed).enhance(1.4)).enhance(1.1)


def vignette(image: Image.Image, strength: float = 0.6) -> Image.Image:
    """Corners darkened by up to ``strength``, the centre kept."""
    w, h = image.size
    y, x = np.mgrid[0:h, 0:w]
    radius = np.hypot((x - (w - 1) / 2) / (w / 2), (y - (h - 1) / 2) / (h / 2)) / math.sqrt(2)
    gain = 1 - strength * radius**2
    pixels = np.asarray(image.convert("RGB"), dtype=np.float64) * gain[..., None]
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def gamma(image: Image.Image, value: float) -> Image.Image:
    table = [round(255 * (i / 255) ** value) for i in range(256)]
    return image.convert("RGB").point(table * 3)


def noise(image: Image.Image, sigma: float, rng: random.Random) -> Image.Image:
    """Gaussian noise of ``sigma`` (of 255) on every channel."""
    generator = np.random.default_rng(rng.getrandbits(64))
    pixels = np.asarray(image.convert("RGB"), dtype=np.float64)
    return Image.fromarray(np.clip(pixels + generator.normal(0, sigma, pixels.shape), 0, 255).astype(np.uint8), "RGB")


def blur(image: Image.Image, radius_at_256: float) -> Image.Image:
    """Gaussian blur of ``radius_at_256`` pixels of a 256 px picture (scaled to this one)."""
    return image.filter(ImageFilter.GaussianBlur(radius_at_256 * image.width / 256))


# --- edits: overlays and other pictures ----------------------------------------------------------


def sticker(image: Image.Image, share: float, rng: random.Random) -> Image.Image:
    """A smiley sticker (a yellow disc with eyes and a smile) covering ``share`` of the picture,
    anywhere inside it."""
    out = image.convert("RGB").copy()
    diameter = 2 * math.sqrt(share * out.width * out.height / math.pi)
    left = rng.uniform(0, out.width - diameter)
    top = rng.uniform(0, out.height - diameter)
    draw = ImageDraw.Draw(out)
    draw.ellipse((left, top, left + diameter, top + diameter), fill=(255, 204, 77), outline=(200, 140, 30), width=2)
    for ex in (0.33, 0.67):
        draw.ellipse(
            (left + (ex - 0.07) * diameter, top + 0.3 * diameter, left + (ex + 0.07) * diameter, top + 0.45 * diameter),
            fill=(60, 40, 20),
        )
    draw.arc(
        (left + 0.25 * diameter, top + 0.35 * diameter, left + 0.75 * diameter, top + 0.78 * diameter),
        20,
        160,
        fill=(60, 40, 20),
        width=max(2, round(diameter / 16)),
    )
    return out


def caption(image: Image.Image, share: float, rng: random.Random) -> Image.Image:
    """A caption band (dark, semi-opaque, white text) across the top or bottom, ``share`` of the height."""
    out = image.convert("RGB").copy()
    band = max(8, round(out.height * share))
    top = 0 if rng.random() < 0.5 else out.height - band
    overlay = Image.new("RGBA", out.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    draw.rectangle((0, top, out.width, top + band - 1), fill=(0, 0, 0, 170))
    font = ImageFont.load_default(size=max(6, round(band * 0.7)))
    text = rng.choice(WORDS).upper()
    draw.text((out.width / 2, top + band / 2), text, fill=(255, 255, 255, 255), font=font, anchor="mm")
    return Image.alpha_composite(out.convert("RGBA"), overlay).convert("RGB")


def other_portrait(rng: random.Random, side: int) -> Image.Image:
    """Someone else's portrait (a drawn person of a family of its own) for collages."""
    return draw_portrait(family_base(rng), rng.getrandbits(32), 1.5).resize((side, side), Image.BICUBIC)


def collage(image: Image.Image, cells: int, rng: random.Random) -> Image.Image:
    """The photo in one cell of a collage of ``cells`` (2: side by side; 4: two by two), the
    others other people's portraits, 4 px white gutters."""
    side, gutter = min(image.size), 4
    photo = centred_square(image)
    columns, rows = (2, 1) if cells == 2 else (2, 2)
    out = Image.new("RGB", (columns * side + (columns + 1) * gutter, rows * side + (rows + 1) * gutter), "white")
    chosen = rng.randrange(cells)
    for cell in range(cells):
        picture = photo if cell == chosen else other_portrait(rng, side)
        out.paste(picture, (gutter + (cell % columns) * (side + gutter), gutter + (cell // columns) * (side + gutter)))
    return out


def centred_square(image: Image.Image) -> Image.Image:
    """The largest centred square of the picture."""
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    return image.crop((left, top, left + side, top + side))


def screenshot(image: Image.Image, share: float, rng: random.Random) -> Image.Image:
    """A phone screenshot of a profile: status bar, header, the photo ``share`` of the screen's
    width, name and text lines, buttons."""
    width, height = 360, 720
    dark = rng.random() < 0.5
    out = Image.new("RGB", (width, height), (0, 0, 0) if dark else (255, 255, 255))
    draw = ImageDraw.Draw(out)
    ink, faint = ((230, 230, 230), (80, 80, 80)) if dark else ((20, 20, 20), (200, 200, 200))
    draw.rectangle((0, 0, width, 24), fill=(30, 30, 30) if dark else (235, 235, 235))
    draw.text((10, 6), "09:41", fill=ink, font=ImageFont.load_default(size=12))
    draw.text((44, 34), rng.choice(WORDS), fill=ink, font=ImageFont.load_default(size=18))
    side = round(width * share)
    photo = centred_square(image).resize((side, side), Image.BICUBIC)
    left, top = (width - side) // 2, 70
    out.paste(photo, (left, top))
    y = top + side + 16
    draw.text((20, y), rng.choice(WORDS).title(), fill=ink, font=ImageFont.load_default(size=20))
    for line in range(4):
        draw.rectangle((20, y + 36 + 18 * line, 20 + rng.randrange(120, 320), y + 46 + 18 * line), fill=faint)
    draw.rounded_rectangle((20, y + 120, 170, y + 152), 8, fill=(29, 155, 240))
    draw.rounded_rectangle((190, y + 120, 340, y + 152), 8, outline=faint, width=2)
    return out


def rephotographed(image: Image.Image, rng: random.Random) -> Image.Image:
    """A photo of a screen showing the picture: seen slightly off-axis, out of focus, noisy,
    with the camera's own tone curve."""
    seen = perspective(image, 0.04, rng, (40, 40, 45))
    seen = blur(seen, 1.0)
    seen = gamma(ImageEnhance.Brightness(seen).enhance(rng.uniform(0.85, 1.15)), rng.uniform(0.8, 1.25))
    return noise(seen, 6, rng)


def _sign(rng: random.Random) -> int:
    return 1 if rng.random() < 0.5 else -1


def _corner(rng: random.Random) -> tuple[float, float]:
    return float(rng.randrange(2)), float(rng.randrange(2))


# Each edit, by the name the table prints. Sizes in pixels are for a 256 px picture.
EDITS: dict[str, Edit] = {
    "rotate_2": lambda im, rng: rotate(im, 2 * _sign(rng)),
    "rotate_5": lambda im, rng: rotate(im, 5 * _sign(rng)),
    "rotate_10": lambda im, rng: rotate(im, 10 * _sign(rng)),
    "stretch_5%": lambda im, rng: stretch(im, 1.05, rng.random() < 0.5),
    "stretch_10%": lambda im, rng: stretch(im, 1.10, rng.random() < 0.5),
    "greyscale": lambda im, rng: greyscale(im),
    "sepia": lambda im, rng: sepia(im),
    "warm_filter": lambda im, rng: warm_filter(im),
    "vignette": lambda im, rng: vignette(im),
    "contrast_+50%": lambda im, rng: ImageEnhance.Contrast(im).enhance(1.5),
    "contrast_-40%": lambda im, rng: ImageEnhance.Contrast(im).enhance(0.6),
    "gamma_0.6": lambda im, rng: gamma(im, 0.6),
    "gamma_1.6": lambda im, rng: gamma(im, 1.6),
    "blur_r1.5": lambda im, rng: blur(im, 1.5),
    "blur_r3": lambda im, rng: blur(im, 3.0),
    "sharpen": lambda im, rng: im.filter(ImageFilter.UnsharpMask(radius=2, percent=150, threshold=0)),
    "noise_s8": lambda im, rng: noise(im, 8, rng),
    "noise_s20": lambda im, rng: noise(im, 20, rng),
    "sticker_5%": lambda im, rng: sticker(im, 0.05, rng),
    "sticker_10%": lambda im, rng: sticker(im, 0.10, rng),
    "sticker_15%": lambda im, rng: sticker(im, 0.15, rng),
    "caption_12%": lambda im, rng: caption(im, 0.12, rng),
    "crop_20%_random": lambda im, rng: crop(im, 0.8, rng.random(), rng.random()),
    "crop_30%_random": lambda im, rng: crop(im, 0.7, rng.random(), rng.random()),
    "crop_30%_corner": lambda im, rng: crop(im, 0.7, *_corner(rng)),
    "mirror+crop_20%": lambda im, rng: ImageOps.mirror(crop(im, 0.8, rng.random(), rng.random())),
    "circle_on_colour": lambda im, rng: circle(im, rng.choice(BACKGROUNDS)),
    "perspective_4%": lambda im, rng: perspective(im, 0.04, rng, (40, 40, 45)),
    "perspective_8%": lambda im, rng: perspective(im, 0.08, rng, (40, 40, 45)),
    "rephotographed": rephotographed,
    "collage_2": lambda im, rng: collage(im, 2, rng),
    "collage_4": lambda im, rng: collage(im, 4, rng),
    "screenshot_90%": lambda im, rng: screenshot(im, 0.9, rng),
    "screenshot_50%": lambda im, rng: screenshot(im, 0.5, rng),
}


def edited(name: str, image: Image.Image, key: str) -> bytes:
    """``image`` under the edit ``name``, as a JPEG (q90, as bench/portraits.py encodes): the same
    bytes for the same ``key`` whatever else ran before (each copy has its own seeded generator)."""
    return encode(EDITS[name](image, random.Random(f"{name}/{key}")))


# --- measure ---------------------------------------------------------------------------------------


def recall(name: str, images: list[Image.Image], copies: int) -> None:
    """Recall of each edit (module doc) for the first ``copies`` of ``images``, all of which are stored."""
    forms = [stored_forms(encode(image)) for image in images]
    with_keypoints = PhotoMatcher([form[2] for form in forms])
    hashes = [form[1] for form in forms]
    from_hashes = PhotoMatcher(hashes)
    print(f"{name}: {copies} copies, each against a bank of {len(images):,} (its look-alikes in it) and as a contact")
    print(f"  {'edit':20s} candidate  bank, photo  bank, hash  contact")
    for edit in EDITS:
        counts = [0, 0, 0, 0]
        for n, image in enumerate(images[:copies]):
            copy = fingerprint_bytes(edited(edit, image, f"{name}/{n}"))
            counts[0] += n in with_keypoints.candidates(copy)
            counts[1] += n in [m.index for m in with_keypoints.matches(copy)]
            counts[2] += n in [m.index for m in from_hashes.matches(copy)]
            counts[3] += best_match(copy, [hashes[n]]) is not None
        shares = [f"{count / copies:.2f}" for count in counts]
        print(f"  {edit:20s} {shares[0]:>9s}  {shares[1]:>11s}  {shares[2]:>10s}  {shares[3]:>7s}")


def run(copies: int, bank: int) -> None:
    """Everything this bench prints, for ``copies`` edited portraits of each set and drawn banks of ``bank``."""
    recall("lfw (real aligned faces)", lfw_faces(), min(copies, 100))
    recall("drawn, hard look-alikes", drawn_portraits(max(bank, copies)), copies)
    recall("drawn, ordinary look-alikes", drawn_portraits(max(bank, copies), jitter=1.5, seed=16), copies)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=100, help="edited portraits of each set")
    parser.add_argument("--bank", type=int, default=300, help="portraits of each drawn set in its bank")
    args = parser.parse_args()
    run(args.copies, args.bank)


if __name__ == "__main__":
    main()
