"""The calibration's estimates that the released model carries, and their uncertainty.

``make calibrate`` writes two tables into results/calibration/; ``make adopt`` copies them into
models/ and rebuilds.

- ``models/estimates.tsv``, one row per estimated parameter: the build sets the parameter to its
  estimate and turns its ``Assumed:`` note into ``Estimated [<problem>; 95% CI <low>-<high>
  <unit>, <class>]: <the assumption>; source value <v>``, so the value it replaced stays on
  record (the calibration problem starts from it, see analysis/calibration/petab_problem.py).
- ``models/ensemble.tsv``: the best fit and the parameter vectors at both ends of every 95 %
  profile interval; an experiment simulated with every member gives its envelope, the 95 %
  (profile-wise) prediction band.
"""

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import libsbml
import numpy as np
import pandas as pd

from myokine.errors import Finding, ModelError
from myokine.experiments import Experiment
from myokine.fileio import read_tsv
from myokine.parallel import Engine
from myokine.paths import MODELS_DIR
from myokine.provenance import note_text, parse_tag
from myokine.results import CONDITION, TIME, Runner, run_conditions

ESTIMATES_PATH = MODELS_DIR / "estimates.tsv"
ENSEMBLE_PATH = MODELS_DIR / "ensemble.tsv"
CRITERIA_PATH = MODELS_DIR / "calibration_criteria.csv"  # AIC and BIC of the adopted calibration
STARTS_PATH = MODELS_DIR / "calibration_starts.csv"  # how its starts ended
COLUMNS = ("parameter", "source_value", "value", "ci_low", "ci_high", "identifiability", "problem")
CHECK = "estimates apply to assumed parameters"


@dataclass(frozen=True)
class Estimate:
    parameter: str
    source_value: float  # the value before calibration (the module's)
    value: float  # the best fit
    ci_low: float  # 95 % profile-likelihood interval; a bound where the profile does not cross
    ci_high: float
    identifiability: str  # identifiable, practically or structurally non-identifiable
    problem: str  # the calibration problem, relative to the repository


@cache
def read_estimates(path: Path = ESTIMATES_PATH) -> dict[str, Estimate]:
    """The adopted estimates by parameter id; none when the model has not been calibrated."""
    if not Path(path).exists():
        return {}
    estimates = {}
    for number, row in enumerate(read_tsv(path, COLUMNS), start=2):
        try:
            numbers = {key: float(row[key]) for key in ("source_value", "value", "ci_low", "ci_high")}
        except ValueError:
            raise ModelError(f"{path}:{number}: source_value, value, ci_low and ci_high must be numbers") from None
        estimates[row["parameter"]] = Estimate(**{**row, **numbers})
    return estimates


def apply_estimates(model: libsbml.Model, estimates: dict[str, Estimate]) -> list[Finding]:
    """Set every estimated parameter and its note; findings for estimates the model cannot take."""
    findings = []
    for estimate in estimates.values():
        parameter = model.getParameter(estimate.parameter)
        tag = parse_tag(note_text(parameter)) if parameter is not None else None
        if tag is None or tag.kind != "assumed" or tag.scale_only:
            findings.append(Finding(CHECK, f"models/estimates.tsv ({estimate.parameter})", "error",
                                    "not a parameter of the model tagged Assumed:"))
            continue
        unit = parameter.getUnits()
        unit = "" if unit == "dimensionless" else f" {unit}"
        detail = (f"{estimate.problem}; 95% CI {estimate.ci_low:.4g}-{estimate.ci_high:.4g}{unit}, "
                  f"{estimate.identifiability}")
        text = f"Estimated [{detail}]: {tag.text.rstrip('. ')}; source value {estimate.source_value:g}{unit}."
        parameter.setValue(estimate.value)
        parameter.setNotes(f'<body xmlns="http://www.w3.org/1999/xhtml"><p>{html.escape(text, quote=False)}</p></body>')
    return findings


def estimates_markdown(estimates: Mapping[str, Estimate] | None = None) -> list[str]:
    """The released estimates as a markdown section of the results report (none: no lines)."""
    estimates = read_estimates() if estimates is None else estimates
    if not estimates:
        return []
    problem = next(iter(estimates.values())).problem
    lines = ["## Calibration", "", f"Estimated from the calibration problem `{problem}` (95 % profile-likelihood",
             "intervals; the shaded bands in the figures come from them).", "",
             "| parameter | source value | estimate | 95 % interval | identifiability |", "|---|---|---|---|---|"]
    for e in estimates.values():
        lines.append(f"| {e.parameter} | {e.source_value:.3g} | {e.value:.3g} | {e.ci_low:.3g}–{e.ci_high:.3g} "
                     f"| {e.identifiability} |")
    return [*lines, ""]


def fit_markdown(criteria_path: Path = CRITERIA_PATH, starts_path: Path = STARTS_PATH) -> list[str]:
    """The adopted calibration's fit for the results report: its information criteria and how
    its starts ended (no lines when the model has not been calibrated)."""
    if not (Path(criteria_path).exists() and Path(starts_path).exists()):
        return []
    criteria = pd.read_csv(criteria_path).set_index("fit")
    starts = pd.read_csv(starts_path)
    source, best = criteria.loc["source values"], criteria.loc["best fit"]
    endings = "; ".join(f"{count}: {message}" for message, count in starts["message"].value_counts().items())
    return [f"The fit of {best['parameters']:.0f} parameters to {best['measurements']:.0f} measurements and "
            f"pseudo-measurements lowered the negative log-likelihood from {source['nllh']:.4g} at the source "
            f"values to {best['nllh']:.4g} (AIC {source['AIC']:.4g} → {best['AIC']:.4g}, BIC {source['BIC']:.4g} → "
            f"{best['BIC']:.4g}). Its {len(starts)} starts ended at most {starts['above_best'].max():.2g} above the "
            f"best ({endings}).", ""]


@cache
def read_ensemble(path: Path = ENSEMBLE_PATH) -> tuple[Mapping[str, float], ...]:
    """The ensemble's members (parameter values by id); none when the model has not been calibrated."""
    if not Path(path).exists():
        return ()
    table = pd.read_csv(path, sep="\t", index_col="member")
    return tuple(row.to_dict() for _, row in table.astype(float).iterrows())


@dataclass(frozen=True)
class _WithParameters:
    """A runner with some parameters changed (a member of the ensemble)."""

    runner: Runner
    changes: Mapping[str, float]

    def run(self, parameters, grid, observables, where=""):
        return self.runner.run({**self.changes, **parameters}, grid, observables, where)


def ensemble_runs(runner: Runner, experiment: Experiment, observables: Sequence[str] | None = None,
                  members: Sequence[Mapping[str, float]] | None = None) -> list[pd.DataFrame]:
    """The experiment simulated with every member of the ensemble (default: the adopted one)."""
    members = read_ensemble() if members is None else members
    return [run_conditions(_WithParameters(runner, member), experiment, observables) for member in members]


def _ensemble_job(job: tuple[Experiment, Sequence[str] | None, Sequence[Mapping[str, float]]]) -> list[pd.DataFrame]:
    from myokine.simulator import load_simulator

    return ensemble_runs(load_simulator(), *job)


def ensembles_on(engine: Engine, experiments: Sequence[Experiment],
                 observables: Mapping[str, Sequence[str]] | None = None) -> dict[str, list[pd.DataFrame]]:
    """``ensemble_runs`` of every experiment with the released model, on the engine (by
    experiment name); ``observables`` by experiment name, else all."""
    members = read_ensemble()
    jobs = [(e, (observables or {}).get(e.name), members) for e in experiments]
    return dict(zip([e.name for e in experiments], engine.map(_ensemble_job, jobs, "ensemble")))


def band(runs: Sequence[pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The pointwise lowest and highest value over the runs (same conditions and times)."""
    columns = [column for column in runs[0].columns if column not in (CONDITION, TIME)]
    stacked = np.stack([run[columns].to_numpy(dtype=float) for run in runs])
    low, high = runs[0].copy(), runs[0].copy()
    low[columns], high[columns] = stacked.min(axis=0), stacked.max(axis=0)
    return low, high
