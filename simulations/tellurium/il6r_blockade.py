"""Acute bout with and without IL-6 receptor blockade

The acute endurance bout (60 min at 70 % VO2max) in a subject whose IL-6 receptor signalling is
fully blocked (tocilizumab) from the start, against the same bout without blockade. Blockade
slows receptor-mediated IL-6 clearance, so plasma IL-6 runs higher (Nishimoto 2008).

Generated from simulations/il6r_blockade.toml by analysis/export/tellurium_scripts.py
(make scripts); needs only tellurium, pandas, matplotlib and the released SBML.
Usage: python il6r_blockade.py [output folder]
(writes il6r_blockade.csv and .png there; default: the current folder).
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
    """The observables from 0 to 480 min at 241 time points, as a tidy frame."""
    selections = ["time", *OBSERVABLES]
    frame = pd.DataFrame(r.simulate(0, 480, 241, selections=selections), columns=selections)
    frame.insert(0, "condition", condition)
    return frame


frames = []

# control
r.resetAll()
r.exercise_intensity = 0.7  # exercise intensity (fraction of VO2max)
r.bout_start = 60  # first bout start time (min)
r.bout_duration = 60  # bout duration (min)
r.bout_count = 1  # number of bouts (bouts)
r.active_muscle_mass = 20  # working muscle mass (kg)
r.il6r_blockade = 0  # IL-6 receptor blockade fraction (fraction)
frames.append(simulate("control"))

# blockade
r.resetAll()
r.exercise_intensity = 0.7  # exercise intensity (fraction of VO2max)
r.bout_start = 60  # first bout start time (min)
r.bout_duration = 60  # bout duration (min)
r.bout_count = 1  # number of bouts (bouts)
r.active_muscle_mass = 20  # working muscle mass (kg)
r.il6r_blockade = 1  # IL-6 receptor blockade fraction (fraction)
frames.append(simulate("blockade"))

results = pd.concat(frames, ignore_index=True)
OUT.mkdir(parents=True, exist_ok=True)
results.to_csv(OUT / "il6r_blockade.csv", index=False)

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
fig.savefig(OUT / "il6r_blockade.png", dpi=80)
