"""The calibration's code path on a small problem: it recovers parameters from data the model
itself generated, and the screen picks parameters the data inform."""

import pandas as pd
import pytest

from analysis.calibration.fit import choose, estimates, optimize, with_estimated
from analysis.calibration.objective import petab_problem, pypesto_problem, runner_simulations
from myokine.parallel import Engine
from tests.helpers import in_a_fresh_process

CONDITION = "wojtaszewski2000_ampk__intensity_75"
TIMES = [90.0, 120.0, 135.0, 150.0, 180.0, 240.0]  # during and after the 60-min bout starting at 60


def test_choose_keeps_one_parameter_per_tie_and_respects_the_cap():
    screened = pd.DataFrame({"parameter": ["a", "b", "c", "d"], "information": [5.0, 4.0, 4.0, 0.5],
                             "estimated": [True, True, True, False]})
    assert choose(screened, 8) == ["a", "b"]
    assert choose(screened, 1) == ["a"]


@pytest.mark.amici
def test_fit_recovers_parameters_from_synthetic_data():
    in_a_fresh_process(fit_recovers_parameters_from_synthetic_data)


def fit_recovers_parameters_from_synthetic_data():
    problem = petab_problem()
    nominal = problem.parameter_df["nominalValue"]
    truth = {"amp_gain": float(nominal["amp_gain"]) * 1.5, "k_ampk_off": float(nominal["k_ampk_off"]) * 0.7}
    problem.measurement_df = pd.DataFrame({
        "observableId": "obs_AMPK_activity_fold", "simulationConditionId": CONDITION, "measurement": 0.0,
        "time": TIMES, "noiseParameters": 0.01, "datasetId": "synthetic"})
    problem.measurement_df["measurement"] = runner_simulations(problem, truth)["simulation"].to_numpy()
    fitted = pypesto_problem("amici", with_estimated(problem, list(truth)))
    result = optimize(fitted, starts=3, seed=1, iterations=100, engine=Engine(workers=1))
    found = estimates(result, problem).set_index("parameter")["value"]
    assert found.to_dict() == pytest.approx(truth, rel=1e-3)
