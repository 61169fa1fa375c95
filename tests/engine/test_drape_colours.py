"""The drape's colours, chosen by season or taken from a stored result's own palette."""

import pytest

from chromamatch.analysis import drape_colours, result_drape_colours
from chromamatch.palette import engine_palette
from chromamatch.season import SEASONS


@pytest.mark.parametrize("label", SEASONS)
def test_a_stored_result_gives_the_colours_its_season_gives(label):
    stored = {"season": {"label": label}, "palette": engine_palette(label)}

    assert _shown(result_drape_colours(stored)) == _shown(drape_colours(label))


def test_a_colour_the_data_in_use_no_longer_holds_is_kept_and_named_by_its_hex():
    label = SEASONS[0]
    palette = engine_palette(label)
    palette["best"][0] = "#123456"
    stored = {"season": {"label": label}, "palette": palette}

    best, worst = result_drape_colours(stored)

    season_best, season_worst = drape_colours(label)
    assert best[0] == {"hex": "#123456", "name": "#123456"}
    assert _shown((best[1:], worst)) == _shown((season_best[1:], season_worst))


def test_a_season_the_data_in_use_does_not_hold_keeps_its_stored_colours():
    palette = engine_palette(SEASONS[0])
    stored = {"season": {"label": "Retired Season"}, "palette": palette}

    best, worst = result_drape_colours(stored)

    assert [c["hex"] for c in best] == palette["best"][:3]
    assert [c["hex"] for c in worst] == palette["avoid"][:3]
    assert all(c["name"] == c["hex"] for c in best + worst)


def _shown(colours: tuple[list[dict], list[dict]]) -> list[list[tuple[str, str]]]:
    """What the picture shows of each colour: its hex and its name."""
    return [[(c["hex"], c["name"]) for c in row] for row in colours]
