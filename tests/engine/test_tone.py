import numpy as np
import pytest

from chromamatch import colour, tone


@pytest.mark.parametrize(
    ("ita", "category", "fitzpatrick"),
    [
        (70.0, "very_light", "I"),
        (55.1, "very_light", "I"),
        (55.0, "light", "II"),
        (41.5, "light", "II"),
        (30.0, "intermediate", "III"),
        (20.0, "tan", "IV"),
        (0.0, "brown", "V"),
        (-29.9, "brown", "V"),
        (-30.0, "dark", "VI"),
        (-80.0, "dark", "VI"),
    ],
)
def test_ita_categories_use_the_usual_cut_offs(ita, category, fitzpatrick):
    assert tone.ita_category(ita) == (category, fitzpatrick)


def test_each_monk_swatch_maps_to_its_own_level():
    for level, hex_colour in enumerate(tone.MST_SWATCHES, start=1):
        assert tone.skin_tone(colour.hex_to_lab(hex_colour)).mst == level


def test_monk_level_falls_as_ita_rises_and_spans_the_scale():
    levels = [tone.monk_level(ita) for ita in np.linspace(90, -90, 181)]

    assert levels == sorted(levels)
    assert set(levels) == set(range(1, 11))


def test_skin_tone_reports_the_contract_fields():
    result = tone.skin_tone(np.array([62.1, 11.3, 17.9])).as_dict()

    assert result["hex"] == colour.lab_to_hex([62.1, 11.3, 17.9])
    assert result["ita"] == pytest.approx(34.1, abs=0.1)
    assert result["ita_category"] == "intermediate"
    assert result["fitzpatrick"] == "III"
    assert 1 <= result["mst"] <= 10


def test_the_reported_ita_and_category_follow_from_the_reported_lab():
    # A client computing ITA from the reported Lab, as the contract defines it, gets the
    # reported ITA, and the category agrees with it.
    rng = np.random.default_rng(7)
    for lab in rng.uniform([20, 0, 5], [85, 20, 30], size=(500, 3)):
        reported = tone.skin_tone(lab).as_dict()
        lightness, _, b_star = reported["lab"]
        ita = float(colour.ita_degrees(lightness, b_star))
        assert reported["ita"] == round(ita, 1)
        assert reported["ita_category"] == tone.ita_category(ita)[0]
    # On the cut between tan and intermediate (ITA 28) from the unrounded side.
    near_cut = np.array([50 + 17.0 * np.tan(np.radians(27.97)), 10.0, 17.04])
    reported = tone.skin_tone(near_cut).as_dict()
    ita = float(colour.ita_degrees(reported["lab"][0], reported["lab"][2]))
    assert reported["ita_category"] == tone.ita_category(ita)[0]


def _at_hue(lightness: float, hue_deg: float, chroma: float) -> np.ndarray:
    return np.array(
        [lightness, chroma * np.cos(np.radians(hue_deg)), chroma * np.sin(np.radians(hue_deg))]
    )


@pytest.mark.parametrize("lightness", [35.0, 55.0, 72.0])
def test_undertone_is_judged_against_people_of_the_same_lightness(lightness):
    expected_hue = 57.887 - 0.175 * lightness
    expected_chroma = 20.44 - 0.051 * lightness

    assert tone.undertone(_at_hue(lightness, expected_hue, expected_chroma)).label == "neutral"
    assert tone.undertone(_at_hue(lightness, expected_hue + 10, expected_chroma)).label == "warm"
    assert tone.undertone(_at_hue(lightness, expected_hue - 10, expected_chroma)).label == "cool"
    assert (
        tone.undertone(_at_hue(lightness, expected_hue + 10, expected_chroma - 5)).label == "olive"
    )


def test_undertone_confidence_grows_away_from_a_boundary():
    near = tone.undertone(_at_hue(60, 47.4 + 4.0, 17.4))
    far = tone.undertone(_at_hue(60, 47.4 + 15.0, 17.4))

    assert near.label == far.label == "warm"
    assert 0.5 <= near.confidence < far.confidence <= 1.0


def test_an_exposure_warning_keeps_the_undertone_and_lowers_its_confidence():
    lab = _at_hue(60, 47.4 + 12.0, 17.4)
    clean = tone.undertone(lab)
    spoiled = tone.undertone(lab, exposure_spoiled=True)

    assert spoiled.label == clean.label == "warm"
    assert (spoiled.hue_deviation, spoiled.chroma_deviation) == (
        clean.hue_deviation,
        clean.chroma_deviation,
    )
    assert 0.5 < spoiled.confidence < clean.confidence - 0.1
