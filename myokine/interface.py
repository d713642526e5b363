"""The model's public interface, read from the tables in models/interface/.

``observables.tsv`` lists every observable (an assignment rule in the SBML): id, human name,
tissue (the figure panel group), SBML unit, the unit label shown to readers, its resting value
(a formula of model parameters, or 1 for a fold of rest: what folds and percent changes of data
refer to) and a description.
``protocol.tsv`` lists the protocol parameters an experiment sets: id, name, meaning, SBML unit,
label, the plausible range and whether it is a whole number. Everything that shows or checks an
observable or a protocol parameter reads these tables; the build checks them against the SBML.
"""

from dataclasses import dataclass
from pathlib import Path

from myokine.errors import ModelError
from myokine.fileio import read_tsv
from myokine.paths import INTERFACE_DIR


@dataclass(frozen=True)
class Observable:
    id: str
    name: str
    tissue: str
    unit: str
    display_unit: str
    rest: str
    description: str


@dataclass(frozen=True)
class ProtocolParameter:
    id: str
    name: str
    meaning: str
    unit: str
    display_unit: str
    min: float
    max: float
    whole_number: bool


def _rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    rows = read_tsv(path, columns)
    for number, row in enumerate(rows, start=2):
        if any(not row[column] for column in columns):
            raise ModelError(f"{path}:{number}: every column needs a value")
    ids = [row["id"] for row in rows]
    if len(set(ids)) != len(ids):
        raise ModelError(f"{path}: duplicate ids")
    return rows


def read_observables(path: Path = INTERFACE_DIR / "observables.tsv") -> dict[str, Observable]:
    rows = _rows(path, ("id", "name", "tissue", "unit", "display_unit", "rest", "description"))
    return {row["id"]: Observable(**row) for row in rows}


def read_protocol(path: Path = INTERFACE_DIR / "protocol.tsv") -> dict[str, ProtocolParameter]:
    columns = ("id", "name", "meaning", "unit", "display_unit", "min", "max", "whole_number")
    parameters = {}
    for row in _rows(path, columns):
        try:
            low, high = float(row["min"]), float(row["max"])
        except ValueError:
            raise ModelError(f"{path}: {row['id']}: min and max must be numbers") from None
        if row["whole_number"] not in ("yes", "no") or not low <= high:
            raise ModelError(f"{path}: {row['id']}: whole_number must be yes or no, and min <= max")
        parameters[row["id"]] = ProtocolParameter(
            **{**row, "min": low, "max": high, "whole_number": row["whole_number"] == "yes"}
        )
    return parameters


OBSERVABLES: dict[str, Observable] = read_observables()
OBSERVABLE_IDS: tuple[str, ...] = tuple(OBSERVABLES)
PROTOCOL: dict[str, ProtocolParameter] = read_protocol()
