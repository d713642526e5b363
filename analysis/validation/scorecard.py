"""The model against the data: one row per linked measurement, one per qualitative check.

For each experiment's ``[[data]]`` links the model value is computed as the measurement states it
(the value at its time, or the mean or maximum over its window; absolute, fold of the model's
resting value, or percent change from it) and compared with the reported number: their
ratio, whether it lies in the reported range (bounds, value ± SD, value ± 2 SEM, or above a lower
bound) and whether it lies within 2x. Each ``[[checks]]`` entry passes or fails.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from myokine.evidence import Check, DataLink, ObservableSeries, from_observable_units
from myokine.experiments import Experiment
from myokine.interface import OBSERVABLE_IDS
from myokine.measurements import Measurement, read_measurements
from myokine.results import Runner, run_conditions

WITHIN = 2.0  # the "within 2x" band


@dataclass(frozen=True)
class Score:
    role: str
    experiment: str
    measurement: str
    item: str
    observable: str
    condition: str
    when: str  # minutes after the intervention's start, or the window and statistic
    timing: str  # "data" or "assumed" (the link gives the time the paper does not)
    data: float
    low: float
    high: float
    model: float
    ratio: float
    in_range: bool | None  # None where the paper reports no range
    within_2x: bool
    band_low: float  # the 95 % prediction band of the model value (NaN: no estimates)
    band_high: float


@dataclass(frozen=True)
class CheckResult:
    role: str
    experiment: str
    item: str
    what: str
    kind: str
    observable: str
    passed: bool
    detail: str


def observables_needed(experiment: Experiment) -> list[str]:
    """The experiment's observables and every one its links and checks need."""
    measurements = read_measurements()
    needed = {measurements[link.measurement].observable for link in experiment.links}
    needed |= {check.observable for check in experiment.checks}
    return list(dict.fromkeys([*(experiment.observables or OBSERVABLE_IDS), *sorted(needed)]))


def simulate_for_scoring(runner: Runner, experiment: Experiment) -> pd.DataFrame:
    return run_conditions(runner, experiment, observables_needed(experiment))


def model_value(series: ObservableSeries, link: DataLink, measurement: Measurement) -> float:
    if link.window is not None:
        raw = series.over(link.window, link.statistic)
    else:
        raw = series.at(measurement.time if measurement.time is not None else link.time)
    return from_observable_units(measurement, raw, series.baseline)


def score(experiment: Experiment, frame: pd.DataFrame, defaults: Mapping[str, float],
          runs: Sequence[pd.DataFrame] = ()) -> list[Score]:
    """Every linked measurement against the model (``frame``) and its band (the ensemble's ``runs``)."""
    measurements = read_measurements()
    scores = []
    for link in experiment.links:
        measurement = measurements[link.measurement]
        start = experiment.clock_start(link.condition, defaults)

        def value(run: pd.DataFrame) -> float:
            return model_value(ObservableSeries(run, link.condition, measurement.observable, start), link, measurement)

        model = value(frame)
        members = [value(run) for run in runs] or [np.nan]
        data = measurement.central
        interval = measurement.interval()
        low, high = interval if interval else (np.nan, np.nan)
        ratio = model / data if data else np.nan
        if measurement.statistic == "lower_bound":
            within = model >= data / WITHIN
        else:
            within = bool(1 / WITHIN <= ratio <= WITHIN)
        if link.window is not None:
            when = f"{link.statistic} over {link.window[0]:g}-{link.window[1]:g} min"
        else:
            when = f"{measurement.time if measurement.time is not None else link.time:g} min"
        scores.append(Score(
            experiment.role, experiment.name, measurement.id, measurement.item, measurement.observable,
            link.condition, when, "assumed" if link.assumed_timing else "data", data, low, high, model, ratio,
            bool(low <= model <= high) if interval else None, within, min(members), max(members),
        ))
    return scores


def evaluate_checks(experiment: Experiment, frame: pd.DataFrame, defaults: Mapping[str, float]) -> list[CheckResult]:
    return [_evaluate(check, experiment, frame, defaults) for check in experiment.checks]


def _evaluate(check: Check, experiment: Experiment, frame: pd.DataFrame, defaults: Mapping[str, float]) -> CheckResult:
    def series(condition: str) -> ObservableSeries:
        return ObservableSeries(frame, condition, check.observable, experiment.clock_start(condition, defaults))

    main = series(check.condition)
    tolerance = check.tolerance
    if check.kind == "rises":
        peak = main.over(check.window, "max")
        passed, detail = peak > (1 + tolerance) * main.baseline, f"max {peak:.4g} vs baseline {main.baseline:.4g}"
    elif check.kind == "unchanged":
        inside = (main.time >= check.window[0]) & (main.time <= check.window[1])
        change = float(np.max(np.abs(main.values[inside] / main.baseline - 1)))
        passed, detail = change <= tolerance, f"largest change {change:.1%} (allowed {tolerance:.0%})"
    elif check.kind == "returns":
        value = main.at(check.time)
        change = abs(value / main.baseline - 1)
        passed, detail = change <= tolerance, f"{value:.4g} at {check.time:g} min, {change:.1%} from baseline"
    elif check.kind == "peak_within":
        peak_time = float(main.time[np.argmax(main.values)])
        passed = check.window[0] <= peak_time <= check.window[1]
        detail = f"peak at {peak_time:g} min (window {check.window[0]:g}-{check.window[1]:g})"
    else:  # greater, similar
        other = series(check.than_condition or check.condition)
        a = main.over(check.window, "max")
        b = other.over(check.than_window or check.window, "max")
        difference = a / b - 1
        passed = difference > tolerance if check.kind == "greater" else abs(difference) <= tolerance
        detail = f"{a:.4g} vs {b:.4g} ({difference:+.1%})"
    return CheckResult(check.role, experiment.name, check.item, check.what, check.kind, check.observable,
                       bool(passed), detail)


def scorecard(
    experiments: Iterable[Experiment], frames: Mapping[str, pd.DataFrame], defaults: Mapping[str, float],
    ensembles: Mapping[str, Sequence[pd.DataFrame]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every linked measurement's score (with its prediction band where ``ensembles`` holds the
    experiment's ensemble runs) and every check's result, as two tables."""
    scores, checks = [], []
    for experiment in experiments:
        scores += score(experiment, frames[experiment.name], defaults, (ensembles or {}).get(experiment.name, ()))
        checks += evaluate_checks(experiment, frames[experiment.name], defaults)
    score_columns = list(Score.__dataclass_fields__)
    check_columns = list(CheckResult.__dataclass_fields__)
    return (pd.DataFrame([asdict(s) for s in scores], columns=score_columns),
            pd.DataFrame([asdict(c) for c in checks], columns=check_columns))


def summary(scores: pd.DataFrame, checks: pd.DataFrame) -> list[str]:
    """One line per role: measurements within their range and within 2x, checks passed."""
    lines = []
    for role in ("calibration", "validation"):
        own, own_checks = scores[scores["role"] == role], checks[checks["role"] == role]
        ranged = own["in_range"].dropna()
        banded = own.dropna(subset=["band_low"])
        reach = "" if banded.empty else (f"; the 95 % band reaches the reported range (2x where none) for "
                                         f"{int(sum(band_reaches(row) for row in banded.itertuples()))} of {len(banded)}")
        lines.append(
            f"{role}: {int(own['within_2x'].sum())} of {len(own)} measurements within 2x, "
            f"{int(ranged.sum())} of {len(ranged)} within the reported range{reach}; "
            f"{int(own_checks['passed'].sum())} of {len(own_checks)} qualitative checks pass"
        )
    return lines


def band_reaches(row) -> bool:
    """Whether the prediction band overlaps the reported range (within 2x where none is reported)."""
    low, high = (row.low, row.high) if not np.isnan(row.low) else (row.data / WITHIN, row.data * WITHIN)
    return bool(row.band_low <= high and row.band_high >= low)


def _band(row, dash: str = "-") -> str:
    return "" if np.isnan(row.band_low) else f"{row.band_low:.3g}{dash}{row.band_high:.3g}"


def format_scorecard(scores: pd.DataFrame, checks: pd.DataFrame) -> str:
    """The scorecard as text: measurements, checks, and a summary line per role."""
    lines = [f"{'role':11s} {'measurement':52s} {'when':24s} {'data':>9s} {'range':>17s} "
             f"{'model':>9s} {'95% band':>17s} {'ratio':>6s} {'range':>5s} {'2x':>3s}"]
    for row in scores.itertuples():
        bounds = "" if np.isnan(row.low) else f"{row.low:.3g}-{row.high:.3g}"
        in_range = {True: "yes", False: "no", None: "-"}[row.in_range]
        when = row.when + ("*" if row.timing == "assumed" else "")
        lines.append(f"{row.role:11s} {row.measurement:52s} {when:24s} {row.data:9.3g} {bounds:>17s} "
                     f"{row.model:9.3g} {_band(row):>17s} {row.ratio:6.2f} {in_range:>5s} {'yes' if row.within_2x else 'no':>3s}")
    lines += ["(* timing assumed: the paper gives no time point)", ""]
    for row in checks.itertuples():
        lines.append(f"{'PASS' if row.passed else 'FAIL'}  {row.role:11s} {row.item:4s} {row.what} ({row.experiment}): {row.detail}")
    return "\n".join([*lines, "", *summary(scores, checks)])


def markdown(scores: pd.DataFrame, checks: pd.DataFrame) -> list[str]:
    """The scorecard as markdown tables, for the results report."""
    lines = ["## Model against data", "", *(f"- {line}" for line in summary(scores, checks)), "",
             "| role | measurement | when | data | reported range | model | 95 % band | model/data | in range | within 2x |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for row in scores.itertuples():
        bounds = "" if np.isnan(row.low) else f"{row.low:.3g}–{row.high:.3g}"
        in_range = {True: "yes", False: "no", None: "–"}[row.in_range]
        when = row.when + (" (assumed)" if row.timing == "assumed" else "")
        lines.append(f"| {row.role} | {row.measurement} | {when} | {row.data:.3g} | {bounds} | {row.model:.3g} "
                     f"| {_band(row, '–')} | {row.ratio:.2f} | {in_range} | {'yes' if row.within_2x else 'no'} |")
    lines += ["", "| role | item | check | experiment | result | detail |", "|---|---|---|---|---|---|"]
    for row in checks.itertuples():
        lines.append(f"| {row.role} | {row.item} | {row.what} | {row.experiment} | "
                     f"{'pass' if row.passed else 'FAIL'} | {row.detail} |")
    return [*lines, ""]
