"""The main job: simulate every declared experiment, write its CSV, figure and a short report."""

from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from myokine.estimates import band, ensembles_on, estimates_markdown, fit_markdown
from myokine.experiments import Experiment, list_experiments
from myokine.figures import plot_experiments
from myokine.fileio import output_folder, write_csv, write_text_atomically
from myokine.interface import OBSERVABLES
from myokine.parallel import Engine
from myokine.results import CONDITION
from myokine.simulator import load_simulator


def summarise(frame: pd.DataFrame, experiment: Experiment) -> list[str]:
    """A markdown table: each observable's start, extreme and end value per condition."""
    groups = list(frame.groupby(CONDITION, sort=False))
    observables = [name for name in OBSERVABLES if name in frame.columns]
    header = " | ".join(f"{condition} (start → extreme → end)" for condition, _ in groups)
    lines = [f"## {experiment.title}", "", f"![{experiment.name}]({experiment.name}.png)", "",
             f"| observable | unit | {header} |", "|---|---|" + "---|" * len(groups)]
    for name in observables:
        cells = []
        for _, data in groups:
            values = data[name].to_numpy()
            extreme = values[abs(values - values[0]).argmax()]
            cells.append(f"{values[0]:.3g} → {extreme:.3g} → {values[-1]:.3g}")
        lines.append(f"| {name} | {OBSERVABLES[name].display_unit} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def run_all(
    out_dir: Path,
    experiments: list[Experiment] | None = None,
    engine: Engine | None = None,
    appendix: Callable[[Mapping[str, pd.DataFrame], Mapping[str, list[pd.DataFrame]]], list[str]] | None = None,
    force: bool = False,
) -> list[Path]:
    """Simulate the experiments; write ``<name>.csv``, ``<name>.png`` and ``report.md`` into
    ``out_dir``, all together or none (``output_folder``).

    The experiments are simulated here; their runs with every member of the adopted ensemble
    (for the figures' prediction bands) and the figures on the engine (every core). ``appendix`` turns
    the results and ensemble runs into more report lines (the command line adds the scorecard).
    """
    experiments = list_experiments() if experiments is None else experiments
    engine = engine or Engine(progress=True)
    simulator = load_simulator()
    with output_folder(out_dir, force) as staging:
        rows = []
        frames = {}
        for experiment in experiments:
            frames[experiment.name] = frame = simulator.run_experiment(experiment)
            write_csv(frame, staging / f"{experiment.name}.csv")
            rows += summarise(frame, experiment)
        ensembles = ensembles_on(engine, experiments)
        bands = {name: band(runs) for name, runs in ensembles.items() if runs}
        plot_experiments(frames, experiments, staging, engine, simulator.defaults, bands)
        lines = ["# myokine results", "", "Every declared experiment (`simulations/`): its figure and, per",
                 "observable, the value at the start, the extreme and the end.", "",
                 *estimates_markdown(), *fit_markdown(), *(appendix(frames, ensembles) if appendix else []), *rows]
        write_text_atomically(staging / "report.md", "\n".join(lines))
    names = [f"{e.name}.{suffix}" for suffix in ("csv", "png") for e in experiments]
    return [Path(out_dir) / name for name in [*names, "report.md"]]
