"""COPASI (python-copasi): the COPASI-safe SBML copy, import checks, simulation, .cps, SED-ML.

COPASI's import of an L3V2 file whose model history is vCard4 can crash, so COPASI gets an L3V1
copy whose history libsbml rewrites as vCard3. Paths given to COPASI are absolute.
"""

import locale
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path

import libsbml
import numpy as np
import pandas as pd

from analysis.export.omex_read import checked_copy
from analysis.export.sbml_l2 import convert_level
from myokine.errors import ToolError
from myokine.experiments import Experiment, TimeGrid
from myokine.fileio import write_atomically, write_text_atomically
from myokine.results import CONDITION, TIME, condition_blocks, run_conditions
from myokine.simulator import PORTABLE_ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE

REPORT_PRECISION = 17
MAX_INTERNAL_STEPS = 1_000_000
MAX_SCAN_RUNS = 10_000  # COPASI nests a repeated task's ranges: conditions ** setValues runs


def copasi_safe_sbml(sbml: str) -> str:
    """The model as SBML L3V1 with its history re-set, so libsbml writes it as vCard3."""
    document = libsbml.readSBMLFromString(sbml)
    convert_level(document, 3, 1, strict=True)
    model = document.getModel()
    history = model.getModelHistory().clone()
    model.unsetModelHistory()
    if model.setModelHistory(history) != libsbml.LIBSBML_OPERATION_SUCCESS:
        raise ToolError("libsbml could not re-set the model history")
    return libsbml.writeSBMLToString(document)


@cache
def _copasi():
    """The COPASI module, imported once. Importing it sets the process's whole locale to "C",
    which would make ASCII the default encoding of every file Python opens after it: the
    character type is set back."""
    character_type = locale.setlocale(locale.LC_CTYPE)
    import COPASI

    locale.setlocale(locale.LC_CTYPE, character_type)
    return COPASI


def _errors() -> list[str]:
    """COPASI's queued messages of severity error or worse (and clears the queue)."""
    copasi = _copasi()
    found = []
    while copasi.CCopasiMessage.size():
        message = copasi.CCopasiMessage.getFirstMessage()
        if message.getType() in (copasi.CCopasiMessage.ERROR, copasi.CCopasiMessage.EXCEPTION):
            found.append(" ".join(message.getText().split()))
    return found


def new_datamodel():
    copasi = _copasi()
    _errors()
    return copasi.CRootContainer.addDatamodel()


def remove_datamodel(datamodel) -> None:
    _copasi().CRootContainer.removeDatamodel(datamodel)


def import_sbml(path: Path):
    """A COPASI data model of the SBML file; raises with COPASI's errors if any."""
    return _open(path, "importSBML", "import")


def load_cps(path: Path):
    """A COPASI data model of a .cps file."""
    return _open(path, "loadModel", "open")


def _read(datamodel, method: str, path: Path) -> bool:
    """Whether COPASI's reader ``method`` read the file into ``datamodel`` (on some failures,
    such as a SED-ML's missing model file, COPASI raises instead of returning false)."""
    try:
        return getattr(datamodel, method)(str(Path(path).resolve()))
    except _copasi().CCopasiException:
        return False


def _open(path: Path, method: str, verb: str):
    datamodel = new_datamodel()
    ok = _read(datamodel, method, path)
    errors = _errors()
    if not ok or errors:
        remove_datamodel(datamodel)
        raise ToolError(f"COPASI cannot {verb} {Path(path).name}: {'; '.join(errors) or 'failed'}")
    return datamodel


class CopasiSimulator:
    """Time courses with COPASI's LSODA at the runner's tolerances, of an SBML file (the
    COPASI-safe copy) or a .cps file."""

    def __init__(self, path: Path):
        self.datamodel = load_cps(path) if Path(path).suffix == ".cps" else import_sbml(path)
        model = self.datamodel.getModel()
        self.values = {v.getSBMLId(): v for v in model.getModelValues()}
        self.species = {m.getSBMLId(): m for m in model.getMetabolites()}
        self.defaults = {name: value.getInitialValue() for name, value in self.values.items()}
        task = self.datamodel.getTask("Time-Course")
        task.setMethodType(_copasi().CTaskEnum.Method_deterministic)
        method = task.getMethod()
        method.getParameter("Relative Tolerance").setDblValue(RELATIVE_TOLERANCE)
        method.getParameter("Absolute Tolerance").setDblValue(PORTABLE_ABSOLUTE_TOLERANCE)
        method.getParameter("Max Internal Steps").setUIntValue(MAX_INTERNAL_STEPS)
        self.task = task

    def set_parameters(self, parameters: Mapping[str, float]) -> None:
        """Set the parameters (others back to their defaults) and re-evaluate the initial values."""
        model = self.datamodel.getModel()
        wanted = {**self.defaults, **parameters}
        for name, value in wanted.items():
            if name not in self.values:
                raise ToolError(f"COPASI model has no parameter '{name}'")
            self.values[name].setInitialValue(value)
        model.updateInitialValues(_copasi().CCore.Framework_Concentration)

    def run(
        self, parameters: Mapping[str, float], grid: TimeGrid, observables: Sequence[str], where: str = ""
    ) -> pd.DataFrame:
        self.set_parameters(parameters)
        problem = self.task.getProblem()
        problem.setOutputStartTime(0.0)
        problem.setDuration(float(grid.end))
        problem.setStepNumber(grid.intervals)
        return self.run_task(observables)

    def process(self) -> None:
        """Run COPASI's time course as it is set up, keeping the result in COPASI."""
        self.task.getProblem().setTimeSeriesRequested(True)
        self.task.initialize(_copasi().CCopasiTask.OUTPUT_UI)
        ok = self.task.process(True)
        self.task.restore()
        errors = _errors()
        if not ok or errors:
            raise ToolError(f"COPASI time course failed: {'; '.join(errors) or 'no result'}")

    def run_task(self, observables: Iterable[str]) -> pd.DataFrame:
        """Run the time course as it is set up (e.g. as a .cps file saved it)."""
        self.process()
        series = self.task.getTimeSeries()
        columns = {}
        keys = [series.getKey(i) for i in range(series.getNumVariables())]
        index = {}
        for i, key in enumerate(keys):
            obj = _copasi().CRootContainer.getKeyFactory().get(key)
            if obj is not None and hasattr(obj, "getSBMLId"):
                index[obj.getSBMLId()] = i
        steps = series.getRecordedSteps()
        columns[TIME] = [series.getConcentrationData(t, 0) for t in range(steps)]
        for name in observables:
            if name not in index:
                raise ToolError(f"COPASI time series has no '{name}'")
            columns[name] = [series.getConcentrationData(t, index[name]) for t in range(steps)]
        return pd.DataFrame(columns)

    def run_experiment(self, experiment: Experiment) -> pd.DataFrame:
        return run_conditions(self, experiment)

    def save_cps(self, path: Path, experiment: Experiment) -> None:
        """Write a .cps whose time course is the experiment's first condition."""
        condition = next(iter(experiment.conditions))
        self.set_parameters(experiment.condition_parameters(condition))
        problem = self.task.getProblem()
        problem.setDuration(float(experiment.end))
        problem.setStepNumber(experiment.grid.intervals)
        self.task.setScheduled(True)

        def write(tmp: Path) -> None:
            if not self.datamodel.saveModel(str(tmp.resolve()), True):
                raise ToolError(f"COPASI could not write {path.name}: {'; '.join(_errors())}")

        write_atomically(path, write)
        self.set_parameters({})

    def close(self) -> None:
        remove_datamodel(self.datamodel)

    def __enter__(self) -> "CopasiSimulator":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def run_experiment(sbml_path: Path, experiment: Experiment) -> pd.DataFrame:
    """The experiment run by a COPASI simulator of its own on an SBML file."""
    with CopasiSimulator(sbml_path) as simulator:
        return simulator.run_experiment(experiment)


def run_sedml(sedml_path: Path, experiment: Experiment, out_dir: Path) -> pd.DataFrame:
    """Import a SED-ML file with COPASI and run the task behind its report, written with full
    precision; shaped like the runner's frame."""
    datamodel = new_datamodel()
    try:
        if not _read(datamodel, "importSEDML", sedml_path):
            raise ToolError(f"COPASI cannot import {Path(sedml_path).name}: {'; '.join(_errors())}")
        _errors()
        scan = datamodel.getTask("Scan").getProblem()
        runs = 1
        for i in range(scan.getNumberOfScanItems()):
            runs *= scan.getScanItem(i).getParameter("Number of steps").getUIntValue()
        if runs > MAX_SCAN_RUNS:
            raise ToolError(f"{Path(sedml_path).name}: COPASI would nest its ranges into {runs} runs")
        tasks = datamodel.getTaskList()
        ran = None
        for i in range(tasks.size()):
            task = tasks.get(i)
            report = task.getReport()
            if task.isScheduled() and report.getReportDefinition() is not None and report.getTarget():
                target = (out_dir / f"copasi_{i}.txt").resolve()
                out_dir.mkdir(parents=True, exist_ok=True)
                report.setTarget(str(target))
                report.setAppend(False)
                report.getReportDefinition().setPrecision(REPORT_PRECISION)
                task.initialize(_copasi().CCopasiTask.OUTPUT_UI)
                ok = task.process(True)
                task.restore()
                errors = _errors()
                if not ok or errors:
                    raise ToolError(f"COPASI task {task.getObjectName()} failed: {'; '.join(errors)}")
                ran = target
        if ran is None:
            raise ToolError(f"{Path(sedml_path).name}: COPASI found no task with a report")
        return read_report(ran, experiment)
    finally:
        remove_datamodel(datamodel)


def read_report(path: Path, experiment: Experiment) -> pd.DataFrame:
    """A COPASI report (header line, comma-separated rows) as a runner-shaped frame.

    COPASI turns each SetValue of a repeated task into its own scan item and nests them (a
    cartesian product) instead of iterating their ranges in lockstep; the lockstep runs, where
    every target has its value of the same condition, are the diagonal of that product."""
    lines = [line.strip().rstrip(",") for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [line for line in lines if line]
    header = [name.strip() for name in rows[0].split(",")]
    data = np.array([[float(x) for x in row.split(",")] for row in rows[1:] if not row.startswith(header[0])])
    points = experiment.grid.points
    conditions = list(experiment.conditions)
    blocks, rest = divmod(len(data), points)
    n = len(conditions)
    depth = 1
    while n > 1 and n**depth < blocks:
        depth += 1
    if rest or blocks != n**depth:
        raise ToolError(f"COPASI report has {len(data)} rows, expected {points} per run of {n}")
    stride = sum(n**k for k in range(depth)) if n > 1 else 0
    data = np.concatenate([data[j * stride * points:(j * stride + 1) * points] for j in range(n)])
    frame = pd.DataFrame(data, columns=header)
    frame.insert(0, CONDITION, condition_blocks(experiment))
    return frame


def open_archive(omex_path: Path) -> list[str]:
    """Open a COMBINE archive with COPASI (a copy re-packed from the project's safe reader, since
    COPASI's own extraction is unguarded); the names of the tasks it schedules."""
    datamodel = new_datamodel()
    try:
        with checked_copy(omex_path) as copy:
            if not _read(datamodel, "openCombineArchive", copy):
                raise ToolError(f"COPASI cannot open {Path(omex_path).name}: {'; '.join(_errors())}")
        _errors()
        tasks = datamodel.getTaskList()
        return [tasks.get(i).getObjectName() for i in range(tasks.size()) if tasks.get(i).isScheduled()]
    finally:
        remove_datamodel(datamodel)


def write_copasi_safe(sbml_path: Path, out: Path) -> Path:
    write_text_atomically(out, copasi_safe_sbml(Path(sbml_path).read_text(encoding="utf-8")))
    return out
