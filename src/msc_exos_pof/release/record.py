"""The release record: what each release contained, so that one version is one dataset forever.

``releases/record.json`` (in the repository, and ``msc_exos_pof/releases/`` in the wheel) lists
every release: its version, date, data-model version, the hash and size of its descriptor and of
every resource file, and a snapshot, ``releases/<version>.snapshot.json``, holding the exact
text of the released descriptor and CSV files. ``diff 0.1.0`` and ``upgrade`` read a release
from its snapshot, offline; every file is checked against the recorded hash when it is read
back. Entries are written by ``msc-exos-pof release`` (and, for a release older than the
record, ``msc-exos-pof record-release --from-git``), never by hand.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import ReleaseError
from ..io.atomic import write_text_atomic
from .versions import parse

RECORD_NAME = "record.json"
SNAPSHOT_FORMAT = "msc-exos-pof release snapshot 1"
_ABOUT = (
    "The releases of the msc-exos-pof dataset: written by `msc-exos-pof release` (and "
    "`msc-exos-pof record-release --from-git` for releases older than this record); do not "
    "edit. Each snapshot holds the exact text of the released descriptor and data files."
)


@dataclass(frozen=True)
class ReleasedFile:
    """A file of a release: its path in the package, its size and ``sha256:<hex>``."""

    path: str
    bytes: int
    hash: str
    name: str | None = None  # the resource's name (``None`` for the descriptor)


@dataclass(frozen=True)
class Release:
    """One entry of the record."""

    version: str
    date: str
    model: str
    descriptor: ReleasedFile
    resources: tuple[ReleasedFile, ...]
    snapshot: ReleasedFile
    commit: str | None = None

    def to_dict(self) -> dict[str, Any]:
        def file(item: ReleasedFile, named: bool) -> dict[str, Any]:
            data = {"path": item.path, "bytes": item.bytes, "hash": item.hash}
            return {"name": item.name, **data} if named else data

        entry: dict[str, Any] = {
            "version": self.version,
            "date": self.date,
            "model": self.model,
        }
        if self.commit:
            entry["commit"] = self.commit
        entry["snapshot"] = file(self.snapshot, False)
        entry["descriptor"] = file(self.descriptor, False)
        entry["resources"] = [file(item, True) for item in self.resources]
        return entry

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Release:
        def file(item: dict[str, Any]) -> ReleasedFile:
            return ReleasedFile(item["path"], int(item["bytes"]), item["hash"], item.get("name"))

        return cls(
            version=data["version"],
            date=data["date"],
            model=data["model"],
            descriptor=file(data["descriptor"]),
            resources=tuple(file(item) for item in data["resources"]),
            snapshot=file(data["snapshot"]),
            commit=data.get("commit"),
        )

    @property
    def source_date_epoch(self) -> int:
        """Midnight UTC of the release date: the ``SOURCE_DATE_EPOCH`` its distributions are
        built with, so that anyone rebuilding the release gets the same bytes."""
        day = date.fromisoformat(self.date)
        return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def record_dir(root: str | os.PathLike[str] | None = None) -> Path:
    """The folder of the record: ``ROOT/releases`` of a checkout, else the one installed with the
    library (the wheel's ``msc_exos_pof/releases``, or the checkout of an editable install)."""
    if root is not None:
        return Path(root) / "releases"
    installed = resources.files("msc_exos_pof") / "releases"
    if installed.joinpath(RECORD_NAME).is_file():
        return Path(str(installed))
    return Path(__file__).resolve().parents[3] / "releases"


def releases(folder: str | os.PathLike[str] | None = None) -> list[Release]:
    """Every recorded release, oldest first (``[]`` when there is no record)."""
    file = Path(folder or record_dir()) / RECORD_NAME
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as error:
        raise ReleaseError(
            f"the release record {file} cannot be read ({error}); restore it from version "
            "control (it is written by `msc-exos-pof release` only)"
        ) from None
    found = [Release.from_dict(item) for item in data.get("releases", [])]
    return sorted(found, key=lambda item: parse(item.version).key())


def find_release(version: str, folder: str | os.PathLike[str] | None = None) -> Release | None:
    """The recorded release ``version`` (``None`` if it was never released)."""
    return next((item for item in releases(folder) if item.version == version), None)


def latest_release(folder: str | os.PathLike[str] | None = None) -> Release | None:
    """The newest recorded release (``None`` before the first)."""
    found = releases(folder)
    return found[-1] if found else None


def released_models(folder: str | os.PathLike[str] | None = None) -> list[str]:
    """The data-model versions of the recorded releases, oldest first, each once."""
    return list(dict.fromkeys(item.model for item in releases(folder)))


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def snapshot_files(
    release: Release, folder: str | os.PathLike[str] | None = None
) -> dict[str, bytes]:
    """The released files (``datapackage.json`` and each resource's path) as bytes, each checked
    against the hash the record gives it: a snapshot that changed is refused."""
    base = Path(folder or record_dir())
    try:
        raw = (base / release.snapshot.path).read_bytes()
        data = json.loads(raw)
    except (OSError, ValueError) as error:
        raise ReleaseError(
            f"the snapshot of release {release.version} ({base / release.snapshot.path}) cannot "
            f"be read ({error}); restore it from version control"
        ) from None
    files = {path: text.encode("utf-8") for path, text in data.get("files", {}).items()}
    for expected in (release.descriptor, *release.resources):
        found = files.get(expected.path)
        if found is None or (len(found), _digest(found)) != (expected.bytes, expected.hash):
            raise ReleaseError(
                f"the snapshot of release {release.version} does not hold the recorded bytes of "
                f"{expected.path} ({expected.hash}); restore releases/ from version control"
            )
    return files


@contextlib.contextmanager
def released_package(version: str, folder: str | os.PathLike[str] | None = None) -> Iterator[Path]:
    """The package of release ``version``, written from its snapshot into a temporary folder
    that is removed afterwards. ``ReleaseError`` names the recorded versions when it is unknown.
    """
    release = find_release(version, folder)
    if release is None:
        known = ", ".join(item.version for item in releases(folder)) or "none yet"
        raise ReleaseError(
            f"{version} is not a recorded release (recorded: {known}); give a recorded version, "
            "a package folder, a datapackage.json or a release wheel"
        )
    files = snapshot_files(release, folder)
    with tempfile.TemporaryDirectory(prefix=f"msc-exos-pof-{version}-") as temporary:
        target = Path(temporary) / "datapackage"
        for path, data in files.items():
            (target / path).parent.mkdir(parents=True, exist_ok=True)
            (target / path).write_bytes(data)
        yield target


def package_files(package: str | os.PathLike[str]) -> dict[str, bytes]:
    """The descriptor and every resource file of the package folder ``package``, as bytes."""
    from ..io.descriptor import resource_files
    from ..io.locate import descriptor_path

    descriptor = descriptor_path(package)
    files = {"datapackage.json": descriptor.read_bytes()}
    base = descriptor.parent.resolve()
    for item in resource_files(package):
        files[item.file.relative_to(base).as_posix()] = item.file.read_bytes()
    return files


def snapshot_text(version: str, files: dict[str, bytes]) -> str:
    """The snapshot file: the exact text of each file, keys sorted (the same files always give
    the same bytes)."""
    try:
        texts = {path: data.decode("utf-8") for path, data in files.items()}
    except UnicodeDecodeError as error:
        raise ReleaseError(
            f"a file of the package is not UTF-8 ({error}); save it as UTF-8 before releasing"
        ) from None
    body = {"format": SNAPSHOT_FORMAT, "version": version, "files": texts}
    return json.dumps(body, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def release_entry(
    package: str | os.PathLike[str],
    version: str,
    day: str,
    model: str,
    commit: str | None = None,
    descriptor: bytes | None = None,
) -> tuple[Release, str]:
    """The record entry of releasing ``package`` as ``version`` on ``day``, and the text of its
    snapshot (nothing is written). ``descriptor`` replaces the bytes of its datapackage.json
    (the release's own, before it is written)."""
    from ..io.descriptor import resource_files

    files = package_files(package)
    if descriptor is not None:
        files["datapackage.json"] = descriptor
    text = snapshot_text(version, files)
    encoded = text.encode("utf-8")

    def released(path: str, name: str | None = None) -> ReleasedFile:
        return ReleasedFile(path, len(files[path]), _digest(files[path]), name)

    names = {item.descriptor.get("path"): item.name for item in resource_files(package)}
    entry = Release(
        version=version,
        date=day,
        model=model,
        descriptor=released("datapackage.json"),
        resources=tuple(
            released(path, names.get(path)) for path in files if path != "datapackage.json"
        ),
        snapshot=ReleasedFile(f"{version}.snapshot.json", len(encoded), _digest(encoded)),
        commit=commit,
    )
    return entry, text


def record_text(entries: list[Release]) -> str:
    """The text of ``record.json`` for ``entries`` (oldest first)."""
    ordered = sorted(entries, key=lambda item: parse(item.version).key())
    body = {"about": _ABOUT, "releases": [item.to_dict() for item in ordered]}
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def write_release(
    entry: Release, snapshot: str, folder: str | os.PathLike[str] | None = None
) -> Path:
    """Add ``entry`` to the record in ``folder`` (snapshot first, then the record, each written
    atomically); ``ReleaseError`` if the version is already recorded."""
    base = Path(folder or record_dir())
    known = releases(base)
    if any(item.version == entry.version for item in known):
        raise ReleaseError(
            f"release {entry.version} is already recorded in {base / RECORD_NAME}; a released "
            "version is never rewritten: choose a new version"
        )
    write_text_atomic(base / entry.snapshot.path, snapshot)
    return write_text_atomic(base / RECORD_NAME, record_text([*known, entry]))


def describe(entry: Release) -> str:
    """One paragraph naming what the entry pins (for the CLI and the report)."""
    lines = [
        f"{entry.version} ({entry.date}), data model {entry.model}"
        + (f", commit {entry.commit[:12]}" if entry.commit else ""),
        f"  datapackage.json {entry.descriptor.bytes} bytes {entry.descriptor.hash}",
    ]
    lines += [f"  {item.name}: {item.bytes} bytes {item.hash}" for item in entry.resources]
    return "\n".join(lines)
