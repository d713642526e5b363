"""Hostile archives, for every archive reader: COPASI, tellurium and the validator only ever see
an archive the project's own safe reader has checked. And archives written at the same
time, or from a folder nobody can write into, are complete."""

import stat
import subprocess
import sys
import tempfile
import textwrap
import zipfile

import pytest

from analysis.export import copasi
from analysis.export.omex_read import open_archive
from analysis.export.tellurium_sedml import run_archive
from analysis.export.validator import validate_project
from myokine.errors import InputError
from myokine.paths import ROOT
from tests.faults.helpers import read_only_folder

NS = "http://identifiers.org/combine.specifications/omex-manifest"
SBML = "http://identifiers.org/combine.specifications/sbml"


def manifest(*locations: str) -> str:
    items = "".join(f'<content location="{loc}" format="{SBML}"/>' for loc in locations)
    return f'<?xml version="1.0"?><omexManifest xmlns="{NS}"><content location="." format="x"/>{items}</omexManifest>'


def build(path, entries: dict, symlink: str | None = None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return path


DEEP = "a/" * 40 + "model.xml"
HOSTILE = {  # name: (entries, symlink entry, what the refusal says)
    "zip slip": ({"manifest.xml": manifest("../evil.xml"), "../evil.xml": "x"}, None, "'..'"),
    "absolute path": ({"manifest.xml": manifest("/tmp/evil.xml"), "/tmp/evil.xml": "x"}, None, "absolute path"),
    "nested a/b/../..": ({"manifest.xml": manifest("a/b/../../evil.xml"), "a/b/../../evil.xml": "x"}, None, "'..'"),
    "symlink entry": ({"manifest.xml": manifest("link.xml")}, "link.xml", "symbolic link"),
    "zip bomb": ({"manifest.xml": manifest("zeros.xml"), "zeros.xml": b"\0" * (16 * 2**20)}, None, "too highly compressed"),
    "deep nesting": ({"manifest.xml": manifest(DEEP), DEEP: "<sbml/>"}, None, "nested deeper"),
    "manifest points outside": ({"manifest.xml": manifest("model.xml", "../../outside.xml"), "model.xml": "<sbml/>"},
                                None, "manifest location '../../outside.xml' refused"),
}


@pytest.fixture(scope="module")
def many_entries(tmp_path_factory):
    """An archive of 100,000 tiny entries."""
    path = tmp_path_factory.mktemp("many") / "many.omex"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("manifest.xml", manifest())
        for i in range(100_000):
            archive.writestr(f"f{i}.xml", "")
    return path


def _omex_read(path, work):
    with open_archive(path):
        pass


def _tellurium(path, work):
    run_archive(path, work / "tellurium")


READERS = {
    "omex_read": _omex_read,
    "copasi": pytest.param(lambda path, work: copasi.open_archive(path), marks=pytest.mark.copasi),
    "tellurium": pytest.param(_tellurium, marks=pytest.mark.tellurium),
    "validator": pytest.param(lambda path, work: validate_project(path), marks=pytest.mark.validator),
}


@pytest.fixture()
def private_tmp(tmp_path, monkeypatch):
    """The readers' temporary folders go here, to be checked for leftovers."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.mark.parametrize("reader", READERS.values(), ids=READERS.keys())
@pytest.mark.parametrize("hostile", [*HOSTILE, "100,000 entries"])
def test_every_reader_refuses_hostile_archives(tmp_path, private_tmp, many_entries, monkeypatch, reader, hostile):
    work = tmp_path / "deep" / "work"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    if hostile == "100,000 entries":
        path, message = many_entries, "entries, more than"
    else:
        entries, symlink, message = HOSTILE[hostile]
        path = build(tmp_path / "deep" / "hostile.omex", entries, symlink)
    with pytest.raises(InputError, match=path.name) as error:
        reader(path, work)
    assert message in str(error.value)
    assert list(private_tmp.iterdir()) == [] and list(work.rglob("*")) == []
    assert not any((folder / "evil.xml").exists() for folder in (tmp_path, tmp_path / "deep", work.parent))


WRITER = textwrap.dedent("""
    import sys, zipfile
    from pathlib import Path
    from analysis.export.omex import Metadata, metadata_rdf, write_archive
    out = Path(sys.argv[1])
    model = out / "model.xml"
    model.write_text("<sbml/>")
    metadata = Metadata(sys.argv[2], "abstract", "description", ("A. Person",), "2026-01-01", "2026-01-02", (), ())
    for i in range(5):
        path = write_archive(out / f"{i}.omex", {"model.xml": model}, metadata)
        assert zipfile.ZipFile(path).read("metadata.rdf").decode() == metadata_rdf(metadata, path.name)
""")


def test_archives_written_at_once_or_from_a_read_only_folder_are_complete(tmp_path):
    """libcombine's addFileFromString wrote the metadata through a file in the working folder
    named after the second: two writers at once, or an unwritable folder, gave an empty one."""
    read_only = read_only_folder(tmp_path)
    writers = []
    for name, cwd in (("first", tmp_path), ("second", tmp_path), ("read-only", read_only)):
        (tmp_path / name).mkdir()
        writers.append(subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path / name), name], cwd=cwd,
                                        env={"PYTHONPATH": str(ROOT)}, stderr=subprocess.PIPE, text=True))
    for writer in writers:
        assert writer.wait(timeout=60) == 0, writer.stderr.read()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["first", "read-only", "second"]
