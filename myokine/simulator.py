"""Run experiments with libroadrunner and return tidy pandas DataFrames.

One RoadRunner instance is loaded per SBML file and process (``load_simulator``) and reused.
roadrunner keeps a changed initial value across ``resetAll()``, so every run sets the initial
value of every parameter it or the previous run changed, then resets (which re-evaluates
initial assignments and reverts event-changed state). Initial values are set on the executable
model (microseconds): ``RoadRunner.setValue("init(...)")`` regenerates the model instead
(30-110 ms) for the same result. The simulator compiles with LLJIT, unoptimised: a third of the
compile time of the default MCJIT, and as fast a simulation of this model. (roadrunner cannot
reduce this model by its conserved moieties: events change the schedule species.)
"""

import difflib
import math
import os
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import libsbml
import numpy as np
import pandas as pd
import roadrunner

from myokine.errors import InputError, ModelError, SimulationError
from myokine.experiments import Experiment, TimeGrid
from myokine.interface import OBSERVABLE_IDS, PROTOCOL
from myokine.paths import SBML_PATH
from myokine.results import TIME, run_conditions

RELATIVE_TOLERANCE = 1e-9  # 1e-8 left derived folds (IL6_transcription_fold) 1.2e-6 apart between engines
ABSOLUTE_TOLERANCE = 1e-14
# COPASI's LSODA (the check's runs and the SED-ML, which COPASI reads too) stalled at 1e-14 on the
# calibrated model in the day after 6 weeks of training, while Glycogen_change (up to 1e7 nM) returns
# to 0; at 1e-12 it runs that in 1.4 s.
PORTABLE_ABSOLUTE_TOLERANCE = 1e-12
_SOLVER_OUTPUT = threading.Lock()  # file descriptors 1 and 2 are process-wide


class Simulator:
    """A loaded model that simulates experiments (the project's runner)."""

    def __init__(self, sbml_path: Path = SBML_PATH):
        sbml_path = Path(sbml_path)
        if not sbml_path.exists():
            raise ModelError(f"no SBML model at {sbml_path}; run 'myokine build' first")
        self.defaults, self.computed, self.units = _read_parameters(sbml_path)
        roadrunner.Config.setValue(roadrunner.Config.LLVM_BACKEND, roadrunner.Config.LLJIT)
        roadrunner.Config.setValue(roadrunner.Config.LLJIT_OPTIMIZATION_LEVEL, 0)
        try:
            self.rr = roadrunner.RoadRunner(str(sbml_path))
        except RuntimeError as error:
            raise ModelError(f"{sbml_path}: roadrunner cannot load it: {error}") from None
        integrator = self.rr.getIntegrator()
        integrator.absolute_tolerance = ABSOLUTE_TOLERANCE
        integrator.max_output_rows = 1_000_000
        self.species = list(self.rr.model.getFloatingSpeciesIds())
        self._initial: dict[str, float] = {}  # initial values that differ from the defaults
        self._lock = threading.Lock()  # one RoadRunner: one run at a time

    def check_parameters(self, values: Mapping[str, float], where: str = "") -> None:
        """Refuse unknown, derived and non-finite values, and protocol values out of range."""
        prefix = f"{where}: " if where else ""
        for name, value in values.items():
            if name in self.computed:
                raise InputError(
                    f"{prefix}{name} is computed by the model (initial assignment, rule or "
                    "event) and cannot be set; set the parameters it depends on"
                )
            if name not in self.defaults:
                hint = difflib.get_close_matches(name, self.defaults, n=3)
                suggestion = f" (did you mean {', '.join(hint)}?)" if hint else ""
                raise InputError(f"{prefix}unknown parameter '{name}'{suggestion}")
            if not math.isfinite(value):
                raise InputError(f"{prefix}{name} must be finite, got {value}")
            if value < 0:
                raise InputError(f"{prefix}{name} must not be negative, got {value}")
            protocol = PROTOCOL.get(name)
            if protocol and not protocol.min <= value <= protocol.max:
                raise InputError(
                    f"{prefix}{name} must be within [{protocol.min:g}, {protocol.max:g}] "
                    f"{protocol.display_unit}, got {value:g}"
                )
            if protocol and protocol.whole_number and value != int(value):
                raise InputError(f"{prefix}{name} must be a whole number, got {value:g}")
        merged = {**self.defaults, **values}
        if merged["bout_count"] > 1 and merged["bout_interval"] < merged["bout_duration"]:
            raise InputError(
                f"{prefix}bout_interval ({merged['bout_interval']:g} min) is shorter than "
                f"bout_duration ({merged['bout_duration']:g} min): bouts would overlap"
            )

    def run(
        self,
        parameters: Mapping[str, float],
        grid: TimeGrid,
        observables: Sequence[str] = OBSERVABLE_IDS,
        where: str = "",
        states: bool = False,
        relative_tolerance: float = RELATIVE_TOLERANCE,
    ) -> pd.DataFrame:
        """Simulate from 0 to ``grid.end``; one row per output time (``time`` in minutes), with
        the species' concentrations as extra columns if ``states``."""
        self._check_observables(observables, where)
        selections = [TIME, *observables, *(f"[{s}]" for s in self.species if states)]
        with self._lock:
            self.reset(parameters, where)
            self.rr.getIntegrator().relative_tolerance = relative_tolerance
            try:
                with solver_output_silenced():
                    result = np.asarray(self.rr.simulate(0, float(grid.end), grid.points, selections=selections))
            except RuntimeError as error:
                message = " ".join(str(error).split()).split("; In ")[0]
                raise SimulationError(f"{where or 'simulation'}: integration failed: {message}") from None
        if not np.isfinite(result).all():
            row = np.flatnonzero(~np.isfinite(result).all(axis=1))[0]
            raise SimulationError(
                f"{where or 'simulation'}: integration failed: non-finite values at t = {result[row, 0]:g} min"
            )
        return pd.DataFrame(result, columns=[name.strip("[]") for name in selections])

    def reset(self, parameters: Mapping[str, float], where: str = "") -> None:
        """Put the model at t = 0 with these parameter values (all others at their defaults)."""
        self.check_parameters(parameters, where)
        wanted = {name: self.defaults[name] for name in self._initial} | dict(parameters)
        for name, value in wanted.items():
            if self._initial.get(name, self.defaults[name]) != value:
                self.rr.model.setValue(f"init({name})", value)
        self._initial = {n: v for n, v in wanted.items() if v != self.defaults[n]}
        self.rr.resetAll()

    def run_experiment(
        self, experiment: Experiment, observables: Sequence[str] | None = None, **options
    ) -> pd.DataFrame:
        """All conditions of an experiment (see ``run_conditions``)."""
        return run_conditions(self, experiment, observables, **options)

    def _check_observables(self, observables: Sequence[str], where: str) -> None:
        model = self.rr.model
        known = set(model.getGlobalParameterIds()) | set(model.getFloatingSpeciesIds())
        for name in observables:
            if name not in known:
                hint = difflib.get_close_matches(name, OBSERVABLE_IDS, n=3)
                suggestion = f" (did you mean {', '.join(hint)}?)" if hint else ""
                prefix = f"{where}: " if where else ""
                raise InputError(f"{prefix}unknown observable '{name}'{suggestion}")


@contextmanager
def solver_output_silenced() -> Iterator[None]:
    """Silence SUNDIALS, which prints warnings to file descriptor 1 and failures to 2 from C:
    the error raised for a failed integration carries the same message."""
    with _SOLVER_OUTPUT:
        sys.stdout.flush()
        sys.stderr.flush()
        saved = [os.dup(1), os.dup(2)]
        try:
            with open(os.devnull, "w") as devnull:
                os.dup2(devnull.fileno(), 1)
                os.dup2(devnull.fileno(), 2)
                yield
        finally:
            for descriptor, copy in zip((1, 2), saved):
                os.dup2(copy, descriptor)
                os.close(copy)


def is_settable(model: libsbml.Model, parameter: libsbml.Parameter) -> bool:
    """A parameter an experiment may set: constant, and not computed by an initial assignment."""
    return parameter.getConstant() and model.getInitialAssignmentBySymbol(parameter.getId()) is None


def _read_parameters(sbml_path: Path) -> tuple[dict[str, float], set[str], dict[str, str]]:
    """Settable parameters with their values; the other parameters; every parameter's unit."""
    document = libsbml.readSBMLFromFile(str(sbml_path))
    if document.getNumErrors(libsbml.LIBSBML_SEV_ERROR) or document.getModel() is None:
        raise ModelError(f"{sbml_path}: not a readable SBML model")
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
def _load(resolved: Path) -> Simulator:
    return Simulator(resolved)


def load_simulator(sbml_path: Path = SBML_PATH) -> Simulator:
    """The simulator of an SBML file, loaded once per process."""
    return _load(Path(sbml_path).resolve())


def simulate(
    experiment: Experiment, parameters: Mapping[str, float] | None = None, **options
) -> pd.DataFrame:
    """Run a declared experiment with optional parameter changes; see ``Simulator.run``."""
    if parameters:
        experiment = experiment.with_changes(parameters)
    return load_simulator().run_experiment(experiment, **options)
