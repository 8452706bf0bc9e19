"""What the reliability tests share: a time limit that fails instead of hanging, edits of a
package copy's descriptor (bytes and hashes refreshed), and a report's errors by check."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import msc_exos_pof
from msc_exos_pof.release.hashes import rehash


class Hung(Exception):
    pass


@contextmanager
def bounded(seconds: int = 20) -> Iterator[None]:
    """Fail (instead of hanging) when the body runs longer than ``seconds``."""

    def alarm(signum: int, frame: object) -> None:
        raise Hung(f"still running after {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def load_descriptor(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def save_descriptor(folder: Path, descriptor: dict, *, refresh: bool = True) -> None:
    (folder / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    if refresh:
        rehash(folder)


def resource_in(descriptor: dict, name: str) -> dict:
    return next(r for r in descriptor["resources"] if r["name"] == name)


def field_in(descriptor: dict, resource: str, name: str) -> dict:
    return next(
        f for f in resource_in(descriptor, resource)["schema"]["fields"] if f["name"] == name
    )


def add_resource(folder: Path, name: str, data: bytes, fields: list[str]) -> dict:
    (folder / "data" / f"{name}.csv").write_bytes(data)
    descriptor = load_descriptor(folder)
    descriptor["resources"].append(
        {
            "name": name,
            "path": f"data/{name}.csv",
            "profile": "tabular-data-resource",
            "schema": {"fields": [{"name": f, "type": "string"} for f in fields]},
        }
    )
    save_descriptor(folder, descriptor)
    return descriptor


def errors_by_check(report: msc_exos_pof.Report) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for finding in report.findings:
        if finding.severity == "error":
            out.setdefault(finding.check, []).append(finding.message)
    return out


def zip_bomb(archive: Path, member_bytes: int) -> Path:
    """A zip of the shipped package whose references.csv unpacks to ``member_bytes`` from a few
    kilobytes (repeated rows)."""
    import zipfile

    from msc_exos_pof.io.locate import shipped_package_dir

    root = shipped_package_dir()
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("datapackage/datapackage.json", json.dumps(descriptor))
        for resource in descriptor["resources"]:
            if resource["name"] != "references":
                zipped.write(root / resource["path"], f"datapackage/{resource['path']}")
        with zipped.open("datapackage/data/references.csv", "w", force_zip64=True) as out:
            out.write((root / "data" / "references.csv").read_bytes())
            block = b'999,"A B",' + b"t" * 1000 + b",J,2020,1,1,1,\n"
            for _ in range(member_bytes // (len(block) * 1024)):
                out.write(block * 1024)
    return archive
