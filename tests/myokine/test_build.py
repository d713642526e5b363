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
    assert any(issue.code == 10513 or "units" in issue.message for issue in validate(broken))


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
    with pytest.raises(MyokineError, match="libsbml errors/warnings"):
        build(models_copy, tmp_path / "out.xml")
    assert not (tmp_path / "out.xml").exists()


def test_validation_reports_unit_scale_errors():
    # libsbml compares unit kinds only; the build also compares scales (nM where mM is declared).
    sbml = SBML_PATH.read_text(encoding="utf-8")
    broken = re.sub(r'(id="lactate_plasma"[^>]*units=)"mM"', r'\1"nM"', sbml)
    assert broken != sbml
    issues = validate(broken)
    assert [issue.code for issue in issues] == [0]
    assert "rule for lactate_plasma" in issues[0].message
