"""Sensitivity analysis: the ensemble path against known indices, finite differences, seeds,
a Dask cluster, and failing samples (tests/faults/test_transactions.py)."""

import shutil

import numpy as np
import pandas as pd
import pytest
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample
from SALib.test_functions import Ishigami

from analysis.sensitivity.ensemble import ModelOutputs, run_ensemble
from analysis.sensitivity.outputs import OUTPUTS, compute_outputs
from analysis.sensitivity.parameters import uncertain_parameters
from analysis.sensitivity.methods import Settings, local, morris, screen
from myokine.build import build
from myokine.estimates import COLUMNS, read_estimates
from myokine.parallel import Engine
from myokine.simulator import Simulator
from myokine.paths import MODELS_DIR, SBML_PATH

TWO = Engine(workers=2)
QUIET = Settings(TWO, seed=7)


def ishigami(row: np.ndarray) -> np.ndarray:
    return Ishigami.evaluate(row[None, :])


@pytest.fixture(scope="module")
def parameters():
    return {p.name: p for p in uncertain_parameters()}


def test_every_assumed_parameter_is_uncertain_within_a_range(parameters):
    assert len(parameters) > 50
    for p in parameters.values():
        assert p.low <= p.value <= p.high and p.low < p.high and p.why
    assert parameters["K_stress"].scale == "linear" and parameters["k_il6_clearance"].low == 0.29


def test_an_estimated_parameter_varies_over_its_interval(tmp_path):
    models = tmp_path / "models"
    shutil.copytree(MODELS_DIR, models, ignore=shutil.ignore_patterns("sbml", "estimates.tsv", "ensemble.tsv"))
    pd.DataFrame([("K_camk", 200, 125, 117.4, 1146, "identifiable", "p"), ("n_camk", 2, 4, 2.2, 4, "practically", "p")],
                 columns=COLUMNS).to_csv(models / "estimates.tsv", sep="\t", index=False)
    sbml = build(models, tmp_path / "estimated.xml")
    parameters = {p.name: p for p in uncertain_parameters(sbml, estimates=read_estimates(models / "estimates.tsv"))}
    assert (parameters["K_camk"].low, parameters["K_camk"].high, parameters["K_camk"].scale) == (117.4, 1146, "log")
    assert (parameters["n_camk"].low, parameters["n_camk"].high, parameters["n_camk"].scale) == (2.2, 4, "linear")
    assert parameters["K_camk"].value == 125 and "estimated" in parameters["K_camk"].why


def test_ensemble_recovers_the_sobol_indices_of_ishigami():
    problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    samples = sobol_sample.sample(problem, 1024, calc_second_order=False, seed=1)
    result = run_ensemble(ishigami, samples, ["y"], problem["names"], TWO)
    indices = sobol_analyze.analyze(problem, result.outputs["y"].to_numpy(), calc_second_order=False, seed=1)
    # analytic values for a = 7, b = 0.1
    assert indices["S1"] == pytest.approx([0.314, 0.442, 0.0], abs=0.05)
    assert indices["ST"] == pytest.approx([0.558, 0.442, 0.244], abs=0.05)


def test_local_sensitivities_match_finite_differences(parameters):
    chosen = [parameters["w_il6_camk"], parameters["k_irisin_clearance"]]
    table = local(QUIET, chosen).set_index(["output", "parameter"])["sensitivity"]
    simulator = Simulator(SBML_PATH)
    step = 1e-2
    for p in chosen:
        up = compute_outputs(simulator, {p.name: p.value * (1 + step)}, relative_tolerance=1e-10)
        down = compute_outputs(simulator, {p.name: p.value * (1 - step)}, relative_tolerance=1e-10)
        base = compute_outputs(simulator, {}, relative_tolerance=1e-10)
        expected = (np.log(up) - np.log(down)) / (np.log(1 + step) - np.log(1 - step))
        for output, value in zip(OUTPUTS, expected):
            got = table[output.name, p.name]
            assert got == pytest.approx(value, rel=0.02, abs=2e-4), (output.name, p.name)
        assert np.all(base > 0)
    assert abs(table["IL6_plasma_peak", "w_il6_camk"]) > 0.1  # the check is not vacuous


def test_control_coefficients_at_rest_obey_the_summation_theorem():
    from analysis.sensitivity.mca import control_coefficients

    table = control_coefficients(Simulator(SBML_PATH)).pivot(
        index="species", columns="reaction", values="control_coefficient"
    )
    simulator = Simulator(SBML_PATH)
    resting = sum(c > 0 for c in simulator.rr.model.getFloatingSpeciesConcentrations())
    assert table.shape == (resting, simulator.rr.model.getNumReactions())
    assert np.abs(table.sum(axis=1)).max() < 1e-8  # sum over reactions is 0 for every species
    # plasma lactate = basal production / clearance rate constant: coefficients +1 and -1
    assert table.loc["Lactate_pl", "Lactate_basal_production"] == pytest.approx(1, abs=1e-6)
    assert table.loc["Lactate_pl", "Lactate_clearance"] == pytest.approx(-1, abs=1e-6)
    assert table.loc["IL6_pl", "IL6_clearance"] < 0 < table.loc["IL6_pl", "IL6_basal_production"]


def test_same_seed_gives_identical_indices(parameters):
    chosen = [parameters[name] for name in ("w_il6_camk", "k_irisin_clearance", "K_stress")]
    first = morris(2, QUIET, chosen)
    second = morris(2, QUIET, chosen)
    pd.testing.assert_frame_equal(first, second)
    assert screen(first, 2) == screen(second, 2)


def test_dask_cluster_gives_the_same_numbers_as_local_processes(parameters):
    from distributed import LocalCluster

    chosen = tuple(parameters[name] for name in ("w_il6_camk", "K_stress"))
    evaluate = ModelOutputs(chosen)
    rng = np.random.default_rng(3)
    samples = np.array([[np.log(10) + rng.normal(0, 0.2), rng.uniform(0.55, 0.72)] for _ in range(6)])
    local_result = run_ensemble(evaluate, samples, evaluate.output_names, ["a", "b"], TWO)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask_result = run_ensemble(
            evaluate, samples, evaluate.output_names, ["a", "b"], Engine(scheduler=cluster.scheduler_address)
        )
    np.testing.assert_array_equal(dask_result.outputs.to_numpy(), local_result.outputs.to_numpy())


def test_a_failing_sample_is_reported_not_lost(parameters, tmp_path):
    chosen = tuple(parameters[name] for name in ("n_stress", "w_il6_camk"))
    evaluate = ModelOutputs(chosen)
    samples = np.array([[12.0, np.log(10)], [1e4, np.log(10)], [12.0, np.log(5)]])
    result = run_ensemble(evaluate, samples, evaluate.output_names, ["n_stress", "w_il6_camk"], Engine(workers=1))
    assert result.failed == 1
    failure = result.failures.iloc[0]
    assert failure["sample"] == 1 and failure["n_stress"] == 1e4
    assert "integration failed" in failure["error"]
    assert result.outputs.iloc[1].isna().all() and np.isfinite(result.outputs.iloc[[0, 2]].to_numpy()).all()
