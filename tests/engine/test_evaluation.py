"""The evaluation's bookkeeping: what a relit copy kept of its photo's reading as shot."""

from chromamatch.evaluation import kept_figures, kept_from_canonical


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
