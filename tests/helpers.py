"""Helpers for tests: schedule times read from the experiments' declarations, never repeated, and
running a test's body in a fresh interpreter."""

import subprocess
import sys
from dataclasses import dataclass

from myokine.experiments import Experiment
from myokine.simulator import load_simulator


@dataclass(frozen=True)
class Schedule:
    """The bout and infusion times of one condition of an experiment (model defaults filled in)."""

    bout_start: float
    bout_duration: float
    bout_interval: float
    bout_count: int
    infusion_start: float
    infusion_duration: float

    def bout(self, number: int) -> tuple[float, float]:
        """Start and end of bout ``number`` (0 = the first)."""
        start = self.bout_start + number * self.bout_interval
        return start, start + self.bout_duration

    @property
    def last_bout_end(self) -> float:
        return self.bout(self.bout_count - 1)[1]

    @property
    def infusion_end(self) -> float:
        return self.infusion_start + self.infusion_duration


def schedule(experiment: Experiment, condition: str | None = None) -> Schedule:
    values = load_simulator().defaults | experiment.condition_parameters(condition or next(iter(experiment.conditions)))
    return Schedule(values["bout_start"], values["bout_duration"], values["bout_interval"], int(values["bout_count"]),
                    values["il6_infusion_start"], values["il6_infusion_duration"])



def in_a_fresh_process(function) -> None:
    """Run ``function`` (a module-level function of a test module) in a new interpreter.

    For code that must not share a process with libsedml: importing libsedml after libsbml makes
    libsbml return libsedml's ASTNode class, which the petab library then does not recognise."""
    code = f"from {function.__module__} import {function.__name__} as f; f()"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
