import re

import numpy as np
import pytest

from chromamatch.color_check import color_check
from chromamatch.colour import lab_to_hex
from chromamatch.palette import palettes
from chromamatch.season import SEASONS

SKINS = {
    "light": np.array([72.0, 8.0, 14.0]),
    "medium": np.array([60.0, 11.0, 16.0]),
    "dark": np.array([34.0, 10.0, 12.0]),
}


def a_season(label: str) -> str:
    assert label in SEASONS
    return label


@pytest.mark.parametrize("label", SEASONS)
@pytest.mark.parametrize("skin", SKINS.values(), ids=SKINS.keys())
def test_every_best_colour_scores_above_every_colour_to_avoid(label, skin):
    season = a_season(label)
    palette = palettes()[label]
    best = [color_check(e["hex"], season=season, skin_lab=skin)["score"] for e in palette["best"]]
    avoid = [color_check(e["hex"], season=season, skin_lab=skin)["score"] for e in palette["avoid"]]

    assert min(best) > max(avoid)


def test_a_palette_colour_is_great_and_named_as_such():
    result = color_check("#F88379", season=a_season("light spring"), skin_lab=SKINS["light"])

    assert result["hex"] == "#f88379"
    assert result["verdict"] == "great"
    assert result["closest_best"] == {"hex": "#f88379", "name": "Light coral", "delta_e": 0.0}
    assert "Light coral from your light spring palette" in result["why"]


def test_a_colour_to_avoid_is_poor_and_the_reason_says_why():
    result = color_check("#000000", season=a_season("light spring"), skin_lab=SKINS["light"])

    assert result["verdict"] == "poor"
    assert "it is Black, one of the colours to avoid" in result["why"]
    assert "darker (L* 0 against about" in result["why"]
    assert "than light spring colours" in result["why"]
    # Black has no colour to be "more muted" than the season's.
    assert "more muted" not in result["why"]
    assert "a neutral with no colour of its own" in result["why"]
    # The verdict and score are their own fields, not repeated in the reason.
    assert not result["why"].lower().startswith("poor")


def test_a_colour_near_one_to_avoid_is_named_as_near_it():
    result = color_check("#0a0a0a", season=a_season("light spring"), skin_lab=SKINS["light"])

    assert "close to Black, a colour to avoid (ΔE00" in result["why"]


def test_a_colour_outside_the_lists_is_judged_by_its_warmth_value_and_chroma():
    # A muted warm olive: near soft autumn's colours, far from cool winter's.
    soft_autumn = color_check("#7d7a4a", season=a_season("soft autumn"), skin_lab=SKINS["medium"])
    cool_winter = color_check("#7d7a4a", season=a_season("cool winter"), skin_lab=SKINS["medium"])

    assert soft_autumn["score"] > cool_winter["score"] + 20
    assert re.search(
        r"it is warmer \(warmth \+0.\d\d against about -0.\d\d\) than cool winter",
        cool_winter["why"],
    )


def test_a_colour_almost_the_same_as_the_skin_is_marked_down_and_says_so():
    skin = np.array([70.0, 14.0, 22.0])
    near_skin = color_check(lab_to_hex(skin), season=a_season("warm spring"), skin_lab=skin)
    other_skin = color_check(
        lab_to_hex(skin), season=a_season("warm spring"), skin_lab=SKINS["dark"]
    )

    assert near_skin["score"] < other_skin["score"]
    assert "almost your skin colour" in near_skin["why"]


def test_it_reads_short_hex_and_reports_the_full_form():
    result = color_check("#fff", season=a_season("cool winter"), skin_lab=SKINS["medium"])

    assert result["hex"] == "#ffffff"
    assert 0 <= result["score"] <= 100 and isinstance(result["score"], int)
    assert result["verdict"] in ("great", "good", "fair", "poor")


@pytest.mark.parametrize("bad", ["#12345", "blue", "", "#gggggg", "#1234567", None, 0xFFFFFF])
def test_it_refuses_a_bad_hex(bad):
    with pytest.raises(ValueError):
        color_check(bad, season=a_season("soft summer"), skin_lab=SKINS["medium"])
