"""The calibration's code path on a small problem: it recovers parameters from data the model
itself generated, profiles them, fixes the one the data do not inform, the screen picks
parameters the data inform, and the starts give the same fit on worker processes and on Dask."""

import tempfile
from pathlib import Path

import pandas as pd
import pytest

from analysis.calibration.fit import (
    Settings, calibrate, choose, estimates, information_criteria, optimize, traces, with_estimated,
)
from analysis.calibration.objective import petab_problem, pypesto_problem, runner_simulations
from analysis.calibration.profiles import identify
from myokine.estimates import COLUMNS as ESTIMATE_COLUMNS
from myokine.parallel import Engine
from tests.helpers import in_a_fresh_process

CONDITION = "wojtaszewski2000_ampk__intensity_75"
TIMES = [90.0, 120.0, 135.0, 150.0, 180.0, 240.0]  # during and after the 60-min bout starting at 60


def test_choose_keeps_one_parameter_per_tie_and_respects_the_cap():
    screened = pd.DataFrame({"parameter": ["a", "b", "c", "d"], "information": [5.0, 4.0, 4.0, 0.5],
                             "estimated": [True, True, True, False]})
    assert choose(screened, 8) == ["a", "b"]
    assert choose(screened, 1) == ["a"]


def test_choose_keeps_of_a_tie_the_parameter_that_moves_the_fewest_other_outputs():
    screened = pd.DataFrame({"parameter": ["a", "b", "c", "d"], "information": [5.0, 4.0, 4.0 * (1 + 1e-9), 3.0],
                             "estimated": True, "reach": [9, 3, 1, 1]})
    assert choose(screened, 8) == ["a", "c", "d"]
    assert choose(screened.assign(reach=[9, 1, 1, 1]), 2) == ["a", "b"]


def test_choose_adds_the_parameters_fitted_together_with_a_chosen_one():
    screened = pd.DataFrame({"parameter": ["a", "b", "c"], "information": [5.0, 4.0, 0.5],
                             "estimated": [True, True, False]})
    assert choose(screened, 1, {"a": ["c", "b"], "b": ["a"]}) == ["a", "c", "b"]
    assert choose(screened, 2, {"b": ["a", "c"]}) == ["a", "b", "c"]
    assert choose(screened, 8, {"z": ["c"]}) == ["a", "b"]


@pytest.mark.amici
def test_fit_recovers_parameters_from_synthetic_data():
    in_a_fresh_process(fit_recovers_parameters_from_synthetic_data)


def synthetic_problem():
    """The PEtab problem with AMPK data (1 % noise) that the model made with two parameters
    changed; the problem and those two parameters' true values."""
    problem = petab_problem()
    nominal = problem.parameter_df["nominalValue"]
    truth = {"amp_gain": float(nominal["amp_gain"]) * 1.5, "k_ampk_off": float(nominal["k_ampk_off"]) * 0.7}
    problem.measurement_df = pd.DataFrame({
        "observableId": "obs_AMPK_activity_fold", "simulationConditionId": CONDITION, "measurement": 0.0,
        "time": TIMES, "noiseParameters": 0.01, "datasetId": "synthetic"})
    problem.measurement_df["measurement"] = runner_simulations(problem, truth)["simulation"].to_numpy()
    return problem, truth


def fit_recovers_parameters_from_synthetic_data():
    problem, truth = synthetic_problem()
    uninformed = "k_neurogenesis"  # a brain parameter: no effect on muscle AMPK
    fitted = pypesto_problem("amici", with_estimated(problem, [*truth, uninformed]))
    result = optimize(fitted, starts=3, seed=1, iterations=100, engine=Engine(workers=1))
    found = estimates(result, problem).set_index("parameter")["value"]
    assert found[list(truth)].to_dict() == pytest.approx(truth, rel=1e-3)
    trace = traces(result)
    assert sorted(trace["start"].unique()) == sorted(start.id for start in result.optimize_result.list)
    assert trace["nllh"].min() == pytest.approx(result.optimize_result.list[0].fval)
    criteria = information_criteria(result, problem).set_index("fit")
    assert criteria.loc["best fit", "parameters"] == 3 and criteria.loc["source values", "parameters"] == 0
    assert criteria.loc["best fit", "AIC"] < criteria.loc["source values", "AIC"]
    # the profiles: the uninformed parameter flat and fixed at its best fit, the other two
    # identifiable, their 95 % intervals around the truth and narrow (1 % noise on six points),
    # and the ensemble the best fit and both ends of every interval
    result, table, ensemble = identify(fitted, result, problem, Engine(workers=1), iterations=50)
    table = table.set_index("parameter")
    assert table.loc[uninformed, "identifiability"] == "structurally non-identifiable, fixed at the best fit"
    assert [result.problem.x_names[i] for i in result.problem.x_free_indices] == list(truth)
    for name, value in truth.items():
        assert table.loc[name, "identifiability"] == "identifiable"
        assert table.loc[name, "ci_low"] < value < table.loc[name, "ci_high"] < 1.5 * table.loc[name, "ci_low"]
    assert list(ensemble["member"]) == ["best", "amp_gain low", "amp_gain high", "k_ampk_off low", "k_ampk_off high",
                                        f"{uninformed} low", f"{uninformed} high"]
    assert ensemble.loc[1, "amp_gain"] == pytest.approx(table.loc["amp_gain", "ci_low"], rel=1e-9)
    assert ensemble.loc[4, "k_ampk_off"] == pytest.approx(table.loc["k_ampk_off", "ci_high"], rel=1e-9)
    assert ensemble.loc[0, uninformed] == pytest.approx(found[uninformed], rel=1e-9)


@pytest.mark.amici
def test_starts_on_worker_processes_and_on_dask_give_the_fit_made_in_this_process():
    in_a_fresh_process(starts_give_the_same_fit_on_every_engine)


def starts_give_the_same_fit_on_every_engine():
    from distributed import LocalCluster

    problem, truth = synthetic_problem()
    fitted = pypesto_problem("amici", with_estimated(problem, list(truth)))

    def fit(engine: Engine) -> list[tuple[str, float]]:
        result = optimize(fitted, starts=2, seed=3, iterations=10, engine=engine)
        return sorted((start.id, start.fval) for start in result.optimize_result.list)

    here = fit(Engine(workers=1))
    assert fit(Engine(workers=2)) == here
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        assert fit(Engine(workers=2, scheduler=cluster.scheduler_address)) == here


@pytest.mark.amici
def test_calibrate_writes_every_result():
    in_a_fresh_process(calibrate_writes_every_result)


def calibrate_writes_every_result():
    with tempfile.TemporaryDirectory() as folder:
        check_calibrate_writes_every_result(Path(folder) / "calibration")


def check_calibrate_writes_every_result(out: Path):
    problem, _ = synthetic_problem()
    settings = Settings(starts=2, seed=1, max_parameters=2, iterations=20, profile_iterations=10)
    written = calibrate(out, settings, Engine(workers=1), problem=problem)
    assert {path.name for path in written} == {
        "screen.csv", "estimates.tsv", "ensemble.tsv", "information_criteria.csv", "starts.csv", "traces.csv",
        "calibration.hdf5", "waterfall.png", "profiles.png"}
    estimates = pd.read_csv(out / "estimates.tsv", sep="\t")
    assert list(estimates.columns) == list(ESTIMATE_COLUMNS) and len(estimates) == 2
    criteria = pd.read_csv(out / "information_criteria.csv").set_index("fit")
    assert criteria.loc["best fit", "parameters"] == 2 and criteria.loc["best fit", "nllh"] < criteria.loc["source values", "nllh"]
    assert set(pd.read_csv(out / "ensemble.tsv", sep="\t").columns) == {"member", *estimates["parameter"]}
    outcomes = pd.read_csv(out / "starts.csv")
    assert len(outcomes) == 2 and outcomes["above_best"].min() == 0
    assert (outcomes["nllh"] <= outcomes["nllh_start"]).all() and (outcomes["evaluations"] > 0).all()
    assert outcomes.loc[0, "nllh"] == criteria.loc["best fit", "nllh"]
