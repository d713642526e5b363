"""The tellurium scripts in simulations/tellurium/: fresh, plain (tellurium, pandas, matplotlib
only), and each reproduces the runner's result and writes its CSV and PNG.

The scripts run as a modeller would run them, in one subprocess per core (each imports tellurium once).
"""

import ast
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from analysis.export.compare import TOLERANCE, max_relative_difference
from analysis.export.tellurium_scripts import SCRIPTS_DIR, write_scripts
from myokine.experiments import list_experiments
from myokine.parallel import available_cores

EXPERIMENTS = list_experiments()
PLAIN_IMPORTS = {"sys", "pathlib", "matplotlib.pyplot", "pandas", "tellurium"}
# Runs each script as ``python <script> <out>`` would, in one interpreter.
DRIVER = """
import runpy, sys
import matplotlib.pyplot as plt
out, scripts = sys.argv[1], sys.argv[2:]
for script in scripts:
    sys.argv = [script, out]
    runpy.run_path(script, run_name="__main__")
    plt.close("all")
"""


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """The folder every script wrote its CSV and PNG into."""
    out = tmp_path_factory.mktemp("tellurium_scripts")
    scripts = [str(SCRIPTS_DIR / f"{e.name}.py") for e in EXPERIMENTS]
    env = {**os.environ, "MPLBACKEND": "Agg"}
    cores = available_cores()
    with ThreadPoolExecutor(cores) as threads:
        runs = list(threads.map(lambda share: subprocess.run([sys.executable, "-c", DRIVER, str(out), *share], env=env,
                                                             capture_output=True, text=True, timeout=300),
                                [scripts[i::cores] for i in range(cores)]))
    for run in runs:
        assert run.returncode == 0, run.stderr[-2000:]
    return out


def test_the_committed_scripts_are_fresh(tmp_path):
    generated = {path.name: path.read_bytes() for path in write_scripts(tmp_path)}
    committed = {path.name: path.read_bytes() for path in SCRIPTS_DIR.glob("*.py")}
    assert sorted(committed) == sorted(generated), "run 'make scripts'"
    stale = [name for name in generated if committed[name] != generated[name]]
    assert not stale, f"stale scripts (run 'make scripts'): {', '.join(stale)}"


@pytest.mark.parametrize("experiment", EXPERIMENTS, ids=lambda e: e.name)
def test_a_script_needs_only_tellurium_pandas_and_matplotlib(experiment):
    tree = ast.parse((SCRIPTS_DIR / f"{experiment.name}.py").read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= PLAIN_IMPORTS
    assert ast.get_docstring(tree).startswith(experiment.title)


@pytest.mark.tellurium
@pytest.mark.parametrize("experiment", EXPERIMENTS, ids=lambda e: e.name)
def test_a_script_reproduces_the_runner(experiment, outputs, simulator):
    result = pd.read_csv(outputs / f"{experiment.name}.csv")
    difference, where = max_relative_difference(result, simulator.run_experiment(experiment))
    assert difference <= TOLERANCE, f"{difference:.2e} at {where}"
    assert (outputs / f"{experiment.name}.png").read_bytes().startswith(b"\x89PNG")
