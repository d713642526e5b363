"""The one output layer: every file a command writes goes through here.

- ``write_atomically``: a regular file (or a new one) is replaced atomically, so a reader sees
  the old file or the complete new one, never half of one, and it keeps its permissions; a
  read-only file is refused; a symlink's target is written by the same rule. Anything else is
  written through, never replaced: a named pipe, a character device (/dev/stdout when it is a
  terminal or a pipe, /dev/null, /dev/full).
- ``output_folder``: a command that writes several files (export, report, sensitivity) writes
  them into a staging folder inside the output folder and moves them in together at the end, or
  not at all. It writes only into a folder that is new, empty or marked by a previous run
  (``.myokine-outputs`` lists the files myokine wrote there); a file it would replace that is
  not in that list is refused unless ``force``.
"""

import csv
import errno
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from myokine.errors import InputError, ModelError
from myokine.interrupts import signals_held

MARKER = ".myokine-outputs"
_STAGING_PREFIX = ".myokine-staging-"


def _refuse(error: type[OSError], code: int, path: Path) -> OSError:
    return error(code, os.strerror(code), str(path))


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a new file, then put it at ``path`` (see the module docstring).
    An operating-system error names ``path``."""
    try:
        _write(Path(path), write)
    except OSError as error:
        if error.filename is None:
            raise type(error)(error.errno, error.strerror, str(path)) from None
        raise


def _write(path: Path, write: Callable[[Path], None]) -> None:
    """Refuse a folder or a read-only file; write through what is not a regular file."""
    info = _stat(path)  # through symlinks
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise _refuse(IsADirectoryError, errno.EISDIR, path)
    if info is not None and not stat.S_ISREG(info.st_mode):
        with tempfile.TemporaryDirectory(prefix="myokine-out-") as tmp_dir:
            tmp = Path(tmp_dir) / path.name
            write(tmp)
            with open(tmp, "rb") as source, open(path, "wb") as sink:
                shutil.copyfileobj(source, sink)
        return
    if info is not None and not _writable(path, info):
        raise _refuse(PermissionError, errno.EACCES, path)
    target = Path(os.path.realpath(path))  # a symlink's target is replaced, not the symlink
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_file(target.parent, target.name)
    try:
        write(tmp)
        if info is not None:
            os.chmod(tmp, stat.S_IMODE(info.st_mode))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


def _writable(path: Path, info: os.stat_result) -> bool:
    """Writable by us and not read-only for its owner (root can write any file)."""
    return os.access(path, os.W_OK) and bool(info.st_mode & stat.S_IWUSR)


def _new_file(folder: Path, name: str) -> Path:
    """A new empty hidden file in ``folder`` (same suffix: some writers go by it), with the
    permissions the umask gives new files."""
    while True:
        path = folder / f".{name}.{secrets.token_hex(4)}{Path(name).suffix}"
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            return path
        except FileExistsError:
            continue


def write_text_atomically(path: Path, text: str) -> None:
    write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_csv(frame: pd.DataFrame, path: Path, separator: str = ",") -> None:
    """The table, comma- (or ``separator``-) separated, with 10 significant digits."""
    write_atomically(path, lambda tmp: frame.to_csv(tmp, sep=separator, index=False, float_format="%.10g"))


def recorded_outputs(folder: Path) -> set[str] | None:
    """The files myokine recorded as written in ``folder``, or None if it has no marker."""
    marker = Path(folder) / MARKER
    if not marker.is_file():
        return None
    return set(marker.read_text(encoding="utf-8").split("\n")) - {""}


@contextmanager
def output_folder(folder: Path, force: bool = False) -> Iterator[Path]:
    """A staging folder for the files of one command; when the block ends without an error,
    its files are moved into ``folder`` together. On any error (or signal) nothing is moved,
    the staging folder is removed, and so is ``folder`` if this call created it."""
    folder = Path(folder)
    created = not folder.exists()
    if not created:
        if not folder.is_dir():
            raise _refuse(NotADirectoryError, errno.ENOTDIR, folder)
        # an entry is the user's unless it is staging or an output folder of myokine's (its marker)
        if not force and recorded_outputs(folder) is None and any(
            not entry.name.startswith(_STAGING_PREFIX) and recorded_outputs(entry) is None for entry in folder.iterdir()
        ):
            raise InputError(f"{folder}: the folder holds files myokine did not write; "
                             "choose a new or empty folder, or pass --force")
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, dir=folder))
    try:
        yield staging
        _commit(staging, folder, force)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created and not any(folder.iterdir()):
            folder.rmdir()


def _commit(staging: Path, folder: Path, force: bool) -> None:
    """Move the staged files into ``folder``, with SIGINT and SIGTERM held until done."""
    names = sorted(path.name for path in staging.iterdir())
    recorded = recorded_outputs(folder) or set()
    foreign = [name for name in names if (folder / name).exists() and name not in recorded]
    if foreign and not force:
        raise InputError(f"{folder}: would replace {', '.join(foreign)}, which myokine did not "
                         "write; choose another folder or pass --force")
    with signals_held():
        write_text_atomically(folder / MARKER, "".join(f"{n}\n" for n in sorted(recorded | set(names))))
        for name in names:
            write_atomically(folder / name, lambda tmp, name=name: shutil.move(staging / name, tmp))


def read_tsv(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of one of the project's tab-separated tables, which must have exactly ``columns``."""
    try:
        with Path(path).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t")
            if tuple(reader.fieldnames or ()) != columns:
                raise ModelError(f"{path}: columns must be {', '.join(columns)}")
            return list(reader)
    except OSError as error:
        raise ModelError(f"{path}: cannot read: {error.strerror}") from None
