"""Checks of the model's sources and SBML beyond libsbml's, each finding located in its module.

- ``module_findings``: every id is defined in one module only (Antimony would silently keep the
  last definition), every number's unit is a declared unit, and each module's header lists
  exactly the ids it uses from other modules (``// Uses:``), the ids it provides to them
  (``// Provides:``) and the references it cites (``// References:``).
- ``sbml_findings``: every constant parameter's note starts with a provenance tag whose cited
  keys are in the reference list; the observables and protocol parameters of the interface tables
  are in the SBML as declared (rule or constant, unit, default within range).
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import libsbml

from myokine.errors import Finding
from myokine.interface import Observable, ProtocolParameter
from myokine.provenance import Reference, note_text, parse_tag

HEADER_LISTS = ("Uses", "Provides", "References")
BASE_UNITS = {
    "dimensionless", "second", "litre", "liter", "mole", "kilogram", "gram", "metre", "meter",
    "item", "ampere", "kelvin", "candela", "joule", "watt", "volt", "katal",
}
KEYWORDS = {
    "species", "substanceOnly", "compartment", "var", "const", "unit", "in", "at", "after",
    "priority", "t0", "persistent", "fromTrigger", "true", "false", "time", "has", "is", "notes",
    "identity", "sboTerm", "hasPart", "isVersionOf", "description", "model", "end", "and", "or",
    "not", "exp", "ln", "log", "log10", "pow", "sqrt", "abs", "floor", "ceil", "piecewise", "min",
    "max", "avogadro", "pi", "delay", "gt", "lt", "geq", "leq", "eq", "neq", "property", "taxon",
    "created", "modified", "creator1", "givenName", "familyName", "organization", "email",
}
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_IDENTIFIER = re.compile(r"(?<![\w.])([A-Za-z_]\w*)")
_NUMBER_UNIT = re.compile(r"(?<![\w.])\d[\d.]*(?:[eE][-+]?\d+)?\s+([A-Za-z_]\w*)")


@dataclass
class Module:
    """What one module file defines, references and declares in its header."""

    name: str
    defined: dict[str, int] = field(default_factory=dict)  # id -> line
    referenced: dict[str, int] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)  # units defined here
    number_units: dict[str, int] = field(default_factory=dict)  # units written after numbers
    header: dict[str, list[str]] = field(default_factory=dict)


def read_module(path: Path) -> Module:
    module = Module(f"models/{path.name}")
    current = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        heading = re.match(r"^// (\w+): (.*)$", line)
        if heading and heading[1] in HEADER_LISTS:
            current = heading[1]
            module.header[current] = _names(heading[2])
            continue
        if current and line.startswith("//   "):
            module.header[current] += _names(line[5:])
            continue
        current = None
        code = _STRING.sub('""', line.split("//")[0]).strip()
        if code:
            _read_statement(module, code, number)
    return module


def _names(text: str) -> list[str]:
    return [] if text.strip() == "none" else [name.strip() for name in text.split(",") if name.strip()]


def _read_statement(module: Module, code: str, line: int) -> None:
    if match := re.match(r"unit (\w+)\s*=", code):
        module.units.setdefault(match[1], line)
        return
    defined: list[str] = []
    if match := re.match(r"(?:substanceOnly )?species (.*)$", code):
        defined = re.findall(r"(\w+) in \w+", match[1])
    elif match := re.match(r"compartment (\w+)", code):
        defined = [match[1]]
    elif match := re.match(r"(\w+)\s*(?::=|=)(?!=)", code):
        defined = [match[1]]
    elif match := re.match(r"(\w+)\s*:", code):  # a reaction or an event
        defined = [match[1]]
    for name in defined:
        module.defined.setdefault(name, line)
    for unit in _NUMBER_UNIT.findall(code):
        module.number_units.setdefault(unit, line)
    if match := re.match(r"\w+ has (\w+)$", code):
        module.number_units.setdefault(match[1], line)
    for name in _IDENTIFIER.findall(code):
        module.referenced.setdefault(name, line)


def owners(modules: list[Module]) -> dict[str, Module]:
    """The module that defines each id (the first, where a redefinition makes two)."""
    owner: dict[str, Module] = {}
    for module in modules:
        for name in module.defined:
            owner.setdefault(name, module)
    return owner


def module_findings(modules: list[Module], references: dict[str, Reference], cited: dict[str, set[str]]) -> list[Finding]:
    """Redefinitions, unknown units, and header lists that differ from the modules' statements.

    ``cited`` holds, per module name, the reference keys of its parameters' Cited tags."""
    findings = []
    owner: dict[str, Module] = {}
    for module in modules:
        for name, line in module.defined.items():
            if name in owner:
                first = owner[name]
                findings.append(Finding("one definition per id", f"{module.name}:{line}", "error",
                                        f"{name} is already defined in {first.name}:{first.defined[name]}"))
            else:
                owner[name] = module
    units = {unit for module in modules for unit in module.units} | BASE_UNITS
    for module in modules:
        for unit, line in module.number_units.items():
            if unit not in units:
                findings.append(Finding("declared units", f"{module.name}:{line}", "error", f"unknown unit '{unit}'"))
    not_ids = units | KEYWORDS
    for module in modules:
        uses = {
            name for name, line in module.referenced.items()
            if name not in not_ids and name in owner and owner[name] is not module
        }
        provides = {
            name for other in modules if other is not module
            for name in other.referenced if owner.get(name) is module and name not in not_ids
        }
        keys = set(module.header.get("References", [])) | cited.get(module.name, set())
        expected = {"Uses": uses, "Provides": provides}
        if module.defined:
            expected["References"] = keys
        for what, names in expected.items():
            declared = set(module.header.get(what, []))
            if what not in module.header and names:
                declared = set()
            if declared != names:
                missing, extra = sorted(names - declared, key=str.lower), sorted(declared - names, key=str.lower)
                detail = "; ".join(part for part in (
                    f"missing {', '.join(missing)}" if missing else "",
                    f"not used: {', '.join(extra)}" if extra else "") if part)
                findings.append(Finding(f"module header lists {what}", module.name, "error", detail))
        for key in sorted(keys - set(references)):
            findings.append(Finding("references are in data/references.tsv", module.name, "error",
                                    f"unknown reference key '{key}'"))
    return findings


def sbml_findings(
    model: libsbml.Model,
    references: dict[str, Reference],
    observables: dict[str, Observable],
    protocol: dict[str, ProtocolParameter],
) -> list[Finding]:
    """Provenance tags, and the interface tables against the SBML."""
    findings = []
    for parameter in model.getListOfParameters():
        if not parameter.getConstant():
            continue
        tag = parse_tag(note_text(parameter))
        where = f"parameter {parameter.getId()}"
        if tag is None:
            findings.append(Finding("provenance tag", where, "error",
                                    "its note must start with a provenance tag (Assumed:, Calculated:, ...)"))
            continue
        for key in tag.keys:
            if key not in references:
                findings.append(Finding("provenance tag", where, "error", f"unknown reference key '{key}'"))
        if (tag.kind == "protocol") != (parameter.getId() in protocol):
            findings.append(Finding("provenance tag", where, "error",
                                    "Protocol is the tag of exactly the parameters in models/interface/protocol.tsv"))
    for name, entry in observables.items():
        parameter = model.getParameter(name)
        rule = model.getAssignmentRuleByVariable(name)
        if parameter is None or rule is None or parameter.getUnits() != entry.unit:
            findings.append(Finding("observables table", f"observable {name}", "error",
                                    f"must be an assignment rule with unit {entry.unit}"))
        unknown = [n for n in _IDENTIFIER.findall(entry.rest) if model.getParameter(n) is None]
        if unknown:
            findings.append(Finding("observables table", f"observable {name}", "error",
                                    f"its resting value names unknown parameters: {', '.join(unknown)}"))
    for name, entry in protocol.items():
        parameter = model.getParameter(name)
        if parameter is None or not parameter.getConstant() or parameter.getUnits() != entry.unit:
            findings.append(Finding("protocol table", f"parameter {name}", "error",
                                    f"must be a constant parameter with unit {entry.unit}"))
        elif not entry.min <= parameter.getValue() <= entry.max:
            findings.append(Finding("protocol table", f"parameter {name}", "error",
                                    f"default {parameter.getValue():g} is outside [{entry.min:g}, {entry.max:g}]"))
    return findings
