import pytest

from chromamatch.colour import ciede2000, hex_to_lab
from chromamatch.colour_pairs import TONAL_MIN_DIFFERENCE, contrast_pairs
from chromamatch.palette import palettes
from chromamatch.season import SEASONS

LEVELS = ("high", "medium", "low")


def lightness_steps(palette: dict, level: str) -> list[float]:
    lab = {entry["name"]: hex_to_lab(entry["hex"]) for entry in palette["best"]}
    lab.update({entry["name"]: hex_to_lab(entry["hex"]) for entry in palette["neutrals"]})
    return [lab[light][0] - lab[dark][0] for dark, light in contrast_pairs(palette, level)]


@pytest.mark.parametrize("season", SEASONS)
@pytest.mark.parametrize("level", LEVELS)
def test_pairs_are_two_of_the_seasons_own_colours_each_with_a_neutral(season, level):
    palette = palettes()[season]
    neutrals = {entry["name"] for entry in palette["neutrals"]}
    own = neutrals | {entry["name"] for entry in palette["best"]}
    pairs = contrast_pairs(palette, level)

    assert len(pairs) == 2
    names = [name for pair in pairs for name in pair]
    assert len(set(names)) == 4, pairs
    assert set(names) <= own
    assert all(set(pair) & neutrals for pair in pairs), pairs
    # Darker colour first, as the advice reads "dark with light".
    assert all(step >= 0 for step in lightness_steps(palette, level))


@pytest.mark.parametrize("season", SEASONS)
def test_the_levels_are_ordered_by_lightness_difference(season):
    palette = palettes()[season]
    high, medium, low = (lightness_steps(palette, level) for level in LEVELS)

    assert max(high) > 40
    assert all(15 <= step <= 35 for step in medium), medium
    assert all(step <= 10 for step in low), low
    assert min(high) > max(low)


@pytest.mark.parametrize("season", SEASONS)
def test_tonal_pairs_are_two_colours_not_two_shades_of_one(season):
    palette = palettes()[season]
    lab = {
        entry["name"]: hex_to_lab(entry["hex"]) for entry in palette["best"] + palette["neutrals"]
    }
    for dark, light in contrast_pairs(palette, "low"):
        assert float(ciede2000(lab[dark], lab[light])) >= TONAL_MIN_DIFFERENCE


def test_a_colour_listed_as_neutral_and_best_colour_is_not_paired_with_itself():
    # Black and white are both neutrals and best colours of a deep winter: the strongest
    # contrast is black with white, not black with black.
    assert contrast_pairs(palettes()["deep winter"], "high")[0] == ("Black", "White")
    assert ("Black", "Black") not in contrast_pairs(palettes()["deep winter"], "low")


def test_an_unknown_level_is_refused():
    with pytest.raises(ValueError, match="unknown contrast level 'extreme'"):
        contrast_pairs(palettes()["deep winter"], "extreme")
