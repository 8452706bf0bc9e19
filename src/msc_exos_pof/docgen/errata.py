"""The errata page: a Markdown page generated from the package's ``errata`` resource."""

from __future__ import annotations

import os

from .markdown import anchor, code_span, escape_markdown

__all__ = ["KIND_TEXT", "code_span", "concerns_markdown", "errata_markdown", "escape_markdown"]

# What each kind of erratum means, for readers who land on the page without the data dictionary.
KIND_TEXT = {
    "label_year_mismatch": "A study label in Table 2 gives a year its reference entry does not.",
    "label_author_typo": "A study label in Table 2 misspells or truncates the first author.",
    "cell_contradicts_title": "A Table 2 cell is contradicted by the study's own title.",
    "duplicate_reference": "A reference-list entry repeats an earlier one.",
    "stated_count_unsupported": "A count the narrative states is not supported by Table 2.",
}


def errata_markdown(path: str | os.PathLike[str] | None = None) -> str:
    """Markdown listing every erratum of the package at ``path``, grouped by kind, with the
    published and curated values, the explanation and the verbatim evidence."""
    from ..io.convert import load_frame
    from ..io.descriptor import read_descriptor

    descriptor = read_descriptor(path)
    errata = load_frame("errata", path)
    kinds = list(errata["kind"].cat.categories)
    lines = [
        "# Errata",
        "",
        f"Generated from the `errata` resource of {code_span(descriptor.get('name'))} version "
        f"{escape_markdown(descriptor.get('version'), inline=True)} when the site is built; "
        "edit `datapackage/data/errata.csv`, not this page.",
        "",
        "Where the review contradicts itself, the package keeps what was **published** and adds "
        "the **curated** value. Each row of `errata` documents one such difference: which record "
        "and field, both values, why, and the verbatim text of the review that proves it. "
        "`msc-exos-pof validate` counts every erratum as an `errata.known` info finding "
        "(`--verbose` lists them) and fails on any difference that no erratum explains.",
        "",
        f"{len(errata)} errata.",
        "",
        "| kind | errata | meaning |",
        "|---|---|---|",
    ]
    for kind in kinds:
        count = int((errata["kind"] == kind).sum())
        if count:
            lines.append(
                f"| [{code_span(kind, cell=True)}](#{anchor(kind)}) | {count} | "
                f"{KIND_TEXT.get(kind, '')} |"
            )
    lines.append("")
    for kind in kinds:
        in_kind = errata[errata["kind"] == kind]
        if in_kind.empty:
            continue
        lines += [f"## {escape_markdown(kind, inline=True)} {{#{anchor(kind)}}}", ""]
        if kind in KIND_TEXT:
            lines += [KIND_TEXT[kind], ""]
        for row in in_kind.itertuples(index=False):
            lines += [
                f"### {escape_markdown(row.erratum_id, inline=True)}",
                "",
                f"- **Where**: resource {code_span(row.resource)}, record {code_span(row.record)}, "
                f"field {code_span(row.field)}",
                f"- **Published → curated**: {code_span(row.published_value)} → "
                f"{code_span(row.curated_value)}",
                f"- **Kind**: {code_span(row.kind)}",
                "",
                escape_markdown(row.note),
                "",
                "Evidence, verbatim from the review:",
                "",
                f"> {escape_markdown(row.evidence)}",
                "",
            ]
    lines += concerns_markdown(path)
    return "\n".join(lines).rstrip() + "\n"


def concerns_markdown(path: str | os.PathLike[str] | None = None) -> list[str]:
    """The review's inconsistencies that change no value (the ``concerns`` resource), grouped by
    kind, each with what disagrees, both quotes and what the package does about it; nothing
    for a package without that resource."""
    from ..io.convert import load_frame
    from ..io.descriptor import resource_names

    if "concerns" not in resource_names(path):
        return []
    concerns = load_frame("concerns", path)
    lines = [
        "## Concerns: inconsistencies that change no value",
        "",
        "The review also contradicts itself where no value of the package changes: a sentence "
        "that cites a duplicate or an off-topic reference, a narrative attribution that Table 2 "
        "does not support, a garbled reference entry. Each row of `concerns` records one, with "
        "its quote; `msc-exos-pof validate` reports them as `concerns.recorded` info findings.",
        "",
        f"{len(concerns)} concerns.",
        "",
    ]

    def text(value: object) -> str:
        return value if isinstance(value, str) else ""

    for kind, in_kind in concerns.groupby("kind", observed=True, sort=False):
        lines += [f"### {escape_markdown(kind, inline=True)}", ""]
        for row in in_kind.itertuples(index=False):
            lines += [
                f"#### {escape_markdown(row.concern_id, inline=True)}",
                "",
                escape_markdown(text(row.disagreement)),
                "",
            ]
            lines += [
                f"> {escape_markdown(text(row.quote))}",
                "",
                f"({escape_markdown(text(row.locator))})",
                "",
            ]
            if isinstance(row.counter_quote, str) and row.counter_quote:
                lines += [
                    f"> {escape_markdown(row.counter_quote)}",
                    "",
                    f"({escape_markdown(text(row.counter_locator))})",
                    "",
                ]
            if isinstance(row.resolution, str) and row.resolution:
                lines += [f"**What the package does**: {escape_markdown(row.resolution)}", ""]
    return lines
