"""The Antimony modules as the report shows them: a title and the ids each module defines.

The module of an element is the ``models/NN_name.ant`` file that defines it (``myokine.lint``);
its title is the file's first line ``// # Title``.
"""

from dataclasses import dataclass
from pathlib import Path

from myokine.build import module_description, module_files
from myokine.lint import read_module
from myokine.paths import MODELS_DIR


@dataclass(frozen=True)
class Module:
    name: str  # the file name without suffix, e.g. 02_signaling
    title: str
    ids: frozenset[str]


def read_modules(models_dir: Path = MODELS_DIR) -> list[Module]:
    return [
        Module(path.stem, module_description(path).splitlines()[0].removeprefix("#").strip(),
               frozenset(read_module(path).defined))
        for path in module_files(models_dir)
    ]
