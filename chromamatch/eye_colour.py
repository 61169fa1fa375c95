"""Eye colour from the iris: the ring between pupil and limbus, under daylight.

FaceMesh's refined landmarks give each iris a centre and four points on its rim (the limbus).
Of the disc they outline, only a ring is the iris's own colour: the inner part is pupil, the
outermost part is the dark limbal ring, the eyelids and lashes cover the top and bottom, and
the studio or window light leaves a glint. So the pixels read are those of the ring between
0.4 and 0.85 iris radii, inside the eyelid contour, unclipped, neither far darker (pupil edge,
lash shadow) nor far brighter (glint) than the ring's own median. The iris's colour is in its
brighter half: the darker half is crypts and the shadow of the upper lid, grey in any eye. The
colour is that half's mean: at the analysis size an iris ring holds a few dozen pixels, and
each channel's own median picks other pixels, so the chroma of per-channel medians moved with
a re-saved, mirrored or rescaled copy of the photo by 0.10 of its spread between people
(median, bench/same_photo.py), the mean's by 0.04, and the label changed on 7.4 % of such
copies against 3.1 %.
Both eyes are pooled, the light of the photo is divided out (its own colour and exposure:
``correct_feature_rgb``), and the label is read from the CIELAB lightness, chroma and hue.

Irises photograph dark and nearly grey: over the development faces, blue and green irises have
a chroma of 2-6, brown ones 4-11, and most labels turn on a few units of a* and b*. The label
thresholds below are set on the development faces as shot (studio light, normal exposure), the
colours the lighting correction aims to reproduce.
"""

from dataclasses import dataclass

import cv2
import numpy as np

from chromamatch.colour import CLIPPED_8BIT, LUMA, lab_to_hex, linear_rgb_to_lab
from chromamatch.face_landmarks import Face
from chromamatch.lighting import LightingEstimate
from chromamatch.relight import srgb8_to_linear
from chromamatch.skin_sampling import eyes_seen

LABELS = ("dark brown", "brown", "amber", "hazel", "green", "blue", "grey")

# FaceMesh refined topology: iris centre, its four rim points, and the eyelid contour (upper
# and lower lid margins) of the person's right eye (image left) and left eye.
_EYES = (
    (
        468,
        (469, 470, 471, 472),
        (33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246),
    ),
    (
        473,
        (474, 475, 476, 477),
        (263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466),
    ),
)
# The ring read, in iris radii: pupils in daylight span 0.2-0.4 of the iris; the limbal ring
# darkens the outer 0.1-0.15.
_RING = (0.4, 0.85)
# Lashes on the lid margin: the contour is pulled in by this share of the iris radius.
_LID_MARGIN = 0.12
# Pixels kept, as a ratio of the ring's median luminance: darker is pupil edge or lash shadow,
# brighter a glint or the sclera showing through a misplaced rim.
_LUMINANCE_RANGE = (0.4, 2.0)
# Below this iris radius (pixels) the ring is a handful of JPEG-blurred pixels.
_MIN_RADIUS_PX = 4.0
# Fewest ring pixels per eye, and over both eyes, for a colour worth reporting.
_MIN_EYE_PIXELS = 12
_MIN_PIXELS = 30


@dataclass(frozen=True)
class EyeColour:
    lab: np.ndarray  # CIELAB (D65) of the iris under daylight at a normal exposure
    hex: str
    label: str  # one of LABELS
    confidence: float  # 0..1

    def as_dict(self) -> dict:
        return {"hex": self.hex, "label": self.label, "confidence": round(self.confidence, 2)}


def eye_colour(rgb: np.ndarray, face: Face, lighting: LightingEstimate) -> EyeColour | None:
    """The colour of the irises of ``face`` in ``rgb`` (H x W x 3 uint8); None when unseen
    (closed, behind dark or mirrored glasses: ``skin_sampling.eyes_seen``)."""
    eyes = [
        pixels
        for pixels, seen in zip(iris_linear_rgb(rgb, face), eyes_seen(rgb, face), strict=True)
        if seen and len(pixels) >= _MIN_EYE_PIXELS
    ]
    pooled = np.concatenate(eyes) if eyes else np.empty((0, 3))
    if len(pooled) < _MIN_PIXELS:
        return None
    lab = linear_rgb_to_lab(correct_feature_rgb(_brighter_half_mean(pooled), lighting))
    label, margin = eye_label(lab)
    # Two eyes that disagree (one in shadow, a misplaced rim) make the colour less certain;
    # so does a ring of few pixels and a colour close to the edge of its label.
    if len(eyes) == 2:
        left, right = (
            linear_rgb_to_lab(correct_feature_rgb(_brighter_half_mean(e), lighting)) for e in eyes
        )
        agreement = float(np.exp(-np.linalg.norm(left - right) / 8.0))
    else:
        agreement = 0.5
    coverage = min(1.0, len(pooled) / 400)
    confidence = agreement * (0.5 + 0.5 * coverage) * (0.4 + 0.6 * margin)
    return EyeColour(lab=lab, hex=lab_to_hex(lab), label=label, confidence=float(confidence))


def correct_feature_rgb(linear_rgb: np.ndarray, lighting: LightingEstimate) -> np.ndarray:
    """Linear RGB of an iris or of hair (..., 3) as under D65 at a normal exposure.

    ``lighting.gains`` are fitted to the skin sample, and where bright skin clipped the gains
    also carry what clipping moved in it (LightingEstimate): right for the skin, wrong for
    everything else. Irises and hair are divided by the light's own colour and exposure
    (``light_gains``). On relit copies of the development faces
    (bench/season_stability.py), per photo as a share of the spread between people, that
    took the iris's chroma noise from 0.51 (with the skin's colour and the light's exposure)
    to 0.22, its b* from 0.25 to 0.18 and hair warmth from 0.78 to 0.31; with the skin's gains
    alone irises read 1-5 L* too light. Photos as shot, without a cast or exposure error, are
    unchanged.
    """
    return np.clip(np.asarray(linear_rgb, dtype=np.float64) / lighting.light_gains, 0.0, 1.0)


def eye_label(lab: np.ndarray) -> tuple[str, float]:
    """The label of an iris colour and how far inside its label it lies (0 = on an edge, 1).

    Rules, on lightness L*, chroma C* and hue h (degrees) of the iris's brighter half:
    dark brown is dark (L* < 24) unless clearly blue; blue has a hue between 180 and 300
    degrees with some chroma; grey has almost none; brown has orange-red hues; amber is a
    light, saturated golden yellow (none of the development faces has it); hazel is yellow,
    between brown and green; green is yellow-green to cyan.
    """
    lightness, a_star, b_star = (float(v) for v in lab)
    chroma = float(np.hypot(a_star, b_star))
    hue = float(np.degrees(np.arctan2(b_star, a_star)) % 360)

    def inside(*distances: tuple[float, float]) -> float:
        # Each distance to an edge over the distance at which the label counts as sure.
        return float(min(1.0, *(abs(value) / scale for value, scale in distances)))

    if 180 <= hue < 300 and chroma >= 1.5 and lightness >= 24:
        return "blue", inside((chroma - 1.5, 2.0), (lightness - 24, 4.0))
    if lightness < 24:
        return "dark brown", inside((lightness - 24, 4.0))
    if chroma < 2.0:
        return "grey", inside((chroma - 2.0, 1.5), (lightness - 24, 4.0))
    if 50 <= hue < 80 and chroma >= 12 and lightness >= 30:
        return "amber", inside((chroma - 12, 3.0), (lightness - 30, 4.0))
    if hue < 65 or hue >= 300:
        return "brown", inside((chroma - 2.0, 2.0), (min(65 - hue, (hue - 300) % 360), 10.0))
    if hue < 95 and chroma >= 4.0:
        return "hazel", inside((chroma - 4.0, 2.0), (hue - 65, 10.0), (95 - hue, 10.0))
    # What is left: yellow-green to cyan hues, or yellow ones of little chroma (grey-green).
    return "green", inside((chroma - 2.0, 2.0), (hue - 65, 10.0), (180 - hue, 10.0))


def iris_linear_rgb(rgb: np.ndarray, face: Face) -> list[np.ndarray]:
    """Linear RGB (N, 3) of the iris ring of each eye (the person's right eye first)."""
    landmarks = face.landmarks[:, :2].astype(np.float64)
    height, width = rgb.shape[:2]
    found = []
    for centre_index, rim, lids in _EYES:
        centre = landmarks[centre_index]
        radius = float(np.linalg.norm(landmarks[list(rim)] - centre, axis=1).mean())
        x0, y0 = np.maximum(np.floor(centre - radius).astype(int), 0)
        x1, y1 = np.minimum(np.ceil(centre + radius).astype(int) + 1, (width, height))
        if radius < _MIN_RADIUS_PX or x1 <= x0 or y1 <= y0:
            found.append(np.empty((0, 3)))
            continue
        # Landmarks count from pixel edges, pixels from their centres.
        ys, xs = np.mgrid[y0:y1, x0:x1]
        distance = np.hypot(xs + 0.5 - centre[0], ys + 0.5 - centre[1]) / radius
        open_eye = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
        contour = np.round((landmarks[list(lids)] - (x0, y0)) * 4).astype(np.int32)
        cv2.fillPoly(open_eye, [contour], 1, cv2.LINE_8, shift=2)
        thickness = round(2 * _LID_MARGIN * radius)
        if thickness >= 1:
            cv2.polylines(open_eye, [contour], True, 0, thickness, cv2.LINE_8, shift=2)
        ring = (distance >= _RING[0]) & (distance <= _RING[1]) & (open_eye > 0)
        pixels = rgb[y0:y1, x0:x1][ring]
        pixels = pixels[(pixels < CLIPPED_8BIT).all(axis=1)]
        linear = srgb8_to_linear(pixels).astype(np.float64)
        if len(linear) == 0:
            found.append(linear.reshape(0, 3))
            continue
        luminance = linear @ LUMA
        median = np.median(luminance)
        low, high = _LUMINANCE_RANGE
        found.append(linear[(luminance >= low * median) & (luminance <= high * median)])
    return found


def _brighter_half_mean(linear: np.ndarray) -> np.ndarray:
    luminance = linear @ LUMA
    return linear[luminance >= np.median(luminance)].mean(axis=0)
