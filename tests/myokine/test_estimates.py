"""Adopted estimates: the build writes them into the SBML with their tag and interval, refuses
estimates of parameters that are not assumed, and the ensemble gives each experiment a band."""

import shutil

import libsbml
import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis.calibration.petab_problem import PETAB_DIR
from myokine.build import build_sbml
from myokine.errors import MyokineError
from myokine.estimates import (COLUMNS, CRITERIA_PATH, STARTS_PATH, Estimate, band, ensemble_runs, estimates_markdown,
                              fit_markdown, read_ensemble, read_estimates)
from myokine.figures import draw_band
from myokine.paths import MODELS_DIR
from myokine.provenance import note_text, parse_tag


@pytest.fixture
def models_copy(tmp_path):
    copy = tmp_path / "models"
    shutil.copytree(MODELS_DIR, copy, ignore=shutil.ignore_patterns("sbml", "estimates.tsv", "ensemble.tsv"))
    return copy


def _write_estimates(folder, rows):
    pd.DataFrame(rows, columns=COLUMNS).to_csv(folder / "estimates.tsv", sep="\t", index=False)


def test_the_build_writes_an_estimate_with_its_interval_and_source_value(models_copy):
    _write_estimates(models_copy, [("K_camk", 200, 125.5, 80.2, 190, "identifiable", "data/petab/problem.yaml")])
    document = libsbml.readSBMLFromString(build_sbml(models_copy))  # kept: the parameter lives in it
    parameter = document.getModel().getParameter("K_camk")
    assert parameter.getValue() == 125.5
    tag = parse_tag(note_text(parameter))
    assert tag.kind == "estimated"
    assert tag.detail == "data/petab/problem.yaml; 95% CI 80.2-190 nM, identifiable"
    assert tag.text.endswith("source value 200 nM.") and "CaMKII" in tag.text


def test_the_released_model_carries_every_estimate_of_the_adopted_calibration(sbml_model):
    estimates = read_estimates()
    assert estimates, "models/estimates.tsv: the released model is calibrated"
    best = read_ensemble()[0]
    bounds = pd.read_csv(PETAB_DIR / "parameters.tsv", sep="\t", index_col="parameterId")
    for name, estimate in estimates.items():
        parameter = sbml_model.getParameter(name)
        assert parameter.getValue() == estimate.value and parse_tag(note_text(parameter)).kind == "estimated"
        assert best[name] == pytest.approx(estimate.value, rel=1e-9)
        assert estimate.ci_low <= estimate.value <= estimate.ci_high
        assert bounds.loc[name, "lowerBound"] <= estimate.value <= bounds.loc[name, "upperBound"]
        assert bounds.loc[name, "nominalValue"] == estimate.source_value


def test_the_released_fit_summary_belongs_to_the_adopted_estimates():
    criteria = pd.read_csv(CRITERIA_PATH).set_index("fit")
    starts = pd.read_csv(STARTS_PATH)
    assert criteria.loc["best fit", "parameters"] == len(read_estimates())
    assert starts["nllh"].min() == criteria.loc["best fit", "nllh"] and starts["above_best"].min() == 0


def test_the_report_sums_up_the_fit(tmp_path):
    pd.DataFrame({"fit": ["source values", "best fit"], "parameters": [0, 2], "measurements": [19, 19],
                  "nllh": [241.26, 29.64], "AIC": [482.5, 63.28], "BIC": [482.5, 65.17]}).to_csv(
        tmp_path / "criteria.csv", index=False)
    pd.DataFrame({"start": [1, 0, 2], "nllh": [29.64, 29.65, 31.0], "above_best": [0, 0.01, 1.36],
                  "message": ["Converged", "Converged", "Reached maximum number of allowed iterations"]}).to_csv(
        tmp_path / "starts.csv", index=False)
    (line, blank) = fit_markdown(tmp_path / "criteria.csv", tmp_path / "starts.csv")
    assert line.startswith("The fit of 2 parameters to 19 measurements") and blank == ""
    assert "from 241.3 at the source values to 29.64 (AIC 482.5 → 63.28, BIC 482.5 → 65.17)" in line
    assert line.endswith("Its 3 starts ended at most 1.4 above the best (2: Converged; "
                         "1: Reached maximum number of allowed iterations).")
    assert fit_markdown(tmp_path / "none.csv", tmp_path / "starts.csv") == []


@pytest.mark.parametrize("parameter", ["Ca_rest", "no_such_parameter", "bout_start"])
def test_the_build_refuses_an_estimate_of_a_parameter_that_is_not_assumed(models_copy, parameter):
    _write_estimates(models_copy, [(parameter, 1, 2, 1, 3, "identifiable", "data/petab/problem.yaml")])
    with pytest.raises(MyokineError, match=rf"models/estimates.tsv \({parameter}\).*tagged Assumed"):
        build_sbml(models_copy)


def test_the_band_envelopes_every_member(simulator, experiments):
    bout = experiments["acute_bout"].with_changes({}, end=240, step=10)
    members = [{"K_camk": 150.0}, {"K_camk": 300.0}, {"K_camk": 200.0}]
    runs = ensemble_runs(simulator, bout, ["IL6_plasma"], members)
    low, high = band(runs)
    assert (low["IL6_plasma"] <= runs[2]["IL6_plasma"]).all() and (runs[2]["IL6_plasma"] <= high["IL6_plasma"]).all()
    assert (high["IL6_plasma"] - low["IL6_plasma"]).max() > 0.1 * runs[2]["IL6_plasma"].max()
    pd.testing.assert_frame_equal(low[["condition", "time"]], runs[0][["condition", "time"]])


def test_the_report_lists_the_estimates_with_their_intervals():
    estimate = Estimate("K_camk", 200, 125.5, 80.2, 190, "identifiable", "data/petab/problem.yaml")
    lines = estimates_markdown({"K_camk": estimate})
    assert "| K_camk | 200 | 126 | 80.2–190 | identifiable |" in lines and "`data/petab/problem.yaml`" in lines[2]
    assert estimates_markdown({}) == []


def test_the_band_is_drawn_per_condition_between_its_lowest_and_highest_values():
    frame = pd.DataFrame({"condition": ["a"] * 3 + ["b"] * 3, "time": [0.0, 60, 120] * 2,
                          "IL6_plasma": [1.0, 2, 3, 4, 5, 6]})
    ax = Figure().subplots()
    draw_band(ax, (frame, frame.assign(IL6_plasma=frame["IL6_plasma"] + 1)), "IL6_plasma", ["a", "b"], 60)
    first, second = (collection.get_paths()[0].vertices for collection in ax.collections)
    assert (first[:, 0].max(), first[:, 1].min(), first[:, 1].max()) == (2, 1, 4)  # hours; low 1-3, high 2-4
    assert (second[:, 1].min(), second[:, 1].max()) == (4, 7)
