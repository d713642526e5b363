"""The PEtab problem: generated from the declarations, fresh, valid, calibration data only, and
the same objective through AMICI (pyPESTO) and through the project's runner."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.calibration.petab_problem import PETAB_DIR, write_problem
from myokine.experiments import list_experiments
from myokine.measurements import read_measurements
from tests.helpers import in_a_fresh_process

TABLES = ("conditions.tsv", "observables.tsv", "measurements.tsv", "parameters.tsv", "problem.yaml")


def test_committed_problem_is_fresh(tmp_path):
    write_problem(tmp_path)
    for name in TABLES:
        assert (tmp_path / name).read_text(encoding="utf-8").replace("../../models", "") == (
            (PETAB_DIR / name).read_text(encoding="utf-8").replace("../../models", "")), name


def test_petablint_passes():
    petablint = Path(sys.executable).parent / "petablint"
    run = subprocess.run([str(petablint), "problem.yaml"], cwd=PETAB_DIR, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_only_calibration_measurements_and_checks_enter():
    measurements = read_measurements()
    checks = {f"check_{e.name}_{c.item}_{c.observable}": c for e in list_experiments() for c in e.checks}
    rows = pd.read_csv(PETAB_DIR / "measurements.tsv", sep="\t")
    pseudo = rows["datasetId"].str.startswith("check_")
    assert (~pseudo).sum() > 10
    assert {measurements[m].role for m in rows.loc[~pseudo, "datasetId"]} == {"calibration"}
    assert {checks[d].role for d in rows.loc[pseudo, "datasetId"]} == {"calibration"}


def test_no_ampk_rise_at_50_percent_enters_as_a_pseudo_measurement():
    rows = pd.read_csv(PETAB_DIR / "measurements.tsv", sep="\t").set_index("datasetId")
    row = rows.loc["check_wojtaszewski2000_ampk_C5b_AMPK_activity_fold"]
    assert row["simulationConditionId"] == "wojtaszewski2000_ampk__intensity_50"
    assert (row["observableId"], row["measurement"], row["time"]) == ("obs_AMPK_activity_fold", 1.0, 60 + 90)
    assert row["noiseParameters"] == pytest.approx(np.log10(1.25) / 2)


@pytest.mark.amici
def test_amici_and_the_runner_give_the_same_objective():
    in_a_fresh_process(amici_and_the_runner_give_the_same_objective)


def amici_and_the_runner_give_the_same_objective():
    from analysis.calibration.objective import petab_problem, pypesto_problem, runner_objective

    problem = petab_problem()
    x = np.asarray(problem.x_nominal_free_scaled)
    amici = pypesto_problem("amici").objective(x)
    assert np.isfinite(amici) and amici == pytest.approx(runner_objective(problem), rel=1e-6)
