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
way, except that a clearly warm or cool person keeps their temperature: CLEAR_TEMPERATURE),
and the season is the family's strongest axis. This is the twelve-season system's own
"dominant characteristic, then the family it leans to" read as a distance in the normalised
axis space, with one threshold: where temperature becomes clear.

Each axis is a weighted mean of measurements, each first made a z-score against population
constants (median and spread over the development photos), squashed smoothly into -1..+1 by
tanh; the decision is a dot product, so a small change in a measurement moves the scores a
little. The confidence comes from the margin between the winner and the runner-up, small where
a person lies between two seasons.

Stability (docs/season.md, bench/season_stability.py): the inputs are read where they repeat
best between photos of one person. Skin hue and chroma come from the forehead and nose bridge,
which a smile does not flush or lift; hair counts in proportion to how much of it shows;
irises and hair are divided by the light's own colour and exposure; each axis leans on its
steadiest measurements, and temperature, the least repeatable axis, counts less in the
decision. What is left is the photo-to-photo noise of the skin itself (0.13-0.26 of the
spread between people per photo, twice that under other lights), which with twelve seasons
of comparable size changes about three people in ten between a neutral and a smiling photo.
"""

from dataclasses import dataclass

import numpy as np

from chromamatch import tone

# --- Population constants: (centre, spread) of each measurement over a varied set of people.
# Median and standard deviation over the 156 development photos (78 people, neutral and
# smiling), with the engine's own measurements: ``python bench/season_stability.py collect``
# then ``calibrate`` prints them. Recalibrate whenever a measurement changes: stale centres
# tilt the whole population towards a few seasons (constants from an earlier hair sampler
# put 31 % of the set in bright winter and 4 % in the autumns).
SKIN_LIGHTNESS = (65.2, 12.2)  # L* of the cheeks (part 1's skin)
# tone.undertone() deviations (in standard deviations of the reference skins) of the steady
# skin, forehead and nose bridge (skin_sampling.steady_skin_linear_rgb), and of the cheeks,
# which stand in when the forehead and nose are hidden.
STEADY_HUE_DEVIATION = (0.043, 0.985)
STEADY_CHROMA_DEVIATION = (-0.294, 0.944)
SKIN_HUE_DEVIATION = (-0.04, 1.01)
SKIN_CHROMA_DEVIATION = (-0.22, 0.93)
HAIR_LIGHTNESS = (16.4, 9.5)  # L*
# Hair warmth is a* + b* above what hair of that lightness has (lighter hair is yellower):
# golden and red hair are warm, ash and black-brown are not.
HAIR_WARMTH_FIT = (0.38, -1.88)  # expected a* + b* = slope * L* + intercept
HAIR_WARMTH = (0.1, 2.24)
EYE_LIGHTNESS = (27.9, 9.72)  # L*
EYE_CHROMA = (4.47, 2.88)  # C*ab
EYE_WARMTH = (2.53, 4.09)  # b*: amber, hazel and brown irises yellow, blue and grey ones blue
# Contrast is the darkness of hair and eyes relative to the skin, (L_skin - L_feature) /
# L_skin, so that dark skin with black hair is not read as low contrast only because both are
# dark.
HAIR_CONTRAST = (0.73, 0.165)
EYE_CONTRAST = (0.563, 0.126)

# How much each measurement counts on its axis: more for the measurements that repeat best
# between a person's neutral and smiling photos and under other lights. Per photo, as a share
# of the spread between people (``bench/season_stability.py report``, 2026-11-28): hair
# lightness and contrast 0.08, skin lightness 0.13, steady skin chroma 0.17, eye chroma 0.19,
# lightness 0.23 and contrast 0.25, and for warmth eyes 0.16 (0.15 relit), steady skin hue 0.29
# (0.44 relit) and hair 0.11 (0.29 relit: dark hair's colour barely survives a strong cast).
TEMPERATURE_WEIGHTS = {"skin_hue": 0.4, "hair_warmth": 0.2, "eye_warmth": 0.4}
VALUE_WEIGHTS = {"skin_lightness": 0.6, "hair_lightness": 0.3, "eye_lightness": 0.1}
# Hair is left out of chroma: in hair, colourfulness is what golden or red against ash means,
# and it already counts as warmth.
CHROMA_WEIGHTS = {"skin_chroma": 0.7, "eye_chroma": 0.3}
CONTRAST_WEIGHTS = {"hair_contrast": 0.7, "eye_contrast": 0.3}
# Close-cropped hair barely above hair_colour.MIN_HAIR_SHARE is read partly from the scalp,
# and the same person's other photo may show none: hair counts from nothing at the first share
# of the face to fully at the second, so that its coming and going moves no axis by a jump
# (two people of the set changed season on that alone; all three such people now keep it).
HAIR_COVERAGE_RAMP = (0.10, 0.20)
# A weighted mean of z-scores spreads less than one z-score; dividing by this (the spread of
# the weighted mean over the calibration set) brings each axis back to unit spread before tanh.
AXIS_SPREAD = {"temperature": 0.59, "value": 0.88, "chroma": 0.81, "contrast": 0.79}
# Clarity, the third season scale, is chroma with some contrast: bright seasons are both
# saturated and high contrast, soft ones muted and blended.
CLARITY_CONTRAST_SHARE = 0.35
# Temperature repeats worst (per photo 0.26 of its spread between a neutral and a smiling
# photo, against 0.13-0.16 for value and clarity; 0.56 under other lights, against 0.11-0.3),
# so it counts less in the decision: a person who is only slightly warm or cool is placed by
# value and clarity, as the twelve-season system places near-neutral people in its light,
# deep, bright and soft seasons. Lower weights steady the label a little more (0.6: +0.015)
# but leave the warm and cool seasons to few people.
DECISION_WEIGHTS = {"temperature": 0.7, "value": 1.0, "clarity": 1.0}
# Beyond this temperature either way a person is clearly warm or cool, and only the two
# families of that temperature can take them. Without it, a person whose axes match no family's
# corner lost their temperature, the lightest-weighted axis, whatever its size: 17 of the 78
# development people with |temperature| > 0.3 got a season of the other temperature (a cool,
# deep, muted face at -0.99 a deep autumn, with gold and burnt orange). The price in
# repeatability is 0.013 with a smile and 0.014-0.022 relit (pooled noise, both draws;
# docs/season.md). Nearer neutral, value and clarity still place a person.
CLEAR_TEMPERATURE = 0.3
# Prototype weights: the leading axis counts fully, the family's other two axes this much.
# Any value between 0 and 1 gives the same winners (see the module docstring); it only sets
# how the margin, and so the confidence, grows.
SUPPORT_WEIGHT = 0.5
# Confidence is 0.5 + 0.5 tanh(margin / CONFIDENCE_MARGIN): 0.5 on a tie between two seasons.
# The scale was fitted so that confidence is about the share of re-measurements that keep the
# label, with re-measurement noise as large as between a person's neutral and smiling photos.
CONFIDENCE_MARGIN = 0.16
# A photo with an exposure warning (quality.EXPOSURE_WARNINGS) counts its margin at this weight:
# relit copies with the warning kept their season 0.53 of the time against 0.73 without, at the
# same confidence; this is the maximum-likelihood fit on them (both draws, docs/season.md).
SPOILED_MARGIN_WEIGHT = 0.35

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
_FAMILY_TEMPERATURES = np.array([FAMILY_CORNERS[label.split()[1]][0] for label in SEASONS])


@dataclass(frozen=True)
class Colouring:
    """What the season is decided from."""

    skin_lab: np.ndarray  # (3,) CIELAB D65, lighting already corrected
    undertone: str  # warm | cool | neutral | olive
    hue_deviation: float  # from tone.undertone(): + yellower, - redder (in SDs)
    chroma_deviation: float  # from tone.undertone(): + more saturated (in SDs)
    eye_lab: np.ndarray | None
    hair_lab: np.ndarray | None
    # CIELAB of the forehead and nose bridge (skin_sampling.steady_skin_linear_rgb, corrected
    # like skin_lab); None when they are hidden, and the cheeks' deviations stand in.
    steady_skin_lab: np.ndarray | None = None
    # hair_colour.HairColour.coverage: hair pixels as a share of the face's area.
    hair_coverage: float = 1.0
    # The photo has an exposure warning (quality.EXPOSURE_WARNINGS): the season is less sure.
    exposure_spoiled: bool = False


@dataclass(frozen=True)
class Season:
    """One of the twelve seasons, with the axes it was decided from and why."""

    label: str
    family: str
    confidence: float
    why: str
    axes: dict[str, float]  # temperature, value, chroma, contrast and clarity, about -1..+1
    runner_up: str

    def in_words(self) -> str:
        """What decided it, without the figures: "above all deep and bright and clear"."""
        lead, support = _deciding_axes(self.label, self.axes)
        return f"above all {_axis_word(lead, self.axes)} and {_axis_word(support, self.axes)}"

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
    axes = _axes(features, _trust(colouring))
    scores = _scores(axes)
    order = np.argsort(scores)[::-1]
    best, second = SEASONS[order[0]], SEASONS[order[1]]
    margin = _margin(axes, scores)
    if colouring.exposure_spoiled:
        margin *= SPOILED_MARGIN_WEIGHT
    confidence = 0.5 + 0.5 * float(np.tanh(margin / CONFIDENCE_MARGIN))
    return Season(
        label=best,
        family=best.split()[1],
        confidence=confidence,
        why=_why(best, second, axes, colouring, features),
        axes={name: round(float(value), 3) for name, value in axes.items()},
        runner_up=second,
    )


def _axes(features: dict[str, float], trust: dict[str, float]) -> dict[str, float]:
    """Temperature, value, chroma, contrast and clarity, each about -1..+1."""
    axes = {
        "temperature": _axis(features, TEMPERATURE_WEIGHTS, "temperature", trust),
        "value": _axis(features, VALUE_WEIGHTS, "value", trust),
        "chroma": _axis(features, CHROMA_WEIGHTS, "chroma", trust),
        "contrast": _axis(features, CONTRAST_WEIGHTS, "contrast", trust),
    }
    axes["clarity"] = (1 - CLARITY_CONTRAST_SHARE) * axes["chroma"] + (
        CLARITY_CONTRAST_SHARE * axes["contrast"]
    )
    return axes


def _scores(axes: dict[str, float]) -> np.ndarray:
    """Each season's score (in SEASONS order): its prototype against the weighted axes; -inf
    for the seasons of the other temperature when the temperature is clear."""
    free = _free_scores(axes)
    return _locked(free, axes) if abs(axes["temperature"]) > CLEAR_TEMPERATURE else free


def _free_scores(axes: dict[str, float]) -> np.ndarray:
    point = np.array([DECISION_WEIGHTS[axis] * axes[axis] for axis in _AXIS_INDEX])
    return _PROTOTYPES @ point


def _locked(scores: np.ndarray, axes: dict[str, float]) -> np.ndarray:
    """Only the seasons of the person's temperature (warm counting from 0) keep their score."""
    sign = 1 if axes["temperature"] >= 0 else -1
    return np.where(_FAMILY_TEMPERATURES == sign, scores, -np.inf)


def _margin(axes: dict[str, float], scores: np.ndarray) -> float:
    """How far the winner is from losing: its lead over the runner-up, or, when the temperature
    lock decides the season (or would, were the temperature clear), the temperature's distance
    from the lock's threshold if that is less."""
    top = np.sort(scores)[::-1]
    return min(float(top[0] - top[1]), _lock_margin(axes))


def _lock_margin(axes: dict[str, float]) -> float:
    """How far the temperature is from CLEAR_TEMPERATURE, in score units, when the season on
    one side of it differs from the season on the other; infinite when they agree."""
    free = _free_scores(axes)
    if np.argmax(free) == np.argmax(_locked(free, axes)):
        return float("inf")
    distance = abs(abs(axes["temperature"]) - CLEAR_TEMPERATURE)
    return DECISION_WEIGHTS["temperature"] * distance


def _features(colouring: Colouring) -> dict[str, float]:
    """Each measurement as a z-score against the population constants above."""
    skin_lightness = float(colouring.skin_lab[0])
    hue, chroma = _skin_deviations(colouring)
    features = {
        "skin_lightness": _z(skin_lightness, SKIN_LIGHTNESS),
        "skin_hue": hue,
        "skin_chroma": chroma,
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


def _skin_deviations(colouring: Colouring) -> tuple[float, float]:
    """z-scores of the skin's hue and chroma deviation: the steady skin's, else the cheeks'."""
    if colouring.steady_skin_lab is not None:
        steady = tone.undertone(colouring.steady_skin_lab)
        return (
            _z(steady.hue_deviation, STEADY_HUE_DEVIATION),
            _z(steady.chroma_deviation, STEADY_CHROMA_DEVIATION),
        )
    return (
        _z(colouring.hue_deviation, SKIN_HUE_DEVIATION),
        _z(colouring.chroma_deviation, SKIN_CHROMA_DEVIATION),
    )


def _trust(colouring: Colouring) -> dict[str, float]:
    """How much of its weight each source keeps: hair fades in with its coverage."""
    low, high = HAIR_COVERAGE_RAMP
    hair = float(np.clip((colouring.hair_coverage - low) / (high - low), 0.0, 1.0))
    return {"hair": hair if colouring.hair_lab is not None else 0.0}


def _z(value: float, centre_and_spread: tuple[float, float]) -> float:
    centre, spread = centre_and_spread
    return (float(value) - centre) / spread


def _relative_darkness(skin_lightness: float, feature_lightness: float) -> float:
    return (skin_lightness - feature_lightness) / max(skin_lightness, 1.0)


def _axis(
    features: dict[str, float], weights: dict[str, float], name: str, trust: dict[str, float]
) -> float:
    """The weighted mean of the measurements present, squashed smoothly into -1..+1.

    Without any measurement (contrast with neither hair nor eyes) the axis is 0, which favours
    no season.
    """
    mean = axis_mean(features, weights, trust)
    return 0.0 if mean is None else float(np.tanh(mean / AXIS_SPREAD[name]))


def axis_mean(
    features: dict[str, float], weights: dict[str, float], trust: dict[str, float]
) -> float | None:
    """The weighted mean of the measurements present (z-scores), or None without any.

    A measurement's weight is scaled by the trust in its source (hair: by its coverage), and
    the others carry the rest, so a source fading out moves the axis smoothly.
    """
    present = {
        key: weight * trust.get(key.split("_")[0], 1.0)
        for key, weight in weights.items()
        if key in features
    }
    total = sum(present.values())
    if total <= 0:
        return None
    return sum(features[key] * weight for key, weight in present.items()) / total


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
    lead, support = _deciding_axes(label, axes)
    return (
        f"{label.capitalize()}: your colouring is above all "
        f"{_describe(lead, axes, colouring, features)} "
        f"and {_describe(support, axes, colouring, features)}. "
        + _runner_up_sentence(runner_up, (lead, support), axes)
        + _undertone_note(
            FAMILY_CORNERS[label.split()[1]], (lead, support), axes, colouring, features
        )
    )


def _runner_up_sentence(runner_up: str, named: tuple[str, str], axes: dict[str, float]) -> str:
    """Names the runner-up and, where the person shares it, the scale it would put first: a
    very deep, muted person's next closest season can be a soft summer, which reads as a
    contradiction until it says it is their softness."""
    lead = LEADING_AXIS[runner_up]
    leans_its_way = FAMILY_CORNERS[runner_up.split()[1]][_AXIS_INDEX[lead]] * axes[lead] > 0
    if not leans_its_way:
        return f"The next closest season is {runner_up}."
    # "Slightly cool first" reads as a contradiction: ranking a scale names it plainly.
    plain = _AXIS_WORDS[lead][0 if axes[lead] >= 0 else 1]
    if lead == named[0]:
        return f"The next closest season is {runner_up}, also {plain} above all."
    if lead == named[1]:
        return f"The next closest season is {runner_up}, which would put {plain} first."
    return (
        f"The next closest season is {runner_up}, for your {_axis_word(lead, axes)} colouring "
        f"({lead} {axes[lead]:+.2f})."
    )


def _deciding_axes(label: str, axes: dict[str, float]) -> tuple[str, str]:
    """The season's leading axis, and whichever of the other two points its family's way most
    strongly (the one that confirmed the family)."""
    lead = LEADING_AXIS[label]
    corner = FAMILY_CORNERS[label.split()[1]]
    support = max(
        (axis for axis in _AXIS_WORDS if axis != lead),
        key=lambda axis: corner[_AXIS_INDEX[axis]] * axes[axis],
    )
    return lead, support


# The reported undertone that a family's temperature contradicts.
_OPPOSITE_UNDERTONE = {1: "cool", -1: "warm"}


def _undertone_note(
    corner: tuple[int, int, int],
    named: tuple[str, str],
    axes: dict[str, float],
    colouring: Colouring,
    features: dict[str, float],
) -> str:
    """A sentence for a person whose reported undertone reads against their season's family
    (a warm undertone and a winter): the undertone is the cheeks' alone, while the season's
    temperature also weighs the forehead and nose, hair and eyes, and may count least."""
    if colouring.undertone != _OPPOSITE_UNDERTONE[corner[_AXIS_INDEX["temperature"]]]:
        return ""
    temperature = axes["temperature"]
    # Only a temperature this near neutral can sit in a family of the other temperature.
    if abs(temperature) <= CLEAR_TEMPERATURE:
        outcome = "comes out near neutral"
    else:
        outcome = f"leans {_axis_word('temperature', axes)}"
    if "temperature" in named:
        return (
            f" Your cheeks read a {colouring.undertone} undertone, but with the rest of your "
            f"colouring your temperature {outcome}."
        )
    return (
        f" Your cheeks read a {colouring.undertone} undertone, but temperature counts least "
        f"here and {outcome} (temperature {temperature:+.2f}: "
        f"{_evidence('temperature', axes, colouring, features)})."
    )


def _describe(
    axis: str, axes: dict[str, float], colouring: Colouring, features: dict[str, float]
) -> str:
    word = _axis_word(axis, axes)
    return f"{word} ({axis} {axes[axis]:+.2f}: {_evidence(axis, axes, colouring, features)})"


def _axis_word(axis: str, axes: dict[str, float]) -> str:
    """The word for which way ``axis`` leans ("warm" or "cool", ...); a temperature that is not
    clear (CLEAR_TEMPERATURE) only "slightly" so."""
    positive, negative = _AXIS_WORDS[axis]
    word = positive if axes[axis] >= 0 else negative
    if axis == "temperature" and abs(axes[axis]) <= CLEAR_TEMPERATURE:
        return f"slightly {word}"
    return word


def _evidence(
    axis: str, axes: dict[str, float], colouring: Colouring, features: dict[str, float]
) -> str:
    """The measurements behind ``axis``: those that point its way (or sit near the usual)
    first, then, after "though", those that point the other way, so that a warm person's ash
    hair reads as what it is, evidence against."""
    skin_lightness = float(colouring.skin_lab[0])
    hair = colouring.hair_lab if _trust(colouring)["hair"] > 0 else None
    eyes = colouring.eye_lab
    skin = "forehead and nose skin" if colouring.steady_skin_lab is not None else "skin"
    items: list[tuple[float, str]] = []  # (z-score, text) of each measurement
    if axis == "temperature":
        items.append(
            _deviation(
                features["skin_hue"], f"{skin} hue", ("yellower than usual", "redder than usual")
            )
        )
        if hair is not None:
            # Warmth of hair is judged against hair of its lightness (lighter hair is yellower).
            tint = "warmer" if features["hair_warmth"] > 0 else "more ash"
            items.append(
                (
                    features["hair_warmth"],
                    f"hair {tint} than usual for its lightness "
                    f"(a* {_whole(hair[1])}, b* {_whole(hair[2])})",
                )
            )
        if eyes is not None:
            items.append((features["eye_warmth"], f"eyes b* {_whole(eyes[2], sign=True)}"))
    elif axis == "value":
        items.append((features["skin_lightness"], f"skin L* {_whole(skin_lightness)}"))
        if hair is not None:
            items.append((features["hair_lightness"], f"hair L* {_whole(hair[0])}"))
        if eyes is not None:
            items.append((features["eye_lightness"], f"eyes L* {_whole(eyes[0])}"))
    else:
        items.append(
            _deviation(features["skin_chroma"], f"{skin} chroma", ("above usual", "below usual"))
        )
        if eyes is not None:
            chroma = np.hypot(eyes[1], eyes[2])
            items.append((features["eye_chroma"], f"eyes C* {_whole(chroma)}"))
        seen = " and ".join(n for n, lab in (("hair", hair), ("eyes", eyes)) if lab is not None)
        if seen:
            contrast = axes["contrast"]
            items.append((contrast, f"contrast of {seen} with skin {contrast:+.2f}"))
    sign = 1.0 if axes[axis] >= 0 else -1.0
    against = [text for z, text in items if z * sign <= -_ABOUT_USUAL]
    agreeing = [text for z, text in items if z * sign > -_ABOUT_USUAL]
    return ", ".join(agreeing or ["no measurement on its own"]) + (
        f"; though {', '.join(against)}" if against else ""
    )


# A measurement this close to the usual (in spreads between people) is named as usual: a skin
# hue "0.2 SD yellower than usual" read as evidence of warmth it barely is.
_ABOUT_USUAL = 0.25


def _deviation(z: float, what: str, directions: tuple[str, str]) -> tuple[float, str]:
    """A skin deviation in words: "forehead and nose skin hue 0.8 SD redder than usual ..."."""
    if abs(z) < _ABOUT_USUAL:
        return 0.0, f"{what} about usual for its lightness"
    direction = directions[0] if z >= 0 else directions[1]
    return z, f"{what} {abs(z):.1f} SD {direction} for its lightness"


def _whole(value: float, *, sign: bool = False) -> str:
    """A measurement to the nearest whole unit, never "-0"."""
    rounded = int(round(float(value)))
    return f"{rounded:+d}" if sign else str(rounded)
