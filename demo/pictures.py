"""The launch articles' pictures, drawn by the project itself with Pillow when
load_demo_content runs (nothing downloaded, no licence to track): a harbour skyline at dusk,
a grid of startup towers, a market chart, a balance, a globe of links. Each is the same
every time (no randomness), 1600×900, and credited to HKAI."""

import io
import math

from PIL import Image, ImageDraw, ImageFilter

SIZE = (1600, 900)
CREDIT = "Illustration: HKAI (drawn by the site's launch content)"


def _sky(top, bottom):
    width, height = SIZE
    picture = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        t = y / (height - 1)
        draw.line(
            [(0, y), (width, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    return picture, draw


def _skyline(draw, base, colour, seed, step=46):
    for i, x in enumerate(range(-20, SIZE[0], step)):
        height = 140 + (i * seed * 37) % 380
        draw.rectangle([x, base - height, x + step - 8, base], fill=colour)
        for wy in range(base - height + 18, base - 10, 28):  # lit windows
            if (wy + i * 7) % 3:
                draw.rectangle([x + 8, wy, x + 14, wy + 8], fill=(255, 214, 130))


def harbour():
    picture, draw = _sky((18, 32, 68), (236, 132, 84))
    draw.ellipse([1120, 420, 1260, 560], fill=(255, 196, 120))
    _skyline(draw, 640, (24, 30, 48), seed=3)
    draw.rectangle([0, 640, SIZE[0], SIZE[1]], fill=(20, 46, 78))
    for y in range(660, SIZE[1], 14):  # reflections on the water
        for x in range((y * 13) % 60, SIZE[0], 90):
            draw.line([(x, y), (x + 40, y)], fill=(236, 150, 96), width=2)
    return picture


def startups():
    picture, draw = _sky((12, 60, 72), (120, 200, 190))
    for row in range(6):
        for column in range(12):
            x, y = 80 + column * 125, 120 + row * 110
            shade = 40 + (row * 31 + column * 17) % 120
            draw.rounded_rectangle([x, y, x + 95, y + 80], radius=14, fill=(shade, 120 + shade // 3, 140))
    _skyline(draw, SIZE[1], (10, 36, 44), seed=5, step=70)
    return picture


def finance():
    picture, draw = _sky((14, 20, 38), (40, 54, 92))
    for x in range(0, SIZE[0], 100):
        draw.line([(x, 0), (x, SIZE[1])], fill=(52, 66, 104))
    for y in range(0, SIZE[1], 100):
        draw.line([(0, y), (SIZE[0], y)], fill=(52, 66, 104))
    points = [(x, 620 - 380 * (x / SIZE[0]) - 60 * math.sin(x / 90)) for x in range(0, SIZE[0] + 1, 20)]
    draw.line(points, fill=(250, 196, 60), width=9, joint="curve")
    for i, x in enumerate(range(60, SIZE[0], 80)):
        top = 700 - (i * 53) % 260
        draw.rectangle([x, top, x + 36, 860], fill=(70, 170, 140) if i % 3 else (210, 80, 70))
    return picture


def ethics():
    picture, draw = _sky((60, 36, 70), (214, 170, 150))
    centre = SIZE[0] // 2
    draw.polygon([(centre - 90, 820), (centre + 90, 820), (centre, 300)], fill=(40, 28, 50))
    draw.line([(centre - 420, 330), (centre + 420, 270)], fill=(40, 28, 50), width=16)
    for x, y in ((centre - 420, 330), (centre + 420, 270)):
        draw.line([(x, y), (x - 110, y + 250)], fill=(40, 28, 50), width=5)
        draw.line([(x, y), (x + 110, y + 250)], fill=(40, 28, 50), width=5)
        draw.chord([x - 150, y + 170, x + 150, y + 330], 0, 180, fill=(250, 220, 170))
    return picture


def international():
    picture, draw = _sky((8, 28, 52), (24, 84, 120))
    cx, cy, r = 800, 470, 360
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=(140, 210, 230), width=5)
    for k in range(1, 6):
        w = r * k / 6
        draw.ellipse([cx - w, cy - r, cx + w, cy + r], outline=(90, 160, 190), width=3)
        y = cy - r + 2 * r * k / 6
        half = math.sqrt(max(r * r - (y - cy) ** 2, 0))
        draw.line([(cx - half, y), (cx + half, y)], fill=(90, 160, 190), width=3)
    cities = [
        (cx + r * math.cos(a) * 0.8, cy + r * math.sin(a) * 0.6) for a in (0.3, 1.4, 2.5, 3.6, 4.4, 5.4)
    ]
    for a in cities:
        for b in cities:
            if a < b:
                draw.line([a, b], fill=(250, 200, 90), width=2)
    for x, y in cities:
        draw.ellipse([x - 14, y - 14, x + 14, y + 14], fill=(250, 200, 90))
    return picture


def smart_city():
    picture, draw = _sky((20, 24, 60), (70, 60, 130))
    nodes = [(120 + (i * 211) % 1360, 90 + (i * 137) % 380) for i in range(18)]
    for i, a in enumerate(nodes):
        for b in nodes[i + 1 : i + 4]:
            draw.line([a, b], fill=(120, 200, 250), width=3)
    for x, y in nodes:
        draw.ellipse([x - 10, y - 10, x + 10, y + 10], fill=(170, 230, 255))
    _skyline(draw, SIZE[1], (16, 18, 40), seed=7, step=58)
    return picture


MOTIFS = {
    "harbour": harbour,
    "smart_city": smart_city,
    "startups": startups,
    "finance": finance,
    "ethics": ethics,
    "international": international,
}


def draw_jpeg(motif):
    """The motif's picture as JPEG bytes."""
    picture = MOTIFS[motif]().filter(ImageFilter.SMOOTH)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=88, optimize=True)
    return buffer.getvalue()
