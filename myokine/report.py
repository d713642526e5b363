"""The main job: simulate every declared experiment, write its CSV, figure and a short report."""

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import pandas as pd

from myokine.experiments import Experiment, list_experiments
from myokine.figures import plot_experiment
from myokine.fileio import write_atomically, write_text_atomically
from myokine.simulator import load_simulator


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    write_atomically(path, lambda tmp: frame.to_csv(tmp, index=False, float_format="%.10g"))


SUMMARY = (  # column title, observable, statistic
    ("IL-6 peak (pg/mL)", "IL6_plasma", "max"),
    ("IL-6 release peak (ng/min/kg)", "IL6_release_per_kg", "max"),
    ("AMPK peak (fold)", "AMPK_activity_fold", "max"),
    ("PGC-1a mRNA peak (fold)", "PGC1a_mRNA_fold", "max"),
    ("glycogen minimum (fraction)", "glycogen_fraction", "min"),
)


def summarise(frame: pd.DataFrame, experiment: Experiment) -> list[str]:
    """Markdown table rows: the SUMMARY statistics per condition."""
    groups = frame.groupby("condition") if "condition" in frame.columns else [("-", frame)]
    rows = []
    for condition, data in groups:
        cells = [
            f"{data[name].agg(statistic):.3g}" if name in data.columns else "-"
            for _, name, statistic in SUMMARY
        ]
        rows.append(f"| {experiment.name} | {condition} | " + " | ".join(cells) + " |")
    return rows


def run_all(out_dir: Path, experiments: list[Experiment] | None = None) -> list[Path]:
    """Simulate the experiments; write ``<name>.csv``, ``<name>.png`` and ``report.md``.

    Simulations are fast and run here; the figures (the slow part) are drawn on every core.
    """
    experiments = list_experiments() if experiments is None else experiments
    simulator = load_simulator()
    written = []
    rows = []
    frames = {}
    for experiment in experiments:
        frames[experiment.name] = frame = simulator.run_experiment(experiment)
        write_csv(frame, out_dir / f"{experiment.name}.csv")
        written.append(out_dir / f"{experiment.name}.csv")
        rows += summarise(frame, experiment)
    workers = min(len(experiments), os.cpu_count() or 1)
    context = multiprocessing.get_context("spawn")  # no fork of the loaded JIT model
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {
            pool.submit(
                plot_experiment, frames[e.name], e, simulator.units, out_dir / f"{e.name}.png"
            ): e
            for e in experiments
        }
        for number, future in enumerate(as_completed(futures), start=1):
            future.result()
            print(f"[{number}/{len(experiments)}] {futures[future].name}", file=sys.stderr)
    written += [out_dir / f"{e.name}.png" for e in experiments]
    lines = [
        "# myokine results",
        "",
        "Extremes of the main observables over each experiment.",
        "",
        "| experiment | condition | " + " | ".join(title for title, _, _ in SUMMARY) + " |",
        "|---|---|" + "---|" * len(SUMMARY),
        *rows,
        "",
        *(f"![{e.title}]({e.name}.png)" for e in experiments),
        "",
    ]
    write_text_atomically(out_dir / "report.md", "\n".join(lines))
    return [*written, out_dir / "report.md"]
