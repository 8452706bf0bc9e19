"""A copy of the repository as it stood before its later releases, so that the tests of the release
flow (the first release after 0.1.0, a bump the diff refuses, a version the record lacks) mean the
same whatever releases main has cut since: the record keeps the releases up to ``last``, the
CHANGELOG's later release headings go back under ``[Unreleased]``, CITATION.cff cites ``last``
and the descriptor carries the pre-release ``version`` that preceded the next release."""

from __future__ import annotations

import re
from pathlib import Path

from msc_exos_pof.io.atomic import write_json_atomic
from msc_exos_pof.io.descriptor import read_descriptor
from msc_exos_pof.release import record
from msc_exos_pof.release.versions import parse


def rewind(root: Path, last: str = "0.1.0", version: str = "1.0.0.dev0") -> None:
    """Make the repository copy at ``root`` look as it did when ``last`` was its latest release
    and its data was at ``version`` (the data files themselves are left as they are)."""
    folder = root / "releases"
    keep = [r for r in record.releases(folder) if parse(r.version).key() <= parse(last).key()]
    for entry in record.releases(folder):
        if entry not in keep:
            (folder / entry.snapshot.path).unlink()
    (folder / record.RECORD_NAME).write_text(record.record_text(keep), encoding="utf-8")
    changelog = root / "CHANGELOG.md"
    if changelog.exists():
        text = changelog.read_text(encoding="utf-8")
        for found in re.finditer(r"^## \[(\d+\.\d+\.\d+)\] - \S+\n\n", text, re.MULTILINE):
            if parse(found.group(1)).key() > parse(last).key():
                text = text.replace(found.group(0), "", 1)
        changelog.write_text(text, encoding="utf-8")
    citation = root / "CITATION.cff"
    if citation.exists() and keep:
        text = citation.read_text(encoding="utf-8")
        text = re.sub(r"(?m)^version: .*$", f"version: {keep[-1].version}", text)
        text = re.sub(r"(?m)^date-released: .*$", f"date-released: {keep[-1].date}", text)
        citation.write_text(text, encoding="utf-8")
    descriptor = read_descriptor(root / "datapackage")
    descriptor["version"] = version
    write_json_atomic(root / "datapackage" / "datapackage.json", descriptor)
