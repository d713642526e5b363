"""The report's tables, as HTML: one per kind of SBML element, the observables, the protocol.

Every text from the model is escaped; the only markup is built here.
"""

from collections.abc import Mapping, Sequence
from html import escape

import libsbml

from analysis.docs.sources import Module
from myokine.interface import OBSERVABLES, PROTOCOL
from myokine.provenance import Reference, note_text, parse_tag

SBO_URL = "https://identifiers.org/{}"


def html_table(kind: str, headers: Sequence[str], rows: Mapping[str, Sequence[str]]) -> str:
    """A table whose rows have the anchors ``<kind>-<id>``; cells are HTML already."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "\n".join(
        f'<tr id="{escape(kind)}-{escape(row_id)}">' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
        for row_id, cells in rows.items()
    )
    return f'<table class="{escape(kind)}">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>'


def link(url: str, text: str, title: str = "") -> str:
    hover = f' title="{escape(title)}"' if title else ""
    return f'<a href="{escape(url)}"{hover}>{escape(text)}</a>'


def code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def formula(math: libsbml.ASTNode | None) -> str:
    return code(libsbml.formulaToL3String(math)) if math is not None else ""


def number(value: float) -> str:
    return escape(f"{value:.4g}")


def annotation_links(element: libsbml.SBase) -> str:
    """Every controlled-vocabulary link of an element, labelled by its qualifier."""
    links = []
    for i in range(element.getNumCVTerms()):
        term = element.getCVTerm(i)
        qualifier = (
            libsbml.BiolQualifierType_toString(term.getBiologicalQualifierType())
            if term.getQualifierType() == libsbml.BIOLOGICAL_QUALIFIER
            else libsbml.ModelQualifierType_toString(term.getModelQualifierType())
        )
        resources = term.getResources()
        for j in range(resources.getLength()):
            url = resources.getValue(j)
            links.append(f"{escape(qualifier)} " + link(url, url.rsplit("/", 1)[-1]))
    return "<br>".join(links)


def sbo(element: libsbml.SBase) -> str:
    term = element.getSBOTermID()
    return link(SBO_URL.format(term), term) if term else ""


def module_of(element_id: str, modules: Sequence[Module]) -> str:
    return next((escape(m.title) for m in modules if element_id in m.ids), "")


def value_cell(model: libsbml.Model, element_id: str, values: Mapping[str, float]) -> str:
    """The value at t = 0, with the initial assignment or rule that computes it."""
    math = model.getInitialAssignmentBySymbol(element_id) or model.getRule(element_id)
    shown = number(values[element_id])
    return f"{shown}<br><small>= {formula(math.getMath())}</small>" if math is not None else shown


def compartments_table(model: libsbml.Model, values: Mapping[str, float]) -> str:
    rows = {
        c.getId(): [code(c.getId()), escape(c.getName()), value_cell(model, c.getId(), values),
                    escape(c.getUnits()), annotation_links(c)]
        for c in model.getListOfCompartments()
    }
    return html_table("compartment", ["id", "name", "size", "unit", "annotation"], rows)


def species_unit(model: libsbml.Model, species: libsbml.Species) -> str:
    substance = species.getSubstanceUnits() or model.getSubstanceUnits()
    if species.getHasOnlySubstanceUnits():
        return substance
    return f"{substance}/{model.getCompartment(species.getCompartment()).getUnits()}"


def species_table(model: libsbml.Model, values: Mapping[str, float], modules: Sequence[Module]) -> str:
    rows = {
        s.getId(): [code(s.getId()), escape(s.getName()), escape(s.getCompartment()),
                    value_cell(model, s.getId(), values), escape(species_unit(model, s)),
                    annotation_links(s), module_of(s.getId(), modules)]
        for s in model.getListOfSpecies()
    }
    headers = ["id", "name", "compartment", "initial value", "unit", "identity", "module"]
    return html_table("species", headers, rows)


def tag_cell(note: str, references: Mapping[str, Reference]) -> str:
    """The provenance tag, its reference keys linked to the references' DOI (or PubMed)."""
    found = parse_tag(note)
    label = found.label if found else ""
    tag = f'<span class="tag tag-{escape(found.kind if found else "")}">{escape(label)}</span>'
    if not found or not found.keys:
        return tag
    keys = [
        link(references[key].url, key, references[key].citation) if key in references and references[key].url
        else escape(key)
        for key in found.keys
    ]
    return f'{tag} [{", ".join(keys)}]'


def parameters_table(
    model: libsbml.Model, values: Mapping[str, float], references: Mapping[str, Reference],
    modules: Sequence[Module],
) -> str:
    rows = {}
    for p in model.getListOfParameters():
        note = note_text(p)
        found = parse_tag(note) if p.getConstant() else None
        tag = tag_cell(note, references) if p.getConstant() else '<span class="tag">variable</span>'
        text = found.text if found else note
        rows[p.getId()] = [code(p.getId()), escape(p.getName()), value_cell(model, p.getId(), values),
                           escape(p.getUnits()), tag, escape(text), module_of(p.getId(), modules)]
    headers = ["id", "name", "value", "unit", "provenance", "notes", "module"]
    return html_table("parameter", headers, rows)


def equation(reaction: libsbml.Reaction) -> str:
    def side(references: libsbml.ListOf) -> str:
        terms = [
            (f"{r.getStoichiometry():g} " if r.getStoichiometry() != 1 else "") + r.getSpecies()
            for r in references
        ]
        return " + ".join(terms) or "∅"

    arrow = "⇌" if reaction.getReversible() else "→"
    return code(f"{side(reaction.getListOfReactants())} {arrow} {side(reaction.getListOfProducts())}")


def reactions_table(model: libsbml.Model, modules: Sequence[Module]) -> str:
    rows = {
        r.getId(): [code(r.getId()), escape(r.getName()), equation(r),
                    formula(r.getKineticLaw().getMath() if r.isSetKineticLaw() else None), sbo(r),
                    module_of(r.getId(), modules)]
        for r in model.getListOfReactions()
    }
    return html_table("reaction", ["id", "name", "equation", "rate law", "SBO", "module"], rows)


def events_table(model: libsbml.Model) -> str:
    rows = {}
    for e in model.getListOfEvents():
        assignments = "<br>".join(
            code(f"{a.getVariable()} = {libsbml.formulaToL3String(a.getMath())}")
            for a in e.getListOfEventAssignments()
        )
        priority = formula(e.getPriority().getMath()) if e.isSetPriority() else ""
        delay = formula(e.getDelay().getMath()) if e.isSetDelay() else ""
        rows[e.getId()] = [code(e.getId()), escape(e.getName()), formula(e.getTrigger().getMath()),
                           priority, delay, assignments]
    return html_table("event", ["id", "name", "trigger", "priority", "delay", "assignments"], rows)


def observables_table(model: libsbml.Model) -> str:
    rows = {}
    for oid, entry in OBSERVABLES.items():
        rows[oid] = [code(oid), escape(entry.name), escape(entry.tissue), escape(entry.display_unit),
                     formula(model.getRule(oid).getMath())]
    return html_table("observable", ["id", "name", "tissue", "unit", "assignment rule"], rows)


def protocol_table(model: libsbml.Model) -> str:
    rows = {
        pid: [code(pid), escape(entry.name), number(model.getParameter(pid).getValue()), escape(entry.display_unit),
              f"{entry.min:g}-{entry.max:g}", escape(entry.meaning)]
        for pid, entry in PROTOCOL.items()
    }
    return html_table("protocol", ["id", "name", "default", "unit", "range", "meaning"], rows)
