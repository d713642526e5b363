"""Standards and interoperability: the export bundle and every check over it, with real tools.

One export (through the command line) and one pass of every check are shared by the session;
the other tests feed the checkers broken input to show that they can fail.
"""

import locale
import shutil
import zipfile
from pathlib import Path

import libsbml
import libsedml
import pandas as pd
import pytest

from analysis.export import copasi
from analysis.export.check import (COPASI_SEDML, SEDML_LINT, TELLURIUM_SEDML, VALIDATOR, _amici_rows, _sedml_rows,
                                   check_bundle, finding, format_table, planned_checks)
from analysis.export.compare import max_relative_difference
from analysis.export.bundle import CPS_EXPERIMENT, Bundle
from analysis.export.omex_read import open_archive
from analysis.export.sbml_l2 import LOST_FEATURES_HEADING
from analysis.export.sedml import condition_split
from analysis.export.sedml_check import check_sedml
from analysis.export.tellurium_sedml import run_sedml
from analysis.export.validator import validate_project
from myokine.cli import main
from myokine.experiments import list_experiments
from myokine.interface import OBSERVABLE_IDS as OBSERVABLES
from myokine.simulator import PORTABLE_ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE
from tests.helpers import in_a_fresh_process

pytestmark = [pytest.mark.copasi, pytest.mark.tellurium, pytest.mark.validator, pytest.mark.amici]
PLANNED = planned_checks(Bundle.at(Path("dist")), list_experiments())


@pytest.fixture(scope="session")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    assert main(["export", "--out", str(out)]) == 0
    return Bundle.at(out)


@pytest.fixture(scope="session")
def rows(bundle, experiments, results):
    reference = {name: results[name][["condition", "time", *(e.observables or OBSERVABLES)]]
                 for name, e in experiments.items()}
    return {(row.check, row.subject): row for row in check_bundle(bundle, list(experiments.values()), reference)}


@pytest.fixture(scope="session")
def extracted(bundle, tmp_path_factory):
    """The archive's SED-ML files and model, extracted (safely) once."""
    folder = tmp_path_factory.mktemp("omex")
    with open_archive(bundle.omex) as archive:
        shutil.copytree(archive.root, folder, dirs_exist_ok=True)
        contents = archive.contents
    return folder, contents


def test_export_writes_the_bundle(bundle):
    for path in bundle.files():
        assert path.stat().st_size > 0, path
    readme = bundle.readme.read_text(encoding="utf-8")
    assert "CC-BY 4.0" in readme and "References" in readme and "figures/acute_bout.png" in readme


def test_check_gives_exactly_the_planned_rows(rows):
    assert sorted(rows) == sorted(PLANNED)


@pytest.mark.parametrize(("check", "subject"), PLANNED, ids=[f"{c} [{s}]" for c, s in PLANNED])
def test_standards_check(rows, check, subject):
    row = rows[check, subject]
    assert row.passed, row.message


def test_validator_sees_every_experiment(rows, bundle, experiments):
    validation = rows[VALIDATOR, bundle.omex.name]
    assert validation.message.startswith(f"Archive contains {len(experiments)} SED-ML documents")


@pytest.mark.amici
def test_an_amici_failure_is_a_failed_row(tmp_path, experiments):
    broken = tmp_path / "broken.xml"
    broken.write_text("<sbml>not a model</sbml>", encoding="utf-8")
    rows = _amici_rows(broken, list(experiments.values()), {})
    assert [(row.check, row.passed) for row in rows] == [("AMICI vs roadrunner", False)]


def test_a_sedml_no_engine_can_run_is_a_failed_row_for_each(extracted, tmp_path, experiments):
    """The SED-ML runs happen in worker processes: a tool's error comes back as a failed row."""
    broken = _broken_copy(extracted, tmp_path, lambda d: d.getModel(0).setSource("missing.xml"))
    named = broken.rename(tmp_path / "keller2001_glycogen.sedml")
    rows = _sedml_rows([named], [experiments["keller2001_glycogen"]], {}, tmp_path)
    assert [(row.check, row.passed) for row in rows] == [
        (SEDML_LINT, False), (TELLURIUM_SEDML, False), (COPASI_SEDML, False)]


def test_tellurium_runs_a_sedml_without_a_word_on_the_console(extracted, tmp_path, experiments, capfd):
    """Its roadrunner's SUNDIALS prints warnings to file descriptor 1 (here at the end of the bout),
    where the check's table goes."""
    folder, _ = extracted
    run_sedml(folder / "acute_bout.sedml", experiments["acute_bout"], tmp_path)
    assert capfd.readouterr() == ("", "")


def test_table_says_fail_and_counts():
    table = format_table([finding("a", "x", True, "fine"), finding("b", "y", False, "broken")])
    assert "FAIL" in table and "broken" in table
    assert table.splitlines()[-1] == "1 of 2 checks passed, 1 FAILED"


def test_archive_holds_sbml_sedml_figures_and_metadata(extracted, experiments):
    folder, contents = extracted
    assert contents["myokine.xml"].endswith("sbml.level-3.version-2")
    assert contents["metadata.rdf"].endswith("omex-metadata")
    for name in experiments:
        assert contents[f"{name}.sedml"] == "http://identifiers.org/combine.specifications/sed-ml"
        assert (folder / "figures" / f"{name}.png").read_bytes().startswith(b"\x89PNG")
    rdf = (folder / "metadata.rdf").read_text(encoding="utf-8")
    for needle in ("dc:title", "dc:abstract", "dc:creator", "dc:created", "dc:modified",
                   "creativecommons.org/licenses/by/4.0", "taxonomy:9606", "dcterms:references",
                   'rdf:about="http://omex-library.org/myokine.omex"'):
        assert needle in rdf, needle


def test_sedml_is_level1_version4_with_portable_tolerances(extracted, experiments):
    folder, _ = extracted
    for name, experiment in experiments.items():
        doc = libsedml.readSedMLFromFile(str(folder / f"{name}.sedml"))
        assert (doc.getLevel(), doc.getVersion()) == (1, 4)
        simulation = doc.getSimulation(0)
        assert simulation.getOutputEndTime() == experiment.end
        assert simulation.getNumberOfSteps() == round(experiment.end / experiment.step)
        parameters = {p.getKisaoID(): float(p.getValue()) for p in simulation.getAlgorithm().getListOfAlgorithmParameters()}
        assert parameters == {"KISAO:0000209": RELATIVE_TOLERANCE, "KISAO:0000211": PORTABLE_ABSOLUTE_TOLERANCE, "KISAO:0000415": 1e6}
        plots = {doc.getOutput(i).getId() for i in range(doc.getNumOutputs())}
        assert {f"plot_{o}" for o in experiment.observables or OBSERVABLES} < plots


def test_conditions_become_a_repeated_task_with_its_own_subtask(extracted, experiments):
    folder, _ = extracted
    several = [e for e in experiments.values() if condition_split(e)[1]]
    assert several, "no declared experiment has varying conditions"
    for experiment in several:
        doc = libsedml.readSedMLFromFile(str(folder / f"{experiment.name}.sedml"))
        scans = [t for t in doc.getListOfTasks() if t.getTypeCode() == libsedml.SEDML_TASK_REPEATEDTASK]
        assert len(scans) == 1 and scans[0].getResetModel()
        subtask = scans[0].getSubTask(0).getTask()
        users = [v.getTaskReference() for g in doc.getListOfDataGenerators() for v in g.getListOfVariables()]
        assert subtask not in users  # tellurium 2.2.13 mixes up a subtask that a report also uses
        lengths = {len(r.getValues()) for r in scans[0].getListOfRanges()}
        assert lengths == {len(experiment.conditions)}


def _broken_copy(extracted, tmp_path, edit):
    folder, _ = extracted
    shutil.copy(folder / "myokine.xml", tmp_path / "myokine.xml")
    path = tmp_path / "broken.sedml"
    doc = libsedml.readSedMLFromFile(str(folder / "keller2001_glycogen.sedml"))
    edit(doc)
    libsedml.writeSedMLToFile(doc, str(path))
    return path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.getModel(0).getChange(0).setTarget(
            "/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter[@id='no_such_thing']/@value"),
         "selects 0 elements"),
        (lambda d: d.getModel(0).getChange(0).setTarget(
            "/sbml:sbml/sbml:model/sbml:listOfParameters/sbml:parameter[@id='IL6_plasma']/@value"),
         "computed by an assignment rule"),
        (lambda d: d.getModel(0).getChange(0).setTarget(
            d.getModel(0).getChange(0).getTarget().replace("@value", "@size")),
         "not a value of a parameter"),
        (lambda d: d.getDataGenerator(1).getVariable(0).setTaskReference("nowhere"), "unknown task nowhere"),
        (lambda d: d.getOutput(0).getDataSet(0).setDataReference("ghost"), "unknown data generator ghost"),
        (lambda d: d.getTask("conditions").getSubTask(0).setTask("ghost"), "unknown subtask ghost"),
        (lambda d: d.getTask("conditions").getRange("condition").addValue(2.0), "cannot run in lockstep"),
        (lambda d: d.getModel(0).setSource("missing.xml"), "source missing.xml not found"),
    ],
)
def test_sedml_check_finds_dangling_references_and_targets(extracted, tmp_path, edit, message):
    problems = check_sedml(_broken_copy(extracted, tmp_path, edit))
    assert any(message in problem for problem in problems), problems


def test_relative_difference_sees_a_small_change():
    reference = pd.DataFrame({"condition": ["a", "a"], "time": [0.0, 1.0], "x": [1.0, 2.0]})
    nudged = reference.assign(x=[1.0, 2.0 * (1 + 3e-6)])
    worst, where = max_relative_difference(nudged, reference)
    assert worst == pytest.approx(3e-6, rel=1e-3) and where == "a/x"


def test_copasi_sees_a_parameter_change(bundle, experiments, simulator):
    """The COPASI simulator is not trivially equal: a changed parameter moves its output."""
    experiment = experiments[CPS_EXPERIMENT]
    changed = experiment.with_changes({"exercise_intensity": 0.4})
    with copasi.CopasiSimulator(bundle.copasi_sbml) as model:
        result = model.run_experiment(changed)
    assert max_relative_difference(result, simulator.run_experiment(changed))[0] < 1e-6
    assert max_relative_difference(result, simulator.run_experiment(experiment))[0] > 1e-2


def test_copasi_leaves_the_default_file_encoding_alone():
    in_a_fresh_process(copasi_leaves_the_default_file_encoding_alone)


def copasi_leaves_the_default_file_encoding_alone():
    """Importing COPASI sets the locale to "C": then ASCII would be the default encoding, and a
    tool that writes a file without naming one fails on the model's "µ" (tellurium did)."""
    locale.setlocale(locale.LC_CTYPE, "C.UTF-8")
    copasi.new_datamodel()
    assert locale.getpreferredencoding(False) == "UTF-8"


def test_copasi_safe_copy_is_l3v1_with_vcard3_creators(bundle):
    text = bundle.copasi_sbml.read_text(encoding="utf-8")
    assert 'level="3" version="1"' in text and "vCard:Family" in text and "vCard4:" not in text
    model = libsbml.readSBMLFromString(text).getModel()
    assert model.getModelHistory().getCreator(0).getFamilyName()


def test_l2v4_copy_lists_lost_event_features(bundle, sbml_model):
    document = libsbml.readSBMLFromFile(str(bundle.l2v4))
    assert document.getNumErrors(libsbml.LIBSBML_SEV_ERROR) == 0
    assert (document.getLevel(), document.getVersion()) == (2, 4)
    notes = document.getModel().getNotesString()
    assert LOST_FEATURES_HEADING in notes
    for event in sbml_model.getListOfEvents():
        priority = libsbml.formulaToL3String(event.getPriority().getMath())
        assert f"event {event.getId()}: priority {priority}" in notes


def test_validator_rejects_an_archive_without_title(bundle, tmp_path):
    broken = tmp_path / "untitled.omex"
    with zipfile.ZipFile(bundle.omex) as source, zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "metadata.rdf":
                data = b"".join(line + b"\n" for line in data.splitlines() if b"dc:title" not in line)
            target.writestr(info, data)
    validation = validate_project(broken)
    assert not validation.valid
    assert "title" in validation.output
