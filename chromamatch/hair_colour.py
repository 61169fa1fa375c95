"""Hair colour from the hair around the top of the face, under daylight; or no guess at all.

Where the hair is: inside the person (mediapipe's bundled selfie segmentation), in a band
around the top half of the face outline, and not the face itself. FaceMesh's outline stops
below the hairline, so its upper half is stretched to the estimated hairline first (as in
``face_shape``); the band ends at the brows, which keeps ears, neck, beard and clothes out.
Within that band a pixel counts as hair when it is

- textured: strands make the luminance vary from pixel to pixel, where a bald scalp, a hat or
  a wall is smooth;
- not skin: skin seen with some gloss on it (a scalp, a forehead) lies on the line from the
  skin's chromaticity to the light's (dichromatic reflection), so pixels near that line that
  are as bright as skin are left out;
- not backdrop showing between strands: near the colour of the background just outside the
  person.

With fewer hair pixels than a tenth of the face's area the answer is None (the caller warns
``hair_not_visible``), never a guess. The colour is the mean of the hair pixels between the
10th and 50th luminance percentile: the hair's body colour, without the glints that make
short black hair look grey and without the deepest shadow; clipped hair pixels count in that
ranking as the brightest. The light of the photo is then divided out, its own colour and
exposure (eye_colour.correct_feature_rgb), and the label is read from CIELAB. Thresholds were
set on the development faces as shot (studio light, normal exposure), the colours the lighting
correction aims at.
"""

from dataclasses import dataclass

import cv2
import numpy as np

from chromamatch.colour import CLIPPED_8BIT, LINEAR_FLOOR, LUMA, lab_to_hex, linear_rgb_to_lab
from chromamatch.eye_colour import correct_feature_rgb
from chromamatch.face_landmarks import Face
from chromamatch.face_shape import HAIRLINE_STRETCH
from chromamatch.lighting import LightingEstimate
from chromamatch.relight import person_mask as segment_person
from chromamatch.relight import srgb8_to_linear
from chromamatch.skin_sampling import sample_skin, skin_linear_rgb
from chromamatch.small_arrays import brightest_channel, median, select_rows

LABELS = ("black", "dark brown", "brown", "light brown", "blonde", "red", "grey/white")
# Below L* 20, hair with less chroma than this is black (hair_label).
_COLOURLESS = 2.0

# FaceMesh face outline, all the way round from the top of the forehead.
FACE_OUTLINE = (
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377,
    152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
)  # fmt: skip
_RIGHT_IRIS, _LEFT_IRIS = 468, 473
_BROWS = (105, 334)
# The band searched: the stretched outline scaled by this about its centre. Hair fuller than
# this (an afro, a high bun) is still seen where it starts.
_BAND_SCALE = 1.6
# Working scale: about this many pixels across the cheekbones. Strands are then a pixel or two
# wide, enough to see texture, and the band holds about 30 000 pixels.
_WORK_FACE_WIDTH_PX = 160
# Texture: mean absolute deviation of log luminance from its 1.5 px Gaussian blur, over 5 x 5
# pixels. Over the development faces 95 % of hair pixels are above 0.04, a bald scalp's median
# is 0.03-0.05 and JPEG noise on a flat patch about 0.005.
_MIN_TEXTURE = 0.035
# Skin: within this distance (log-chromaticity) of the skin-to-light line, between a little
# beyond the skin's own colour and the light's, and at least half as bright as the skin.
_SKIN_LINE_DISTANCE = 0.06
_SKIN_LINE_SPAN = (-0.25, 1.0)
_SKIN_MIN_BRIGHTNESS = 0.5
# Backdrop: this close in log-chromaticity and log-luminance to the background's median.
_BACKDROP_CHROMA = 0.06
_BACKDROP_LOG_LUMINANCE = 0.25
_PERSON = 0.5
# The selfie segmentation model reads 256 x 256 pixels: a larger copy only costs the resizing.
_SEGMENTATION_SIDE_PX = 256
# Fewest hair pixels, as a share of the (stretched) face area, for a colour worth reporting.
# Bald and shaved heads in the development set keep 3-8 %, the shortest visible hair 11 %.
MIN_HAIR_SHARE = 0.10
# The luminance percentiles averaged: the body colour of the hair.
_BODY_PERCENTILES = (10, 50)

_LUMA32 = LUMA.astype(np.float32)  # the hair region is float32 and stays so
_SRGB8_TO_LOG = np.log(np.maximum(srgb8_to_linear(np.arange(256, dtype=np.uint8)), LINEAR_FLOOR))


@dataclass(frozen=True)
class HairColour:
    lab: np.ndarray  # CIELAB (D65) of the hair's body colour under daylight
    hex: str
    label: str  # one of LABELS
    confidence: float  # 0..1
    # Hair pixels found, as a share of the face's area (MIN_HAIR_SHARE and up): how much hair
    # the colour was read from. Close-cropped hair barely above the threshold is partly scalp.
    coverage: float = 1.0

    def as_dict(self) -> dict:
        return {"hex": self.hex, "label": self.label, "confidence": round(self.confidence, 2)}


def hair_colour(
    rgb: np.ndarray,
    face: Face,
    lighting: LightingEstimate,
    *,
    person_mask: np.ndarray | None = None,
    skin_rgb: np.ndarray | None = None,
) -> HairColour | None:
    """The hair colour of ``face`` in ``rgb`` (H x W x 3 uint8); None when too little hair shows.

    ``person_mask`` (0..1, from ``relight.person_mask`` of the photo or of a downscaled copy
    of it: any size with the photo's aspect) and ``skin_rgb`` (the skin's linear RGB, from
    ``skin_linear_rgb``) are computed when not given; pass them when the caller has them.
    """
    if person_mask is None:
        person_mask = _segment_small(rgb)
    if skin_rgb is None:
        skin_rgb = skin_linear_rgb(sample_skin(rgb, face))
    pixels, share, clipped = hair_linear_rgb(rgb, face, person_mask, skin_rgb, lighting)
    if share < MIN_HAIR_SHARE:
        return None
    # Clipped hair (light hair under a bright or strongly coloured light) is the brightest
    # hair: it still counts in the ranking, so that losing it does not move the body darker
    # (a light blonde under a 3000 K lamp: 7 L* darker without it, 2 with it). At most as many
    # as the hair measured, which keeps both percentiles on measured pixels.
    luminance = np.sort(pixels @ _LUMA32)
    ranked = np.concatenate([luminance, np.full(min(clipped, len(luminance)), np.inf)])
    low, high = (ranked[int(p / 100 * (len(ranked) - 1))] for p in _BODY_PERCENTILES)
    luminance = pixels @ _LUMA32
    body = select_rows(pixels, (luminance >= low) & (luminance <= high)).mean(
        axis=0, dtype=np.float64
    )
    lab = linear_rgb_to_lab(correct_feature_rgb(body, lighting))
    label, margin = hair_label(lab)
    seen = min(1.0, share / (3 * MIN_HAIR_SHARE))
    confidence = (0.4 + 0.6 * margin) * (0.5 + 0.5 * seen)
    return HairColour(
        lab=lab,
        hex=lab_to_hex(lab),
        label=label,
        confidence=float(confidence),
        coverage=float(share),
    )


def hair_label(lab: np.ndarray) -> tuple[str, float]:
    """The label of a hair colour and how far inside its label it lies (0 = on an edge, 1).

    Rules, on lightness L*, chroma C* and hue h (degrees): red is saturated with a red-orange
    hue; light hair with almost no colour is grey or white; blonde is light and yellow; a
    nearly colourless mid-dark hair is black seen with its sheen, and so is a dark one with
    hardly any colour at all; otherwise lightness decides black, dark brown, brown and light
    brown.
    """
    lightness, a_star, b_star = (float(v) for v in lab)
    chroma = float(np.hypot(a_star, b_star))
    hue = float(np.degrees(np.arctan2(b_star, a_star)) % 360)
    if chroma >= 12 and a_star >= 8 and hue < 62:
        return "red", min(1.0, (chroma - 12) / 4, (a_star - 8) / 3, (62 - hue) / 8)
    if lightness >= 55 and chroma < 8:
        return "grey/white", min(1.0, (lightness - 55) / 5, (8 - chroma) / 3)
    if lightness >= 30 and hue >= 60 and chroma >= 7:
        return "blonde", min(1.0, (lightness - 30) / 4, (hue - 60) / 6, (chroma - 7) / 2)
    if lightness >= 20 and chroma < 3.5:
        return "black", min(1.0, (lightness - 20) / 4, (3.5 - chroma) / 1.5)
    if chroma < _COLOURLESS:
        # Brown hair, however dark, keeps a warm tint (C* 2-5 on the development faces);
        # black hair read at L* 12-20 has next to none, and lightness alone had called it
        # dark brown (or brown): on 4 of the 9 neutral photos of Black participants whose hair
        # shows, among others.
        colourless = min(1.0, (_COLOURLESS - chroma) / 0.5, (20 - lightness) / 3)
        return "black", max(colourless, min(1.0, (12.0 - lightness) / 3))
    lower = -np.inf
    for upper, label in ((12.0, "black"), (18.0, "dark brown"), (25.0, "brown")):
        if lightness < upper:
            return label, min(1.0, (lightness - lower) / 3, (upper - lightness) / 3)
        lower = upper
    return "light brown", min(1.0, (lightness - lower) / 3)


def hair_linear_rgb(
    rgb: np.ndarray,
    face: Face,
    person_mask: np.ndarray,
    skin_rgb: np.ndarray,
    lighting: LightingEstimate,
) -> tuple[np.ndarray, float, int]:
    """Linear RGB (N, 3) of the hair pixels at the working scale, their share of the face, and
    how many more textured pixels in the hair's band clipped (their colour is unknown)."""
    landmarks = face.landmarks[:, :2].astype(np.float64)
    eyes = (landmarks[_RIGHT_IRIS] + landmarks[_LEFT_IRIS]) / 2
    across = landmarks[_LEFT_IRIS] - landmarks[_RIGHT_IRIS]
    across /= np.linalg.norm(across)
    down = np.array([-across[1], across[0]])
    outline = landmarks[list(FACE_OUTLINE)]
    height_below_eyes = (outline - eyes) @ down
    stretch = np.where(height_below_eyes < 0, (HAIRLINE_STRETCH - 1) * height_below_eyes, 0.0)
    outline = outline + stretch[:, None] * down
    centre = outline.mean(axis=0)
    band = centre + _BAND_SCALE * (outline - centre)

    height, width = rgb.shape[:2]
    brow_depth = float((landmarks[list(_BROWS)].mean(axis=0) - eyes) @ down)
    searched = _clip_below(band, eyes, down, brow_depth)
    x0, y0 = np.maximum(np.floor(searched.min(axis=0)).astype(int), 0)
    x1, y1 = np.minimum(np.ceil(searched.max(axis=0)).astype(int) + 1, (width, height))
    cheek_width = float(np.linalg.norm(landmarks[454] - landmarks[234]))
    # A whole number of photo pixels per working pixel: area averaging is three times faster.
    step = max(1, round(cheek_width / _WORK_FACE_WIDTH_PX))
    size = (int(x1 - x0) // step, int(y1 - y0) // step)
    if min(size) < 2:
        return np.empty((0, 3), np.float32), 0.0, 0
    x1, y1 = x0 + size[0] * step, y0 + size[1] * step
    work = cv2.resize(rgb[y0:y1, x0:x1], size, interpolation=cv2.INTER_AREA)
    mask = _mask_at(person_mask, rgb.shape[:2], (x0, y0, x1, y1), size)

    def inside(polygon: np.ndarray) -> np.ndarray:
        # Landmarks count from pixel edges, the working pixels from their centres.
        points = np.round(((polygon - (x0, y0)) / step - 0.5) * 4).astype(np.int32)
        filled = np.zeros((size[1], size[0]), dtype=np.uint8)
        cv2.fillPoly(filled, [points], 1, cv2.LINE_8, shift=2)
        return filled.view(bool)

    in_search, in_face = inside(searched), inside(outline)
    unclipped = brightest_channel(work) < CLIPPED_8BIT
    linear = srgb8_to_linear(work)
    luminance = linear @ _LUMA32
    log_luminance = np.log(np.maximum(luminance, LINEAR_FLOOR))
    detail = np.abs(log_luminance - cv2.GaussianBlur(log_luminance, (0, 0), 1.5))
    texture = cv2.blur(detail, (5, 5))

    person = mask >= _PERSON
    candidates = np.flatnonzero(
        in_search & ~in_face & person & unclipped & (texture >= _MIN_TEXTURE)
    )
    colours = np.take(work.reshape(-1, 3), candidates, axis=0)
    logs = _SRGB8_TO_LOG[colours]
    chroma = np.stack([logs[:, 0] - logs[:, 1], logs[:, 2] - logs[:, 1]], axis=-1)
    bright = luminance.reshape(-1)[candidates]
    hair = ~_skin_like(chroma, bright, skin_rgb, lighting.gains)
    backdrop = np.flatnonzero(in_search & (mask < 1 - _PERSON) & unclipped)
    if len(backdrop) >= 20:
        backdrop_logs = _SRGB8_TO_LOG[np.take(work.reshape(-1, 3), backdrop, axis=0)]
        backdrop_chroma = np.array(
            [median(backdrop_logs[:, channel] - backdrop_logs[:, 1]) for channel in (0, 2)]
        )
        backdrop_log = float(median(np.take(log_luminance.reshape(-1), backdrop)))
        near = np.hypot(*(chroma - backdrop_chroma).T) < _BACKDROP_CHROMA
        hair &= ~(
            near
            & (
                np.abs(np.log(np.maximum(bright, LINEAR_FLOOR)) - backdrop_log)
                < _BACKDROP_LOG_LUMINANCE
            )
        )
    x, y = outline.T
    face_area = 0.5 * abs(float(x @ np.roll(y, -1) - y @ np.roll(x, -1))) / step**2
    clipped = int((in_search & ~in_face & person & ~unclipped & (texture >= _MIN_TEXTURE)).sum())
    return (
        linear.reshape(-1, 3)[candidates[hair]],
        float(hair.sum() / max(face_area, 1.0)),
        clipped,
    )


def _segment_small(rgb: np.ndarray) -> np.ndarray:
    """The person mask of a copy of ``rgb`` no larger than the segmentation model's input."""
    height, width = rgb.shape[:2]
    scale = min(1.0, _SEGMENTATION_SIDE_PX / max(height, width))
    if scale < 1.0:
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    return segment_person(rgb)


def _mask_at(
    person_mask: np.ndarray,
    shape: tuple[int, int],
    box: tuple[int, int, int, int],
    size: tuple[int, int],
) -> np.ndarray:
    """The person mask over ``box`` of the photo (``shape``), resampled to ``size`` (w, h).

    The mask may be a downscaled copy's (any size with the photo's aspect).
    """
    x0, y0, x1, y1 = box
    per_pixel_y, per_pixel_x = person_mask.shape[0] / shape[0], person_mask.shape[1] / shape[1]
    scale_x, scale_y = size[0] / (x1 - x0), size[1] / (y1 - y0)
    # Mask pixel centres to working pixel centres.
    to_work = np.array(
        [
            [scale_x / per_pixel_x, 0.0, (0.5 / per_pixel_x - x0) * scale_x - 0.5],
            [0.0, scale_y / per_pixel_y, (0.5 / per_pixel_y - y0) * scale_y - 0.5],
        ]
    )
    return cv2.warpAffine(
        np.asarray(person_mask, dtype=np.float32), to_work, size, flags=cv2.INTER_LINEAR
    )


def _clip_below(
    polygon: np.ndarray, origin: np.ndarray, down: np.ndarray, depth: float
) -> np.ndarray:
    """The part of ``polygon`` above the line ``depth`` below ``origin`` (Sutherland-Hodgman)."""
    depths = (polygon - origin) @ down - depth
    kept = []
    for index in range(len(polygon)):
        point, following = polygon[index], polygon[(index + 1) % len(polygon)]
        here, there = depths[index], depths[(index + 1) % len(polygon)]
        if here <= 0:
            kept.append(point)
        if (here < 0) != (there < 0):
            kept.append(point + (following - point) * here / (here - there))
    return np.array(kept) if kept else polygon


def _skin_like(
    chroma: np.ndarray, luminance: np.ndarray, skin_rgb: np.ndarray, gains: np.ndarray
) -> np.ndarray:
    """Pixels on the line from the skin's log-chromaticity to the light's, as bright as skin."""
    skin_log = np.log(np.maximum(np.asarray(skin_rgb, dtype=np.float64), LINEAR_FLOOR))
    light_log = np.log(np.maximum(np.asarray(gains, dtype=np.float64), LINEAR_FLOOR))
    skin_point = np.array([skin_log[0] - skin_log[1], skin_log[2] - skin_log[1]])
    light_point = np.array([light_log[0] - light_log[1], light_log[2] - light_log[1]])
    line = light_point - skin_point
    length = float(np.linalg.norm(line))
    relative = chroma - skin_point
    if length < 1e-6:
        distance = np.hypot(relative[:, 0], relative[:, 1])
        along = np.zeros_like(distance)
    else:
        unit = line / length
        along = (relative @ unit) / length
        distance = np.abs(relative[:, 0] * unit[1] - relative[:, 1] * unit[0])
    skin_luminance = float(np.asarray(skin_rgb, dtype=np.float64) @ _LUMA32)
    return (
        (distance < _SKIN_LINE_DISTANCE)
        & (along >= _SKIN_LINE_SPAN[0])
        & (along <= _SKIN_LINE_SPAN[1])
        & (luminance >= _SKIN_MIN_BRIGHTNESS * skin_luminance)
    )
