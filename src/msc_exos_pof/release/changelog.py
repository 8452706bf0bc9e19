"""CHANGELOG.md (Keep a Changelog): its release entries, its ``[Unreleased]`` notes, and moving
those notes under a new release with the Data section ``diff`` writes.

>>> text = ("# Changelog\\n\\n## [Unreleased]\\n\\n### Data\\n\\n- A row.\\n\\n"
...         "## [0.1.0] - 2026-11-25\\n")
>>> changelog_releases(text)
[('0.1.0', '2026-11-25')]
>>> print(cut_release(text, "0.2.0", "2026-12-01", "Summary.").split("## [0.1.0]")[0])
# Changelog
<BLANKLINE>
## [Unreleased]
<BLANKLINE>
## [0.2.0] - 2026-12-01
<BLANKLINE>
### Data
<BLANKLINE>
Summary.
<BLANKLINE>
- A row.
<BLANKLINE>
<BLANKLINE>
"""

from __future__ import annotations

import re
from pathlib import Path

from .versions import is_version, parse

#: A release heading of Keep a Changelog: ``## [1.2.3] - 2026-11-25`` (the date is optional here).
_HEADING = re.compile(r"^##\s+\[(?P<version>[^\]]+)\](?:\s*-\s*(?P<date>\S+))?", re.MULTILINE)
_SECTION = re.compile(r"^##\s", re.MULTILINE)
_UNRELEASED = re.compile(r"^##\s+\[Unreleased\][^\n]*\n", re.MULTILINE | re.IGNORECASE)
_DATA = re.compile(r"^###[ \t]+Data[ \t]*\n", re.MULTILINE)


def changelog_releases(text: str) -> list[tuple[str, str | None]]:
    """``(version, date)`` of every release heading, newest first, without ``[Unreleased]``."""
    return [
        (m["version"].strip(), m["date"])
        for m in _HEADING.finditer(text)
        if m["version"].strip().lower() != "unreleased"
    ]


def release_date(text: str, version: str) -> str | None:
    """The date of ``version``'s entry (``None`` when it has none)."""
    return dict(changelog_releases(text)).get(version)


def unreleased_notes(text: str) -> str | None:
    """The text under ``## [Unreleased]`` up to the next release (``None`` without the
    heading)."""
    match = _UNRELEASED.search(text)
    if match is None:
        return None
    rest = text[match.end() :]
    following = _SECTION.search(rest)
    return rest[: following.start()] if following else rest


def _read(changelog: Path) -> tuple[str | None, str | None]:
    try:
        return changelog.read_text(encoding="utf-8"), None
    except (OSError, UnicodeDecodeError) as error:
        return None, f"{changelog} cannot be read ({error}); keep it a UTF-8 Markdown file"


def changelog_problem(version: object, changelog: Path) -> str | None:
    """Why ``changelog`` does not document ``version`` (``None`` if it does): a release needs
    its own entry, the newest one; a pre-release (``X.Y.Z.devN``) needs notes under
    ``[Unreleased]`` and no entry of the release it leads to yet."""
    text, problem = _read(changelog)
    if text is None:
        return problem
    if is_version(version) and parse(version).is_prerelease:
        return _prerelease_problem(str(version), text, changelog.name)
    versions = [v for v, _ in changelog_releases(text)]
    if version not in versions:
        latest = f"its latest entry is [{versions[0]}]" if versions else "it has no release entry"
        return (
            f"the descriptor's version {version!r} has no '## [{version}] - YYYY-MM-DD' entry in "
            f"{changelog.name} ({latest}); add the entry (move the Unreleased notes under it) "
            "before releasing"
        )
    if versions[0] != version:
        return (
            f"the descriptor's version is {version!r} but the latest entry of {changelog.name} is "
            f"[{versions[0]}]; the descriptor's version must be the newest release: bump "
            '"version" in datapackage.json or fix the order of the entries'
        )
    return None


def _prerelease_problem(version: str, text: str, name: str) -> str | None:
    target = str(parse(version).release)
    if target in [v for v, _ in changelog_releases(text)]:
        return (
            f"the descriptor's version {version!r} is a pre-release of {target}, but {name} "
            f"already has an entry [{target}]: a released version is never reused; move to a "
            f"pre-release of the next version (e.g. {target.rsplit('.', 1)[0]}."
            f"{int(target.rsplit('.', 1)[1]) + 1}.dev0)"
        )
    notes = unreleased_notes(text)
    if notes is None or not notes.strip():
        where = "has no '## [Unreleased]' section" if notes is None else "says nothing"
        return (
            f"the descriptor's version {version!r} is a pre-release, but the '[Unreleased]' "
            f"section of {name} {where}: describe what changed since the last release under "
            "'## [Unreleased]' ('### Data' for the data)"
        )
    return None


def cut_release(text: str, version: str, day: str, data_summary: str) -> str:
    """``text`` with the ``[Unreleased]`` notes moved under ``## [version] - day``, the
    ``data_summary`` at the top of its Data section, and an empty ``[Unreleased]`` above it."""
    match = _UNRELEASED.search(text)
    if match is None:
        raise ValueError("the changelog has no '## [Unreleased]' section to release")
    notes = unreleased_notes(text) or ""
    end = match.end() + len(notes)
    entry = f"## [{version}] - {day}\n\n" + _with_data_summary(notes.strip("\n"), data_summary)
    return text[: match.end()] + "\n" + entry.rstrip("\n") + "\n\n" + text[end:]


def _with_data_summary(notes: str, summary: str) -> str:
    summary = summary.strip("\n")
    data = _DATA.search(notes)
    if data is None:
        return f"### Data\n\n{summary}\n\n{notes}\n" if notes else f"### Data\n\n{summary}\n"
    after = notes[data.end() :].lstrip("\n")
    return f"{notes[: data.end()]}\n{summary}\n\n{after}\n"
