"""diff and rehash on hostile copies: renamed headers, no shared column, CR line ends, zips,
NaN, read-only descriptors.

Red-team regressions of issue 15, one case each.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from reliability_helpers import (
    load_descriptor,
    resource_in,
    save_descriptor,
)

import msc_exos_pof
from msc_exos_pof.release.hashes import rehash

#: Slow: red-team cases, under alarms and subprocess timeouts, with large hostile inputs.
pytestmark = pytest.mark.slow


# --- 12. diff and rehash ------------------------------------------------------------------------


def test_diff_reports_a_renamed_header_column(package_copy: Path) -> None:
    from msc_exos_pof.release.diff import diff, render_text

    file = package_copy / "data" / "msc_sources.csv"
    header, rest = file.read_text(encoding="utf-8").split("\n", 1)
    columns = header.split(",")
    columns[-1] += "_renamed"
    file.write_text(",".join(columns) + "\n" + rest, encoding="utf-8")
    result = diff(msc_exos_pof.package_dir(), package_copy)
    assert result.bump == "major"
    assert "No differences" not in render_text(result)
    assert f"{columns[-1]}" in render_text(result)


def test_diff_of_resources_without_a_shared_column_is_no_crash(package_copy: Path) -> None:
    from msc_exos_pof.release.diff import diff

    file = package_copy / "data" / "errata.csv"
    header, rest = file.read_text(encoding="utf-8").split("\n", 1)
    names = [f"z{i}" for i in range(len(header.split(",")))]
    file.write_text(",".join(names) + "\n" + rest, encoding="utf-8")
    result = diff(msc_exos_pof.package_dir(), package_copy)
    errata = next(r for r in result.resources if r.name == "errata")
    assert errata.removed and errata.added and result.bump == "major"


def test_diff_of_cr_only_line_ends_is_no_crash(package_copy: Path) -> None:
    from msc_exos_pof.release.diff import diff

    file = package_copy / "data" / "msc_sources.csv"
    file.write_bytes(file.read_bytes().replace(b"\n", b"\r"))
    assert diff(msc_exos_pof.package_dir(), package_copy).resources


def test_diff_of_a_zip_unpacks_only_what_the_descriptor_names(tmp_path: Path) -> None:
    import tracemalloc
    import zipfile

    from msc_exos_pof.release import diff as diff_module

    archive = tmp_path / "release.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for file in msc_exos_pof.package_dir().rglob("*"):
            if file.is_file():
                relative = file.relative_to(msc_exos_pof.package_dir()).as_posix()
                zipped.write(file, f"datapackage/{relative}")
        zipped.writestr("datapackage/data/bomb.bin", b"\0" * (64 << 20))
    tracemalloc.start()
    result = diff_module.diff(archive, msc_exos_pof.package_dir())
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.bump == "none"
    assert peak < 32 << 20  # the 64 MiB member is never read


def test_rehash_never_writes_nan(package_copy: Path) -> None:
    from msc_exos_pof.errors import PackageError

    file = package_copy / "datapackage.json"
    text = file.read_text(encoding="utf-8")
    file.write_text(text.replace('"name":', '"x": NaN, "name":', 1), encoding="utf-8")
    with pytest.raises(PackageError, match="NaN"):
        rehash(package_copy)
    with pytest.raises(ValueError):
        from msc_exos_pof.io.atomic import write_json_atomic

        write_json_atomic(package_copy / "other.json", {"x": float("inf")})
    assert "NaN" in file.read_text(encoding="utf-8")  # refused, not rewritten


def test_rehash_of_a_read_only_descriptor_is_one_clean_line(
    package_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from msc_exos_pof.cli import main
    from msc_exos_pof.release import hashes

    descriptor = load_descriptor(package_copy)
    resource_in(descriptor, "errata")["bytes"] = 1
    save_descriptor(package_copy, descriptor, refresh=False)

    def read_only(file: Path, data: object) -> None:
        raise PermissionError(13, "Permission denied", str(file))

    monkeypatch.setattr(hashes, "write_json_atomic", read_only)
    result = CliRunner().invoke(main, ["rehash", str(package_copy)])
    assert result.exit_code == 2
    assert "Permission denied" in result.output and "Traceback" not in result.output
