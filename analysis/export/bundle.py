"""``myokine export``: the BioModels bundle in ``dist/``.

The released L3V2 SBML, its COPASI-safe L3V1 copy, an L2V4 copy for older tools, a COPASI
``.cps``, the OMEX archive (SBML, one SED-ML per experiment, the figures they reproduce, OMEX
metadata) and a submission README. Everything is generated from models/ and simulations/;
the files are staged and moved into the output folder together at the end.
"""

import tempfile
from dataclasses import dataclass
from pathlib import Path

from analysis.export.copasi import CopasiSimulator, write_copasi_safe
from analysis.export.omex import Metadata, metadata_from_sbml, write_archive
from analysis.export.sbml_l2 import write_l2v4
from analysis.export.sedml import write_sedml
from myokine.errors import InputError
from myokine.experiments import Experiment, list_experiments
from myokine.figures import plot_experiments
from myokine.parallel import Engine
from myokine.fileio import output_folder, write_text_atomically
from myokine.paths import ROOT, SBML_PATH
from myokine.simulator import load_simulator

CPS_EXPERIMENT = "acute_bout"  # the time course the .cps opens with
ARCHIVE_DESCRIPTION = (
    "One SED-ML document per declared experiment (uniform time course, CVODE with the "
    "runner's tolerances, a report and one plot per observable; several conditions as a "
    "repeated task) and the figures they reproduce, made by the project's own runner."
)


@dataclass(frozen=True)
class Bundle:
    """The files of an export."""

    sbml: Path
    copasi_sbml: Path
    l2v4: Path
    cps: Path
    omex: Path
    readme: Path

    @classmethod
    def at(cls, out_dir: Path) -> "Bundle":
        """The bundle's file names in ``out_dir``."""
        out_dir = Path(out_dir)
        names = ("myokine.xml", "myokine_copasi.xml", "myokine_l2v4.xml", "myokine.cps", "myokine.omex", "README.md")
        return cls(*(out_dir / name for name in names))

    def files(self) -> list[Path]:
        return [self.sbml, self.copasi_sbml, self.l2v4, self.cps, self.omex, self.readme]


def export(
    out_dir: Path, experiments: list[Experiment] | None = None, sbml_path: Path = SBML_PATH, force: bool = False
) -> Bundle:
    """Write the bundle into ``out_dir``, all files together or none (``output_folder``)."""
    experiments = list_experiments() if experiments is None else experiments
    by_name = {e.name: e for e in experiments}
    if CPS_EXPERIMENT not in by_name:
        raise InputError(f"the .cps needs the experiment '{CPS_EXPERIMENT}', which is not declared")
    with output_folder(out_dir, force) as staging:
        _write(Bundle.at(staging), experiments, by_name[CPS_EXPERIMENT], sbml_path)
    return Bundle.at(out_dir)


def _write(bundle: Bundle, experiments: list[Experiment], cps_experiment: Experiment, sbml_path: Path) -> None:
    _copy(sbml_path, bundle.sbml)
    write_copasi_safe(bundle.sbml, bundle.copasi_sbml)
    write_l2v4(bundle.sbml, bundle.l2v4)
    with CopasiSimulator(bundle.copasi_sbml) as simulator:
        simulator.save_cps(bundle.cps, cps_experiment)
    metadata = metadata_from_sbml(bundle.sbml, ARCHIVE_DESCRIPTION)
    with tempfile.TemporaryDirectory(prefix="myokine-export-") as tmp:
        staging = Path(tmp)
        entries = {bundle.sbml.name: bundle.sbml}
        entries |= {path.name: path for path in write_sedml(experiments, bundle.sbml, staging)}
        for path in _figures(experiments, sbml_path, staging / "figures"):
            entries[f"figures/{path.name}"] = path
        write_archive(bundle.omex, entries, metadata)
    write_text_atomically(bundle.readme, submission_readme(metadata, experiments))


def _copy(source: Path, target: Path) -> None:
    write_text_atomically(target, Path(source).read_text(encoding="utf-8"))


def _figures(experiments: list[Experiment], sbml_path: Path, out_dir: Path) -> list[Path]:
    """Each experiment's figure, simulated by the project's runner."""
    simulator = load_simulator(sbml_path)
    frames = {e.name: simulator.run_experiment(e) for e in experiments}
    return plot_experiments(frames, experiments, out_dir, Engine(), simulator.defaults)


def submission_readme(metadata: Metadata, experiments: list[Experiment]) -> str:
    """The README for a BioModels submission."""
    references = "\n".join(f"- {label} ({uri})" for uri, label in metadata.references)
    rows = "\n".join(
        f"| {e.title} | `{e.name}.sedml` | `figures/{e.name}.png` | {len(e.conditions)} |"
        for e in experiments
    )
    return f"""# {metadata.title}

{metadata.abstract}

Creators: {", ".join(metadata.creators)}. Created {metadata.created}, modified {metadata.modified}.
License: CC-BY 4.0. Taxon: {", ".join(label for _, label in metadata.taxa)}.

## Files

| file | what |
|---|---|
| `myokine.xml` | the model, SBML Level 3 Version 2 (the release) |
| `myokine_copasi.xml` | the same model as SBML L3V1 with a vCard3 model history, for COPASI |
| `myokine_l2v4.xml` | SBML L2V4 for older tools; its notes list the event settings L2V4 cannot hold |
| `myokine.cps` | COPASI file: the model with the time course of `{CPS_EXPERIMENT}` |
| `myokine.omex` | COMBINE archive: the SBML, one SED-ML per experiment, the figures, OMEX metadata |

## Figures the archive reproduces

Each SED-ML document simulates one experiment declared in the project's `simulations/` and
reports and plots every observable; the PNG is the same experiment run by the project's own
runner (libroadrunner). tellurium and COPASI reproduce these curves to within 1e-6 relative.

| experiment | SED-ML | figure | conditions |
|---|---|---|---|
{rows}

## References

{references}

Generated by `myokine export` from {ROOT.name}/models and {ROOT.name}/simulations; do not edit.
"""
