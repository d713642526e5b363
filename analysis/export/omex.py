"""Write the COMBINE/OMEX archive: SBML, SED-ML, the figures they reproduce, OMEX metadata.

The archive-level metadata (RDF/XML, written here because libcombine's OmexDescription has no
title) takes the title, abstract, creators, dates, taxon and references from the SBML model,
so they are stated once, in models/. The manifest is libcombine's (never added as an entry).
"""

import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import libcombine
import libsbml

from myokine.errors import ModelError, ToolError
from myokine.fileio import write_atomically

OMEX_LIBRARY = "http://omex-library.org"
FORMATS = {
    ".xml": "http://identifiers.org/combine.specifications/sbml.level-3.version-2",
    # COPASI's openCombineArchive only recognises the unversioned SED-ML URI.
    ".sedml": "http://identifiers.org/combine.specifications/sed-ml",
    ".png": "http://purl.org/NET/mediatypes/image/png",
    ".rdf": "http://identifiers.org/combine.specifications/omex-metadata",
}
ARCHIVE_FORMAT = "http://identifiers.org/combine.specifications/omex"
LICENSE = ("https://creativecommons.org/licenses/by/4.0/", "CC BY 4.0")
TAXON_NAMES = {"9606": "Homo sapiens"}


@dataclass(frozen=True)
class Metadata:
    """What the archive says about itself."""

    title: str
    abstract: str
    description: str
    creators: tuple[str, ...]
    created: str
    modified: str
    taxa: tuple[tuple[str, str], ...]  # (uri, label)
    references: tuple[tuple[str, str], ...]  # (uri, label)


def metadata_from_sbml(sbml_path: Path, description: str) -> Metadata:
    """Title and abstract from the model notes (first heading, first paragraph); creators,
    dates, taxon and references from its model history and annotations."""
    model = libsbml.readSBMLFromFile(str(sbml_path)).getModel()
    notes = model.getNotesString()
    title = _first(r"<h1>(.*?)</h1>", notes) or model.getName() or model.getId()
    abstract = _first(r"<p>(.*?)</p>", notes)
    history = model.getModelHistory()
    if history is None or not history.getNumCreators() or not history.isSetCreatedDate():
        raise ModelError(f"{sbml_path}: the model history needs creators and a created date")
    creators = tuple(
        " ".join(filter(None, (c.getGivenName(), c.getFamilyName()))) or c.getOrganization()
        for c in history.getListCreators()
    )
    taxa, references = [], []
    for i in range(model.getNumCVTerms()):
        term = model.getCVTerm(i)
        uris = [term.getResourceURI(j) for j in range(term.getNumResources())]
        if term.getBiologicalQualifierType() == libsbml.BQB_HAS_TAXON:
            taxa += [(uri, TAXON_NAMES.get(uri.rpartition(":")[2], uri.rpartition("/")[2])) for uri in uris]
        elif term.getBiologicalQualifierType() == libsbml.BQB_IS_DESCRIBED_BY:
            references += [(uri, uri.partition("identifiers.org/")[2] or uri) for uri in uris]
    modified = history.getModifiedDate(0) if history.getNumModifiedDates() else history.getCreatedDate()
    return Metadata(
        title=title,
        abstract=abstract,
        description=description,
        creators=creators,
        created=history.getCreatedDate().getDateAsString(),
        modified=modified.getDateAsString(),
        taxa=tuple(taxa),
        references=tuple(references),
    )


def _first(pattern: str, text: str) -> str:
    match = re.search(pattern, text, re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", "", match.group(1)).split()) if match else ""


def metadata_rdf(metadata: Metadata, archive_name: str) -> str:
    """OMEX metadata (RDF/XML) about the archive itself, as BioSimulations reads it."""

    def resource(predicate: str, uri: str, label: str) -> str:
        return (
            f'    <{predicate} rdf:parseType="Resource">\n'
            f"      <dc:identifier rdf:resource={quoteattr(uri)}/>\n"
            f"      <rdfs:label>{escape(label)}</rdfs:label>\n"
            f"    </{predicate}>\n"
        )

    def creator(name: str) -> str:
        return (
            '    <dc:creator rdf:parseType="Resource">\n'
            f"      <foaf:name>{escape(name)}</foaf:name>\n"
            f"      <rdfs:label>{escape(name)}</rdfs:label>\n"
            "    </dc:creator>\n"
        )

    body = (
        f"    <dc:title>{escape(metadata.title)}</dc:title>\n"
        f"    <dc:abstract>{escape(metadata.abstract)}</dc:abstract>\n"
        f"    <dc:description>{escape(metadata.description)}</dc:description>\n"
        + "".join(creator(name) for name in metadata.creators)
        + f"    <dc:created>{escape(metadata.created)}</dc:created>\n"
        + f"    <dc:modified>{escape(metadata.modified)}</dc:modified>\n"
        + resource("dc:license", *LICENSE)
        + "".join(resource("bqbiol:hasTaxon", uri, label) for uri, label in metadata.taxa)
        + "".join(resource("dcterms:references", uri, label) for uri, label in metadata.references)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
        '         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"\n'
        '         xmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '         xmlns:dcterms="http://purl.org/dc/terms/"\n'
        '         xmlns:foaf="http://xmlns.com/foaf/0.1/"\n'
        '         xmlns:bqbiol="http://biomodels.net/biology-qualifiers/">\n'
        f'  <rdf:Description rdf:about="{OMEX_LIBRARY}/{archive_name}">\n'
        f"{body}"
        "  </rdf:Description>\n"
        "</rdf:RDF>\n"
    )


def write_archive(path: Path, entries: dict[str, Path], metadata: Metadata) -> Path:
    """Write the archive: ``entries`` maps locations in the archive to files; the format of
    each comes from its suffix. The metadata file is added as ``metadata.rdf``.

    Every entry is added from a real file (the metadata from a private temporary folder: libcombine's
    ``addFileFromString`` writes into the working directory under a name other processes share),
    and the written archive is read back: each entry must hold its source's bytes."""
    path = Path(path)
    for location in entries:
        if Path(location).suffix not in FORMATS or location in ("manifest.xml", "metadata.rdf"):
            raise ToolError(f"cannot add {location} to the archive")
    with tempfile.TemporaryDirectory(prefix="myokine-omex-") as tmp_dir:
        rdf = Path(tmp_dir) / "metadata.rdf"
        rdf.write_text(metadata_rdf(metadata, path.name), encoding="utf-8")
        sources = {**entries, "metadata.rdf": rdf}

        def write(tmp: Path) -> None:
            archive = libcombine.CombineArchive()
            for location, source in sources.items():
                if not archive.addFile(str(source), f"./{location}", FORMATS[Path(location).suffix], False):
                    raise ToolError(f"libcombine could not add {location}")
            itself = archive.getManifest().createContent()  # the manifest lists the archive too
            itself.setLocation(".")
            itself.setFormat(ARCHIVE_FORMAT)
            written = archive.writeToFile(str(tmp))
            archive.cleanUp()
            if not written:
                raise ToolError(f"libcombine could not write {path.name}")
            _check_written(tmp, sources, path.name)

        write_atomically(path, write)
    return path


def _check_written(archive_path: Path, sources: dict[str, Path], name: str) -> None:
    """Every entry of the written archive holds its source's bytes, and the manifest is there."""
    with zipfile.ZipFile(archive_path) as archive:
        present = set(archive.namelist())
        if "manifest.xml" not in present or not archive.read("manifest.xml"):
            raise ToolError(f"libcombine wrote {name} without a manifest")
        for location, source in sources.items():
            if location not in present or archive.read(location) != Path(source).read_bytes():
                raise ToolError(f"libcombine wrote {name} with a missing or incomplete {location}")
