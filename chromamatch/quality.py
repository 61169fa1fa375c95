"""How far a selfie is from the photo the colour analysis wants, as warnings and a 0..1 score.

The analysis still runs on a warned photo; the warnings tell the person what to change to get
a more trustworthy result, and the score lets the site rank or flag results.
"""

import cv2
import numpy as np

from chromamatch.colour import CLIPPED_8BIT
from chromamatch.face_landmarks import Face

WARNINGS = (
    "multiple_faces",
    "blurry",
    "too_dark",
    "overexposed",
    "colour_cast",
    "head_turned",
    "eyes_closed",
    "face_cut_off",
    "uneven_light",
    "heavily_compressed",
    "small_face",
)
# The warnings that say the exposure spoiled the face's pixels themselves: a clipped or crushed
# channel holds no colour, so what is measured from such a photo repeats far less on a retake
# (tone.SPOILED_MARGIN_WEIGHT, season.SPOILED_MARGIN_WEIGHT).
EXPOSURE_WARNINGS = ("too_dark", "overexposed")


def exposure_spoiled(warnings: list[str]) -> bool:
    """Whether ``warnings`` (of ``assess_quality``) include one of ``EXPOSURE_WARNINGS``."""
    return any(warning in EXPOSURE_WARNINGS for warning in warnings)


# Each warning multiplies the score by its factor: how much it can spoil the colours measured.
# Exposure and blur damage the pixels themselves; a cast is mostly taken out by the lighting
# correction; a turned head shades one cheek; closed eyes only remove the sclera cue; another
# face in the picture is harmless once the largest is chosen, unless it is the wrong person; a
# face cut by the frame loses one cheek and the lighting cues beside it; a face lit unevenly
# is corrected for one light or read on one cheek.
_SCORE_FACTORS = {
    "multiple_faces": 0.9,
    "blurry": 0.75,
    "too_dark": 0.7,
    "overexposed": 0.7,
    "colour_cast": 0.85,
    "head_turned": 0.8,
    "eyes_closed": 0.9,
    "face_cut_off": 0.85,
    "uneven_light": 0.8,
    "heavily_compressed": 0.85,
    "small_face": 0.9,
}

# Sharpness is the variance of the Laplacian of the face, resampled to this width so that it
# measures detail at the scale of the face, not of the camera, and divided by the squared mean
# grey level so that a darker copy of the same photo scores the same.
_SHARPNESS_WIDTH_PX = 128
# The London studio faces score 0.0056-0.067 (the same at 480 px); blurred by a Gaussian of
# 1 % of the face width they fall to 0.0007-0.0076 (median 0.0012), by 2 % to 0.0003-0.0026.
# A phone selfie is softer than a studio portrait and should pass, hence the margin below the
# studio range.
_MIN_SHARPNESS = 0.003
# Share of the face's landmarks that FaceMesh places outside the picture, past which the face is
# cut by the frame. No development photo has any outside; cut by a tenth of the face's width on
# one side, 2-5 % fall outside (30 photos) and 77 of 78 are warned (bench/covered_faces.py,
# which also gives what the cut costs in ITA: 0.7 degrees median there, 3.0 at 40 %).
_MAX_OUTSIDE_SHARE = 0.02
# Below this JPEG quality the compression shifts the skin's colour (39 neutral development
# photos re-saved, against their reading as shot: ITA 1.6 / 1.6 / 1.4 / 0.7 / 0.3 degrees off
# (median), undertone changed for 0.21 / 0.21 / 0.28 / 0.13 / 0.05 of them and the season for
# 0.23 / 0.18 / 0.15 / 0.18 / 0.03 at quality 35 / 45 / 55 / 65 / 75). Phones save at 85-95
# and messengers at about 70-85. Only the last save is seen: a squeezed photo saved again at
# a high quality is not warned.
MIN_JPEG_QUALITY = 70
# Below this width in the photo's own pixels a face is too small for its irises, whatever the
# engine does: the 78 neutral development photos shrunk until the face spans 140 / 160 / 170 /
# 180 / 190 / 210 px changed eye colour for 0.21 / 0.12 / 0.12 / 0.08 / 0.08 / 0.04 of them
# (docs/same_photo.md, 2026-11-29). Their season changed for 0.12-0.22 at every size, about
# as on a photo scaled to 85 % (0.10; skin ITA 0.3-0.85 degrees, median). A face small in a
# large photo is read again closer (analysis.REREAD_BELOW_PX) and is not warned: the photo
# has the pixels.
SMALL_FACE_WIDTH_PX = 180
# exposure_ev is the lighting estimator's exposure relative to a normal one, in stops; it
# reads photos from 2 stops under to 1.2 over within about 0.1 EV and corrects them
# (lighting.LightingModel). The warnings start just past the evaluation's -1..+0.7 EV all the
# same: a photo that dark has coarse, noisy dim channels and one that bright has lost its
# clipped ones, and a better photo is the advice. What is warned, and what is read wrong
# unwarned, at each exposure: bench/exposure_warnings.py (docs/exposure_warnings.md).
_TOO_DARK_EV = -1.1
_OVEREXPOSED_EV = 0.75
# Share of the face's pixels that are clipped (any channel >= CLIPPED_8BIT) or crushed (every
# channel <= 10): studio portraits have under 1 % of either; past these shares the skin
# statistics are built on what is left around the holes.
_CRUSHED_8BIT = 10
MAX_CLIPPED_SHARE = 0.08
_MAX_CRUSHED_SHARE = 0.2
# cast_strength is 0 under daylight and about 1 under 2700 K tungsten; half of that (about
# 3800 K, or a green/magenta tint of similar size) is where corrections start to be guesses.
_MAX_CAST_STRENGTH = 0.5
# Yaw: where the nose tip falls between the two face-contour points (234, 454), along the eye
# line; 0.5 is frontal. Over the London set it moves by 0.012 per degree of yaw (from the
# landmarks' depth), and frontal studio faces stay within 0.39-0.58; 0.2 off centre is about
# 17 degrees, where the far cheek is foreshortened and shaded.
_MAX_YAW_OFFSET = 0.2
# Roll: tilt of the line between the pupils. Up to 15 degrees the landmark model and the skin
# regions follow the face; beyond it, light from above falls unevenly on the two cheeks.
_MAX_ROLL_DEG = 15.0
# Eye aspect ratio (Soukupova and Cech 2016) from the lid landmarks: open eyes in the London
# set give 0.22-0.40, smiling ones included; closed lids give under 0.1.
_MIN_EYE_ASPECT = 0.15

_RIGHT_EYE_POINTS = (33, 160, 158, 133, 153, 144)  # corner, upper lid x2, corner, lower lid x2
_LEFT_EYE_POINTS = (362, 385, 387, 263, 373, 380)
_NOSE_TIP, _RIGHT_CONTOUR, _LEFT_CONTOUR = 1, 234, 454
_RIGHT_IRIS, _LEFT_IRIS = 468, 473


def assess_quality(
    rgb: np.ndarray,
    face: Face,
    *,
    faces_count: int,
    exposure_ev: float,
    cast_strength: float,
    lit_unevenly: bool = False,
    jpeg_quality: float | None = None,
    photo_scale: float = 1.0,
) -> tuple[list[str], float]:
    """Warnings (a subset of WARNINGS, in that order) and a 0..1 score for the photo.

    ``lit_unevenly`` is ``skin_sampling.cheeks_lit_unevenly``: one cheek in shade, or lit by
    a light of another colour (bench/side_light.py). ``jpeg_quality`` is the photo's
    (``image_loading.jpeg_quality``), None for other formats. ``photo_scale`` is the size of
    ``rgb`` relative to the photo (``LoadedImage.scale``).
    """
    brightest = _brightest_channel(rgb, face)
    clipped = float((brightest >= CLIPPED_8BIT).mean()) if brightest.size else 0.0
    crushed = float((brightest <= _CRUSHED_8BIT).mean()) if brightest.size else 0.0
    found = {
        "multiple_faces": faces_count > 1,
        "blurry": sharpness(rgb, face) < _MIN_SHARPNESS,
        "too_dark": exposure_ev < _TOO_DARK_EV or crushed > _MAX_CRUSHED_SHARE,
        "overexposed": exposure_ev > _OVEREXPOSED_EV or clipped > MAX_CLIPPED_SHARE,
        "colour_cast": cast_strength > _MAX_CAST_STRENGTH,
        "head_turned": abs(yaw_offset(face)) > _MAX_YAW_OFFSET
        or abs(roll_degrees(face)) > _MAX_ROLL_DEG,
        "eyes_closed": eye_aspect_ratio(face) < _MIN_EYE_ASPECT,
        "face_cut_off": outside_share(rgb, face) > _MAX_OUTSIDE_SHARE,
        "uneven_light": lit_unevenly,
        "heavily_compressed": jpeg_quality is not None and jpeg_quality < MIN_JPEG_QUALITY,
        # The landmarks' own extent: a face the frame cuts is no smaller for it.
        "small_face": float(np.ptp(face.landmarks[:, 0])) / photo_scale < SMALL_FACE_WIDTH_PX,
    }
    warnings = [name for name in WARNINGS if found[name]]
    score = float(np.prod([_SCORE_FACTORS[name] for name in warnings]))
    return warnings, score


def outside_share(rgb: np.ndarray, face: Face) -> float:
    """The share of the face's landmarks that lie outside the picture."""
    height, width = rgb.shape[:2]
    x, y = face.landmarks[:, 0], face.landmarks[:, 1]
    return float(np.mean((x < 0) | (x > width) | (y < 0) | (y > height)))


def sharpness(rgb: np.ndarray, face: Face) -> float:
    """Laplacian variance of the face at a fixed scale, relative to its mean brightness."""
    x0, y0, x1, y1 = face.box
    if x1 - x0 < 2 or y1 - y0 < 2:
        return 0.0
    grey = cv2.cvtColor(rgb[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY)
    # Averaging whole blocks first (OpenCV's fast integer INTER_AREA) keeps the fine detail
    # from aliasing into the small copy; the last, less than 2x, step is bilinear.
    factor = max(1, grey.shape[1] // _SHARPNESS_WIDTH_PX)
    if factor > 1:
        grey = grey[
            : grey.shape[0] - grey.shape[0] % factor, : grey.shape[1] - grey.shape[1] % factor
        ]
        size = (grey.shape[1] // factor, grey.shape[0] // factor)
        grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
    height = max(1, round(grey.shape[0] * _SHARPNESS_WIDTH_PX / grey.shape[1]))
    small = cv2.resize(grey, (_SHARPNESS_WIDTH_PX, height), interpolation=cv2.INTER_LINEAR)
    small = small.astype(np.float32)
    mean = float(small.mean())
    if mean <= 0:
        return 0.0
    return float(cv2.Laplacian(small, cv2.CV_32F).var() / mean**2)


def yaw_offset(face: Face) -> float:
    """Where the nose tip sits between the face's sides, minus one half (0 = frontal)."""
    points = face.landmarks[:, :2]
    across = points[_LEFT_IRIS] - points[_RIGHT_IRIS]
    right, left, nose = (
        float(points[i] @ across) for i in (_RIGHT_CONTOUR, _LEFT_CONTOUR, _NOSE_TIP)
    )
    if left == right:
        return 0.0
    return (nose - right) / (left - right) - 0.5


def roll_degrees(face: Face) -> float:
    dx, dy = face.landmarks[_LEFT_IRIS, :2] - face.landmarks[_RIGHT_IRIS, :2]
    return float(np.degrees(np.arctan2(dy, dx)))


def eye_aspect_ratio(face: Face) -> float:
    """The mean of both eyes' lid opening over their width."""
    ratios = []
    for corner, upper1, upper2, other_corner, lower2, lower1 in (
        _RIGHT_EYE_POINTS,
        _LEFT_EYE_POINTS,
    ):
        p = face.landmarks[:, :2]
        width = np.linalg.norm(p[corner] - p[other_corner])
        opening = np.linalg.norm(p[upper1] - p[lower1]) + np.linalg.norm(p[upper2] - p[lower2])
        ratios.append(opening / (2 * width) if width > 0 else 0.0)
    return float(np.mean(ratios))


def _brightest_channel(rgb: np.ndarray, face: Face) -> np.ndarray:
    """Per pixel, the brightest channel over the middle of the face box.

    The box's outer sixth is hair, ears and background; every third pixel is plenty for a share.
    """
    x0, y0, x1, y1 = face.box
    inset_x, inset_y = (x1 - x0) // 6, (y1 - y0) // 6
    middle = rgb[y0 + inset_y : y1 - inset_y : 3, x0 + inset_x : x1 - inset_x : 3]
    return np.maximum(np.maximum(middle[..., 0], middle[..., 1]), middle[..., 2])
