"""The one parallel engine: figures, ensembles and calibration starts all run through it.

``Engine.map`` applies a picklable function to every item, in this process (one worker), on
local worker processes (started with ``spawn``: a loaded JIT model is never forked; ``isolated``:
a new process per task) or on a Dask cluster (``scheduler`` = its address), and returns the
results in the items' order.
Progress is one tqdm bar on stderr.
"""

import multiprocessing
import os
import pickle
import signal
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any

from tqdm import tqdm

from myokine.errors import InputError, ToolError
from myokine.interrupts import SIGNALS, signals_held

DASK_CONNECT_SECONDS = 10


class _Progress(tqdm):
    """A tqdm bar without tqdm's monitor thread: signals are held only in the thread that holds
    them, so a SIGTERM sent while workers start would go to that thread and cut a start short."""

    monitor_interval = 0


def available_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class Engine:
    workers: int = field(default_factory=available_cores)
    scheduler: str | None = None
    progress: bool = False
    isolated: bool = False  # every task in a new worker process (for tools that keep state between runs)

    def __post_init__(self) -> None:
        if not 1 <= self.workers <= available_cores():
            raise InputError(f"--workers must be between 1 and {available_cores()} (the cores here), got {self.workers}")

    def map(self, function: Callable[[Any], Any], items: Sequence[Any], description: str = "tasks") -> list[Any]:
        """``[function(item) for item in items]``, computed in parallel."""
        results: list[Any] = [None] * len(items)
        with _Progress(total=len(items), desc=description, disable=not self.progress) as bar:
            for index, result in self._completed(function, items):
                results[index] = result
                bar.update()
        return results

    def _completed(self, function, items):
        if self.scheduler:
            yield from _on_dask(self.scheduler, function, items)
        elif (self.workers == 1 or len(items) <= 1) and not self.isolated:
            for index, item in enumerate(items):
                yield index, function(item)
        else:
            yield from _on_processes(min(self.workers, len(items)), function, items, self.isolated)


def returning_errors(job: tuple[Callable, tuple]) -> Any:
    """``function(*args)`` in a worker: its result, or the exception it raised, so that one
    failed task does not cancel the others (as a RuntimeError if it cannot be pickled, like
    the SWIG exceptions of COPASI)."""
    function, args = job
    try:
        return function(*args)
    except Exception as error:
        try:
            pickle.dumps(error)
        except Exception:
            return RuntimeError(f"{type(error).__name__}: {error}")
        return error


def _start_worker() -> None:
    """A worker leaves Ctrl-C to the main process, and does not inherit its held signals."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)


def _on_processes(workers: int, function, items, isolated: bool = False):
    """On local worker processes (a new one per task if ``isolated``); on any error or signal,
    pending tasks are cancelled and the workers killed, not awaited."""
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers, context, initializer=_start_worker, max_tasks_per_child=1 if isolated else None)
    try:
        with signals_held():  # a worker cut off while it starts would print a traceback
            futures = {pool.submit(function, item): index for index, item in enumerate(items)}
        for future in as_completed(futures):
            yield futures[future], future.result()
    except BaseException:
        processes = list((pool._processes or {}).values())  # no public terminate before 3.14
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.kill()  # a worker still starting has its signals held
            process.join()
        raise
    pool.shutdown()


def _on_dask(scheduler: str, function, items):
    from distributed import Client, as_completed as dask_completed

    try:
        client = Client(scheduler, timeout=f"{DASK_CONNECT_SECONDS}s")
    except (OSError, TimeoutError) as error:
        raise ToolError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
    with client:
        futures = {client.submit(function, item, pure=False): index for index, item in enumerate(items)}
        for future in dask_completed(futures):
            yield futures[future], future.result()
