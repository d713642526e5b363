"""Fault injection with real files, real subprocesses and real archives (see helpers.py)."""

import pytest

from tests.faults.helpers import Cli


@pytest.fixture()
def cli(tmp_path) -> Cli:
    (tmp_path / "work").mkdir()
    (tmp_path / "tmp").mkdir()
    return Cli(tmp_path / "work", tmp_path / "tmp")
