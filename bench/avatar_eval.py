"""Avatar fingerprint evaluation on real photos: recall per transform, false matches between images.

Usage: ``.venv/bin/python bench/avatar_eval.py PHOTO_DIR`` (a folder of photos; no default: the
evaluation set is not in the repository, tests/data/photos holds a few of its photos).

Each photo goes through the transforms a re-uploaded avatar suffers (every copy is re-encoded and
decoded through :func:`heuristics.images.decode`, as the server does); the copy's fingerprint is
compared with the original's. Negatives: every ordered pair of different photos, with the query in
every transformed form, plus "sub-pictures" (the four quadrants of every photo, each a distinct
picture: hard negatives of the same texture, lighting and camera).
"""

from __future__ import annotations

import io
import itertools
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image, ImageEnhance, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from heuristics.images import MATCH_THRESHOLD, AvatarFingerprint, decode, fingerprint

Transform = Callable[[Image.Image], Image.Image]


def encode(image: Image.Image, fmt: str = "PNG", **options: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def crop(image: Image.Image, keep: float, ax: float = 0.5, ay: float = 0.5) -> Image.Image:
    w, h = image.size
    left, top = round(w * (1 - keep) * ax), round(h * (1 - keep) * ay)
    return image.crop((left, top, left + round(w * keep), top + round(h * keep)))


_RANDOM = random.Random(10)


def random_crop(image: Image.Image) -> Image.Image:
    """Keep 88–95% of each side at a random position (seeded: the same crops every run)."""
    return crop(image, _RANDOM.uniform(0.88, 0.95), _RANDOM.random(), _RANDOM.random())


def border(image: Image.Image, share: float, colour: tuple[int, int, int]) -> Image.Image:
    return ImageOps.expand(image, border=round(max(image.size) * share), fill=colour)


# The six transforms a re-uploaded avatar suffers (resize, recompress, ~10% crop, border, mirror, brightness), in
# several strengths, and combinations a re-upload typically has.
TRANSFORMS: dict[str, tuple[Transform, str]] = {
    "resize_1/3": (lambda im: im.resize((max(8, im.width // 3), max(8, im.height // 3)), Image.BILINEAR), "png"),
    "resize_160": (lambda im: ImageOps.contain(im, (160, 160)), "png"),
    "jpeg_q50": (lambda im: im, "jpeg50"),
    "jpeg_q30": (lambda im: im, "jpeg30"),
    "crop_10%_centred": (lambda im: crop(im, 0.9), "png"),
    "crop_10%_corner": (lambda im: crop(im, 0.9, 0, 0), "png"),
    "crop_10%_side": (lambda im: crop(im, 0.9, 1, 0.5), "png"),
    "crop_10%_random_a": (lambda im: random_crop(im), "jpeg80"),
    "crop_10%_random_b": (lambda im: random_crop(im), "jpeg80"),
    "crop_10%_random_c": (lambda im: random_crop(im), "jpeg80"),
    "crop_square": (lambda im: ImageOps.fit(im, (min(im.size),) * 2), "png"),
    "border_white_6%": (lambda im: border(im, 0.06, (255, 255, 255)), "jpeg85"),
    "border_black_10%": (lambda im: border(im, 0.10, (0, 0, 0)), "png"),
    "mirror": (ImageOps.mirror, "png"),
    "brightness_1.3": (lambda im: ImageEnhance.Brightness(im).enhance(1.3), "png"),
    "brightness_0.7": (lambda im: ImageEnhance.Brightness(im).enhance(0.7), "png"),
    "crop+mirror+jpeg": (lambda im: ImageOps.mirror(crop(im, 0.9)), "jpeg75"),
    "crop+border+resize": (lambda im: border(crop(im, 0.9), 0.05, (255, 255, 255)).resize((200, 200)), "jpeg75"),
}


def reupload(image: Image.Image, transform: Transform, fmt: str) -> AvatarFingerprint:
    out = transform(image)
    data = encode(out, "JPEG", quality=int(fmt[4:])) if fmt.startswith("jpeg") else encode(out)
    return fingerprint(decode(data))


def quadrants(image: Image.Image) -> list[Image.Image]:
    w, h = image.size
    return [image.crop((x, y, x + w // 2, y + h // 2)) for x in (0, w // 2) for y in (0, h // 2)]


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: bench/avatar_eval.py PHOTO_DIR")
    folder = Path(sys.argv[1])
    paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in {".png", ".jpg", ".jpeg", ".webp", ".gif"})
    originals = {p.name: decode(p.read_bytes(), target_side=None) for p in paths}
    stored = {name: fingerprint(decode(encode(im))) for name, im in originals.items()}
    print(f"{len(paths)} photos from {folder}; threshold {MATCH_THRESHOLD} (probe-to-reference bits of 64)\n")

    copies: dict[str, dict[str, AvatarFingerprint]] = {}
    print(f"{'transform':22s} {'min':>3s} {'med':>3s} {'p90':>3s} {'max':>3s}  recall  misses")
    all_hits: list[bool] = []
    for label, (transform, fmt) in TRANSFORMS.items():
        copies[label] = {name: reupload(im, transform, fmt) for name, im in originals.items()}
        distances = {name: stored[name].distance(copies[label][name]) for name in originals}
        values = sorted(distances.values())
        hits = [d <= MATCH_THRESHOLD for d in values]
        all_hits += hits
        misses = ", ".join(f"{n}={d}" for n, d in distances.items() if d > MATCH_THRESHOLD)
        p90 = values[min(len(values) - 1, int(0.9 * len(values)))]
        print(
            f"{label:22s} {values[0]:3d} {statistics.median(values):3.0f} {p90:3d} {values[-1]:3d}  "
            f"{sum(hits) / len(hits):6.3f}  {misses}"
        )
    print(f"{'ALL':22s} recall {sum(all_hits) / len(all_hits):.4f} ({sum(all_hits)}/{len(all_hits)})\n")

    negatives: list[int] = []
    for a, b in itertools.permutations(originals, 2):
        negatives.append(stored[a].distance(stored[b]))
        negatives += [stored[b].distance(copies[label][a]) for label in copies]
    pieces = [fingerprint(q) for im in originals.values() for q in quadrants(im)]
    piece_negatives = [x.distance(y) for x, y in itertools.combinations(pieces, 2)]
    for title, values in (("different photos (incl. transformed)", negatives), ("quadrant pictures", piece_negatives)):
        array = np.array(values)
        rate = float((array <= MATCH_THRESHOLD).mean())
        closest = ", ".join(f"≤{k}: {(array <= k).mean():.4%}" for k in (10, 12, 14, 16))
        print(f"false matches, {title}: {rate:.4%} of {array.size} pairs (min distance {array.min()}; {closest})")

    timing(next(iter(originals.values())))


def median_ms(function: Callable[[], object], repeats: int = 15) -> float:
    function()  # warm-up: first calls import scipy's DCT
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def timing(image: Image.Image) -> None:
    """Decode and fingerprint cost, as ratios to baselines measured in this run (the machine is shared)."""
    sample = encode(image.resize((1080, 1080)), "JPEG", quality=90)
    full = median_ms(lambda: decode(sample, target_side=None))
    draft = median_ms(lambda: decode(sample))
    small = decode(sample)
    one_phash = median_ms(lambda: imagehash.phash(small))
    whole = median_ms(lambda: fingerprint(small))
    print(f"\n1080² JPEG decode: full {full:.1f} ms, draft mode {draft:.1f} ms ({full / draft:.1f}× faster)")
    print(
        f"fingerprint of the decoded 256² image {whole:.1f} ms "
        f"= {whole / one_phash:.1f}× one imagehash.phash ({one_phash:.2f} ms)"
    )


if __name__ == "__main__":
    main()
