"""The evaluation's bookkeeping: what a relit copy kept of its photo's reading as shot."""

from pathlib import Path

import numpy as np
import pytest

from chromamatch.evaluation import (
    EVALUATION_SEED,
    default_report,
    kept_figures,
    kept_from_canonical,
    relit_summary,
    relit_uploads,
    target_met,
)
from chromamatch.faces_manifest import Photo, read_manifest


def _reading(mst: int, undertone: str, season: str, warnings: list[str]) -> dict:
    return {
        "skin": {"mst": mst},
        "undertone": {"label": undertone, "confidence": 0.8},
        "season": {"label": season, "confidence": 0.6},
        "quality": {"warnings": warnings},
    }


def test_a_copy_is_compared_label_by_label_and_exposure_warnings_are_told_apart():
    base = _reading(4, "warm", "warm autumn", [])
    kept = kept_from_canonical(_reading(4, "neutral", "warm autumn", ["overexposed"]), base)
    assert kept == {
        "mst": True,
        "undertone": False,
        "season": True,
        "undertone_confidence": 0.8,
        "season_confidence": 0.6,
        "exposure_warned": True,
    }
    # A warning about the framing or the pose is not one about the pixels' exposure.
    other = kept_from_canonical(_reading(5, "warm", "soft autumn", ["head_turned"]), base)
    assert other["exposure_warned"] is False
    assert kept_from_canonical(_reading(4, "warm", "warm autumn", ["too_dark"]), base)[
        "exposure_warned"
    ]


def _kept(mst, undertone, season, undertone_confidence, season_confidence) -> dict:
    return {
        "mst": mst,
        "undertone": undertone,
        "season": season,
        "undertone_confidence": undertone_confidence,
        "season_confidence": season_confidence,
        "exposure_warned": False,
    }


def test_shares_and_mean_confidences_are_over_the_copies_given():
    kept = [
        _kept(True, True, False, 0.9, 0.5),
        _kept(True, False, False, 0.6, 0.7),
        _kept(False, False, True, 0.6, 0.6),
    ]
    assert kept_figures(kept) == {
        "mst_same_as_canonical": 0.667,
        "undertone_same_as_canonical": 0.333,
        "season_same_as_canonical": 0.333,
        "undertone_confidence_mean": 0.7,
        "season_confidence_mean": 0.6,
    }
    assert set(kept_figures([]).values()) == {None}


def _photo(file: str, ref_lab: tuple[float, float, float], ref_ita: float) -> Photo:
    return Photo(file, Path(file), file, "neutral", np.array(ref_lab), ref_ita, None)


def _result(lab: list[float], ita: float, mst: int, undertone: str) -> dict:
    reading = _reading(mst, undertone, "soft summer", [])
    return reading | {"ok": True, "skin": {"lab": lab, "ita": ita, "mst": mst}}


def test_relit_figures_are_taken_over_the_readings_given_and_count_failures():
    one, two = _photo("a.jpg", (60, 12, 16), 35.0), _photo("b.jpg", (40, 14, 18), -30.0)
    canonical = {
        "a.jpg": _result([60, 12, 16], 35.0, 4, "warm"),
        "b.jpg": _result([40, 14, 18], -30.0, 7, "cool"),
    }
    readings = [
        (one, _result([60, 12, 16], 31.0, 4, "warm")),  # ITA off by 4, labels kept
        (one, _result([60, 12, 16], 45.0, 3, "neutral")),  # off by 10, MST one level away
        (two, {"ok": False, "error": {"code": "no_face"}}),
    ]
    figures = relit_summary(readings, canonical)
    assert figures["copies"] == 3
    assert figures["failed"] == 1
    assert figures["ita_abs_err_median"] == 7.0
    assert figures["de00_median"] == 0.0
    assert figures["mst_same_as_canonical"] == 0.5
    assert figures["mst_within1_of_canonical"] == 1.0
    assert figures["undertone_same_as_canonical"] == 0.5
    # Any part of the readings is summarised alike: here the copies of one person.
    alone = relit_summary([r for r in readings if r[0] is two], canonical)
    assert (alone["copies"], alone["failed"], alone["ita_abs_err_median"]) == (1, 1, None)


@pytest.mark.parametrize(
    ("value", "target", "met"),
    [
        (0.80, ">= 0.80", True),
        (0.795, ">= 0.80", False),
        (12.0, "<= 12", True),
        (12.07, "<= 12", False),
        (1.0, "= 1", True),
        (None, ">= 0.80", None),
    ],
)
def test_a_target_is_met_at_its_bound_and_not_beyond(value, target, met):
    assert target_met(value, target) is met


def test_other_draws_are_reported_beside_the_judged_ones_not_over_them():
    assert default_report(held_out=False, seed=EVALUATION_SEED) == Path("docs/evaluation.md")
    assert default_report(held_out=True, seed=EVALUATION_SEED) == Path(
        "docs/evaluation_held_out.md"
    )
    assert default_report(held_out=False, seed=777) == Path("docs/evaluation_seed777.md")
    assert default_report(held_out=True, seed=777) == Path("docs/evaluation_held_out_seed777.md")


def test_a_seed_draws_its_own_lights_and_the_same_seed_the_same(shared_faces):
    photo = next(p for p in read_manifest(shared_faces) if p.expression == "neutral")

    def lights(seed: int) -> list[dict]:
        return [light for _, light, _ in relit_uploads([photo], 2, seed)]

    assert lights(777) == lights(777)
    assert lights(777) != lights(EVALUATION_SEED)
