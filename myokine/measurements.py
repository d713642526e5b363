"""The measurement table (data/measurements.tsv): one row per value a cited paper reports.

Each row names its study, item and role (calibration or validation), the observable it
corresponds to and how (``transformation``), the time in minutes after the intervention's start,
the statistic, its dispersion and where in the paper it stands. Rows whose value could not be
read have neither a value nor bounds.
"""

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from myokine.errors import ModelError
from myokine.fileio import read_tsv
from myokine.paths import DATA_DIR

MEASUREMENTS_PATH = DATA_DIR / "measurements.tsv"
COLUMNS = ("id", "item", "role", "study", "arm", "observable", "transformation", "time", "statistic",
           "value", "dispersion_type", "dispersion", "lower", "upper", "n", "unit", "location", "note")


@dataclass(frozen=True)
class Measurement:
    id: str
    item: str
    role: str
    study: str
    arm: str
    observable: str
    transformation: str
    time: float | None
    statistic: str
    value: float | None
    dispersion_type: str
    dispersion: float | None
    lower: float | None
    upper: float | None
    n: int | None
    unit: str
    location: str
    note: str

    @property
    def readable(self) -> bool:
        return self.value is not None or self.lower is not None

    @property
    def central(self) -> float:
        """The reported number, or the geometric middle of a reported span."""
        if self.value is not None:
            return self.value
        if self.upper is None:
            return self.lower
        return math.sqrt(self.lower * self.upper) if self.lower > 0 else (self.lower + self.upper) / 2

    def interval(self) -> tuple[float, float] | None:
        """The reported range of the value: bounds (range, CI, span), value ± SD, value ± 2 SEM
        (or ± 2 of an unspecified ±), or from a lower bound up; None when none is reported."""
        if self.statistic == "lower_bound":
            return self.value, math.inf
        if self.lower is not None and self.upper is not None:
            return self.lower, self.upper
        if self.dispersion is not None and self.value is not None:
            width = self.dispersion if self.dispersion_type == "SD" else 2 * self.dispersion
            return self.value - width, self.value + width
        return None


def _number(text: str, where: str) -> float | None:
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ModelError(f"{where}: not a number: {text!r}") from None


@cache
def read_measurements(path: Path = MEASUREMENTS_PATH) -> dict[str, Measurement]:
    """Every measurement by id."""
    rows = read_tsv(path, COLUMNS)
    measurements = {}
    for line, row in enumerate(rows, start=2):
        where = f"{path}:{line}"
        numbers = {key: _number(row[key], where) for key in ("time", "value", "dispersion", "lower", "upper", "n")}
        numbers["n"] = int(numbers["n"]) if numbers["n"] is not None else None
        measurement = Measurement(**{**row, **numbers})
        if measurement.id in measurements:
            raise ModelError(f"{where}: duplicate id {measurement.id}")
        measurements[measurement.id] = measurement
    return measurements
