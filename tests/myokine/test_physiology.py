"""Every observable moves in its documented direction under the experiment that should move it,
and stays put under one that should not, with the training, mode and blockade effects of the
whole-body model."""

import pytest

from tests.helpers import Schedule, schedule

from myokine.interface import OBSERVABLE_IDS as OBSERVABLES

DAY = 1440.0  # min
MOVE_MIN = 0.05  # a move changes the observable by at least 5 % of its starting value
STAY_MAX = 0.04  # staying put keeps it within 4 %

MOVES = [  # observable, experiment, condition, direction, mechanism
    ("AMPK_activity_fold", "acute_bout", None, +1, "energy stress above the threshold"),
    ("glycogen_fraction", "acute_bout", None, -1, "glycogenolysis during work"),
    ("PGC1a_transcription_fold", "acute_bout", None, +1, "AMPK and CaMKII drive PGC-1alpha transcription"),
    ("PGC1a_mRNA_fold", "acute_bout", None, +1, "AMPK and CaMKII drive PGC-1alpha"),
    ("IL6_transcription_fold", "acute_bout", None, +1, "Ca2+/AMPK signals drive IL6 transcription"),
    ("oxidative_capacity", "training_6_weeks", None, +1, "mitochondrial biogenesis"),
    ("IL6_mRNA_fold", "acute_bout", None, +1, "Ca2+/AMPK-driven IL6 transcription"),
    ("IL6_release_per_kg", "acute_bout", None, +1, "IL-6 secretion"),
    ("IL6_plasma", "acute_bout", None, +1, "muscle IL-6 release"),
    ("IL1ra_plasma", "il6_infusion", None, +1, "IL-6 induces IL-1ra (C6)"),
    ("IL10_plasma", "il6_infusion", None, +1, "IL-6 induces IL-10 (C6)"),
    ("cortisol_plasma", "il6_infusion", None, +1, "IL-6 drives the HPA axis (C6, C7)"),
    ("CRP_plasma", "il6_infusion", None, +1, "IL-6 induces the acute phase (C6)"),
    ("TNFa_plasma", "endotoxin_il6", "stimulus", +1, "inflammatory stimulus"),
    ("irisin_plasma", "acute_bout", None, +1, "FNDC5 shedding during contraction"),
    ("BDNF_plasma", "acute_bout", None, +1, "brain BDNF release during exercise (C9)"),
    ("lactate_plasma", "acute_bout", None, +1, "glycolysis beyond oxidative capacity"),
    ("lipolysis_rate", "acute_bout", None, +1, "adrenergic drive"),
    ("lipolysis_rate", "il6_infusion", None, +1, "IL-6 drives lipolysis (C7)"),
    ("glucose_Ra", "acute_bout", None, +1, "adrenergic/glucagon drive of the liver"),
    ("glucose_Ra", "il6_infusion", None, +1, "IL-6 raises glucose appearance (C7)"),
    ("insulin_sensitivity_fold", "acute_bout", None, +1, "TBC1D4 phosphorylation by AMPK"),
    ("UCP1_adipose_fold", "training_6_weeks", None, +1, "irisin-driven browning"),
    ("BDNF_hippocampus_fold", "acute_bout", None, +1, "lactate/irisin -> PGC-1alpha/FNDC5 -> BDNF"),
    ("neurogenesis_fold", "training_6_weeks", None, +1, "TrkB-driven neurogenesis over weeks"),
]
STAYS = [  # observable, experiment, condition, why it should not move
    ("AMPK_activity_fold", "steensberg2000_one_leg", None, "40 % of maximum is below the energy-stress threshold"),
    ("glycogen_fraction", "il6_infusion", None, "no exercise"),
    ("PGC1a_mRNA_fold", "endotoxin_il6", "stimulus", "an inflammatory stimulus alone acts on TNF-alpha only"),
    ("PGC1a_transcription_fold", "endotoxin_il6", "stimulus", "an inflammatory stimulus alone acts on TNF-alpha only"),
    ("IL6_transcription_fold", "endotoxin_il6", "stimulus", "an inflammatory stimulus alone acts on TNF-alpha only"),
    ("oxidative_capacity", "acute_bout", None, "one bout is too little for biogenesis"),
    ("IL6_mRNA_fold", "endotoxin_il6", "stimulus", "an inflammatory stimulus alone acts on TNF-alpha only"),
    ("IL6_release_per_kg", "endotoxin_il6", "stimulus", "an inflammatory stimulus alone acts on TNF-alpha only"),
    ("IL6_plasma", "endotoxin_il6", "stimulus", "an inflammatory stimulus alone acts on TNF-alpha only"),
    ("IL1ra_plasma", "endotoxin_il6", "stimulus", "an inflammatory stimulus alone acts on TNF-alpha only"),
    ("IL10_plasma", "endotoxin_il6", "stimulus", "an inflammatory stimulus alone acts on TNF-alpha only"),
    ("cortisol_plasma", "endotoxin_il6", "stimulus", "an inflammatory stimulus alone acts on TNF-alpha only"),
    ("CRP_plasma", "rest_24h", None, "no IL-6 rise"),
    ("TNFa_plasma", "il6_infusion", None, "rhIL-6 alone does not change TNF-alpha (C6)"),
    ("TNFa_plasma", "acute_bout", None, "exercise alone does not change TNF-alpha"),
    ("irisin_plasma", "endotoxin_il6", "stimulus", "an inflammatory stimulus alone acts on TNF-alpha only"),
    ("BDNF_plasma", "il6_infusion", None, "no exercise, no lactate or irisin rise"),
    ("lactate_plasma", "steensberg2000_one_leg", None, "below the lactate threshold"),
    ("lipolysis_rate", "endotoxin_il6", "stimulus", "an inflammatory stimulus alone acts on TNF-alpha only"),
    ("glucose_Ra", "endotoxin_il6", "stimulus", "an inflammatory stimulus alone acts on TNF-alpha only"),
    ("insulin_sensitivity_fold", "endotoxin_il6", "stimulus", "an inflammatory stimulus alone acts on TNF-alpha only"),
    ("UCP1_adipose_fold", "il6_infusion", None, "no irisin rise"),
    ("BDNF_hippocampus_fold", "steensberg2000_one_leg", None, "small-muscle exercise below the lactate threshold"),
    ("neurogenesis_fold", "acute_bout", None, "neurogenesis changes over weeks"),
]


def series(results, experiment, condition, observable):
    frame = results[experiment]
    if condition is not None:
        frame = frame[frame["condition"] == condition]
    return frame[observable].to_numpy()


def test_every_observable_has_a_mover_and_a_non_mover():
    assert {row[0] for row in MOVES} == set(OBSERVABLES)
    assert {row[0] for row in STAYS} == set(OBSERVABLES)


@pytest.mark.parametrize(
    "observable, experiment, condition, direction, mechanism", MOVES, ids=[f"{m[0]}-{m[1]}" for m in MOVES]
)
def test_observable_moves(results, observable, experiment, condition, direction, mechanism):
    values = series(results, experiment, condition, observable)
    extreme = values.max() if direction > 0 else values.min()
    assert direction * (extreme - values[0]) >= MOVE_MIN * abs(values[0]), mechanism


@pytest.mark.parametrize(
    "observable, experiment, condition, reason", STAYS, ids=[f"{s[0]}-{s[1]}" for s in STAYS]
)
def test_observable_stays_put(results, observable, experiment, condition, reason):
    values = series(results, experiment, condition, observable)
    assert abs(values - values[0]).max() <= STAY_MAX * abs(values[0]), reason


def test_il6_suppresses_stimulated_tnf_alpha(results):
    frame = results["endotoxin_il6"]
    final = frame[frame.time == frame.time.max()].set_index("condition")["TNFa_plasma"]
    assert final["stimulus_with_il6"] < 0.95 * final["stimulus"]


def bout_peak(frame, observable, times: Schedule, number: int) -> float:
    """The peak of ``observable`` from the start of bout ``number`` to the start of the next."""
    start = times.bout(number)[0]
    return frame.loc[(frame.time >= start) & (frame.time < start + times.bout_interval), observable].max()


@pytest.mark.parametrize("observable", ["AMPK_activity_fold", "PGC1a_mRNA_fold", "IL6_plasma"])
def test_training_blunts_the_acute_response(results, experiments, observable):
    times = schedule(experiments["training_6_weeks"])
    frame = results["training_6_weeks"]
    first, last = bout_peak(frame, observable, times, 0), bout_peak(frame, observable, times, times.bout_count - 1)
    assert last < 0.95 * first


def test_detraining_reverses_the_adaptation_slowly(results, experiments):
    frame = results["training_detraining"].set_index("time")["oxidative_capacity"]
    times = schedule(experiments["training_detraining"])
    last_start = times.bout(times.bout_count - 1)[0]
    trained = frame[last_start + DAY]
    assert trained > 1.1
    assert frame[last_start + 14 * DAY] > 1 + 0.25 * (trained - 1)  # still adapted after 2 weeks
    assert frame.index[-1] - last_start > 6 * 7 * DAY
    assert frame.iloc[-1] < 1 + 0.25 * (trained - 1)  # mostly gone more than 6 weeks later


def test_endurance_training_adapts_more_than_resistance(results):
    frame = results["training_12_weeks_modes"]
    final = frame[frame.time == frame.time.max()].set_index("condition")
    for observable in ["oxidative_capacity", "irisin_plasma", "BDNF_hippocampus_fold", "neurogenesis_fold",
                       "insulin_sensitivity_fold", "UCP1_adipose_fold"]:
        endurance, resistance = final.loc["endurance", observable], final.loc["resistance", observable]
        assert endurance > resistance > 1 if observable != "irisin_plasma" else endurance > resistance, observable


def test_resting_trained_state_is_raised(results):
    frame = results["training_12_weeks_modes"]
    rest = frame[frame.time == frame.time.max()].set_index("condition").loc["endurance"]
    start = frame[(frame.time == 0) & (frame.condition == "endurance")].iloc[0]
    for observable in ["irisin_plasma", "BDNF_hippocampus_fold", "neurogenesis_fold", "insulin_sensitivity_fold",
                       "UCP1_adipose_fold"]:
        assert rest[observable] > 1.02 * start[observable], observable


def test_il6_receptor_blockade_reduces_the_lipolytic_response_to_training(results, experiments):
    frame = results["il6r_blockade_training"]
    first_start = schedule(experiments["il6r_blockade_training"]).bout_start
    before = frame[frame.time == first_start - 10].set_index("condition")["lipolysis_rate"]
    peaks = frame.groupby("condition")["lipolysis_rate"].max()
    response = peaks - before
    assert response["blockade"] < 0.99 * response["control"]


def test_resistance_exercise_has_less_energy_stress(results):
    frame = results["training_12_weeks_modes"]
    peaks = frame.groupby("condition")[["AMPK_activity_fold", "lactate_plasma"]].max()
    assert (peaks.loc["resistance"] < peaks.loc["endurance"]).all()
