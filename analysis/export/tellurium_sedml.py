"""Execute SED-ML documents and COMBINE archives with tellurium's SED-ML engine.

Results are read back from the report tellurium writes (CSV; a repeated task gives one block of
rows per repeat) into frames shaped like the runner's. tellurium also renders every plot of the document.
"""

import contextlib
import io
import warnings
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from analysis.export.omex_read import checked_copy
from analysis.export.sedml import REPORT_ID
from myokine.errors import ToolError
from myokine.experiments import Experiment
from myokine.results import CONDITION, condition_blocks
from myokine.simulator import solver_output_silenced


def report_frame(path: Path, experiment: Experiment) -> pd.DataFrame:
    """A report CSV (one block of rows per condition) as a runner-shaped frame."""
    frame = pd.read_csv(path)
    blocks = condition_blocks(experiment)
    if len(frame) != len(blocks):
        raise ToolError(f"{path.name}: {len(frame)} rows, expected {len(blocks)} "
                        f"({experiment.grid.points} per condition)")
    frame.insert(0, CONDITION, blocks)
    return frame


def run_sedml(sedml_path: Path, experiment: Experiment, out_dir: Path) -> pd.DataFrame:
    """Execute one SED-ML file (its model next to it); reports and plots go to ``out_dir``."""
    from tellurium.sedml.tesedml import executeSEDML

    sedml_path = Path(sedml_path).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with _quiet():
        executeSEDML(
            str(sedml_path),
            workingDir=str(sedml_path.parent),
            createOutputs=True,
            saveOutputs=True,
            outputDir=str(out_dir.resolve()),
            plottingEngine="matplotlib",
        )
    return report_frame(out_dir / f"{REPORT_ID}.csv", experiment)


def run_archive(omex_path: Path, work_dir: Path) -> dict[str, list[str]]:
    """Execute every SED-ML file of a COMBINE archive (a copy re-packed from the project's safe
    reader, since tellurium's own extraction is unguarded); the data generators' ids per SED-ML
    file (as located in the archive)."""
    from tellurium.sedml.tesedml import executeCombineArchive

    with checked_copy(omex_path) as copy, _quiet():
        work_dir.mkdir(parents=True, exist_ok=True)  # tellurium needs it to exist
        results = executeCombineArchive(str(copy), workingDir=str(work_dir.resolve()), createOutputs=False)
    return {
        Path(path).relative_to(work_dir.resolve()).as_posix(): sorted(result["dataGenerators"])
        for path, result in results.items()
    }


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """tellurium prints every output it writes, its roadrunner's SUNDIALS prints warnings, and it
    draws every plot through pyplot: keep the console clean, draw off-screen, and close the figures."""
    import matplotlib.pyplot as plt

    plt.switch_backend("Agg")
    try:
        with contextlib.redirect_stdout(io.StringIO()), solver_output_silenced(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        plt.close("all")
