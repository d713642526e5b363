"""``make bench``: how long the build, simulations, ensembles and a full Sobol run take.

Every figure is a median over repeats, measured in this one run on the released model. The
roadrunner/COPASI comparison uses the same SBML (COPASI's safe copy), tolerances and output grid.
"""

import itertools
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from myokine.build import build_sbml
from myokine.experiments import find_experiment
from myokine.observables import OBSERVABLES
from myokine.paths import SBML_PATH
from myokine.simulator import Simulator

ENSEMBLE_SAMPLES = 512
SOBOL_N = 1024


def median_seconds(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def row(what: str, seconds: float, note: str = "") -> None:
    print(f"{what:60s} {seconds * 1000:10.1f} ms  {note}", flush=True)


def simulations(simulator: Simulator) -> float:
    """Build, load and single-simulation times; returns the acute-bout time."""
    row("build: Antimony -> validated SBML", median_seconds(build_sbml, 5), "median of 5")
    row("load again (roadrunner reuses the compiled model)", median_seconds(lambda: Simulator(SBML_PATH), 5), "median of 5")
    durations = itertools.cycle([30.0, 45.0])
    row("change one parameter's initial value, simulate 1 min",
        median_seconds(lambda: simulator.run({"bout_duration": next(durations)}, 1, 1), 5), "median of 5")
    acute = find_experiment("acute_bout")
    simulator.run(acute.parameters, acute.end, acute.step)
    acute_time = median_seconds(lambda: simulator.run(acute.parameters, acute.end, acute.step), 21)
    row(f"acute bout, 24 h, {int(acute.end / acute.step) + 1} points, all observables", acute_time, "median of 21")
    for name, condition in (("training_6_weeks", "default"), ("training_12_weeks_modes", "endurance")):
        experiment = find_experiment(name)
        parameters = experiment.condition_parameters(condition)
        simulator.run(parameters, experiment.end, experiment.step)
        seconds = median_seconds(lambda: simulator.run(parameters, experiment.end, experiment.step), 5)
        row(f"{name} ({condition}), {int(experiment.end / experiment.step) + 1} points", seconds, "median of 5")
    return acute_time


def copasi_comparison(acute_time: float) -> None:
    """The same acute bout in COPASI (LSODA) through python-copasi."""
    from analysis.export.copasi import CopasiSimulator, write_copasi_safe

    acute = find_experiment("acute_bout")
    with tempfile.TemporaryDirectory() as folder:
        copasi = CopasiSimulator(write_copasi_safe(SBML_PATH, Path(folder) / "copasi.xml"))
        run = lambda: copasi.run(acute.parameters, acute.end, acute.step, list(OBSERVABLES))  # noqa: E731
        run()
        seconds = median_seconds(run, 11)
        copasi.close()
    row("acute bout in COPASI, same SBML, tolerances and grid", seconds, "median of 11")
    print(f"{'roadrunner speed-up over COPASI':60s} {seconds / acute_time:10.1f} x", flush=True)


def ensembles() -> None:
    """Ensemble throughput on one core and on all cores, and the parallel efficiency."""
    from analysis.sensitivity.ensemble import ModelOutputs, run_ensemble
    from analysis.sensitivity.parameters import uncertain_parameters

    parameters = tuple(uncertain_parameters())
    evaluate = ModelOutputs(parameters)
    low, high = np.array([p.bounds() for p in parameters]).T
    samples = low + (high - low) * np.random.default_rng(1).random((ENSEMBLE_SAMPLES, len(parameters)))
    names = [p.name for p in parameters]
    cores = os.cpu_count() or 1
    times = {}
    for workers in sorted({1, cores}):
        start = time.perf_counter()
        run_ensemble(evaluate, samples, evaluate.output_names, names, workers=workers, progress=False)
        times[workers] = time.perf_counter() - start
        print(f"{f'ensemble of {ENSEMBLE_SAMPLES} samples on {workers} core(s)':60s} "
              f"{times[workers]:10.1f} s   {ENSEMBLE_SAMPLES / times[workers]:.1f} samples/s", flush=True)
    if cores > 1:
        efficiency = times[1] / (cores * times[cores])
        print(f"{f'parallel efficiency on {cores} cores (start-up included)':60s} {efficiency:10.0%}", flush=True)


def sobol_run() -> None:
    """A full Sobol analysis (Morris screening, then N = 1024) on all cores."""
    from analysis.sensitivity.methods import Settings, run

    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        run("sobol", SOBOL_N, Settings(progress=False), Path(folder))
        seconds = time.perf_counter() - start
    print(f"{f'full Sobol run (Morris screening + N = {SOBOL_N})':60s} {seconds:10.1f} s", flush=True)


def main() -> None:
    print(f"{'what':60s} {'time':>13s}")
    first = time.perf_counter()
    simulator = Simulator(SBML_PATH)
    row("load: SBML -> compiled model, first in the process", time.perf_counter() - first)
    acute_time = simulations(simulator)
    copasi_comparison(acute_time)
    ensembles()
    sobol_run()


if __name__ == "__main__":
    main()
