"""Portrait-safe matching: per-pair false matches of each stage, copy recall, API false alarms.

    .venv/bin/python bench/portraits.py [--people 1200] [--ordinary 1750] [--recall 300]

No real portrait set can ship with Haris, so this builds its own from what scikit-image ships and
what it can draw (fixed seeds; the same figures every run):

- ``lfw``: the 100 real aligned faces of ``skimage.data.lfw_subset()`` (25×25 px crops of Labeled
  Faces in the Wild, tightly aligned: the hardest case for a global hash), enlarged to 160 px;
- ``drawn``: procedurally drawn portraits (head, hair, eyes, brows, nose, mouth, neck, clothes,
  background, lighting, blur, sensor noise) in families of six look-alikes: members share the
  same pose, framing, palette and background kind — different people photographed the same way.
  Two sets: *hard* (jitter 0.7: members differ by a few pixels of geometry, nearly the same
  drawing; the pessimistic bound, and the API part's people) and *ordinary* (jitter 1.5: faces
  and features as different as real people's, same pose and framing).

For every ordered pair (checked picture of one person, stored picture of another) it reports the
share that are candidates (stage 1: phash fingerprints within 10 bits, and 14 where keypoints
decide) and confirmed matches (stage 2) for each way a picture is stored: with keypoints (banks,
protected people), as a hash checked against pixels (contacts), hash against hash. Copy recall:
each portrait re-uploaded
under the six transforms (resize, JPEG q60, 10% crop, mirror, border, brightness) and
combinations. The same portraits through the real app (a bank, a protected-people registry and
checks of their look-alikes): bench/avatar_false_alarms.py.

This is a proxy: the verdict on portrait safety comes from held-out real portraits.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFilter, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heuristics.images import MATCH_THRESHOLD, AvatarFingerprint, fingerprint_bytes
from heuristics.matching import (
    ALIGNED_THRESHOLD,
    DETAIL_THRESHOLD,
    FINE_THRESHOLD,
    GEOMETRIC_CANDIDATE_THRESHOLD,
    MIN_INLIERS,
    candidate_threshold,
    compare,
    detail_distance,
    geometric_evidence,
    relations,
)

SIDE = 256


# --- portraits --------------------------------------------------------------------------------


def lfw_faces() -> list[Image.Image]:
    from skimage import data

    faces = data.lfw_subset()[:100]  # the first 100 are faces, the rest are not
    return [
        Image.fromarray((face * 255).astype(np.uint8), "L").convert("RGB").resize((160, 160), Image.BICUBIC)
        for face in faces
    ]


def _texture(rng: np.random.Generator, size: tuple[int, int], scale: float, streak: float = 1.0) -> Image.Image:
    """Smooth random texture in 0–255 (noise blurred at ``scale``; ``streak`` stretches it)."""
    noise = Image.fromarray((rng.random((size[1], size[0])) * 255).astype(np.uint8), "L")
    small = noise.resize((max(2, int(size[0] / scale)), max(2, int(size[1] / (scale * streak)))), Image.BILINEAR)
    return ImageOps.autocontrast(small.resize(size, Image.BICUBIC))


def _tinted(texture: Image.Image, colour: tuple[int, int, int], spread: int) -> Image.Image:
    grey = np.asarray(texture, dtype=np.float64)[..., None] / 255 - 0.5
    return Image.fromarray(np.clip(np.array(colour) + grey * spread, 0, 255).astype(np.uint8), "RGB")


def family_base(rng: random.Random) -> dict[str, float]:
    """What look-alikes share: pose, framing, proportions, palette, background kind."""
    return {
        "cx": rng.uniform(118, 138),
        "cy": rng.uniform(110, 132),
        "rx": rng.uniform(52, 68),
        "ry": rng.uniform(68, 86),
        "eye_y": rng.uniform(-0.2, 0.0),
        "eye_dx": rng.uniform(0.34, 0.44),
        "mouth_y": rng.uniform(0.45, 0.6),
        "hair": rng.uniform(0.1, 0.6),
        "skin": rng.uniform(0, 1),
        "hair_tone": rng.uniform(0, 1),
        "bg": rng.uniform(0, 1),
        "clothes": rng.uniform(0, 1),
        "light": rng.uniform(-1, 1),
    }


def draw_portrait(base: dict[str, float], seed: int, jitter: float) -> Image.Image:
    """One person of a family: the family's base with this person's changes and textures."""
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    p = {k: v + rng.gauss(0, jitter) * (8 if k in ("cx", "cy", "rx", "ry") else 0.05) for k, v in base.items()}
    skin = tuple(int(c) for c in np.array([224, 172, 140]) * (0.45 + 0.55 * p["skin"]) + rng.uniform(-12, 12))
    hair = tuple(int(c) for c in np.array([70, 50, 35]) * (0.3 + 1.4 * p["hair_tone"]))
    bg = tuple(int(c) for c in np.array([90, 120, 160]) * (0.5 + p["bg"]) % 256)
    clothes = tuple(int(c) for c in np.array([40, 80, 140]) * (0.5 + 1.5 * p["clothes"]) % 256)

    image = _tinted(_texture(nrng, (SIDE, SIDE), rng.uniform(20, 60)), bg, rng.uniform(30, 90))
    draw = ImageDraw.Draw(image)
    cx, cy, rx, ry = p["cx"], p["cy"], p["rx"], p["ry"]
    # Clothes and neck.
    shoulders = Image.new("L", (SIDE, SIDE), 0)
    ImageDraw.Draw(shoulders).ellipse((cx - 2.2 * rx, cy + 1.1 * ry, cx + 2.2 * rx, cy + 3.2 * ry), fill=255)
    image.paste(_tinted(_texture(nrng, (SIDE, SIDE), rng.uniform(4, 15)), clothes, 70), (0, 0), shoulders)
    draw.rectangle((cx - 0.45 * rx, cy + 0.6 * ry, cx + 0.45 * rx, cy + 1.25 * ry), fill=skin)
    # Hair behind the head, then the face with its own shading.
    hair_mask = Image.new("L", (SIDE, SIDE), 0)
    grow = 1.08 + p["hair"] * 0.5
    ImageDraw.Draw(hair_mask).ellipse(
        (cx - rx * grow, cy - ry * (1.05 + p["hair"] * 0.2), cx + rx * grow, cy + ry * (0.2 + p["hair"] * 1.2)),
        fill=255,
    )
    hair_texture = _tinted(_texture(nrng, (SIDE, SIDE), rng.uniform(2, 5), streak=rng.uniform(3, 8)), hair, 80)
    image.paste(hair_texture, (0, 0), hair_mask)
    face_mask = Image.new("L", (SIDE, SIDE), 0)
    ImageDraw.Draw(face_mask).ellipse((cx - rx, cy - ry, cx + rx, cy + ry), fill=255)
    face = _tinted(_texture(nrng, (SIDE, SIDE), rng.uniform(8, 25)), skin, 25)
    image.paste(face, (0, 0), face_mask)
    fringe = Image.new("L", (SIDE, SIDE), 0)
    ImageDraw.Draw(fringe).chord(
        (cx - rx * 1.05, cy - ry * 1.1, cx + rx * 1.05, cy - ry * (0.1 + 0.3 * p["hair"])), 180, 360, fill=255
    )
    image.paste(hair_texture, (0, 0), fringe)
    # Features.
    eye_y = cy + p["eye_y"] * ry
    for side in (-1, 1):
        ex = cx + side * p["eye_dx"] * rx
        ew, eh = rx * rng.uniform(0.16, 0.22), ry * rng.uniform(0.05, 0.08)
        draw.ellipse((ex - ew, eye_y - eh, ex + ew, eye_y + eh), fill=(235, 235, 230))
        iris = ew * rng.uniform(0.45, 0.6)
        draw.ellipse((ex - iris, eye_y - iris, ex + iris, eye_y + iris), fill=(rng.randrange(30, 90),) * 3)
        brow_y = eye_y - ry * rng.uniform(0.14, 0.22)
        draw.line(
            (ex - ew * 1.2, brow_y + side * rng.uniform(-3, 3), ex + ew * 1.2, brow_y),
            fill=hair,
            width=rng.randrange(2, 6),
        )
    nose_y = cy + ry * rng.uniform(0.18, 0.3)
    draw.line((cx + rng.uniform(-3, 3), eye_y + 6, cx, nose_y), fill=tuple(int(c * 0.8) for c in skin), width=3)
    mouth_y, mouth_w = cy + p["mouth_y"] * ry, rx * rng.uniform(0.28, 0.45)
    draw.chord((cx - mouth_w, mouth_y - 6, cx + mouth_w, mouth_y + rng.uniform(4, 12)), 0, 180, fill=(150, 60, 60))
    if rng.random() < 0.25:  # glasses
        for side in (-1, 1):
            ex = cx + side * p["eye_dx"] * rx
            draw.ellipse(
                (ex - rx * 0.28, eye_y - ry * 0.15, ex + rx * 0.28, eye_y + ry * 0.15), outline=(20, 20, 20), width=3
            )
    if rng.random() < 0.3:  # beard
        beard = Image.new("L", (SIDE, SIDE), 0)
        ImageDraw.Draw(beard).chord((cx - rx, cy - ry * 0.2, cx + rx, cy + ry * 1.05), 0, 180, fill=200)
        image.paste(hair_texture, (0, 0), beard)
    # Lighting from one side, lens blur, sensor noise.
    ramp = np.linspace(1 - 0.25 * p["light"], 1 + 0.25 * p["light"], SIDE)[None, :, None]
    pixels = np.asarray(image, dtype=np.float64) * ramp + nrng.normal(0, rng.uniform(2, 6), (SIDE, SIDE, 3))
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    return image.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.2)))


def drawn_portraits(people: int, family_size: int = 6, jitter: float = 0.7, seed: int = 20261129) -> list[Image.Image]:
    """Families of look-alikes. ``jitter`` 0.7: the hard set (members nearly the same drawing,
    the pessimistic bound); 1.5: ordinary look-alikes (same pose, framing and palette, faces and
    features as different as real people's)."""
    rng = random.Random(seed)
    portraits = []
    while len(portraits) < people:
        base = family_base(rng)
        for _ in range(min(family_size, people - len(portraits))):
            portraits.append(draw_portrait(base, rng.getrandbits(32), jitter))
    return portraits


# --- transforms and encoding ---------------------------------------------------------------------


def encode(image: Image.Image, fmt: str = "JPEG", quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, quality=quality) if fmt == "JPEG" else image.save(buffer, fmt)
    return buffer.getvalue()


def crop(image: Image.Image, keep: float, ax: float, ay: float) -> Image.Image:
    w, h = image.size
    left, top = round(w * (1 - keep) * ax), round(h * (1 - keep) * ay)
    return image.crop((left, top, left + round(w * keep), top + round(h * keep)))


_RANDOM = random.Random(16)
TRANSFORMS: dict[str, Callable[[Image.Image], bytes]] = {
    "resize": lambda im: encode(im.resize((im.width * 5 // 8, im.height * 5 // 8), Image.BILINEAR)),
    "jpeg_q60": lambda im: encode(im, quality=60),
    "crop_10%_centred": lambda im: encode(crop(im, 0.9, 0.5, 0.5)),
    "crop_10%_random": lambda im: encode(crop(im, 0.9, _RANDOM.random(), _RANDOM.random())),
    "mirror": lambda im: encode(ImageOps.mirror(im)),
    "border": lambda im: encode(ImageOps.expand(im, round(im.width * 0.08), (255, 255, 255))),
    "brightness": lambda im: encode(ImageEnhance.Brightness(im).enhance(_RANDOM.choice((0.75, 1.3)))),
    "crop+mirror+q70": lambda im: encode(ImageOps.mirror(crop(im, 0.9, _RANDOM.random(), 0.5)), quality=70),
}


# --- measures ----------------------------------------------------------------------------------


def candidate_pairs(fingerprints: list[AvatarFingerprint], threshold: int) -> list[tuple[int, int, int]]:
    """(i, j, distance) of every unordered pair within ``threshold`` (vectorised scan)."""
    probes = np.array([(fp.probes * 2)[:4] for fp in fingerprints], dtype=np.uint64)  # padded to 4
    refs = np.array([fp.references for fp in fingerprints], dtype=np.uint64)
    found = []
    for i in range(len(fingerprints) - 1):
        forward = np.bitwise_count(probes[i][None, :, None] ^ refs[i + 1 :, None, :]).min(axis=(1, 2))
        backward = np.bitwise_count(probes[i + 1 :, :, None] ^ refs[i][None, None, :]).min(axis=(1, 2))
        distances = np.minimum(forward, backward)
        found += [(i, i + 1 + int(k), int(distances[k])) for k in np.flatnonzero(distances <= threshold)]
    return found


def rate(count: int, total: int) -> str:
    if count == 0:
        return f"0 of {total:,} (< {3 / total:.1e}, 95%)"
    return f"{count:,} of {total:,} ({count / total:.2e})"


def stored_forms(data: bytes) -> tuple[AvatarFingerprint, AvatarFingerprint, AvatarFingerprint]:
    """A picture as a check sees it (pixels), as a stored hash (contacts, reports) and as a
    stored picture made from the photo (banks, protected people: hash and keypoints)."""
    checked = fingerprint_bytes(data)
    stored = AvatarFingerprint.from_hex(checked.hex)
    with_keypoints = replace(stored, keypoints=checked.with_keypoints().keypoints)
    return checked, stored, with_keypoints


def geometry(query: AvatarFingerprint, stored: AvatarFingerprint) -> tuple[int, int, int]:
    """:func:`heuristics.matching.geometric_evidence` of a pair; (0, 256, 256) when it is not
    even a candidate."""
    found = relations(query, stored, candidate_threshold(query, stored))
    if not found or query.source is None or stored.keypoints is None or query.legacy or stored.legacy:
        return 0, 256, 256
    return geometric_evidence(query, stored, found)


def pair_rates(name: str, images: list[Image.Image]) -> None:
    """Every ordered pair (checked picture of one person, stored picture of another): candidates
    at each threshold and confirmations of each storage form. Stored keypoints: the candidate
    stage at 14 bits, as banks and protected people run it; contacts and hash-only checks: 10."""
    forms = [stored_forms(encode(im)) for im in images]
    checked, stored, banked = (list(column) for column in zip(*forms, strict=True))
    ordered = len(images) * (len(images) - 1)
    wide = candidate_pairs(stored, GEOMETRIC_CANDIDATE_THRESHOLD)
    narrow = [(i, j) for i, j, distance in wide if distance <= MATCH_THRESHOLD]
    geometric = confirmed_pixels = confirmed_hashes = most_inliers = aligned_pairs = 0
    closest_detail = closest_fine = 256
    for i, j, _ in wide:
        for q, s in ((i, j), (j, i)):
            inliers, aligned, fine = geometry(checked[q], banked[s])
            most_inliers = max(most_inliers, inliers)
            geometric += aligned <= ALIGNED_THRESHOLD
            aligned_pairs += fine < 256
            closest_fine = min(closest_fine, fine)
    for i, j in narrow:
        for q, s in ((i, j), (j, i)):
            detail = detail_distance(checked[q], stored[s], relations(checked[q], stored[s]))
            closest_detail = min(closest_detail, detail if detail is not None else 256)
            confirmed_pixels += compare(checked[q], stored[s]) is not None
            confirmed_hashes += compare(stored[q], stored[s]) is not None
    print(f"{name}: {len(images):,} people, {ordered:,} ordered pairs (checked, stored) of different people")
    print(f"  stage 1 candidates <= {MATCH_THRESHOLD} bits: {rate(2 * len(narrow), ordered)}")
    print(f"  stage 1 candidates <= {GEOMETRIC_CANDIDATE_THRESHOLD} bits: {rate(2 * len(wide), ordered)}")
    print(f"  stage 2, stored keypoints (banks, protected people): {rate(geometric, ordered)}")
    print(
        f"    most keypoints on one transform: {most_inliers} (needs {MIN_INLIERS}); aligned detail within"
        f" {ALIGNED_THRESHOLD}: {aligned_pairs:,}; closest fine: {closest_fine} of 256 (confirms <= {FINE_THRESHOLD})"
    )
    print(f"  stage 2, stored hash, checked pixels (contacts): {rate(confirmed_pixels, ordered)}")
    closest = "none" if closest_detail == 256 else f"{closest_detail} of 255"
    print(f"    closest confirming detail distance: {closest} (confirms <= {DETAIL_THRESHOLD})")
    print(f"  stage 2, hash against hash (hash-only checks): {rate(confirmed_hashes, ordered)}")


def recall(name: str, images: list[Image.Image]) -> None:
    stored = [stored_forms(encode(im))[1:] for im in images]
    print(f"{name}: copy recall, {len(images)} portraits (stored keypoints | stored hash with pixels | hash only)")
    print(f"  {'':18s} {'recall':>22s}   fewest inliers, worst aligned detail, worst fine of a confirmed copy")
    for label, transform in TRANSFORMS.items():
        copies = [fingerprint_bytes(transform(im)) for im in images]
        counts = [0, 0, 0]
        fewest, worst, worst_fine = 10**6, 0, 0
        for copy, (hashed, banked) in zip(copies, stored, strict=True):
            inliers, detail, fine = geometry(copy, banked)
            confirmed = detail <= ALIGNED_THRESHOLD
            counts[0] += confirmed
            counts[1] += compare(copy, hashed) is not None
            counts[2] += compare(AvatarFingerprint.from_hex(copy.hex), hashed) is not None
            if confirmed:
                fewest, worst, worst_fine = min(fewest, inliers), max(worst, detail), max(worst_fine, fine)
        shares = " | ".join(f"{count / len(images):.3f}" for count in counts)
        print(f"  {label:18s} {shares}   {fewest}, {worst}, {worst_fine}")


def run(people: int, ordinary: int, recall_count: int) -> None:
    """Everything this bench prints (module doc), for these sizes of the sets."""
    lfw = lfw_faces()
    hard = drawn_portraits(max(people, recall_count))
    ordinary_set = drawn_portraits(max(ordinary, recall_count), jitter=1.5, seed=16)
    pair_rates("lfw (real aligned faces)", lfw)
    pair_rates("drawn, hard look-alikes (jitter 0.7)", hard[:people])
    pair_rates("drawn, ordinary look-alikes (jitter 1.5)", ordinary_set[:ordinary])
    recall("lfw", lfw)
    recall("drawn, hard", hard[:recall_count])
    recall("drawn, ordinary", ordinary_set[:recall_count])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1200, help="people of the hard drawn set for the pair rates")
    parser.add_argument("--ordinary", type=int, default=1750, help="people of the ordinary drawn set")
    parser.add_argument("--recall", type=int, default=300, help="portraits of each drawn set for copy recall")
    args = parser.parse_args()
    run(args.people, args.ordinary, args.recall)


if __name__ == "__main__":
    main()
