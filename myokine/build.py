"""Compose the Antimony modules in models/ into one flat SBML L3V2 model and validate it.

The modules (``models/NN_name.ant``, in file-name order) share one namespace: the build wraps
their statements in a single ``model``, so public ids stay unprefixed. The names of the
observables and protocol parameters come from the interface tables (models/interface/). Model
notes are ``models/notes.md``, each module's leading comment block and the references the modules
cite, taken from data/references.tsv, which also gives the model's machine-readable references;
``models/metadata.ant`` (creators, dates, taxon) follows the model body. Nothing comes from the
clock, so the same sources give the same bytes. The SBML must pass libsbml (every category, units
included) and the project's own checks (``myokine.lint``); every finding names its module and line.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import antimony
import libsbml

from myokine.errors import Finding, ModelError
from myokine.estimates import apply_estimates, read_estimates
from myokine.fileio import write_text_atomically
from myokine.interface import read_observables, read_protocol
from myokine.lint import Module, module_findings, owners, read_module, sbml_findings
from myokine.paths import INTERFACE_DIR, MODELS_DIR, SBML_PATH
from myokine.provenance import Reference, note_text, parse_tag, read_references

MODEL_ID = "myokine"
CHECK_CATEGORIES = (
    libsbml.LIBSBML_CAT_GENERAL_CONSISTENCY,
    libsbml.LIBSBML_CAT_IDENTIFIER_CONSISTENCY,
    libsbml.LIBSBML_CAT_UNITS_CONSISTENCY,
    libsbml.LIBSBML_CAT_MATHML_CONSISTENCY,
    libsbml.LIBSBML_CAT_SBO_CONSISTENCY,
    libsbml.LIBSBML_CAT_OVERDETERMINED_MODEL,
    libsbml.LIBSBML_CAT_MODELING_PRACTICE,
)


@dataclass(frozen=True)
class ComposedSource:
    """The composed Antimony text and, for each of its lines, the file and line it came from."""

    text: str
    origins: tuple[tuple[str, int], ...]

    def locate(self, line: int) -> str:
        """``file:line`` of line ``line`` (1-based) of the composed text."""
        if 1 <= line <= len(self.origins):
            name, number = self.origins[line - 1]
            return f"{name}:{number}" if number else name
        return f"composed model, line {line}"


def module_files(models_dir: Path = MODELS_DIR) -> list[Path]:
    """The model's modules in composition order."""
    return sorted(models_dir.glob("[0-9][0-9]_*.ant"))


def module_description(path: Path) -> str:
    """The module's leading ``//`` comment block, as markdown."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("//"):
            break
        lines.append(line[2:].removeprefix(" "))
    return "\n".join(lines).strip()


def compose(models_dir: Path = MODELS_DIR, interface_dir: Path = INTERFACE_DIR,
            references: dict[str, Reference] | None = None) -> ComposedSource:
    """Wrap every module in one model, then add the interface names, the metadata, the model's
    references and the model notes."""
    lines: list[str] = []
    origins: list[tuple[str, int]] = []

    def add(text: str, name: str, numbered: bool) -> None:
        for number, line in enumerate(text.splitlines(), start=1):
            if "```" in line and numbered:
                raise ModelError(f"{name}:{number}: ``` is reserved for the model notes")
            lines.append(line)
            origins.append((name, number if numbered else 0))

    modules = module_files(models_dir)
    if not modules:
        raise ModelError(f"no Antimony modules (NN_name.ant) in {models_dir}")
    references = read_references() if references is None else references
    add(f"model *{MODEL_ID}()", "(build)", False)
    for path in modules:
        add(_read(path), f"models/{path.name}", True)
    interface = {**read_observables(interface_dir / "observables.tsv"), **read_protocol(interface_dir / "protocol.tsv")}
    add("\n".join(f'{name} is "{entry.name}"' for name, entry in interface.items()), "models/interface/", False)
    add("end", "(build)", False)
    add(_read(models_dir / "metadata.ant"), "models/metadata.ant", True)
    cited = _cited_keys([read_module(path) for path in modules], references)
    add("\n".join(f'{MODEL_ID} description "{references[key].uri}"' for key in cited if references[key].uri),
        "data/references.tsv", False)
    sections = [_read(models_dir / "notes.md").strip(), "## Modules"]
    for path in modules:
        sections.append(re.sub(r"^# ", "### ", module_description(path)))
    sections.append("## References\n" + "\n".join(f"- {_reference_line(references[key])}" for key in cited))
    add(f"{MODEL_ID} notes ```\n" + "\n\n".join(sections) + "\n```", "models/notes.md", False)
    return ComposedSource("\n".join(lines) + "\n", tuple(origins))


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise ModelError(f"{path}: cannot read: {error.strerror}") from None


def _cited_keys(modules: list[Module], references: dict[str, Reference]) -> list[str]:
    """The reference keys the modules' headers list, in the order of the reference list."""
    keys = {key for module in modules for key in module.header.get("References", [])}
    return [key for key in references if key in keys]


def _reference_line(reference: Reference) -> str:
    if reference.doi:
        return f"{reference.citation} https://doi.org/{reference.doi}"
    if reference.pmid:
        return f"{reference.citation} PubMed {reference.pmid}"
    return f"{reference.citation} (cited from memory; not checked against the paper)"


def antimony_to_sbml(source: ComposedSource) -> str:
    """Convert the composed Antimony to SBML; errors name the module file and line."""
    antimony.clearPreviousLoads()
    if antimony.loadAntimonyString(source.text) < 0:
        raise ModelError(_locate_antimony_error(antimony.getLastError(), source))
    sbml = antimony.getSBMLString(MODEL_ID)
    antimony.clearPreviousLoads()
    return sbml


def _locate_antimony_error(message: str, source: ComposedSource) -> str:
    message = " ".join(message.split())
    match = re.match(r"Error in model string, line (\d+):\s*(.*)", message)
    if not match:
        return f"Antimony error: {message}"
    return f"{source.locate(int(match.group(1)))}: {match.group(2)}"


def validate(sbml: str) -> list[Finding]:
    """Every libsbml error and warning, with all check categories (units included) on, and the
    unit-scale check; each finding's subject is the element (and SBML line) it concerns."""
    document = libsbml.readSBMLFromString(sbml)
    for category in CHECK_CATEGORIES:
        document.setConsistencyChecks(category, True)
    document.checkConsistency()
    findings = _scale_findings(document.getModel())
    for i in range(document.getNumErrors()):
        error = document.getError(i)
        if error.getSeverity() >= libsbml.LIBSBML_SEV_WARNING:
            findings.append(Finding(
                f"libsbml {error.getErrorId()}",
                f"SBML line {error.getLine()}",
                "error" if error.getSeverity() >= libsbml.LIBSBML_SEV_ERROR else "warning",
                " ".join(error.getMessage().split()),
            ))
    return findings


def _si(unit_definition: libsbml.UnitDefinition) -> tuple[dict[str, float], float]:
    """Base SI units with exponents, and the factor to SI, of a unit definition."""
    kinds: dict[str, float] = {}
    factor = 1.0
    converted = libsbml.UnitDefinition.convertToSI(unit_definition)  # keep: owns the units
    for unit in converted.getListOfUnits():
        kind = libsbml.UnitKind_toString(unit.getKind())
        if kind != "dimensionless":
            kinds[kind] = kinds.get(kind, 0.0) + unit.getExponent()
        factor *= (unit.getMultiplier() * 10.0 ** unit.getScale()) ** unit.getExponent()
    return {k: e for k, e in kinds.items() if e}, factor


def _scale_findings(model: libsbml.Model) -> list[Finding]:
    """Math whose units differ from its target's by a factor (nM where mM is declared).

    libsbml's unit checks compare the kinds of units but not their scales; this compares both.
    """
    extent, extent_factor = _si(model.getUnitDefinition(model.getExtentUnits()))
    time, time_factor = _si(model.getUnitDefinition(model.getTimeUnits()))
    rate = {k: extent.get(k, 0) - time.get(k, 0) for k in {*extent, *time}}
    rate_units = ({k: e for k, e in rate.items() if e}, extent_factor / time_factor)

    pairs = []  # (element, description, units of the math, units of the target)
    for rule in model.getListOfRules():
        target = model.getElementBySId(rule.getVariable())
        pairs.append((rule, f"rule for {rule.getVariable()}", rule, target))
    for assignment in model.getListOfInitialAssignments():
        target = model.getElementBySId(assignment.getSymbol())
        pairs.append((assignment, f"initial assignment of {assignment.getSymbol()}", assignment, target))
    for event in model.getListOfEvents():
        for assignment in event.getListOfEventAssignments():
            target = model.getElementBySId(assignment.getVariable())
            pairs.append((assignment, f"event {event.getId()} setting {assignment.getVariable()}", assignment, target))
    issues: list[Finding] = []
    for element, what, math, target in pairs:
        if math.containsUndeclaredUnits():
            continue
        expected = _si(target.getDerivedUnitDefinition())
        issues += _compare(element, what, _si(math.getDerivedUnitDefinition()), expected)
    for reaction in model.getListOfReactions():
        law = reaction.getKineticLaw()
        if not law.containsUndeclaredUnits():
            got = _si(law.getDerivedUnitDefinition())
            issues += _compare(law, f"kinetic law of {reaction.getId()}", got, rate_units)
    return issues


def _compare(element, what: str, got, expected) -> list[Finding]:
    if got[0] == expected[0] and abs(got[1] / expected[1] - 1) < 1e-9:
        return []
    message = f"units of the {what} are {got[1]:g} x {got[0]} in SI, expected {expected[1]:g} x {expected[0]}"
    return [Finding("unit scales", f"SBML line {element.getLine()}", "error", message)]


def build_sbml(models_dir: Path = MODELS_DIR, interface_dir: Path = INTERFACE_DIR) -> str:
    """The released SBML text; raises ``ModelError`` naming every finding's module and line."""
    references = read_references()
    sbml = antimony_to_sbml(compose(models_dir, interface_dir, references))
    modules = [read_module(path) for path in module_files(models_dir)]
    document = libsbml.readSBMLFromString(sbml)
    findings = apply_estimates(document.getModel(), read_estimates(models_dir / "estimates.tsv"))
    sbml = libsbml.writeSBMLToString(document)
    model = document.getModel()
    findings += [_locate(finding, sbml, modules) for finding in validate(sbml)]
    findings += sbml_findings(model, references, read_observables(interface_dir / "observables.tsv"),
                              read_protocol(interface_dir / "protocol.tsv"))
    findings += module_findings(modules, references, _cited_by_module(model, modules))
    if findings:
        details = "; ".join(str(finding) for finding in findings[:5])
        more = f" (and {len(findings) - 5} more)" if len(findings) > 5 else ""
        raise ModelError(f"the model has {len(findings)} findings: {details}{more}")
    return sbml


def _cited_by_module(model: libsbml.Model, modules: list[Module]) -> dict[str, set[str]]:
    owner = owners(modules)
    cited: dict[str, set[str]] = {}
    for parameter in model.getListOfParameters():
        tag = parse_tag(note_text(parameter))
        if tag and tag.keys and parameter.getId() in owner:
            cited.setdefault(owner[parameter.getId()].name, set()).update(tag.keys)
    return cited


def _locate(finding: Finding, sbml: str, modules: list[Module]) -> Finding:
    """The module and line of the element an SBML-line finding concerns, where it has one."""
    match = re.fullmatch(r"SBML line (\d+)", finding.subject)
    if not match:
        return finding
    lines = sbml.splitlines()[: int(match[1])]
    owner = owners(modules)
    for line in reversed(lines):
        element = re.search(r'\b(?:id|symbol|variable)="(\w+)"', line)
        if element and element[1] in owner:
            module = owner[element[1]]
            subject = f"{module.name}:{module.defined[element[1]]} ({element[1]})"
            return Finding(finding.check, subject, finding.severity, finding.message)
    return finding


def build(models_dir: Path = MODELS_DIR, out: Path = SBML_PATH) -> Path:
    """Build and write the SBML (atomically: a failed build leaves the old file in place)."""
    write_text_atomically(out, build_sbml(models_dir))
    return out
