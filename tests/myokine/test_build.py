"""The SBML is built from the Antimony modules, deterministically, with zero libsbml findings."""

import re
import shutil

import libsbml
import pytest

from myokine.build import build, build_sbml, compose, module_files, validate
from myokine.errors import MyokineError
from myokine.paths import MODELS_DIR, SBML_PATH


def test_committed_sbml_is_fresh():
    assert SBML_PATH.read_text(encoding="utf-8") == build_sbml(), (
        "models/sbml/myokine.xml is stale: run 'make models' and commit it"
    )


def test_build_is_deterministic():
    assert build_sbml() == build_sbml()


def test_zero_libsbml_errors_and_warnings_with_unit_checks():
    assert validate(SBML_PATH.read_text(encoding="utf-8")) == []


def test_validation_reports_unit_errors():
    # The check must be able to fail: a rate law with the wrong units is reported.
    broken = SBML_PATH.read_text(encoding="utf-8").replace("<ci> k_ca </ci>", "<ci> Ca_rest </ci>", 1)
    assert any(f.check == "libsbml 10513" or "units" in f.message for f in validate(broken))


def test_sbml_is_level3_version2():
    document = libsbml.readSBMLFromFile(str(SBML_PATH))
    assert (document.getLevel(), document.getVersion()) == (3, 2)


def test_every_module_contributes_and_documents_itself():
    text = compose().text
    modules = module_files()
    assert [m.stem.split("_", 1)[1] for m in modules] == [
        "units", "protocol", "signaling", "secretion", "circulation", "organs", "brain"
    ]
    for path in modules:
        assert path.read_text(encoding="utf-8") in text
        assert path.read_text(encoding="utf-8").startswith("// # "), f"{path.name} lacks a header"


@pytest.fixture
def models_copy(tmp_path):
    copy = tmp_path / "models"
    shutil.copytree(MODELS_DIR, copy, ignore=shutil.ignore_patterns("sbml"))
    return copy


def test_malformed_module_names_file_and_line_and_writes_nothing(models_copy, tmp_path):
    module = models_copy / "03_secretion.ant"
    lines = module.read_text(encoding="utf-8").splitlines()
    lines[9] = "k_il6_mrna_decay = = 0.02 per_min"
    module.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out.xml"
    out.write_text("previous build", encoding="utf-8")
    with pytest.raises(MyokineError, match=r"models/03_secretion\.ant:10: .*syntax error"):
        build(models_copy, out)
    assert out.read_text(encoding="utf-8") == "previous build"
    assert sorted(tmp_path.iterdir()) == sorted([models_copy, out])


def test_unit_inconsistency_fails_the_build(models_copy, tmp_path):
    module = models_copy / "04_circulation.ant"
    text = module.read_text(encoding="utf-8")
    module.write_text(text.replace("k_il6_clearance = 0.58 per_min", "k_il6_clearance = 0.58 nM"))
    with pytest.raises(MyokineError, match=r"models/04_circulation\.ant:\d+ \(IL6_clearance\): .*libsbml 105"):
        build(models_copy, tmp_path / "out.xml")
    assert not (tmp_path / "out.xml").exists()


def test_validation_reports_unit_scale_errors():
    # libsbml compares unit kinds only; the build also compares scales (nM where mM is declared).
    sbml = SBML_PATH.read_text(encoding="utf-8")
    broken = re.sub(r'(id="lactate_plasma"[^>]*units=)"mM"', r'\1"nM"', sbml)
    assert broken != sbml
    findings = validate(broken)
    assert [finding.check for finding in findings] == ["unit scales"]
    assert "rule for lactate_plasma" in findings[0].message


@pytest.mark.parametrize(
    ("module", "edit", "message"),
    [
        ("06_brain.ant", lambda text: text + "k_ca = 3 per_min\n",
         r"models/06_brain\.ant:\d+: error: one definition per id: k_ca is already defined in models/02_signaling\.ant"),
        ("06_brain.ant", lambda text: text + "x_new = 50 uM\nx_new notes \"Assumed: new.\"\n",
         r"models/06_brain\.ant:\d+: error: declared units: unknown unit 'uM'"),
        ("03_secretion.ant", lambda text: text.replace("// Uses: AMPK_activity_fold, ", "// Uses: "),
         r"models/03_secretion\.ant: error: module header lists Uses: missing AMPK_activity_fold"),
        ("03_secretion.ant", lambda text: text.replace("keller2001, matthews2009", "keller2001, nobody2099, matthews2009"),
         r"unknown reference key 'nobody2099'"),
        ("04_circulation.ant", lambda text: text.replace('notes "Cited [dwivedi2014]:', 'notes "'),
         r"parameter k_il6_clearance: error: provenance tag: its note must start with a provenance tag"),
        ("01_protocol.ant", lambda text: text.replace("bout_duration = 60 minute", "bout_duration = 6000 minute"),
         r"parameter bout_duration: error: protocol table: default 6000 is outside \[1, 720\]"),
    ],
)
def test_lint_locates_every_mistake_in_its_module(models_copy, tmp_path, module, edit, message):
    path = models_copy / module
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(MyokineError, match=message):
        build(models_copy, tmp_path / "out.xml")
    assert not (tmp_path / "out.xml").exists()
