"""The check catalogue: a Markdown page listing every check id of the registry (docs/checks.md)."""

from __future__ import annotations

from .markdown import cell, code_span

_LAYER_TEXT = {
    "descriptor": "Can the descriptor be read, and is it valid Data Package metadata?",
    "integrity": "Do the files match the sizes and hashes the descriptor declares?",
    "table": "Can each resource's file be read as a CSV table with the declared columns?",
    "schema": "Does every cell meet its Table Schema (types, constraints, keys)?",
    "consistency": "Do the tables agree with each other, and with what the review states?",
    "errata": "Is every published/curated difference documented by exactly one errata row?",
    "release": "Is the release documented (only for the repository's own package)?",
}


def checks_markdown() -> str:
    """Markdown listing every registered check by layer: id, severity, what it guards against."""
    from ..gate.registry import LAYERS, all_checks

    checks = all_checks()
    lines = [
        "# Checks of the data-quality gate",
        "",
        "Generated from the check registry by "
        "`msc-exos-pof checks --format markdown --force --output docs/checks.md`; do not edit "
        "by hand.",
        "",
        "Every finding of `msc-exos-pof validate` names one of these ids. Errors make the "
        "package invalid (exit code 1); warnings are reported but do not (unless "
        "`--fail-on warning`); info findings are notes, counted in one line unless `--verbose`. "
        "When several checks see the same cell, they give one finding that names them all. "
        "Ids marked *loader* "
        "are emitted by the code that reads the package rather than by a check function; "
        "`descriptor.missing`, `descriptor.json`, `descriptor.encoding` and "
        "`descriptor.unsafe_path` mean the package cannot be read at all (exit code 2).",
        "",
        "A difference between what the review published and the curated or derived value (a "
        "year in a label, a stated count...) is an error of its own check unless a row of "
        "`errata.csv` with the same resource, record, field and values explains it; explained "
        "differences are `errata.known` info findings: documented, nothing to fix.",
        "",
        f"{len(checks)} checks.",
        "",
    ]
    for layer in LAYERS:
        in_layer = [check for check in checks if check.layer == layer]
        if not in_layer:
            continue
        lines += [
            f"## {layer}",
            "",
            _LAYER_TEXT.get(layer, ""),
            "",
            "| id | severity | description |",
            "|---|---|---|",
        ]
        for check in in_layer:
            loader = " (*loader*)" if check.function is None else ""
            lines.append(
                f"| {code_span(check.id, cell=True)} | {cell(check.severity)}{loader} | "
                f"{cell(check.description)} |"
            )
        lines.append("")
    return "\n".join(lines)
