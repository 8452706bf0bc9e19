"""The reference list for reference managers: BibTeX, RIS and CSL-JSON, read back by the
libraries that read them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import msc_exos_pof
from msc_exos_pof.cli import main

bibtexparser = pytest.importorskip("bibtexparser")
rispy = pytest.importorskip("rispy")


def export(tmp_path: Path, to: str, *extra: str) -> Path:
    out = tmp_path / f"references.{to}"
    result = CliRunner().invoke(main, ["export", "--to", to, str(out), *extra])
    assert result.exit_code == 0, result.output
    return out


def test_bibtex_reads_back_with_bibtexparser_entry_for_entry(tmp_path: Path) -> None:
    text = export(tmp_path, "bibtex").read_text(encoding="utf-8")
    references = msc_exos_pof.load("references")
    if hasattr(bibtexparser, "parse_string"):  # bibtexparser 2
        library = bibtexparser.parse_string(text)
        assert not library.failed_blocks
        found = {e.key: {k: f.value for k, f in e.fields_dict.items()} for e in library.entries}
    else:  # pragma: no cover - bibtexparser 1
        found = {e["ID"]: e for e in bibtexparser.loads(text).entries}
    assert len(found) == len(references) == 75
    entry = found["yang-m-2020"]  # an included study: keyed by its study_id
    assert entry["title"].startswith("Bone marrow mesenchymal stem cell-derived exosomal miR-144")
    assert entry["year"] == "2020" and entry["pages"] == "342--352"
    assert entry["author"].startswith("Yang, M and Lin, L")
    assert found["ref1"]["journal"] == "Annales d'endocrinologie"
    assert not any("doi" in fields or "url" in fields for fields in found.values())


def test_ris_reads_back_with_rispy_and_included_keeps_the_17_studies(tmp_path: Path) -> None:
    out = export(tmp_path, "ris", "--included")
    records = rispy.loads(out.read_text(encoding="utf-8"))
    studies = msc_exos_pof.load("studies")
    assert len(records) == 17
    assert {r["id"] for r in records} == set(studies["study_id"])
    first = records[0]
    assert first["type_of_reference"] == "JOUR"
    assert first["authors"][0] == "Yang, M" and first["start_page"] == "342"
    assert set(first) <= {
        "type_of_reference", "id", "authors", "title", "journal_name", "year", "volume",
        "number", "start_page", "end_page",
    }  # fmt: skip


#: The shape of a CSL-JSON item (the fields this export writes), after citation-style-language
#: /schema's csl-data.json.
CSL_ITEM = {
    "type": "object",
    "required": ["id", "type", "title", "issued"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string"},
        "type": {"enum": ["article-journal", "article"]},
        "citation-label": {"type": "string"},
        "title": {"type": "string"},
        "container-title": {"type": "string"},
        "volume": {"type": "string"},
        "issue": {"type": "string"},
        "page": {"type": "string"},
        "author": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "family": {"type": "string"},
                    "given": {"type": "string"},
                    "literal": {"type": "string"},
                },
            },
        },
        "issued": {
            "type": "object",
            "required": ["date-parts"],
            "properties": {
                "date-parts": {
                    "type": "array",
                    "items": {"type": "array", "items": {"type": "integer"}},
                }
            },
        },
    },
}


def test_csljson_is_a_valid_list_of_csl_items(tmp_path: Path) -> None:
    import jsonschema

    items = json.loads(export(tmp_path, "csljson").read_text(encoding="utf-8"))
    jsonschema.validate(items, {"type": "array", "items": CSL_ITEM})
    assert len(items) == 75 and items[0]["issued"] == {"date-parts": [[2021]]}
    duplicate = next(i for i in items if i["id"] == "ref54")
    assert "container-title" not in duplicate  # entry 54 prints no journal: none is invented


def test_included_is_refused_for_the_table_formats(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["export", "--to", "sqlite", str(tmp_path / "x.db"), "--included"]
    )
    assert result.exit_code == 2 and "--included applies to" in result.output
