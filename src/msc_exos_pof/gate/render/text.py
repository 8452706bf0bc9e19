"""The text format: one ``path:line:col: severity: message [check]`` line per finding (editors and
terminals jump there), the dataset summary and a one-line verdict."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .common import BIDI, SEPARATORS, capped, info_summary, more_line, shown, where

if TYPE_CHECKING:  # pragma: no cover
    from ..report import Report

_COLOURS = {"error": "31", "warning": "33", "info": "36", "ok": "32", "bold": "1"}
# C0 and C1 controls (escape sequences, line breaks, bells) and the bidirectional overrides that
# can make a terminal show text in another order than it is written.
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI}{SEPARATORS}]")

#: (summary key, label) of the per-group counts, each beside the count the review states.
GROUP_LINES = (
    ("studies_per_source", "studies per MSC source"),
    ("studies_per_design", "studies per design"),
    ("studies_per_species", "studies per species"),
    ("errata", "errata by kind"),
)


def escape(value: object) -> str:
    """``value`` as text that cannot move the cursor, clear the screen or start a new line."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(value))


def _paint(text: str, style: str, colour: bool) -> str:
    return f"\x1b[{_COLOURS[style]}m{text}\x1b[0m" if colour else text


def _group_line(label: str, counts: dict[str, Any], stated: dict[str, Any]) -> str:
    shown_counts = []
    for group, count in counts.items():
        differs = group in stated and stated[group] != count
        note = f" (review states {escape(stated[group])})" if differs else ""
        shown_counts.append(f"{escape(group)} {escape(count)}{note}")
    return f"  {label}: " + ", ".join(shown_counts)


def _summary_lines(summary: dict[str, Any], colour: bool) -> list[str]:
    title = f"{escape(summary.get('name'))} {escape(summary.get('version'))}"
    lines = ["", _paint(title, "bold", colour)]
    resources = summary.get("resources") or {}
    if resources:
        rows = [f"{escape(n)} {'unreadable' if k is None else k}" for n, k in resources.items()]
        lines.append("  rows: " + ", ".join(rows))
    if summary.get("rounds"):
        lines += _round_lines(summary)
    else:
        for key, label in GROUP_LINES:
            if summary.get(key):
                lines.append(_group_line(label, summary[key], summary.get(f"stated_{key}") or {}))
    if "eligibility_concerns" in summary:
        lines.append(f"  studies with an eligibility concern: {summary['eligibility_concerns']}")
    return lines


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _stated_note(count: int, stated: Any, node: str) -> str:
    """' (its flow states node N)' when the round's PRISMA flow states another count."""
    if stated is None or stated == count:
        return ""
    return f" (its flow states {node} {escape(stated)})"


def _round_lines(summary: dict[str, Any]) -> list[str]:
    """A living copy: each round's studies against that round's statements (round 1's
    against the review's), then the studies included now, as totals."""
    lines = []
    for item in summary["rounds"]:
        number = item.get("round")
        searched = f"searched {escape(item['searched'])}" if item.get("searched") else "undated"
        name = "round 1, the published review" if number == 1 else f"round {escape(number)}"
        new = int(item.get("new_studies") or 0)
        text = (
            _plural(new, "study", "studies")
            if number == 1
            else _plural(new, "new study", "new studies")
        )
        text += _stated_note(new, item.get("stated_new_studies"), "new_studies")
        removed = item.get("removed_studies") or []
        if removed:
            text += f", {len(removed)} removed ({escape(', '.join(removed))})"
        if number != 1:
            total = int(item.get("total_studies") or 0)
            text += f"; {total} included"
            text += _stated_note(total, item.get("stated_total_studies"), "total_studies")
        lines.append(f"  {name} ({searched}): {text}")
        if number == 1:
            for key, label in GROUP_LINES[:2]:
                if item.get(key):
                    stated = summary.get(f"stated_{key}") or {}
                    lines.append("  " + _group_line(label, item[key], stated))
    included = summary.get("included_now")
    lines.append(f"  included now: {escape(included)} studies (every round's, minus removals)")
    for key, label in GROUP_LINES:
        if summary.get(key):  # totals as totals: no statement describes them
            line = _group_line(label, summary[key], {})
            lines.append(line if key == "errata" else "  " + line)
    return lines


def _finding_line(finding: Any, colour: bool) -> str:
    severity = _paint(finding.severity, finding.severity, colour)
    checks = "+".join(finding.checks)
    return f"{escape(where(finding))}: {severity}: {escape(finding.message)} [{escape(checks)}]"


def _verdict(report: Report, colour: bool) -> str:
    counts = report.counts
    verdict = "unreadable" if report.unreadable else "valid" if report.valid else "invalid"
    named = f" ({', '.join(report.skipped)})" if 0 < len(report.skipped) <= 3 else ""
    skipped = f", {len(report.skipped)} skipped{named}" if report.skipped else ""
    return (
        _paint(verdict.upper(), "ok" if report.valid else "error", colour)
        + f": {counts['error']} error(s), {counts['warning']} warning(s), {counts['info']} info; "
        f"{len(report.checks_run)} checks run{skipped} (exit code {report.exit_code})"
    )


def render(report: Report, colour: bool = False, verbose: bool = False) -> str:
    """The findings, the dataset summary and the verdict; info findings in one line unless
    ``verbose``."""
    lines = [f"msc-exos-pof validate: {escape(report.package)}"]
    listed, more = capped(shown(report, verbose))
    lines += [_finding_line(finding, colour) for finding in listed]
    lines += [escape(more_line(check, count)) for check, count in more.items()]
    if report.summary:
        lines += _summary_lines(report.summary, colour)
    info = info_summary(report)
    if info and not verbose:
        lines.append(f"  {escape(info)}; --verbose lists them")
    lines += ["", _verdict(report, colour)]
    return "\n".join(lines) + "\n"
