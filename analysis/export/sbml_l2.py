"""An SBML Level 2 Version 4 copy for older tools, with what it loses written in its notes.

L2V4 has no event priorities, no initial trigger values and no persistence flag (L2 events
behave as persistent with initialValue true), and no units on numbers in math. The notes list
every event's original settings so a reader can restore them.
"""

from pathlib import Path
from xml.sax.saxutils import escape

import libsbml

from myokine.errors import ModelError
from myokine.fileio import write_text_atomically

LOST_FEATURES_HEADING = "Lost in this SBML Level 2 Version 4 copy"


def event_settings(model: libsbml.Model) -> list[str]:
    """One line per event with the L3 settings that L2V4 cannot hold."""
    lines = []
    for event in model.getListOfEvents():
        trigger = event.getTrigger()
        priority = libsbml.formulaToL3String(event.getPriority().getMath()) if event.isSetPriority() else "none"
        lines.append(
            f"event {event.getId()}: priority {priority}, "
            f"initialValue {str(trigger.getInitialValue()).lower()}, "
            f"persistent {str(trigger.getPersistent()).lower()}, "
            f"useValuesFromTriggerTime {str(event.getUseValuesFromTriggerTime()).lower()}"
        )
    return lines


def convert_level(document: libsbml.SBMLDocument, level: int, version: int, strict: bool) -> None:
    """Convert the document in place to another SBML level and version."""
    properties = libsbml.ConversionProperties()
    properties.addOption("setLevelAndVersion", True)
    properties.addOption("strict", strict)
    properties.setTargetNamespaces(libsbml.SBMLNamespaces(level, version))
    if document.convert(properties) != libsbml.LIBSBML_OPERATION_SUCCESS:
        raise ModelError(f"libsbml could not convert the model to SBML L{level}V{version}")


def sbml_l2v4(sbml: str) -> str:
    """The model converted to L2V4 (non-strict: priorities and trigger flags are dropped),
    with the dropped event settings appended to the model notes."""
    document = libsbml.readSBMLFromString(sbml)
    model = document.getModel()
    lines = event_settings(model)
    history = model.getModelHistory().clone()
    terms = [model.getCVTerm(i).clone() for i in range(model.getNumCVTerms())]
    convert_level(document, 2, 4, strict=False)
    model = document.getModel()
    # libsbml 5.21 writes the converted history as dc:creator into the old RDF element, which
    # does not declare dc: rebuild the model's annotation from its history and terms.
    model.unsetAnnotation()
    if model.setModelHistory(history) != libsbml.LIBSBML_OPERATION_SUCCESS:
        raise ModelError("libsbml could not re-set the model history")
    for term in terms:
        model.addCVTerm(term)
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    note = (
        f'<div xmlns="http://www.w3.org/1999/xhtml"><h2>{LOST_FEATURES_HEADING}</h2>'
        "<p>SBML Level 2 Version 4 cannot state event priorities, initial trigger values or "
        "persistence, nor units on numbers in math; tools apply their own defaults (events "
        "firing at the same instant may run in any order). The released SBML Level 3 model "
        f"sets them as follows:</p><ul>{items}</ul></div>"
    )
    if model.appendNotes(note) != libsbml.LIBSBML_OPERATION_SUCCESS:
        raise ModelError("libsbml could not add the notes on lost event features")
    return libsbml.writeSBMLToString(document)


def write_l2v4(sbml_path: Path, out: Path) -> Path:
    write_text_atomically(out, sbml_l2v4(Path(sbml_path).read_text(encoding="utf-8")))
    return out
