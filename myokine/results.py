"""The result contract shared by every engine (roadrunner, COPASI, tellurium's SED-ML, AMICI).

A run of one parameter set on a time grid is a frame with ``time`` (min) and one column per
observable; a run of an experiment stacks its conditions in declaration order and always has a
``condition`` column first. ``run_conditions`` is the one loop over conditions; an engine only
implements ``Runner.run``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

import pandas as pd

from myokine.interface import OBSERVABLE_IDS

if TYPE_CHECKING:  # experiments import this module's column names
    from myokine.experiments import Experiment, TimeGrid

TIME = "time"
CONDITION = "condition"


class Runner(Protocol):
    def run(
        self, parameters: Mapping[str, float], grid: TimeGrid, observables: Sequence[str], where: str = ""
    ) -> pd.DataFrame:
        """One run from t = 0: ``time`` and the observables, one row per time of the grid."""
        ...


def run_conditions(
    runner: Runner, experiment: Experiment, observables: Sequence[str] | None = None, **options
) -> pd.DataFrame:
    """Every condition of an experiment, stacked, with the ``condition`` column first."""
    observables = list(observables or experiment.observables or OBSERVABLE_IDS)
    frames = []
    for condition in experiment.conditions:
        frame = runner.run(
            experiment.condition_parameters(condition),
            experiment.grid,
            observables,
            where=f"{experiment.name}/{condition}",
            **options,
        )
        frame.insert(0, CONDITION, condition)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def condition_blocks(experiment: Experiment) -> list[str]:
    """The ``condition`` column of a stacked frame: each condition once per grid point."""
    return [condition for condition in experiment.conditions for _ in range(experiment.grid.points)]
