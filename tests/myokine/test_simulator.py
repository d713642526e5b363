"""The runner: tidy output, parameter changes that do not leak between runs, clear errors."""

import re

import numpy as np
import pytest

from myokine.experiments import TimeGrid

from myokine import MyokineError, Simulator, load_experiment, simulate
from myokine.interface import OBSERVABLE_IDS as OBSERVABLES
from myokine.paths import SBML_PATH, SIMULATIONS_DIR

ACUTE = load_experiment(SIMULATIONS_DIR / "acute_bout.toml")


def test_output_is_one_row_per_time_point_and_one_column_per_observable():
    frame = simulate(ACUTE)
    assert list(frame.columns) == ["condition", "time", *OBSERVABLES]
    assert len(frame) == 1440 // 2 + 1
    assert np.allclose(np.diff(frame["time"]), 2)


def test_conditions_share_one_frame():
    keller = load_experiment(SIMULATIONS_DIR / "keller2001_glycogen.toml")
    frame = simulate(keller)
    assert set(frame["condition"]) == {"normal_glycogen", "low_glycogen"}


def test_changed_parameters_do_not_leak_into_the_next_run(simulator):
    fresh = Simulator(SBML_PATH)
    expected = fresh.run(ACUTE.parameters, TimeGrid(600, 5))
    simulator.run(ACUTE.parameters | {"active_muscle_mass": 2.5, "glycogen_initial": 0.5}, TimeGrid(600, 5))
    again = simulator.run(ACUTE.parameters, TimeGrid(600, 5))
    assert np.allclose(again.to_numpy(), expected.to_numpy(), rtol=1e-10, atol=0)


def test_initial_assignments_follow_changed_parameters(simulator):
    frame = simulator.run({"glycogen_initial": 0.6, "bout_count": 0}, TimeGrid(10, 10), ["glycogen_fraction"])
    assert frame["glycogen_fraction"].iloc[0] == pytest.approx(0.6)


def test_same_input_gives_identical_output(simulator):
    first = simulator.run(ACUTE.parameters, TimeGrid(1440, 10))
    second = simulator.run(ACUTE.parameters, TimeGrid(1440, 10))
    assert first.equals(second)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"bout_cuont": 2}, "unknown parameter 'bout_cuont' (did you mean bout_count"),
        ({"IL6_plasma": 2}, "IL6_plasma is computed by the model"),
        ({"bout_duration": -5}, "bout_duration must not be negative"),
        ({"exercise_intensity": float("nan")}, "exercise_intensity must be finite"),
        ({"exercise_intensity": float("inf")}, "exercise_intensity must be finite"),
        ({"bout_count": 1.5}, "bout_count must be a whole number"),
        ({"il6r_blockade": 2}, "il6r_blockade must be within [0, 1]"),
        ({"exercise_intensity": 5}, "exercise_intensity must be within [0, 1.2]"),
        ({"bout_count": 3, "bout_duration": 60, "bout_interval": 30}, "bout_interval (30 min) is shorter than bout_duration"),
    ],
)
def test_bad_parameter_values_are_refused(simulator, changes, message):
    with pytest.raises(MyokineError, match=re.escape(message)):
        simulator.run(changes, TimeGrid(60, 1))


def test_unknown_observable_is_refused(simulator):
    with pytest.raises(MyokineError, match="unknown observable 'IL6_plasm'"):
        simulator.run({}, TimeGrid(60, 1), ["IL6_plasm"])


@pytest.mark.parametrize(("end", "step"), [(-10, 1), (0, 1), (60, 0), (60, 7), (10, 20)])
def test_bad_times_are_refused(end, step):
    with pytest.raises(MyokineError):
        simulate(ACUTE.with_changes(end=end, step=step))


def test_failed_integration_is_reported(tmp_path):
    # A model whose state blows up in finite time: dx/dt = x^2 from x = 1 diverges at t = 1.
    sbml = SBML_PATH.read_text(encoding="utf-8")
    broken = sbml.replace("<ci> k_ca </ci>\n              <ci> Ca_rest </ci>", "<ci> Ca_cyt </ci>\n              <ci> Ca_cyt </ci>", 1)
    assert broken != sbml
    path = tmp_path / "broken.xml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(MyokineError, match="integration failed"):
        Simulator(path).run({"bout_count": 0}, TimeGrid(1440, 10))
