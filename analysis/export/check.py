"""``myokine check``: every standards check over an export, as one pass/fail table.

The bundle's SBML files load in libsbml and COPASI; COPASI and AMICI reproduce the runner's
trajectories of every experiment; the .cps opens and reproduces its experiment; the OMEX validates with
biosimulators-utils, reads back safely with a consistent manifest, its SED-ML references and
XPath targets resolve, tellurium and COPASI execute its SED-ML to the runner's results, and
COPASI and tellurium open the archive itself.
"""

import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import libsbml
import pandas as pd

from analysis.export import copasi
from analysis.export.amici import AmiciSimulator
from analysis.export.compare import TOLERANCE, max_relative_difference
from analysis.export.bundle import CPS_EXPERIMENT, Bundle
from analysis.export.omex_read import open_archive
from analysis.export.sbml_l2 import LOST_FEATURES_HEADING
from analysis.export.sedml_check import check_sedml
from analysis.export.tellurium_sedml import run_archive, run_sedml
from analysis.export.validator import validate_project
from myokine.build import validate
from myokine.errors import Finding, MyokineError, ToolError
from myokine.experiments import Experiment, list_experiments
from myokine.interface import OBSERVABLE_IDS
from myokine.parallel import Engine, returning_errors
from myokine.results import CONDITION, TIME
from myokine.simulator import load_simulator


COPASI_IMPORT_SECONDS = 300
LIBSBML = "libsbml: no error or warning, units checked"
L2V4 = "SBML L2V4: readable, lost event features in notes"
COPASI_IMPORT = "COPASI imports without error"
COPASI_RUNS = "COPASI vs roadrunner"
AMICI_RUNS = "AMICI vs roadrunner"
CPS = ".cps opens in COPASI and reproduces its experiment"
VALIDATOR = "biosimulators-utils validate-project"
COPASI_ARCHIVE = "COPASI opens the archive"
TELLURIUM_ARCHIVE = "tellurium executes the archive"
READ_BACK = "archive reads back safely, manifest consistent"
SEDML_LINT = "SED-ML references and XPath targets resolve"
TELLURIUM_SEDML = "tellurium SED-ML vs runner"
COPASI_SEDML = "COPASI SED-ML vs runner"
EXPERIMENT_CHECKS = (COPASI_RUNS, AMICI_RUNS, SEDML_LINT, TELLURIUM_SEDML, COPASI_SEDML)


def finding(check: str, subject: str, passed: bool, detail: str) -> Finding:
    return Finding(check, subject, "pass" if passed else "error", detail)


def _row(check: str, subject: str, action: Callable[[], tuple[bool, str]]) -> Finding:
    """Run one check; a tool that fails, crashes or hangs makes a failed row, not the end."""
    try:
        passed, detail = action()
    except (MyokineError, RuntimeError, OSError, ValueError) as error:
        passed, detail = False, " ".join(str(error).split())[:300]
    return finding(check, subject, passed, detail)


def _within(difference: tuple[float, str]) -> tuple[bool, str]:
    worst, where = difference
    return worst <= TOLERANCE, f"max relative difference {worst:.2e} ({where})"


def planned_checks(bundle: Bundle, experiments: list[Experiment]) -> list[tuple[str, str]]:
    """The (check, subject) of every row ``check_bundle`` gives when every tool runs."""
    files = [(LIBSBML, bundle.sbml), (L2V4, bundle.l2v4), (COPASI_IMPORT, bundle.sbml),
             (COPASI_IMPORT, bundle.copasi_sbml), (COPASI_IMPORT, bundle.l2v4), (CPS, bundle.cps),
             *((check, bundle.omex) for check in (VALIDATOR, COPASI_ARCHIVE, TELLURIUM_ARCHIVE, READ_BACK))]
    return [(check, path.name) for check, path in files] + [
        (check, e.name) for check in EXPERIMENT_CHECKS for e in experiments
    ]


def check_bundle(
    bundle: Bundle, experiments: list[Experiment] | None = None, reference: dict[str, pd.DataFrame] | None = None
) -> list[Finding]:
    """Run every check on an exported bundle; ``reference`` holds the runner's results of the
    experiments, if already simulated."""
    experiments = list_experiments() if experiments is None else experiments
    if reference is None:
        runner = load_simulator()
        reference = {e.name: runner.run_experiment(e) for e in experiments}
    rows = [
        _row(LIBSBML, bundle.sbml.name, lambda: _libsbml(bundle.sbml)),
        _row(L2V4, bundle.l2v4.name, lambda: _l2v4(bundle.l2v4)),
    ]
    for path in (bundle.sbml, bundle.copasi_sbml, bundle.l2v4):
        rows.append(_row(COPASI_IMPORT, path.name, lambda path=path: _copasi_import(path)))
    rows += _copasi_rows(bundle, experiments, reference)
    rows += _amici_rows(bundle.sbml, experiments, reference)
    validation = _row(VALIDATOR, bundle.omex.name, lambda: _validate(bundle.omex))
    rows.append(validation)
    rows.append(_row(COPASI_ARCHIVE, bundle.omex.name, lambda: _copasi_archive(bundle.omex)))
    rows.append(_row(TELLURIUM_ARCHIVE, bundle.omex.name, lambda: _tellurium_archive(bundle.omex, experiments)))
    try:
        with open_archive(bundle.omex) as archive:
            rows.append(finding(READ_BACK, bundle.omex.name, True,
                            f"{len(archive.contents)} entries"))
            rows += _sedml_rows(archive.locations("sed-ml"), experiments, reference, archive.root)
    except MyokineError as error:
        rows.append(finding(READ_BACK, bundle.omex.name, False, str(error)))
    return rows


def _libsbml(path: Path) -> tuple[bool, str]:
    issues = validate(path.read_text(encoding="utf-8"))
    return not issues, f"{len(issues)} issues" + (f": {issues[0]}" if issues else "")


def _l2v4(path: Path) -> tuple[bool, str]:
    document = libsbml.readSBMLFromFile(str(path))
    errors = document.getNumErrors(libsbml.LIBSBML_SEV_ERROR)
    model = document.getModel()
    if errors or model is None or (document.getLevel(), document.getVersion()) != (2, 4):
        return False, f"{errors} read errors"
    notes = model.getNotesString()
    missing = [e.getId() for e in model.getListOfEvents() if f"event {e.getId()}:" not in notes]
    passed = LOST_FEATURES_HEADING in notes and not missing
    return passed, f"{model.getNumEvents()} events described" if passed else f"notes miss {missing}"


def _copasi_import(path: Path) -> tuple[bool, str]:
    """In a separate process: a crash in COPASI's SBML import is a failure, not the end."""
    code = (
        "import sys; from pathlib import Path; from analysis.export.copasi import import_sbml; "
        "m = import_sbml(Path(sys.argv[1])).getModel(); "
        "print(m.getNumMetabs(), m.getNumReactions(), m.getNumEvents())"
    )
    try:
        run = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                             timeout=COPASI_IMPORT_SECONDS)
    except subprocess.TimeoutExpired:
        raise ToolError(f"COPASI did not import {path.name} within {COPASI_IMPORT_SECONDS} s") from None
    if run.returncode != 0:
        lines = (run.stderr.strip() or f"exit status {run.returncode}").splitlines()
        return False, lines[-1]
    species, reactions, events = run.stdout.split()
    return True, f"{species} species, {reactions} reactions, {events} events"


def _copasi_rows(bundle: Bundle, experiments: list[Experiment], reference: dict) -> list[Finding]:
    # each experiment in a COPASI of its own: the 7-week training now and then ran for minutes
    # instead of 11 s in a process where COPASI had run other time courses before
    runs = Engine(isolated=True).map(returning_errors,
                                     [(copasi.run_experiment, (bundle.copasi_sbml, e)) for e in experiments], "COPASI")
    rows = [_row(COPASI_RUNS, e.name, lambda e=e, run=run: _within(max_relative_difference(_raised(run), reference[e.name])))
            for e, run in zip(experiments, runs)]
    rows.append(_row(CPS, bundle.cps.name,
                     lambda: _cps(bundle.cps, experiments, reference)))
    return rows


def _amici_rows(sbml: Path, experiments: list[Experiment], reference: dict) -> list[Finding]:
    try:
        simulator = AmiciSimulator(sbml)
    except Exception as error:  # a failed import or compilation is a failed row, not the end
        return [finding(AMICI_RUNS, "all", False, " ".join(str(error).split())[:300])]
    return [
        _row(AMICI_RUNS, e.name,
             lambda e=e: _within(max_relative_difference(simulator.run_experiment(e), reference[e.name])))
        for e in experiments
    ]


def _cps(path: Path, experiments: list[Experiment], reference: dict) -> tuple[bool, str]:
    experiment = {e.name: e for e in experiments}[CPS_EXPERIMENT]
    frame = reference[CPS_EXPERIMENT]
    first = next(iter(experiment.conditions))
    frame = frame[frame[CONDITION] == first].reset_index(drop=True)
    with copasi.CopasiSimulator(path) as simulator:
        result = simulator.run_task([c for c in frame.columns if c not in (CONDITION, TIME)])
    result.insert(0, CONDITION, first)
    return _within(max_relative_difference(result, frame))


def _validate(path: Path) -> tuple[bool, str]:
    validation = validate_project(path)
    return validation.valid, validation.summary


def _copasi_archive(path: Path) -> tuple[bool, str]:
    tasks = copasi.open_archive(path)
    return "Time-Course" in tasks, f"scheduled tasks: {', '.join(tasks) or 'none'}"


def _tellurium_archive(path: Path, experiments: list[Experiment]) -> tuple[bool, str]:
    with tempfile.TemporaryDirectory(prefix="myokine-te-") as tmp:
        results = run_archive(path, Path(tmp))
    expected = {f"{e.name}.sedml": set(e.observables or OBSERVABLE_IDS) for e in experiments}
    missing = [name for name, wanted in expected.items() if not wanted <= set(results.get(name, []))]
    return not missing, f"{len(results)} SED-ML files run" + (f"; incomplete: {missing}" if missing else "")


def _sedml_rows(paths: list[Path], experiments: list[Experiment], reference: dict, root: Path) -> list[Finding]:
    by_name = {e.name: e for e in experiments}
    found = {path.stem: path for path in paths}
    present = [name for name in by_name if name in found]
    # COPASI, each SED-ML in a process of its own (see _copasi_rows); tellurium on the workers
    copasi_runs = dict(zip(present, Engine(isolated=True).map(returning_errors, [
        (copasi.run_sedml, (found[name], by_name[name], root / "outputs" / name / "copasi")) for name in present],
        "COPASI SED-ML")))
    tellurium_runs = dict(zip(present, Engine().map(returning_errors, [
        (run_sedml, (found[name], by_name[name], root / "outputs" / name / "tellurium")) for name in present],
        "tellurium SED-ML")))
    rows = []
    for name in by_name:
        path = found.get(name)
        if path is None:
            rows.append(finding(SEDML_LINT, name, False, "no SED-ML in the archive"))
            continue

        def consistent(path: Path = path) -> tuple[bool, str]:
            problems = check_sedml(path)
            return not problems, "; ".join(problems[:3]) or "all resolve"

        rows.append(_row(SEDML_LINT, name, consistent))
        for check, runs in ((TELLURIUM_SEDML, tellurium_runs), (COPASI_SEDML, copasi_runs)):
            rows.append(_row(check, name, lambda run=runs[name], name=name: _within(max_relative_difference(
                _raised(run), reference[name]))))
    return rows


def _raised(result):
    """A worker's result, or the error it returned raised here (so that its row fails)."""
    if isinstance(result, Exception):
        raise result
    return result


def format_table(rows: list[Finding]) -> str:
    """The pass/fail table, then a closing line."""
    headers = ("check", "subject", "result", "detail")
    cells = [(r.check, r.subject, "PASS" if r.passed else "FAIL", r.message) for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers[:3])]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers[:3], widths)) + "  detail"]
    lines.append("  ".join("-" * w for w in widths) + "  ------")
    lines += ["  ".join(c.ljust(w) for c, w in zip(cell[:3], widths)) + "  " + cell[3] for cell in cells]
    failed = sum(not r.passed for r in rows)
    lines.append(f"{len(rows) - failed} of {len(rows)} checks passed" + (f", {failed} FAILED" if failed else ""))
    return "\n".join(lines)
