"""The scorecard computes what each measurement states, and every check kind can pass and fail."""

import numpy as np
import pandas as pd
import pytest

from analysis.validation.scorecard import evaluate_checks, scorecard, score, summary
from myokine.cli import main
from myokine.evidence import Check, DataLink
from myokine.experiments import Experiment

DEFAULTS = {"bout_start": 60.0, "il6_infusion_start": 60.0}


def frame(values) -> pd.DataFrame:
    """One condition 'default' sampled every 10 min from t = 0; the bout starts at 60."""
    return pd.DataFrame({"condition": "default", "time": np.arange(len(values)) * 10.0, "IL6_plasma": values,
                         "IL6_mRNA_fold": values, "IL6_release_per_kg": values})


RISE = frame([2, 2, 2, 2, 2, 2, 2, 4, 6, 8, 10, 8, 6, 4, 2, 2, 2, 2])  # baseline 2 at t = 60, peak 10 at t = 100


def experiment(links=(), checks=()) -> Experiment:
    return Experiment("probe", "probe", end=170, step=10, role="calibration", links=tuple(links), checks=tuple(checks))


def test_fold_at_a_time_and_window_statistics():
    links = [DataLink("keller2001_il6_mrna_normal_glycogen", "default", time=40),  # fold 30 reported
             DataLink("steensberg2000_il6_release_exercising_leg_last2h", "default", window=(0, 60), statistic="mean")]
    rows = score(experiment(links), RISE, DEFAULTS)
    assert rows[0].model == pytest.approx(10 / 2) and rows[0].ratio == pytest.approx(5 / 30)
    assert not rows[0].within_2x and rows[0].in_range is None and rows[0].timing == "assumed"
    # the time-average over 0..60 min after the start (trapezoid rule): 10 x (3+5+7+9+9+7) / 60
    assert rows[1].model == pytest.approx(400 / 60)
    assert rows[1].in_range is True  # within the reported range 3.96-9.69


@pytest.mark.parametrize(
    ("check", "passes"),
    [
        (Check("C", "", "rises", "IL6_plasma", "default", window=(0, 60)), True),
        (Check("C", "", "rises", "IL6_plasma", "default", window=(80, 100)), False),
        (Check("C", "", "unchanged", "IL6_plasma", "default", window=(-60, 0)), True),
        (Check("C", "", "unchanged", "IL6_plasma", "default", window=(0, 60)), False),
        (Check("C", "", "returns", "IL6_plasma", "default", time=80), True),
        (Check("C", "", "returns", "IL6_plasma", "default", time=40), False),
        (Check("C", "", "peak_within", "IL6_plasma", "default", window=(30, 50)), True),
        (Check("C", "", "peak_within", "IL6_plasma", "default", window=(50, 70)), False),
        (Check("C", "", "greater", "IL6_plasma", "default", window=(0, 60), than_window=(-60, 0)), True),
        (Check("C", "", "greater", "IL6_plasma", "default", window=(-60, 0), than_window=(0, 60)), False),
        (Check("C", "", "similar", "IL6_plasma", "default", window=(-60, 0), than_window=(90, 110), tolerance=0.01), True),
        (Check("C", "", "similar", "IL6_plasma", "default", window=(0, 60), than_window=(90, 110)), False),
    ],
)
def test_every_check_kind_can_pass_and_fail(check, passes):
    (result,) = evaluate_checks(experiment(checks=[check]), RISE, DEFAULTS)
    assert result.passed is passes, result.detail


def test_summary_counts_per_role():
    scores, checks = scorecard([experiment([DataLink("keller2001_il6_mrna_normal_glycogen", "default", time=40)])],
                               {"probe": RISE}, DEFAULTS)
    assert summary(scores, checks)[0] == ("calibration: 0 of 1 measurements within 2x, 0 of 0 within the reported "
                                          "range; 0 of 0 qualitative checks pass")


def test_validate_prints_the_scorecard_and_writes_csv(tmp_path, capsys):
    assert main(["validate", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "keller2001_il6_plasma_fold_low_glycogen" in out
    assert out.rstrip().splitlines()[-2].startswith("calibration: ")
    assert out.rstrip().splitlines()[-1].startswith("validation: ")
    scores = pd.read_csv(tmp_path / "scorecard.csv")
    checks = pd.read_csv(tmp_path / "checks.csv")
    assert set(scores["role"]) == {"calibration", "validation"} and len(checks) > 20
    assert (scores["model"] > 0).all() and scores["ratio"].notna().all()


def test_the_band_of_a_measurement_spans_its_ensemble_and_is_counted():
    """Fold 30 reported (within 2x: 15-60); ensemble runs whose rise above the baseline of 2 is
    1, 2 and 4 times the model's give folds 5, 9 and 17 at 40 min."""
    link = DataLink("keller2001_il6_mrna_normal_glycogen", "default", time=40)
    runs = [RISE.assign(IL6_mRNA_fold=2 + (RISE["IL6_mRNA_fold"] - 2) * factor) for factor in (1, 2, 4)]
    (row,) = score(experiment([link]), RISE, DEFAULTS, runs)
    assert (row.band_low, row.model, row.band_high) == pytest.approx((5, 5, 17))
    scores, checks = scorecard([experiment([link])], {"probe": RISE}, DEFAULTS, {"probe": runs[:2]})
    assert "the 95 % band reaches the reported range (2x where none) for 0 of 1" in summary(scores, checks)[0]
    scores, checks = scorecard([experiment([link])], {"probe": RISE}, DEFAULTS, {"probe": runs})
    assert "for 1 of 1" in summary(scores, checks)[0]
