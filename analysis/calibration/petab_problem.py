"""The PEtab (v1) calibration problem, generated from the experiment declarations and data/.

PEtab v1 is the version that the petab library, pyPESTO and AMICI (and pyPESTO's roadrunner
objective) fully support. Only calibration experiments and calibration measurements enter.

- Conditions: one per condition of a calibration experiment (``<experiment>__<condition>``),
  setting the protocol parameters it sets.
- Observables: one per observable and transformation: the observable itself, its fold of the
  resting value, or the percent change from it (the resting value comes from the observables
  table). Absolute values and folds are log-normal (log10), percent changes normal.
- Measurements: every link at a time point, at the intervention's start plus the measurement's
  time; a window mean enters at the window's midpoint. A reported lower bound (censored) and a
  window maximum do not enter. Noise: the standard error of the reported mean (SEM, SD/sqrt(n),
  an unspecified +-, or a quarter of a reported range or span), in log10 units for log-normal
  observables; where none is reported, an assumed 0.15 log10 units (a factor of 1.4) or 20
  percentage points.
- Qualitative checks that a value stays at or returns to rest (``unchanged``, ``returns``) enter
  as pseudo-measurements of the fold of rest: 1 at the end of the check's window or at its time,
  with the check's tolerance as two standard errors (log10(1 + tolerance) / 2). Their datasetId
  starts with ``check_``; they are statements of the papers, not numbers read from them.
- Parameters: every parameter tagged ``Assumed:`` (not ``scale only``) or ``Estimated`` is
  estimated on log10 scale within a factor of 10 of its source value, or on linear scale within
  its physiological range in analysis/sensitivity/uncertainty.toml. The source value of an
  estimated parameter is the one it had before calibration (models/estimates.tsv), so the problem
  is the same whether or not the released model carries estimates.
"""

import math
import tomllib
from pathlib import Path

import libsbml
import pandas as pd

from myokine.estimates import read_estimates
from myokine.evidence import Check
from myokine.experiments import Experiment, list_experiments
from myokine.fileio import write_text_atomically
from myokine.interface import OBSERVABLES
from myokine.measurements import Measurement, read_measurements
from myokine.paths import DATA_DIR, ROOT, SBML_PATH
from myokine.provenance import note_text, parse_tag
from myokine.simulator import is_settable

PETAB_DIR = DATA_DIR / "petab"
UNCERTAINTY = ROOT / "analysis" / "sensitivity" / "uncertainty.toml"
FOLD_RANGE = 10.0
ASSUMED_ERROR = {"log10": 0.15, "lin": 20.0}  # where a paper reports no dispersion
SUFFIX = {"absolute": "", "fold_of_baseline": "_fold", "percent_change": "_percent", "percent_effect": "_percent"}


def condition_id(experiment: Experiment, condition: str) -> str:
    return f"{experiment.name}__{condition}"


def observable_id(observable: str, transformation: str) -> str:
    """``obs_<observable>`` plus ``_fold`` or ``_percent``; a fold of an observable that is
    itself a fold of rest is the observable."""
    suffix = SUFFIX[transformation]
    if suffix == "_fold" and OBSERVABLES[observable].rest == "1":
        suffix = ""
    return f"obs_{observable}{suffix}"


def observable_row(observable: str, transformation: str) -> dict[str, str]:
    """The observable table's row: formula and transformation (log10 or lin)."""
    rest = f"({OBSERVABLES[observable].rest})"
    if transformation == "fold_of_baseline" and rest == "(1)":
        formula, scale = observable, "log10"
    elif transformation == "fold_of_baseline":
        formula, scale = f"{observable} / {rest}", "log10"
    elif transformation in ("percent_change", "percent_effect"):
        formula, scale = f"100 * ({observable} / {rest} - 1)", "lin"
    else:
        formula, scale = observable, "log10"
    obs = observable_id(observable, transformation)
    return {"observableId": obs, "observableName": f"{observable} ({transformation})", "observableFormula": formula,
            "observableTransformation": scale, "noiseFormula": f"noiseParameter1_{obs}", "noiseDistribution": "normal"}


def standard_error(measurement: Measurement, scale: str) -> float | None:
    """The standard error of the reported number in the observable's scale, if reported."""
    value = measurement.central
    if measurement.lower is not None and measurement.upper is not None:
        low, high = measurement.lower, measurement.upper
        return (math.log10(high) - math.log10(low)) / 4 if scale == "log10" else (high - low) / 4
    if measurement.dispersion is None:
        return None
    error = measurement.dispersion
    if measurement.dispersion_type == "SD":
        error /= math.sqrt(measurement.n or 1)
    return error / (value * math.log(10)) if scale == "log10" else error


def build_tables(experiments: list[Experiment], sbml_path: Path = SBML_PATH) -> dict[str, pd.DataFrame]:
    """The four PEtab tables of the calibration experiments."""
    model = libsbml.readSBMLFromFile(str(sbml_path)).getModel()
    defaults = {p.getId(): p.getValue() for p in model.getListOfParameters()}
    measurements = read_measurements()
    calibration = [e for e in experiments if e.role == "calibration"]
    conditions, observables, rows = [], {}, []
    for experiment in calibration:
        for condition in experiment.conditions:
            conditions.append({"conditionId": condition_id(experiment, condition),
                               "conditionName": f"{experiment.title}: {condition}",
                               **experiment.condition_parameters(condition)})
        for link in experiment.links:
            measurement = measurements[link.measurement]
            if measurement.role != "calibration" or measurement.statistic == "lower_bound" or link.statistic == "max":
                continue
            observable = observable_row(measurement.observable, measurement.transformation)
            obs, scale = observable["observableId"], observable["observableTransformation"]
            observables[obs] = observable
            if link.window is not None:
                time = sum(link.window) / 2
            else:
                time = measurement.time if measurement.time is not None else link.time
            error = standard_error(measurement, scale)
            rows.append({"observableId": obs, "simulationConditionId": condition_id(experiment, link.condition),
                         "measurement": measurement.central, "time": experiment.clock_start(link.condition, defaults) + time,
                         "noiseParameters": ASSUMED_ERROR[scale] if error is None else error, "datasetId": measurement.id})
        for check in experiment.checks:
            if check.role == "calibration" and check.kind in ("unchanged", "returns"):
                observable = observable_row(check.observable, "fold_of_baseline")
                observables[observable["observableId"]] = observable
                rows.append(_pseudo_measurement(experiment, check, observable["observableId"], defaults))
    measured = {row["simulationConditionId"] for row in rows}
    condition_table = pd.DataFrame([c for c in conditions if c["conditionId"] in measured])
    condition_table = condition_table.fillna({c: defaults[c] for c in condition_table.columns if c in defaults})
    return {
        "conditions": condition_table,
        "observables": pd.DataFrame(list(observables.values())),
        "measurements": pd.DataFrame(rows),
        "parameters": _parameter_table(model),
    }


def _pseudo_measurement(experiment: Experiment, check: Check, obs: str, defaults: dict[str, float]) -> dict:
    """A check that a value stays at or returns to rest, as a fold-of-rest measurement of 1."""
    time = check.window[1] if check.kind == "unchanged" else check.time
    return {"observableId": obs, "simulationConditionId": condition_id(experiment, check.condition), "measurement": 1.0,
            "time": experiment.clock_start(check.condition, defaults) + time,
            "noiseParameters": math.log10(1 + check.tolerance) / 2,
            "datasetId": f"check_{experiment.name}_{check.item}_{check.observable}"}


def _parameter_table(model: libsbml.Model) -> pd.DataFrame:
    overrides = tomllib.loads(UNCERTAINTY.read_text(encoding="utf-8")).get("overrides", {})
    estimates = read_estimates()
    rows = []
    for parameter in model.getListOfParameters():
        tag = parse_tag(note_text(parameter))
        if not (is_settable(model, parameter) and tag and tag.kind in ("assumed", "estimated") and not tag.scale_only):
            continue
        name = parameter.getId()
        value = estimates[name].source_value if name in estimates else parameter.getValue()
        spec = overrides.get(name)
        if spec and spec["scale"] == "linear":
            scale, low, high = "lin", spec["low"], spec["high"]
        else:
            scale, low, high = "log10", value / FOLD_RANGE, value * FOLD_RANGE
        rows.append({"parameterId": name, "parameterName": parameter.getName(), "parameterScale": scale,
                     "lowerBound": low, "upperBound": high, "nominalValue": value, "estimate": 1})
    return pd.DataFrame(rows)


def problem_yaml(sbml_relative: str) -> str:
    return f"""format_version: 1
parameter_file: parameters.tsv
problems:
- condition_files:
  - conditions.tsv
  measurement_files:
  - measurements.tsv
  observable_files:
  - observables.tsv
  sbml_files:
  - {sbml_relative}
"""


def write_problem(out_dir: Path = PETAB_DIR, experiments: list[Experiment] | None = None) -> Path:
    """Write the PEtab problem (four TSV tables and problem.yaml); returns the YAML's path."""
    tables = build_tables(list_experiments() if experiments is None else experiments)
    for name, table in tables.items():
        write_text_atomically(out_dir / f"{name}.tsv", table.to_csv(sep="\t", index=False, float_format="%.10g"))
    sbml = Path("..", "..", SBML_PATH.relative_to(ROOT)).as_posix()
    write_text_atomically(out_dir / "problem.yaml", problem_yaml(sbml))
    return out_dir / "problem.yaml"


if __name__ == "__main__":
    print(write_problem())
