"""Run experiments with libroadrunner and return tidy pandas DataFrames.

One RoadRunner instance is loaded per SBML file and reused. roadrunner keeps a changed initial
value across ``resetAll()``, so every run sets the initial value of every parameter it or the
previous run changed, then resets (which re-evaluates initial assignments and reverts
event-changed state). Initial values are set on the executable model (microseconds):
``RoadRunner.setValue("init(...)")`` regenerates the model instead (30-110 ms) for the same
result. LLJIT, unoptimised, is selected on import: it compiles in a third of the time of the
default MCJIT and simulates this model as fast.
"""

import difflib
import math
import os
import sys
from collections.abc import Iterable, Mapping, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import libsbml
import numpy as np
import pandas as pd
import roadrunner

from myokine.errors import MyokineError
from myokine.experiments import Experiment
from myokine.observables import OBSERVABLES
from myokine.paths import SBML_PATH

roadrunner.Config.setValue(roadrunner.Config.LLVM_BACKEND, roadrunner.Config.LLJIT)
roadrunner.Config.setValue(roadrunner.Config.LLJIT_OPTIMIZATION_LEVEL, 0)

RELATIVE_TOLERANCE = 1e-8
ABSOLUTE_TOLERANCE = 1e-14
MAX_OUTPUT_ROWS = 1_000_000
# Parameters with a natural upper bound or that must be whole numbers; all must be >= 0.
UPPER_BOUNDS = {"il6r_blockade": 1.0, "exercise_mode": 1.0}
WHOLE_NUMBERS = {"bout_count"}


class Simulator:
    """A loaded model that simulates experiments."""

    def __init__(self, sbml_path: Path = SBML_PATH, relative_tolerance: float = RELATIVE_TOLERANCE):
        sbml_path = Path(sbml_path)
        if not sbml_path.exists():
            raise MyokineError(f"no SBML model at {sbml_path}; run 'myokine build' first")
        self.defaults, self.computed, self.units = _read_parameters(sbml_path)
        try:
            self.rr = roadrunner.RoadRunner(str(sbml_path))
        except RuntimeError as error:
            raise MyokineError(f"{sbml_path}: roadrunner cannot load it: {error}") from None
        integrator = self.rr.getIntegrator()
        integrator.relative_tolerance = relative_tolerance
        integrator.absolute_tolerance = ABSOLUTE_TOLERANCE
        integrator.max_output_rows = MAX_OUTPUT_ROWS
        self.species = list(self.rr.model.getFloatingSpeciesIds())
        self._initial: dict[str, float] = {}  # initial values that differ from the defaults

    def check_parameters(self, values: Mapping[str, float], where: str = "") -> None:
        """Refuse unknown, derived, non-finite, negative or out-of-range values."""
        prefix = f"{where}: " if where else ""
        for name, value in values.items():
            if name in self.computed:
                raise MyokineError(
                    f"{prefix}{name} is computed by the model (initial assignment, rule or "
                    "event) and cannot be set; set the parameters it depends on"
                )
            if name not in self.defaults:
                hint = difflib.get_close_matches(name, self.defaults, n=3)
                suggestion = f" (did you mean {', '.join(hint)}?)" if hint else ""
                raise MyokineError(f"{prefix}unknown parameter '{name}'{suggestion}")
            if not math.isfinite(value):
                raise MyokineError(f"{prefix}{name} must be finite, got {value}")
            if value < 0:
                raise MyokineError(f"{prefix}{name} must not be negative, got {value}")
            if name in UPPER_BOUNDS and value > UPPER_BOUNDS[name]:
                raise MyokineError(f"{prefix}{name} must be at most {UPPER_BOUNDS[name]}, got {value}")
            if name in WHOLE_NUMBERS and value != int(value):
                raise MyokineError(f"{prefix}{name} must be a whole number, got {value}")

    def run(
        self,
        parameters: Mapping[str, float],
        end: float,
        step: float,
        observables: Iterable[str] | None = None,
        states: bool = False,
        where: str = "",
    ) -> pd.DataFrame:
        """Simulate from 0 to ``end`` minutes; one row per output time (``time`` in minutes)."""
        observables = list(OBSERVABLES if observables is None else observables)
        self._check_observables(observables, where)
        points = _output_points(end, step, where)
        self.reset(parameters, where)
        selections = ["time", *observables, *(f"[{s}]" for s in self.species if states)]
        try:
            with _solver_output_silenced():
                result = np.asarray(self.rr.simulate(0, end, points, selections=selections))
        except RuntimeError as error:
            message = " ".join(str(error).split()).split("; In ")[0]
            raise MyokineError(f"{where or 'simulation'}: integration failed: {message}") from None
        if not np.isfinite(result).all():
            row = np.flatnonzero(~np.isfinite(result).all(axis=1))[0]
            raise MyokineError(
                f"{where or 'simulation'}: integration failed: non-finite values at t = {result[row, 0]:g} min"
            )
        columns = [name.strip("[]") for name in selections]
        return pd.DataFrame(result, columns=columns)

    def reset(self, parameters: Mapping[str, float], where: str = "") -> None:
        """Put the model at t = 0 with these parameter values (all others at their defaults)."""
        self.check_parameters(parameters, where)
        self._set_initial_values(parameters)
        self.rr.resetAll()

    def _set_initial_values(self, parameters: Mapping[str, float]) -> None:
        """Set the requested initial values and restore the defaults of all others."""
        wanted = {name: self.defaults[name] for name in self._initial} | dict(parameters)
        for name, value in wanted.items():
            if self._initial.get(name, self.defaults[name]) != value:
                self.rr.model.setValue(f"init({name})", value)
        self._initial = {n: v for n, v in wanted.items() if v != self.defaults[n]}

    def run_experiment(
        self, experiment: Experiment, observables: Iterable[str] | None = None, states: bool = False
    ) -> pd.DataFrame:
        """All conditions of an experiment; a ``condition`` column when there are several."""
        observables = experiment.observables if observables is None else observables
        frames = []
        for condition in experiment.conditions:
            frame = self.run(
                experiment.condition_parameters(condition),
                experiment.end,
                experiment.step,
                observables,
                states,
                where=f"{experiment.name}/{condition}",
            )
            frame.insert(0, "condition", condition)
            frames.append(frame)
        result = pd.concat(frames, ignore_index=True)
        return result if len(experiment.conditions) > 1 else result.drop(columns="condition")

    def _check_observables(self, observables: list[str], where: str) -> None:
        model = self.rr.model
        known = set(model.getGlobalParameterIds()) | set(model.getFloatingSpeciesIds())
        for name in observables:
            if name not in known:
                hint = difflib.get_close_matches(name, OBSERVABLES, n=3)
                suggestion = f" (did you mean {', '.join(hint)}?)" if hint else ""
                prefix = f"{where}: " if where else ""
                raise MyokineError(f"{prefix}unknown observable '{name}'{suggestion}")


@contextmanager
def _solver_output_silenced() -> Iterator[None]:
    """Silence SUNDIALS, which prints failures straight to file descriptor 2: the error raised
    for a failed integration carries the same message."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _output_points(end: float, step: float, where: str) -> int:
    intervals = end / step
    if abs(intervals - round(intervals)) > 1e-9 * max(1.0, intervals):
        raise MyokineError(f"{where}: end ({end} min) is not a multiple of step ({step} min)")
    points = int(round(intervals)) + 1
    if points > MAX_OUTPUT_ROWS:
        raise MyokineError(f"{where}: {points} output points exceed {MAX_OUTPUT_ROWS}; use a larger step")
    return points


def is_settable(model: libsbml.Model, parameter: libsbml.Parameter) -> bool:
    """A parameter an experiment may set: constant, and not computed by an initial assignment."""
    return parameter.getConstant() and model.getInitialAssignmentBySymbol(parameter.getId()) is None


def _read_parameters(sbml_path: Path) -> tuple[dict[str, float], set[str], dict[str, str]]:
    """Settable parameters with their values; the other parameters; every parameter's unit."""
    document = libsbml.readSBMLFromFile(str(sbml_path))
    if document.getNumErrors(libsbml.LIBSBML_SEV_ERROR) or document.getModel() is None:
        raise MyokineError(f"{sbml_path}: not a readable SBML model")
    model = document.getModel()
    settable, computed, units = {}, set(), {}
    for parameter in model.getListOfParameters():
        name = parameter.getId()
        units[name] = parameter.getUnits()
        if is_settable(model, parameter):
            settable[name] = parameter.getValue()
        else:
            computed.add(name)
    return settable, computed, units


@cache
def load_simulator(sbml_path: Path = SBML_PATH, relative_tolerance: float = RELATIVE_TOLERANCE) -> Simulator:
    """The simulator for an SBML file and tolerance, loaded once per process."""
    return Simulator(sbml_path, relative_tolerance)


def simulate(
    experiment: Experiment, parameters: Mapping[str, float] | None = None, **kwargs
) -> pd.DataFrame:
    """Run a declared experiment with optional parameter changes; see ``Simulator.run``."""
    if parameters:
        experiment = experiment.with_changes(parameters)
    return load_simulator().run_experiment(experiment, **kwargs)
