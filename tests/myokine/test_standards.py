"""Every element is annotated (SBO, identifiers.org), documented and has units; model metadata."""

import math
import re

import libsbml
import pytest

from myokine.interface import OBSERVABLE_IDS as OBSERVABLES
from myokine.experiments import TimeGrid
from myokine.interface import OBSERVABLES as TABLE

IDENTIFIERS = re.compile(r"^https://identifiers\.org/(uniprot|CHEBI|UBERON|GO|CL|taxonomy):\S+$")
# The unit labels of the observables table in SI: (base units and exponents, factor).
PG_PER_ML = ((("kilogram", 1), ("metre", -3)), 1e-9)
DIMENSIONLESS = ((("dimensionless", 1),), 1.0)
LABEL_SI = {
    "pg/mL": PG_PER_ML,
    "ng/mL": ((("kilogram", 1), ("metre", -3)), 1e-6),
    "mg/L": ((("kilogram", 1), ("metre", -3)), 1e-3),
    "nmol/L": ((("metre", -3), ("mole", 1)), 1e-6),
    "mmol/L": ((("metre", -3), ("mole", 1)), 1.0),
    "ng/min/kg": ((("second", -1),), 1e-12 / 60),
    "µmol/kg/min": ((("kilogram", -1), ("mole", 1), ("second", -1)), 1e-6 / 60),
}


def elements(model):
    for kind, items in (
        ("compartment", model.getListOfCompartments()),
        ("species", model.getListOfSpecies()),
        ("reaction", model.getListOfReactions()),
        ("parameter", model.getListOfParameters()),
    ):
        for item in items:
            yield kind, item


def resources(element, qualifier=None):
    found = []
    for i in range(element.getNumCVTerms()):
        term = element.getCVTerm(i)
        if qualifier is None or term.getBiologicalQualifierType() == qualifier:
            found += [term.getResourceURI(j) for j in range(term.getNumResources())]
    return found


def si(unit_definition):
    converted = libsbml.UnitDefinition.convertToSI(unit_definition)
    kinds, factor = [], 1.0
    for unit in converted.getListOfUnits():
        kinds.append((libsbml.UnitKind_toString(unit.getKind()), int(unit.getExponent())))
        factor *= (unit.getMultiplier() * 10 ** unit.getScale()) ** unit.getExponent()
    return tuple(sorted(kinds)), factor


def test_every_element_has_an_sbo_term(sbml_model):
    missing = [f"{kind} {e.getId()}" for kind, e in elements(sbml_model) if not e.isSetSBOTerm()]
    assert missing == []
    assert sbml_model.getSBOTermID() == "SBO:0000293"


def test_compartments_and_species_have_identifiers_org_annotations(sbml_model):
    for kind, element in elements(sbml_model):
        schedule = "schedule" in (element.getId(), element.getCompartment() if kind == "species" else "")
        if kind in ("compartment", "species") and not schedule:  # the protocol state is no biological entity
            uris = resources(element, libsbml.BQB_IS)
            assert uris, f"{kind} {element.getId()} has no bqbiol:is annotation"
            assert all(IDENTIFIERS.match(uri) for uri in uris), uris


def test_every_parameter_has_units_and_provenance(sbml_model):
    for parameter in sbml_model.getListOfParameters():
        assert parameter.isSetUnits(), f"{parameter.getId()} has no unit"
        notes = parameter.getNotesString()
        assert notes.strip(), f"{parameter.getId()} has no note saying where its value comes from"


def test_every_species_has_notes(sbml_model):
    for species in sbml_model.getListOfSpecies():
        assert species.getNotesString().strip(), f"species {species.getId()} has no notes"


def test_model_metadata(sbml_model):
    history = sbml_model.getModelHistory()
    assert history.getNumCreators() >= 1
    creator = history.getCreator(0)
    assert creator.getFamilyName() and creator.getGivenName()
    assert history.isSetCreatedDate() and history.isSetModifiedDate()
    assert resources(sbml_model, libsbml.BQB_HAS_TAXON) == ["https://identifiers.org/taxonomy:9606"]
    notes = sbml_model.getNotesString()
    assert "creativecommons.org/licenses/by/4.0" in notes
    for module in ("Exercise protocol", "Contraction signaling", "Myokine secretion", "Circulation",
                   "Organ responses", "Brain"):
        assert module in notes
    assert "References" in notes and "Steensberg" in notes


def test_creators_and_dates_come_from_the_source_not_the_clock(sbml_model):
    history = sbml_model.getModelHistory()
    assert history.getCreatedDate().getDateAsString() == "2026-11-23T00:00:00Z"


@pytest.mark.parametrize("observable", sorted(OBSERVABLES))
def test_observable_is_an_assignment_rule_whose_unit_matches_its_label(sbml_model, observable):
    assert sbml_model.getAssignmentRuleByVariable(observable) is not None
    unit_id = sbml_model.getParameter(observable).getUnits()
    unit_definition = sbml_model.getUnitDefinition(unit_id)
    if unit_definition is None:
        assert unit_id == "dimensionless"
        got = DIMENSIONLESS
    else:
        got = si(unit_definition)
    expected_kinds, expected_factor = LABEL_SI.get(TABLE[observable].display_unit, DIMENSIONLESS)
    assert got[0] == expected_kinds
    assert math.isclose(got[1], expected_factor, rel_tol=1e-12)


def test_protocol_events_all_have_priorities(sbml_model):
    events = sbml_model.getListOfEvents()
    assert len(events) >= 4
    priorities = []
    for event in events:
        assert event.isSetPriority(), f"event {event.getId()} has no priority"
        priorities.append(libsbml.formulaToL3String(event.getPriority().getMath()))
    assert len(set(priorities)) == len(priorities), "events share a priority"



def test_every_observable_starts_at_its_tabled_resting_value(simulator):
    frame = simulator.run({"bout_count": 0}, TimeGrid(1, 1))
    model = simulator.rr.model
    for name, entry in TABLE.items():
        rest = eval(entry.rest, {}, {p: model[p] for p in model.getGlobalParameterIds()})  # a formula of parameters
        assert frame[name].iloc[0] == pytest.approx(rest, rel=1e-9), name
