"""One multi-panel seaborn figure per experiment: every observable over time, grouped by tissue."""

import multiprocessing
import os
import sys
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from myokine.experiments import Experiment  # noqa: E402
from myokine.fileio import write_atomically  # noqa: E402
from myokine.observables import OBSERVABLES  # noqa: E402

UNIT_LABELS = {"nM": "nmol/L", "mM": "mmol/L"}


def unit_label(observable: str, unit: str) -> str:
    """A readable label for an SBML unit id (``umol_per_kg_per_min`` -> ``µmol/kg/min``)."""
    if unit == "dimensionless":
        return "fraction of normal" if observable.endswith("fraction") else "fold of rest"
    label = UNIT_LABELS.get(unit, unit).replace("_per_", "/")
    return "µ" + label[1:] if label.startswith("u") else label


def plot_experiment(
    frame: pd.DataFrame, experiment: Experiment, units: dict[str, str], path: Path
) -> None:
    """Write the experiment's figure (PNG) to ``path``."""
    observables = [name for name in OBSERVABLES if name in frame.columns]
    id_vars = ["time", "condition"] if "condition" in frame.columns else ["time"]
    long = frame.melt(id_vars=id_vars, value_vars=observables, var_name="observable")
    hours = experiment.end <= 3 * 1440
    long["t"] = long["time"] / (60 if hours else 1440)
    long["panel"] = [
        f"{OBSERVABLES[name]}: {name}\n({unit_label(name, units[name])})"
        for name in long["observable"]
    ]
    grid = sns.relplot(
        data=long,
        x="t",
        y="value",
        col="panel",
        col_order=list(dict.fromkeys(long["panel"])),
        col_wrap=3,
        kind="line",
        estimator=None,
        errorbar=None,
        hue="condition" if "condition" in long.columns else None,
        height=2.6,
        aspect=1.3,
        facet_kws={"sharey": False},
    )
    grid.set_titles("{col_name}", size=9)
    grid.set_axis_labels("time (h)" if hours else "time (days)", "")
    for axes in grid.axes.flat:
        axes.ticklabel_format(axis="y", useOffset=False)
    grid.figure.suptitle(experiment.title, y=1.01)
    write_atomically(path, lambda tmp: grid.figure.savefig(tmp, format="png", dpi=100, bbox_inches="tight"))
    plt.close(grid.figure)


def plot_experiments(
    frames: Mapping[str, pd.DataFrame],
    experiments: list[Experiment],
    units: dict[str, str],
    out_dir: Path,
    progress: bool = False,
) -> list[Path]:
    """Every experiment's figure (``<name>.png``), drawn on every core: plotting is the slow part."""
    paths = {e.name: Path(out_dir) / f"{e.name}.png" for e in experiments}
    workers = min(len(experiments), os.cpu_count() or 1)
    context = multiprocessing.get_context("spawn")  # no fork of a loaded JIT model
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {
            pool.submit(plot_experiment, frames[e.name], e, units, paths[e.name]): e for e in experiments
        }
        for number, future in enumerate(as_completed(futures), start=1):
            future.result()
            if progress:
                print(f"[{number}/{len(experiments)}] {futures[future].name}", file=sys.stderr)
    return list(paths.values())
