"""The uncertain parameters of the model and their ranges (``uncertainty.toml`` + provenance tags).

The parameters' provenance tags say which values are assumed (``Assumed:``, but not ``Assumed
(scale only):``, which no output depends on); ``uncertainty.toml`` says how far each may vary.
An estimated parameter varies over its 95 % interval (``models/estimates.tsv``), on the scale
its override gives (log otherwise). Log-scaled parameters are sampled as natural logarithms, so
sensitivity indices refer to relative (fold) changes of those parameters.
"""

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import libsbml

from myokine.errors import InputError
from myokine.estimates import Estimate, read_estimates
from myokine.paths import SBML_PATH
from myokine.provenance import note_text, parse_tag
from myokine.simulator import is_settable

UNCERTAINTY = Path(__file__).with_name("uncertainty.toml")


@dataclass(frozen=True)
class Uncertain:
    name: str
    value: float
    low: float
    high: float
    scale: str  # "log" or "linear"
    why: str

    def bounds(self) -> tuple[float, float]:
        """Sampling bounds (natural logarithms for log-scaled parameters)."""
        if self.scale == "log":
            return math.log(self.low), math.log(self.high)
        return self.low, self.high

    def to_value(self, sampled: float) -> float:
        return math.exp(sampled) if self.scale == "log" else sampled


def uncertain_parameters(
    sbml_path: Path = SBML_PATH, uncertainty: Path = UNCERTAINTY, estimates: Mapping[str, Estimate] | None = None
) -> list[Uncertain]:
    """Every estimated parameter with its interval (``estimates``: the adopted ones by default),
    every assumed one with its fold range, plus the overrides, in model order."""
    config = tomllib.loads(uncertainty.read_text(encoding="utf-8"))
    fold = float(config["default"]["fold"])
    overrides = config.get("overrides", {})
    model = libsbml.readSBMLFromFile(str(sbml_path)).getModel()
    estimates = read_estimates() if estimates is None else estimates
    settable = {p.getId(): p for p in model.getListOfParameters() if is_settable(model, p)}
    unknown = sorted(set(overrides) - set(settable))
    if unknown:
        raise InputError(f"{uncertainty}: not settable model parameters: {', '.join(unknown)}")
    result = []
    for name, parameter in settable.items():
        tag = parse_tag(note_text(parameter))
        value = parameter.getValue()
        if tag and tag.kind == "estimated":
            estimate = estimates[name]
            scale = overrides.get(name, {}).get("scale", "log")
            entry = Uncertain(name, value, estimate.ci_low, estimate.ci_high, scale, "estimated; 95 % profile interval")
        elif name in overrides:
            spec = overrides[name]
            entry = Uncertain(name, value, spec["low"], spec["high"], spec["scale"], spec["why"])
        elif tag and tag.kind == "assumed" and not tag.scale_only:
            entry = Uncertain(name, value, value / fold, value * fold, "log", f"assumed; {fold:g}-fold range")
        else:
            continue
        if not (entry.low <= value <= entry.high) or entry.scale not in ("log", "linear"):
            raise InputError(f"{uncertainty}: {name}: range [{entry.low}, {entry.high}] ({entry.scale}) excludes {value}")
        result.append(entry)
    return result

