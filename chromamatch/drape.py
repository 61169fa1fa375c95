"""Virtual draping: the person's own face above cloths of their best and worst colours.

A colour analyst holds fabric under the client's chin and watches the face: good colours
even out the skin, bad ones cast shadows and make it sallow. The picture does the same with
the photo: a head-and-shoulders crop, cut out of its background (mediapipe's bundled selfie
segmentation) onto neutral grey, with a cloth of one colour over the shoulders up to a
neckline under the chin, and over the person's own collar where it shows above that; three
best colours on the top row and three to avoid below, each labelled. The face itself is left
exactly as photographed, never recoloured.
"""

import functools
import io

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from chromamatch.colour import hex_to_rgb8, srgb8_to_lab
from chromamatch.face_landmarks import Face
from chromamatch.relight import person_mask as segment_person

TILE_WIDTH, TILE_HEIGHT = 300, 390
COLUMNS, ROWS = 3, 2
_CAPTION_HEIGHT = 58
_HEADING_HEIGHT = 40
_GAP = 12
_MARGIN = 20
PICTURE_SIZE = (
    2 * _MARGIN + COLUMNS * TILE_WIDTH + (COLUMNS - 1) * _GAP,
    2 * _MARGIN + ROWS * (_HEADING_HEIGHT + TILE_HEIGHT + _CAPTION_HEIGHT) + (ROWS - 1) * _GAP,
)  # width, height
_PAPER = (250, 250, 250)
# Neutral grey behind the person, as in an analyst's studio: it lends the face no colour.
_BACKDROP = (226, 226, 226)
_INK = (40, 40, 40)
_MUTED_INK = (110, 110, 110)
_HEADINGS = ("Your best colours", "Colours to avoid")
_TAGS = ("best", "avoid")

# The crop around the face, in widths and heights of the landmark box: wide enough for the
# shoulders, with room above for the hair; the tile's aspect fixes its height.
_CROP_WIDTH = 2.4
_CROP_ABOVE = 0.45
# Neckline of the cloth, in face heights below the chin: at the middle, and at the sides from
# 0.6 face widths out (a wide U that leaves the neck bare).
_NECKLINE_MIDDLE = 0.22
_NECKLINE_SIDES = 0.08
_NECKLINE_HALF_WIDTH = 0.6
# The person's own clothes showing between the chin and the neckline are covered too: a pixel
# this far (CIE76) from the neck's median colour, or with less than this share of its chroma,
# and not darker than it by more than this (shadows, hair). The neck's colour is read from this
# far below the chin (face heights: under the chin's shadow) down to the neckline, this far
# either side of the chin (face widths), on at least this many pixels.
_CLOTHES_DISTANCE = 30.0
_CLOTHES_GREYER = 0.4
_CLOTHES_DARKER = 5.0
_NECK_FROM = 0.08
_NECK_HALF_WIDTH = 0.12
_MIN_NECK_PIXELS = 50


def drape_picture(
    rgb: np.ndarray,
    face: Face,
    *,
    best: list[dict],
    worst: list[dict],
    person_mask: np.ndarray | None = None,
) -> np.ndarray:
    """The draping picture (PICTURE_SIZE, H x W x 3 uint8) for the first three of each list.

    ``best`` and ``worst`` hold ``{"hex", "name"}`` colours (a season palette's ``best`` and
    ``avoid``). ``person_mask`` (0..1, of the photo or of a downscaled copy with the same
    aspect) is computed on the crop when not given, which cuts the hair out more finely.
    """
    if not best or not worst:
        raise ValueError("draping needs at least one best and one worst colour")
    portrait, cloth = _portrait_and_cloth(rgb, face, person_mask)
    # Each tile is ``portrait * (1 - cloth) + fill * cloth``, rounded. Where the cloth is
    # absent that is the portrait and where it is whole the fill, exactly, so only the
    # one-pixel edge is blended per tile: the same picture as blending every pixel, six
    # times less arithmetic.
    alpha = cloth[..., 0]
    whole = alpha >= 1.0
    edge = (alpha > 0.0) & ~whole
    bare = np.rint(portrait).astype(np.uint8)
    edge_alpha = cloth[edge]
    edge_portrait = portrait[edge] * (1 - edge_alpha)
    picture = Image.new("RGB", PICTURE_SIZE, _PAPER)
    draw = ImageDraw.Draw(picture)
    heading_font, tag_font, name_font = _fonts()
    for row, colours in enumerate((best[:COLUMNS], worst[:COLUMNS])):
        top = _MARGIN + row * (_HEADING_HEIGHT + TILE_HEIGHT + _CAPTION_HEIGHT + _GAP)
        draw.text((_MARGIN, top + 6), _HEADINGS[row], font=heading_font, fill=_INK)
        for column, colour in enumerate(colours):
            x0, y0, x1, y1 = tile_box(row * COLUMNS + column)
            fill = hex_to_rgb8(colour["hex"]).astype(np.float32)
            tile = bare.copy()
            tile[whole] = np.rint(fill).astype(np.uint8)
            tile[edge] = np.rint(edge_portrait + fill * edge_alpha).astype(np.uint8)
            picture.paste(Image.fromarray(tile), (x0, y0))
            draw.text((x0 + 2, y1 + 6), _TAGS[row], font=tag_font, fill=_MUTED_INK)
            label = f"{colour['name']}  {colour['hex']}"
            draw.text((x0 + 2, y1 + 26), _fit(draw, label, name_font), font=name_font, fill=_INK)
    return np.asarray(picture)


@functools.cache
def _fonts() -> tuple:
    """Heading, tag and name fonts (loading them costs more than drawing with them)."""
    return tuple(ImageFont.load_default(size=size) for size in (24, 15, 19))


def drape_png(
    rgb: np.ndarray,
    face: Face,
    *,
    best: list[dict],
    worst: list[dict],
    person_mask: np.ndarray | None = None,
) -> bytes:
    """The draping picture as PNG bytes."""
    picture = drape_picture(rgb, face, best=best, worst=worst, person_mask=person_mask)
    buffer = io.BytesIO()
    # Level 1 writes the same pixels in about half the time of zlib's default 6, for a file
    # about 10% larger (about 215 KB instead of 195 KB at the picture's 964 x 1028).
    Image.fromarray(picture).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def portrait_box(face: Face) -> tuple[float, float, float, float]:
    """The head-and-shoulders crop of the photo (x0, y0, x1, y1 pixels; may leave the photo)."""
    x0, y0, x1, y1 = face.box
    width = _CROP_WIDTH * (x1 - x0)
    height = width * TILE_HEIGHT / TILE_WIDTH
    left = (x0 + x1) / 2 - width / 2
    top = y0 - _CROP_ABOVE * (y1 - y0)
    return left, top, left + width, top + height


def tile_box(index: int) -> tuple[int, int, int, int]:
    """Where drape ``index`` (0-2 best, 3-5 avoid) sits in the picture: x0, y0, x1, y1."""
    row, column = divmod(index, COLUMNS)
    x0 = _MARGIN + column * (TILE_WIDTH + _GAP)
    y0 = _MARGIN + row * (_HEADING_HEIGHT + TILE_HEIGHT + _CAPTION_HEIGHT + _GAP) + _HEADING_HEIGHT
    return x0, y0, x0 + TILE_WIDTH, y0 + TILE_HEIGHT


def _portrait_and_cloth(
    rgb: np.ndarray, face: Face, person_mask: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """The crop at tile size (float32) and where the cloth covers it (H x W x 1, 0..1): below
    the neckline, and over the person's own clothes that show above it."""
    portrait, person = _portrait(rgb, face, person_mask)
    box = portrait_box(face)
    cloth = _cloth_alpha(face, box)
    return portrait, np.maximum(cloth, _clothes_alpha(portrait, person, cloth, face, box))


def _portrait(
    rgb: np.ndarray, face: Face, person_mask: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """The crop at tile size (float32), the background replaced by the neutral backdrop, and
    where the person is in it (0..1)."""
    left, top, right, _ = portrait_box(face)
    scale = TILE_WIDTH / (right - left)
    size = (TILE_WIDTH, TILE_HEIGHT)
    crop = cv2.warpAffine(
        rgb,
        _to_tile(left, top, scale),
        size,
        flags=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=_BACKDROP,
    )
    if person_mask is None:
        alpha = segment_person(crop)
    else:
        mask = np.asarray(person_mask, dtype=np.float32)
        to_tile = _to_tile(
            left, top, scale, mask.shape[1] / rgb.shape[1], mask.shape[0] / rgb.shape[0]
        )
        alpha = cv2.warpAffine(mask, to_tile, size, flags=cv2.INTER_LINEAR, borderValue=0)
    alpha = np.clip(alpha, 0.0, 1.0)[..., None]
    portrait = crop.astype(np.float32) * alpha + np.array(_BACKDROP, np.float32) * (1 - alpha)
    return portrait, alpha[..., 0]


def _to_tile(
    left: float, top: float, scale: float, per_pixel_x: float = 1.0, per_pixel_y: float = 1.0
) -> np.ndarray:
    """The affine map from pixel indices of the photo (or of a picture ``per_pixel`` times its
    size, such as a downscaled mask) to pixel indices of the tile, centres to centres."""
    return np.array(
        [
            [scale / per_pixel_x, 0.0, (0.5 / per_pixel_x - left) * scale - 0.5],
            [0.0, scale / per_pixel_y, (0.5 / per_pixel_y - top) * scale - 0.5],
        ]
    )


def _cloth_alpha(face: Face, box: tuple[float, float, float, float]) -> np.ndarray:
    """Where the cloth covers the tile (TILE_HEIGHT x TILE_WIDTH x 1, 0..1, smooth edge)."""
    chin_x, chin_y, face_width, face_height = _chin_in_tile(face, box)
    across = np.arange(TILE_WIDTH, dtype=np.float32) + 0.5
    reach = np.minimum(1.0, ((across - chin_x) / (_NECKLINE_HALF_WIDTH * face_width)) ** 2)
    neckline = chin_y + face_height * (
        _NECKLINE_MIDDLE - (_NECKLINE_MIDDLE - _NECKLINE_SIDES) * reach
    )
    down = np.arange(TILE_HEIGHT, dtype=np.float32)[:, None] + 0.5
    # A one-pixel ramp: an anti-aliased edge without a visible blur.
    return np.clip(down - neckline[None, :] + 0.5, 0.0, 1.0)[..., None]


def _chin_in_tile(
    face: Face, box: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    """The chin's tip (x, y) and the face's width and height, in tile pixels."""
    left, top, right, _ = box
    scale = TILE_WIDTH / (right - left)
    x0, y0, x1, y1 = face.box
    chin_x = (face.landmarks[152, 0] - left) * scale
    chin_y = (face.landmarks[152, 1] - top) * scale
    return chin_x, chin_y, (x1 - x0) * scale, (y1 - y0) * scale


def _clothes_alpha(
    portrait: np.ndarray,
    person: np.ndarray,
    cloth: np.ndarray,
    face: Face,
    box: tuple[float, float, float, float],
) -> np.ndarray:
    """The person's own clothes showing above the cloth's neckline (a white collar either side
    of the neck), to be covered too (TILE_HEIGHT x TILE_WIDTH x 1, 0..1).

    Clothes are told from the neck by colour: below the chin, a pixel of the person far from
    the neck's own colour, or much greyer than it, is not skin."""
    chin_x, chin_y, face_width, face_height = _chin_in_tile(face, box)
    neckline = chin_y + _NECKLINE_MIDDLE * face_height
    rows = slice(max(0, int(chin_y)), min(TILE_HEIGHT, int(neckline) + 1))
    neck = (
        slice(max(0, int(chin_y + _NECK_FROM * face_height)), max(0, int(neckline))),
        slice(
            max(0, int(chin_x - _NECK_HALF_WIDTH * face_width)),
            max(0, int(chin_x + _NECK_HALF_WIDTH * face_width) + 1),
        ),
    )
    alpha = np.zeros((TILE_HEIGHT, TILE_WIDTH, 1), np.float32)
    neck_pixels = portrait[neck][person[neck] > 0.5]
    if rows.start >= rows.stop or len(neck_pixels) < _MIN_NECK_PIXELS:
        return alpha
    neck_lab = np.median(srgb8_to_lab(neck_pixels), axis=0)
    lab = srgb8_to_lab(portrait[rows])
    chroma = np.hypot(lab[..., 1], lab[..., 2])
    # Only clothes lighter than the neck's shadows: the shade under the chin is greyer than the
    # neck too, and dark hair over a shoulder is hair.
    clothes = (
        (person[rows] > 0.5)
        & (lab[..., 0] >= neck_lab[0] - _CLOTHES_DARKER)
        & (
            (np.linalg.norm(lab - neck_lab, axis=-1) > _CLOTHES_DISTANCE)
            | (chroma < _CLOTHES_GREYER * np.hypot(*neck_lab[1:]))
        )
    )
    # Clothes go on under the cloth: a patch that does not reach it (a highlight on the jaw's
    # underside) is not clothes. Grown by a pixel, the cover takes the cut-out's soft edge too,
    # and a light blur keeps its outline from stepping.
    _, patches = cv2.connectedComponents(clothes.astype(np.uint8))
    reaching = np.unique(patches[(cloth[rows, :, 0] >= 0.5) & (patches > 0)])
    clothes = np.isin(patches, reaching).astype(np.uint8)
    clothes = cv2.dilate(clothes, np.ones((3, 3), np.uint8)).astype(np.float32)
    blurred = cv2.GaussianBlur(clothes, (3, 3), 0)
    # The blur's float sums leave the inside a hair under 1, which drape_picture would blend
    # pixel by pixel as an edge.
    alpha[rows, :, 0] = np.where(blurred > 0.999, 1.0, blurred)
    return alpha


def _fit(draw: ImageDraw.ImageDraw, text: str, font) -> str:
    """``text`` shortened with an ellipsis to the tile's width."""
    if draw.textlength(text, font=font) <= TILE_WIDTH - 4:
        return text
    while text and draw.textlength(text + "…", font=font) > TILE_WIDTH - 4:
        text = text[:-1]
    return text + "…"


def photo_drape_png(data: bytes, *, colours: tuple[list[dict], list[dict]]) -> bytes:
    """The draping picture of a photo analysed already; raise AnalysisError when it cannot be made.

    ``colours`` (best, worst) come from the stored result (``analysis.result_drape_colours``),
    so the face is located again without measuring the whole photo a second time; a photo not
    measured yet draws its picture with ``analysis.Measurement.drape_png``.
    """
    from chromamatch.analysis import located_face

    # The face found and refused exactly as measure() finds and refuses it.
    image, search = located_face(data)
    best, worst = colours
    return drape_png(image.rgb, search.face, best=best, worst=worst)
