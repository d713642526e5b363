"""SED-ML L1V4 for every declared experiment, generated from the experiment declarations.

Each experiment becomes one SED-ML document: the model with the changes shared by every
condition, a uniform time course (0..end in end/step steps) solved by CVODE with the runner's
tolerances as KiSAO parameters, and a report and one plot per observable. An experiment with
several conditions becomes a repeated task over its own subtask, with one vector range per
varying target, all iterated in lockstep with the ``condition`` range.

Every parameter an experiment sets enters the model's equations directly (no initial
assignment or initial value depends on it), so each change is a single change of the parameter's
value, the same for every engine; a parameter that feeds an initial assignment is refused.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import libsbml
import libsedml

from myokine.errors import InputError, ModelError, ToolError
from myokine.experiments import Experiment
from myokine.fileio import write_text_atomically
from myokine.interface import OBSERVABLE_IDS, OBSERVABLES
from myokine.simulator import PORTABLE_ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE

LEVEL, VERSION = 1, 4
SBML_NS = "http://www.sbml.org/sbml/level3/version2/core"
SBML_LANGUAGE = "urn:sedml:language:sbml.level-3.version-2"
TIME_SYMBOL = "urn:sedml:symbol:time"
KISAO_CVODE = "KISAO:0000019"
KISAO_RELATIVE_TOLERANCE = "KISAO:0000209"
KISAO_ABSOLUTE_TOLERANCE = "KISAO:0000211"
KISAO_MAX_STEPS = "KISAO:0000415"
MAX_STEPS = 1_000_000  # COPASI's default of 100,000 internal steps ends the 12-week runs
MODEL_ID = "model"
SIMULATION_ID = "simulation"
TASK_ID = "task"
SCAN_ID = "conditions"
SCAN_SUBTASK_ID = "condition_run"
CONDITION_RANGE = "condition"
REPORT_ID = "report"
TIME_ID = "time"
_LIST_OF = {"parameter": "listOfParameters", "compartment": "listOfCompartments", "species": "listOfSpecies"}


@dataclass(frozen=True)
class Target:
    """A model element addressed by XPath; ``attribute`` is the value a change sets."""

    kind: str  # "parameter", "compartment" or "species"
    id: str
    attribute: str = ""

    @property
    def element_xpath(self) -> str:
        return f"/sbml:sbml/sbml:model/sbml:{_LIST_OF[self.kind]}/sbml:{self.kind}[@id='{self.id}']"

    @property
    def xpath(self) -> str:
        return f"{self.element_xpath}/@{self.attribute}" if self.attribute else self.element_xpath


class ModelIndex:
    """What the SED-ML needs to know about the SBML: its elements and its parameters' values."""

    def __init__(self, sbml_path: Path):
        document = libsbml.readSBMLFromFile(str(sbml_path))
        if document.getNumErrors(libsbml.LIBSBML_SEV_ERROR) or document.getModel() is None:
            raise ModelError(f"{sbml_path}: not a readable SBML model")
        model = document.getModel()
        self.kinds: dict[str, str] = {}
        for kind, elements in (("parameter", model.getListOfParameters()),
                               ("compartment", model.getListOfCompartments()),
                               ("species", model.getListOfSpecies())):
            self.kinds.update((element.getId(), kind) for element in elements)
        self.defaults = {p.getId(): p.getValue() for p in model.getListOfParameters()}
        assigned = {a.getSymbol() for a in model.getListOfInitialAssignments()}
        feeding = {name for a in model.getListOfInitialAssignments() for name in _names(a.getMath())}
        self.settable = {
            p.getId() for p in model.getListOfParameters()
            if p.getConstant() and p.getId() not in assigned | feeding
        }

    def target(self, name: str) -> Target:
        """The value of a parameter that an experiment sets."""
        if name not in self.settable:
            raise InputError(f"'{name}' is not a constant parameter that no initial assignment uses")
        return Target("parameter", name, "value")

    def observable_target(self, name: str) -> Target:
        if self.kinds.get(name) not in ("parameter", "species"):
            raise InputError(f"observable '{name}' is not a parameter or species of the model")
        return Target(self.kinds[name], name)


def _names(math: libsbml.ASTNode) -> set[str]:
    """The ids a formula refers to."""
    names = {math.getName()} if math.isName() else set()
    for i in range(math.getNumChildren()):
        names |= _names(math.getChild(i))
    return names


def _check(status: int, what: str) -> None:
    if status != libsedml.LIBSEDML_OPERATION_SUCCESS:
        raise ToolError(f"libsedml could not set {what} (status {status})")


def condition_split(experiment: Experiment) -> tuple[dict[str, float], dict[str, list[float]]]:
    """Parameters equal in every condition, and for each other parameter its value per condition
    (the model default where a condition leaves it unset: ``None`` until filled in)."""
    per_condition = [experiment.condition_parameters(c) for c in experiment.conditions]
    names = list(dict.fromkeys(name for values in per_condition for name in values))
    shared, varying = {}, {}
    for name in names:
        column = [values.get(name) for values in per_condition]
        if None not in column and len(set(column)) == 1:
            shared[name] = column[0]
        else:
            varying[name] = column
    return shared, varying


def experiment_sedml(
    experiment: Experiment,
    index: ModelIndex,
    source: str,
    observables: Iterable[str] | None = None,
) -> libsedml.SedDocument:
    """The SED-ML document of one experiment; ``source`` is the model's path relative to it."""
    observables = list(observables or experiment.observables or OBSERVABLE_IDS)
    shared, varying = condition_split(experiment)
    doc = libsedml.SedDocument(LEVEL, VERSION)
    doc.getNamespaces().add(SBML_NS, "sbml")
    doc.setNotes(_notes(experiment))

    model = doc.createModel()
    _check(model.setId(MODEL_ID), "model id")
    model.setName(experiment.title)
    model.setLanguage(SBML_LANGUAGE)
    model.setSource(source)
    for name, value in shared.items():
        change = model.createChangeAttribute()
        change.setTarget(index.target(name).xpath)
        change.setNewValue(repr(float(value)))

    simulation = doc.createUniformTimeCourse()
    simulation.setId(SIMULATION_ID)
    simulation.setName(f"0 to {experiment.end:g} min, output every {experiment.step:g} min")
    simulation.setInitialTime(0.0)
    simulation.setOutputStartTime(0.0)
    simulation.setOutputEndTime(float(experiment.end))
    _check(simulation.setNumberOfSteps(experiment.grid.intervals), "number of steps")
    algorithm = simulation.createAlgorithm()
    algorithm.setKisaoID(KISAO_CVODE)
    for kisao, value in ((KISAO_RELATIVE_TOLERANCE, RELATIVE_TOLERANCE),
                         (KISAO_ABSOLUTE_TOLERANCE, PORTABLE_ABSOLUTE_TOLERANCE),
                         (KISAO_MAX_STEPS, MAX_STEPS)):
        parameter = algorithm.createAlgorithmParameter()
        parameter.setKisaoID(kisao)
        parameter.setValue(repr(value))

    if varying:
        task_id = _add_scan(doc, experiment, index, varying)
    else:
        task = doc.createTask()
        task.setId(TASK_ID)
        task.setModelReference(MODEL_ID)
        task.setSimulationReference(SIMULATION_ID)
        task_id = TASK_ID
    _add_outputs(doc, experiment, index, observables, task_id)
    return doc


def _add_scan(
    doc: libsedml.SedDocument,
    experiment: Experiment,
    index: ModelIndex,
    varying: dict[str, list],
) -> str:
    """A repeated task over the conditions, with a subtask used by nothing else."""
    subtask = doc.createTask()
    subtask.setId(SCAN_SUBTASK_ID)
    subtask.setModelReference(MODEL_ID)
    subtask.setSimulationReference(SIMULATION_ID)
    scan = doc.createRepeatedTask()
    scan.setId(SCAN_ID)
    scan.setName("conditions: " + ", ".join(experiment.conditions))
    scan.setResetModel(True)
    scan.setRangeId(CONDITION_RANGE)
    master = scan.createVectorRange()
    master.setId(CONDITION_RANGE)
    master.setName(", ".join(experiment.conditions))
    for number in range(len(experiment.conditions)):
        master.addValue(float(number))
    for number, (name, column) in enumerate(varying.items()):
        vector = scan.createVectorRange()
        range_id = f"values_{number}"
        vector.setId(range_id)
        vector.setName(name)
        for value in column:  # a condition that leaves the parameter alone gets its default
            vector.addValue(float(index.defaults[name] if value is None else value))
        set_value = scan.createTaskChange()
        set_value.setModelReference(MODEL_ID)
        set_value.setTarget(index.target(name).xpath)
        set_value.setRange(range_id)
        set_value.setMath(libsedml.parseL3Formula(range_id))
    entry = scan.createSubTask()
    entry.setTask(SCAN_SUBTASK_ID)
    entry.setOrder(1)
    return SCAN_ID


def _add_outputs(
    doc: libsedml.SedDocument,
    experiment: Experiment,
    index: ModelIndex,
    observables: list[str],
    task_id: str,
) -> None:
    def generator(data_id: str, name: str, target: Target | None) -> None:
        data = doc.createDataGenerator()
        data.setId(data_id)
        data.setName(name)
        variable = data.createVariable()
        variable.setId(f"{data_id}_var")
        variable.setTaskReference(task_id)
        if target is None:
            variable.setSymbol(TIME_SYMBOL)
        else:
            variable.setTarget(target.xpath)
        data.setMath(libsedml.parseL3Formula(f"{data_id}_var"))

    generator(TIME_ID, "time (min)", None)
    report = doc.createReport()
    report.setId(REPORT_ID)
    report.setName(experiment.title)
    for column, name in enumerate([TIME_ID, *observables]):
        if name != TIME_ID:
            generator(name, _label(name), index.observable_target(name))
        data_set = report.createDataSet()
        data_set.setId(f"column_{column}")
        data_set.setLabel(name)
        data_set.setDataReference(name)
    for name in observables:
        plot = doc.createPlot2D()
        plot.setId(f"plot_{name}")
        plot.setName(f"{experiment.title}: {_label(name)}")
        curve = plot.createCurve()
        curve.setId(f"curve_{name}")
        curve.setName(_label(name))
        curve.setXDataReference(TIME_ID)
        curve.setYDataReference(name)


def _label(observable: str) -> str:
    """``name (unit)`` of an observable of the public interface; its id otherwise."""
    entry = OBSERVABLES.get(observable)
    return f"{entry.name} ({entry.display_unit})" if entry else observable


def _notes(experiment: Experiment) -> str:
    text = " ".join(f"{experiment.title}. {experiment.description}".split())
    conditions = ", ".join(experiment.conditions)
    return (
        '<body xmlns="http://www.w3.org/1999/xhtml">'
        f"<p>{_escape(text)}</p>"
        f"<p>Generated from the experiment declaration {_escape(experiment.name)}.toml"
        f" (conditions: {_escape(conditions)}).</p></body>"
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_sedml(
    experiments: Iterable[Experiment], sbml_path: Path, out_dir: Path, source: str | None = None
) -> list[Path]:
    """Write ``<experiment>.sedml`` for each experiment into ``out_dir``; ``source`` defaults
    to the SBML's file name (the model sits beside the SED-ML)."""
    index = ModelIndex(sbml_path)
    written = []
    for experiment in experiments:
        doc = experiment_sedml(experiment, index, source or Path(sbml_path).name)
        path = Path(out_dir) / f"{experiment.name}.sedml"
        write_text_atomically(path, libsedml.writeSedMLToString(doc))
        written.append(path)
    return written
