"""Pairs of a season's own colours at the contrast of a person's colouring.

Outfit contrast is a difference in lightness. The contrast advice names its examples from the
person's palette (a neutral with one of their best colours, or two neutrals) instead of fixed
ones, so that a warm autumn told to wear strong contrast is not shown black and icy white, two
colours their palette avoids.
"""

import numpy as np

from chromamatch.colour import ciede2000, hex_to_rgb8, srgb8_to_lab

# Lightness difference (CIELAB L*) a medium-contrast pair aims at: about a quarter of the way
# from black to white, as a mid-tone against a light or a dark one.
MEDIUM_LIGHTNESS_STEP = 25.0
# A low-contrast (tonal) pair must still be two colours, not two shades of one: at least this
# CIEDE2000 apart.
TONAL_MIN_DIFFERENCE = 15.0
PAIRS = 2


def contrast_pairs(palette: dict, level: str) -> list[tuple[str, str]]:
    """Up to two pairs of colour names from ``palette`` (a season palette: ``neutrals`` and
    ``best`` lists of ``{"hex", "name"}``), no colour used twice, for a ``level`` of ``high``
    (the largest lightness differences), ``medium`` or ``low`` (similar lightness, different
    colours). Each pair holds at least one neutral, the darker colour first."""
    neutrals = _unique(palette["neutrals"], seen=set())
    best = _unique(palette["best"], seen={entry["hex"] for entry in neutrals})
    names = [entry["name"] for entry in neutrals + best]
    lab = srgb8_to_lab(np.array([hex_to_rgb8(entry["hex"]) for entry in neutrals + best]))
    # Every pair of two colours; with the neutrals listed first, those holding one start there.
    first, second = np.triu_indices(len(names), k=1)
    first, second = first[first < len(neutrals)], second[first < len(neutrals)]
    lightness_step = np.abs(lab[first, 0] - lab[second, 0])
    if level == "high":
        order = np.argsort(-lightness_step, kind="stable")
    elif level == "medium":
        order = np.argsort(np.abs(lightness_step - MEDIUM_LIGHTNESS_STEP), kind="stable")
    elif level == "low":
        distinct = ciede2000(lab[first], lab[second]) >= TONAL_MIN_DIFFERENCE
        # Distinct pairs first; a palette of near-identical colours (possible in edited data)
        # still gets an example.
        order = np.lexsort((lightness_step, ~distinct))
    else:
        raise ValueError(f"unknown contrast level {level!r}")
    chosen: list[tuple[str, str]] = []
    used: set[int] = set()
    for index in order:
        pair = (first[index], second[index])
        if used.isdisjoint(pair):
            dark, light = sorted(pair, key=lambda colour: lab[colour, 0])
            chosen.append((names[dark], names[light]))
            used.update(pair)
        if len(chosen) == PAIRS:
            break
    return chosen


def _unique(entries: list[dict], *, seen: set[str]) -> list[dict]:
    """Entries whose colour has not been listed yet (a palette may hold black as a neutral and
    as a best colour)."""
    result = []
    for entry in entries:
        if entry["hex"] not in seen:
            seen.add(entry["hex"])
            result.append(entry)
    return result
