"""Face shape from landmark geometry: measurements, and the nearest of six shapes.

The rules work on named points, so that the same rules run on FaceMesh's landmarks, on the
development set's 189-point webmorph templates and on constructed point sets in the tests:

- ``right_pupil``, ``left_pupil``: the person's right eye is on the image's left;
- ``hairline`` and ``chin``: the top and bottom of the face on its midline;
- ``forehead_*``: the temples at the level of the brows;
- ``cheekbone_*``: the widest points of the face, over the cheekbones (zygion);
- ``jaw_*``: the angles of the jaw (gonion);
- ``chin_*``: the sides of the chin, where the jaw line turns towards its tip;
- ``nose_tip`` (optional): lowers the confidence when the head is turned.

Everything is measured after turning the points so that the eye line is level (head roll).
Measurements:

- ``length_to_width``: face length (hairline to chin, vertical) over cheekbone width;
- ``forehead_width``, ``jaw_width``, ``chin_width``: horizontal widths as ratios to the
  cheekbone width;
- ``cheekbone_width``: the cheekbone width in inter-pupil distances (the face's own unit);
- ``jaw_angle_deg``: the angle at each jaw corner between the cheekbone and the chin's tip,
  averaged over both sides: small for a square jaw, large for a tapering one.

FaceMesh's topmost points stop below the hairline, at about two thirds of the forehead. Its
face length runs from the chin (landmark 152) to a hairline placed ``HAIRLINE_STRETCH`` times
as far above the eye line as landmark 10: the median over the development set's templates is
1.45-1.55, and with 1.5 the length-to-width ratio matches the template's within 2.6 % (median)
on the same photos. The chin drops when the mouth opens; it is moved back up by a quarter of
the lips' opening (the median ratio over the development set's neutral and smiling pairs), so
that a smile does not lengthen the face.

The widths are read at named outline points. Widths read off the whole face outline at fixed
heights (a share of the eye-to-chin distance), which a point sliding along the outline would
not move, were tried and moved as much between a person's neutral and smiling photos (0.35-0.56
of the spread between people, against 0.36-0.48): what moves them is the face, not the points.

The landmark model is not mirror-symmetric, and its fit of one photo is noisy: fitted again on
the photo mirrored, the measurements move about as much as between a neutral and a smiling
photo. An unsure label is therefore measured on both fits and their measurements averaged
(``REFIT_BELOW``); bench/same_photo.py counts the labels a mirrored or re-saved photo changes.

Shapes are prototypes in a space of standardised measurements: each measurement minus the
centre of the development faces' FaceMesh measurements, over their spread (1.4826 MAD). An oval
face is the typical one; oblong is long; round is short with a soft jaw; square has a broad,
angular jaw; heart a broad forehead over a narrow jaw and chin; diamond cheekbones wider than
both forehead and jaw. The label is the nearest prototype (weighted by how repeatable each
measurement is between a person's neutral and smiling photos) and the confidence its share of
exp(-d^2 / 2) over all six.
"""

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from chromamatch.face_landmarks import Face, mirrored_landmarks
from chromamatch.wording import listed, with_article

LABELS = ("oval", "round", "square", "heart", "oblong", "diamond")

HAIRLINE_STRETCH = 1.5
# The landmark model is not mirror-symmetric: fitted on a photo and on its mirror image, a
# face's measurements differ by 0.13-0.25 of their spread between people (median over the 78
# neutral development photos), as much as between a person's neutral and smiling photos, and
# 14 % of the labels changed. With both fits averaged a mirrored copy changes 4 % of them, but
# the second fit costs 3.5 ms, so it is spent on the unsure labels only: below this confidence
# (a quarter of the development photos) are 12 of the 18 whose label the average changes, and
# refitting every photo keeps the neutral and smiling labels alike no more often (0.821 either
# way, 0.795 with one fit).
REFIT_BELOW = 0.5
# How far the chin drops, as a share of the opening between the inner lips.
_CHIN_DROP_PER_LIP_GAP = 0.25

# FaceMesh indices of the named points (refined topology, 478 points).
MESH_POINTS = {
    "right_pupil": 468,
    "left_pupil": 473,
    "forehead_top": 10,
    "chin": 152,
    "forehead_right": 21,
    "forehead_left": 251,
    "cheekbone_right": 234,
    "cheekbone_left": 454,
    "jaw_right": 172,
    "jaw_left": 397,
    "chin_right": 176,
    "chin_left": 400,
    "nose_tip": 1,
    "upper_lip_inner": 13,
    "lower_lip_inner": 14,
}
# The same points on the Face Research Lab 189-point webmorph template (the development set's
# .tem files): pupils 0-1, face outline 109-133 and 185-188, hairline 134-144.
TEMPLATE_POINTS = {
    "right_pupil": 0,
    "left_pupil": 1,
    "hairline": 139,
    "chin": 129,
    "forehead_right": 134,
    "forehead_left": 144,
    "cheekbone_right": 110,
    "cheekbone_left": 113,
    "jaw_right": 126,
    "jaw_left": 132,
    "chin_right": 128,
    "chin_left": 130,
}
REQUIRED_POINTS = tuple(TEMPLATE_POINTS)

_FEATURES = ("length_to_width", "forehead_width", "jaw_width", "chin_width", "jaw_angle_deg")
# Centre and spread of each feature over the 78 neutral development photos (FaceMesh).
_CENTRE = np.array([1.375, 0.949, 0.792, 0.324, 133.1])
_SPREAD = np.array([0.062, 0.017, 0.020, 0.015, 3.9])
# Trust in each feature: its spread against how much it moves between a neutral and a smiling
# photo of the same person (the chin's width moves most).
_WEIGHTS = np.array([1.0, 0.7, 0.7, 0.5, 1.0])
# Prototypes in standardised units, in the order of _FEATURES.
_PROTOTYPES = {
    "oval": (0.0, 0.0, 0.0, 0.0, 0.0),
    "oblong": (2.6, 0.0, 0.0, 0.0, 0.0),
    "round": (-2.4, 0.0, 0.0, 0.0, 1.2),
    "square": (-0.6, 0.0, 1.8, 0.6, -1.8),
    "heart": (0.0, 1.8, -1.2, -1.2, 1.2),
    "diamond": (0.0, -1.8, -0.6, -1.2, 1.2),
}
_PROTOTYPE_LABELS = tuple(_PROTOTYPES)
_PROTOTYPE_MATRIX = np.array([_PROTOTYPES[label] for label in _PROTOTYPE_LABELS])
# Share of the cheekbone width by which the nose tip may sit off the middle before a turned
# head halves the confidence.
_HALF_CONFIDENCE_TURN = 0.25


@dataclass(frozen=True)
class FaceShape:
    label: str  # one of LABELS
    confidence: float  # 0..1
    measurements: dict[str, float]

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "confidence": round(self.confidence, 2),
            "measurements": {name: round(value, 3) for name, value in self.measurements.items()},
        }


class _Words(NamedTuple):
    """A measurement in words, for people."""

    title: str
    value_format: str
    leans: tuple[str, str]  # what a shape's prototype leaning high, or low, on it means
    readings: tuple[str, str]  # how a face above, or below, most faces reads on it


_WORDS = {
    "length_to_width": _Words(
        "Length",
        "{:.2f}",
        ("a length well above its width", "a length close to its width"),
        ("longer than most", "shorter than most"),
    ),
    "forehead_width": _Words(
        "Forehead",
        "{:.1%}",
        ("a broad forehead", "a narrow forehead"),
        ("wider than most", "narrower than most"),
    ),
    "jaw_width": _Words(
        "Jaw",
        "{:.1%}",
        ("a broad jaw", "a narrow jaw"),
        ("wider than most", "narrower than most"),
    ),
    "chin_width": _Words(
        "Chin",
        "{:.1%}",
        ("a broad chin", "a narrow chin"),
        ("wider than most", "narrower than most"),
    ),
    "jaw_angle_deg": _Words(
        "Jaw angle",
        "{:.0f}°",
        ("a soft, sloping jaw line", "angular jaw corners"),
        ("softer than most", "more angular than most"),
    ),
}
# A prototype leaning this far (spreads) on a measurement names it among the shape's traits.
_TRAIT_LEAN = 1.0


def explain(label: str, measurements: dict[str, float]) -> dict:
    """What a face shape means and where a face's measurements sit, for people to read.

    ``summary`` says what the shape is, from its prototype ("A heart face has a broad forehead,
    a narrow jaw, ..."), then which of those traits this face shows beyond the usual range, so
    that a heart face whose chin is typical is not told it has a narrow one; ``rows`` gives
    each measurement as a person reads it, beside the typical value (the development faces'
    centre) and whether this face is above, below or within one spread of it. A measurement a
    stored result lacks leaves its row out.
    """
    prototype = dict(zip(_FEATURES, _PROTOTYPES[label], strict=True))
    traits = {
        name: _WORDS[name].leans[0 if lean > 0 else 1]
        for name, lean in prototype.items()
        if abs(lean) >= _TRAIT_LEAN
    }
    deviations = {
        name: (measurements[name] - centre) / spread
        for name, centre, spread in zip(_FEATURES, _CENTRE, _SPREAD, strict=True)
        if name in measurements
    }
    beyond = {name: d for name, d in deviations.items() if abs(d) >= 1}
    shape = with_article(label).capitalize()
    if traits:
        shown = [
            trait for name, trait in traits.items() if beyond.get(name, 0) * prototype[name] > 0
        ]
        summary = f"{shape} face has {listed(list(traits.values()))}. " + (
            f"Yours shows {listed(shown)} beyond the usual range; {label} is the nearest of "
            "the six shapes to it as a whole."
            if shown
            else f"Yours leans that way within the usual range: {label} is the nearest of the "
            "six shapes, though no one measurement stands out."
        )
    else:
        unusual = [
            f"{_WORDS[name].title.lower()} ({_WORDS[name].readings[0 if d > 0 else 1]})"
            for name, d in beyond.items()
        ]
        summary = (
            f"{shape} face is the typical, balanced one: the nearest of the six "
            "shapes when no other shape's traits stand out together. "
            + (
                f"Yours stands out only in its {listed(unusual)}, and no other shape fits it "
                "better."
                if unusual
                else "Yours is within the usual range on every measurement."
            )
        )
    rows = []
    for name, deviation in deviations.items():
        words = _WORDS[name]
        reading = "typical" if abs(deviation) < 1 else words.readings[0 if deviation > 0 else 1]
        rows.append(
            {
                "name": words.title,
                "value": words.value_format.format(measurements[name]),
                "typical": words.value_format.format(_CENTRE[_FEATURES.index(name)]),
                "reading": reading,
            }
        )
    return {"summary": summary, "rows": rows}


def face_shape(face: Face, rgb: np.ndarray | None = None) -> FaceShape:
    """The face shape of FaceMesh landmarks (see the module docstring for the hairline).

    Given the photo ``rgb`` the face was found in, an unsure label (confidence under
    ``REFIT_BELOW``) is measured again on the landmark model's fit of the mirrored photo as
    well, and the two fits' measurements averaged (``face_landmarks.mirrored_landmarks``).
    """
    points = mesh_points(face.landmarks)
    shape = face_shape_from_points(points)
    if rgb is None or shape.confidence >= REFIT_BELOW:
        return shape
    mirrored = mirrored_landmarks(rgb, face)
    if mirrored is None:
        return shape
    return face_shape_from_points(points, mesh_points(mirrored))


def mesh_points(landmarks: np.ndarray) -> dict[str, np.ndarray]:
    """The named points of FaceMesh landmarks (478, 2+), with the hairline and chin placed."""
    points = {
        name: np.asarray(landmarks[index, :2], np.float64) for name, index in MESH_POINTS.items()
    }
    eyes = (points["right_pupil"] + points["left_pupil"]) / 2
    across = points["left_pupil"] - points["right_pupil"]
    down = np.array([-across[1], across[0]]) / np.linalg.norm(across)
    points["hairline"] = eyes + HAIRLINE_STRETCH * (points.pop("forehead_top") - eyes)
    lip_gap = max(
        0.0, float((points.pop("lower_lip_inner") - points.pop("upper_lip_inner")) @ down)
    )
    points["chin"] = points["chin"] - _CHIN_DROP_PER_LIP_GAP * lip_gap * down
    return points


def template_points(template: np.ndarray) -> dict[str, np.ndarray]:
    """The named points of a 189-point webmorph template ((189, 2) pixels)."""
    return {
        name: np.asarray(template[index], np.float64) for name, index in TEMPLATE_POINTS.items()
    }


def face_shape_from_points(*fits: dict[str, np.ndarray]) -> FaceShape:
    """The face shape of named points (pixels, x right and y down); see the module docstring.

    Several fits of one face (the photo and its mirror image) have their measurements averaged.
    """
    measured = [_measurements(points) for points in fits]
    measurements = {name: float(np.mean([m[name] for m in measured])) for name in measured[0]}
    standardised = (np.array([measurements[name] for name in _FEATURES]) - _CENTRE) / _SPREAD
    distances = (((standardised - _PROTOTYPE_MATRIX) ** 2) * _WEIGHTS).sum(axis=1)
    likelihood = np.exp(-(distances - distances.min()) / 2)
    best = int(np.argmin(distances))
    confidence = float(likelihood[best] / likelihood.sum())
    turns = [_turn(points) for points in fits if "nose_tip" in points]
    if turns:
        confidence /= 1 + (float(np.mean(turns)) / _HALF_CONFIDENCE_TURN) ** 2
    return FaceShape(
        label=_PROTOTYPE_LABELS[best], confidence=confidence, measurements=measurements
    )


def _measurements(points: dict[str, np.ndarray]) -> dict[str, float]:
    """The measurements of the module docstring, of one set of named points."""
    missing = [name for name in REQUIRED_POINTS if name not in points]
    if missing:
        raise ValueError(f"face shape needs the points {missing}")
    level = _level_by_eye_line(points)
    cheekbone = _width(level, "cheekbone")
    if cheekbone <= 0:
        raise ValueError("the cheekbones coincide: not a face")
    pupils = abs(level["left_pupil"][0] - level["right_pupil"][0])
    return {
        "length_to_width": abs(level["chin"][1] - level["hairline"][1]) / cheekbone,
        "forehead_width": _width(level, "forehead") / cheekbone,
        "cheekbone_width": cheekbone / pupils,
        "jaw_width": _width(level, "jaw") / cheekbone,
        "chin_width": _width(level, "chin") / cheekbone,
        "jaw_angle_deg": (_jaw_angle(level, "right") + _jaw_angle(level, "left")) / 2,
    }


def _turn(points: dict[str, np.ndarray]) -> float:
    """How far the nose tip sits off the middle of the cheekbones, as a share of their width."""
    level = _level_by_eye_line(points)
    nose = level["nose_tip"][0]
    right, left = level["cheekbone_right"][0], level["cheekbone_left"][0]
    return abs((nose - right) - (left - nose)) / _width(level, "cheekbone")


def _level_by_eye_line(points: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The points turned about the eyes' midpoint so that the eye line is horizontal."""
    right, left = np.asarray(points["right_pupil"], float), np.asarray(points["left_pupil"], float)
    dx, dy = left - right
    angle = np.arctan2(dy, dx)
    rotation = np.array([[np.cos(angle), np.sin(angle)], [-np.sin(angle), np.cos(angle)]])
    centre = (right + left) / 2
    return {name: rotation @ (np.asarray(p, float)[:2] - centre) for name, p in points.items()}


def _width(level: dict[str, np.ndarray], part: str) -> float:
    return float(abs(level[f"{part}_left"][0] - level[f"{part}_right"][0]))


def _jaw_angle(level: dict[str, np.ndarray], side: str) -> float:
    corner = level[f"jaw_{side}"]
    to_cheek = level[f"cheekbone_{side}"] - corner
    to_chin = level["chin"] - corner
    cosine = to_cheek @ to_chin / (np.linalg.norm(to_cheek) * np.linalg.norm(to_chin))
    return float(np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0))))
