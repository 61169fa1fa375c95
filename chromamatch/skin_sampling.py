"""Which pixels of a face are bare skin, and the near-neutral whites of the eyes and teeth.

Skin is taken from four landmark regions (cheeks, forehead, nose bridge, chin) with the eyes,
brows, lips and nostrils cut out by geometry. Everything else that is not bare skin (stubble,
hair, glasses, specular highlights, deep shadows, make-up edges) is cut out by how far a pixel
sits from the face's own distribution: luminance as a ratio of the region's median, and
chromaticity as log(R/G), log(B/G) distances in units of the face's own spread. Ratios and log
ratios do not move when the whole photo is scaled or tinted by a light, so the same photo
relit by a warm lamp or taken darker keeps nearly the same pixels; no absolute threshold is
used apart from clipped 8-bit values.

What covers the face is told the same way, by comparing its parts: cheeks that read like the
lips, or unlike both forehead and nose bridge, are covered (a mask, a beard) and the photo is
refused; an eye whose iris is as bright as its white is behind dark or mirrored glasses (or
closed), and gives neither eye white nor iris.
"""

from dataclasses import dataclass
from functools import cached_property

import cv2
import numpy as np

from chromamatch.colour import (
    CLIPPED_8BIT,
    LINEAR_FLOOR,
    LUMA,
    NEAR_BLACK_8BIT,
    lab_to_linear_rgb,
    linear_rgb_to_lab,
    srgb_to_linear,
)
from chromamatch.errors import AnalysisError
from chromamatch.face_landmarks import Face
from chromamatch.small_arrays import brightest_channel, median, select_rows

REGIONS = ("cheeks", "forehead", "nose_bridge", "chin")

# FaceMesh landmark indices (canonical 468-point mesh plus the 10 refined iris points).
_RIGHT_IRIS, _LEFT_IRIS = 468, 473  # the person's right eye is on the image's left
_RIGHT_IRIS_RING, _LEFT_IRIS_RING = (469, 470, 471, 472), (474, 475, 476, 477)
_RIGHT_EYE = (33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246)
_LEFT_EYE = (263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466)
_RIGHT_BROW = (70, 63, 105, 66, 107, 55, 65, 52, 53, 46)
_LEFT_BROW = (300, 293, 334, 296, 336, 285, 295, 282, 283, 276)
_OUTER_LIPS = (
    *(61, 146, 91, 181, 84, 17, 314, 405, 321, 375),  # lower lip, image-left corner onwards
    *(291, 409, 270, 269, 267, 0, 37, 39, 40, 185),  # upper lip, back from the other corner
)
_INNER_LIPS = (
    *(78, 95, 88, 178, 87, 14, 317, 402, 318, 324),
    *(308, 415, 310, 311, 312, 13, 82, 81, 80, 191),
)
_NOSE_WINGS = (217, 126, 142, 129, 98, 97, 2, 326, 327, 358, 371, 355, 437)
_REGION_POLYGONS = {
    "forehead": (67, 109, 10, 338, 297, 299, 296, 336, 9, 107, 66, 69),
    "nose_bridge": (168, 417, 351, 419, 248, 195, 3, 196, 122, 193),
    "chin": (18, 313, 421, 428, 396, 175, 171, 208, 201, 83),
}
# The reference cheek patches sit below and outside each pupil, where the London set's
# template puts them, by two conventions: about 0.11 inter-pupil distances outside the pupils
# for identities numbered below 36, 0.26 from 36 on, 0.46-0.48 below, with a spread of 0.03 within
# each that no FaceMesh landmark predicts (bench/reference_placement.py). The offsets below
# (outward, down, in inter-pupil distances) and the square's side were picked on a grid against
# the references and sit between the two; neighbours 0.02-0.03 away give 3.1-3.7 degrees of
# median ITA error (bench/skin_sampling_agreement.py measures the choice).
# Cheek shading falls off fast towards the ear, so the outward offset matters most.
_CHEEK_OFFSET_IPD = (0.22, 0.45)
_CHEEK_SIDE_IPD = 0.34
# Margins that keep lashes, brow hairs and lip edges out, in inter-pupil distances.
_EYE_MARGIN_IPD = 0.10
_BROW_MARGIN_IPD = 0.08
_LIP_MARGIN_IPD = 0.06

# Luminance kept, as a ratio of the region's median: darker is shadow, stubble, hair or a
# glasses frame; brighter is a specular highlight. Shading across a region of bare skin stays
# within about this range under studio and window light; a tighter window cut the cheeks'
# shaded side, which the reference patches keep, and moved ITA by about a degree.
_REGION_LUMINANCE_RANGE = (0.55, 1.5)
# A whole region is dropped when its median is this far from the cheeks' (hair over the
# forehead, a beard over the chin): its pixels would not be the same skin.
_REGION_MEDIAN_RANGE = (0.55, 1.7)
# Chromaticity kept: within this many robust standard deviations of the face's centre...
_CHROMA_SIGMAS = 3.0
# ...with a floor on that spread (log units, i.e. about 4 % in R/G or B/G), so that a very even
# face does not lose half its pixels to JPEG noise.
_MIN_CHROMA_SPREAD = 0.04
# Red rebuilt where it alone clipped (``_with_red_rebuilt``): the face's red-to-green ratio is
# read on unclipped pixels darker in green than this share of the clipped ones, and needs at
# least this many pixels (else all the unclipped ones; with fewer still, nothing is rebuilt).
_REBUILT_RATIO_QUANTILE = 0.05
_MIN_RATIO_PIXELS = 20
# Sampling pitch: one pixel in round(ipd / 50) along each axis. A portrait at the analysis size
# (ipd about 100 px) is read every second pixel, a quarter of the operations (1 ms less), and
# still leaves about 600 samples on the cheeks (never under 370 on the development set); the
# median ITA error against the references moves by under 0.1 degree.
_SAMPLES_PER_IPD = 50
# Below this many kept cheek pixels the cheeks alone are too noisy, and all regions count.
_MIN_CHEEK_PIXELS = 150
# Weight of a non-cheek pixel in that fallback summary (the reference is measured on cheeks).
_OTHER_REGION_WEIGHT = 0.25
# The regions of the steady skin reading, and how many pixels each needs to count: from
# nothing at the first number to fully at the second, so that a region hovering at the edge
# does not move the reading by a jump. The development portraits keep 200-1400 forehead and
# 0-220 nose-bridge pixels (a fringe or glasses none); when the nose bridge counted fully from
# 30 pixels, re-saving a photo that kept 30 of them dropped it and moved the reading by 3 L*.
_STEADY_REGIONS = ("forehead", "nose_bridge")
_STEADY_PIXELS_RAMP = (30, 90)

# An open eye's white is far brighter than its iris: over the iris disc (within _IRIS_DISC of
# its radius) the median luminance is at most 0.41 of the white's on the development photos
# (as shot, smiling and 312 relit copies, each eye; 0.09 typically). Dark, tinted or mirrored
# glasses make the two alike (1.0 for an even lens), and so does a closed lid (skin on both),
# and the eye then has no white to read and no iris colour to give.
_IRIS_DISC = 0.85
_MAX_IRIS_TO_WHITE = 0.6

# Covered cheeks (``cheeks_covered``) are refused, not read elsewhere: with a mask drawn over
# the lower face of each development photo, the forehead and nose bridge gave ITA 6-31 degrees
# (median by mask colour) from the photo's own reading, as the forehead is lit differently and
# the mask misleads the lighting estimate.
_COVERED_MESSAGE = (
    "Your cheeks look covered (a mask, a scarf, a hand or a beard), and skin colour is read on "
    "them. Take the photo with your cheeks bare."
)
_LIPS_LIKE_CHEEKS = 0.1
_UNLIKE_CHROMA = 0.9  # log units of R/G and B/G: bare regions of one face differ by up to 0.47
_UNLIKE_LOG_LUMINANCE = 1.5  # a factor of 4.5: a shaded cheek against a shiny forehead is 2.5
_MAX_CLIPPED_FOR_COMPARING = 0.08
_MIN_REGION_PIXELS = 20
_REGION_COLOUR_SAMPLES = 300
# Light from one side (a window beside the person) leaves one cheek darker. The lighting
# estimate reads the exposure mostly from the brightest surfaces of the photo, which are on the
# lit side, so the lit cheek is the one it corrects right: light falling to half across the
# face read ITA 9.8 degrees too dark from both cheeks (median, 30 development photos), 3.4 from
# the lit one. Bare faces differ between the cheeks by at most 0.21 in log luminance (as shot,
# smiling, relit copies), so from SIDE_LIT_ASYMMETRY[0] the darker cheek counts less, and from
# [1] not at all (quality then warns uneven_light). _MIDLINE is the landmark between the eyes.
SIDE_LIT_ASYMMETRY = (0.2, 0.35)
# A lamp on one side and a window on the other make the cheeks differ in colour. Bare faces'
# cheeks differ by at most 0.15 (``_cheek_colour_difference``: as shot, smiling, relit
# copies); under 3000 K on one side and 6500 K on the other by 0.76 at least, and the skin then
# read ITA 14-17 degrees off (median) with the undertone kept for 0.26-0.32 of people. One
# correction cannot take out two lights, so the photo is warned about (uneven_light).
_MIXED_LIGHT_CHROMA = 0.4
_MIDLINE = 168
_MIN_SIDE_PIXELS = 30

_NO_SKIN_MESSAGE = (
    "No bare skin could be seen on the face. Use a photo with your cheeks uncovered, in even light."
)
# When most of the face's skin clipped in green or blue as well as red (two stops over on a
# light face), nothing of its colour is left to read, and the person is told why.
_WASHED_OUT_MESSAGE = (
    "Your face is so brightly lit in this photo that its colour is washed out to white. "
    "Take it again out of direct light, or with the exposure turned down."
)
_WASHED_OUT_SHARE = 0.5

_SRGB8_TO_LINEAR = srgb_to_linear(np.arange(256) / 255.0)
# Logarithms of the same, with 0 read as half a code step: the quantisation floor of 8 bits.
_SRGB8_TO_LOG = np.log(srgb_to_linear(np.maximum(np.arange(256), 0.5) / 255.0))


@dataclass(frozen=True)
class SkinSample:
    linear_rgb: np.ndarray  # (N, 3) float64 linear sRGB of the skin pixels kept
    mask: np.ndarray  # H x W bool, the pixels kept (each sample stands for its step x step block)
    region_counts: dict[str, int]  # pixels kept per region: cheeks, forehead, nose_bridge, chin
    regions: np.ndarray  # (N,) index into REGIONS of each kept pixel
    step: int = 1  # pixels are sampled on a grid of this pitch (large faces have plenty)
    # (N,) True for a kept pixel on the person's left of the face's midline, or None
    left_side: np.ndarray | None = None
    # How far apart the two cheeks' colours are (``_cheek_colour_difference``)
    cheek_colour_difference: float = 0.0
    # Share of the skin regions' pixels too clipped to read (green or blue clipped, or red with
    # no unclipped pixels to rebuild it from: ``_with_red_rebuilt``)
    washed_out_share: float = 0.0

    @cached_property
    def cheek_asymmetry(self) -> float:
        """How much brighter the person's left cheek is than the right: the log of the ratio
        of their kept pixels' median luminance; 0.0 when a cheek has too few pixels to tell.
        Kept once read: the skin's reading and the quality warnings both ask for it."""
        sides = _cheek_sides(self)
        if sides is None:
            return 0.0
        left, right = (max(median(side @ LUMA), LINEAR_FLOOR) for side in sides)
        return float(np.log(left / right))


def sample_skin(rgb: np.ndarray, face: Face) -> SkinSample:
    """The bare-skin pixels of ``face`` in ``rgb`` (H x W x 3 uint8); ``AnalysisError``
    (``no_face``, saying what to do) when the cheeks are covered (``cheeks_covered``)."""
    height, width = rgb.shape[:2]
    step = max(1, round(_ipd(face) / _SAMPLES_PER_IPD))
    x0, y0, x1, y1 = _padded_box(face, width, height)
    # The grid is anchored to the image, not to the face, so that a relit copy of the photo,
    # whose landmarks move by a fraction of a pixel, samples the very same pixels.
    x0, y0 = x0 - x0 % step, y0 - y0 % step
    # Each sample is the centre pixel of its step x step block, and lies inside the image.
    shape = ((y1 - y0 - step // 2 - 1) // step + 1, (x1 - x0 - step // 2 - 1) // step + 1)
    labels = _region_labels(face, (x0, y0), step, shape)
    rows, columns = np.nonzero(labels)
    region = labels[rows, columns].astype(np.int64) - 1
    pixels = rgb[rows * step + (y0 + step // 2), columns * step + (x0 + step // 2)]
    landmarks = face.landmarks[:, :2]
    across = landmarks[_LEFT_IRIS] - landmarks[_RIGHT_IRIS]
    positions = np.stack([columns, rows], axis=1) * step + (x0, y0) + step // 2
    left_side = (positions - landmarks[_MIDLINE]) @ across > 0
    if cheeks_covered(rgb, face, pixels, region):
        raise AnalysisError("no_face", _COVERED_MESSAGE)
    linear, logs, readable = _with_red_rebuilt(pixels)
    keep = readable.copy()
    keep &= _luminance_ok(linear, region, keep)
    keep &= _chroma_ok(logs, region, keep)

    # The mask covers the blocks the kept samples stand for, so that it does not depend on
    # the sampling pitch (which a face one pixel larger may change).
    kept = np.zeros(shape, dtype=np.uint8)
    kept[rows[keep], columns[keep]] = 1
    blocks = cv2.resize(kept, (shape[1] * step, shape[0] * step), interpolation=cv2.INTER_NEAREST)
    mask = np.zeros((height, width), dtype=bool)
    mask[y0 : y0 + blocks.shape[0], x0 : x0 + blocks.shape[1]] = blocks[
        : height - y0, : width - x0
    ].astype(bool)
    kept_region = region[keep]
    counts = np.bincount(kept_region, minlength=len(REGIONS))
    return SkinSample(
        linear_rgb=select_rows(linear, keep),
        mask=mask,
        region_counts={name: int(counts[i]) for i, name in enumerate(REGIONS)},
        regions=kept_region,
        step=step,
        left_side=left_side[keep],
        cheek_colour_difference=_cheek_colour_difference(
            select_rows(pixels, region == REGIONS.index("cheeks")),
            left_side[region == REGIONS.index("cheeks")],
        ),
        washed_out_share=float(1.0 - readable.mean()) if len(readable) else 0.0,
    )


def cheeks_covered(rgb: np.ndarray, face: Face, pixels: np.ndarray, region: np.ndarray) -> bool:
    """Whether the cheeks are covered (a mask, a scarf, a beard, a hand) rather than bare.

    ``pixels`` (uint8) are the face's samples and ``region`` their index into REGIONS. Two
    signs, each read on the colour of a region (``_region_colour``):

    - the lips read as the cheeks do: a mask covers both. Bare lips differ from the cheeks by
      0.19 at least (0.48 typically) in ``_colour_distance`` on the development photos (as
      shot, smiling, relit copies); a plain mask's lips and cheeks by nothing;
    - the cheeks differ from every one of the forehead and nose bridge that shows by more than
      bare skin does (a dark beard or a blue mask). On the development photos the largest
      difference is half of the line (``_cheeks_unlike``), save on relit copies so
      overexposed that the unclipped rest of a region is no longer its colour, where this
      sign is not read.
    """
    unclipped = brightest_channel(pixels) < CLIPPED_8BIT
    cheeks = _region_colour(select_rows(pixels, region == REGIONS.index("cheeks")))
    if cheeks is None:
        return False
    lips = _region_colour(_lip_pixels(rgb, face))
    if lips is not None and _colour_distance(lips, cheeks) < _LIPS_LIKE_CHEEKS:
        return True
    if 1.0 - unclipped.mean() > _MAX_CLIPPED_FOR_COMPARING:
        return False
    upper = [
        colour
        for name in _STEADY_REGIONS
        if (colour := _region_colour(select_rows(pixels, region == REGIONS.index(name))))
        is not None
    ]
    return bool(upper) and all(_cheeks_unlike(cheeks, colour) for colour in upper)


def _region_colour(pixels8: np.ndarray) -> np.ndarray | None:
    """(log R/G, log B/G, log luminance) medians of the pixels that are neither clipped nor
    near black; None for too few."""
    # Medians of a few hundred pixels sit within 0.01 of all of them' (in log units), far inside
    # the lines they are compared with, at a fraction of the cost.
    pixels8 = pixels8[:: max(1, len(pixels8) // _REGION_COLOUR_SAMPLES)]
    pixels8 = select_rows(pixels8, _readable(pixels8))
    if len(pixels8) < _MIN_REGION_PIXELS:
        return None
    logs = _SRGB8_TO_LOG[pixels8]
    return np.array(
        [
            median(logs[:, 0] - logs[:, 1]),
            median(logs[:, 2] - logs[:, 1]),
            np.log(median(_SRGB8_TO_LINEAR[pixels8] @ LUMA)),
        ]
    )


def _readable(pixels8: np.ndarray) -> np.ndarray:
    """Which uint8 pixels are neither near black nor clipped: their channel ratios are a colour."""
    brightest = brightest_channel(pixels8)
    return (brightest > NEAR_BLACK_8BIT) & (brightest < CLIPPED_8BIT)


def _colour_distance(first: np.ndarray, second: np.ndarray) -> float:
    # Brightness counts a third as much as chromaticity: lips are darker than the cheeks, but
    # so is the lower part of a mask in its own shadow.
    difference = (first - second) * (1.0, 1.0, 1 / 3)
    return float(np.linalg.norm(difference))


def _cheeks_unlike(cheeks: np.ndarray, other: np.ndarray) -> bool:
    chroma = float(np.hypot(*(cheeks[:2] - other[:2])))
    brightness = abs(float(cheeks[2] - other[2]))
    return max(chroma / _UNLIKE_CHROMA, brightness / _UNLIKE_LOG_LUMINANCE) > 1.0


def _lip_pixels(rgb: np.ndarray, face: Face) -> np.ndarray:
    """uint8 pixels of the lips: inside their outer contour, outside the mouth's opening."""
    outer = face.landmarks[list(_OUTER_LIPS), :2]
    height, width = rgb.shape[:2]
    x0, y0 = np.maximum(np.floor(outer.min(axis=0)).astype(int), 0)
    x1, y1 = np.minimum(np.ceil(outer.max(axis=0)).astype(int) + 1, (width, height))
    if x1 <= x0 or y1 <= y0:
        return np.empty((0, 3), np.uint8)
    mask = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
    for contour, value in ((_OUTER_LIPS, 1), (_INNER_LIPS, 0)):
        points = np.round((face.landmarks[list(contour), :2] - (x0 + 0.5, y0 + 0.5)) * 4)
        cv2.fillPoly(mask, [points.astype(np.int32)], value, cv2.LINE_8, shift=2)
    return rgb[y0:y1, x0:x1][mask > 0]


def skin_linear_rgb(sample: SkinSample) -> np.ndarray:
    """One linear-sRGB skin colour, weighted to the cheeks where the reference is measured.

    The median is taken per CIELAB channel, as the reference's is: L* is the cube root of
    luminance, so on a shaded cheek its median is not that of linear RGB, and taking it the
    reference's way brings the median ITA error on the London set from 3.75 to 3.40 degrees
    (held-out people 3.80 to 3.54; bench/skin_sampling_agreement.py). A cheek in the shade of
    light from one side counts less, or not at all (SIDE_LIT_ASYMMETRY).
    """
    if len(sample.linear_rgb) == 0:
        washed_out = sample.washed_out_share > _WASHED_OUT_SHARE
        raise AnalysisError("no_face", _WASHED_OUT_MESSAGE if washed_out else _NO_SKIN_MESSAGE)
    lab = linear_rgb_to_lab(sample.linear_rgb)
    cheeks = sample.regions == REGIONS.index("cheeks")
    if cheeks.sum() >= _MIN_CHEEK_PIXELS:
        cheek_lab = select_rows(lab, cheeks)
        asymmetry = sample.cheek_asymmetry
        low, high = SIDE_LIT_ASYMMETRY
        darker_weight = 1.0 - float(np.clip((abs(asymmetry) - low) / (high - low), 0.0, 1.0))
        if darker_weight == 1.0:
            return lab_to_linear_rgb(median(cheek_lab, axis=0))
        darker = (sample.left_side != (asymmetry > 0))[cheeks]
        weights = np.where(darker, darker_weight, 1.0)
        return lab_to_linear_rgb(
            np.array([_weighted_median(channel, weights) for channel in cheek_lab.T])
        )
    weights = np.where(cheeks, 1.0, _OTHER_REGION_WEIGHT)
    return lab_to_linear_rgb(np.array([_weighted_median(channel, weights) for channel in lab.T]))


def steady_skin_linear_rgb(sample: SkinSample) -> np.ndarray | None:
    """The skin of the forehead and nose bridge, which expressions change least; or None.

    A smile lifts and flushes the cheeks: between the neutral and smiling photos of the London
    set the cheeks' CIELAB hue moves by 0.40 of its spread over people, the forehead's and
    nose bridge's by 0.24 (bench/season_stability.py). The season reads skin hue and chroma
    here; ``skin_linear_rgb`` (the cheeks, where the references are measured) stays the
    reported skin. Each region's median per CIELAB channel, as there, then the mean of the
    regions seen (each weighted by ``_STEADY_PIXELS_RAMP``): pooling their pixels would let
    the share of forehead against nose, which differ in hue, move the reading (0.33 instead of
    0.24). None when both are hidden (a fringe over the forehead and glasses over the nose).
    """
    low, high = _STEADY_PIXELS_RAMP
    medians, weights = [], []
    for region in _STEADY_REGIONS:
        pixels = sample.linear_rgb[sample.regions == REGIONS.index(region)]
        weight = min(1.0, (len(pixels) - low) / (high - low))
        if weight > 0:
            medians.append(np.median(linear_rgb_to_lab(pixels), axis=0))
            weights.append(weight)
    if not medians:
        return None
    return lab_to_linear_rgb(np.average(medians, axis=0, weights=weights))


def sclera_linear_rgb(rgb: np.ndarray, face: Face) -> np.ndarray:
    """Linear RGB (N, 3) of the whites of the eyes seen (``eyes_seen``): in the eye, off the
    iris, bright, grey."""
    whites = [white for white in _eye_whites(rgb, face) if white is not None]
    return _brightest_greyest(np.concatenate(whites) if whites else np.empty((0, 3), np.uint8))


def eyes_seen(rgb: np.ndarray, face: Face) -> list[bool]:
    """Whether each eye (the person's right first) shows a white far brighter than its iris,
    as an open eye does; not one behind dark or mirrored glasses, nor a closed one."""
    return [white is not None for white in _eye_whites(rgb, face)]


def _eye_whites(rgb: np.ndarray, face: Face) -> list[np.ndarray | None]:
    """Per eye (the person's right first), the uint8 pixels inside its lids and off its iris;
    None for an eye not seen."""
    ipd = _ipd(face)
    whites: list[np.ndarray] = []
    verdicts: list[bool | None] = []
    for contour, centre, ring in (
        (_RIGHT_EYE, _RIGHT_IRIS, _RIGHT_IRIS_RING),
        (_LEFT_EYE, _LEFT_IRIS, _LEFT_IRIS_RING),
    ):
        points = face.landmarks[list(contour), :2]
        iris_centre = face.landmarks[centre, :2]
        iris_radius = np.linalg.norm(face.landmarks[list(ring), :2] - iris_centre, axis=1).mean()
        inside = _polygon_pixels(rgb, points, shrink_px=0.02 * ipd)
        if inside is None:
            whites.append(np.empty((0, 3), np.uint8))
            verdicts.append(False)
            continue
        ys, xs, pixels = inside
        distance = np.hypot(xs - iris_centre[0], ys - iris_centre[1])
        # The iris ring landmarks sit on the limbus; a small margin keeps its dark edge out.
        whites.append(select_rows(pixels, distance > iris_radius * 1.15))
        verdicts.append(
            _iris_far_darker(select_rows(pixels, distance < iris_radius * _IRIS_DISC), whites[-1])
        )
    # An eye with no white or no iris pixels to compare (a narrow or half-hidden one) takes the
    # other eye's verdict: glasses hide both; with neither to tell, both count as seen.
    right, left = verdicts
    seen = [right if right is not None else left, left if left is not None else right]
    return [
        white if verdict is not False else None for white, verdict in zip(whites, seen, strict=True)
    ]


def _iris_far_darker(iris8: np.ndarray, white8: np.ndarray) -> bool | None:
    """Whether the iris is far darker than the white; None when either has no pixels."""
    white = _brightest_greyest(white8)
    iris = select_rows(iris8, brightest_channel(iris8) < CLIPPED_8BIT)
    if len(white) == 0 or len(iris) == 0:
        return None
    iris_luminance = median(_SRGB8_TO_LINEAR[iris] @ LUMA)
    return bool(iris_luminance <= _MAX_IRIS_TO_WHITE * median(white @ LUMA))


def teeth_linear_rgb(rgb: np.ndarray, face: Face) -> np.ndarray:
    """Linear RGB (N, 3) of visible teeth; empty when the mouth is closed."""
    landmarks = face.landmarks
    mouth_width = np.linalg.norm(landmarks[308, :2] - landmarks[78, :2])
    opening = np.linalg.norm(landmarks[14, :2] - landmarks[13, :2])
    # Closed lips still leave a line of a few pixels between the inner contours: below an
    # opening of 8 % of the mouth width there is no tooth surface worth measuring.
    if mouth_width <= 0 or opening < 0.08 * mouth_width:
        return np.empty((0, 3))
    inside = _polygon_pixels(rgb, landmarks[list(_INNER_LIPS), :2], shrink_px=0.04 * opening)
    if inside is None:
        return np.empty((0, 3))
    return _brightest_greyest(inside[2])


def skin_debug_picture(rgb: np.ndarray, sample: SkinSample) -> np.ndarray:
    """The photo dimmed to a third, with the skin pixels kept at full brightness, outlined."""
    picture = cv2.convertScaleAbs(rgb, alpha=1 / 3)
    np.copyto(picture, rgb, where=sample.mask[..., None])
    contours, _ = cv2.findContours(
        sample.mask.astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE
    )
    cv2.drawContours(picture, contours, -1, (60, 255, 60), 1)
    return picture


def _ipd(face: Face) -> float:
    return float(np.linalg.norm(face.landmarks[_LEFT_IRIS, :2] - face.landmarks[_RIGHT_IRIS, :2]))


def _padded_box(face: Face, width: int, height: int) -> tuple[int, int, int, int]:
    points = face.landmarks[:, :2]
    x0, y0 = np.floor(points.min(axis=0)).astype(int) - 2
    x1, y1 = np.ceil(points.max(axis=0)).astype(int) + 2
    return max(0, x0), max(0, y0), min(width, x1), min(height, y1)


def _region_labels(
    face: Face, origin: tuple[int, int], step: int, shape: tuple[int, int]
) -> np.ndarray:
    """A grid of the face box, one cell per ``step`` pixels: 1 + index into REGIONS, or 0."""
    # Landmarks count from pixel edges; a cell stands for the centre of its block.
    centre = np.array(origin, dtype=np.float32) + step // 2 + 0.5
    landmarks = (face.landmarks[:, :2] - centre) / step
    fixed = np.round(landmarks * 4).astype(np.int32)  # 2 bits of subpixel, for OpenCV
    ipd = _ipd(face) / step
    labels = np.zeros(shape, dtype=np.uint8)

    def polygon(indices, value, margin_ipd=0.0):
        points = fixed[list(indices)]
        cv2.fillPoly(labels, [points], value, lineType=cv2.LINE_8, shift=2)
        if margin_ipd:
            thickness = max(1, round(2 * margin_ipd * ipd))
            cv2.polylines(labels, [points], True, value, thickness, cv2.LINE_8, shift=2)

    for name, indices in _REGION_POLYGONS.items():
        polygon(indices, 1 + REGIONS.index(name))
    across = landmarks[_LEFT_IRIS] - landmarks[_RIGHT_IRIS]
    across /= np.linalg.norm(across)
    down = np.array([-across[1], across[0]])
    half = _CHEEK_SIDE_IPD * ipd / 2
    outward, lower = _CHEEK_OFFSET_IPD
    for iris, away_from_nose in ((_RIGHT_IRIS, -across), (_LEFT_IRIS, across)):
        centre = landmarks[iris] + ipd * (outward * away_from_nose + lower * down)
        corners = centre + half * np.array(
            [-across - down, across - down, across + down, -across + down]
        )
        cv2.fillPoly(labels, [np.round(corners * 4).astype(np.int32)], 1, cv2.LINE_8, shift=2)
    for contour in (_RIGHT_EYE, _LEFT_EYE):
        polygon(contour, 0, _EYE_MARGIN_IPD)
    for brow in (_RIGHT_BROW, _LEFT_BROW):
        polygon(brow, 0, _BROW_MARGIN_IPD)
    polygon(_OUTER_LIPS, 0, _LIP_MARGIN_IPD)
    polygon(_NOSE_WINGS, 0)
    return labels


def _luminance_ok(linear: np.ndarray, region: np.ndarray, keep: np.ndarray) -> np.ndarray:
    luminance = linear @ LUMA
    ok = np.zeros(len(linear), dtype=bool)
    medians = {}
    for index in range(len(REGIONS)):
        members = keep & (region == index)
        if members.any():
            medians[index] = float(median(luminance[members]))
    reference = medians.get(REGIONS.index("cheeks"))
    if reference is None and medians:
        reference = float(np.median(list(medians.values())))
    if not reference:  # nothing unclipped, or a black picture: no skin to compare with
        return ok
    for index, middle in medians.items():
        if not _REGION_MEDIAN_RANGE[0] <= middle / reference <= _REGION_MEDIAN_RANGE[1]:
            continue
        members = region == index
        low, high = _REGION_LUMINANCE_RANGE
        ok |= members & (luminance >= low * middle) & (luminance <= high * middle)
    return ok


def _with_red_rebuilt(pixels8: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Linear RGB and its logarithms of uint8 skin ``pixels8``, red rebuilt where it alone
    clipped, and which pixels can be read (green and blue unclipped, red read or rebuilt).

    Over-exposure clips the skin's red first: under the evaluation's lights (up to +0.7 EV) a
    quarter of the relit development portraits clip red on more than half of the cheek, and
    not one clips green or blue on that much. Dropping those pixels left only the darker part
    of the face, which read the skin 10-20 L* too dark however well the light was known.
    Red is rebuilt from the pixel's own green at the face's red-to-green ratio (highlight
    recovery, as raw converters do it), never below the clipped value. The ratio is read on
    the pixels darker in green than nearly all (``_REBUILT_RATIO_QUANTILE``) of the clipped
    ones: chosen by green, they are not the pixels that happen to have little red. Luminance
    is mostly green and b* mostly blue against green, so L* and b* (ITA, the Monk level) come
    back nearly exactly; a*, the hue, is then that of the darker pixels. With the true light
    divided out, relit copies whose face clipped keep their Monk level 0.82-0.83 of the time,
    against 0.34-0.37 when those pixels were dropped (bench/relit_ceiling.py, "true light",
    both draws).
    """
    linear = _SRGB8_TO_LINEAR[pixels8]
    logs = _SRGB8_TO_LOG[pixels8]
    readable = (pixels8[:, 1] < CLIPPED_8BIT) & (pixels8[:, 2] < CLIPPED_8BIT)
    red_clipped = readable & (pixels8[:, 0] >= CLIPPED_8BIT)
    unclipped = readable & ~red_clipped
    if not red_clipped.any() or unclipped.sum() < _MIN_RATIO_PIXELS:
        return linear, logs, unclipped
    red_to_green = np.exp(logs[:, 0] - logs[:, 1])
    green = linear[:, 1]
    darker = unclipped & (green < np.quantile(green[red_clipped], _REBUILT_RATIO_QUANTILE))
    basis = darker if darker.sum() >= _MIN_RATIO_PIXELS else unclipped
    ratio = median(red_to_green[basis])
    linear, logs = linear.copy(), logs.copy()
    rebuilt = np.maximum(linear[red_clipped, 0], green[red_clipped] * ratio)
    linear[red_clipped, 0] = rebuilt
    logs[red_clipped, 0] = np.log(rebuilt)
    return linear, logs, readable


def _chroma_ok(logs: np.ndarray, region: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Which of the ``keep`` pixels lie near the face's own log(R/G), log(B/G) centre
    (``logs``: the pixels' logarithms of linear RGB)."""
    candidates = np.flatnonzero(keep)
    if len(candidates) == 0:
        return keep
    logs = select_rows(logs, keep)
    chroma = np.array([logs[:, 0] - logs[:, 1], logs[:, 2] - logs[:, 1]]).T
    cheeks = region[candidates] == REGIONS.index("cheeks")
    basis = select_rows(chroma, cheeks) if cheeks.sum() >= _MIN_CHEEK_PIXELS else chroma
    centre = median(basis, axis=0)
    spread = np.maximum(1.4826 * median(np.abs(basis - centre), axis=0), _MIN_CHROMA_SPREAD)
    distance = np.hypot(*((chroma - centre) / spread).T)
    ok = np.zeros_like(keep)
    ok[candidates[distance <= _CHROMA_SIGMAS]] = True
    return ok


def _polygon_pixels(rgb: np.ndarray, points: np.ndarray, *, shrink_px: float):
    """(ys, xs, pixels) inside the polygon, pulled in by ``shrink_px``; None when empty."""
    height, width = rgb.shape[:2]
    x0, y0 = np.maximum(np.floor(points.min(axis=0)).astype(int), 0)
    x1, y1 = np.minimum(np.ceil(points.max(axis=0)).astype(int) + 1, (width, height))
    if x1 <= x0 or y1 <= y0:
        return None
    mask = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
    # Landmarks count from pixel edges, the mask's pixels from their centres.
    shifted = np.round((points - (x0 + 0.5, y0 + 0.5)) * 4).astype(np.int32)
    cv2.fillPoly(mask, [shifted], 1, cv2.LINE_8, shift=2)
    thickness = round(2 * shrink_px)
    if thickness >= 1:
        cv2.polylines(mask, [shifted], True, 0, thickness, cv2.LINE_8, shift=2)
    ys, xs = np.nonzero(mask)
    if len(ys) == 0:
        return None
    return ys + y0, xs + x0, rgb[ys + y0, xs + x0]


def _brightest_greyest(pixels: np.ndarray) -> np.ndarray:
    """Linear RGB of the brighter half of ``pixels``, then its less saturated half, unclipped.

    Both halves are relative to the pixels themselves: under a warm lamp the whites are warm
    too, and they are still the brightest, least saturated part of the eye or mouth.
    """
    pixels = select_rows(pixels, brightest_channel(pixels) < CLIPPED_8BIT)
    if len(pixels) == 0:
        return np.empty((0, 3))
    linear = _SRGB8_TO_LINEAR[pixels]
    luminance = linear @ LUMA
    bright = select_rows(linear, luminance >= median(luminance))
    highest = brightest_channel(bright)
    lowest = np.minimum(np.minimum(bright[:, 0], bright[:, 1]), bright[:, 2])
    saturation = (highest - lowest) / (highest + 1e-6)
    return select_rows(bright, saturation <= median(saturation))


def cheeks_lit_unevenly(sample: SkinSample) -> bool:
    """Whether one cheek is in shade (``SkinSample.cheek_asymmetry`` past
    ``SIDE_LIT_ASYMMETRY``) or lit by a light of another colour than the other (past
    ``_MIXED_LIGHT_CHROMA``)."""
    return bool(
        abs(sample.cheek_asymmetry) > SIDE_LIT_ASYMMETRY[1]
        or sample.cheek_colour_difference > _MIXED_LIGHT_CHROMA
    )


def _cheek_colour_difference(cheeks8: np.ndarray, left_side: np.ndarray) -> float:
    """The distance between the two cheeks' median (log R/G, log B/G), over their pixels that
    are neither clipped nor near black; 0.0 when a cheek has too few.

    Read before the sampler keeps the pixels near the face's own chromaticity, which under two
    lights would keep one cheek and drop the other.
    """
    usable = _readable(cheeks8)
    colours = []
    for side in (left_side, ~left_side):
        logs = _SRGB8_TO_LOG[select_rows(cheeks8, usable & side)]
        if len(logs) < _MIN_SIDE_PIXELS:
            return 0.0
        colours.append(median(logs[:, [0, 2]] - logs[:, 1:2], axis=0))
    return float(np.hypot(*(colours[0] - colours[1])))


def _cheek_sides(sample: SkinSample) -> tuple[np.ndarray, np.ndarray] | None:
    """The kept linear RGB of the person's left cheek and of the right; None when either has
    too few pixels or the sides are unknown."""
    if sample.left_side is None:
        return None
    cheeks = sample.regions == REGIONS.index("cheeks")
    left = select_rows(sample.linear_rgb, cheeks & sample.left_side)
    right = select_rows(sample.linear_rgb, cheeks & ~sample.left_side)
    if min(len(left), len(right)) < _MIN_SIDE_PIXELS:
        return None
    return left, right


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])
