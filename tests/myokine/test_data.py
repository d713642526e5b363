"""The literature data in data/ are tidy, cited and split into calibration and validation."""

import csv

import pytest

from myokine.paths import ROOT

DATA = ROOT / "data"


def read(name):
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_tables_are_rectangular():
    for name in ("literature.tsv", "references.tsv", "measurements.tsv"):
        with open(DATA / name, encoding="utf-8", newline="") as handle:
            widths = {len(row) for row in csv.reader(handle, delimiter="\t")}
        assert len(widths) == 1, f"{name}: rows of different widths {widths}"


def test_every_observation_has_a_role_unit_protocol_and_known_reference():
    references = {row["key"] for row in read("references.tsv")}
    rows = read("literature.tsv")
    assert {row["role"] for row in rows} == {"calibration", "validation"}
    for row in rows:
        assert row["unit"] and row["protocol"] and row["value"], row["id"]
        assert row["reference"] in references or row["id"] == "C1", row["id"]


@pytest.mark.parametrize("prefix, role", [("C", "calibration"), ("V", "validation")])
def test_ids_match_their_role(prefix, role):
    assert all(row["role"] == role for row in read("literature.tsv") if row["id"].startswith(prefix))


def test_references_have_an_identifier_or_say_they_are_unchecked():
    data_sources = {row["reference"] for row in read("literature.tsv")}
    for row in read("references.tsv"):
        if row["key"] in data_sources:
            assert row["doi"] or row["pmid"], row["key"]
        else:
            assert row["doi"] or row["pmid"] or "not checked" in row["evidence"], row["key"]


def test_measurements_belong_to_their_items_study_and_role():
    items = {row["id"]: row for row in read("literature.tsv")}
    references = {row["key"] for row in read("references.tsv")}
    rows = read("measurements.tsv")
    assert len({row["id"] for row in rows}) == len(rows)
    for row in rows:
        item = items[row["item"]]
        assert row["role"] == item["role"] and row["study"] == item["reference"], row["id"]
        assert row["study"] in references and row["location"], row["id"]
        assert row["value"] or row["lower"] or "not" in row["note"], row["id"]
