"""The evaluation's bookkeeping: what a relit copy kept of its photo's reading as shot."""

from pathlib import Path

from chromamatch.evaluation import (
    EVALUATION_SEED,
    default_report,
    kept_figures,
    kept_from_canonical,
    relit_uploads,
)
from chromamatch.faces_manifest import read_manifest


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
