"""Round trips: load -> write -> load, and records -> DataFrame -> records, lose nothing."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings

import msc_exos_pof
from msc_exos_pof.io.locate import shipped_package_dir
from msc_exos_pof.models import frame_to_records, model_for, records_to_frame
from msc_exos_pof.release.hashes import rehash
from msc_exos_pof.testing import consistent_packages

RESOURCES = msc_exos_pof.resource_names()


def write_frame(frame: pd.DataFrame, file: Path) -> None:
    """Write a typed frame back as CSV text: missing -> "", booleans -> true/false."""
    text = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_bool_dtype(values.dtype):
            text[column] = values.map({True: "true", False: "false"}, na_action="ignore")
        else:
            text[column] = values.astype("object").astype("string")
        text[column] = text[column].astype("object").where(values.notna(), "")
    with open(file, "w", encoding="utf-8", newline="") as handle:
        text.to_csv(handle, index=False, lineterminator="\n")


def _roundtrip(folder: Path) -> None:
    before = {name: msc_exos_pof.load(name, str(folder)) for name in RESOURCES}
    with tempfile.TemporaryDirectory() as holder:
        copy = Path(holder) / "copy"
        shutil.copytree(folder, copy)
        for name, frame in before.items():
            write_frame(frame, copy / "data" / f"{name}.csv")
        rehash(copy)
        for name, frame in before.items():
            pd.testing.assert_frame_equal(msc_exos_pof.load(name, str(copy)), frame)


def test_load_write_load_gives_equal_frames_for_every_shipped_resource() -> None:
    _roundtrip(shipped_package_dir())


@pytest.mark.slow
@settings(max_examples=10)
@given(consistent_packages(max_studies=30))
def test_load_write_load_gives_equal_frames_for_synthetic_packages(package) -> None:
    with tempfile.TemporaryDirectory() as holder:
        _roundtrip(package.write(Path(holder) / "pkg"))


@pytest.mark.parametrize("name", RESOURCES)
def test_records_to_frame_to_records_is_the_identity(name: str) -> None:
    items = msc_exos_pof.records(name)
    frame = records_to_frame(items, name)
    pd.testing.assert_frame_equal(frame, msc_exos_pof.load(name))
    assert frame_to_records(frame, model_for(name)) == items


@pytest.mark.slow
@settings(max_examples=10)
@given(consistent_packages(max_studies=20))
def test_records_round_trip_on_synthetic_packages(package) -> None:
    with tempfile.TemporaryDirectory() as holder:
        folder = str(package.write(Path(holder) / "pkg"))
        for name in ("studies", "references", "errata", "stated_counts"):
            items = msc_exos_pof.records(name, folder)
            frame = records_to_frame(items, name, folder)
            pd.testing.assert_frame_equal(frame, msc_exos_pof.load(name, folder))
            assert frame_to_records(frame, model_for(name, folder)) == items
