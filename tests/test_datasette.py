"""The Datasette export: ``datasette OUT/`` serves the database with the package's metadata."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

import msc_exos_pof

datasette_app = pytest.importorskip("datasette.app")


def test_datasette_reads_title_licence_source_and_descriptions(tmp_path: Path) -> None:
    out = msc_exos_pof.export("datasette", tmp_path / "site")
    # the database, its metadata, and the manifest that lets a later --force replace them
    assert sorted(p.name for p in out.iterdir()) == [
        ".msc-exos-pof-export.json",
        "metadata.json",
        "msc-exos-pof.db",
    ]
    ds = datasette_app.Datasette(config_dir=out)  # what `datasette OUT/` does

    async def read() -> tuple[dict, int, str]:
        await ds.invoke_startup()
        metadata = (await ds.client.get("/-/metadata.json")).json()
        rows = (await ds.client.get("/msc-exos-pof/studies.json?_shape=array")).json()
        page = (await ds.client.get("/msc-exos-pof/studies")).text
        return metadata, len(rows), page

    metadata, studies, page = asyncio.run(read())
    descriptor = json.loads((msc_exos_pof.package_dir() / "datapackage.json").read_text())
    assert metadata["title"] == descriptor["title"]
    assert metadata["license"] == "Creative Commons Attribution 4.0 (data)"
    assert metadata["source_url"] == "https://doi.org/10.29063/ajrh2026/v30i7.11"
    assert studies == 17
    table = "One row per study included in the review"
    assert ds.metadata("description", database="msc-exos-pof", table="studies").startswith(table)
    columns = ds.metadata("columns", database="msc-exos-pof", table="studies")
    assert columns["design"] == "Study design (curated)."
    assert table in page and "Creative Commons Attribution 4.0" in page


def test_a_datasette_export_is_replaced_with_force_only(tmp_path: Path) -> None:
    from msc_exos_pof.errors import ExportTargetError

    out = msc_exos_pof.export("datasette", tmp_path / "site")
    with pytest.raises(ExportTargetError):
        msc_exos_pof.export("datasette", out)
    assert msc_exos_pof.export("datasette", out, overwrite=True) == out
