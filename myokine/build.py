"""Compose the Antimony modules in models/ into one flat SBML L3V2 model and validate it.

The modules (``models/NN_name.ant``, in file-name order) share one namespace: the build wraps
their statements in a single ``model``, so public ids stay unprefixed. Model notes are
``models/notes.md`` followed by each module's leading comment block; ``models/metadata.ant``
(creators, dates, taxon) follows the model body. Nothing comes from the clock, so the same
sources give the same bytes.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import antimony
import libsbml

from myokine.errors import MyokineError
from myokine.fileio import write_text_atomically
from myokine.paths import MODELS_DIR, SBML_PATH

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


@dataclass(frozen=True)
class Issue:
    """One libsbml finding."""

    severity: str
    code: int
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.severity} {self.code} (SBML line {self.line}): {self.message}"


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


def compose(models_dir: Path = MODELS_DIR) -> ComposedSource:
    """Wrap every module in one model, then add the metadata and the model notes."""
    lines: list[str] = []
    origins: list[tuple[str, int]] = []

    def add(text: str, name: str, numbered: bool) -> None:
        for number, line in enumerate(text.splitlines(), start=1):
            if "```" in line and numbered:
                raise MyokineError(f"{name}:{number}: ``` is reserved for the model notes")
            lines.append(line)
            origins.append((name, number if numbered else 0))

    modules = module_files(models_dir)
    if not modules:
        raise MyokineError(f"no Antimony modules (NN_name.ant) in {models_dir}")
    add(f"model *{MODEL_ID}()", "(build)", False)
    for path in modules:
        add(path.read_text(encoding="utf-8"), f"models/{path.name}", True)
    add("end", "(build)", False)
    add((models_dir / "metadata.ant").read_text(encoding="utf-8"), "models/metadata.ant", True)
    sections = [(models_dir / "notes.md").read_text(encoding="utf-8").strip(), "## Modules"]
    for path in modules:
        sections.append(re.sub(r"^# ", "### ", module_description(path)))
    add(f"{MODEL_ID} notes ```\n" + "\n\n".join(sections) + "\n```", "models/notes.md", False)
    return ComposedSource("\n".join(lines) + "\n", tuple(origins))


def antimony_to_sbml(source: ComposedSource) -> str:
    """Convert the composed Antimony to SBML; errors name the module file and line."""
    antimony.clearPreviousLoads()
    if antimony.loadAntimonyString(source.text) < 0:
        raise MyokineError(_locate_antimony_error(antimony.getLastError(), source))
    sbml = antimony.getSBMLString(MODEL_ID)
    antimony.clearPreviousLoads()
    return sbml


def _locate_antimony_error(message: str, source: ComposedSource) -> str:
    message = " ".join(message.split())
    match = re.match(r"Error in model string, line (\d+):\s*(.*)", message)
    if not match:
        return f"Antimony error: {message}"
    return f"{source.locate(int(match.group(1)))}: {match.group(2)}"


def validate(sbml: str) -> list[Issue]:
    """Every libsbml error and warning, with all check categories (units included) on."""
    document = libsbml.readSBMLFromString(sbml)
    for category in CHECK_CATEGORIES:
        document.setConsistencyChecks(category, True)
    document.checkConsistency()
    issues = _scale_issues(document.getModel())
    for i in range(document.getNumErrors()):
        error = document.getError(i)
        if error.getSeverity() >= libsbml.LIBSBML_SEV_WARNING:
            issues.append(
                Issue(
                    error.getSeverityAsString(),
                    error.getErrorId(),
                    error.getLine(),
                    " ".join(error.getMessage().split()),
                )
            )
    return issues


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


def _scale_issues(model: libsbml.Model) -> list[Issue]:
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
    issues = []
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


def _compare(element, what: str, got, expected) -> list[Issue]:
    if got[0] == expected[0] and abs(got[1] / expected[1] - 1) < 1e-9:
        return []
    message = f"units of the {what} are {got[1]:g} x {got[0]} in SI, expected {expected[1]:g} x {expected[0]}"
    return [Issue("Error", 0, element.getLine(), message)]


def build_sbml(models_dir: Path = MODELS_DIR) -> str:
    """The released SBML text; raises if libsbml finds any error or warning."""
    sbml = antimony_to_sbml(compose(models_dir))
    issues = validate(sbml)
    if issues:
        details = "; ".join(str(issue) for issue in issues[:5])
        raise MyokineError(f"the built SBML has {len(issues)} libsbml errors/warnings: {details}")
    return sbml


def build(models_dir: Path = MODELS_DIR, out: Path = SBML_PATH) -> Path:
    """Build and write the SBML (atomically: a failed build leaves the old file in place)."""
    write_text_atomically(out, build_sbml(models_dir))
    return out
