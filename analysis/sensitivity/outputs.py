"""The model outputs every sensitivity method analyses, defined once.

Acute-bout outputs are the peak and the incremental area under the curve (above the value at
t = 0, in unit x min) of an observable; training outputs are the resting value at the end of
12 weeks of endurance training (2 days after the last session).
"""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np

from myokine.experiments import TimeGrid, find_experiment
from myokine.results import TIME
from myokine.simulator import RELATIVE_TOLERANCE, Simulator


@dataclass(frozen=True)
class Output:
    name: str
    experiment: str
    condition: str
    observable: str
    statistic: str  # "peak", "auc" or "end"


def _acute(observable: str, statistic: str) -> Output:
    return Output(f"{observable}_{statistic}", "acute_bout", "default", observable, statistic)


def _trained(observable: str) -> Output:
    return Output(f"{observable}_12wk", "training_12_weeks_modes", "endurance", observable, "end")


OUTPUTS: tuple[Output, ...] = (
    _acute("IL6_plasma", "peak"),
    _acute("IL6_plasma", "auc"),
    _acute("IL1ra_plasma", "peak"),
    _acute("IL1ra_plasma", "auc"),
    _acute("irisin_plasma", "peak"),
    _acute("irisin_plasma", "auc"),
    _acute("lipolysis_rate", "peak"),
    _acute("glucose_Ra", "peak"),
    _trained("BDNF_hippocampus_fold"),
    _trained("neurogenesis_fold"),
    _trained("insulin_sensitivity_fold"),
)


_experiment = cache(find_experiment)


def _runs(outputs: tuple[Output, ...]) -> dict[tuple[str, str], list[Output]]:
    runs = defaultdict(list)
    for output in outputs:
        runs[output.experiment, output.condition].append(output)
    return dict(runs)


def compute_outputs(
    simulator: Simulator,
    changes: Mapping[str, float],
    outputs: tuple[Output, ...] = OUTPUTS,
    relative_tolerance: float = RELATIVE_TOLERANCE,
) -> np.ndarray:
    """The outputs for one parameter set: one simulation per experiment, recording only the
    observables needed, and only the last point where only the end value is needed."""
    values = {}
    for (name, condition), wanted in _runs(outputs).items():
        experiment = _experiment(name)
        parameters = {**experiment.condition_parameters(condition), **changes}
        only_end = all(output.statistic == "end" for output in wanted)
        grid = TimeGrid(experiment.end, experiment.end) if only_end else experiment.grid
        observables = sorted({output.observable for output in wanted})
        frame = simulator.run(parameters, grid, observables, f"{name}/{condition}", relative_tolerance=relative_tolerance)
        time = frame[TIME].to_numpy()
        for output in wanted:
            series = frame[output.observable].to_numpy()
            if output.statistic == "peak":
                values[output.name] = series.max()
            elif output.statistic == "auc":
                values[output.name] = np.trapezoid(series - series[0], time)
            else:
                values[output.name] = series[-1]
    return np.array([values[output.name] for output in outputs])
