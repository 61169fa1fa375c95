"""Drift of what the served model sees: features of stored results, compared by Evidently.

Windows (one rule, no configuration to forget): both come from the done analyses of the
*serving* model version and engine code, those that produced the most recent done analysis
(the rules live in the worker's code, so new code changes answers as a new version does). The
reference window is their first ``reference_size`` analyses, oldest first; the current window
their latest ``current_size`` analyses after them, so the two never overlap and a new version
or new engine code starts a new reference. Drift is only computed once both windows are full.

The evaluation data is deliberately not a reference: ``docs/evaluation*.json`` holds only
aggregate figures (no per-photo features), and its studio photos of one camera and light are
not what people upload, so comparing against them would report "drift" for ever.

The tests are fixed rather than left to Evidently's choice by window size: two-sample
Kolmogorov-Smirnov for numbers and a chi-square test of independence on the two windows'
category counts (registered below as "chi2_contingency"), both drifting at p < 0.05.
Evidently's automatic choice for categories and for numbers with few distinct values (MST) is a
chi-square goodness-of-fit against the reference, whose p-value is 0 as soon as the current
window holds one season the reference window happens not to: with twelve seasons and windows
of tens that is most reports. Its permutation test ("TVD") is right but took 4 s a column.
Kolmogorov-Smirnov on MST's ten levels is conservative (ties), which suits an alarm.

The dataset counts as drifted when at least half the columns drift: with eleven columns, one
column below 0.05 happens by chance in about four reports out of ten (1 - 0.95**11), so a
single column is shown and exported but does not raise the alarm.
"""

from dataclasses import dataclass, field

from analysis.models import Analysis

# Below this many analyses per window a two-sample test tells chance from change too poorly
# for the figures to mean anything, whatever sizes are asked for.
MIN_WINDOW = 20
REFERENCE_SIZE = 100
CURRENT_SIZE = 50
# Evidently's dataset rule: drift when this share of the columns drift.
DATASET_DRIFT_SHARE = 0.5
NUMERICAL_TEST = "ks"
CATEGORICAL_TEST = "chi2_contingency"
P_VALUE_THRESHOLD = 0.05

NUMERICAL_FEATURES = [
    "skin_l",
    "skin_a",
    "skin_b",
    "ita",
    "mst",
    "cct_k",
    "exposure_ev",
    "face_width_share",
    "quality_score",
]
CATEGORICAL_FEATURES = ["undertone", "season"]
FEATURES = NUMERICAL_FEATURES + CATEGORICAL_FEATURES


@dataclass
class DriftOutcome:
    status: str  # "ok", "drift" or "not_enough_data" (DriftReport.Status values)
    message: str
    model_name: str = ""
    model_version: str = ""
    engine_code: str = ""
    reference_size: int = 0
    current_size: int = 0
    drift_share: float | None = None
    drifted_columns: list[str] = field(default_factory=list)
    figures: dict = field(default_factory=dict)
    html: str | None = field(default=None, repr=False)
    snapshot_json: str | None = field(default=None, repr=False)


def features_of(result: dict, selfie_width: int) -> dict:
    """The drift features of one engine result; None where the result lacks a value."""
    skin = result.get("skin") or {}
    lab = skin.get("lab") or [None, None, None]
    lighting = result.get("lighting") or {}
    box = result.get("face_box")
    face_width_share = (box[2] - box[0]) / selfie_width if box and selfie_width else None
    return {
        "skin_l": lab[0],
        "skin_a": lab[1],
        "skin_b": lab[2],
        "ita": skin.get("ita"),
        "mst": skin.get("mst"),
        "cct_k": lighting.get("cct_k"),
        "exposure_ev": lighting.get("exposure_ev"),
        "face_width_share": face_width_share,
        "quality_score": (result.get("quality") or {}).get("score"),
        "undertone": (result.get("undertone") or {}).get("label"),
        "season": (result.get("season") or {}).get("label"),
    }


def serving_version() -> tuple[str, str, str] | None:
    """Model name, version and engine code of the latest done analysis."""
    latest = (
        Analysis.objects.filter(status=Analysis.Status.DONE)
        .order_by("-finished_at", "-pk")
        .values_list("model_name", "model_version", "engine_code")
        .first()
    )
    return tuple(latest) if latest else None


def windows(
    *,
    model_name: str,
    model_version: str,
    engine_code: str,
    reference_size: int,
    current_size: int,
) -> tuple[list[dict], list[dict]]:
    """Feature rows of the reference and current windows (see the module's rule)."""
    done = (
        Analysis.objects.filter(
            status=Analysis.Status.DONE,
            model_name=model_name,
            model_version=model_version,
            engine_code=engine_code,
        )
        .order_by("finished_at", "pk")
        .values_list("pk", "result", "selfie__width")
    )
    reference = list(done[:reference_size])
    after = done.exclude(pk__in=[pk for pk, _, _ in reference])
    current = list(after.order_by("-finished_at", "-pk")[:current_size])[::-1]
    return (
        [{"analysis": pk, **features_of(result, width)} for pk, result, width in reference],
        [{"analysis": pk, **features_of(result, width)} for pk, result, width in current],
    )


def check_window_sizes(*, reference_size: int, current_size: int) -> None:
    if min(reference_size, current_size) < MIN_WINDOW:
        raise ValueError(f"drift windows need at least {MIN_WINDOW} analyses each")


def drift_check(
    *, reference_size: int = REFERENCE_SIZE, current_size: int = CURRENT_SIZE
) -> DriftOutcome:
    """Compare the current window with the reference window of the serving model version."""
    check_window_sizes(reference_size=reference_size, current_size=current_size)
    needed = reference_size + current_size
    version = serving_version()
    if version is None:
        return DriftOutcome(
            status="not_enough_data",
            message=f"not enough analyses yet (have 0, need {needed})",
        )
    model_name, model_version, engine_code = version
    reference, current = windows(
        model_name=model_name,
        model_version=model_version,
        engine_code=engine_code,
        reference_size=reference_size,
        current_size=current_size,
    )
    outcome = DriftOutcome(
        status="not_enough_data",
        message="",
        model_name=model_name,
        model_version=model_version,
        engine_code=engine_code,
        reference_size=len(reference),
        current_size=len(current),
    )
    have = len(reference) + len(current)
    if len(reference) < reference_size or len(current) < current_size:
        outcome.message = (
            f"not enough analyses yet (have {have}, need {needed}: the first {reference_size} "
            f"done analyses of {model_name} version {model_version} (engine {engine_code}) "
            f"are the reference, the "
            f"latest {current_size} after them the current window)"
        )
        return outcome
    _compare(reference, current, outcome)
    return outcome


def _compare(reference: list[dict], current: list[dict], outcome: DriftOutcome) -> None:
    # Evidently and pandas take seconds to import; only a drift run pays for them.
    import numpy as np
    import pandas as pd
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    _register_contingency_test()
    frames = [pd.DataFrame(rows, columns=FEATURES) for rows in (reference, current)]
    # A feature no result in a window carries (an older engine's results) cannot be compared.
    skipped = [name for name in FEATURES if any(frame[name].isna().all() for frame in frames)]
    numerical = [name for name in NUMERICAL_FEATURES if name not in skipped]
    categorical = [name for name in CATEGORICAL_FEATURES if name not in skipped]
    for frame in frames:
        frame[numerical] = frame[numerical].astype(float)
    definition = DataDefinition(numerical_columns=numerical, categorical_columns=categorical)
    reference_data, current_data = (
        Dataset.from_pandas(frame[numerical + categorical], data_definition=definition)
        for frame in frames
    )
    preset = DataDriftPreset(
        drift_share=DATASET_DRIFT_SHARE,
        num_method=NUMERICAL_TEST,
        cat_method=CATEGORICAL_TEST,
        threshold=P_VALUE_THRESHOLD,
    )
    report = Report([preset], include_tests=True)
    # A feature constant in a window (every quality score 1.0) makes Evidently's correlation
    # widgets divide by a zero spread; the drift tests do not, and the warnings say nothing.
    with np.errstate(divide="ignore", invalid="ignore"):
        snapshot = report.run(current_data, reference_data)

    figures = _figures(snapshot.dict())
    figures["skipped_columns"] = skipped
    figures["reference_analyses"] = [reference[0]["analysis"], reference[-1]["analysis"]]
    figures["current_analyses"] = [current[0]["analysis"], current[-1]["analysis"]]
    drifted = [name for name, column in figures["columns"].items() if column["drifted"]]
    outcome.drifted_columns = drifted
    outcome.drift_share = figures["drift_share"]
    outcome.figures = figures
    outcome.status = "drift" if figures["dataset_drift"] else "ok"
    outcome.message = (
        f"{'drift' if figures['dataset_drift'] else 'no drift'}: {len(drifted)} of "
        f"{len(figures['columns'])} columns drifted (share {figures['drift_share']:.2f})"
        + (f": {', '.join(drifted)}" if drifted else "")
    )
    outcome.html = snapshot.get_html_str(as_iframe=False)
    outcome.snapshot_json = snapshot.json()


def _register_contingency_test() -> None:
    """Make "chi2_contingency" a drift method Evidently knows (registering again replaces it)."""
    from evidently.legacy.calculations.stattests.registry import StatTest, register_stattest
    from evidently.legacy.core import ColumnType

    register_stattest(
        StatTest(
            name=CATEGORICAL_TEST,
            display_name="chi-square contingency p_value",
            allowed_feature_types=[ColumnType.Categorical],
            default_threshold=P_VALUE_THRESHOLD,
        ),
        default_impl=_contingency_p_value,
    )


def _contingency_p_value(reference, current, feature_type, threshold) -> tuple[float, bool]:
    """Chi-square test that both windows draw their categories from one distribution."""
    from scipy.stats import chi2_contingency

    counts = [reference.value_counts(), current.value_counts()]
    categories = sorted(set(counts[0].index) | set(counts[1].index))
    if len(categories) < 2:
        return 1.0, False  # one category in both windows: nothing moved
    table = [[int(window.get(name, 0)) for name in categories] for window in counts]
    p_value = float(chi2_contingency(table)[1])
    return p_value, p_value < threshold


def _figures(snapshot: dict) -> dict:
    """Per-column scores and Evidently's verdicts from a snapshot's ``dict()``.

    The verdicts are Evidently's own test results (a p-value method drifts below its
    threshold, a distance method above it), matched to their metric by id.
    """
    failed = {
        test["metric_config"]["metric_id"] for test in snapshot["tests"] if test["status"] == "FAIL"
    }
    columns, share, dataset_drift = {}, None, False
    for metric in snapshot["metrics"]:
        config = metric["config"]
        if config["type"].endswith(":DriftedColumnsCount"):
            share = float(metric["value"]["share"])
            dataset_drift = metric["id"] in failed
        elif config["type"].endswith(":ValueDrift"):
            columns[config["column"]] = {
                "method": config.get("method"),
                "score": float(metric["value"]),
                "threshold": config.get("threshold"),
                "drifted": metric["id"] in failed,
            }
    return {
        "drift_share": share,
        "dataset_drift": dataset_drift,
        "dataset_drift_threshold": DATASET_DRIFT_SHARE,
        "columns": columns,
    }
