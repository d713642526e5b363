"""Physiological sanity of the model's responses (directions and bounds, not curve fits)."""

import numpy as np
import pytest

from tests.helpers import schedule
from myokine.experiments import TimeGrid, load_experiment
from myokine.paths import SIMULATIONS_DIR
from myokine.simulator import ABSOLUTE_TOLERANCE

ACUTE = load_experiment(SIMULATIONS_DIR / "acute_bout.toml")
PROTOCOL_STATE = ["exercising", "bouts_started", "infusing"]  # the schedule's flags and counter


def peak_il6(simulator, **changes):
    frame = simulator.run(ACUTE.condition_parameters("default") | changes, TimeGrid(1440, 2), ["IL6_plasma"])
    return frame["IL6_plasma"].max()


@pytest.mark.parametrize("rest", [{"bout_count": 0}, {"exercise_intensity": 0}])
def test_resting_subject_is_steady_for_24_h(simulator, rest):
    frame = simulator.run(rest, TimeGrid(1440, 10), states=True)
    values = frame.drop(columns=["time", *PROTOCOL_STATE])
    initial = values.iloc[0]
    deviation = (values - initial).abs().max() / initial.abs().where(initial != 0, 1.0)  # a change from 0: absolute
    assert deviation.max() < 0.01, deviation.sort_values().tail(3).to_dict()


def test_rest_experiment_is_steady(results):
    values = results["rest_24h"].drop(columns=["condition", "time", *PROTOCOL_STATE])
    initial = values.iloc[0]
    assert ((values - initial).abs().max() / initial.abs().where(initial != 0, 1.0)).max() < 0.01


def test_no_state_goes_negative_in_any_experiment(results, simulator):
    """Below zero by more than the integrator's absolute tolerance (a state held at 0 by events,
    such as the exercising flag, is interpolated to within about 1e-31 of it)."""
    signed = {"Glycogen_change"}  # glycogen's change since t = 0; glycogen_fraction is checked instead
    for name, frame in results.items():
        states = frame[[s for s in simulator.species if s not in signed] + ["glycogen_fraction"]]
        assert (states.to_numpy() >= -ABSOLUTE_TOLERANCE).all(), f"{name}: negative {states.min().idxmin()}"


def test_il6_rises_during_a_bout_and_returns_toward_rest(results, experiments):
    frame = results["acute_bout"]
    start, end = schedule(experiments["acute_bout"]).bout(0)
    before = frame.loc[frame.time <= start, "IL6_plasma"]
    bout_end = frame.loc[frame.time == end, "IL6_plasma"].item()
    late = frame["IL6_plasma"].iloc[-1]
    assert bout_end > 3 * before.iloc[-1]
    assert end <= frame.loc[frame["IL6_plasma"].idxmax(), "time"] <= end + 60  # peak within 1 h of the end
    assert late < before.iloc[-1] + 0.1 * (bout_end - before.iloc[-1])


def test_longer_bout_gives_more_il6(simulator):
    assert peak_il6(simulator, bout_duration=120) > 1.2 * peak_il6(simulator, bout_duration=60)


def test_higher_intensity_gives_more_il6(simulator):
    assert peak_il6(simulator, exercise_intensity=0.8) > 1.1 * peak_il6(simulator, exercise_intensity=0.5)


def test_more_working_muscle_releases_more_il6(simulator):
    assert peak_il6(simulator, active_muscle_mass=20) > 2 * peak_il6(simulator, active_muscle_mass=5)


def test_low_glycogen_raises_the_il6_response(results):
    frame = results["keller2001_glycogen"]
    peaks = frame.groupby("condition")[["IL6_plasma", "IL6_mRNA_fold"]].max()
    assert (peaks.loc["low_glycogen"] > 1.2 * peaks.loc["normal_glycogen"]).all()


def test_energy_stress_threshold_for_ampk(simulator):
    def ampk(intensity):
        frame = simulator.run(
            ACUTE.condition_parameters("default") | {"exercise_intensity": intensity},
            TimeGrid(240, 2), ["AMPK_activity_fold"],
        )
        return frame["AMPK_activity_fold"].max()

    assert ampk(0.5) < 1.3 < 2 < ampk(0.75)


def test_il6_receptor_blockade_slows_clearance(results):
    peaks = results["il6r_blockade"].groupby("condition")["IL6_plasma"].max()
    assert peaks["blockade"] > 1.5 * peaks["control"]


def test_il6_infusion_raises_plasma_il6_only_while_it_runs(results, experiments):
    frame = results["il6_infusion"].set_index("time")["IL6_plasma"]
    times = schedule(experiments["il6_infusion"])
    assert frame[: times.infusion_start].to_numpy() == pytest.approx(frame[0], rel=1e-6)
    plateau = frame[times.infusion_end - 10]
    assert plateau > 50 * frame[0]
    assert frame.index[-1] >= times.infusion_end + 240
    assert frame.iloc[-1] - frame[0] < 0.01 * (plateau - frame[0])  # the rise is gone 4 h later


def test_every_daily_bout_happens(simulator, experiments):
    training = experiments["training_6_weeks"]
    frame = simulator.run(
        training.condition_parameters("default"), TimeGrid(training.end, 5), ["exercising", "bouts_started"]
    )
    times = schedule(training)
    starts = np.flatnonzero(np.diff(frame["exercising"].to_numpy()) > 0.5)
    assert len(starts) == times.bout_count
    assert frame["bouts_started"].iloc[-1] == times.bout_count
    assert np.allclose(np.diff(frame["time"].to_numpy()[starts + 1]), times.bout_interval)


def test_no_bout_when_bout_count_is_zero(simulator):
    frame = simulator.run({"bout_count": 0}, TimeGrid(1440, 5), ["exercising", "bouts_started"])
    assert frame["exercising"].max() == 0 and frame["bouts_started"].max() == 0


def test_bout_at_time_zero_fires(simulator):
    frame = simulator.run({"bout_start": 0, "bout_duration": 30}, TimeGrid(60, 1), ["exercising"])
    assert frame["exercising"].iloc[1] == 1 and frame["exercising"].iloc[-1] == 0
