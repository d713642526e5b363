"""One multi-panel figure per experiment: every observable over time, grouped by tissue.

Figures are drawn with matplotlib's object API (no pyplot state, no backend switch) and
seaborn's axes-level plots; panel titles and unit labels come from the observables table.
"""

import math
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from myokine.experiments import Experiment
from myokine.fileio import write_atomically
from myokine.interface import OBSERVABLES
from myokine.parallel import Engine
from myokine.results import CONDITION, TIME

COLUMNS = 3


def panel_title(observable: str) -> str:
    entry = OBSERVABLES[observable]
    return f"{entry.tissue}: {observable}\n({entry.display_unit})"


def plot_experiment(frame: pd.DataFrame, experiment: Experiment, path: Path) -> None:
    """Write the experiment's figure (PNG) to ``path``."""
    observables = [name for name in OBSERVABLES if name in frame.columns]
    hours = experiment.end <= 3 * 1440
    data = frame.assign(t=frame[TIME] / (60 if hours else 1440))
    several = data[CONDITION].nunique() > 1
    rows = math.ceil(len(observables) / COLUMNS)
    figure = Figure(figsize=(3.4 * COLUMNS, 2.6 * rows), layout="constrained")
    axes = list(figure.subplots(rows, COLUMNS, squeeze=False).flat)
    for ax, name in zip(axes, observables):
        sns.lineplot(data=data, x="t", y=name, hue=CONDITION if several else None, ax=ax,
                     estimator=None, errorbar=None, legend=several and ax is axes[0])
        ax.set_title(panel_title(name), size=9)
        ax.set_xlabel("time (h)" if hours else "time (days)")
        ax.set_ylabel("")
        ax.ticklabel_format(axis="y", useOffset=False)
    for ax in axes[len(observables):]:
        ax.set_visible(False)
    figure.suptitle(experiment.title)
    write_atomically(path, lambda tmp: figure.savefig(tmp, format="png", dpi=100))


def _plot(job: tuple[pd.DataFrame, Experiment, Path]) -> Path:
    frame, experiment, path = job
    plot_experiment(frame, experiment, path)
    return path


def plot_experiments(
    frames: Mapping[str, pd.DataFrame], experiments: list[Experiment], out_dir: Path, engine: Engine
) -> list[Path]:
    """Every experiment's figure (``<name>.png``), drawn by ``engine``: plotting is the slow part."""
    jobs = [(frames[e.name], e, Path(out_dir) / f"{e.name}.png") for e in experiments]
    return engine.map(_plot, jobs, "figures")
