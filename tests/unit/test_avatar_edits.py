"""bench/avatar_edits.py's edits do what their names say (the recall table is only as good as them)."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
from PIL import Image, ImageDraw

from bench.avatar_edits import (
    BACKGROUNDS,
    EDITS,
    caption,
    circle,
    collage,
    edited,
    inscribed_scale,
    perspective,
    rotate,
    screenshot,
    sticker,
)

GREY = (120, 120, 120)


def uniform(size: tuple[int, int] = (200, 200), colour: tuple[int, int, int] = GREY) -> Image.Image:
    return Image.new("RGB", size, colour)


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.int16)


def changed_share(before: Image.Image, after: Image.Image) -> float:
    return float((np.abs(pixels(before) - pixels(after)).max(axis=2) > 10).mean())


def gradient(size: int = 128) -> Image.Image:
    """A picture where every pixel differs from its neighbours (position is readable from colour)."""
    y, x = np.mgrid[0:size, 0:size]
    return Image.fromarray(np.stack([x * 255 // size, y * 255 // size, (x + y) * 127 // size], axis=2).astype(np.uint8))


def test_every_edit_runs_and_is_the_same_for_the_same_key_only() -> None:
    image = gradient(96)
    for name in EDITS:
        assert edited(name, image, "a") == edited(name, image, "a"), name
    assert edited("sticker_10%", image, "a") != edited("sticker_10%", image, "b")


def test_rotation_turns_the_picture_by_its_angle_and_leaves_no_fill() -> None:
    # A dark horizontal line through the centre of a light picture: after the edit its slope is the angle.
    image = uniform((240, 240), (230, 230, 230))
    ImageDraw.Draw(image).line((0, 120, 239, 120), fill=(0, 0, 0), width=3)
    for degrees in (2, 5, 10, -5):
        turned = rotate(image, degrees)
        ys, xs = np.nonzero(pixels(turned).mean(axis=2) < 100)
        slope = np.polyfit(xs, ys, 1)[0]
        assert math.degrees(math.atan(-slope)) == pytest.approx(degrees, abs=0.3)
        assert turned.width == turned.height == pytest.approx(240 * inscribed_scale(240, 240, degrees), abs=5)
    # The straighten crop keeps no corner of fill (a uniform picture stays uniform).
    flat = rotate(uniform(), 10)
    assert np.abs(pixels(flat) - np.array(GREY)).max() <= 2
    wide = rotate(uniform((300, 200)), 5)
    assert np.abs(pixels(wide) - np.array(GREY)).max() <= 2
    assert wide.width / wide.height == pytest.approx(1.5, abs=0.02)


def test_inscribed_scale_is_the_straighten_tools() -> None:
    assert inscribed_scale(100, 100, 0) == 1
    assert inscribed_scale(100, 100, 10) == pytest.approx(1 / (math.cos(math.radians(10)) + math.sin(math.radians(10))))


def test_stretch_scales_one_axis() -> None:
    image = uniform((200, 200))
    sizes = {EDITS["stretch_10%"](image, random.Random(seed)).size for seed in range(20)}
    assert sizes == {(220, 200), (200, 220)}
    assert {EDITS["stretch_5%"](image, random.Random(seed)).size for seed in range(20)} == {(210, 200), (200, 210)}


def test_colour_filters() -> None:
    image = gradient()
    grey = pixels(EDITS["greyscale"](image, random.Random(0)))
    assert (grey[..., 0] == grey[..., 1]).all() and (grey[..., 1] == grey[..., 2]).all()
    sepia = pixels(EDITS["sepia"](uniform(), random.Random(0)))[0, 0]
    assert sepia[0] > sepia[1] > sepia[2]  # brown
    warm = pixels(EDITS["warm_filter"](uniform(), random.Random(0)))[0, 0]
    assert warm[0] > GREY[0] > warm[2]
    vignette = pixels(EDITS["vignette"](uniform(), random.Random(0)))
    assert abs(vignette[100, 100] - np.array(GREY)).max() <= 1 and vignette[0, 0, 0] < 0.5 * GREY[0]


def test_tone_edits_move_the_tones_the_right_way() -> None:
    image = gradient()
    mean = pixels(image).mean()
    assert pixels(EDITS["gamma_0.6"](image, random.Random(0))).mean() > mean
    assert pixels(EDITS["gamma_1.6"](image, random.Random(0))).mean() < mean
    spread = pixels(image).std()
    assert pixels(EDITS["contrast_+50%"](image, random.Random(0))).std() > 1.3 * spread
    assert pixels(EDITS["contrast_-40%"](image, random.Random(0))).std() < 0.7 * spread


def test_blur_sharpen_and_noise() -> None:
    edges = uniform((128, 128), (0, 0, 0))
    ImageDraw.Draw(edges).rectangle((32, 32, 95, 95), fill=(255, 255, 255))

    def edge_strength(image: Image.Image) -> float:
        return float(np.abs(np.diff(pixels(image).mean(axis=2), axis=1)).max())

    assert edge_strength(EDITS["blur_r3"](edges, random.Random(0))) < edge_strength(
        EDITS["blur_r1.5"](edges, random.Random(0))
    )
    assert edge_strength(EDITS["blur_r1.5"](edges, random.Random(0))) < 255
    soft = EDITS["blur_r1.5"](edges, random.Random(0))
    assert pixels(EDITS["sharpen"](soft, random.Random(0))).std() > pixels(soft).std()
    for name, sigma in (("noise_s8", 8), ("noise_s20", 20)):
        noisy = pixels(EDITS[name](uniform(), random.Random(1)))
        assert noisy.std() == pytest.approx(sigma, rel=0.1)


@pytest.mark.parametrize("share", [0.05, 0.10, 0.15])
def test_a_sticker_covers_its_share_inside_the_picture(share: float) -> None:
    image = uniform((240, 240), (20, 60, 160))
    for seed in range(5):
        assert changed_share(image, sticker(image, share, random.Random(seed))) == pytest.approx(share, abs=0.01)


def test_a_caption_is_a_band_at_the_top_or_bottom() -> None:
    image = uniform((200, 200))
    bands = set()
    for seed in range(10):
        changed = (np.abs(pixels(caption(image, 0.12, random.Random(seed))) - np.array(GREY)).max(axis=2) > 10).any(
            axis=1
        )
        rows = np.flatnonzero(changed)
        assert len(rows) == 24
        bands.add(int(rows[0]))
    assert bands == {0, 176}


def test_a_circle_on_colour_keeps_the_disc_and_paints_the_corners() -> None:
    image = gradient(128)
    for background in BACKGROUNDS:
        out = circle(image, background)
        assert out.size == (128, 128)
        for corner in ((0, 0), (127, 0), (0, 127), (127, 127)):
            assert out.getpixel(corner) == background
        assert out.getpixel((64, 64)) == image.getpixel((64, 64))
    # A wide picture is shown by its centred square.
    wide = Image.new("RGB", (300, 100), (255, 0, 0))
    wide.paste((0, 255, 0), (100, 0, 200, 100))
    assert circle(wide, (0, 0, 0)).getpixel((50, 50)) == (0, 255, 0)


@pytest.mark.parametrize("cells", [2, 4])
def test_the_photo_is_one_cell_of_a_collage(cells: int) -> None:
    image = gradient(96)
    for seed in range(3):
        out = collage(image, cells, random.Random(seed))
        columns, rows = 2, cells // 2
        assert out.size == (2 * 96 + 3 * 4, rows * 96 + (rows + 1) * 4)
        found = [
            (column, row)
            for row in range(rows)
            for column in range(columns)
            if out.crop((4 + column * 100, 4 + row * 100, 100 + column * 100, 100 + row * 100)).tobytes()
            == image.tobytes()
        ]
        assert len(found) == 1


@pytest.mark.parametrize("share", [0.5, 0.9])
def test_a_screenshot_shows_the_photo_at_its_share_of_the_width(share: float) -> None:
    image = gradient(128)
    out = screenshot(image, share, random.Random(3))
    side = round(360 * share)
    assert out.size == (360, 720)
    left = (360 - side) // 2
    shown = out.crop((left, 70, left + side, 70 + side))
    assert shown.tobytes() == image.resize((side, side), Image.BICUBIC).tobytes()


def test_perspective_moves_corners_inwards_up_to_its_share() -> None:
    image = uniform((200, 200), (250, 250, 250))
    fill = (40, 40, 45)
    assert pixels(perspective(image, 0.0, random.Random(0), fill)).min() >= 249
    for seed in range(5):
        out = perspective(image, 0.08, random.Random(seed), fill)
        filled = (np.abs(pixels(out) - np.array(fill)).max(axis=2) < 10).mean()
        assert 0.01 < filled < 4 * 0.08  # within a strip of 8% inside each side
        assert out.getpixel((100, 100)) == (250, 250, 250)


CROPS = [("crop_20%_random", 0.8), ("crop_30%_random", 0.7), ("crop_30%_corner", 0.7)]


@pytest.mark.parametrize(("name", "keep"), CROPS)
def test_crops_keep_their_share(name: str, keep: float) -> None:
    image = gradient(200)
    out = EDITS[name](image, random.Random(4))
    assert out.size == (round(200 * keep), round(200 * keep))
    if name == "crop_30%_corner":
        corners = [image.crop((x, y, x + 140, y + 140)).tobytes() for x in (0, 60) for y in (0, 60)]
        assert out.tobytes() in corners


def test_mirror_and_crop() -> None:
    image = gradient(200)
    out = EDITS["mirror+crop_20%"](image, random.Random(5))
    assert out.size == (160, 160)
    red = pixels(out)[0, :, 0]
    assert red[0] > red[-1]  # red grows rightwards in the original


def test_rephotographed_is_blurred_noisy_and_off_axis() -> None:
    image = uniform((200, 200), (250, 250, 250))
    out = pixels(EDITS["rephotographed"](image, random.Random(2)))
    assert out[90:110, 90:110].std() > 3  # noise
    assert out.mean(axis=2).min() < 120  # corners of the dark surround
