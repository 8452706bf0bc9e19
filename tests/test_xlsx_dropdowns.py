"""The Excel export offers each coded column's codes as a dropdown and describes each field
in its header's comment."""

from __future__ import annotations

from pathlib import Path

import pytest

import msc_exos_pof

openpyxl = pytest.importorskip("openpyxl")


def test_coded_columns_have_a_dropdown_of_their_codes_and_headers_a_description(
    tmp_path: Path,
) -> None:
    workbook = openpyxl.load_workbook(msc_exos_pof.export("xlsx", tmp_path / "review.xlsx"))
    sheet = workbook["studies"]
    header = {cell.value: cell for cell in sheet[1]}
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    design = header["design"]
    assert lists[f"{design.column_letter}2"] == '"in_vivo,in_vitro,clinical"'
    assert design.comment.text == "Study design (curated)."
    species = header["species"]
    assert lists[f"{species.column_letter}2"] == '"rat,mouse,rabbit,human"'
    # every coded field of every sheet has its dropdown, when its list fits Excel's 255
    # characters (a longer one, such as the kinds of concern, is left without)
    from msc_exos_pof.io.descriptor import read_descriptor

    for resource in read_descriptor()["resources"]:
        enums = [(f.get("constraints") or {}).get("enum") for f in resource["schema"]["fields"]]
        coded = sum(1 for enum in enums if enum and len(",".join(map(str, enum))) <= 255)
        name = resource["name"]
        assert len(workbook[name].data_validations.dataValidation) == coded, name
