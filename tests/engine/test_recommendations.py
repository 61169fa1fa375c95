import itertools
import re

import numpy as np
import pytest

from chromamatch import tone
from chromamatch.palette import DataFileError, season_palette
from chromamatch.recommendations import (
    ADVICE_PATH,
    CATEGORIES,
    EYE_LABELS,
    FACE_SHAPES,
    HAIR_LABELS,
    UNDERTONES,
    load_advice,
    recommendations,
)
from chromamatch.season import SEASONS, Season

LIGHT_SKIN = np.array([80.0, 6.0, 10.0])  # ITA 72, Monk level 3
DARK_SKIN = np.array([30.0, 9.0, 11.0])  # ITA -61, Monk level 8


def a_season(label: str, **axes: float) -> Season:
    values = {"temperature": 0.4, "value": 0.3, "chroma": 0.2, "contrast": 0.1, "clarity": 0.2}
    values.update(axes)
    return Season(label, label.split()[1], 0.8, f"{label.capitalize()}: measured.", values, "")


def advise(label="light spring", skin=LIGHT_SKIN, undertone="warm", **kwargs) -> list[dict]:
    labels = {"face_shape": "oval", "eye_label": "blue", "hair_label": "blonde", **kwargs}
    return advise_season(a_season(label), skin, undertone, **labels)


def advise_season(season: Season, skin=LIGHT_SKIN, undertone="neutral", **labels) -> list[dict]:
    """Advice for ``season`` with only the face shape, eyes and hair ``labels`` name measured."""
    measured = {"face_shape": None, "eye_label": None, "hair_label": None, **labels}
    return recommendations(
        season=season, skin=tone.skin_tone(skin), undertone=undertone, **measured
    )


def test_every_item_has_a_category_a_text_and_a_reason_for_every_combination():
    combinations = itertools.product(
        SEASONS, FACE_SHAPES + (None,), EYE_LABELS + (None,), HAIR_LABELS + (None,)
    )
    for index, (label, shape, eye, hair) in enumerate(combinations):
        undertone = UNDERTONES[index % len(UNDERTONES)]
        items = advise(label, undertone=undertone, face_shape=shape, eye_label=eye, hair_label=hair)
        for item in items:
            assert set(item) == {"category", "text", "why"}
            assert item["category"] in CATEGORIES
            assert item["text"].strip() and item["why"].strip(), item


def test_it_covers_every_category_when_everything_was_measured():
    assert {item["category"] for item in advise()} == set(CATEGORIES)


def the_item(items: list[dict], *, text: str = "", why: str = "") -> dict:
    """The one item whose text and reason start so."""
    (item,) = [i for i in items if i["text"].startswith(text) and i["why"].startswith(why)]
    return item


def _foundation(items: list[dict]) -> dict:
    return the_item(items, text="Foundation")


def test_foundation_depth_follows_the_measured_skin_and_says_so():
    light = _foundation(advise(skin=LIGHT_SKIN))
    dark = _foundation(advise(skin=DARK_SKIN))

    assert "a light shade (Monk level 3)" in light["text"]
    assert "a deep shade (Monk level 8)" in dark["text"]
    assert "L* 80" in light["why"] and "Monk level 3" in light["why"]
    assert "L* 30" in dark["why"]


@pytest.mark.parametrize(
    ("undertone", "base"),
    [("warm", "golden"), ("cool", "pink"), ("neutral", "neutral beige"), ("olive", "olive")],
)
def test_foundation_base_follows_the_measured_undertone(undertone, base):
    item = _foundation(advise(undertone=undertone))

    assert base in item["text"]
    assert f"undertone measured {undertone}" in item["why"]


def _blush(items: list[dict]) -> dict:
    return the_item(items, text="Blush")


def test_blush_follows_the_cheeks_undertone_even_against_the_seasons_temperature():
    # A deep winter (cool family) whose cheeks read warm: the flush is the cheeks'.
    warm_cheeks = _blush(advise("deep winter", skin=DARK_SKIN, undertone="warm"))
    cool_cheeks = _blush(advise("deep winter", skin=DARK_SKIN, undertone="cool"))

    assert warm_cheeks["text"] == "Blush: terracotta, warm bronze and deep coral."
    assert "undertone measured warm" in warm_cheeks["why"]
    assert "golden red" in warm_cheeks["why"]
    assert cool_cheeks["text"] == "Blush: berry, plum and deep raspberry."


@pytest.mark.parametrize("label", ["bright spring", "bright winter", "deep winter"])
def test_a_neutral_cheeks_blush_is_no_colour_the_season_avoids(label):
    # Neutral is a hue near the usual for the skin's lightness, not a low chroma: the blush had
    # been "dusty rose", on both bright seasons' avoid lists, as if neutral meant muted.
    avoided = [entry["name"].lower() for entry in season_palette(label)["avoid"]]
    for skin in (LIGHT_SKIN, np.array([55.0, 11.0, 16.0]), DARK_SKIN):
        blush = _blush(advise_season(a_season(label), skin, "neutral"))
        assert not [name for name in avoided if name in blush["text"].lower()], blush["text"]
        assert "muted" not in blush["why"]


def test_blush_strength_follows_the_skins_depth():
    light = _blush(advise(skin=LIGHT_SKIN, undertone="cool"))
    dark = _blush(advise(skin=DARK_SKIN, undertone="cool"))

    assert light["text"] == "Blush: soft pink and pale rose."
    assert "Monk level 3, on light skin a soft, sheer shade" in light["why"]
    assert "Monk level 8, on deep skin a rich, saturated pigment" in dark["why"]


@pytest.mark.parametrize("label", SEASONS)
def test_eye_make_up_is_the_seasons_temperature_and_never_a_colour_it_avoids(label):
    # Blue eyes were given "copper, bronze, peach" whatever the season: a deep winter, who is
    # told to avoid peach, read it under their palette.
    avoided = [entry["name"].lower() for entry in season_palette(label)["avoid"]]
    temperature = "warm" if label.split()[1] in ("spring", "autumn") else "cool"
    for eye in EYE_LABELS:
        item = the_item(advise(label, eye_label=eye), why="Your eyes measured")
        assert item["category"] == "makeup"
        assert f"{label}, is a {temperature} one" in item["why"]
        named = [name for name in avoided if re.search(rf"\b{name}\b", item["text"].lower())]
        assert not named, (eye, item["text"])


@pytest.mark.parametrize("label", SEASONS)
def test_the_colours_a_seasons_clothing_advice_names_are_in_its_palette(label):
    palette = season_palette(label)
    own = {entry["name"].lower() for entry in palette["best"] + palette["neutrals"]}
    text = advise(label)[0]["text"]
    # "Wear ...: a, b, c; d and e as neutrals" (light spring adds "instead of black").
    listed_part = text.split(":", 1)[1].split(" instead of ")[0]
    named = re.split(r",|;| and | with |\.", listed_part.replace(" as neutrals", ""))
    assert {name.strip() for name in named if name.strip()} <= own, text


def test_clothing_names_the_season_and_what_decided_it_without_repeating_its_reason():
    season = a_season("deep winter", temperature=-0.5, value=-0.9, clarity=0.2)
    items = advise_season(season, DARK_SKIN, "cool")

    clothing = items[0]
    assert clothing["category"] == "clothing"
    assert clothing["why"].startswith(
        "Your season measured deep winter: your colouring is above all deep and cool. Deep and"
    )
    assert season.why not in clothing["why"]


def test_lips_and_hair_colour_follow_the_season_without_claiming_its_temperature():
    # A summer decided by clarity and value while temperature leans warm: the advice is the
    # summer's, and its reason must not call a warm +0.48 the reason for cool shades.
    season = a_season("soft summer", temperature=0.48, value=0.85, clarity=-0.87)
    items = advise_season(season, LIGHT_SKIN, "neutral", hair_label="blonde")

    lips = the_item(items, text="Lips")
    hair = the_item(items, text="Hair colour")
    for item in (lips, hair):
        assert "soft summer (your colouring is above all soft and muted and light)" in item["why"]
        assert "+0.48" not in item["why"]


@pytest.mark.parametrize("label", SEASONS)
def test_hair_colour_takes_its_tone_from_the_season_and_its_depth_from_the_hair(label):
    # A bright spring with black hair read "rich golden brown or clear chestnut ... Keep the
    # depth: ... rather than lightening": the season named a lighter colour, the hair said not
    # to lighten. The season now gives tones, the measured hair how far to go.
    for hair in HAIR_LABELS:
        item = the_item(advise(label, hair_label=hair), text="Hair colour:")
        tones, depth = item["text"].removeprefix("Hair colour: ").split(". ", 1)
        assert "tones" in tones, tones
        assert not re.search(r"blonde|light brown|dark brown|very dark|platinum", tones), tones
        assert f"Your hair measured {hair}" in item["why"]
    black = the_item(advise(label, hair_label="black"), text="Hair colour:")["text"]
    assert "Keep the depth: bring these tones in" in black


def test_hair_advice_claims_no_contrast_or_lightness_against_the_skin():
    # Dark skin with black hair measured low contrast, and was told beside it that "black hair
    # gives strong contrast with the skin"; blonde hair on dark skin was "close to the skin in
    # lightness". The hair's reason is now about the hair alone; contrast has its own item.
    for hair in HAIR_LABELS:
        items = advise_season(
            a_season("deep winter", contrast=-0.9), DARK_SKIN, "cool", hair_label=hair
        )
        why = the_item(items, text="Hair colour:")["why"]
        assert not re.search(r"contrast|close to the skin", why), why


def _frame_shapes(items: list[dict]) -> list[dict]:
    return [item for item in items if item["why"].startswith("Your face shape measured")]


def test_glasses_and_hairstyle_follow_the_face_shape_and_are_left_out_without_one():
    round_face = advise(face_shape="round")
    unknown = advise(face_shape=None)

    glasses = next(item for item in round_face if item["category"] == "glasses")
    assert "rectangular" in glasses["text"] and "round" in glasses["why"]
    # The reason is the shape's, not a claim that this face has a narrow chin or a strong jaw.
    for shape in ("oval", "round", "square", "heart", "oblong", "diamond"):
        article = "an" if shape[0] in "aeiou" else "a"
        for item in _frame_shapes(advise(face_shape=shape)):
            assert item["why"].startswith(
                f"Your face shape measured {shape}, and for {article} {shape} face "
            )
            assert item["why"].count(shape) == 2, item["why"]
    assert not _frame_shapes(unknown)
    assert len([item for item in unknown if item["category"] == "hair"]) == 1


@pytest.mark.parametrize("label", SEASONS)
def test_frame_colours_follow_the_season_with_or_without_a_face_shape(label):
    palette = season_palette(label)
    avoided = [entry["name"].lower() for entry in palette["avoid"]]
    for shape in ("oval", None):
        frames = the_item(advise(label, face_shape=shape), text="Frame colours:")
        assert frames["category"] == "glasses"
        assert f"follows your season, {label}" in frames["why"]
        assert frames["text"].endswith(
            f"in metal, {palette['metals'][0]} or {palette['metals'][1]}."
        )
        named = [name for name in avoided if re.search(rf"\b{name}\b", frames["text"].lower())]
        assert not named, frames["text"]


def test_jewellery_names_the_seasons_metals_and_the_measured_temperature():
    warm = advise_season(a_season("warm autumn", temperature=0.7), LIGHT_SKIN, "warm")
    cool = advise_season(a_season("cool winter", temperature=-0.7), LIGHT_SKIN, "cool")

    warm_item = next(item for item in warm if item["category"] == "jewellery")
    cool_item = next(item for item in cool if item["category"] == "jewellery")
    assert "gold" in warm_item["text"] and "yellow metals" in warm_item["why"]
    assert "silver" in cool_item["text"] and "white metals" in cool_item["why"]
    assert "+0.70" in warm_item["why"] and "-0.70" in cool_item["why"]


def test_jewellery_names_both_metals_short_of_a_clear_temperature():
    items = advise_season(a_season("light spring", temperature=0.25), LIGHT_SKIN, "neutral")

    jewellery = next(item for item in items if item["category"] == "jewellery")
    assert "does not lean clearly warm or cool carries both" in jewellery["why"]


def contrast_whys(contrast: float, *, hair: str | None, eyes: str | None) -> list[str]:
    items = advise_season(
        a_season("deep winter", contrast=contrast),
        DARK_SKIN,
        "cool",
        eye_label=eyes,
        hair_label=hair,
    )
    return [item["why"] for item in items if item["why"].startswith("Your contrast")]


def test_outfit_contrast_follows_the_measured_contrast():
    def contrast_text(contrast: float) -> str:
        (why,) = contrast_whys(contrast, hair="black", eyes="dark brown")
        return why

    assert "measured high" in contrast_text(0.8)
    assert "measured low" in contrast_text(-0.8)
    assert "measured medium" in contrast_text(0.0)
    assert contrast_text(0.0).startswith("Your contrast between hair, eyes and skin")


def test_outfit_contrast_names_only_what_was_seen():
    assert contrast_whys(0.8, hair=None, eyes="dark brown")[0].startswith(
        "Your contrast between eyes and skin measured high"
    )
    assert contrast_whys(0.8, hair="black", eyes=None)[0].startswith(
        "Your contrast between hair and skin"
    )
    # Neither hair nor eyes seen: no contrast to dress to, so no such advice.
    assert contrast_whys(0.8, hair=None, eyes=None) == []


def test_outfit_contrast_examples_are_the_seasons_own_colours_never_ones_it_avoids():
    # A warm autumn with dark hair was told "black with an icy or bright shade": black and icy
    # white are both on a warm autumn's list of colours to avoid.
    palette = season_palette("warm autumn")
    avoided = {entry["name"] for entry in palette["avoid"]}
    own = {entry["name"] for entry in palette["best"] + palette["neutrals"]}
    for contrast in (0.8, 0.0, -0.8):
        items = advise_season(
            a_season("warm autumn", contrast=contrast), eye_label="brown", hair_label="black"
        )
        text = the_item(items, why="Your contrast")["text"]
        # Palette names are capitalised, the advice's own words are not.
        assert not [name for name in avoided if re.search(rf"\b{name}\b", text)], text
        assert len([name for name in own if re.search(rf"\b{name}\b", text)]) >= 4, text


def test_it_refuses_an_advice_file_whose_contrast_advice_names_fixed_colours(tmp_path):
    text = ADVICE_PATH.read_text(encoding="utf-8")
    path = tmp_path / "advice.toml"
    path.write_text(text.replace("from your palette: {pairs}.", "(navy with white).", 1))

    with pytest.raises(DataFileError, match=re.escape("contrast.high.clothing has no {pairs}")):
        load_advice(path)


def test_it_refuses_a_malformed_advice_file_saying_what_is_wrong(tmp_path):
    text = ADVICE_PATH.read_text(encoding="utf-8")
    broken = text.replace('{ name = "light", mst = [3] },', "", 1)
    path = tmp_path / "advice.toml"
    path.write_text(broken, encoding="utf-8")

    with pytest.raises(DataFileError, match=re.escape("cover each Monk level 1-10")):
        load_advice(path)


def test_it_refuses_an_advice_file_missing_a_reason(tmp_path):
    text = ADVICE_PATH.read_text(encoding="utf-8")
    start = text.index("[face_shapes.round]")
    line = text.index("glasses_why", start)
    end = text.index("\n", line)
    path = tmp_path / "advice.toml"
    path.write_text(text[:line] + text[end + 1 :], encoding="utf-8")

    with pytest.raises(DataFileError, match=re.escape("face_shapes.'round'.glasses_why")):
        load_advice(path)


def test_it_refuses_an_advice_file_missing_a_blush_for_a_depth(tmp_path):
    text = ADVICE_PATH.read_text(encoding="utf-8")
    path = tmp_path / "advice.toml"
    path.write_text(text.replace('medium = "rose and soft mauve-pink", ', "", 1), encoding="utf-8")

    with pytest.raises(DataFileError, match=re.escape("undertones.'neutral'.blush.medium")):
        load_advice(path)
