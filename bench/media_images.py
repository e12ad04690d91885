#!/usr/bin/env python3
"""Test images for the media library's benchmark: bench/media_images.py DIR N.

Writes DIR/photo-00.jpg .. photo-{N-1}.jpg, 6000x4000 JPEGs (quality 88, about 5 MB)
that an encoder treats like a photograph: soft-edged shapes under sensor-like noise, so
that their size and decoding cost are a camera's, not a flat test card's. Each differs
from the others in a few pixels, so that the server's content-hash dedupe stores every
upload instead of answering with the first. Deterministic. Needs Pillow
(bench/requirements.txt).
"""
import random
import sys
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

W, H = 6000, 4000


def base() -> Image.Image:
    rng = random.Random(8)
    # Drawn at a quarter of the size and scaled up: soft edges, as out-of-focus areas.
    w, h = W // 4, H // 4
    small = Image.new("RGB", (w, h))
    draw = ImageDraw.Draw(small)
    for y in range(h):
        c = 40 + 150 * y // h
        draw.line([(0, y), (w, y)], fill=(c // 2, c * 7 // 10, c))
    for _ in range(400):
        x, y, r = rng.randrange(w), rng.randrange(h), rng.randrange(5, 120)
        draw.ellipse([x - r, y - r, x + r, y + r], fill=tuple(rng.randrange(256) for _ in range(3)))
    img = small.filter(ImageFilter.GaussianBlur(2)).resize((W, H), Image.BICUBIC)
    # Gaussian noise centred on 128; sigma 6 gives a camera-like file size at quality 88.
    noise = Image.effect_noise((W, H), 6.0).convert("RGB")
    return ImageChops.add(img, noise, scale=1.0, offset=-128)


def main() -> int:
    out, n = Path(sys.argv[1]), int(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    img = base()
    for i in range(n):
        variant = img.copy()
        # A 16x16 block of its own colour in a corner: distinct bytes and pixels.
        variant.paste((i * 37 % 256, i * 91 % 256, i * 13 % 256), (16 * i, 0, 16 * i + 16, 16))
        variant.save(out / f"photo-{i:02d}.jpg", "JPEG", quality=88)
    return 0


if __name__ == "__main__":
    sys.exit(main())
