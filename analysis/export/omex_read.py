"""Open a COMBINE/OMEX archive safely: it is untrusted input.

Refused, each with a clear error: entries whose paths could land outside the extraction folder
(absolute, ``..``, backslashes, drive letters) or that are symlinks; too many, too large or
too highly compressed entries (zip bombs; sizes are counted while extracting, not taken from
the headers); a missing, unparsable or inconsistent manifest (a listed file that is absent, a
file that is not listed, a location listed twice), paths nested deeper than the limit.
Everything is extracted into a fresh temporary folder that is removed when the ``with`` block
ends. Other archive readers (COPASI, tellurium, the validator) get only ``checked_copy``: the archive
re-packed from this safe extraction, never the user's file.
"""

import stat
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from myokine.errors import InputError

MANIFEST = "manifest.xml"
MANIFEST_NS = "http://identifiers.org/combine.specifications/omex-manifest"
MAX_ENTRIES = 1000
MAX_ENTRY_BYTES = 64 * 2**20
MAX_TOTAL_BYTES = 256 * 2**20
MAX_RATIO = 100  # uncompressed / compressed, for entries of at least RATIO_MIN_BYTES
RATIO_MIN_BYTES = 2**20
MAX_DEPTH = 8  # folders in an entry's path
_CHUNK = 2**16


@dataclass(frozen=True)
class Limits:
    entries: int = MAX_ENTRIES
    entry_bytes: int = MAX_ENTRY_BYTES
    total_bytes: int = MAX_TOTAL_BYTES
    ratio: float = MAX_RATIO
    depth: int = MAX_DEPTH


@dataclass(frozen=True)
class OpenedArchive:
    """An extracted archive: its folder and, per manifest location, the format."""

    root: Path
    contents: dict[str, str]

    def locations(self, format_fragment: str) -> list[Path]:
        """Extracted files whose format URI contains ``format_fragment`` (e.g. ``sed-ml``)."""
        return [self.root / loc for loc, fmt in self.contents.items() if format_fragment in fmt]


def safe_location(name: str) -> str:
    """The entry name as a relative POSIX path, or an error if it could escape the folder."""
    if not name or "\x00" in name or "\\" in name:
        raise ValueError("empty name, NUL or backslash")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise ValueError("absolute path")
    parts = PurePosixPath(name.removeprefix("./")).parts
    if not parts or any(part in ("..", ".") for part in parts):
        raise ValueError("'..' or '.' in the path")
    return "/".join(parts)


@contextmanager
def open_archive(path: Path, limits: Limits = Limits(), work_dir: Path | None = None) -> Iterator[OpenedArchive]:
    """Check and extract the archive into a temporary folder (inside ``work_dir`` if given)."""
    path = Path(path)
    if not zipfile.is_zipfile(path):
        raise InputError(f"{path.name}: not a COMBINE archive (not a zip file)")
    if path.stat().st_size > limits.total_bytes:
        raise InputError(f"{path.name}: archive larger than {limits.total_bytes} bytes")
    with tempfile.TemporaryDirectory(prefix="myokine-omex-", dir=work_dir) as tmp:
        root = Path(tmp).resolve()
        with zipfile.ZipFile(path) as archive:
            files = _extract(archive, root, limits, path.name)
        yield OpenedArchive(root, _read_manifest(root, files, path.name))


@contextmanager
def checked_copy(path: Path, limits: Limits = Limits()) -> Iterator[Path]:
    """A copy of the archive re-packed from its safe extraction (manifest first, then the listed
    files), for readers that trust what they open; removed when the ``with`` block ends."""
    with open_archive(path, limits) as opened, tempfile.TemporaryDirectory(prefix="myokine-omex-copy-") as tmp:
        copy = Path(tmp) / Path(path).name
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as archive:
            for location in [MANIFEST, *opened.contents]:
                archive.write(opened.root / location, location)
        yield copy


def _extract(archive: zipfile.ZipFile, root: Path, limits: Limits, name: str) -> set[str]:
    infos = archive.infolist()
    if len(infos) > limits.entries:
        raise InputError(f"{name}: {len(infos)} entries, more than {limits.entries}")
    files: set[str] = set()
    total = 0
    for info in infos:
        try:
            location = safe_location(info.filename.rstrip("/") if info.is_dir() else info.filename)
        except ValueError as error:
            raise InputError(f"{name}: entry {info.filename!r} refused: {error}") from None
        if stat.S_ISLNK(info.external_attr >> 16):
            raise InputError(f"{name}: entry {info.filename!r} refused: symbolic link")
        if location.count("/") > limits.depth:
            raise InputError(f"{name}: entry {info.filename!r} refused: nested deeper than {limits.depth} folders")
        if info.is_dir():
            continue
        if location in files:
            raise InputError(f"{name}: entry {location!r} appears twice")
        if info.file_size > limits.entry_bytes:
            raise InputError(f"{name}: entry {location!r} too large ({info.file_size} bytes)")
        if info.file_size >= RATIO_MIN_BYTES and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise InputError(f"{name}: entry {location!r} too highly compressed (zip bomb?)")
        target = root.joinpath(*location.split("/"))
        if not target.resolve().is_relative_to(root):
            raise InputError(f"{name}: entry {location!r} refused: leaves the folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        with archive.open(info) as source, open(target, "xb") as sink:
            while chunk := source.read(_CHUNK):
                written += len(chunk)
                total += len(chunk)
                if written > min(info.file_size, limits.entry_bytes) or total > limits.total_bytes:
                    raise InputError(f"{name}: entry {location!r} is larger than it declares or allowed")
                sink.write(chunk)
        files.add(location)
    return files


def _read_manifest(root: Path, files: set[str], name: str) -> dict[str, str]:
    if MANIFEST not in files:
        raise InputError(f"{name}: no {MANIFEST}")
    text = (root / MANIFEST).read_bytes()
    if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
        raise InputError(f"{name}: {MANIFEST} declares a DOCTYPE or entities")
    try:
        manifest = ET.fromstring(text)
    except ET.ParseError as error:
        raise InputError(f"{name}: {MANIFEST} is not valid XML: {error}") from None
    if manifest.tag != f"{{{MANIFEST_NS}}}omexManifest":
        raise InputError(f"{name}: {MANIFEST} is not an OMEX manifest")
    contents: dict[str, str] = {}
    for content in manifest.findall(f"{{{MANIFEST_NS}}}content"):
        location, format_uri = content.get("location"), content.get("format")
        if not location or not format_uri:
            raise InputError(f"{name}: a manifest entry lacks a location or format")
        if location in (".", "./"):
            continue
        try:
            location = safe_location(location)
        except ValueError as error:
            raise InputError(f"{name}: manifest location {location!r} refused: {error}") from None
        if location in contents:
            raise InputError(f"{name}: manifest lists {location!r} twice")
        contents[location] = format_uri
    missing = sorted(set(contents) - files - {MANIFEST})
    if missing:
        raise InputError(f"{name}: manifest lists files the archive lacks: {', '.join(missing)}")
    unlisted = sorted(files - set(contents) - {MANIFEST})
    if unlisted:
        raise InputError(f"{name}: files not in the manifest: {', '.join(unlisted)}")
    return contents
