"""A plain tellurium script for every declared experiment, generated from its declaration.

``simulations/tellurium/<experiment>.py`` needs only tellurium, pandas, matplotlib and the
released SBML: it loads the model once and, per condition, resets it, sets the parameters the
ordinary way (``r.exercise_intensity = 0.7``), simulates at the runner's tolerances, and writes
``<experiment>.csv`` (the runner's columns) and ``<experiment>.png`` (one panel per observable).
``python -m analysis.export.tellurium_scripts [OUT_DIR]`` (``make scripts``) regenerates them.
"""

import argparse
import math
import textwrap
from pathlib import Path

from myokine.experiments import Experiment, list_experiments
from myokine.fileio import write_text_atomically
from myokine.interface import OBSERVABLE_IDS, PROTOCOL
from myokine.paths import SIMULATIONS_DIR
from myokine.simulator import ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE

SCRIPTS_DIR = SIMULATIONS_DIR / "tellurium"
COLUMNS = 4  # panels per row of the figure

HEADER = '''"""{title}

{description}

Generated from simulations/{name}.toml by analysis/export/tellurium_scripts.py
(make scripts); needs only tellurium, pandas, matplotlib and the released SBML.
Usage: python {name}.py [output folder]
(writes {name}.csv and .png there; default: the current folder).
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
{observables}
]

r = te.loadSBMLModel(str(MODEL))
r.integrator.relative_tolerance = {rtol}  # the tolerances of the project's runner
r.integrator.absolute_tolerance = {atol}


def simulate(condition):
    """The observables from 0 to {end} min at {points} time points, as a tidy frame."""
    selections = ["time", *OBSERVABLES]
    frame = pd.DataFrame(r.simulate(0, {end}, {points}, selections=selections), columns=selections)
    frame.insert(0, "condition", condition)
    return frame


frames = []
'''

CONDITION = '''
# {condition}
r.resetAll()
{settings}frames.append(simulate("{condition}"))
'''

FOOTER = '''
results = pd.concat(frames, ignore_index=True)
OUT.mkdir(parents=True, exist_ok=True)
results.to_csv(OUT / "{name}.csv", index=False)

fig, axes = plt.subplots({rows}, {columns}, figsize=({width}, {height}), sharex=True, squeeze=False)
for ax, name in zip(axes.flat, OBSERVABLES):
    for condition, frame in results.groupby("condition", sort=False):
        ax.plot(frame["time"], frame[name], label=condition)
    ax.set_title(name, fontsize=9)
for ax in axes.flat[len(OBSERVABLES):]:
    ax.axis("off")
{legend}fig.supxlabel("time (min)")
fig.suptitle(__doc__.splitlines()[0])
fig.subplots_adjust(left={left}, right=0.98, bottom={bottom}, top={top}, hspace=0.45, wspace=0.3)
fig.savefig(OUT / "{name}.png", dpi=80)
'''


def number(value: float) -> str:
    """A value as it reads in Python source: whole numbers without a decimal point."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def setting(name: str, value: float) -> str:
    """``r.<name> = <value>``, with the protocol parameter's name and unit as a comment."""
    line = f"r.{name} = {number(value)}"
    protocol = PROTOCOL.get(name)
    return f"{line}  # {protocol.name} ({protocol.display_unit})\n" if protocol else f"{line}\n"


def script(experiment: Experiment) -> str:
    """The tellurium script of one experiment."""
    observables = experiment.observables or OBSERVABLE_IDS
    quoted = ", ".join(f'"{name}"' for name in observables)
    columns = min(COLUMNS, len(observables))
    rows = math.ceil(len(observables) / columns)
    header = HEADER.format(
        title=experiment.title,
        description=experiment.description.strip(),
        name=experiment.name,
        observables=textwrap.fill(quoted, width=96, initial_indent="    ", subsequent_indent="    ") + ",",
        rtol=RELATIVE_TOLERANCE,
        atol=ABSOLUTE_TOLERANCE,
        end=number(experiment.grid.end),
        points=experiment.grid.points,
    )
    conditions = "".join(
        CONDITION.format(
            settings="".join(setting(n, v) for n, v in experiment.condition_parameters(condition).items()),
            condition=condition,
        )
        for condition in experiment.conditions
    )
    width, height = 4 * columns, 2.5 * rows
    footer = FOOTER.format(
        name=experiment.name,
        rows=rows,
        columns=columns,
        width=width,
        height=number(height),
        left=round(0.9 / width, 3),  # margins in inches, as fractions of the figure
        bottom=round(0.5 / height, 3),
        top=round(1 - 0.7 / height, 3),
        legend='axes.flat[0].legend(fontsize=8)\n' if len(experiment.conditions) > 1 else "",
    )
    return header + conditions + footer


def write_scripts(out_dir: Path = SCRIPTS_DIR) -> list[Path]:
    """Write ``<experiment>.py`` for every declared experiment; return the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for experiment in list_experiments():
        path = out_dir / f"{experiment.name}.py"
        write_text_atomically(path, script(experiment))
        paths.append(path)
    return paths


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m analysis.export.tellurium_scripts", description=__doc__)
    parser.add_argument("out_dir", nargs="?", type=Path, default=SCRIPTS_DIR, help="where to write the scripts")
    for path in write_scripts(parser.parse_args().out_dir):
        print(path)
