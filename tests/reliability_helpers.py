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
