"""Where the model's values come from: the reference list and the parameters' provenance tags.

``data/references.tsv`` is the project's only list of references (key, citation, doi, pmid,
evidence). The note of every constant parameter starts with a provenance tag:

- ``Assumed:`` a value of the right order, to be fitted; ``Assumed (scale only):`` a value that
  only sets the scale of fold outputs and cannot change any output;
- ``Calculated:`` computed from other parameters (resting steady states, unit conversions);
- ``Textbook:`` a textbook value;
- ``Protocol:`` a setting of the simulated experiment;
- ``Cited [key, ...]:`` taken from the cited studies (keys of references.tsv);
- ``Estimated [problem; 95% CI low-high]:`` estimated by a calibration.
"""

import html
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from myokine.fileio import read_tsv
from myokine.paths import DATA_DIR

REFERENCES_PATH = DATA_DIR / "references.tsv"
REFERENCE_COLUMNS = ("key", "citation", "doi", "pmid", "evidence")
KINDS = ("assumed", "calculated", "textbook", "protocol", "cited", "estimated")
_TAG = re.compile(
    r"^(?P<kind>Assumed|Calculated|Textbook|Protocol|Cited|Estimated)"
    r"(?P<scale> \(scale only\))?(?: \[(?P<detail>[^\]]+)\])?: (?P<text>\S.*)$"
)


@dataclass(frozen=True)
class Reference:
    key: str
    citation: str
    doi: str
    pmid: str
    evidence: str

    @property
    def url(self) -> str:
        """A link a reader can follow (doi.org, else PubMed), or ""."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    @property
    def uri(self) -> str:
        """Its identifiers.org URI (DOI, else PubMed), or "" when no identifier was checked."""
        if self.doi:
            return f"https://identifiers.org/doi:{self.doi}"
        return f"https://identifiers.org/pubmed:{self.pmid}" if self.pmid else ""


@dataclass(frozen=True)
class Provenance:
    kind: str  # one of KINDS
    keys: tuple[str, ...] = ()  # references of a Cited tag
    scale_only: bool = False
    detail: str = ""  # the bracket of an Estimated tag
    text: str = ""  # the note after the tag

    @property
    def label(self) -> str:
        """The tag as written, without its bracket: ``Cited``, ``Assumed (scale only)``, ..."""
        return self.kind.capitalize() + (" (scale only)" if self.scale_only else "")


@cache
def read_references(path: Path = REFERENCES_PATH) -> dict[str, Reference]:
    references = [Reference(**row) for row in read_tsv(path, REFERENCE_COLUMNS)]
    return {reference.key: reference for reference in references}


def parse_tag(note: str) -> Provenance | None:
    """The provenance tag at the start of a parameter's note, or None if it has none."""
    match = _TAG.match(note.strip())
    if not match:
        return None
    kind, detail = match["kind"].lower(), match["detail"] or ""
    if match["scale"] and kind != "assumed":
        return None
    if (kind in ("cited", "estimated")) != bool(detail):
        return None
    keys = tuple(key.strip() for key in detail.split(",")) if kind == "cited" else ()
    return Provenance(kind, keys, bool(match["scale"]), detail if kind == "estimated" else "", match["text"])


def note_text(element) -> str:
    """An SBML element's notes as plain text."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", element.getNotesString())).split())
