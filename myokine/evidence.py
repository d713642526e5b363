"""What an experiment is compared with: links to measurements and qualitative checks.

An experiment file names the measurements it reproduces (``[[data]]``) and the qualitative
findings a physiologist would check (``[[checks]]``). Times are minutes after the intervention's
start (the experiment's ``clock``: ``bout_start`` or ``il6_infusion_start``), as in the
measurement table. A link gives a time or window only where the table gives none; that timing is
then the experiment's assumption.

A fold or percent change is taken against the model's resting value (the value at the start of
the simulation, where the model sits at its resting steady state), as PEtab's observables do.

Check kinds (``baseline`` = the resting value):
- ``rises``: the maximum over ``window`` exceeds the baseline by more than ``tolerance``;
- ``unchanged``: over ``window`` the value stays within ``tolerance`` of the baseline;
- ``returns``: at ``time`` the value is back within ``tolerance`` of the baseline;
- ``peak_within``: the maximum over the whole run lies within ``window``;
- ``greater``: the maximum over ``window`` in ``condition`` exceeds, by more than ``tolerance``,
  the maximum over ``than_window`` (default ``window``) in ``than_condition`` (default the same);
- ``similar``: those two maxima differ by at most ``tolerance``.
Tolerances are relative (0.1 = 10 %).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from myokine.errors import InputError
from myokine.interface import OBSERVABLES
from myokine.measurements import Measurement, read_measurements
from myokine.results import CONDITION, TIME

ROLES = ("calibration", "validation", "scenario")
CLOCKS = {"bout": "bout_start", "infusion": "il6_infusion_start"}
STATISTICS = ("value", "mean", "max")
# How a measurement's number relates to the model's observable, and the unit it then has.
TRANSFORMATIONS = {"absolute": None, "fold_of_baseline": "fold", "percent_change": "%", "percent_effect": "%"}
CHECK_KINDS = ("rises", "unchanged", "returns", "peak_within", "greater", "similar")
DEFAULT_TOLERANCE = 0.1


@dataclass(frozen=True)
class DataLink:
    measurement: str
    condition: str
    time: float | None = None  # given here only where the table has none
    window: tuple[float, float] | None = None  # a measurement over an interval
    statistic: str = "value"  # of the model over the window: mean or max

    @property
    def assumed_timing(self) -> bool:
        return self.time is not None or self.window is not None


@dataclass(frozen=True)
class Check:
    item: str
    what: str
    kind: str
    observable: str
    condition: str
    window: tuple[float, float] | None = None
    time: float | None = None
    tolerance: float = DEFAULT_TOLERANCE
    than_condition: str | None = None
    than_window: tuple[float, float] | None = None

    @property
    def role(self) -> str:
        return "validation" if self.item.startswith("V") else "calibration"


def _window(value: object, where: str) -> tuple[float, float] | None:
    if value is None:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(x, (int, float)) for x in value)
            and value[0] < value[1]):
        raise InputError(f"{where}: a window is [start, end] in minutes, start < end")
    return float(value[0]), float(value[1])


def _table(entry: object, allowed: set[str], required: set[str], where: str) -> dict:
    if not isinstance(entry, dict):
        raise InputError(f"{where} must be a table")
    unknown, missing = sorted(set(entry) - allowed), sorted(required - set(entry))
    if unknown or missing:
        raise InputError(f"{where}: unknown keys {unknown}, missing keys {missing}")
    return entry


def parse_links(entries: object, role: str, conditions: list[str], where: str) -> tuple[DataLink, ...]:
    """The ``[[data]]`` tables: each measurement exists, has the experiment's role and a time."""
    measurements = read_measurements()
    links = []
    for number, entry in enumerate(entries or [], start=1):
        here = f"{where} [[data]] {number}"
        entry = _table(entry, {"measurement", "condition", "time", "window", "statistic"}, {"measurement"}, here)
        link = DataLink(entry["measurement"], entry.get("condition", conditions[0]), entry.get("time"),
                        _window(entry.get("window"), here), entry.get("statistic", "value"))
        measurement = measurements.get(link.measurement)
        if measurement is None:
            raise InputError(f"{here}: no measurement '{link.measurement}' in data/measurements.tsv")
        if measurement.role != role:
            raise InputError(f"{here}: {link.measurement} is {measurement.role} data; a {role} experiment "
                             f"may only use {role} data")
        if link.condition not in conditions:
            raise InputError(f"{here}: no condition '{link.condition}'")
        if not measurement.readable:
            raise InputError(f"{here}: {link.measurement} has no value (not read from the paper)")
        observable = OBSERVABLES.get(measurement.observable)
        if observable is None or measurement.transformation not in TRANSFORMATIONS:
            raise InputError(f"{here}: the model cannot compute {link.measurement} "
                             f"({measurement.transformation} of {measurement.observable})")
        unit = TRANSFORMATIONS[measurement.transformation] or observable.display_unit
        if measurement.unit != unit:
            raise InputError(f"{here}: {link.measurement} is in {measurement.unit}, the model gives {unit}")
        timings = [measurement.time is not None, link.time is not None, link.window is not None]
        if sum(timings) != 1:
            raise InputError(f"{here}: give a time or a window only where the measurement has no time")
        if link.statistic not in STATISTICS or (link.window is None) != (link.statistic == "value"):
            raise InputError(f"{here}: statistic is mean or max over a window, value at a time")
        links.append(link)
    return tuple(links)


def parse_checks(entries: object, conditions: list[str], where: str) -> tuple[Check, ...]:
    checks = []
    allowed = {"item", "what", "kind", "observable", "condition", "window", "time", "tolerance",
               "than_condition", "than_window"}
    for number, entry in enumerate(entries or [], start=1):
        here = f"{where} [[checks]] {number}"
        entry = _table(entry, allowed, {"item", "what", "kind", "observable"}, here)
        check = Check(
            entry["item"], entry["what"], entry["kind"], entry["observable"],
            entry.get("condition", conditions[0]), _window(entry.get("window"), here), entry.get("time"),
            float(entry.get("tolerance", DEFAULT_TOLERANCE)), entry.get("than_condition"),
            _window(entry.get("than_window"), here),
        )
        if check.kind not in CHECK_KINDS:
            raise InputError(f"{here}: kind must be one of {', '.join(CHECK_KINDS)}")
        needs_time = check.kind == "returns"
        if needs_time != (check.time is not None) or needs_time == (check.window is not None):
            raise InputError(f"{here}: a '{check.kind}' check needs " + ("a time" if needs_time else "a window"))
        for condition in (check.condition, check.than_condition):
            if condition is not None and condition not in conditions:
                raise InputError(f"{here}: no condition '{condition}'")
        checks.append(check)
    return tuple(checks)


class ObservableSeries:
    """One observable of one condition of a run, on the intervention's clock (time 0 = its start)."""

    def __init__(self, frame: pd.DataFrame, condition: str, observable: str, start: float):
        rows = frame[frame[CONDITION] == condition]
        self.time = rows[TIME].to_numpy() - start
        self.values = rows[observable].to_numpy()
        self.baseline = float(self.values[0])  # the resting value, at the simulation's start

    def at(self, time: float) -> float:
        return float(np.interp(time, self.time, self.values))

    def over(self, window: tuple[float, float], statistic: str) -> float:
        """The maximum or the time-average over a window."""
        inside = (self.time >= window[0]) & (self.time <= window[1])
        if statistic == "max":
            return float(self.values[inside].max())
        return float(np.trapezoid(self.values[inside], self.time[inside]) / (window[1] - window[0]))


def from_observable_units(measurement: Measurement, value: float, baseline: float) -> float:
    """A model value in the measurement's terms (fold of, or percent change from, the baseline)."""
    if measurement.transformation == "fold_of_baseline":
        return value / baseline
    if measurement.transformation in ("percent_change", "percent_effect"):
        return 100 * (value / baseline - 1)
    return value


def to_observable_units(measurement: Measurement, number: float, baseline: float) -> float:
    """A reported number in the observable's own units, given the model's baseline."""
    if measurement.transformation == "fold_of_baseline":
        return number * baseline
    if measurement.transformation in ("percent_change", "percent_effect"):
        return baseline * (1 + number / 100)
    return number
