"""Experiments say what they reproduce: their links to data/ and their qualitative checks."""

import re

import pytest

from myokine.errors import InputError
from myokine.experiments import list_experiments, load_experiment
from myokine.measurements import read_measurements
from myokine.paths import SIMULATIONS_DIR

MEASUREMENTS = read_measurements()
EXPERIMENTS = list_experiments()


@pytest.mark.parametrize("experiment", EXPERIMENTS, ids=lambda e: e.name)
def test_links_name_existing_measurements_of_the_experiments_role(experiment):
    for link in experiment.links:
        measurement = MEASUREMENTS[link.measurement]
        assert measurement.role == experiment.role and measurement.readable
        assert link.condition in experiment.conditions


@pytest.mark.parametrize("experiment", EXPERIMENTS, ids=lambda e: e.name)
def test_assumed_settings_are_settings_of_the_experiment(experiment):
    set_here = {name for condition in experiment.conditions for name in experiment.condition_parameters(condition)}
    assert set(experiment.assumed) <= set_here


def test_no_validation_measurement_reaches_a_calibration_experiment():
    for experiment in EXPERIMENTS:
        if experiment.role == "calibration":
            assert all(MEASUREMENTS[link.measurement].role == "calibration" for link in experiment.links)


def test_every_readable_comparable_calibration_measurement_is_used_at_most_once():
    used = [link.measurement for e in EXPERIMENTS for link in e.links]
    assert len(used) == len(set(used)) and used


BASE = 'title = "t"\nend = 600\nstep = 10\n[parameters]\nbout_count = 1\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('role = "calibration"\n' + BASE + '[[data]]\nmeasurement = "nothing_like_this"\ntime = 10\n',
         "no measurement 'nothing_like_this'"),
        ('role = "calibration"\n' + BASE + '[[data]]\nmeasurement = "winn2017_irisin_peak_moderate"\nwindow = [0, 100]\nstatistic = "max"\n',
         "is validation data; a calibration experiment may only use calibration data"),
        (BASE + '[[data]]\nmeasurement = "keller2001_il6_mrna_normal_glycogen"\ntime = 180\n',
         "calibration data; a scenario experiment may only use scenario data"),
        ('role = "calibration"\n' + BASE + '[[data]]\nmeasurement = "keller2001_il6_mrna_normal_glycogen"\n',
         "give a time or a window only where the measurement has no time"),
        ('role = "calibration"\n' + BASE + '[[data]]\nmeasurement = "keller2001_il6_transcription_low_glycogen_t90"\ntime = 5\n',
         "give a time or a window only where the measurement has no time"),
        ('role = "calibration"\n' + BASE + '[[data]]\nmeasurement = "steensberg2000_il6_plasma_hourly"\ntime = 60\n',
         "has no value (not read from the paper)"),
        ('role = "calibration"\n' + BASE + '[[data]]\nmeasurement = "helge2003_thigh_vo2_w25"\ntime = 60\n',
         "the model cannot compute helge2003_thigh_vo2_w25"),
        (BASE + '[[checks]]\nitem = "C5b"\nwhat = "x"\nkind = "rises"\nobservable = "IL6_plasma"\n',
         "a 'rises' check needs a window"),
        (BASE + '[[checks]]\nitem = "C5b"\nwhat = "x"\nkind = "soars"\nobservable = "IL6_plasma"\nwindow = [0, 1]\n',
         "kind must be one of"),
    ],
)
def test_bad_links_and_checks_are_refused_with_the_file_named(tmp_path, text, message):
    path = tmp_path / "mine.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(message)) as error:
        load_experiment(path)
    assert str(path) in str(error.value)


def test_declared_experiments_cover_every_role():
    assert {e.role for e in EXPERIMENTS} == {"calibration", "validation", "scenario"}
    assert load_experiment(SIMULATIONS_DIR / "keller2001_glycogen.toml").assumed
