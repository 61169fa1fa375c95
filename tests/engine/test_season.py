import itertools
import re
from dataclasses import replace

import numpy as np
import pytest

from chromamatch import season as season_module
from chromamatch import tone
from chromamatch.season import SEASONS, Colouring, Season, classify_season

GOLDEN_BLONDE = (45.0, 5.0, 16.0)
ASH_BLONDE = (45.0, 2.0, 5.0)
GOLDEN_BROWN = (28.0, 6.0, 13.0)
ASH_BROWN = (24.0, 1.5, 2.0)
AUBURN = (22.0, 10.0, 14.0)
WARM_DARK_BROWN = (12.0, 4.0, 6.0)
DARK_BROWN = (10.0, 2.0, 2.5)
DARK_ASH = (14.0, 1.0, 0.0)
BLACK = (8.0, 1.0, -1.0)
LIGHT_BLUE_EYES = (42.0, -1.0, -7.0)
CLEAR_BLUE_EYES = (32.0, -1.0, -9.0)
GREY_BLUE_EYES = (34.0, -1.0, -4.0)
GREY_GREEN_EYES = (32.0, 0.0, 1.0)
BRIGHT_GREEN_EYES = (30.0, -5.0, 9.0)
HAZEL_EYES = (33.0, 2.0, 8.0)
AMBER_EYES = (34.0, 4.0, 13.0)
WARM_BROWN_EYES = (24.0, 6.0, 10.0)
DARK_EYES = (15.0, 2.0, 1.0)


def skin(lightness: float, hue_deviation: float, chroma_deviation: float) -> np.ndarray:
    """A skin CIELAB whose tone.undertone deviations are the ones given."""
    hue = tone._HUE_FIT[0] + tone._HUE_FIT[1] * lightness + hue_deviation * tone._HUE_FIT[2]
    chroma = (
        tone._CHROMA_FIT[0]
        + tone._CHROMA_FIT[1] * lightness
        + chroma_deviation * tone._CHROMA_FIT[2]
    )
    angle = np.radians(hue)
    return np.array([lightness, chroma * np.cos(angle), chroma * np.sin(angle)])


def person(
    skin_lightness: float,
    hue_deviation: float,
    chroma_deviation: float,
    hair: tuple | None,
    eyes: tuple | None,
    *,
    coverage: float = 0.4,
) -> Colouring:
    """Cheeks, forehead and nose of one colour, as on a neutral photo."""
    lab = skin(skin_lightness, hue_deviation, chroma_deviation)
    undertone = tone.undertone(lab)
    return Colouring(
        skin_lab=lab,
        undertone=undertone.label,
        hue_deviation=undertone.hue_deviation,
        chroma_deviation=undertone.chroma_deviation,
        eye_lab=None if eyes is None else np.array(eyes, dtype=float),
        hair_lab=None if hair is None else np.array(hair, dtype=float),
        steady_skin_lab=lab,
        hair_coverage=coverage if hair is not None else 0.0,
    )


# One textbook person per season, described as colour analysts describe them.
TEXTBOOK = {
    # light, warm and delicate: fair golden skin, golden blonde hair, light warm eyes
    "light spring": person(76, 1.2, 0.3, GOLDEN_BLONDE, HAZEL_EYES),
    # above all golden: warm skin, golden hair and amber eyes
    "warm spring": person(66, 2.5, 0.6, GOLDEN_BROWN, AMBER_EYES),
    # warm, vivid and high contrast: saturated warm skin, dark hair, bright green eyes
    "bright spring": person(64, 1.0, 2.2, DARK_BROWN, BRIGHT_GREEN_EYES),
    # light, cool and soft: fair rosy skin, ash blonde hair, light blue eyes
    "light summer": person(74, -0.8, -0.6, ASH_BLONDE, LIGHT_BLUE_EYES),
    # above all cool: rosy skin, ash brown hair, grey-blue eyes
    "cool summer": person(64, -2.2, -0.6, ASH_BROWN, GREY_BLUE_EYES),
    # muted and blended: dull skin, ash brown hair, grey-green eyes
    "soft summer": person(62, -0.3, -2.2, ASH_BROWN, GREY_GREEN_EYES),
    # muted and warm: dull golden skin, golden brown hair, hazel eyes
    "soft autumn": person(60, 0.8, -2.2, GOLDEN_BROWN, HAZEL_EYES),
    # above all warm, rich rather than bright: golden muted skin, auburn hair, warm brown eyes
    "warm autumn": person(56, 2.5, -1.2, AUBURN, WARM_BROWN_EYES),
    # deep and warm: deep golden skin, warm dark brown hair and eyes
    "deep autumn": person(40, 1.2, -0.5, WARM_DARK_BROWN, WARM_BROWN_EYES),
    # deep and cool: deep rosy skin, black hair, dark eyes
    "deep winter": person(40, -1.0, 0.3, BLACK, DARK_EYES),
    # above all cool: strongly rosy skin, dark ash hair, grey-blue eyes
    "cool winter": person(60, -2.5, 0.3, DARK_ASH, GREY_BLUE_EYES),
    # vivid, cool and high contrast: fair saturated skin, black hair, clear blue eyes
    "bright winter": person(68, -0.5, 1.5, BLACK, CLEAR_BLUE_EYES),
}


@pytest.mark.parametrize("label", SEASONS)
def test_it_gives_each_textbook_colouring_its_season(label):
    result = classify_season(TEXTBOOK[label])

    assert result.label == label
    assert result.family == label.split()[1]
    assert result.confidence > 0.6


def test_its_axes_say_what_a_deep_cool_high_contrast_person_is():
    result = classify_season(TEXTBOOK["deep winter"])

    assert result.axes["value"] < -0.5
    assert result.axes["temperature"] < 0
    assert result.axes["contrast"] > 0.3


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


def test_it_rarely_changes_a_confident_label_under_photo_to_photo_noise():
    # Noise of the size measured between a person's neutral and smiling photos of the London
    # set (bench/season_stability.py): per photo about 1.5 L* on skin, 0.25 SD on the steady
    # skin's hue, 0.2 on its chroma, 2 L* and 0.8 a*, b* on irises, 1 L* on hair.
    rng = np.random.default_rng(7)
    confident = [c for c in _grid() if classify_season(c).confidence >= 0.9]
    flips = trials = 0
    for colouring in confident[::3]:
        label = classify_season(colouring).label
        for _ in range(10):
            noisy_skin = skin(
                colouring.skin_lab[0] + rng.normal(0, 1.5),
                colouring.hue_deviation + rng.normal(0, 0.25),
                colouring.chroma_deviation + rng.normal(0, 0.2),
            )
            noisy = replace(
                colouring,
                skin_lab=noisy_skin,
                steady_skin_lab=noisy_skin,
                eye_lab=colouring.eye_lab + rng.normal(0, [2.0, 0.8, 0.8]),
                hair_lab=None
                if colouring.hair_lab is None
                else colouring.hair_lab + rng.normal(0, [1.0, 0.4, 0.4]),
            )
            flips += classify_season(noisy).label != label
            trials += 1

    assert len(confident) > 30
    assert flips / trials < 0.05


def test_it_reads_skin_temperature_on_the_forehead_and_nose_not_on_flushed_cheeks():
    neutral = person(66, 0.3, 0.0, ASH_BROWN, HAZEL_EYES)
    # A smile lifts and flushes the cheeks: redder there, the forehead and nose unchanged.
    flushed = skin(neutral.skin_lab[0], neutral.hue_deviation - 1.5, neutral.chroma_deviation)
    undertone = tone.undertone(flushed)
    smiling = replace(
        neutral,
        skin_lab=flushed,
        undertone=undertone.label,
        hue_deviation=undertone.hue_deviation,
        chroma_deviation=undertone.chroma_deviation,
    )
    rosier_forehead = replace(neutral, steady_skin_lab=flushed)

    assert (
        classify_season(smiling).axes["temperature"] == classify_season(neutral).axes["temperature"]
    )
    assert classify_season(smiling).label == classify_season(neutral).label
    assert (
        classify_season(rosier_forehead).axes["temperature"]
        < classify_season(neutral).axes["temperature"] - 0.2
    )


def test_it_reads_the_cheeks_when_forehead_and_nose_are_hidden():
    warm = person(66, 2.0, 0.0, None, None)
    cool = person(66, -2.0, 0.0, None, None)

    hidden_warm = replace(warm, steady_skin_lab=None)
    hidden_cool = replace(cool, steady_skin_lab=None)

    assert classify_season(hidden_warm).axes["temperature"] > 0.5
    assert classify_season(hidden_cool).axes["temperature"] < -0.5
    assert "forehead" not in classify_season(hidden_warm).why


def test_hair_fades_in_with_its_coverage_so_its_coming_and_going_moves_no_axis_by_a_jump():
    base = person(70, -0.5, 0.5, None, LIGHT_BLUE_EYES)  # close-cropped: no hair on one photo
    low, high = season_module.HAIR_COVERAGE_RAMP
    coverages = np.linspace(low, high + 0.1, 41)
    contrast = [
        classify_season(replace(base, hair_lab=np.array(BLACK), hair_coverage=c)).axes["contrast"]
        for c in coverages
    ]
    without = classify_season(base).axes["contrast"]

    assert contrast[0] == pytest.approx(without)  # at the threshold hair counts for nothing
    assert max(abs(np.diff(contrast))) < 0.15  # and then smoothly
    assert contrast[-1] == pytest.approx(contrast[-5])  # fully from the second share on
    assert abs(contrast[-1] - without) > 0.3


def test_temperature_counts_less_than_value_and_clarity_in_the_decision():
    # As cool as deep: the steadier scale, value, leads.
    scores = season_module._scores({"temperature": -0.8, "value": -0.8, "clarity": 0.2})
    assert SEASONS[int(np.argmax(scores))] == "deep winter"
    # Clearly cooler than deep: temperature leads.
    scores = season_module._scores({"temperature": -0.95, "value": -0.5, "clarity": 0.2})
    assert SEASONS[int(np.argmax(scores))] == "cool winter"


@pytest.mark.parametrize(
    ("axes", "family_temperature"),
    [
        # Cool, deep and muted match no family's corner: the weakest axis used to give way, and
        # at 0.7 weight that was always temperature (such a face was a deep autumn).
        ({"temperature": -0.99, "value": -0.99, "clarity": -0.98}, "cool"),
        # Warm, deep and bright: a winter before.
        ({"temperature": 0.85, "value": -0.74, "clarity": 0.93}, "warm"),
        # Warm, light and muted: a soft summer before.
        ({"temperature": 0.61, "value": 0.79, "clarity": -0.88}, "warm"),
    ],
)
def test_a_clearly_warm_or_cool_person_keeps_their_temperature(axes, family_temperature):
    label = SEASONS[int(np.argmax(season_module._scores(axes)))]

    assert label.split()[1] in (
        ("spring", "autumn") if family_temperature == "warm" else ("summer", "winter")
    )


def test_near_neutral_temperature_still_gives_way_with_a_confidence_that_knows_the_threshold():
    # Slightly cool (inside CLEAR_TEMPERATURE) but deep and muted: value and clarity place them.
    near = {"temperature": -0.2, "value": -0.9, "clarity": -0.6}
    assert SEASONS[int(np.argmax(season_module._scores(near)))] == "deep autumn"
    # The label would change were the temperature clear, so the margin is no wider than the
    # temperature's distance from the threshold, however far ahead the winner scores.
    margin = season_module._margin(near, season_module._scores(near))
    assert margin == pytest.approx(
        season_module.DECISION_WEIGHTS["temperature"] * (season_module.CLEAR_TEMPERATURE - 0.2)
    )


def test_a_temperature_short_of_clear_is_named_as_slight():
    near = Season(
        "light summer", "summer", 0.6, "", {"temperature": -0.05, "value": 0.3, "clarity": 0.1}, ""
    )
    clear = Season(
        "light summer", "summer", 0.6, "", {"temperature": -0.5, "value": 0.6, "clarity": 0.1}, ""
    )

    assert near.in_words() == "above all light and slightly cool"
    assert clear.in_words() == "above all light and cool"


def test_its_confidence_is_a_half_on_a_tie_and_grows_with_the_margin():
    centre = replace(
        person(season_module.SKIN_LIGHTNESS[0], 0.0, 0.0, None, None),
        steady_skin_lab=skin(
            season_module.SKIN_LIGHTNESS[0],
            season_module.STEADY_HUE_DEVIATION[0],
            season_module.STEADY_CHROMA_DEVIATION[0],
        ),
    )
    slightly_light = person(75, 0.5, -0.5, None, None)
    clearly_light = person(84, 0.5, -0.5, None, None)

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
    result = classify_season(person(74, 1.5, 0.5, None, None))

    assert result.label in SEASONS
    assert "hair" not in result.why and "eyes" not in result.why


def test_it_does_not_name_hair_that_counted_for_nothing():
    barely = replace(TEXTBOOK["deep winter"], hair_coverage=season_module.HAIR_COVERAGE_RAMP[0])

    assert "hair" not in classify_season(barely).why


def test_its_why_names_the_deciding_measurements_with_their_values():
    result = classify_season(TEXTBOOK["deep winter"])

    assert result.why.startswith("Deep winter")
    assert "skin L* 40" in result.why and "hair L* 8" in result.why
    assert "value -" in result.why
    assert "forehead and nose skin hue" in result.why and "redder" in result.why
    assert "hair more ash than usual for its lightness (a* 1, b* -1)" in result.why
    assert f"next closest season is {result.runner_up}" in result.why


def test_its_why_marks_a_measurement_that_points_the_other_way():
    # A warm person (golden skin, amber eyes) with ash hair was told they are "warm
    # (temperature +0.60: ..., hair more ash than usual ...)", as if the ash hair made them so.
    result = classify_season(person(66, 2.5, 0.6, (24.0, 0.4, -0.3), AMBER_EYES))
    temperature = result.axes["temperature"]
    assert temperature > 0.3
    reason = result.why.split(f"temperature {temperature:+.2f}: ")[1].split(")")[0]

    agreeing, against = reason.split("; though ")
    assert "yellower" in agreeing and "eyes b* +13" in agreeing
    assert against.startswith("hair more ash than usual for its lightness (a* 0, b* 0")
    assert not re.search(r"-0(?![.\d])", result.why)  # no "b* -0"


def test_its_why_calls_a_skin_near_the_usual_usual():
    result = classify_season(person(66, 0.1, 0.0, GOLDEN_BROWN, AMBER_EYES))

    assert "forehead and nose skin hue about usual for its lightness" in result.why


def test_its_why_says_what_the_runner_up_would_have_put_first():
    # A very deep, cool, muted person is a deep winter whose next closest season can be a soft
    # summer: without a reason that reads as a contradiction.
    axes = {"temperature": -0.99, "value": -0.99, "clarity": -0.9}
    deep_and_cool = ("value", "temperature")
    sentence = season_module._runner_up_sentence

    assert sentence("soft summer", deep_and_cool, axes) == (
        "The next closest season is soft summer, for your soft and muted colouring (clarity -0.90)."
    )
    assert sentence("cool winter", deep_and_cool, axes) == (
        "The next closest season is cool winter, which would put cool first."
    )
    assert sentence("deep autumn", deep_and_cool, axes) == (
        "The next closest season is deep autumn, also deep above all."
    )
    slightly_cool = {"temperature": -0.2, "value": 0.6, "clarity": -0.7}
    assert sentence("cool summer", ("clarity", "temperature"), slightly_cool) == (
        "The next closest season is cool summer, which would put cool first."
    )
    assert sentence("cool summer", ("clarity", "value"), slightly_cool) == (
        "The next closest season is cool summer, for your slightly cool colouring "
        "(temperature -0.20)."
    )
    # Light summer leads with lightness, which this person does not have: no reason to give.
    assert sentence("light summer", deep_and_cool, axes) == (
        "The next closest season is light summer."
    )


def test_its_why_names_only_the_features_seen_in_the_contrast():
    soft_summer = TEXTBOOK["soft summer"]

    assert "contrast of hair and eyes with skin" in classify_season(soft_summer).why
    hairless = classify_season(replace(soft_summer, hair_lab=None)).why
    assert "contrast of eyes with skin" in hairless and "hair" not in hairless


def test_its_why_says_when_the_reported_undertone_reads_against_the_family():
    # The undertone a person sees is the cheeks' alone; a winter whose cheeks read warm is
    # told why the season is a cool one all the same.
    winter = TEXTBOOK["deep winter"]
    warm_cheeks = classify_season(replace(winter, undertone="warm"))
    cool_cheeks = classify_season(replace(winter, undertone="cool"))

    assert warm_cheeks.label == cool_cheeks.label == "deep winter"
    assert "Your cheeks read a warm undertone" in warm_cheeks.why
    assert "temperature" in warm_cheeks.why.split("Your cheeks")[1]
    assert "undertone" not in cool_cheeks.why
    assert "Your cheeks read" not in classify_season(TEXTBOOK["warm autumn"]).why
    assert (
        "Your cheeks read a cool undertone"
        in classify_season(replace(TEXTBOOK["warm autumn"], undertone="cool")).why
    )


def test_its_why_follows_the_deciding_axes():
    for label, colouring in TEXTBOOK.items():
        result = classify_season(colouring)
        lead = season_module.LEADING_AXIS[label]
        words = season_module._AXIS_WORDS[lead]
        word = words[0] if result.axes[lead] >= 0 else words[1]
        assert f"above all {word} ({lead} " in result.why


def test_it_reports_the_contract_fields():
    result = classify_season(TEXTBOOK["light spring"]).as_dict()

    assert set(result) == {"label", "family", "confidence", "why"}
    assert result["family"] == result["label"].split()[1]
    assert 0.5 <= result["confidence"] <= 1.0


@pytest.mark.parametrize("label", ["light spring", "deep winter", "soft summer"])
def test_an_exposure_warning_keeps_the_season_and_lowers_its_confidence(label):
    clean = classify_season(TEXTBOOK[label])
    spoiled = classify_season(replace(TEXTBOOK[label], exposure_spoiled=True))

    assert (spoiled.label, spoiled.runner_up, spoiled.axes) == (
        clean.label,
        clean.runner_up,
        clean.axes,
    )
    assert 0.5 < spoiled.confidence < clean.confidence
