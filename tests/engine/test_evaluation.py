"""The evaluation's bookkeeping: what a relit copy kept of its photo's reading as shot."""

from chromamatch.evaluation import kept_from_canonical, shares_kept


def _reading(mst: int, undertone: str, season: str, warnings: list[str]) -> dict:
    return {
        "skin": {"mst": mst},
        "undertone": {"label": undertone},
        "season": {"label": season},
        "quality": {"warnings": warnings},
    }


def test_a_copy_is_compared_label_by_label_and_exposure_warnings_are_told_apart():
    base = _reading(4, "warm", "warm autumn", [])
    kept = kept_from_canonical(_reading(4, "neutral", "warm autumn", ["overexposed"]), base)
    assert kept == {"mst": True, "undertone": False, "season": True, "exposure_warned": True}
    # A warning about the framing or the pose is not one about the pixels' exposure.
    other = kept_from_canonical(_reading(5, "warm", "soft autumn", ["head_turned"]), base)
    assert other["exposure_warned"] is False
    assert kept_from_canonical(_reading(4, "warm", "warm autumn", ["too_dark"]), base)[
        "exposure_warned"
    ]


def test_shares_are_over_the_copies_given():
    kept = [
        {"mst": True, "undertone": True, "season": False, "exposure_warned": False},
        {"mst": True, "undertone": False, "season": False, "exposure_warned": False},
        {"mst": False, "undertone": False, "season": True, "exposure_warned": True},
    ]
    assert shares_kept(kept) == {
        "mst_same_as_canonical": 0.667,
        "undertone_same_as_canonical": 0.333,
        "season_same_as_canonical": 0.333,
    }
    assert shares_kept([]) == {
        "mst_same_as_canonical": None,
        "undertone_same_as_canonical": None,
        "season_same_as_canonical": None,
    }
