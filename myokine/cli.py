"""The ``myokine`` command line. Errors are one line on stderr and a non-zero exit.

``main`` is the one error boundary: a ``MyokineError``, an operating-system error (with its path),
Ctrl-C (exit 130) and SIGTERM (exit 143) become one line ``myokine: error: ...``; a closed
output pipe ends the command quietly (exit 141). Temporary folders and worker processes are
cleaned up on the way out by the context managers that own them.
"""

import argparse
import os
import signal
import sys
from pathlib import Path

from myokine.errors import InputError, MyokineError
from myokine.interrupts import Terminated, sigterm_raises
from myokine.paths import DIST_DIR, RESULTS_DIR, SBML_PATH, SIMULATIONS_DIR

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE
EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_TERMINATED = 128 + signal.SIGTERM


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line instead of usage + message
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def parse_setting(text: str) -> tuple[str, float]:
    """``ID=VALUE`` → (id, value); the value must be a number."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise InputError(f"--set {text!r}: expected ID=VALUE")
    try:
        return name.strip(), float(value)
    except ValueError:
        raise InputError(f"--set {text!r}: {value!r} is not a number") from None


def cmd_build(args: argparse.Namespace) -> None:
    from myokine.build import build

    print(build(out=args.out))


def cmd_list(args: argparse.Namespace) -> None:
    from myokine.experiments import list_experiments

    for experiment in list_experiments(args.dir):
        print(f"{experiment.name}\t{experiment.title}")


def cmd_simulate(args: argparse.Namespace) -> None:
    from myokine.experiments import find_experiment
    from myokine.fileio import write_csv
    from myokine.simulator import load_simulator

    changes = dict(parse_setting(text) for text in args.set)
    experiment = find_experiment(args.experiment).with_changes(changes, args.end, args.step)
    frame = load_simulator(args.model).run_experiment(experiment)
    if args.out:
        write_csv(frame, args.out)
    else:
        frame.to_csv(sys.stdout, index=False, float_format="%.10g")


def cmd_report(args: argparse.Namespace) -> None:
    from analysis.validation.scorecard import markdown, scorecard
    from myokine.experiments import list_experiments
    from myokine.report import run_all
    from myokine.simulator import load_simulator

    experiments = list_experiments()
    compared = [e for e in experiments if e.links or e.checks]
    defaults = load_simulator().defaults

    def scored(frames, ensembles):
        return markdown(*scorecard(compared, frames, defaults, ensembles))

    for path in run_all(args.out, experiments, appendix=scored, force=args.force):
        print(path)


def cmd_export(args: argparse.Namespace) -> None:
    from analysis.export.bundle import export

    for path in export(args.out, force=args.force).files():
        print(path)


def cmd_check(args: argparse.Namespace) -> None:
    import tempfile

    from analysis.export.check import check_bundle, format_table
    from analysis.export.bundle import export

    with tempfile.TemporaryDirectory(prefix="myokine-check-") as tmp:
        rows = check_bundle(export(Path(tmp)))
    print(format_table(rows))
    failed = [row for row in rows if not row.passed]
    if failed:
        raise MyokineError(f"{len(failed)} of {len(rows)} standards checks failed")


def cmd_validate(args: argparse.Namespace) -> None:
    from analysis.validation.scorecard import format_scorecard, observables_needed, scorecard, simulate_for_scoring
    from myokine.estimates import ensembles_on
    from myokine.experiments import list_experiments
    from myokine.fileio import write_csv
    from myokine.parallel import Engine
    from myokine.simulator import load_simulator

    simulator = load_simulator()
    experiments = [e for e in list_experiments() if e.links or e.checks]
    frames = {e.name: simulate_for_scoring(simulator, e) for e in experiments}
    ensembles = ensembles_on(Engine(progress=sys.stderr.isatty()), experiments,
                             {e.name: observables_needed(e) for e in experiments})
    scores, checks = scorecard(experiments, frames, simulator.defaults, ensembles)
    write_csv(scores, args.out / "scorecard.csv")
    write_csv(checks, args.out / "checks.csv")
    print(format_scorecard(scores, checks))


def cmd_calibrate(args: argparse.Namespace) -> None:
    from analysis.calibration.fit import Settings, calibrate
    from myokine.parallel import Engine, available_cores

    workers = available_cores() if args.workers is None else args.workers
    engine = Engine(workers, args.scheduler, progress=sys.stderr.isatty())
    for path in calibrate(args.out, Settings.read(), engine, args.force):
        print(path)


def cmd_docs(args: argparse.Namespace) -> None:
    from analysis.docs.model_report import write_report

    print(write_report(args.out))


DEFAULT_SAMPLES = {"local": 0, "morris": 20, "sobol": 1024}


def cmd_sensitivity(args: argparse.Namespace) -> None:
    from analysis.sensitivity.methods import Settings, run
    from myokine.parallel import Engine, available_cores

    if args.n is not None and args.n < 1:
        raise InputError(f"--n must be at least 1, got {args.n}")
    n = args.n if args.n is not None else DEFAULT_SAMPLES[args.method]
    workers = available_cores() if args.workers is None else args.workers
    settings = Settings(Engine(workers, args.scheduler, progress=sys.stderr.isatty()))
    if args.seed is not None:
        settings.seed = args.seed
    for path in run(args.method, n, settings, args.out, args.force):
        print(path)


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="myokine", description=__doc__.splitlines()[0].rstrip("."))
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    build = commands.add_parser("build", help="build the SBML model from the Antimony modules")
    build.add_argument("--out", type=Path, default=SBML_PATH, help="SBML file to write")
    build.set_defaults(run=cmd_build)

    listing = commands.add_parser("list", help="list the declared experiments")
    listing.add_argument("--dir", type=Path, default=SIMULATIONS_DIR, help=argparse.SUPPRESS)
    listing.set_defaults(run=cmd_list)

    simulate = commands.add_parser(
        "simulate", help="simulate one experiment; CSV with time (min) and the observables"
    )
    simulate.add_argument("experiment", help="a declared experiment's name or an experiment file")
    simulate.add_argument(
        "--set", action="append", default=[], metavar="ID=VALUE", help="change a parameter"
    )
    simulate.add_argument("--end", type=float, help="end time (min)")
    simulate.add_argument("--step", type=float, help="output step (min)")
    simulate.add_argument("--out", type=Path, help="CSV file to write (default: standard output)")
    simulate.add_argument("--model", type=Path, default=SBML_PATH, help=argparse.SUPPRESS)
    simulate.set_defaults(run=cmd_simulate)

    report = commands.add_parser(
        "report", help="simulate every experiment: CSVs, figures and report.md"
    )
    report.add_argument("--out", type=Path, default=RESULTS_DIR, help="output folder")
    _add_force(report)
    report.set_defaults(run=cmd_report)

    export = commands.add_parser(
        "export", help="write the BioModels bundle: SBML copies, .cps, OMEX, submission README"
    )
    export.add_argument("--out", type=Path, default=DIST_DIR, help="output folder")
    _add_force(export)
    export.set_defaults(run=cmd_export)

    check = commands.add_parser(
        "check", help="export to a temporary folder and run every standards check (pass/fail table)"
    )
    check.set_defaults(run=cmd_check)

    validate = commands.add_parser(
        "validate", help="the model against the data: scorecard per measurement and check (printed, and CSV)"
    )
    validate.add_argument("--out", type=Path, default=RESULTS_DIR / "validation", help="output folder")
    validate.set_defaults(run=cmd_validate)

    calibrate = commands.add_parser(
        "calibrate", help="fit the most informed assumed parameters to the calibration data (pyPESTO, AMICI)"
    )
    calibrate.add_argument("--workers", type=int, help="worker processes for the starts (default: all cores)")
    calibrate.add_argument("--scheduler", help="address of a Dask scheduler to run the starts on")
    calibrate.add_argument("--out", type=Path, default=RESULTS_DIR / "calibration", help="output folder")
    _add_force(calibrate)
    calibrate.set_defaults(run=cmd_calibrate)

    docs = commands.add_parser("docs", help="the model report for readers (static HTML)")
    docs.add_argument("--out", type=Path, default=RESULTS_DIR / "docs", help="output folder")
    docs.set_defaults(run=cmd_docs)

    sensitivity = commands.add_parser(
        "sensitivity", help="local, Morris or Sobol sensitivity of the model outputs (CSV + figures)"
    )
    sensitivity.add_argument("--method", choices=["local", "morris", "sobol"], default="local")
    sensitivity.add_argument(
        "--n", type=int, help="Morris trajectories (default 20) or Sobol base sample, a power of two (1024)"
    )
    sensitivity.add_argument("--workers", type=int, help="worker processes (default: all cores)")
    sensitivity.add_argument("--seed", type=int, help="random seed of the sampling (default: fixed)")
    sensitivity.add_argument("--scheduler", help="address of a Dask scheduler to run the ensemble on")
    sensitivity.add_argument(
        "--out", type=Path, default=RESULTS_DIR / "sensitivity", help="output folder"
    )
    _add_force(sensitivity)
    sensitivity.set_defaults(run=cmd_sensitivity)
    return parser


def _add_force(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--force", action="store_true",
        help="write into a folder that holds other files, replacing those of the same names",
    )


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        with sigterm_raises():
            args.run(args)
            sys.stdout.flush()
    except MyokineError as error:
        return _fail(str(error), EXIT_ERROR)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing to flush at exit
        return EXIT_BROKEN_PIPE
    except OSError as error:
        return _fail(describe(error), EXIT_ERROR)
    except KeyboardInterrupt:
        return _fail("interrupted", EXIT_INTERRUPTED)
    except Terminated:
        return _fail("terminated", EXIT_TERMINATED)
    return 0


def describe(error: OSError) -> str:
    """``path: reason`` of an operating-system error."""
    reason = error.strerror or str(error)
    paths = [p for p in (error.filename, error.filename2) if p is not None]
    return ": ".join([*map(str, paths[:1]), reason])


def _fail(message: str, status: int) -> int:
    print(f"myokine: error: {message}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
