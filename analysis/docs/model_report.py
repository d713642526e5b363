"""The model report: one static, offline HTML page (``index.html``) with its diagram and figures.

It reads the released SBML, the Antimony modules, data/references.tsv and the declared
experiments, simulates every experiment and draws its figure. Nothing on the page loads from the
network: styles are inline, the diagram is inline SVG, figures are local PNGs.
"""

import os
import re
import shutil
import tempfile
from html import escape
from pathlib import Path

import libsbml

import myokine
from analysis.docs import tables
from analysis.docs.diagram import render_svg, to_dot
from analysis.docs.sources import Module, read_modules
from myokine.errors import MyokineError
from myokine.experiments import Experiment, list_experiments
from myokine.figures import plot_experiments
from myokine.parallel import Engine
from myokine.fileio import write_text_atomically
from myokine.interface import OBSERVABLE_IDS
from myokine.provenance import read_references
from myokine.paths import RESULTS_DIR, SBML_PATH
from myokine.simulator import Simulator, load_simulator

DEFAULT_OUT = RESULTS_DIR / "docs"
STYLE = (Path(__file__).parent / "report.css").read_text(encoding="utf-8")
SECTIONS = {
    "notes": "Model notes",
    "diagram": "Network diagram",
    "compartments": "Compartments",
    "species": "Species",
    "parameters": "Parameters",
    "reactions": "Reactions",
    "events": "Events",
    "observables": "Observables",
    "protocol": "Protocol parameters",
    "experiments": "Experiments",
}


def read_document(path: Path = SBML_PATH) -> libsbml.SBMLDocument:
    """The SBML document (keep it referenced while its model is in use)."""
    document = libsbml.readSBMLFromFile(str(path))
    if document.getNumErrors(libsbml.LIBSBML_SEV_ERROR) or document.getModel() is None:
        raise MyokineError(f"{path}: not a readable SBML model; run 'myokine build' first")
    return document


def initial_values(model: libsbml.Model, simulator: Simulator) -> dict[str, float]:
    """Every compartment's, species' and parameter's value at t = 0 (species as concentrations)."""
    simulator.reset({})
    values = {s.getId(): simulator.rr.getValue(f"[{s.getId()}]") for s in model.getListOfSpecies()}
    for element in (*model.getListOfCompartments(), *model.getListOfParameters()):
        values[element.getId()] = simulator.rr.getValue(element.getId())
    return values


def notes_xhtml(model: libsbml.Model) -> str:
    """The inside of the model notes' XHTML ``<body>``."""
    notes = libsbml.XMLNode.convertXMLNodeToString(model.getNotes())
    match = re.search(r"<body[^>]*>(.*)</body>", notes, re.DOTALL)
    return match.group(1).strip() if match else ""


def experiment_section(experiment: Experiment, figure: str) -> str:
    """Title, description, parameters, conditions and figure of one experiment."""
    parameters = tables.html_table(
        f"parameters-{experiment.name}", ["parameter", "value"],
        {name: [tables.code(name), tables.number(value)] for name, value in experiment.parameters.items()},
    )
    conditions = tables.html_table(
        f"conditions-{experiment.name}", ["condition", "parameters"],
        {name: [escape(name), ", ".join(tables.code(f"{k} = {v:g}") for k, v in values.items()) or "—"]
         for name, values in experiment.conditions.items()},
    )
    return f"""<section class="experiment" id="experiment-{escape(experiment.name)}">
<h3>{escape(experiment.title)} <small>({escape(experiment.name)}.toml)</small></h3>
<p>{escape(experiment.description)}</p>
<p>Simulated for {experiment.end:g} min, output every {experiment.step:g} min.</p>
<div class="side-by-side">{parameters}{conditions}</div>
<figure><img src="{escape(figure)}" alt="{escape(experiment.title)}"></figure>
</section>"""


def page(
    model: libsbml.Model, modules: list[Module], svg: str, values: dict[str, float], experiments_html: str
) -> str:
    """The whole page; ``svg`` is the diagram's inline SVG, ``experiments_html`` their sections."""
    references = read_references()
    history = model.getModelHistory()
    modified = history.getModifiedDate().getDateAsString() if history and history.isSetModifiedDate() else ""
    nav = " · ".join(f'<a href="#{key}">{escape(title)}</a>' for key, title in SECTIONS.items())
    counts = (f"{model.getNumCompartments()} compartments, {model.getNumSpecies()} species, "
              f"{model.getNumParameters()} parameters, {model.getNumReactions()} reactions, "
              f"{model.getNumEvents()} events, {len(OBSERVABLE_IDS)} observables")
    body = {
        "notes": notes_xhtml(model),
        "diagram": f"""<p>Ellipses are species, grey boxes reactions, yellow notes observables; boxes
group the elements by the Antimony module that declares them. Solid arrows: reactant → reaction →
product. Dashed arrows: influences (a species or observable that a rate law or an observable reads,
directly or through assignment rules). Click a node for its table row;
<a href="diagram.svg">open the diagram alone</a>.</p>
<div class="diagram">{svg}</div>""",
        "compartments": tables.compartments_table(model, values),
        "species": tables.species_table(model, values, modules),
        "parameters": tables.parameters_table(model, values, references, modules),
        "reactions": tables.reactions_table(model, modules),
        "events": tables.events_table(model),
        "observables": tables.observables_table(model),
        "protocol": tables.protocol_table(model),
        "experiments": experiments_html,
    }
    sections = "\n".join(
        f'<section id="{key}">\n{_heading(key)}{html}\n</section>' for key, html in body.items()
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>myokine {escape(myokine.__version__)}: model report</title>
<style>
{STYLE}</style>
</head>
<body>
<header>
<p class="version">myokine {escape(myokine.__version__)} · model <code>{escape(model.getId())}</code>
modified {escape(modified)} · {escape(counts)}</p>
<nav>{nav}</nav>
</header>
<main>
{sections}
</main>
</body>
</html>
"""


def _heading(key: str) -> str:
    """The section's heading; the model notes bring their own."""
    return "" if key == "notes" else f"<h2>{escape(SECTIONS[key])}</h2>\n"


def write_into(folder: Path) -> Path:
    """Write the report into an empty ``folder``: index.html, diagram.svg, figures/."""
    document = read_document()
    model = document.getModel()
    simulator = load_simulator()
    values = initial_values(model, simulator)
    modules = read_modules()
    svg = render_svg(to_dot(model, modules, OBSERVABLE_IDS))
    write_text_atomically(folder / "diagram.svg", svg)
    experiments = list_experiments()
    frames = {e.name: simulator.run_experiment(e) for e in experiments}
    plot_experiments(frames, experiments, folder / "figures", Engine(), simulator.defaults)
    sections = "\n".join(experiment_section(e, f"figures/{e.name}.png") for e in experiments)
    inline_svg = svg[svg.index("<svg"):]  # without the XML prolog and doctype
    write_text_atomically(folder / "index.html", page(model, modules, inline_svg, values, sections))
    return folder / "index.html"


def write_report(out_dir: Path = DEFAULT_OUT) -> Path:
    """Write the report to ``out_dir`` and return its index.html.

    It is written into a new folder beside ``out_dir`` that then takes its place, so a failed run
    leaves the previous report whole.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=out_dir.parent, prefix=f".{out_dir.name}.new."))
    retired = staging.with_name(staging.name.replace(".new.", ".old."))
    try:
        staging.chmod(0o755)
        write_into(staging)
        if out_dir.exists():
            os.replace(out_dir, retired)
        os.replace(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(retired, ignore_errors=True)
    return out_dir / "index.html"
