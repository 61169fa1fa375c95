"""The colour season, one of twelve, from measured skin, eye and hair colour.

Colour analysts describe a person on three scales: temperature (warm, golden against cool,
rosy), value (light against deep) and clarity (bright, clear, high contrast against soft,
muted, blended). The four families sit on corners of that space (spring warm-light-clear,
summer cool-light-soft, autumn warm-deep-soft, winter cool-deep-clear) and the twelve seasons
split each family by the axis that leads: light spring is a spring whose lightness stands out
most, warm autumn an autumn whose warmth does, and so on. So each season is a prototype
direction here (the leading axis at full weight, the family's other two at half) and a person
takes the season whose prototype their axes point along most. In words: the family is the
corner whose signs the person's axes share (when no corner matches, the weakest axis gives
way), and the season is the family's strongest axis.

Each axis is a weighted mean of measurements, each first made a z-score against population
constants, squashed smoothly into -1..+1 by tanh; the decision is a dot product, so a small
change in a measurement moves the scores a little. The confidence comes from the margin
between the winner and the runner-up, small where a person lies between two seasons.
"""

from dataclasses import dataclass

import numpy as np

# --- Population constants: (centre, spread) of each measurement over a varied set of people.
# Measured on the 156 development photos (78 people, neutral and smiling): skin from part 1's
# corrected skin Lab and tone.undertone(); eyes and hair from a plain iris-annulus and
# above-the-forehead sampler with the same lighting correction. Recalibrate them (median and
# standard deviation of each feature) when the eye and hair measurements change.
SKIN_LIGHTNESS = (62.8, 8.2)  # L*
# tone.undertone() deviations are already in standard deviations, but relative to the
# as-shot reference skins; corrected skins sit a little yellower and duller than those.
SKIN_HUE_DEVIATION = (0.5, 1.0)
SKIN_CHROMA_DEVIATION = (-0.5, 0.9)
HAIR_LIGHTNESS = (36.0, 16.0)  # L*
# Hair warmth is a* + b* above what hair of that lightness has (lighter hair is yellower):
# golden and red hair are warm, ash and black-brown are not.
HAIR_WARMTH_FIT = (0.19, 3.8)  # expected a* + b* = slope * L* + intercept
HAIR_WARMTH = (0.0, 5.5)
EYE_LIGHTNESS = (26.5, 7.0)  # L*
EYE_CHROMA = (4.2, 2.6)  # C*ab
EYE_WARMTH = (2.6, 4.0)  # b*: amber, hazel and brown irises yellow, blue and grey ones blue
# Contrast is the darkness of hair and eyes relative to the skin, (L_skin - L_feature) /
# L_skin, so that dark skin with black hair is not read as low contrast only because both are
# dark.
HAIR_CONTRAST = (0.35, 0.28)
EYE_CONTRAST = (0.57, 0.11)

# How much each measurement counts on its axis. Skin is the most reliable, but its hue also
# moves most between photos of one person (0.7 of its population spread between a neutral and
# a smiling photo, against 0.45 for hair and 0.25 for eye warmth), so hair and eyes, which
# colour analysts read for warmth as well, carry more than half of it.
TEMPERATURE_WEIGHTS = {"skin_hue": 0.4, "hair_warmth": 0.3, "eye_warmth": 0.3}
VALUE_WEIGHTS = {"skin_lightness": 0.5, "hair_lightness": 0.3, "eye_lightness": 0.2}
# Hair is left out of chroma: in hair, colourfulness is what golden or red against ash means,
# and it already counts as warmth.
CHROMA_WEIGHTS = {"skin_chroma": 0.6, "eye_chroma": 0.4}
CONTRAST_WEIGHTS = {"hair_contrast": 0.6, "eye_contrast": 0.4}
# A weighted mean of z-scores spreads less than one z-score; dividing by this (the spread of
# the weighted mean over the calibration set) brings each axis back to unit spread before tanh.
AXIS_SPREAD = {"temperature": 0.65, "value": 0.7, "chroma": 0.72, "contrast": 0.8}
# Clarity, the third season scale, is chroma with some contrast: bright seasons are both
# saturated and high contrast, soft ones muted and blended.
CLARITY_CONTRAST_SHARE = 0.35
# Temperature is the least repeatable axis (skin hue moves most between photos), so it counts a
# little less in the decision: a person who is only slightly warm or cool is placed by value
# and clarity, as the twelve-season system places near-neutral people in its light, deep,
# bright and soft seasons.
DECISION_WEIGHTS = {"temperature": 0.8, "value": 1.0, "clarity": 1.0}
# Prototype weights: the leading axis counts fully, the family's other two axes this much.
# Any value between 0 and 1 gives the same winners (see the module docstring); it only sets
# how the margin, and so the confidence, grows.
SUPPORT_WEIGHT = 0.5
# Confidence is 0.5 + 0.5 tanh(margin / CONFIDENCE_MARGIN): 0.5 on a tie between two seasons.
# The scale was fitted so that confidence is about the share of re-measurements that keep the
# label, with re-measurement noise as large as between a person's neutral and smiling photos.
CONFIDENCE_MARGIN = 0.18

FAMILY_CORNERS = {  # signs of (temperature, value, clarity)
    "spring": (1, 1, 1),
    "summer": (-1, 1, -1),
    "autumn": (1, -1, -1),
    "winter": (-1, -1, 1),
}
_AXIS_INDEX = {"temperature": 0, "value": 1, "clarity": 2}
LEADING_AXIS = {
    "light spring": "value",
    "warm spring": "temperature",
    "bright spring": "clarity",
    "light summer": "value",
    "cool summer": "temperature",
    "soft summer": "clarity",
    "soft autumn": "clarity",
    "warm autumn": "temperature",
    "deep autumn": "value",
    "deep winter": "value",
    "cool winter": "temperature",
    "bright winter": "clarity",
}
SEASONS = tuple(LEADING_AXIS)


def _prototype(label: str) -> np.ndarray:
    corner = np.array(FAMILY_CORNERS[label.split()[1]], dtype=np.float64)
    weights = np.full(3, SUPPORT_WEIGHT)
    weights[_AXIS_INDEX[LEADING_AXIS[label]]] = 1.0
    return corner * weights


_PROTOTYPES = np.stack([_prototype(label) for label in SEASONS])


@dataclass(frozen=True)
class Colouring:
    """What the season is decided from."""

    skin_lab: np.ndarray  # (3,) CIELAB D65, lighting already corrected
    undertone: str  # warm | cool | neutral | olive
    hue_deviation: float  # from tone.undertone(): + yellower, - redder (in SDs)
    chroma_deviation: float  # from tone.undertone(): + more saturated (in SDs)
    eye_lab: np.ndarray | None
    hair_lab: np.ndarray | None


@dataclass(frozen=True)
class Season:
    """One of the twelve seasons, with the axes it was decided from and why."""

    label: str
    family: str
    confidence: float
    why: str
    axes: dict[str, float]  # temperature, value, chroma, contrast and clarity, about -1..+1
    runner_up: str

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "family": self.family,
            "confidence": round(self.confidence, 2),
            "why": self.why,
        }


def classify_season(colouring: Colouring) -> Season:
    """The season whose prototype the person's temperature, value and clarity match best."""
    features = _features(colouring)
    axes = {
        "temperature": _axis(features, TEMPERATURE_WEIGHTS, "temperature"),
        "value": _axis(features, VALUE_WEIGHTS, "value"),
        "chroma": _axis(features, CHROMA_WEIGHTS, "chroma"),
        "contrast": _axis(features, CONTRAST_WEIGHTS, "contrast"),
    }
    axes["clarity"] = (1 - CLARITY_CONTRAST_SHARE) * axes["chroma"] + (
        CLARITY_CONTRAST_SHARE * axes["contrast"]
    )
    point = np.array([DECISION_WEIGHTS[axis] * axes[axis] for axis in _AXIS_INDEX])
    scores = _PROTOTYPES @ point
    order = np.argsort(scores)[::-1]
    best, second = SEASONS[order[0]], SEASONS[order[1]]
    margin = float(scores[order[0]] - scores[order[1]])
    confidence = 0.5 + 0.5 * float(np.tanh(margin / CONFIDENCE_MARGIN))
    return Season(
        label=best,
        family=best.split()[1],
        confidence=confidence,
        why=_why(best, second, axes, colouring, features),
        axes={name: round(float(value), 3) for name, value in axes.items()},
        runner_up=second,
    )


def _features(colouring: Colouring) -> dict[str, float]:
    """Each measurement as a z-score against the population constants above."""
    skin_lightness = float(colouring.skin_lab[0])
    features = {
        "skin_lightness": _z(skin_lightness, SKIN_LIGHTNESS),
        "skin_hue": _z(colouring.hue_deviation, SKIN_HUE_DEVIATION),
        "skin_chroma": _z(colouring.chroma_deviation, SKIN_CHROMA_DEVIATION),
    }
    if colouring.hair_lab is not None:
        lightness, a, b = (float(v) for v in colouring.hair_lab)
        expected_warmth = HAIR_WARMTH_FIT[0] * lightness + HAIR_WARMTH_FIT[1]
        features["hair_lightness"] = _z(lightness, HAIR_LIGHTNESS)
        features["hair_warmth"] = _z(a + b - expected_warmth, HAIR_WARMTH)
        features["hair_contrast"] = _z(_relative_darkness(skin_lightness, lightness), HAIR_CONTRAST)
    if colouring.eye_lab is not None:
        lightness, a, b = (float(v) for v in colouring.eye_lab)
        features["eye_lightness"] = _z(lightness, EYE_LIGHTNESS)
        features["eye_chroma"] = _z(float(np.hypot(a, b)), EYE_CHROMA)
        features["eye_warmth"] = _z(b, EYE_WARMTH)
        features["eye_contrast"] = _z(_relative_darkness(skin_lightness, lightness), EYE_CONTRAST)
    return features


def _z(value: float, centre_and_spread: tuple[float, float]) -> float:
    centre, spread = centre_and_spread
    return (float(value) - centre) / spread


def _relative_darkness(skin_lightness: float, feature_lightness: float) -> float:
    return (skin_lightness - feature_lightness) / max(skin_lightness, 1.0)


def _axis(features: dict[str, float], weights: dict[str, float], name: str) -> float:
    """The weighted mean of the measurements present, squashed smoothly into -1..+1.

    Without hair or eyes the remaining measurements carry the axis alone; without any (contrast
    with neither hair nor eyes) the axis is 0, which favours no season.
    """
    present = {key: weight for key, weight in weights.items() if key in features}
    if not present:
        return 0.0
    total = sum(present.values())
    mean = sum(features[key] * weight for key, weight in present.items()) / total
    return float(np.tanh(mean / AXIS_SPREAD[name]))


_AXIS_WORDS = {  # (positive, negative) description of each axis
    "temperature": ("warm", "cool"),
    "value": ("light", "deep"),
    "clarity": ("bright and clear", "soft and muted"),
}


def _why(
    label: str,
    runner_up: str,
    axes: dict[str, float],
    colouring: Colouring,
    features: dict[str, float],
) -> str:
    lead = LEADING_AXIS[label]
    corner = FAMILY_CORNERS[label.split()[1]]
    # The family is confirmed by whichever of the other two axes points its way most strongly.
    support = max(
        (axis for axis in _AXIS_WORDS if axis != lead),
        key=lambda axis: corner[_AXIS_INDEX[axis]] * axes[axis],
    )
    return (
        f"{label.capitalize()}: your colouring is above all "
        f"{_describe(lead, axes, colouring, features)} "
        f"and {_describe(support, axes, colouring, features)}. "
        f"The next closest season is {runner_up}."
    )


def _describe(
    axis: str, axes: dict[str, float], colouring: Colouring, features: dict[str, float]
) -> str:
    positive, negative = _AXIS_WORDS[axis]
    word = positive if axes[axis] >= 0 else negative
    return f"{word} ({axis} {axes[axis]:+.2f}: {_evidence(axis, axes, colouring, features)})"


def _evidence(
    axis: str, axes: dict[str, float], colouring: Colouring, features: dict[str, float]
) -> str:
    skin_lightness = float(colouring.skin_lab[0])
    hair, eyes = colouring.hair_lab, colouring.eye_lab
    if axis == "temperature":
        direction = "yellower" if colouring.hue_deviation >= 0 else "redder"
        items = [
            f"skin hue {abs(colouring.hue_deviation):.1f} SD {direction} than usual for its "
            f"lightness, {colouring.undertone} undertone"
        ]
        if hair is not None:
            tint = "golden or red" if features["hair_warmth"] > 0 else "ash"
            items.append(f"{tint} hair (a* {hair[1]:.0f}, b* {hair[2]:.0f})")
        if eyes is not None:
            items.append(f"eyes b* {eyes[2]:+.0f}")
        return ", ".join(items)
    if axis == "value":
        items = [f"skin L* {skin_lightness:.0f}"]
        if hair is not None:
            items.append(f"hair L* {hair[0]:.0f}")
        if eyes is not None:
            items.append(f"eyes L* {eyes[0]:.0f}")
        return ", ".join(items)
    direction = "above" if colouring.chroma_deviation >= 0 else "below"
    items = [
        f"skin chroma {abs(colouring.chroma_deviation):.1f} SD {direction} usual for its lightness"
    ]
    if eyes is not None:
        items.append(f"eyes C* {np.hypot(eyes[1], eyes[2]):.0f}")
    if hair is not None or eyes is not None:
        items.append(f"contrast of hair and eyes with skin {axes['contrast']:+.2f}")
    return ", ".join(items)
