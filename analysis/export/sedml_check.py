"""Check that a SED-ML document is consistent: libsedml only reports syntax.

Every id reference (models, simulations, tasks, subtasks, ranges, data generators) must name an
element of the right kind, every identifier in math must be defined, and every XPath target
must select exactly one element of the model's SBML (and an attribute that the element has, or
that its initial assignment computes).
"""

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import libsedml

from analysis.export.sedml import TIME_SYMBOL

_STEP = re.compile(r"^([A-Za-z_][\w.-]*):([A-Za-z_][\w.-]*)")
_VALUE_ATTRIBUTES = {
    "parameter": {"value"},
    "compartment": {"size"},
    "species": {"initialConcentration", "initialAmount"},
}


class _Model:
    """A model's SBML as an element tree, with what targets need to be checked against."""

    def __init__(self, path: Path):
        self.root = ET.parse(path).getroot()
        self.namespace = self.root.tag[1:].partition("}")[0]
        self.initial_assignments = {
            e.get("symbol") for e in self.root.iter(f"{{{self.namespace}}}initialAssignment")
        }
        self.rule_variables = {
            e.get("variable") for e in self.root.iter(f"{{{self.namespace}}}assignmentRule")
        }

    def select(self, xpath: str, prefixes: dict[str, str]) -> list[ET.Element]:
        """Elements selected by an absolute XPath (the subset ElementTree evaluates)."""
        if not xpath.startswith("/"):
            raise ValueError("not an absolute path")
        first, _, rest = xpath[1:].partition("/")
        match = _STEP.match(first)
        if not match or match.group(0) != first or prefixes.get(match.group(1)) != self.namespace:
            raise ValueError(f"the first step must be the SBML root in namespace {self.namespace}")
        if self.root.tag != f"{{{self.namespace}}}{match.group(2)}":
            return []
        return self.root.findall(f"./{rest}", prefixes) if rest else [self.root]


def check_sedml(path: Path) -> list[str]:
    """Every problem found in the SED-ML file at ``path`` (empty if it is consistent)."""
    path = Path(path)
    doc = libsedml.readSedMLFromFile(str(path))
    problems = [
        f"libsedml: {doc.getError(i).getMessage().strip()}"
        for i in range(doc.getNumErrors())
        if doc.getError(i).getSeverity() >= libsedml.LIBSEDML_SEV_ERROR
    ]
    if problems:
        return problems
    prefixes = {
        doc.getNamespaces().getPrefix(i): doc.getNamespaces().getURI(i)
        for i in range(doc.getNamespaces().getNumNamespaces())
        if doc.getNamespaces().getPrefix(i)
    }
    models: dict[str, _Model] = {}
    for model in doc.getListOfModels():
        source = path.parent / model.getSource()
        if not source.is_file():
            problems.append(f"model {model.getId()}: source {model.getSource()} not found")
            continue
        models[model.getId()] = _Model(source)
        for change in model.getListOfChanges():
            problems += _check_change_target(change.getTarget(), models[model.getId()], prefixes)
            if change.getTypeCode() == libsedml.SEDML_CHANGE_COMPUTECHANGE:
                problems += _check_math(change.getMath(), _defined(change), f"computeChange {change.getTarget()}")
    simulations = {s.getId() for s in doc.getListOfSimulations()}
    tasks = {t.getId(): t for t in doc.getListOfTasks()}
    for task in tasks.values():
        if task.getTypeCode() == libsedml.SEDML_TASK:
            if task.getModelReference() not in models:
                problems.append(f"task {task.getId()}: unknown model {task.getModelReference()}")
            if task.getSimulationReference() not in simulations:
                problems.append(f"task {task.getId()}: unknown simulation {task.getSimulationReference()}")
        elif task.getTypeCode() == libsedml.SEDML_TASK_REPEATEDTASK:
            problems += _check_repeated_task(task, tasks, models, prefixes)
    generators = {}
    for generator in doc.getListOfDataGenerators():
        generators[generator.getId()] = generator
        for variable in generator.getListOfVariables():
            where = f"data generator {generator.getId()}"
            task = tasks.get(variable.getTaskReference())
            if task is None:
                problems.append(f"{where}: unknown task {variable.getTaskReference()}")
                continue
            if variable.isSetSymbol():
                if variable.getSymbol() != TIME_SYMBOL:
                    problems.append(f"{where}: unsupported symbol {variable.getSymbol()}")
                continue
            model = models.get(_model_of(task, tasks))
            if model is None:
                problems.append(f"{where}: task {task.getId()} has no model")
                continue
            problems += _check_element_target(variable.getTarget(), model, prefixes)
        problems += _check_math(generator.getMath(), _defined(generator), f"data generator {generator.getId()}")
    for output in doc.getListOfOutputs():
        references = []
        if output.getTypeCode() == libsedml.SEDML_OUTPUT_REPORT:
            references = [d.getDataReference() for d in output.getListOfDataSets()]
        elif output.getTypeCode() == libsedml.SEDML_OUTPUT_PLOT2D:
            for curve in output.getListOfCurves():
                references += [curve.getXDataReference(), curve.getYDataReference()]
        problems += [
            f"output {output.getId()}: unknown data generator {r}" for r in references if r not in generators
        ]
        if not references:
            problems.append(f"output {output.getId()}: shows no data")
    return problems


def _model_of(task, tasks: dict) -> str | None:
    """The model a (repeated) task runs, through its first subtask."""
    seen = set()
    while task is not None and task.getTypeCode() == libsedml.SEDML_TASK_REPEATEDTASK:
        if task.getId() in seen or task.getNumSubTasks() == 0:
            return None
        seen.add(task.getId())
        task = tasks.get(task.getSubTask(0).getTask())
    return None if task is None else task.getModelReference()


def _check_repeated_task(task, tasks: dict, models: dict[str, _Model], prefixes: dict) -> list[str]:
    where = f"repeated task {task.getId()}"
    problems = []
    ranges = {r.getId(): r for r in task.getListOfRanges()}
    if task.getRangeId() not in ranges:
        problems.append(f"{where}: unknown master range {task.getRangeId()}")
    lengths = {len(r.getValues()) for r in ranges.values() if r.getTypeCode() == libsedml.SEDML_RANGE_VECTORRANGE}
    if len(lengths) > 1:
        problems.append(f"{where}: vector ranges of different lengths {sorted(lengths)} cannot run in lockstep")
    if task.getNumSubTasks() == 0:
        problems.append(f"{where}: no subtask")
    for subtask in task.getListOfSubTasks():
        if subtask.getTask() not in tasks or subtask.getTask() == task.getId():
            problems.append(f"{where}: unknown subtask {subtask.getTask()}")
    for change in task.getListOfTaskChanges():
        model = models.get(change.getModelReference())
        if model is None:
            problems.append(f"{where}: setValue for unknown model {change.getModelReference()}")
            continue
        if change.isSetRange() and change.getRange() not in ranges:
            problems.append(f"{where}: setValue with unknown range {change.getRange()}")
        problems += _check_change_target(change.getTarget(), model, prefixes)
        problems += _check_math(change.getMath(), _defined(change) | set(ranges), f"{where} setValue")
    return problems


def _check_change_target(target: str, model: _Model, prefixes: dict) -> list[str]:
    """A change must set a value attribute of exactly one element, not one a rule computes."""
    element_path, _, attribute = target.rpartition("/@")
    if not element_path:
        return [f"change target {target} does not name an attribute"]
    problems = _check_element_target(element_path, model, prefixes)
    if problems:
        return problems
    element = model.select(element_path, prefixes)[0]
    kind = element.tag.partition("}")[2]
    element_id = element.get("id")
    if attribute not in _VALUE_ATTRIBUTES.get(kind, set()):
        return [f"change target {target}: {attribute} is not a value of a {kind}"]
    if element_id in model.rule_variables:
        return [f"change target {target}: {element_id} is computed by an assignment rule"]
    if element.get(attribute) is None and element_id not in model.initial_assignments:
        return [f"change target {target}: the model sets no {attribute} for {element_id}"]
    return []


def _check_element_target(xpath: str, model: _Model, prefixes: dict) -> list[str]:
    try:
        found = model.select(xpath, prefixes)
    except (ValueError, SyntaxError, KeyError) as error:
        return [f"target {xpath} cannot be evaluated: {error}"]
    if len(found) != 1:
        return [f"target {xpath} selects {len(found)} elements of the model, not one"]
    return []


def _defined(element) -> set[str]:
    names = {v.getId() for v in element.getListOfVariables()}
    return names | {p.getId() for p in element.getListOfParameters()}


def _check_math(math, defined: set[str], where: str) -> list[str]:
    if math is None:
        return [f"{where}: no math"]
    used = set()
    stack = [math]
    while stack:
        node = stack.pop()
        if node.isName():
            used.add(node.getName())
        stack += [node.getChild(i) for i in range(node.getNumChildren())]
    unknown = sorted(used - defined)
    return [f"{where}: undefined {', '.join(unknown)}"] if unknown else []
