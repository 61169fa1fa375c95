import re

import numpy as np
import pytest

from chromamatch import colour
from chromamatch.palette import (
    PALETTES_PATH,
    DataFileError,
    engine_palette,
    load_palettes,
    palettes,
    season_palette,
)
from chromamatch.season import SEASONS

HEX = re.compile(r"^#[0-9a-f]{6}$")


@pytest.mark.parametrize("label", SEASONS)
def test_every_season_has_named_valid_colours_with_their_reasons(label):
    palette = season_palette(label)

    assert palette["why"].strip()
    assert palette["metals"] and all(metal.strip() for metal in palette["metals"])
    assert len(palette["best"]) >= 16
    assert len(palette["neutrals"]) >= 6
    assert len(palette["avoid"]) >= 6
    for entry in palette["best"] + palette["neutrals"] + palette["avoid"]:
        assert HEX.match(entry["hex"]), entry
        assert entry["name"].strip(), entry
    assert all(entry["why"].strip() for entry in palette["avoid"])


@pytest.mark.parametrize("label", SEASONS)
def test_no_colour_is_both_a_best_colour_and_a_neutral(label):
    # Black and white were both among the winters' best colours and their neutrals: listed
    # twice on the page, and two of a deep winter's three best drapes.
    palette = season_palette(label)
    best = {entry["hex"].lower() for entry in palette["best"]}
    neutrals = {entry["hex"].lower() for entry in palette["neutrals"]}

    assert not best & neutrals


def _best_colours(label: str) -> np.ndarray:
    return np.array([colour.hex_to_lab(entry["hex"]) for entry in palettes()[label]["best"]])


def _mean_warmth(label: str) -> float:
    lab = _best_colours(label)
    return float(np.mean(lab[:, 2] / (np.hypot(lab[:, 1], lab[:, 2]) + 10)))


def _mean_lightness(label: str) -> float:
    return float(_best_colours(label)[:, 0].mean())


def _mean_chroma(label: str) -> float:
    lab = _best_colours(label)
    return float(np.hypot(lab[:, 1], lab[:, 2]).mean())


def test_every_warm_season_wears_warmer_colours_than_every_cool_season():
    warm = [label for label in SEASONS if label.split()[1] in ("spring", "autumn")]
    cool = [label for label in SEASONS if label.split()[1] in ("summer", "winter")]

    assert min(_mean_warmth(label) for label in warm) > max(_mean_warmth(label) for label in cool)
    assert _mean_warmth("warm spring") > _mean_warmth("bright spring")
    assert _mean_warmth("cool summer") < _mean_warmth("light summer")


def test_light_seasons_wear_lighter_colours_than_deep_seasons():
    light = [_mean_lightness("light spring"), _mean_lightness("light summer")]
    deep = [_mean_lightness("deep autumn"), _mean_lightness("deep winter")]

    assert min(light) > max(deep) + 20


def test_soft_seasons_wear_less_saturated_colours_than_bright_seasons():
    soft = [_mean_chroma("soft summer"), _mean_chroma("soft autumn")]
    bright = [_mean_chroma("bright spring"), _mean_chroma("bright winter")]

    assert max(soft) < min(bright) - 20


def test_it_gives_each_caller_its_own_copy():
    season_palette("soft summer")["best"].clear()

    assert len(season_palette("soft summer")["best"]) >= 16


def test_the_engine_palette_lists_hex_strings_and_metals():
    result = engine_palette("deep winter")

    assert set(result) == {"best", "neutrals", "avoid", "metals"}
    assert result["best"][0] == palettes()["deep winter"]["best"][0]["hex"]
    assert all(HEX.match(value) for key in ("best", "neutrals", "avoid") for value in result[key])


def test_an_unknown_season_is_a_key_error():
    with pytest.raises(KeyError):
        season_palette("mid-winter")


def _broken_copy(tmp_path, old: str, new: str):
    text = PALETTES_PATH.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "palettes.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('hex = "#ffcba4", name = "Peach"', 'hex = "#ffcbz4", name = "Peach"', "not like #a1b2c3"),
        ('hex = "#ffcba4", name = "Peach"', 'hex = "#ffcba4", name = " "', "needs a name"),
        ('[seasons."soft summer"]', '[seasons."soft sumer"]', "missing ['soft summer']"),
        ('why = "far darker than light colouring;', 'why = " ", note = "', "needs a why"),
        ('{ hex = "#fbceb1", name = "Apricot" },', "", "best needs at least 16"),
        ("metals = [", "metals = [] \nunused = [", "metals must be"),
    ],
)
def test_it_refuses_a_malformed_palette_file_saying_what_is_wrong(tmp_path, old, new, message):
    with pytest.raises(DataFileError, match=re.escape(message)):
        load_palettes(_broken_copy(tmp_path, old, new))


def test_it_refuses_a_file_that_is_not_toml(tmp_path):
    path = tmp_path / "palettes.toml"
    path.write_text("[seasons\n", encoding="utf-8")

    with pytest.raises(DataFileError, match="cannot be read"):
        load_palettes(path)
