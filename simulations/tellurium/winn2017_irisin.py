"""Plasma irisin during moderate and interval exercise (Winn 2017)

Winn et al. 2017 (PLoS One e0170690): obese women exercised at 55 % VO2max (moderate) or in
intervals of 4 min at 80 % and 3 min at 50 % (mean about 67 %), isocalorically, followed to
190 min (validation data V4). Durations (45 and 40 min), the interval mean as a constant
intensity, and 15 kg of working muscle are assumed.

Generated from simulations/winn2017_irisin.toml by analysis/export/tellurium_scripts.py
(make scripts); needs only tellurium, pandas, matplotlib and the released SBML.
Usage: python winn2017_irisin.py [output folder]
(writes winn2017_irisin.csv and .png there; default: the current folder).
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
    """The observables from 0 to 300 min at 301 time points, as a tidy frame."""
    selections = ["time", *OBSERVABLES]
    frame = pd.DataFrame(r.simulate(0, 300, 301, selections=selections), columns=selections)
    frame.insert(0, "condition", condition)
    return frame


frames = []

# moderate_55
r.resetAll()
r.bout_start = 60  # first bout start time (min)
r.bout_count = 1  # number of bouts (bouts)
r.active_muscle_mass = 15  # working muscle mass (kg)
r.exercise_intensity = 0.55  # exercise intensity (fraction of VO2max)
r.bout_duration = 45  # bout duration (min)
frames.append(simulate("moderate_55"))

# interval_80_50
r.resetAll()
r.bout_start = 60  # first bout start time (min)
r.bout_count = 1  # number of bouts (bouts)
r.active_muscle_mass = 15  # working muscle mass (kg)
r.exercise_intensity = 0.67  # exercise intensity (fraction of VO2max)
r.bout_duration = 40  # bout duration (min)
frames.append(simulate("interval_80_50"))

results = pd.concat(frames, ignore_index=True)
OUT.mkdir(parents=True, exist_ok=True)
results.to_csv(OUT / "winn2017_irisin.csv", index=False)

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
fig.savefig(OUT / "winn2017_irisin.png", dpi=80)
