"""Skin tone from a measured skin colour: ITA and its category, Monk Skin Tone level, a
Fitzpatrick estimate, and the undertone.

The mappings are documented in docs/skin_tone.md.
"""

from dataclasses import dataclass

import numpy as np

from chromamatch import colour

# Chardon et al. (1991) / Del Bino et al. (2006) ITA categories, lightest first, with the
# Fitzpatrick type that each is usually reported beside.
ITA_CATEGORIES = [
    (55.0, "very_light", "I"),
    (41.0, "light", "II"),
    (28.0, "intermediate", "III"),
    (10.0, "tan", "IV"),
    (-30.0, "brown", "V"),
    (-np.inf, "dark", "VI"),
]

MST_SWATCHES = [
    "#f6ede4", "#f3e7db", "#f7ead0", "#eadaba", "#d7bd96",
    "#a07e56", "#825c43", "#604134", "#3a312a", "#292420",
]  # fmt: skip
# Each Monk level is placed by its swatch's own ITA; a skin takes the level whose swatch ITA
# is nearest. ITA orders people by lightness the way the scale does, and unlike a nearest-Lab
# match it does not pull every photographed face (whose L* is far below the swatches') onto
# the two or three darkest-looking mid levels.
_MST_ITA = np.array(
    [float(colour.ita_degrees(*colour.hex_to_lab(h)[[0, 2]])) for h in MST_SWATCHES]
)

# Undertone is judged against people of similar lightness: skin hue angle h_ab and chroma fall
# with L*, so a fixed hue threshold would call most dark skin "cool". These lines are least-
# squares fits over the 78 reference skins of the development set (studio daylight):
# hue = 57.89 - 0.175 L* (residual sd 7.45 deg), chroma = 20.44 - 0.051 L* (sd 3.54).
_HUE_FIT = (57.887, -0.175, 7.45)
_CHROMA_FIT = (20.44, -0.051, 3.54)
# Half a standard deviation each way is "neutral": about 40 % of people, as colour analysts
# usually find.
_NEUTRAL_BAND = 0.5
# Confidence is about the chance that another photo keeps the label. A photo with an exposure
# warning (quality.EXPOSURE_WARNINGS) repeats far less: on the evaluation's relit copies those
# kept their undertone 0.65 of the time against 0.84, at the same confidence. Their margin
# counts at this weight, the maximum-likelihood fit on those copies (both draws, 191 warned
# copies; docs/skin_tone.md, "Overexposed copies"). The season has its own
# (season.SPOILED_MARGIN_WEIGHT).
SPOILED_MARGIN_WEIGHT = 0.5


@dataclass(frozen=True)
class SkinTone:
    lab: tuple[float, float, float]
    hex: str
    ita: float
    ita_category: str
    mst: int
    fitzpatrick: str

    def as_dict(self) -> dict:
        return {
            "lab": [round(v, 1) for v in self.lab],
            "hex": self.hex,
            "ita": round(self.ita, 1),
            "ita_category": self.ita_category,
            "mst": self.mst,
            "fitzpatrick": self.fitzpatrick,
        }


@dataclass(frozen=True)
class Undertone:
    label: str
    confidence: float
    hue_deviation: float  # in standard deviations of people of the same lightness
    chroma_deviation: float

    def as_dict(self) -> dict:
        return {"label": self.label, "confidence": round(self.confidence, 2)}


def ita_category(ita: float) -> tuple[str, str]:
    """The ITA category and the Fitzpatrick type reported beside it."""
    for cut, name, fitzpatrick in ITA_CATEGORIES:
        if ita > cut:
            return name, fitzpatrick
    raise AssertionError("the last category has no lower bound")


def monk_level(ita: float) -> int:
    return int(np.argmin(np.abs(_MST_ITA - ita))) + 1


def skin_tone(lab: np.ndarray) -> SkinTone:
    # Everything reported comes from the Lab as reported (to a tenth): a client that computes
    # ITA from ``skin.lab``, as the contract defines it, gets the ``ita`` and category shown
    # (from the unrounded Lab they differed by up to 0.25 degrees, across a category cut).
    lab = np.round(np.asarray(lab, dtype=np.float64), 1)
    ita = float(colour.ita_degrees(lab[0], lab[2]))
    category, fitzpatrick = ita_category(ita)
    return SkinTone(
        lab=(float(lab[0]), float(lab[1]), float(lab[2])),
        hex=colour.lab_to_hex(lab),
        ita=ita,
        ita_category=category,
        mst=monk_level(ita),
        fitzpatrick=fitzpatrick,
    )


def undertone(lab: np.ndarray, *, exposure_spoiled: bool = False) -> Undertone:
    """Warm, cool, neutral or olive, from hue and chroma relative to people of the same L*.

    Yellower than expected is warm, redder is cool; yellower *and* duller (less red, lower
    chroma) is olive, the greenish-golden cast that neither warm nor cool describes.
    ``exposure_spoiled``: the photo has an exposure warning, and the label is less sure.
    """
    lightness, a, b = (float(v) for v in lab)
    hue = float(np.degrees(np.arctan2(b, a)))
    chroma = float(np.hypot(a, b))
    hue_dev = (hue - (_HUE_FIT[0] + _HUE_FIT[1] * lightness)) / _HUE_FIT[2]
    chroma_dev = (chroma - (_CHROMA_FIT[0] + _CHROMA_FIT[1] * lightness)) / _CHROMA_FIT[2]

    if hue_dev > _NEUTRAL_BAND and chroma_dev < -_NEUTRAL_BAND:
        label = "olive"
        margin = min(hue_dev, -chroma_dev) - _NEUTRAL_BAND
    elif hue_dev > _NEUTRAL_BAND:
        label, margin = "warm", hue_dev - _NEUTRAL_BAND
    elif hue_dev < -_NEUTRAL_BAND:
        label, margin = "cool", -hue_dev - _NEUTRAL_BAND
    else:
        label, margin = "neutral", _NEUTRAL_BAND - abs(hue_dev)
    # Confidence grows with the distance from the nearest boundary, in standard deviations:
    # 0.5 on a boundary, about 0.9 one deviation away (as often as a smiling photo keeps it).
    if exposure_spoiled:
        margin *= SPOILED_MARGIN_WEIGHT
    confidence = 0.5 + 0.5 * float(np.tanh(1.5 * margin))
    return Undertone(label, confidence, hue_dev, chroma_dev)
