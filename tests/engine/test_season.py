import itertools

import numpy as np
import pytest

from chromamatch import season as season_module
from chromamatch.season import SEASONS, Colouring, classify_season

GOLDEN_BLONDE = (62.0, 6.0, 20.0)
ASH_BLONDE = (58.0, 2.0, 6.0)
ASH_BROWN = (40.0, 3.0, 5.0)
AUBURN = (32.0, 12.0, 16.0)
BLACK = (10.0, 1.0, 0.0)
LIGHT_BLUE_EYES = (42.0, -1.0, -7.0)
GREY_GREEN_EYES = (32.0, 0.0, 2.0)
WARM_BROWN_EYES = (26.0, 6.0, 10.0)
DARK_EYES = (14.0, 2.0, 1.0)


def person(
    skin_lightness: float,
    hue_deviation: float,
    chroma_deviation: float,
    hair: tuple | None,
    eyes: tuple | None,
    undertone: str = "neutral",
) -> Colouring:
    return Colouring(
        skin_lab=np.array([skin_lightness, 10.0, 14.0]),
        undertone=undertone,
        hue_deviation=hue_deviation,
        chroma_deviation=chroma_deviation,
        eye_lab=None if eyes is None else np.array(eyes, dtype=float),
        hair_lab=None if hair is None else np.array(hair, dtype=float),
    )


def test_it_calls_a_light_warm_golden_person_a_light_spring():
    result = classify_season(person(72, 1.8, 0.3, GOLDEN_BLONDE, LIGHT_BLUE_EYES, "warm"))

    assert result.label == "light spring"
    assert result.family == "spring"
    assert result.axes["value"] > 0.5 and result.axes["temperature"] > 0.2


def test_it_calls_a_deep_cool_high_contrast_person_a_winter():
    result = classify_season(person(42, -1.0, 0.2, BLACK, DARK_EYES, "cool"))

    assert result.family == "winter"
    assert result.label == "deep winter"
    assert result.axes["value"] < -0.5 and result.axes["contrast"] > 0.5


def test_it_calls_a_pale_person_with_black_hair_and_clear_blue_eyes_a_bright_winter():
    result = classify_season(person(68, -0.5, 0.8, BLACK, (30.0, -1.0, -9.0), "cool"))

    assert result.label == "bright winter"


def test_it_calls_a_strongly_cool_person_with_dark_ash_hair_a_cool_winter():
    result = classify_season(person(60, -1.8, -0.3, (22.0, 1.0, 1.0), (30.0, 0.0, -4.0), "cool"))

    assert result.label == "cool winter"


def test_it_calls_a_muted_neutral_cool_medium_person_a_soft_summer():
    result = classify_season(person(62, 0.0, -1.8, ASH_BROWN, GREY_GREEN_EYES))

    assert result.label == "soft summer"
    assert result.axes["chroma"] < -0.5


def test_it_calls_a_light_cool_ash_blonde_a_light_summer():
    result = classify_season(person(70, -0.8, -0.6, ASH_BLONDE, LIGHT_BLUE_EYES, "cool"))

    assert result.label == "light summer"


def test_it_calls_a_deep_warm_person_a_deep_autumn():
    result = classify_season(person(40, 1.8, -0.5, (18.0, 4.0, 8.0), (17.0, 5.0, 6.0), "warm"))

    assert result.label == "deep autumn"


def test_it_calls_a_warm_muted_person_with_auburn_hair_an_autumn():
    result = classify_season(person(58, 2.0, -1.5, AUBURN, WARM_BROWN_EYES, "warm"))

    assert result.family == "autumn"
    assert result.axes["temperature"] > 0.5


def _grid() -> list[Colouring]:
    hairs = [BLACK, ASH_BROWN, AUBURN, GOLDEN_BLONDE, ASH_BLONDE, None]
    eyes = [DARK_EYES, WARM_BROWN_EYES, GREY_GREEN_EYES, LIGHT_BLUE_EYES]
    return [
        person(lightness, hue, chroma, hair, eye)
        for lightness, hue, chroma, hair, eye in itertools.product(
            [35, 50, 63, 72], [-1.5, 0.5, 2.5], [-2.0, -0.5, 1.5], hairs, eyes
        )
    ]


def test_it_reaches_all_twelve_seasons_over_varied_people():
    labels = {classify_season(colouring).label for colouring in _grid()}

    assert labels == set(SEASONS)


def test_it_rarely_changes_a_confident_label_under_small_measurement_noise():
    rng = np.random.default_rng(7)
    confident = [c for c in _grid() if classify_season(c).confidence >= 0.9]
    flips = trials = 0
    for colouring in confident[::3]:
        label = classify_season(colouring).label
        for _ in range(10):
            noisy = Colouring(
                skin_lab=colouring.skin_lab + rng.normal(0, [1.0, 0.5, 0.5]),
                undertone=colouring.undertone,
                hue_deviation=colouring.hue_deviation + rng.normal(0, 0.15),
                chroma_deviation=colouring.chroma_deviation + rng.normal(0, 0.15),
                eye_lab=colouring.eye_lab + rng.normal(0, [1.5, 0.5, 0.5]),
                hair_lab=None
                if colouring.hair_lab is None
                else colouring.hair_lab + rng.normal(0, [1.5, 0.5, 0.5]),
            )
            flips += classify_season(noisy).label != label
            trials += 1

    assert len(confident) > 30
    assert flips / trials < 0.03


def test_its_confidence_is_a_half_on_a_tie_and_grows_with_the_margin():
    centre = person(
        season_module.SKIN_LIGHTNESS[0],
        season_module.SKIN_HUE_DEVIATION[0],
        season_module.SKIN_CHROMA_DEVIATION[0],
        None,
        None,
    )
    slightly_light = person(66, 1.5, -0.5, None, None)
    clearly_light = person(76, 1.5, -0.5, None, None)

    assert classify_season(centre).confidence == pytest.approx(0.5, abs=0.01)
    assert classify_season(slightly_light).confidence < classify_season(clearly_light).confidence


def test_its_axes_are_bounded_and_move_smoothly_with_a_measurement():
    values = [
        classify_season(person(lightness, 0.5, -0.5, ASH_BROWN, GREY_GREEN_EYES)).axes["value"]
        for lightness in np.linspace(20, 85, 66)
    ]

    assert all(-1 < v < 1 for v in values)
    assert values == sorted(values)
    assert max(np.diff(values)) < 0.1  # per unit of L*: no jumps


def test_it_decides_without_hair_or_eyes_and_says_only_what_it_measured():
    result = classify_season(person(74, 1.5, 0.5, None, None, "warm"))

    assert result.label in SEASONS
    assert "hair" not in result.why and "eyes" not in result.why


def test_its_why_names_the_deciding_measurements_with_their_values():
    result = classify_season(person(42, -1.0, 0.2, BLACK, DARK_EYES, "cool"))

    assert result.why.startswith("Deep winter")
    assert "skin L* 42" in result.why and "hair L* 10" in result.why
    assert "value -" in result.why and "cool undertone" in result.why


def test_it_reports_the_contract_fields():
    result = classify_season(person(72, 1.8, 0.3, GOLDEN_BLONDE, LIGHT_BLUE_EYES)).as_dict()

    assert set(result) == {"label", "family", "confidence", "why"}
    assert result["family"] == result["label"].split()[1]
    assert 0.5 <= result["confidence"] <= 1.0
