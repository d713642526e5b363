"""Local and global sensitivity of the model outputs to the uncertain parameters.

- local: scaled sensitivities d ln(output) / d ln(parameter) by central differences (relative
  step 1e-3, tolerance 1e-10), and the control coefficients of metabolic control analysis at
  rest, where the model sits at its steady state (``mca``);
- morris: elementary effects (SALib) over every uncertain parameter, for screening;
- sobol: first- and total-order Sobol indices with bootstrap confidence intervals (SALib,
  Saltelli sampling, N a power of two) over the parameters Morris ranks highest.
Every method runs its simulations through ``run_ensemble``.
"""

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from analysis.sensitivity.ensemble import EnsembleResult, ModelOutputs, run_ensemble
from analysis.sensitivity.mca import control_coefficients
from analysis.sensitivity.parameters import UNCERTAINTY, Uncertain, uncertain_parameters
from myokine.errors import InputError, SimulationError
from myokine.fileio import output_folder, write_atomically, write_csv
from myokine.parallel import Engine
from myokine.simulator import load_simulator

LOCAL_STEP = 1e-3
LOCAL_TOLERANCE = 1e-10
MORRIS_LEVELS = 4
SCREEN_SIZE = 10  # parameters passed from Morris to Sobol
MORRIS_SCREEN_TRAJECTORIES = 20


@dataclass
class Settings:
    engine: Engine = field(default_factory=Engine)
    seed: int = 20261123
    uncertainty: Path = UNCERTAINTY  # the parameter ranges


def _problem(parameters: list[Uncertain]) -> dict:
    return {
        "num_vars": len(parameters),
        "names": [p.name for p in parameters],
        "bounds": [list(p.bounds()) for p in parameters],
    }


def _nominal(parameters: list[Uncertain]) -> np.ndarray:
    return np.array([np.log(p.value) if p.scale == "log" else p.value for p in parameters])


def _ensemble(evaluate: ModelOutputs, samples: np.ndarray, settings: Settings, what: str) -> EnsembleResult:
    result = run_ensemble(
        evaluate, samples, evaluate.output_names, [p.name for p in evaluate.parameters], settings.engine, what
    )
    if result.failed:
        first = result.failures.iloc[0]
        raise FailedSamples(result, f"{result.failed} of {len(samples)} {what} samples failed; "
                            f"first: sample {first['sample']}: {first['error']}")
    return result


class FailedSamples(SimulationError):
    """Some samples failed; the analysis cannot go on, the failures are kept for the report."""

    def __init__(self, result: EnsembleResult, message: str):
        super().__init__(message)
        self.result = result


def local(settings: Settings, parameters: list[Uncertain] | None = None) -> pd.DataFrame:
    """Scaled local sensitivities: one row per output and parameter."""
    parameters = parameters or uncertain_parameters(uncertainty=settings.uncertainty)
    evaluate = ModelOutputs(tuple(parameters), relative_tolerance=LOCAL_TOLERANCE)
    nominal = _nominal(parameters)
    rows = [nominal]
    for i, p in enumerate(parameters):
        for factor in (1 + LOCAL_STEP, 1 - LOCAL_STEP):
            row = nominal.copy()
            row[i] = np.log(p.value * factor) if p.scale == "log" else p.value * factor
            rows.append(row)
    values = _ensemble(evaluate, np.array(rows), settings, "local").outputs.to_numpy()
    base, up, down = values[0], values[1::2], values[2::2]
    scaled = (up - down) / (2 * LOCAL_STEP * base)
    table = pd.DataFrame(scaled, index=[p.name for p in parameters], columns=evaluate.output_names)
    return table.rename_axis("parameter").reset_index().melt(
        id_vars="parameter", var_name="output", value_name="sensitivity"
    )[["output", "parameter", "sensitivity"]]


def morris(n: int, settings: Settings, parameters: list[Uncertain] | None = None) -> pd.DataFrame:
    """Morris elementary effects with ``n`` trajectories: one row per output and parameter."""
    parameters = parameters or uncertain_parameters(uncertainty=settings.uncertainty)
    problem = _problem(parameters)
    samples = morris_sample.sample(problem, n, num_levels=MORRIS_LEVELS, seed=settings.seed)
    evaluate = ModelOutputs(tuple(parameters))
    values = _ensemble(evaluate, samples, settings, "Morris").outputs
    return _per_output(
        values, problem["names"], ("mu", "mu_star", "sigma", "mu_star_conf"),
        lambda y: morris_analyze.analyze(
            problem, samples, y, num_levels=MORRIS_LEVELS, seed=settings.seed, print_to_console=False
        ),
    )


def screen(morris_table: pd.DataFrame, size: int = SCREEN_SIZE) -> list[str]:
    """The ``size`` parameters with the largest mu* relative to each output's largest."""
    relative = morris_table.assign(
        score=morris_table["mu_star"] / morris_table.groupby("output")["mu_star"].transform("max")
    )
    best = relative.groupby("parameter")["score"].max().sort_values(ascending=False)
    return list(best.index[:size])


def check_sobol_size(n: int) -> None:
    if n < 2 or n & (n - 1):
        raise InputError(f"Sobol sample size N must be a power of two, got {n}")


def sobol(n: int, names: list[str], settings: Settings) -> pd.DataFrame:
    """Sobol S1 and ST with confidence intervals: one row per output and parameter."""
    check_sobol_size(n)
    parameters = [p for p in uncertain_parameters(uncertainty=settings.uncertainty) if p.name in names]
    problem = _problem(parameters)
    samples = sobol_sample.sample(problem, n, calc_second_order=False, seed=settings.seed)
    evaluate = ModelOutputs(tuple(parameters))
    values = _ensemble(evaluate, samples, settings, "Sobol").outputs
    return _per_output(
        values, problem["names"], ("S1", "S1_conf", "ST", "ST_conf"),
        lambda y: sobol_analyze.analyze(
            problem, y, calc_second_order=False, seed=settings.seed, print_to_console=False
        ),
    )


def _per_output(values: pd.DataFrame, names: list[str], keys: tuple[str, ...], analyze) -> pd.DataFrame:
    """One row per output and parameter with the ``keys`` that ``analyze(y)`` returns."""
    tables = []
    for output in values.columns:
        indices = analyze(values[output].to_numpy())
        table = pd.DataFrame({key: indices[key] for key in keys})
        table.insert(0, "parameter", names)
        table.insert(0, "output", output)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def plot_bars(table: pd.DataFrame, value: str, error: str | None, path: Path, title: str) -> None:
    """Ranked seaborn bars (with confidence intervals) of one index, a panel per output."""
    outputs = list(dict.fromkeys(table["output"]))
    columns = 3
    rows = -(-len(outputs) // columns)
    figure = Figure(figsize=(5 * columns, 3.2 * rows), layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False)
    for ax, output in zip(axes.flat, outputs):
        data = table[table["output"] == output].assign(size=lambda d: d[value].abs())
        data = data.sort_values("size", ascending=False).head(10)
        sns.barplot(data=data, x=value, y="parameter", ax=ax, color="tab:blue", errorbar=None)
        if error:
            ax.errorbar(data[value], range(len(data)), xerr=data[error], fmt="none", color="black")
        ax.set_title(output, fontsize=9)
        ax.set_ylabel("")
        ax.tick_params(labelsize=7)
    for ax in axes.flat[len(outputs):]:
        ax.set_visible(False)
    figure.suptitle(title)
    write_atomically(path, lambda tmp: figure.savefig(tmp, format="png", dpi=100))


def plot_heatmap(
    table: pd.DataFrame, value: str, path: Path, title: str, rows: str = "parameter", columns: str = "output"
) -> None:
    """A heatmap of one index, rows x columns (the 25 largest of each)."""
    grid = table.pivot(index=rows, columns=columns, values=value)
    grid = grid.loc[grid.abs().max(axis=1).sort_values(ascending=False).index[:25]]
    grid = grid[grid.abs().max(axis=0).sort_values(ascending=False).index[:25]]
    figure = Figure(figsize=(1.0 + 0.6 * grid.shape[1], 1.5 + 0.3 * grid.shape[0]), layout="constrained")
    ax = figure.subplots()
    diverging = (grid < 0).any().any()
    sns.heatmap(grid, ax=ax, cmap="vlag" if diverging else "viridis", center=0 if diverging else None)
    ax.set_title(title)
    write_atomically(path, lambda tmp: figure.savefig(tmp, format="png", dpi=100))


def run(method: str, n: int, settings: Settings, out: Path, force: bool = False) -> list[Path]:
    """Run one method, write its tables (CSV) and figures (PNG) to ``out``, all together or
    none (``output_folder``); return the paths. Failed samples are written to ``failures.csv``."""
    if method not in ("local", "morris", "sobol"):
        raise InputError(f"unknown method '{method}'; use local, morris or sobol")
    if method == "sobol":
        check_sobol_size(n)
    try:
        with output_folder(out, force) as staging:
            names = _write(method, n, settings, staging)
    except FailedSamples as error:
        with output_folder(out, force) as staging:
            write_csv(error.result.failures, staging / "failures.csv")
        raise
    return [Path(out) / name for name in names]


def _write(method: str, n: int, settings: Settings, out: Path) -> list[str]:
    """Compute and write one method's tables and figures; their names."""
    if method == "local":
        table = local(settings)
        write_csv(table, out / "local.csv")
        plot_bars(table, "sensitivity", None, out / "local.png", "Scaled local sensitivities")
        plot_heatmap(table, "sensitivity", out / "local_heatmap.png", "Scaled local sensitivities")
        coefficients = control_coefficients(load_simulator())
        write_csv(coefficients, out / "control_coefficients.csv")
        plot_heatmap(
            coefficients, "control_coefficient", out / "control_coefficients.png",
            "Scaled concentration control coefficients at rest", rows="species", columns="reaction",
        )
        return ["local.csv", "local.png", "local_heatmap.png", "control_coefficients.csv", "control_coefficients.png"]
    screening = morris(n if method == "morris" else MORRIS_SCREEN_TRAJECTORIES, settings)
    write_csv(screening, out / "morris.csv")
    if method == "morris":
        plot_bars(screening, "mu_star", "mu_star_conf", out / "morris.png", "Morris mu*")
        return ["morris.csv", "morris.png"]
    table = sobol(n, screen(screening), settings)
    write_csv(table, out / "sobol.csv")
    plot_bars(table, "ST", "ST_conf", out / "sobol.png", "Sobol total-order indices")
    plot_heatmap(table, "ST", out / "sobol_heatmap.png", "Sobol total-order indices")
    return ["morris.csv", "sobol.csv", "sobol.png", "sobol_heatmap.png"]
