"""What the report reads besides the SBML: the Antimony modules, the references, parameter notes.

The module of an element is the first ``models/NN_name.ant`` file with a statement about it
(its definition, name, rule, reaction or event); its title is the file's first line ``// # Title``.
"""

import csv
import html
import re
from dataclasses import dataclass
from pathlib import Path

import libsbml

from myokine.build import module_files
from myokine.paths import MODELS_DIR, ROOT

REFERENCES_PATH = ROOT / "data" / "references.tsv"
# The subject of a statement: `unit x = …`, `species x in c`, `x = …`, `x := …`, `x: …`, `x is "…"`.
_STATEMENT = re.compile(r"^\s*(?:(?:unit|compartment|species|const|var)\s+)*\$?(\w+)\s*(?::=|=|:|in\s|is\s)")
_TAG = re.compile(r"^(Assumed|Calculated|Textbook|Protocol|Cited|Estimated)(?:\s*\[([^\]]*)\])?:\s*")


@dataclass(frozen=True)
class Module:
    """One Antimony module file."""

    name: str  # the file name without suffix, e.g. 02_signaling
    title: str
    ids: frozenset[str]


def read_modules(models_dir: Path = MODELS_DIR) -> list[Module]:
    """Every module with the ids its statements declare (an id belongs to its first module)."""
    modules, seen = [], set()
    for path in module_files(models_dir):
        lines = path.read_text(encoding="utf-8").splitlines()
        title = lines[0].removeprefix("//").strip().removeprefix("#").strip() if lines else path.stem
        ids = {m.group(1) for line in lines if (m := _STATEMENT.match(line))} - seen
        seen |= ids
        modules.append(Module(path.stem, title, frozenset(ids)))
    return modules


@dataclass(frozen=True)
class Reference:
    key: str
    citation: str
    url: str  # https://doi.org/<doi>, else PubMed, else ""


def read_references(path: Path = REFERENCES_PATH) -> dict[str, Reference]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return {row["key"]: Reference(row["key"], row["citation"], _reference_url(row)) for row in rows}


def _reference_url(row: dict[str, str]) -> str:
    if row.get("doi"):
        return f"https://doi.org/{row['doi']}"
    if row.get("pmid"):
        return f"https://pubmed.ncbi.nlm.nih.gov/{row['pmid']}/"
    return ""


def notes_text(element: libsbml.SBase) -> str:
    """An element's notes as plain text (tags stripped, whitespace collapsed)."""
    if not element.isSetNotes():
        return ""
    text = libsbml.XMLNode.convertXMLNodeToString(element.getNotes())
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(html.unescape(text).split())


@dataclass(frozen=True)
class Provenance:
    """The provenance tag of a parameter's note, its reference keys and the rest of the note."""

    tag: str  # "" when the note has no tag
    keys: tuple[str, ...]
    text: str


def provenance(note: str) -> Provenance:
    match = _TAG.match(note)
    if not match:
        return Provenance("", (), note)
    keys = tuple(key.strip() for key in (match.group(2) or "").split(",") if key.strip())
    return Provenance(match.group(1), keys, note[match.end():])
