"""How well one colour suits a person: a 0-100 score with its reason.

Three things are weighed, all in CIELAB:

- closeness to the person's palette (best and neutral colours), by CIEDE2000: a colour within a
  few units of one of them is, to the eye, that colour;
- closeness to the season's colours to avoid, which pulls the score down the same way;
- how the colour's temperature, value (L*) and chroma (C*) sit against the season's own best
  colours: each is compared with the palette's mean in units of the palette's spread, so a
  colour can suit a season without being in the list.

A colour almost the same as the person's skin is marked down a little: worn near the face it
blurs the face's outline.
"""

from dataclasses import dataclass
from functools import cache

import numpy as np

from chromamatch import colour
from chromamatch.palette import palettes

WEIGHTS = {"palette": 0.45, "fit": 0.35, "avoid": 0.20}
# CIEDE2000 distance at which closeness to the palette falls to 1/e (37 %); 2-3 units is a
# just-noticeable difference, about 10 a clearly different shade of the same colour.
PALETTE_DELTA_E = 12.0
AVOID_DELTA_E = 8.0
# Palette spreads below these are widened, so that a tight palette still accepts near misses.
MIN_SPREAD = {"value": 8.0, "chroma": 8.0, "temperature": 0.2}
# Within this CIEDE2000 of the skin a colour blends into it; the penalty fades out linearly.
SKIN_BLEND_DELTA_E = 8.0
SKIN_BLEND_PENALTY = 10.0
VERDICTS = ((75.0, "great"), (60.0, "good"), (45.0, "fair"), (0.0, "poor"))
# Below this CIEDE2000 distance two colours are the same to the eye.
SAME_COLOUR_DELTA_E = 1.0
# Below this distance the reason names the palette colour (or colour to avoid) it is close to.
NAMED_DELTA_E = 10.0
# Below this chroma (C*) a colour is a neutral: white, black, a grey.
NEUTRAL_CHROMA = 5.0
# Attribute deviations beyond this many palette spreads are named in the reason.
NAMED_DEVIATION = 1.5


@dataclass(frozen=True)
class _SeasonColours:
    names: list[str]
    hexes: list[str]
    lab: np.ndarray  # (n, 3) best colours, then neutrals
    avoid_names: list[str]
    avoid_whys: list[str]
    avoid_lab: np.ndarray
    mean: dict[str, float]  # value, chroma, temperature of the best colours
    spread: dict[str, float]


def color_check(hex_colour: str, *, season: str, skin_lab: np.ndarray) -> dict:
    """Score ``hex_colour`` for a person of ``season`` (its label); raise ValueError on a bad
    hex. Only stored measurements are needed, so a past analysis can answer it."""
    if not isinstance(hex_colour, str):
        raise ValueError(f"{hex_colour!r} is not a colour like #a1b2c3")
    normalised = colour.rgb8_to_hex(colour.hex_to_rgb8(hex_colour))
    lab = colour.hex_to_lab(normalised)
    colours = _season_colours(season)

    to_palette = colour.ciede2000(colours.lab, lab)
    nearest = int(np.argmin(to_palette))
    to_avoid = colour.ciede2000(colours.avoid_lab, lab)
    nearest_avoid = int(np.argmin(to_avoid))
    deviations = {
        name: (value - colours.mean[name]) / colours.spread[name]
        for name, value in _attributes(lab).items()
    }
    fits = {name: float(np.exp(-0.5 * z**2)) for name, z in deviations.items()}
    to_skin = float(colour.ciede2000(np.asarray(skin_lab, dtype=np.float64), lab))

    palette_part = float(np.exp(-to_palette[nearest] / PALETTE_DELTA_E))
    avoid_part = 1.0 - float(np.exp(-to_avoid[nearest_avoid] / AVOID_DELTA_E))
    fit_part = float(np.mean(list(fits.values())))
    blend_penalty = SKIN_BLEND_PENALTY * max(0.0, 1.0 - to_skin / SKIN_BLEND_DELTA_E)
    score = 100 * (
        WEIGHTS["palette"] * palette_part
        + WEIGHTS["fit"] * fit_part
        + WEIGHTS["avoid"] * avoid_part
    )
    score = float(np.clip(score - blend_penalty, 0, 100))
    verdict = next(name for floor, name in VERDICTS if score >= floor)

    reasons = []
    if to_palette[nearest] < SAME_COLOUR_DELTA_E:
        reasons.append(f"it is {colours.names[nearest]} from your {season} palette")
    elif to_palette[nearest] < NAMED_DELTA_E:
        reasons.append(
            f"it is close to {colours.names[nearest]} from your {season} palette "
            f"(ΔE00 {to_palette[nearest]:.1f})"
        )
    else:
        reasons.append(
            f"the nearest colour in your {season} palette is {colours.names[nearest]} "
            f"(ΔE00 {to_palette[nearest]:.1f})"
        )
    if to_avoid[nearest_avoid] < SAME_COLOUR_DELTA_E:
        reasons.append(
            f"it is {colours.avoid_names[nearest_avoid]}, one of the colours to avoid "
            f"({colours.avoid_whys[nearest_avoid]})"
        )
    elif to_avoid[nearest_avoid] < NAMED_DELTA_E:
        reasons.append(
            f"it is close to {colours.avoid_names[nearest_avoid]}, a colour to avoid "
            f"(ΔE00 {to_avoid[nearest_avoid]:.1f}; {colours.avoid_whys[nearest_avoid]})"
        )
    if to_palette[nearest] >= SAME_COLOUR_DELTA_E:
        reasons.append(_attribute_reason(lab, deviations, colours, season))
    if blend_penalty > 0:
        reasons.append(
            f"it is almost your skin colour (ΔE00 {to_skin:.1f}), so near the face it blurs "
            f"your outline"
        )
    # The verdict and score are fields of their own, shown beside the reason.
    why = "; ".join(reasons) + "."
    why = why[0].upper() + why[1:]
    return {
        "hex": normalised,
        "score": round(score),
        "verdict": verdict,
        "why": why,
        "closest_best": {
            "hex": colours.hexes[nearest],
            "name": colours.names[nearest],
            "delta_e": round(float(to_palette[nearest]), 1),
        },
    }


def _attributes(lab: np.ndarray) -> dict[str, float]:
    """Value (L*), chroma (C*) and temperature of a colour.

    Temperature is b* against chroma, b* / (C* + 10): +1 for golden yellow, about 0 for a
    blue-red or a grey, -1 for blue; the 10 keeps near-greys near 0.
    """
    lightness, a, b = (float(v) for v in lab)
    chroma = float(np.hypot(a, b))
    return {"value": lightness, "chroma": chroma, "temperature": b / (chroma + 10.0)}


_ATTRIBUTE_WORDS = {  # (too high, too low)
    "value": ("lighter", "darker"),
    "chroma": ("brighter", "more muted"),
    "temperature": ("warmer", "cooler"),
}


def _attribute_reason(
    lab: np.ndarray, deviations: dict[str, float], colours: _SeasonColours, label: str
) -> str:
    attributes = _attributes(lab)
    off = [name for name, z in deviations.items() if abs(z) > NAMED_DEVIATION]
    if not off:
        return f"its warmth, lightness and chroma sit within the range of {label} colours"
    compared, sentences = [], []
    for name in sorted(off, key=lambda n: -abs(deviations[n])):
        higher, lower = _ATTRIBUTE_WORDS[name]
        word = higher if deviations[name] > 0 else lower
        figures = _figures(name, attributes[name], colours.mean[name])
        if name == "chroma" and attributes["chroma"] < NEUTRAL_CHROMA:
            # White, black and greys are not "more muted": they have no colour to mute.
            sentences.append(
                f"it is a neutral with no colour of its own, where {label} colours have some "
                f"({figures})"
            )
        else:
            compared.append(f"{word} ({figures})")
    if compared:
        sentences.insert(0, "it is " + " and ".join(compared) + f" than {label} colours")
    return "; ".join(sentences)


def _figures(name: str, value: float, typical: float) -> str:
    """The colour's attribute beside the palette's mean: "L* 20 against about 62"."""
    if name == "temperature":
        return f"warmth {value:+.2f} against about {typical:+.2f}"
    return f"{'L*' if name == 'value' else 'C*'} {value:.0f} against about {typical:.0f}"


@cache
def _season_colours(label: str) -> _SeasonColours:
    palette = palettes()[label]
    recommended = palette["best"] + palette["neutrals"]
    best_lab = np.array([colour.hex_to_lab(entry["hex"]) for entry in palette["best"]])
    attributes = [_attributes(lab) for lab in best_lab]
    mean = {name: float(np.mean([a[name] for a in attributes])) for name in MIN_SPREAD}
    spread = {
        name: max(float(np.std([a[name] for a in attributes])), MIN_SPREAD[name])
        for name in MIN_SPREAD
    }
    return _SeasonColours(
        names=[entry["name"] for entry in recommended],
        hexes=[entry["hex"] for entry in recommended],
        lab=np.array([colour.hex_to_lab(entry["hex"]) for entry in recommended]),
        avoid_names=[entry["name"] for entry in palette["avoid"]],
        avoid_whys=[entry["why"] for entry in palette["avoid"]],
        avoid_lab=np.array([colour.hex_to_lab(entry["hex"]) for entry in palette["avoid"]]),
        mean=mean,
        spread=spread,
    )
