"""The import rules that keep the layout readable.

- The core (``myokine``) never imports analysis code, except the command line, which dispatches
  to it.
- Export/interoperability and sensitivity never import each other.
- No module selects a matplotlib backend or uses pyplot (figures use the object API).
"""

import ast
from pathlib import Path

import pytest

from myokine.paths import ROOT

CLI = ROOT / "myokine" / "cli.py"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def top(name: str, depth: int) -> str:
    return ".".join(name.split(".")[:depth])


@pytest.mark.parametrize("path", [p for p in files("myokine") if p != CLI], ids=lambda p: p.name)
def test_core_does_not_import_analysis(path):
    assert not {name for name in imported_modules(path) if top(name, 1) == "analysis"}


@pytest.mark.parametrize(("package", "forbidden"), [("export", "sensitivity"), ("sensitivity", "export")])
def test_export_and_sensitivity_do_not_import_each_other(package, forbidden):
    for path in files(f"analysis/{package}"):
        assert f"analysis.{forbidden}" not in {top(name, 2) for name in imported_modules(path)}, path


@pytest.mark.parametrize("path", files("myokine") + files("analysis"), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_global_matplotlib_state(path):
    text = path.read_text(encoding="utf-8")
    assert "matplotlib.use(" not in text
    assert "matplotlib.pyplot" not in imported_modules(path) or path.name == "tellurium_sedml.py"


def test_the_rules_can_fail(tmp_path):
    offending = tmp_path / "offending.py"
    offending.write_text("from analysis.sensitivity.methods import run\nimport matplotlib.pyplot as plt\n")
    assert {"analysis.sensitivity.methods", "matplotlib.pyplot"} <= imported_modules(offending)
