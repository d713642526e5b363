"""One ensemble runner for every analysis: many parameter sets, only the outputs kept.

Rows of a sample matrix are evaluated in chunks on local worker processes (roadrunner holds the
GIL, so threads would not help), each loading the model once, or on a Dask cluster
(``scheduler`` = its address); both give identical numbers for the same samples. A sample whose
integration fails is recorded with its parameters and its error, its outputs left NaN, never
dropped or set to zero.
"""

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np
import pandas as pd
from tqdm import tqdm

from analysis.sensitivity.outputs import OUTPUTS, Output, compute_outputs
from analysis.sensitivity.parameters import Uncertain
from myokine.errors import MyokineError
from myokine.paths import SBML_PATH
from myokine.simulator import load_simulator

ENSEMBLE_RELATIVE_TOLERANCE = 1e-6  # outputs then agree with the 1e-8 runs to about 1e-6


@dataclass(frozen=True)
class ModelOutputs:
    """Evaluates the model outputs for one row of sampled (possibly log) parameter values."""

    parameters: tuple[Uncertain, ...]
    outputs: tuple[Output, ...] = OUTPUTS
    relative_tolerance: float = ENSEMBLE_RELATIVE_TOLERANCE

    @property
    def output_names(self) -> list[str]:
        return [output.name for output in self.outputs]

    def __call__(self, row: np.ndarray) -> np.ndarray:
        simulator = load_simulator(SBML_PATH, self.relative_tolerance)  # once per process
        changes = {p.name: p.to_value(x) for p, x in zip(self.parameters, row)}
        return compute_outputs(simulator, changes, self.outputs)


@dataclass
class EnsembleResult:
    outputs: pd.DataFrame  # one row per sample, NaN where the sample failed
    failures: pd.DataFrame  # sample, error, and the sample's values

    @property
    def failed(self) -> int:
        return len(self.failures)


def _evaluate_chunk(evaluate: Callable[[np.ndarray], np.ndarray], first: int, rows: np.ndarray):
    results, failures = [], []
    for offset, row in enumerate(rows):
        try:
            results.append(np.asarray(evaluate(row), dtype=float))
        except MyokineError as error:
            results.append(None)
            failures.append((first + offset, str(error)))
    return first, results, failures


def run_ensemble(
    evaluate: Callable[[np.ndarray], np.ndarray],
    samples: np.ndarray,
    output_names: Sequence[str],
    sample_names: Sequence[str],
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    description: str = "samples",
) -> EnsembleResult:
    """Evaluate ``evaluate`` on every row of ``samples`` in parallel."""
    samples = np.atleast_2d(np.asarray(samples, dtype=float))
    workers = workers or os.cpu_count() or 1
    chunk = max(1, min(64, len(samples) // (8 * workers)))
    starts = range(0, len(samples), chunk)
    values = np.full((len(samples), len(output_names)), np.nan)
    failures = []
    bar = tqdm(total=len(samples), desc=description, unit="sim", disable=not progress)

    def collect(first, results, failed):
        for offset, result in enumerate(results):
            if result is not None:
                values[first + offset] = result
        failures.extend(failed)
        bar.update(len(results))

    if scheduler:
        from distributed import Client, as_completed as dask_completed

        with Client(scheduler) as client:
            futures = [client.submit(_evaluate_chunk, evaluate, s, samples[s:s + chunk], pure=False) for s in starts]
            for future in dask_completed(futures):
                collect(*future.result())
    elif workers == 1:
        for s in starts:
            collect(*_evaluate_chunk(evaluate, s, samples[s:s + chunk]))
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [pool.submit(_evaluate_chunk, evaluate, s, samples[s:s + chunk]) for s in starts]
            for future in as_completed(futures):
                collect(*future.result())
    bar.close()
    failures.sort()
    failure_table = pd.DataFrame(
        [(index, error, *samples[index]) for index, error in failures],
        columns=["sample", "error", *sample_names],
    )
    return EnsembleResult(pd.DataFrame(values, columns=list(output_names)), failure_table)
