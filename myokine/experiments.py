"""Experiments declared as data: one TOML file per experiment in simulations/.

An experiment sets protocol (or other model) parameters, a time grid (end time and output
step) and optionally several conditions (parameter sets compared in one figure, e.g. normal vs
low glycogen) and the observables to report. It declares its role (calibration, validation or
scenario), the protocol settings its study does not give (``assumed``), and what it is compared
with (``myokine.evidence``). The same declaration feeds every tool that runs it.
"""

import math
import numbers
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from myokine.errors import InputError
from myokine.evidence import CLOCKS, ROLES, Check, DataLink, parse_checks, parse_links
from myokine.paths import SIMULATIONS_DIR

DEFAULT_CONDITION = "default"
MAX_POINTS = 1_000_000
_KEYS = {"title", "description", "end", "step", "parameters", "conditions", "observables", "role",
         "clock", "assumed", "data", "checks"}


@dataclass(frozen=True)
class TimeGrid:
    """Output times 0, step, ..., end (minutes); ``end`` must be a whole number of steps."""

    end: float
    step: float
    where: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        where = self.where or "time grid"
        check_time(self.end, "end", where)
        check_time(self.step, "step", where)
        if self.step > self.end:
            raise InputError(f"{where}: step ({self.step} min) exceeds end ({self.end} min)")
        intervals = self.end / self.step
        if abs(intervals - round(intervals)) > 1e-9 * max(1.0, intervals):
            raise InputError(f"{where}: end ({self.end} min) is not a multiple of step ({self.step} min)")
        if self.points > MAX_POINTS:
            raise InputError(f"{where}: {self.points} output points exceed {MAX_POINTS}; use a larger step")

    @property
    def intervals(self) -> int:
        return int(round(self.end / self.step))

    @property
    def points(self) -> int:
        return self.intervals + 1

    def times(self) -> np.ndarray:
        return np.linspace(0.0, self.end, self.points)


@dataclass(frozen=True)
class Experiment:
    """A declared experiment. Times are in minutes."""

    name: str
    title: str
    end: float
    step: float
    parameters: dict[str, float] = field(default_factory=dict)
    conditions: dict[str, dict[str, float]] = field(
        default_factory=lambda: {DEFAULT_CONDITION: {}}
    )
    observables: tuple[str, ...] | None = None
    description: str = ""
    source: str = ""  # the file it was read from, named in error messages
    role: str = "scenario"
    clock: str = "bout"  # the intervention whose start is time 0 of the linked data
    assumed: tuple[str, ...] = ()  # protocol settings the study does not give
    links: tuple[DataLink, ...] = ()
    checks: tuple[Check, ...] = ()

    def __post_init__(self) -> None:
        self.grid  # refuses a bad grid now, naming the file
        if not self.conditions:
            raise InputError(f"{self.source or self.name}: [conditions] is empty")

    @property
    def grid(self) -> TimeGrid:
        return TimeGrid(self.end, self.step, self.source or self.name)

    def clock_start(self, condition: str, defaults: Mapping[str, float]) -> float:
        """When the intervention starts in a condition: time 0 of the linked data (min)."""
        parameter = CLOCKS[self.clock]
        return self.condition_parameters(condition).get(parameter, defaults[parameter])

    def condition_parameters(self, condition: str) -> dict[str, float]:
        """The parameters of one condition: shared parameters, then the condition's own."""
        return {**self.parameters, **self.conditions[condition]}

    def with_changes(
        self,
        parameters: dict[str, float] | None = None,
        end: float | None = None,
        step: float | None = None,
    ) -> "Experiment":
        """A copy with extra parameter values (overriding every condition's) and new times."""
        changes = parameters or {}
        retimed = end is not None or step is not None
        return replace(
            self,
            conditions={name: {**values, **changes} for name, values in self.conditions.items()},
            end=self.end if end is None else end,
            step=self.step if step is None else step,
            source=f"{self.name} with the given end/step" if retimed else self.source,
        )


def check_time(value: float, what: str, where: str) -> None:
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise InputError(f"{where}: {what} must be a number of minutes, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise InputError(f"{where}: {what} must be a positive, finite number of minutes, got {value}")


def _numbers(table: object, where: str) -> dict[str, float]:
    if not isinstance(table, dict):
        raise InputError(f"{where} must be a table of parameter = number")
    values = {}
    for key, value in table.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(f"{where}: {key} must be a number, got {value!r}")
        values[key] = float(value)
    return values


def load_experiment(path: Path) -> Experiment:
    """Read one experiment file; every mistake is reported with the file's name."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"no experiment file {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: not valid TOML: {error}") from None
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise InputError(f"{path}: unknown keys {unknown}; allowed: {sorted(_KEYS)}")
    for key in ("title", "end", "step"):
        if key not in data:
            raise InputError(f"{path}: missing '{key}'")
    conditions = data.get("conditions", {DEFAULT_CONDITION: {}})
    if not isinstance(conditions, dict):
        raise InputError(f"{path}: [conditions] must hold one table per condition")
    observables = data.get("observables")
    if observables is not None and (
        not isinstance(observables, list) or not all(isinstance(o, str) for o in observables)
    ):
        raise InputError(f"{path}: observables must be a list of observable ids")
    role = data.get("role", "scenario")
    if role not in ROLES or data.get("clock", "bout") not in CLOCKS:
        raise InputError(f"{path}: role must be one of {', '.join(ROLES)}; clock one of {', '.join(CLOCKS)}")
    assumed = data.get("assumed", [])
    if not isinstance(assumed, list) or not all(isinstance(name, str) for name in assumed):
        raise InputError(f"{path}: assumed must be a list of parameter ids")
    names = list(conditions)
    links = parse_links(data.get("data"), role, names, str(path))
    if role == "scenario" and links:
        raise InputError(f"{path}: a scenario reproduces no measurements; make it calibration or validation")
    return Experiment(
        name=path.stem,
        title=str(data["title"]),
        description=str(data.get("description", "")),
        end=data["end"],
        step=data["step"],
        parameters=_numbers(data.get("parameters", {}), f"{path} [parameters]"),
        conditions={
            name: _numbers(values, f"{path} [conditions.{name}]")
            for name, values in conditions.items()
        },
        observables=tuple(observables) if observables is not None else None,
        source=str(path),
        role=role,
        clock=data.get("clock", "bout"),
        assumed=tuple(assumed),
        links=links,
        checks=parse_checks(data.get("checks"), names, str(path)),
    )


def list_experiments(directory: Path = SIMULATIONS_DIR) -> list[Experiment]:
    """Every declared experiment, sorted by name."""
    return [load_experiment(path) for path in sorted(directory.glob("*.toml"))]


def find_experiment(name_or_path: str, directory: Path = SIMULATIONS_DIR) -> Experiment:
    """A declared experiment by name, or an experiment file by path."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        return load_experiment(path)
    declared = directory / f"{name_or_path}.toml"
    if not declared.exists():
        names = ", ".join(path.stem for path in sorted(directory.glob("*.toml")))
        raise InputError(f"unknown experiment '{name_or_path}'; declared: {names}")
    return load_experiment(declared)
