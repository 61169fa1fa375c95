"""The whole analysis of one photo: bytes in, the engine dictionary of INTERFACES.md out.

Part 1 measures the skin (faces, skin sampling, lighting, tone); part 2 reads eyes, hair and
face shape under the same lighting correction and turns the colouring into a season, a
palette and advice. ``timings`` records each part, so benchmarks can hold each to its budget.
"""

import time
from dataclasses import dataclass, field

import numpy as np

from chromamatch import colour, tone
from chromamatch.drape import drape_png
from chromamatch.errors import AnalysisError
from chromamatch.eye_colour import eye_colour
from chromamatch.face_landmarks import MIN_FACE_WIDTH_PX, Face, FaceSearch, find_faces
from chromamatch.face_shape import face_shape
from chromamatch.hair_colour import hair_colour
from chromamatch.image_loading import (
    ANALYSIS_MAX_SIDE,
    LoadedImage,
    has_no_chroma,
    load_image,
    refuse_one_tint,
    turned,
)
from chromamatch.lighting import correct_linear_rgb, estimate_lighting
from chromamatch.palette import colour_names, engine_palette, season_palette
from chromamatch.quality import assess_quality, exposure_spoiled, roll_degrees
from chromamatch.recommendations import recommendations
from chromamatch.season import Colouring, Season, classify_season
from chromamatch.skin_sampling import (
    cheeks_lit_unevenly,
    sample_skin,
    skin_debug_picture,
    skin_linear_rgb,
    steady_skin_linear_rgb,
)

# A face narrower than REREAD_BELOW_PX in the analysed copy (a small face in a large frame) is
# read again from the photo at the resolution that makes it REREAD_TO_PX wide, up to four times
# the usual analysis size. REREAD_TO_PX is the development portraits' own width at the analysis
# size, where the eye, hair and season constants were set: the 78 neutral portraits pasted into
# a 4032 x 3024 frame (75 px at the analysis size) and read again at 150 px changed season on
# 12.8 % of them and eye colour on 10.3 %; read at 225 px, on 6.4 % and 6.4 % (the photo as
# shot, re-saved, changes on 3-8 %), for 10 % more time on such photos (lighting weights before
# 2026-11-28's retraining; with the current ones 10.3 % and 7.7 %). A face between the two
# is read in one pass: a 12 MP selfie whose face spans a quarter of the frame reads about
# 170 px, and a second decode and search would cost it 60 % more time for labels that change
# on about 10 % of copies instead of 5 %.
REREAD_BELOW_PX = 150
REREAD_TO_PX = 225
# A face detected this surely is upright (``_upright_search``); a photo turned over must find
# a face scored this much surer to be read turned.
_UPRIGHT_SCORE = 0.85
_TURN_MARGIN = 0.1
# A face rolled further than this lies on its side: turned a quarter, it stands nearer upright.
_ON_ITS_SIDE_DEG = 60.0
# Warnings beside quality.WARNINGS: a feature the season would use could not be read.
EYES_NOT_VISIBLE = "eyes_not_visible"
HAIR_NOT_VISIBLE = "hair_not_visible"
UNSEEN_FEATURE_WARNINGS = (EYES_NOT_VISIBLE, HAIR_NOT_VISIBLE)


@dataclass(frozen=True)
class Measurement:
    """What the analysis measured, kept for pictures (drape, debug) and colour checks."""

    result: dict
    rgb: np.ndarray
    face: Face
    season: Season
    skin_lab: np.ndarray
    colouring: Colouring | None = None
    skin_debug: np.ndarray | None = field(default=None, repr=False)

    def drape_png(self) -> bytes:
        """The draping picture of this photo, in its season's best and worst colours."""
        best, worst = drape_colours(self.season.label)
        return drape_png(self.rgb, self.face, best=best, worst=worst)


def measure(data: bytes, *, filename: str = "", debug: bool = False) -> Measurement:
    """Analyse one photo; raise AnalysisError when it cannot be analysed."""
    started = time.perf_counter()
    image, search = located_face(data)
    face = search.face
    rgb = image.rgb
    skin = sample_skin(rgb, face)
    lighting = estimate_lighting(rgb, face, skin)
    skin_rgb = skin_linear_rgb(skin)
    skin_lab = colour.linear_rgb_to_lab(correct_linear_rgb(skin_rgb, lighting))
    warnings, score = assess_quality(
        rgb,
        face,
        faces_count=search.count,
        exposure_ev=lighting.exposure_ev,
        cast_strength=lighting.cast_strength,
        lit_unevenly=cheeks_lit_unevenly(skin),
        jpeg_quality=image.jpeg_quality,
        photo_scale=image.scale,
    )
    spoiled = exposure_spoiled(warnings)
    skin_tone = tone.skin_tone(skin_lab)
    undertone = tone.undertone(skin_lab, exposure_spoiled=spoiled)
    skin_done = time.perf_counter()

    eyes = eye_colour(rgb, face, lighting)
    if eyes is None and "eyes_closed" not in warnings:
        warnings.append(EYES_NOT_VISIBLE)
    hair = hair_colour(rgb, face, lighting, skin_rgb=skin_rgb)
    if hair is None:
        warnings.append(HAIR_NOT_VISIBLE)
    shape = face_shape(face, rgb)
    colouring = Colouring(
        skin_lab=skin_lab,
        undertone=undertone.label,
        hue_deviation=undertone.hue_deviation,
        chroma_deviation=undertone.chroma_deviation,
        eye_lab=eyes.lab if eyes else None,
        hair_lab=hair.lab if hair else None,
        steady_skin_lab=_steady_skin_lab(skin, lighting),
        hair_coverage=hair.coverage if hair else 0.0,
        exposure_spoiled=spoiled,
    )
    season = classify_season(colouring)
    advice = recommendations(
        season=season,
        skin=skin_tone,
        undertone=undertone.label,
        face_shape=shape.label,
        eye_label=eyes.label if eyes else None,
        hair_label=hair.label if hair else None,
    )
    finished = time.perf_counter()

    result = {
        "file": filename,
        "ok": True,
        "faces": search.count,
        # In the pixels of the photo as stored, not of the downscaled copy analysed.
        "face_box": image.box_as_stored(face.box),
        "skin": skin_tone.as_dict(),
        "undertone": undertone.as_dict(),
        "lighting": {
            "cct_k": int(lighting.cct_k),
            # + 0.0 turns the -0.0 of an exposure a hair under normal into 0.0.
            "exposure_ev": round(float(lighting.exposure_ev), 2) + 0.0,
            "corrected": True,
            "confidence": round(float(lighting.confidence), 2),
            "method": lighting.method,
        },
        "eyes": eyes.as_dict() if eyes else None,
        "hair": hair.as_dict() if hair else None,
        "face_shape": shape.as_dict(),
        "season": season.as_dict(),
        "palette": engine_palette(season.label),
        "recommendations": advice,
        "quality": {"warnings": warnings, "score": round(float(score), 2)},
        "timings": {
            "skin_ms": round((skin_done - started) * 1000, 1),
            "colouring_and_advice_ms": round((finished - skin_done) * 1000, 1),
        },
        "ms": round((finished - started) * 1000, 1),
    }
    return Measurement(
        result=result,
        rgb=rgb,
        face=face,
        season=season,
        skin_lab=skin_lab,
        colouring=colouring,
        skin_debug=skin_debug_picture(rgb, skin) if debug else None,
    )


def _steady_skin_lab(skin, lighting) -> np.ndarray | None:
    """The forehead and nose bridge's CIELAB under daylight, for the season; None if hidden."""
    steady = steady_skin_linear_rgb(skin)
    if steady is None:
        return None
    return colour.linear_rgb_to_lab(correct_linear_rgb(steady, lighting))


def locate_face(data: bytes) -> tuple[LoadedImage, FaceSearch]:
    """Load a photo at the analysis size and find its faces; a small face is read again closer.

    The lighting estimator's training loads its examples through here too, so it learns from
    pictures exactly as the engine sees them.
    """
    image, search = _upright_search(load_image(data, colourless_ok=True))
    if search.face is not None and has_no_chroma(image.rgb):
        # A black-and-white photo of a face; one without a face answers no_face (a grey wall
        # in a colour photo is not a black-and-white photo to its sender).
        raise AnalysisError("grayscale_image")
    if search.face is not None and search.face.width < REREAD_BELOW_PX and image.scale < 1:
        wanted_side = ANALYSIS_MAX_SIDE * REREAD_TO_PX / search.face.width
        closer = load_image(data, max_side=round(min(wanted_side, 4 * ANALYSIS_MAX_SIDE)))
        image = turned(closer, image.quarter_turns)
        search = find_faces(image.rgb)
    return image, search


def _upright_search(image: LoadedImage) -> tuple[LoadedImage, FaceSearch]:
    """``find_faces``, on the photo turned so that the face stands upright.

    FaceMesh fits an upright face onto an upside-down one: on 21 London photos turned over
    (stored so, with no EXIF orientation) the engine read ITA 1-50 degrees off (one found no
    face), mostly without a warning. The face detector tells them apart: 39 of them score 0.88
    or more upright and 0.79 at most upside down, so only a face scored under _UPRIGHT_SCORE
    (or none) is looked for on the photo turned over too, which costs a second search, and the
    photo is turned only if the face is found there that surely, and surer by _TURN_MARGIN. A face
    on its side is measured right where it lies, but is turned upright so that the warnings
    and the drape picture see it as the person does.
    """
    search = find_faces(image.rgb)
    if search.face is None or search.face.score < _UPRIGHT_SCORE:
        over = turned(image, 2)
        over_search = find_faces(over.rgb)
        score = search.face.score if search.face is not None else 0.0
        over_face = over_search.face
        # Turned over, the face must be found surely: a small face's scores are low either
        # way (a portrait 400 px wide in a 12 MP frame scored 0.60 upright and 0.81 turned).
        if (
            over_face is not None
            and over_face.score >= _UPRIGHT_SCORE
            and over_face.score > score + _TURN_MARGIN
        ):
            image, search = over, over_search
    if search.face is None or abs(roll := roll_degrees(search.face)) < _ON_ITS_SIDE_DEG:
        return image, search
    # Eyes whose line points down the picture (positive roll) need a counterclockwise turn.
    upright = turned(image, 1 if roll > 0 else -1)
    upright_search = find_faces(upright.rgb)
    if upright_search.face is not None and abs(roll_degrees(upright_search.face)) < abs(roll):
        return upright, upright_search
    return image, search


def located_face(data: bytes) -> tuple[LoadedImage, FaceSearch]:
    """``locate_face``, refusing a photo without a face large enough to measure."""
    image, search = locate_face(data)
    if search.face is None:
        raise AnalysisError("no_face")
    if search.face.width < MIN_FACE_WIDTH_PX:
        raise AnalysisError("face_too_small")
    refuse_one_tint(image.rgb, search.face.box)
    return image, search


def analyze(data: bytes, *, filename: str = "") -> dict:
    """The engine dictionary for one photo; a photo that cannot be analysed is ``ok: false``."""
    try:
        return measure(data, filename=filename).result
    except AnalysisError as error:
        return failure(filename, error)


def failure(filename: str, error: AnalysisError) -> dict:
    return {"file": filename, "ok": False, "error": error.as_dict()}


def drape_colours(season_label: str) -> tuple[list[dict], list[dict]]:
    """The three best and three worst colours of a season, as ``{"hex", "name"}``."""
    palette = season_palette(season_label)
    return palette["best"][:3], palette["avoid"][:3]


def result_drape_colours(result: dict) -> tuple[list[dict], list[dict]]:
    """``drape_colours`` of an engine dictionary made earlier, from its own palette."""
    named = result_palette_colours(result)
    return named["best"][:3], named["avoid"][:3]


def result_palette_colours(result: dict) -> dict[str, list[dict]]:
    """The best, neutral and avoid colours of an engine dictionary made earlier, as
    ``{"hex", "name"}``.

    The palette is the one of the engine data that analysed the photo (a model version's),
    which the data in use now may no longer hold; a colour it does not name is named by its hex.
    """
    names = colour_names(result["season"]["label"])
    palette = result.get("palette") or {}
    return {
        key: [
            {"hex": hex_, "name": names.get(key, {}).get(hex_, hex_)}
            for hex_ in palette.get(key, [])
        ]
        for key in ("best", "neutrals", "avoid")
    }
