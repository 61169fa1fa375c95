import io

import cv2
import numpy as np
import pytest
from PIL import Image

from chromamatch.colour import hex_to_rgb8
from chromamatch.drape import (
    PICTURE_SIZE,
    TILE_HEIGHT,
    TILE_WIDTH,
    drape_picture,
    drape_png,
    portrait_box,
    tile_box,
)
from chromamatch.face_landmarks import find_faces
from chromamatch.image_loading import load_image
from chromamatch.relight import person_mask

BEST = [
    {"hex": "#8a9a5b", "name": "Moss green"},
    {"hex": "#9caf88", "name": "Sage"},
    {"hex": "#bdb76b", "name": "Dark khaki"},
]
WORST = [
    {"hex": "#000000", "name": "Black"},
    {"hex": "#ffffff", "name": "Optic white"},
    {"hex": "#ff1493", "name": "Hot pink with a name far too long to fit under its drape"},
]


@pytest.fixture(scope="module")
def portrait(shared_faces):
    rgb = load_image((shared_faces / "images" / "061_03.jpg").read_bytes()).rgb
    return rgb, find_faces(rgb).face


def expected_crop(rgb: np.ndarray, face) -> np.ndarray:
    """The photo's head-and-shoulders box at tile size, by plain cropping and resizing."""
    left, top, right, bottom = (round(v) for v in portrait_box(face))
    pad = max(0, -left, -top, right - rgb.shape[1], bottom - rgb.shape[0])
    padded = cv2.copyMakeBorder(rgb, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(0, 0, 0))
    crop = padded[top + pad : bottom + pad, left + pad : right + pad]
    return cv2.resize(crop, (TILE_WIDTH, TILE_HEIGHT), interpolation=cv2.INTER_AREA)


def face_middle(face, box) -> tuple[slice, slice]:
    """Tile rows and columns from the brows to the mouth, between the outer eye corners."""
    left, top, right, _ = box
    scale = TILE_WIDTH / (right - left)
    x0, x1 = ((face.landmarks[[33, 263], 0] - left) * scale).astype(int)
    y0, y1 = ((face.landmarks[[105, 14], 1] - top) * scale).astype(int)
    return slice(y0, y1), slice(x0, x1)


def test_it_draws_six_labelled_drapes_at_the_expected_size(portrait):
    rgb, face = portrait

    picture = drape_picture(rgb, face, best=BEST, worst=WORST)

    assert picture.shape == (PICTURE_SIZE[1], PICTURE_SIZE[0], 3)
    assert picture.dtype == np.uint8
    for index, colour in enumerate(BEST + WORST):
        x0, y0, x1, y1 = tile_box(index)
        cloth = picture[y1 - 40 : y1, x0:x1].reshape(-1, 3)
        assert (cloth == hex_to_rgb8(colour["hex"])).all(), colour["name"]
        caption = picture[y1 + 4 : y1 + 50, x0:x1]
        assert (caption < 128).any(), f"no label under {colour['name']}"


def test_it_keeps_the_persons_own_face_in_every_drape(portrait):
    rgb, face = portrait
    rows, columns = face_middle(face, portrait_box(face))
    own = expected_crop(rgb, face)[rows, columns].astype(int)
    someone_else = np.flip(own, axis=0)

    picture = drape_picture(rgb, face, best=BEST, worst=WORST)

    for index in range(6):
        x0, y0, _, _ = tile_box(index)
        shown = picture[y0 : y0 + TILE_HEIGHT, x0 : x0 + TILE_WIDTH][rows, columns].astype(int)
        assert np.abs(shown - own).mean() < 3
        assert np.abs(shown - someone_else).mean() > 10


def test_it_cuts_the_person_out_of_the_background(portrait):
    rgb, face = portrait

    picture = drape_picture(rgb, face, best=BEST, worst=WORST)

    x0, y0, x1, _ = tile_box(0)
    corner = picture[y0 + 2 : y0 + 20, x0 + 2 : x0 + 20].reshape(-1, 3).astype(int)
    # The studio backdrop is a slightly green-blue grey; the drape's backdrop is neutral.
    assert (corner.max(axis=1) - corner.min(axis=1) <= 1).all()


@pytest.mark.parametrize("photo", ["082_03", "137_03", "114_03", "025_03"])
def test_a_white_collar_above_the_neckline_is_covered_by_the_cloth(shared_faces, photo):
    # These four people's white shirts rise either side of the neck above the cloth's
    # neckline: 130-730 white pixels showed over a black drape before the cloth took them in.
    rgb = load_image((shared_faces / "images" / f"{photo}.jpg").read_bytes()).rgb
    face = find_faces(rgb).face

    picture = drape_picture(rgb, face, best=WORST[:1], worst=WORST[:1])

    left, top, right, _ = portrait_box(face)
    scale = TILE_WIDTH / (right - left)
    chin_x, chin_y = ((face.landmarks[152, :2] - (left, top)) * scale).astype(int)
    x0, y0, x1, _ = tile_box(0)
    below_chin = picture[y0 + chin_y : y0 + chin_y + 60, x0:x1].astype(int)
    # Whiter than the backdrop (226 in every channel).
    assert (below_chin.min(axis=2) > 232).sum() == 0
    # The neck itself stays the person's own, not the black cloth.
    neck = picture[y0 + chin_y + 8 : y0 + chin_y + 14, x0 + chin_x - 5 : x0 + chin_x + 5]
    assert neck.astype(int).mean() > 20


def test_it_accepts_a_person_mask_of_a_smaller_copy(portrait):
    rgb, face = portrait
    small_mask = person_mask(cv2.resize(rgb, (256, 256), interpolation=cv2.INTER_AREA))

    own_mask = drape_picture(rgb, face, best=BEST, worst=WORST)
    given_mask = drape_picture(rgb, face, best=BEST, worst=WORST, person_mask=small_mask)

    rows, columns = face_middle(face, portrait_box(face))
    x0, y0, _, _ = tile_box(4)
    tile = (slice(y0, y0 + TILE_HEIGHT), slice(x0, x0 + TILE_WIDTH))
    difference = np.abs(own_mask[tile][rows, columns].astype(int) - given_mask[tile][rows, columns])
    assert difference.mean() < 1


def test_it_encodes_the_picture_as_png(portrait):
    rgb, face = portrait

    data = drape_png(rgb, face, best=BEST, worst=WORST)

    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert Image.open(io.BytesIO(data)).size == PICTURE_SIZE


def test_it_refuses_an_empty_list_of_colours(portrait):
    rgb, face = portrait
    with pytest.raises(ValueError, match="worst"):
        drape_picture(rgb, face, best=BEST, worst=[])
