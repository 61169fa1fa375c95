"""The twelve seasons' palettes, read from ``chromamatch/data/palettes.toml`` once.

The file is checked when first read; a malformed entry raises DataFileError naming the file,
the entry and what is wrong with it, so a bad edit fails at the first analysis (and in the
tests), never as a half-filled answer.
"""

import copy
import re
import tomllib
from pathlib import Path

from chromamatch import engine_data
from chromamatch.season import SEASONS

PALETTES_PATH = engine_data.DATA_DIR / engine_data.PALETTES_FILE

MIN_BEST = 16
MIN_NEUTRALS = 6
MIN_AVOID = 6

_HEX = re.compile(r"^#[0-9a-f]{6}$")


class DataFileError(ValueError):
    """A data file (palettes, advice) that does not hold what the engine needs."""


def season_palette(label: str) -> dict:
    """``{"best", "neutrals", "avoid", "metals", "why"}`` of a season; raise KeyError if unknown.

    The lists hold ``{"hex", "name"}`` dictionaries (avoid entries also a ``why``). The result
    is the caller's own copy.
    """
    return copy.deepcopy(palettes()[label])


def engine_palette(label: str) -> dict:
    """The palette as the engine's JSON reports it: lists of hex strings and the metals."""
    palette = palettes()[label]
    result = {
        key: [entry["hex"] for entry in palette[key]] for key in ("best", "neutrals", "avoid")
    }
    result["metals"] = list(palette["metals"])
    return result


def colour_names(label: str) -> dict[str, dict[str, str]]:
    """A season's colour names by list (best, neutrals, avoid) and hex; one colour may be named
    differently in two lists. Empty for a season the data in use does not hold (a result of an
    older engine version)."""
    palette = palettes().get(label)
    if palette is None:
        return {}
    return {
        key: {entry["hex"]: entry["name"] for entry in palette[key]}
        for key in ("best", "neutrals", "avoid")
    }


def palettes() -> dict[str, dict]:
    """Every season's palette, from the engine data in use (read and checked once). Do not
    modify."""
    return engine_data.current().palettes


def load_palettes(path: Path) -> dict[str, dict]:
    """Read a palettes file and check it; raise DataFileError on anything malformed."""
    data = read_toml(path)
    seasons = data.get("seasons")
    if not isinstance(seasons, dict):
        raise DataFileError(f"{path.name}: no [seasons] table")
    require_keys(path.name, "seasons", seasons, SEASONS)
    for label in SEASONS:
        _check_palette(f"{path.name}: season {label!r}", seasons[label])
    return seasons


def read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise DataFileError(f"{path.name}: cannot be read: {error}") from error


def require_keys(file: str, table: str, found: dict, expected: tuple[str, ...]) -> None:
    missing = sorted(set(expected) - set(found))
    unknown = sorted(set(found) - set(expected))
    if missing or unknown:
        raise DataFileError(f"{file}: [{table}] is missing {missing} and has unknown {unknown}")


def _check_palette(where: str, palette: dict) -> None:
    if not isinstance(palette, dict):
        raise DataFileError(f"{where}: must be a table")
    if not isinstance(palette.get("why"), str) or not palette["why"].strip():
        raise DataFileError(f"{where}: needs a why")
    metals = palette.get("metals")
    if not isinstance(metals, list) or not metals or not all(isinstance(m, str) for m in metals):
        raise DataFileError(f"{where}: metals must be a non-empty list of names")
    for key, least in (("best", MIN_BEST), ("neutrals", MIN_NEUTRALS), ("avoid", MIN_AVOID)):
        entries = palette.get(key)
        if not isinstance(entries, list) or len(entries) < least:
            raise DataFileError(f"{where}: {key} needs at least {least} colours")
        for index, entry in enumerate(entries):
            _check_colour(f"{where} {key}[{index}]", entry, needs_why=key == "avoid")
        hexes = [entry["hex"] for entry in entries]
        if len(set(hexes)) != len(hexes):
            raise DataFileError(f"{where}: {key} lists a colour twice")
    recommended = {entry["hex"] for entry in palette["best"] + palette["neutrals"]}
    clash = recommended & {entry["hex"] for entry in palette["avoid"]}
    if clash:
        raise DataFileError(f"{where}: {sorted(clash)} both recommended and to avoid")


def _check_colour(where: str, entry: dict, *, needs_why: bool) -> None:
    if not isinstance(entry, dict):
        raise DataFileError(f"{where}: must be a table with hex and name")
    if not isinstance(entry.get("hex"), str) or not _HEX.match(entry["hex"]):
        raise DataFileError(f"{where}: hex {entry.get('hex')!r} is not like #a1b2c3 (lower case)")
    if not isinstance(entry.get("name"), str) or not entry["name"].strip():
        raise DataFileError(f"{where}: {entry['hex']} needs a name")
    if needs_why and (not isinstance(entry.get("why"), str) or not entry["why"].strip()):
        raise DataFileError(f"{where}: {entry['hex']} needs a why")
