"""The cheaper draping picture is the same picture, pixel for pixel.

It is drawn on its first request from the stored result's palette without measuring the
photo again, and the tiles blend only the cloth's edge; both are held here to what drawing it
the old way gives.
"""

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from chromamatch import drape
from chromamatch.analysis import drape_colours, measure, result_drape_colours
from chromamatch.colour import hex_to_rgb8
from chromamatch.drape import drape_picture, photo_drape_png


def _blend_every_pixel(rgb, face, *, best, worst):
    """drape_picture as first written: each tile blended over every pixel."""
    portrait, cloth = drape._portrait_and_cloth(rgb, face, None)
    picture = Image.new("RGB", drape.PICTURE_SIZE, drape._PAPER)
    draw = ImageDraw.Draw(picture)
    fonts = [ImageFont.load_default(size=size) for size in (24, 15, 19)]
    for row, colours in enumerate((best[:3], worst[:3])):
        top = drape._MARGIN + row * (
            drape._HEADING_HEIGHT + drape.TILE_HEIGHT + drape._CAPTION_HEIGHT + drape._GAP
        )
        draw.text((drape._MARGIN, top + 6), drape._HEADINGS[row], font=fonts[0], fill=drape._INK)
        for column, colour in enumerate(colours):
            x0, y0, x1, y1 = drape.tile_box(row * 3 + column)
            fill = hex_to_rgb8(colour["hex"]).astype(np.float32)
            tile = portrait * (1 - cloth) + fill * cloth
            picture.paste(Image.fromarray(np.rint(tile).astype(np.uint8)), (x0, y0))
            draw.text((x0 + 2, y1 + 6), drape._TAGS[row], font=fonts[1], fill=drape._MUTED_INK)
            label = f"{colour['name']}  {colour['hex']}"
            draw.text((x0 + 2, y1 + 26), drape._fit(draw, label, fonts[2]), font=fonts[2],
                      fill=drape._INK)  # fmt: skip
    return np.asarray(picture)


@pytest.fixture(scope="module")
def photos(shared_faces):
    return [path.read_bytes() for path in sorted((shared_faces / "images").glob("*.jpg"))[:6]]


def test_blending_only_the_edge_draws_the_same_picture(photos):
    for data in photos:
        measured = measure(data)
        best, worst = drape_colours(measured.season.label)

        new = drape_picture(measured.rgb, measured.face, best=best, worst=worst)
        old = _blend_every_pixel(measured.rgb, measured.face, best=best, worst=worst)

        assert np.array_equal(new, old)


def test_drawing_from_the_stored_result_gives_the_same_picture(photos):
    for data in photos:
        measured = measure(data)

        from_result = photo_drape_png(data, colours=result_drape_colours(measured.result))

        assert np.array_equal(_pixels(from_result), _pixels(measured.drape_png()))


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
