"""Faces with their eyes or cheeks covered, drawn on a photo: sunglasses, a face mask, a full
beard. The engine must not read a lens as an iris nor a mask as skin; the tests and
``bench/covered_faces.py`` draw these on the development photos to check it.
"""

import io

import cv2
import numpy as np
from PIL import Image

from chromamatch.analysis import Measurement, measure

# FaceMesh landmarks the cover-ups below are drawn on: each eye's corners and lids, the lower
# face from cheekbone to cheekbone by the jaw up to the middle of the nose, and the outer lips.
_EYES = ((33, 133, 159, 145, 160, 144, 158, 153), (362, 263, 386, 374, 385, 380, 387, 373))
_LOWER_FACE = (
    *(234, 93, 132, 58, 172, 136, 150, 149, 176, 148, 152),
    *(377, 400, 378, 379, 365, 397, 288, 361, 323, 454, 195),
)
_OUTER_LIPS = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39)


def measured_photo(data: bytes) -> tuple[Measurement, np.ndarray, np.ndarray]:
    """The engine's measurement of a photo, the photo decoded at full size (RGB) to draw on, and
    its face's landmarks in that picture's pixels (the photo upright as stored)."""
    measured = measure(data)
    picture = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    landmarks = measured.face.landmarks / (measured.rgb.shape[1] / picture.shape[1])
    return measured, picture, landmarks


def with_sunglasses(rgb: np.ndarray, landmarks: np.ndarray, lens=(20, 22, 25)) -> np.ndarray:
    """``rgb`` with an even lens of colour ``lens`` over each eye and a bridge between them;
    ``landmarks`` are the face's FaceMesh points in its pixels."""
    covered = rgb.copy()
    for eye in _EYES:
        points = landmarks[list(eye), :2]
        centre = points.mean(axis=0)
        half_width = np.ptp(points[:, 0]) * 0.85
        axes = (round(half_width), round(half_width * 0.7))
        cv2.ellipse(covered, tuple(np.round(centre).astype(int)), axes, 0, 0, 360, lens, -1)
    ends = (tuple(np.round(landmarks[i, :2]).astype(int)) for i in (133, 362))
    cv2.line(covered, *ends, lens, max(2, round(np.ptp(landmarks[:, 0]) / 40)))
    return covered


def with_mask(rgb: np.ndarray, landmarks: np.ndarray, fabric=(150, 190, 220)) -> np.ndarray:
    """``rgb`` with a plain face mask of colour ``fabric`` over the lower face."""
    covered = rgb.copy()
    hull = cv2.convexHull(np.round(landmarks[list(_LOWER_FACE), :2]).astype(np.int32))
    cv2.fillConvexPoly(covered, hull, fabric)
    return covered


def with_beard(rgb: np.ndarray, landmarks: np.ndarray, hair=(60, 45, 35)) -> np.ndarray:
    """``rgb`` with a full dark beard over the lower face up to the cheekbones, lips bare."""
    area = np.zeros(rgb.shape[:2], np.uint8)
    hull = cv2.convexHull(np.round(landmarks[list(_LOWER_FACE), :2]).astype(np.int32))
    cv2.fillConvexPoly(area, hull, 1)
    cv2.fillPoly(area, [np.round(landmarks[list(_OUTER_LIPS), :2]).astype(np.int32)], 0)
    texture = np.random.default_rng(1).normal(0, 12, rgb.shape)
    bearded = rgb.copy()
    bearded[area == 1] = np.clip(np.array(hair) + texture[area == 1], 0, 255).astype(np.uint8)
    return bearded
