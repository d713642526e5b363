"""One multi-panel figure per experiment: every observable over time, grouped by tissue, with
the measurements the experiment reproduces drawn over the model's curves.

Figures are drawn with matplotlib's object API (no pyplot state, no backend switch) and
seaborn's axes-level plots; panel titles and unit labels come from the observables table. A
measurement reported as a fold or percent change is drawn in the observable's units, scaled by
the model's resting value; its bar is the reported range. Where the model carries estimates, the
shaded area around each curve is the 95 % prediction band (``myokine.estimates``).
"""

import math
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from myokine.evidence import ObservableSeries, to_observable_units
from myokine.experiments import Experiment
from myokine.fileio import write_atomically
from myokine.interface import OBSERVABLES
from myokine.measurements import read_measurements
from myokine.parallel import Engine
from myokine.results import CONDITION, TIME

COLUMNS = 3


def panel_title(observable: str) -> str:
    entry = OBSERVABLES[observable]
    return f"{entry.tissue}: {observable}\n({entry.display_unit})"


def draw_measurements(ax, frame: pd.DataFrame, experiment: Experiment, observable: str,
                      defaults: Mapping[str, float], hours: bool) -> None:
    """The experiment's measurements of ``observable``: points with error bars in their condition's
    colour (a triangle for a lower bound)."""
    measurements = read_measurements()
    several = len(experiment.conditions) > 1
    colours = dict(zip(experiment.conditions, sns.color_palette()))
    for link in experiment.links:
        measurement = measurements[link.measurement]
        if measurement.observable != observable:
            continue
        start = experiment.clock_start(link.condition, defaults)
        baseline = ObservableSeries(frame, link.condition, observable, start).baseline
        if link.window is not None:
            time = start + sum(link.window) / 2
        else:
            time = start + (measurement.time if measurement.time is not None else link.time)
        y = to_observable_units(measurement, measurement.central, baseline)
        interval = measurement.interval()
        if interval is None:
            error = None
        else:
            low, high = (to_observable_units(measurement, bound, baseline) for bound in interval)
            high = high if math.isfinite(high) else y
            error = [[y - low], [high - y]]
        ax.errorbar(time / (60 if hours else 1440), y, yerr=error, fmt="^" if measurement.statistic == "lower_bound" else "o",
                    color=colours[link.condition] if several else "black", markeredgecolor="black", capsize=3,
                    markersize=5, zorder=5)


Band = tuple[pd.DataFrame, pd.DataFrame]  # lowest and highest values, shaped like the frame


def draw_band(ax, band: Band, observable: str, conditions: list[str], scale: float) -> None:
    low, high = band
    for condition, colour in zip(conditions, sns.color_palette()):
        rows = low[CONDITION] == condition
        ax.fill_between(low.loc[rows, TIME] / scale, low.loc[rows, observable], high.loc[rows, observable],
                        color=colour, alpha=0.25, linewidth=0)


def plot_experiment(frame: pd.DataFrame, experiment: Experiment, path: Path, defaults: Mapping[str, float],
                    band: Band | None = None) -> None:
    """Write the experiment's figure (PNG) to ``path``, with the prediction band if given."""
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
        if band is not None:
            draw_band(ax, band, name, list(data[CONDITION].unique()), 60 if hours else 1440)
        draw_measurements(ax, frame, experiment, name, defaults, hours)
        ax.set_title(panel_title(name), size=9)
        ax.set_xlabel("time (h)" if hours else "time (days)")
        ax.set_ylabel("")
        ax.ticklabel_format(axis="y", useOffset=False)
    for ax in axes[len(observables):]:
        ax.set_visible(False)
    figure.suptitle(experiment.title + ("\n(shaded: 95 % prediction band of the estimates)" if band is not None else ""))
    write_atomically(path, lambda tmp: figure.savefig(tmp, format="png", dpi=100))


def _plot(job: tuple[pd.DataFrame, Experiment, Path, Mapping[str, float], Band | None]) -> Path:
    frame, experiment, path, defaults, band = job
    plot_experiment(frame, experiment, path, defaults, band)
    return path


def plot_experiments(
    frames: Mapping[str, pd.DataFrame], experiments: list[Experiment], out_dir: Path, engine: Engine,
    defaults: Mapping[str, float], bands: Mapping[str, Band] | None = None,
) -> list[Path]:
    """Every experiment's figure (``<name>.png``), drawn by ``engine``: plotting is the slow part.
    ``defaults`` are the model's parameter values (for the start of each intervention); ``bands``
    the prediction bands by experiment, if any."""
    bands = bands or {}
    jobs = [(frames[e.name], e, Path(out_dir) / f"{e.name}.png", dict(defaults), bands.get(e.name))
            for e in experiments]
    return engine.map(_plot, jobs, "figures")
