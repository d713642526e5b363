"""The README's snippets for tellurium, COPASI and AMICI run, from the repository root, and each
asserts its result, so the README cannot rot."""

import re

import pytest

from myokine.paths import ROOT

SECTION = "## Using the model in tellurium, COPASI and AMICI"
TOOLS = {"tellurium": "import tellurium", "copasi": "import COPASI", "amici": "analysis.export.amici"}


def snippets() -> dict[str, str]:
    """The section's ```python blocks, by the tool each one uses."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    found = {}
    for block in re.findall(r"^```python\n(.*?)^```$", section, flags=re.DOTALL | re.MULTILINE):
        tools = [tool for tool, marker in TOOLS.items() if marker in block]
        assert len(tools) == 1, f"a snippet must use exactly one of {', '.join(TOOLS)}:\n{block}"
        found[tools[0]] = block
    return found


SNIPPETS = snippets()


def test_the_section_has_a_snippet_per_tool():
    assert sorted(SNIPPETS) == sorted(TOOLS)


@pytest.mark.parametrize(
    "tool", [pytest.param(tool, marks=getattr(pytest.mark, tool)) for tool in SNIPPETS]
)
def test_a_snippet_runs(tool, monkeypatch):
    monkeypatch.chdir(ROOT)
    code = SNIPPETS[tool]
    assert "assert " in code
    exec(compile(code, f"README.md ({tool} snippet)", "exec"), {})
