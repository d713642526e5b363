"""Opening an OMEX is a door for bad input: hostile archives are refused, nothing leaks out."""

import stat
import zipfile

import pytest

from myokine import MyokineError
from analysis.export.omex_read import Limits, open_archive

NS = "http://identifiers.org/combine.specifications/omex-manifest"
SBML_FORMAT = "http://identifiers.org/combine.specifications/sbml"


def manifest(*locations: str) -> str:
    items = "".join(f'<content location="{loc}" format="{SBML_FORMAT}"/>' for loc in locations)
    return f'<?xml version="1.0"?><omexManifest xmlns="{NS}"><content location="." format="x"/>{items}</omexManifest>'


def build(path, entries: dict[str, bytes | str], symlinks: tuple[str, ...] = ()):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for name in symlinks:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/passwd")
    return path


@pytest.fixture()
def work(tmp_path):
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


def test_a_good_archive_opens_and_is_cleaned_up(tmp_path, work):
    path = build(tmp_path / "ok.omex", {"manifest.xml": manifest("./model.xml", "sub/b.xml"),
                                        "model.xml": "<sbml/>", "sub/b.xml": "<sbml/>"})
    with open_archive(path, work_dir=work) as archive:
        assert set(archive.contents) == {"model.xml", "sub/b.xml"}
        assert (archive.root / "sub" / "b.xml").read_text(encoding="utf-8") == "<sbml/>"
        assert archive.root.parent == work.resolve()
    assert list(work.iterdir()) == []


@pytest.mark.parametrize(
    ("entries", "symlinks", "message"),
    [
        ({"manifest.xml": manifest("../evil.txt"), "../evil.txt": "x"}, (), "'..' or '.' in the path"),
        ({"manifest.xml": manifest("a/../../evil.txt"), "a/../../evil.txt": "x"}, (), "'..'"),
        ({"manifest.xml": manifest("/tmp/evil.txt"), "/tmp/evil.txt": "x"}, (), "absolute path"),
        ({"manifest.xml": manifest("C:/evil.txt"), "C:/evil.txt": "x"}, (), "absolute path"),
        ({"manifest.xml": manifest("a\\..\\evil.txt"), "a\\..\\evil.txt": "x"}, (), "backslash"),
        ({"manifest.xml": manifest("link")}, ("link",), "symbolic link"),
        ({"model.xml": "<sbml/>"}, (), "no manifest.xml"),
        ({"manifest.xml": manifest("model.xml", "gone.xml"), "model.xml": "<sbml/>"}, (), "lacks: gone.xml"),
        ({"manifest.xml": manifest("model.xml"), "model.xml": "x", "extra.xml": "x"}, (), "not in the manifest: extra.xml"),
        ({"manifest.xml": manifest("model.xml", "./model.xml"), "model.xml": "x"}, (), "twice"),
        ({"manifest.xml": manifest("../escape.xml"), "model.xml": "x"}, (), "manifest location '../escape.xml' refused"),
        ({"manifest.xml": "<omexManifest", "model.xml": "x"}, (), "not valid XML"),
        ({"manifest.xml": '<!DOCTYPE m [<!ENTITY a "aaaa">]><omexManifest/>'}, (), "DOCTYPE"),
        ({"manifest.xml": "<other/>"}, (), "not an OMEX manifest"),
    ],
)
def test_hostile_archives_are_refused(tmp_path, work, entries, symlinks, message):
    path = build(tmp_path / "bad.omex", entries, symlinks)
    with pytest.raises(MyokineError, match="bad.omex") as error:
        with open_archive(path, work_dir=work):
            pass
    assert message in str(error.value)
    assert list(work.iterdir()) == []  # the temporary folder is gone
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "escape.xml").exists()


def test_zip_bomb_is_refused(tmp_path, work):
    path = build(tmp_path / "bomb.omex", {"manifest.xml": manifest("zeros.xml"), "zeros.xml": b"\0" * (8 * 2**20)})
    with pytest.raises(MyokineError, match="too highly compressed"):
        with open_archive(path, work_dir=work):
            pass
    assert list(work.iterdir()) == []


def test_oversized_entries_and_archives_are_refused(tmp_path, work):
    data = bytes(range(256)) * 64  # 16 KiB, incompressible enough
    path = build(tmp_path / "big.omex", {"manifest.xml": manifest("a.xml", "b.xml"), "a.xml": data, "b.xml": data})
    with pytest.raises(MyokineError, match="too large"):
        with open_archive(path, Limits(entry_bytes=8 * 1024), work_dir=work):
            pass
    with pytest.raises(MyokineError, match="larger than it declares or allowed"):
        with open_archive(path, Limits(total_bytes=20 * 1024), work_dir=work):
            pass
    with pytest.raises(MyokineError, match="entries, more than 2"):
        with open_archive(path, Limits(entries=2), work_dir=work):
            pass
    assert list(work.iterdir()) == []


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "plain.omex"
    path.write_text("not a zip")
    with pytest.raises(MyokineError, match="not a zip file"):
        with open_archive(path):
            pass
