"""``make bench``: how long the build, simulations, ensembles and a full Sobol run take.

Every figure is a median over repeats, measured in this one run on the released model. COPASI is
compared with roadrunner twice: solver against solver (the same SBML, tolerances and output grid;
only each engine's own time course is timed) and end to end through the project's runners
(python-copasi parameter setting and result copying included).
"""

import itertools
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from analysis.export.copasi import CopasiSimulator, write_copasi_safe
from analysis.sensitivity.ensemble import ENSEMBLE_RELATIVE_TOLERANCE, ModelOutputs, run_ensemble
from analysis.sensitivity.methods import Settings, run
from analysis.sensitivity.parameters import uncertain_parameters
from myokine.build import build_sbml
from myokine.experiments import TimeGrid, find_experiment
from myokine.interface import OBSERVABLE_IDS
from myokine.parallel import Engine, available_cores
from myokine.paths import SBML_PATH
from myokine.simulator import Simulator, solver_output_silenced

ENSEMBLE_SAMPLES = 512
SOBOL_N = 1024


def median_seconds(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def row(what: str, value: float, unit: str = "ms", note: str = "") -> None:
    shown = value * 1000 if unit == "ms" else value
    print(f"{what:64s} {shown:10.2f} {unit:10s} {note}", flush=True)


def simulations(simulator: Simulator) -> None:
    row("build: Antimony -> validated SBML", median_seconds(build_sbml, 5), note="median of 5")
    row("load again (roadrunner reuses the compiled model)", median_seconds(lambda: Simulator(SBML_PATH), 5), note="median of 5")
    durations = itertools.cycle([30.0, 45.0])
    one_minute = TimeGrid(1, 1)
    row("change one parameter's initial value, simulate 1 min",
        median_seconds(lambda: simulator.run({"bout_duration": next(durations)}, one_minute), 5), note="median of 5")
    for name, condition in (("acute_bout", "default"), ("training_6_weeks", "default"),
                            ("training_12_weeks_modes", "endurance")):
        experiment = find_experiment(name)
        parameters = experiment.condition_parameters(condition)
        simulator.run(parameters, experiment.grid)
        seconds = median_seconds(lambda: simulator.run(parameters, experiment.grid), 11)
        row(f"{name} ({condition}), {experiment.grid.points} points, all observables", seconds, note="median of 11")


def copasi_comparison(simulator: Simulator) -> None:
    """The acute bout in COPASI (LSODA) and roadrunner (CVODE), solver against solver and end to end."""
    acute = find_experiment("acute_bout")
    parameters, grid = acute.parameters, acute.grid
    with tempfile.TemporaryDirectory() as folder:
        with CopasiSimulator(write_copasi_safe(SBML_PATH, Path(folder) / "copasi.xml")) as copasi:
            copasi.run(parameters, grid, OBSERVABLE_IDS)  # sets the grid and the parameters
            copasi_own = median_seconds(copasi.process, 11)
            copasi_total = median_seconds(lambda: copasi.run(parameters, grid, OBSERVABLE_IDS), 11)
    simulator.reset(parameters)
    selections = ["time", *OBSERVABLE_IDS]

    def roadrunner_solver() -> None:
        simulator.rr.resetAll()
        with solver_output_silenced():
            simulator.rr.simulate(0, grid.end, grid.points, selections=selections)

    roadrunner_own = median_seconds(roadrunner_solver, 11)
    roadrunner_total = median_seconds(lambda: simulator.run(parameters, grid), 11)
    row("acute bout, COPASI's own time course (solver only)", copasi_own, note="median of 11")
    row("acute bout, roadrunner's own simulate (solver only)", roadrunner_own, note="median of 11")
    row("  roadrunner speed-up, solver against solver", copasi_own / roadrunner_own, "x")
    row("acute bout, COPASI end to end (python-copasi set + copy)", copasi_total, note="median of 11")
    row("acute bout, roadrunner end to end (Simulator.run)", roadrunner_total, note="median of 11")
    row("  roadrunner speed-up, end to end", copasi_total / roadrunner_total, "x")


def ensembles() -> None:
    """Samples per second per core at the ensemble tolerance and at the earlier rtol 1e-6."""
    parameters = tuple(uncertain_parameters())
    low, high = np.array([p.bounds() for p in parameters]).T
    samples = low + (high - low) * np.random.default_rng(1).random((ENSEMBLE_SAMPLES, len(parameters)))
    names = [p.name for p in parameters]
    cores = available_cores()
    for label, evaluate in (
        (f"rtol {ENSEMBLE_RELATIVE_TOLERANCE:g}", ModelOutputs(parameters)),
        ("rtol 1e-06 (before)", ModelOutputs(parameters, relative_tolerance=1e-6)),
    ):
        times = {}
        for workers in sorted({1, cores}):
            start = time.perf_counter()
            run_ensemble(evaluate, samples, evaluate.output_names, names, Engine(workers))
            times[workers] = time.perf_counter() - start
            rate = ENSEMBLE_SAMPLES / times[workers]
            row(f"ensemble, {label}, {workers} core(s)", rate / workers, "samples/s", "per core, start-up included")
        if cores > 1:
            row(f"  parallel efficiency on {cores} cores", times[1] / (cores * times[cores]) * 100, "%")


def sobol_run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        run("sobol", SOBOL_N, Settings(), Path(folder))
        seconds = time.perf_counter() - start
    row(f"full Sobol run (Morris screening + N = {SOBOL_N})", seconds, "s")


def main() -> None:
    print(f"{'what':64s} {'value':>10s}")
    first = time.perf_counter()
    simulator = Simulator(SBML_PATH)
    row("load: SBML -> compiled model, first in the process", time.perf_counter() - first)
    simulations(simulator)
    copasi_comparison(simulator)
    ensembles()
    if "--no-sobol" not in sys.argv:
        sobol_run()


if __name__ == "__main__":
    main()
