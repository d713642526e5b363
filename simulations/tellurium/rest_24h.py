"""Rest, 24 h

No exercise and no infusion: every state should stay at its resting value.

Generated from simulations/rest_24h.toml by analysis/export/tellurium_scripts.py
(make scripts); needs only tellurium, pandas, matplotlib and the released SBML.
Usage: python rest_24h.py [output folder]
(writes rest_24h.csv and .png there; default: the current folder).
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
    """The observables from 0 to 1440 min at 145 time points, as a tidy frame."""
    selections = ["time", *OBSERVABLES]
    frame = pd.DataFrame(r.simulate(0, 1440, 145, selections=selections), columns=selections)
    frame.insert(0, "condition", condition)
    return frame


frames = []

# default
r.resetAll()
r.bout_count = 0  # number of bouts (bouts)
frames.append(simulate("default"))

results = pd.concat(frames, ignore_index=True)
OUT.mkdir(parents=True, exist_ok=True)
results.to_csv(OUT / "rest_24h.csv", index=False)

fig, axes = plt.subplots(6, 4, figsize=(16, 15), sharex=True, squeeze=False)
for ax, name in zip(axes.flat, OBSERVABLES):
    for condition, frame in results.groupby("condition", sort=False):
        ax.plot(frame["time"], frame[name], label=condition)
    ax.set_title(name, fontsize=9)
for ax in axes.flat[len(OBSERVABLES):]:
    ax.axis("off")
fig.supxlabel("time (min)")
fig.suptitle(__doc__.splitlines()[0])
fig.subplots_adjust(left=0.056, right=0.98, bottom=0.033, top=0.953, hspace=0.45, wspace=0.3)
fig.savefig(OUT / "rest_24h.png", dpi=80)
