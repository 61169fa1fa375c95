"""Advice on clothing, make-up, glasses, hair and jewellery, chosen by what was measured.

The texts live in ``chromamatch/data/advice.toml`` with the reason each is given; this module
picks them by the measurements (season and its axes, skin depth and undertone, face shape, eye
and hair colour) and adds the measurement that selected each one to its reason.
"""

from pathlib import Path

from chromamatch import engine_data
from chromamatch.colour_pairs import contrast_pairs
from chromamatch.palette import DataFileError, palettes, read_toml, require_keys
from chromamatch.season import CLEAR_TEMPERATURE, FAMILY_CORNERS, SEASONS, Season
from chromamatch.tone import SkinTone
from chromamatch.wording import listed, with_article

ADVICE_PATH = engine_data.DATA_DIR / engine_data.ADVICE_FILE
FACE_SHAPES = ("oval", "round", "square", "heart", "oblong", "diamond")
EYE_LABELS = ("dark brown", "brown", "amber", "hazel", "green", "blue", "grey")
HAIR_LABELS = ("black", "dark brown", "brown", "light brown", "blonde", "red", "grey/white")
UNDERTONES = ("warm", "cool", "neutral", "olive")
CATEGORIES = ("clothing", "makeup", "glasses", "hair", "jewellery")

# Contrast axis (season.axes["contrast"], about -1..+1) beyond which outfits should be high or
# low contrast; between them, medium. A third of the axis range each way puts roughly a
# quarter of people in each extreme group.
CONTRAST_CUT = 0.35
CONTRAST_LEVELS = ("high", "medium", "low")


def recommendations(
    *,
    season: Season,
    skin: SkinTone,
    undertone: str,
    face_shape: str | None,
    eye_label: str | None,
    hair_label: str | None,
) -> list[dict]:
    """``[{"category", "text", "why"}, ...]``; items whose measurement is missing are left out."""
    data = advice()
    seasonal = data["seasons"][season.label]
    items = [
        _item(
            "clothing",
            seasonal["clothing"],
            # The season's own reason is shown beside the advice; this names what decided it.
            f"Your season measured {season.label}: your colouring is {season.in_words()}. "
            f"{palettes()[season.label]['why']}",
        ),
    ]
    if hair_label or eye_label:
        # Contrast is hair and eyes against the skin: with neither seen there is none to match.
        contrast = season.axes.get("contrast", 0.0)
        items.append(
            _contrast_item(data["contrast"], contrast, season.label, hair_label, eye_label)
        )
    items += [
        _foundation_item(data, skin, undertone),
        _item(
            "makeup",
            f"Lips: {seasonal['lips']}.",
            # The season's shades, not its temperature alone: a family may be decided by value
            # and clarity while temperature leans the other way (a soft summer at +0.48).
            f"Lip colours follow your season, {season.label} (your colouring is "
            f"{season.in_words()}), so the mouth looks like part of your own colouring.",
        ),
        _blush_item(data, skin, undertone),
    ]
    if eye_label in data["eyes"]:
        items.append(_eyeshadow_item(data["eyes"][eye_label], season, eye_label))
    shape = data["face_shapes"].get(face_shape)
    if shape:
        # The reasons are the shape's, not claims about this face (whose chin, say, may be
        # typical for all its heart shape: face_shape.explain says which traits it shows).
        measured = (
            f"Your face shape measured {face_shape}, and for {with_article(face_shape)} face "
        )
        items.append(_item("glasses", shape["glasses"], measured + shape["glasses_why"] + "."))
    items.append(_frame_colour_item(seasonal["frames"], season))
    if shape:
        items.append(_item("hair", shape["hairstyle"], measured + shape["hairstyle_why"] + "."))
    items.append(_hair_colour_item(data, season, hair_label))
    items.append(_jewellery_item(data["jewellery"], season))
    return items


def advice() -> dict:
    """The advice texts, from the engine data in use (read and checked once). Do not modify."""
    return engine_data.current().advice


def load_advice(path: Path) -> dict:
    """Read an advice file and check it; raise DataFileError on anything malformed."""
    data = read_toml(path)
    _require_texts(path, data, "seasons", SEASONS, ("clothing", "lips", "hair_colour", "frames"))
    _require_texts(
        path,
        data,
        "face_shapes",
        FACE_SHAPES,
        ("glasses", "glasses_why", "hairstyle", "hairstyle_why"),
    )
    _require_texts(path, data, "undertones", UNDERTONES, ("foundation", "why", "blush_why"))
    _require_texts(path, data, "eyes", EYE_LABELS, ("warm", "warm_why", "cool", "cool_why"))
    _require_texts(path, data, "hair", HAIR_LABELS, ("advice", "why"))
    _require_texts(path, data, "contrast", CONTRAST_LEVELS, ("clothing", "why"))
    for level in CONTRAST_LEVELS:
        # An older file named fixed pairs that could be colours the season avoids.
        if "{pairs}" not in data["contrast"][level]["clothing"]:
            raise DataFileError(f"{path.name}: contrast.{level}.clothing has no {{pairs}}")
    jewellery = data.get("jewellery")
    if not isinstance(jewellery, dict):
        raise DataFileError(f"{path.name}: no [jewellery] table")
    for key in ("warm", "cool", "neutral"):
        _require_text(path, jewellery, key, f"jewellery.{key}")
    _check_depths(path, data, "foundation_depths")
    _check_depths(path, data, "blush_depths", ("why",))
    for undertone in UNDERTONES:
        shades = data["undertones"][undertone].get("blush")
        for depth in data["blush_depths"]:
            _require_text(
                path, shades, depth["name"], f"undertones.{undertone!r}.blush.{depth['name']}"
            )
    return data


def _item(category: str, text: str, why: str) -> dict:
    return {"category": category, "text": text, "why": why}


def _contrast_item(
    contrast_advice: dict,
    contrast: float,
    season_label: str,
    hair_label: str | None,
    eye_label: str | None,
) -> dict:
    level = "high" if contrast > CONTRAST_CUT else "low" if contrast < -CONTRAST_CUT else "medium"
    entry = contrast_advice[level]
    pairs = contrast_pairs(palettes()[season_label], level)
    # Only what was seen is named: without hair the contrast is the eyes' alone.
    seen = ", ".join(name for name, label in (("hair", hair_label), ("eyes", eye_label)) if label)
    return _item(
        "clothing",
        entry["clothing"].replace(
            "{pairs}", listed([f"{dark} with {light}" for dark, light in pairs], "or")
        ),
        f"Your contrast between {seen} and skin measured {level} ({contrast:+.2f} on a -1 to +1 "
        f"scale): {entry['why']}.",
    )


def _foundation_item(data: dict, skin: SkinTone, undertone: str) -> dict:
    depth = _depth(data["foundation_depths"], skin)["name"]
    base = data["undertones"][undertone]
    lightness, a, b = skin.lab
    return _item(
        "makeup",
        f"Foundation: a {depth} shade (Monk level {skin.mst}) with {base['foundation']}.",
        f"Your skin measured L* {lightness:.0f}, a* {a:.0f}, b* {b:.0f}: ITA {skin.ita:.0f}° "
        f"({skin.ita_category.replace('_', ' ')}), Monk level {skin.mst}, which sets the depth; "
        f"its undertone measured {undertone}: {base['why']}.",
    )


def _blush_item(data: dict, skin: SkinTone, undertone: str) -> dict:
    # A flush shows on the cheeks, so their undertone picks the family, even where the season's
    # temperature (which also weighs hair, eyes, forehead and nose) leans the other way.
    depth = _depth(data["blush_depths"], skin)
    base = data["undertones"][undertone]
    return _item(
        "makeup",
        f"Blush: {base['blush'][depth['name']]}.",
        f"Blush imitates a flush of your own skin: your cheeks' undertone measured {undertone} "
        f"(skin a* {skin.lab[1]:.0f}, b* {skin.lab[2]:.0f}), and {base['blush_why']}; at Monk "
        f"level {skin.mst}, {depth['why']}.",
    )


def _depth(depths: list[dict], skin: SkinTone) -> dict:
    return next(depth for depth in depths if skin.mst in depth["mst"])


def _eyeshadow_item(shades: dict, season: Season, eye_label: str) -> dict:
    # The family's temperature, not the measured one: the shades sit beside the season's palette.
    key = "warm" if FAMILY_CORNERS[season.family][0] > 0 else "cool"
    return _item(
        "makeup",
        shades[key],
        f"Your eyes measured {eye_label} and your season, {season.label}, is a {key} one: "
        f"{shades[key + '_why']}.",
    )


def _frame_colour_item(frames: str, season: Season) -> dict:
    # Colour needs no face shape: the frame sits beside the eyes and skin like a collar does.
    metals = palettes()[season.label]["metals"][:2]
    return _item(
        "glasses",
        f"Frame colours: {frames}; in metal, {listed(metals, 'or')}.",
        f"A frame sits beside your eyes and skin all day, so its colour follows your season, "
        f"{season.label} (your colouring is {season.in_words()}), like the colours you wear, "
        f"and metal frames its metals.",
    )


def _hair_colour_item(data: dict, season: Season, hair_label: str | None) -> dict:
    seasonal = data["seasons"][season.label]["hair_colour"]
    if hair_label not in data["hair"]:
        return _item(
            "hair",
            f"Hair colour: {seasonal}.",
            f"These tones follow your season, {season.label} (your colouring is "
            f"{season.in_words()}); your hair itself was not visible enough to measure.",
        )
    entry = data["hair"][hair_label]
    return _item(
        "hair",
        f"Hair colour: {seasonal}. {entry['advice']}",
        f"Your hair measured {hair_label}: {entry['why']}; the tones follow your season, "
        f"{season.label} (your colouring is {season.in_words()}).",
    )


def _jewellery_item(texts: dict, season: Season) -> dict:
    metals = palettes()[season.label]["metals"]
    temperature = season.axes["temperature"]
    # A clear temperature is the season's family's own (season.CLEAR_TEMPERATURE): its metals
    # are named outright; nearer neutral both suit.
    if abs(temperature) <= CLEAR_TEMPERATURE:
        key = "neutral"
    else:
        key = "warm" if temperature > 0 else "cool"
    return _item(
        "jewellery",
        f"Jewellery in {listed(metals, 'or')}.",
        f"Your temperature measured {temperature:+.2f} (warm +, cool -) and your season is "
        f"{season.label}: {texts[key]}.",
    )


def _require_texts(
    path: Path, data: dict, table: str, keys: tuple[str, ...], fields: tuple[str, ...]
) -> None:
    entries = data.get(table)
    if not isinstance(entries, dict):
        raise DataFileError(f"{path.name}: no [{table}] table")
    require_keys(path.name, table, entries, keys)
    for key in keys:
        for field in fields:
            _require_text(path, entries[key], field, f"{table}.{key!r}.{field}")


def _require_text(path: Path, entry: dict, field: str, where: str) -> None:
    value = entry.get(field) if isinstance(entry, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise DataFileError(f"{path.name}: {where} must be a non-empty text")


def _check_depths(path: Path, data: dict, key: str, texts: tuple[str, ...] = ()) -> None:
    depths = data.get(key)
    if not isinstance(depths, list) or not depths:
        raise DataFileError(f"{path.name}: {key} must be a non-empty list")
    covered = []
    for index, depth in enumerate(depths):
        where = f"{path.name}: {key}[{index}]"
        if not isinstance(depth, dict) or not isinstance(depth.get("name"), str):
            raise DataFileError(f"{where} needs a name")
        levels = depth.get("mst")
        if not isinstance(levels, list) or not levels:
            raise DataFileError(f"{where} needs the Monk levels it covers")
        for field in texts:
            _require_text(path, depth, field, f"{key}[{index}].{field}")
        covered.extend(levels)
    if sorted(covered) != list(range(1, 11)):
        raise DataFileError(f"{path.name}: {key} must cover each Monk level 1-10 exactly once")
