"""The site's icons, drawn in plain Python: `python -m techvote.icons` rewrites them.

Browsers, phones and link previews each ask for their own raster icon
(`favicon.ico`, `apple-touch-icon.png`, the web manifest's 192 and 512 px
icons); `static/img/favicon.svg` stays the sharp one for browsers that take
SVG. All of them are the brand mark, an upward triangle, white on the brand
colour. Drawing them here, with the standard library only, keeps the
project free of an image library for six files that change once in a while;
the files are committed, so nothing runs this at build time.
"""

import struct
import zlib
from pathlib import Path

STATIC_IMG = Path(__file__).resolve().parent.parent / "static" / "img"

BRAND = (59, 47, 201)  # --brand in static/css/techvote.css
MARK = (255, 255, 255)
SAMPLES = 4  # Per pixel side: 16 samples smooth the triangle's edges.

# The triangle, as fractions of the icon's side: apex, bottom right, bottom left.
TRIANGLE = ((16 / 32, 6 / 32), (27 / 32, 25 / 32), (5 / 32, 25 / 32))  # As favicon.svg's.


def _inside(x: float, y: float) -> bool:
    """Whether (x, y), in fractions of the side, is inside TRIANGLE."""
    (ax, ay), (bx, by), (cx, cy) = TRIANGLE
    d1 = (x - bx) * (ay - by) - (ax - bx) * (y - by)
    d2 = (x - cx) * (by - cy) - (bx - cx) * (y - cy)
    d3 = (x - ax) * (cy - ay) - (cx - ax) * (y - ay)
    negative = d1 < 0 or d2 < 0 or d3 < 0
    positive = d1 > 0 or d2 > 0 or d3 > 0
    return not (negative and positive)


def draw(size: int) -> bytes:
    """RGB rows of a square icon, each row led by PNG's filter byte (0: none)."""
    rows = bytearray()
    step = 1 / (size * SAMPLES)
    for row in range(size):
        rows.append(0)
        for column in range(size):
            hits = sum(
                _inside((column * SAMPLES + i + 0.5) * step, (row * SAMPLES + j + 0.5) * step)
                for i in range(SAMPLES)
                for j in range(SAMPLES)
            )
            share = hits / SAMPLES**2
            rows.extend(round(b + (m - b) * share) for b, m in zip(BRAND, MARK, strict=True))
    return bytes(rows)


def png(size: int) -> bytes:
    """A PNG file of the icon at `size` pixels square."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB.
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(draw(size), 9))
        + chunk(b"IEND", b"")
    )


def ico(sizes: tuple[int, ...]) -> bytes:
    """An .ico file holding a PNG per size (every browser since 2007 reads them)."""
    images = [png(size) for size in sizes]
    offset = 6 + 16 * len(images)
    directory = struct.pack("<HHH", 0, 1, len(images))
    for size, image in zip(sizes, images, strict=True):
        side = size % 256  # 0 stands for 256.
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(image), offset)
        offset += len(image)
    return directory + b"".join(images)


ICONS = {
    "favicon.ico": lambda: ico((16, 32, 48)),
    "apple-touch-icon.png": lambda: png(180),
    "icon-192.png": lambda: png(192),
    "icon-512.png": lambda: png(512),
}


def main() -> None:
    for name, make in ICONS.items():
        (STATIC_IMG / name).write_bytes(make())
        print(f"wrote static/img/{name}")


if __name__ == "__main__":
    main()
