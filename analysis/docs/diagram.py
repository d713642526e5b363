"""The network diagram: Graphviz DOT from the SBML, rendered to SVG by ``dot``.

Species, reactions and observables are nodes, grouped in one cluster per module. Solid edges join
reactants to reactions and reactions to products; a dashed edge is an influence: a species or
observable that a rate law (or an observable's rule) reads, directly or through intermediate
assignment rules, without being consumed or produced by it.
"""

import shutil
import subprocess
from collections.abc import Iterable
from functools import cache

import libsbml

from analysis.docs.sources import Module
from myokine.errors import MyokineError

PALETTE = ("#e8f1fb", "#fdf1e3", "#eaf6ec", "#f7e9f4", "#f3f3e4", "#e9f4f6", "#f4ebe6")


def math_names(math: libsbml.ASTNode | None) -> set[str]:
    """Every identifier a formula reads."""
    if math is None:
        return set()
    names = {math.getName()} if math.getType() == libsbml.AST_NAME else set()
    for i in range(math.getNumChildren()):
        names |= math_names(math.getChild(i))
    return names


class Influences:
    """The species and observables a formula depends on, looking through other assignment rules."""

    def __init__(self, model: libsbml.Model, observables: Iterable[str]):
        self.nodes = {s.getId() for s in model.getListOfSpecies()} | set(observables)
        self.rules = {rule.getVariable(): rule.getMath() for rule in model.getListOfRules()}
        self.of_name = cache(self._of_name)

    def of_math(self, math: libsbml.ASTNode | None) -> set[str]:
        return set().union(*(self.of_name(name) for name in math_names(math)))

    def _of_name(self, name: str) -> frozenset[str]:
        if name in self.nodes:
            return frozenset({name})
        if name in self.rules:
            return frozenset(self.of_math(self.rules[name]))
        return frozenset()


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _attributes(**values: str) -> str:
    return "[" + ", ".join(f"{key}={_quote(value)}" for key, value in values.items()) + "]"


def to_dot(model: libsbml.Model, modules: list[Module], observables: Iterable[str]) -> str:
    """The network as a DOT graph; every node links to its row in the report's tables."""
    observables = [o for o in observables if model.getRule(o) is not None]
    influences = Influences(model, observables)
    species = {s.getId(): s.getName() or s.getId() for s in model.getListOfSpecies()}
    reactions = {r.getId(): r for r in model.getListOfReactions()}
    nodes = {
        **{sid: _attributes(label=name, tooltip=sid, shape="ellipse", style="filled",
                            fillcolor="#ffffff", href=f"#species-{sid}") for sid, name in species.items()},
        **{rid: _attributes(label=r.getName() or rid, tooltip=rid, shape="box", style="rounded,filled",
                            fillcolor="#d9d9d9", fontsize="9", height="0.2", margin="0.05,0.02",
                            href=f"#reaction-{rid}") for rid, r in reactions.items()},
        **{oid: _attributes(label=oid, tooltip=model.getParameter(oid).getName(), shape="note", style="filled",
                            fillcolor="#fff4b3", href=f"#observable-{oid}") for oid in observables},
    }
    lines = [
        "digraph myokine {",
        '  graph [rankdir=TB, fontname="Helvetica", fontsize=14, nodesep=0.12, ranksep=0.35, newrank=true];',
        '  node [fontname="Helvetica", fontsize=10, height=0.3];',
        '  edge [color="#555555", arrowsize=0.6];',
    ]
    for number, module in enumerate(modules):
        members = [node for node in nodes if node in module.ids]
        if not members:
            continue
        lines.append(f"  subgraph cluster_{module.name} {{")
        lines.append(f"    graph {_attributes(label=module.title, style='filled,rounded', color='#999999', fillcolor=PALETTE[number % len(PALETTE)])};")
        lines += [f"    {_quote(node)} {nodes[node]};" for node in members]
        lines.append("  }")
    lines += [f"  {_quote(node)} {attributes};" for node, attributes in nodes.items()
              if not any(node in module.ids for module in modules)]
    for rid, reaction in reactions.items():
        lines += _reaction_edges(rid, reaction, influences)
    for oid in observables:
        lines += [f"  {_quote(source)} -> {_quote(oid)} [style=dashed, color=\"#8a6d00\"];"
                  for source in sorted(influences.of_math(model.getRule(oid).getMath()) - {oid})]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _reaction_edges(rid: str, reaction: libsbml.Reaction, influences: Influences) -> list[str]:
    lines = []
    for reference in reaction.getListOfReactants():
        lines.append(f"  {_quote(reference.getSpecies())} -> {_quote(rid)}{_stoichiometry(reference)};")
    for reference in reaction.getListOfProducts():
        lines.append(f"  {_quote(rid)} -> {_quote(reference.getSpecies())}{_stoichiometry(reference)};")
    changed = {r.getSpecies() for r in (*reaction.getListOfReactants(), *reaction.getListOfProducts())}
    law = reaction.getKineticLaw()
    regulators = {m.getSpecies() for m in reaction.getListOfModifiers()}
    regulators |= influences.of_math(law.getMath() if law else None)
    for source in sorted(regulators - changed):
        lines.append(f'  {_quote(source)} -> {_quote(rid)} [style=dashed, color="#1f5fa8", arrowhead=odot];')
    return lines


def _stoichiometry(reference: libsbml.SpeciesReference) -> str:
    value = reference.getStoichiometry()
    return "" if value == 1 else f" [label={_quote(f'{value:g}')}]"


def render_svg(dot_source: str) -> str:
    """The SVG text that Graphviz ``dot`` draws from ``dot_source``."""
    dot = shutil.which("dot")
    if dot is None:
        raise MyokineError("Graphviz 'dot' is not installed (make system-packages installs it)")
    result = subprocess.run([dot, "-Tsvg"], input=dot_source, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise MyokineError(f"dot failed: {result.stderr.strip()}")
    return result.stdout
