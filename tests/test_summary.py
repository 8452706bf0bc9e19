"""The dataset summary printed by `msc-exos-pof validate`: curated counts beside stated ones."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

import msc_exos_pof
from msc_exos_pof.cli import main


def test_summary_counts_studies_per_source_in_vocabulary_order_beside_the_stated_counts() -> None:
    summary = msc_exos_pof.validate().summary
    assert summary["studies_per_source"] == {
        "BMSC": 5,
        "hUCMSC": 3,
        "ADSC": 4,
        "PMSC": 2,
        "AFSC": 1,
        "MenSC": 1,
        "(none)": 1,
    }
    assert summary["stated_studies_per_source"]["PMSC"] == 3
    assert summary["studies_per_design"] == {"in_vivo": 15, "in_vitro": 2, "clinical": 0}
    assert summary["stated_studies_per_design"] == {"in_vivo": 15, "clinical": 1, "in_vitro": 1}
    assert sum(summary["errata"].values()) == 14
    assert summary["eligibility_concerns"] == 7


def test_validate_text_shows_where_the_review_states_another_count() -> None:
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0
    assert "PMSC 2 (review states 3)" in result.output
    assert "clinical 0 (review states 1)" in result.output


def test_summary_survives_an_unreadable_studies_table(package_copy: Path) -> None:
    (package_copy / "data" / "studies.csv").write_bytes(b"\xff\xfe not utf-8")
    report = msc_exos_pof.validate(package_copy)
    assert report.summary["resources"]["studies"] is None
    assert "studies_per_source" not in report.summary
