"""Every coded value is defined as data: resource ``vocabularies`` and check
``vocabulary.coverage``."""

from __future__ import annotations

import json
from pathlib import Path

import msc_exos_pof
from msc_exos_pof.io.descriptor import read_descriptor
from msc_exos_pof.io.vocabularies import coded_fields, definitions, undefined_codes
from msc_exos_pof.release.hashes import rehash


def test_every_code_of_every_enum_has_a_label_and_a_definition() -> None:
    defined = definitions()
    coded = coded_fields(read_descriptor(None))
    wanted = {(vocabulary, code) for vocabulary, codes in coded.items() for code in codes}
    assert wanted == set(defined)
    assert {"effector_type", "design", "eligibility_concern", "kind", "species"} <= set(coded)
    assert all(label and definition for label, definition in defined.values())


def test_codes_the_issue_named_are_defined_in_words() -> None:
    defined = definitions()
    assert defined[("eligibility_concern", "off_topic_condition")][0] == "Off-topic condition"
    assert "no single molecule" in defined[("effector_type", "whole_exosomes")][1]


def test_a_new_enum_code_without_definition_is_a_finding_that_says_which_row_to_add(
    package_copy: Path,
) -> None:
    # What happens when a release adds a code (or a new coded field) to a Table Schema.
    file = package_copy / "datapackage.json"
    descriptor = json.loads(file.read_text(encoding="utf-8"))
    studies = next(r for r in descriptor["resources"] if r["name"] == "studies")
    design = next(f for f in studies["schema"]["fields"] if f["name"] == "design")
    design["constraints"]["enum"].append("ex_vivo")
    file.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    rehash(package_copy)
    report = msc_exos_pof.validate(package_copy, select=["vocabulary"], summary=False)
    [finding] = report.findings
    assert finding.check == "vocabulary.coverage"
    assert (finding.resource, finding.field) == ("studies", "design")
    assert "add the row 'design,ex_vivo,<label>,<definition>'" in finding.message
    assert undefined_codes(package_copy) == [("design", "ex_vivo")]


def test_a_copy_without_the_vocabularies_resource_is_not_judged(package_copy: Path) -> None:
    file = package_copy / "datapackage.json"
    descriptor = json.loads(file.read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "vocabularies"]
    file.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    report = msc_exos_pof.validate(package_copy, select=["vocabulary"], summary=False)
    assert not report.findings


def test_the_data_dictionary_page_lists_the_codes_with_their_definitions() -> None:
    from msc_exos_pof.docgen.dictionary import data_dictionary

    page = data_dictionary()
    assert "### `eligibility_concern` {#codes-eligibility_concern}" in page
    assert "| `whole_exosomes` | Whole exosomes |" in page
    assert "([codes](#codes-design))" in page
