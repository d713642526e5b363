"""What sets the exercise IL-6 rise: duration, intensity, mode (Fischer 2006)

The review of Fischer 2006 (Exerc Immunol Rev 12:6): the plasma IL-6 rise depends mostly on the
duration of exercise and on its intensity, little on its mode (validation data V6). Whole-body
bouts (20 kg of working muscle) of 30, 60 and 120 min at 60 % VO2max, 60 min at 40 % and 80 %,
and 60 min of resistance exercise at 60 %; all numbers are the experiment's choice.

Generated from simulations/fischer2006_il6_determinants.toml by analysis/export/tellurium_scripts.py
(make scripts); needs only tellurium, pandas, matplotlib and the released SBML.
Usage: python fischer2006_il6_determinants.py [output folder]
(writes fischer2006_il6_determinants.csv and .png there; default: the current folder).
CVODE may warn "t + h = t" where a bout or infusion starts or ends (an event): harmless.
"""

import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd
import tellurium as te

MODEL = Path(__file__).resolve().parents[2] / "models" / "sbml" / "myokine.xml"
OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()
OBSERVABLES = [
    "AMPK_activity_fold", "glycogen_fraction", "PGC1a_transcription_fold", "PGC1a_mRNA_fold",
    "oxidative_capacity", "IL6_transcription_fold", "IL6_mRNA_fold", "IL6_release_per_kg",
    "IL6_plasma", "IL1ra_plasma", "IL10_plasma", "TNFa_plasma", "cortisol_plasma", "CRP_plasma",
    "irisin_plasma", "BDNF_plasma", "lactate_plasma", "lipolysis_rate", "UCP1_adipose_fold",
    "glucose_Ra", "insulin_sensitivity_fold", "BDNF_hippocampus_fold", "neurogenesis_fold",
]

r = te.loadSBMLModel(str(MODEL))
r.integrator.relative_tolerance = 1e-09  # the tolerances of the project's runner
r.integrator.absolute_tolerance = 1e-14


def simulate(condition):
    """The observables from 0 to 360 min at 361 time points, as a tidy frame."""
    selections = ["time", *OBSERVABLES]
    frame = pd.DataFrame(r.simulate(0, 360, 361, selections=selections), columns=selections)
    frame.insert(0, "condition", condition)
    return frame


frames = []

# min30
r.resetAll()
r.bout_start = 60  # first bout start time (min)
r.bout_count = 1  # number of bouts (bouts)
r.active_muscle_mass = 20  # working muscle mass (kg)
r.exercise_intensity = 0.6  # exercise intensity (fraction of VO2max)
r.bout_duration = 30  # bout duration (min)
frames.append(simulate("min30"))

# min60
r.resetAll()
r.bout_start = 60  # first bout start time (min)
r.bout_count = 1  # number of bouts (bouts)
r.active_muscle_mass = 20  # working muscle mass (kg)
r.exercise_intensity = 0.6  # exercise intensity (fraction of VO2max)
r.bout_duration = 60  # bout duration (min)
frames.append(simulate("min60"))

# min120
r.resetAll()
r.bout_start = 60  # first bout start time (min)
r.bout_count = 1  # number of bouts (bouts)
r.active_muscle_mass = 20  # working muscle mass (kg)
r.exercise_intensity = 0.6  # exercise intensity (fraction of VO2max)
r.bout_duration = 120  # bout duration (min)
frames.append(simulate("min120"))

# intensity40
r.resetAll()
r.bout_start = 60  # first bout start time (min)
r.bout_count = 1  # number of bouts (bouts)
r.active_muscle_mass = 20  # working muscle mass (kg)
r.exercise_intensity = 0.4  # exercise intensity (fraction of VO2max)
r.bout_duration = 60  # bout duration (min)
frames.append(simulate("intensity40"))

# intensity80
r.resetAll()
r.bout_start = 60  # first bout start time (min)
r.bout_count = 1  # number of bouts (bouts)
r.active_muscle_mass = 20  # working muscle mass (kg)
r.exercise_intensity = 0.8  # exercise intensity (fraction of VO2max)
r.bout_duration = 60  # bout duration (min)
frames.append(simulate("intensity80"))

# resistance
r.resetAll()
r.bout_start = 60  # first bout start time (min)
r.bout_count = 1  # number of bouts (bouts)
r.active_muscle_mass = 20  # working muscle mass (kg)
r.exercise_intensity = 0.6  # exercise intensity (fraction of VO2max)
r.bout_duration = 60  # bout duration (min)
r.exercise_mode = 1  # exercise mode (0-1)
frames.append(simulate("resistance"))

results = pd.concat(frames, ignore_index=True)
OUT.mkdir(parents=True, exist_ok=True)
results.to_csv(OUT / "fischer2006_il6_determinants.csv", index=False)

fig, axes = plt.subplots(6, 4, figsize=(16, 15), sharex=True, squeeze=False)
for ax, name in zip(axes.flat, OBSERVABLES):
    for condition, frame in results.groupby("condition", sort=False):
        ax.plot(frame["time"], frame[name], label=condition)
    ax.set_title(name, fontsize=9)
for ax in axes.flat[len(OBSERVABLES):]:
    ax.axis("off")
axes.flat[0].legend(fontsize=8)
fig.supxlabel("time (min)")
fig.suptitle(__doc__.splitlines()[0])
fig.subplots_adjust(left=0.056, right=0.98, bottom=0.033, top=0.953, hspace=0.45, wspace=0.3)
fig.savefig(OUT / "fischer2006_il6_determinants.png", dpi=80)
