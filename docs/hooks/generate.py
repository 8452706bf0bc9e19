"""mkdocs hook: generate the site's data, figures, API and CLI pages at build time.

Pages hold ``<!-- generated: NAME -->`` markers; ``on_page_markdown`` replaces each with Markdown
made from the package, the library and the click group as they are now, so the site cannot show
a stale copy. Generated files (the PRISMA diagram, the figures, a copy of the data package, the
changelog) are added to the build as virtual files: they are written to the site directory only,
never to ``docs/``. Any failure raises ``PluginError`` so that ``mkdocs build --strict`` stops.
"""

from __future__ import annotations

import importlib
import importlib.resources
import inspect
import json
import posixpath
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

MARKER = re.compile(r"<!--\s*generated:\s*([a-z-]+)\s*-->")
# Inline links and images; reference-style links are not used in these pages.
LINK = re.compile(r"(!?\[[^\]]*\]\()([^)\s]+)(\))")

# Where generated files go inside the site.
PRISMA_SVG = "generated/prisma.svg"
PRISMA_CSV = "generated/prisma-template.csv"
PRISMA_HISTORY = "generated/prisma-history.svg"
FIGURES_DIR = "generated/figures"

# Repository files the site publishes (repository path -> site path), so that the links the
# docs make to them for readers on GitHub (``../CHANGELOG.md``) also work on the site.
REPORT_SCHEMA = "src/msc_exos_pof/gate/report.schema.json"
PUBLISHED = {
    "CHANGELOG.md": "changelog.md",
    "CITATION.cff": "CITATION.cff",
    REPORT_SCHEMA: "report.schema.json",
}
PUBLISHED_DIRS = ("datapackage/",)

# Top-level API in reading order; names of ``msc_exos_pof.__all__`` missing here follow it.
API_ORDER = [
    "load",
    "describe",
    "records",
    "resource_names",
    "package",
    "package_dir",
    "validate",
    "cite",
    "export",
    "connect",
    "__version__",
]

_state: dict[str, Any] = {}


# --- mkdocs events -------------------------------------------------------------------------


def on_config(config: Any) -> Any:
    _state.clear()
    _state["root"] = Path(config.config_file_path).resolve().parent
    return config


def on_files(files: Files, config: Any) -> Files:
    root: Path = _state["root"]
    _state["page_bases"] = {}

    def add(src_uri: str, **source: Any) -> None:
        if files.get_file_from_path(src_uri) is not None:
            raise PluginError(f"generated file {src_uri} collides with a file in docs/")
        files.append(File.generated(config, src_uri, **source))

    prisma = _call(lambda: importlib.import_module("msc_exos_pof.prisma"), "import")
    add(PRISMA_SVG, content=_call(prisma.prisma_svg, "msc_exos_pof.prisma.prisma_svg()"))
    add(PRISMA_CSV, content=_call(prisma.prisma_template_csv, "prisma_template_csv()"))
    add(PRISMA_HISTORY, content=_call(prisma.history_svg, "msc_exos_pof.prisma.history_svg()"))

    figures = _call(lambda: importlib.import_module("msc_exos_pof.figures"), "import")
    with tempfile.TemporaryDirectory(prefix="msc-exos-pof-figures-") as holder:
        written = _call(
            lambda: figures.write_figures(holder, formats=("svg",)),
            "msc_exos_pof.figures.write_figures()",
        )
        _state["figures"] = []
        for written_path in written:
            path = Path(written_path)
            src_uri = f"{FIGURES_DIR}/{path.name}"
            add(src_uri, content=path.read_bytes())
            _state["figures"].append((path.stem, src_uri))
    if not _state["figures"]:
        raise PluginError("msc_exos_pof.figures.write_figures() wrote no figure")

    for path in sorted((root / "datapackage").rglob("*")):
        if path.is_file():
            add(path.relative_to(root).as_posix(), abs_src_path=str(path))
    add(PUBLISHED["CITATION.cff"], abs_src_path=str(root / "CITATION.cff"))
    # From the installed library (the site is built from docs/ and the package, not src/).
    schema = importlib.resources.files("msc_exos_pof.gate").joinpath("report.schema.json")
    add(PUBLISHED[REPORT_SCHEMA], content=schema.read_text("utf-8"))
    add(PUBLISHED["CHANGELOG.md"], content=(root / "CHANGELOG.md").read_text("utf-8"))
    # The changelog's links are relative to the repository root, not to docs/.
    _state["page_bases"][PUBLISHED["CHANGELOG.md"]] = ""
    return files


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    src_uri = page.file.src_uri
    base = _state["page_bases"].get(src_uri, posixpath.join("docs", posixpath.dirname(src_uri)))
    markdown = _rewrite_links(markdown, base, src_uri)

    def generate(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in GENERATORS:
            raise PluginError(
                f"{src_uri}: unknown marker 'generated: {name}'; "
                f"known: {', '.join(sorted(GENERATORS))}"
            )
        text = _call(GENERATORS[name], f"the '{name}' section of {src_uri}")
        # Generated text is written relative to docs/ (or to the repository for README parts).
        return _rewrite_links(text, "" if name == "quickstart" else "docs", src_uri)

    return MARKER.sub(generate, markdown)


# --- links ---------------------------------------------------------------------------------


def _rewrite_links(markdown: str, base: str, src_uri: str) -> str:
    """Point links written relative to ``base`` (a repository folder) at the site's files."""
    page_dir = posixpath.dirname(src_uri)

    def rewrite(match: re.Match[str]) -> str:
        target = match.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:|^#|^/", target):
            return match.group(0)
        path, hash_, fragment = target.partition("#")
        repo_path = posixpath.normpath(posixpath.join(base, path))
        if repo_path.startswith("docs/"):
            site_path = repo_path.removeprefix("docs/")
        elif repo_path in PUBLISHED:
            site_path = PUBLISHED[repo_path]
        elif repo_path.startswith(PUBLISHED_DIRS):
            site_path = repo_path
        else:
            # Leave it: mkdocs reports the broken link, which fails a strict build.
            return match.group(0)
        relative = posixpath.relpath(site_path, page_dir or ".")
        return f"{match.group(1)}{relative}{hash_}{fragment}{match.group(3)}"

    return LINK.sub(rewrite, markdown)


# --- generators ----------------------------------------------------------------------------


def _call(function: Callable[[], Any], what: str) -> Any:
    try:
        return function()
    except PluginError:
        raise
    except Exception as error:  # any failure must stop the build with a readable reason
        raise PluginError(f"{what} failed: {type(error).__name__}: {error}") from error


def _quickstart() -> str:
    """The Quickstart section of README.md, so the two stay one text."""
    readme = (_state["root"] / "README.md").read_text("utf-8")
    match = re.search(r"^## Quickstart\n(.*?)(?=^## )", readme, re.S | re.M)
    if match is None:
        raise PluginError("README.md has no '## Quickstart' section to show on the home page")
    return match.group(1).strip() + "\n"


def _citation() -> str:
    import msc_exos_pof
    from msc_exos_pof.docgen.errata import escape_markdown

    paragraphs = msc_exos_pof.cite("text").strip().split("\n\n")
    return "\n".join(
        [
            "\n\n".join(escape_markdown(paragraph) for paragraph in paragraphs),
            "",
            "As BibTeX (`msc-exos-pof cite --format bibtex`):",
            "",
            "```bibtex",
            msc_exos_pof.cite("bibtex").strip(),
            "```",
            "",
        ]
    )


def _errata() -> str:
    from msc_exos_pof.docgen.errata import errata_markdown

    return errata_markdown()


def _cell(value: Any) -> str:
    from msc_exos_pof.docgen.markdown import cell

    return cell(value)


def _frame_table(frame: Any) -> str:
    """A pandas DataFrame as a Markdown table (no tabulate dependency)."""
    columns = [str(column) for column in frame.columns]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(_cell(value) for value in row) + " |")
    return "\n".join(lines) + "\n"


def _prisma() -> str:
    import msc_exos_pof

    flow = msc_exos_pof.load("prisma_flow").sort_values(["round", "step"])
    lines = [
        f"![PRISMA 2020 flow diagram of the review's record selection]({PRISMA_SVG})"
        "{ #prisma-diagram }",
        "",
        f"Download: [the diagram as SVG]({PRISMA_SVG}) "
        "(`msc_exos_pof.prisma.prisma_svg()`), "
        f"[the counts as a PRISMA2020 template CSV]({PRISMA_CSV}) "
        "(`msc_exos_pof.prisma.prisma_template_csv()`).",
        "",
        "## Counts",
        "",
        "The `prisma_flow` resource, in flow order. A *stated* count is quoted from the review; "
        "a *derived* one is arithmetic over other nodes; a template box the review does not "
        "count is *not_reported*, with the reason in `note`.",
        "",
        "| node | count | meaning | basis | evidence, derivation or note |",
        "|---|---|---|---|---|",
    ]
    for row in flow.itertuples(index=False):
        sources = []
        if isinstance(row.evidence, str):
            sources.append(f"“{_cell(row.evidence)}”")
        if isinstance(row.derivation, str):
            from msc_exos_pof.docgen.markdown import code_span

            sources.append(code_span(row.derivation, cell=True))
        if isinstance(row.note, str):
            sources.append(f"Note: {_cell(row.note)}")
        count = "not reported" if row.basis == "not_reported" else row.count
        lines.append(
            f"| {_cell(row.node)} | {_cell(count)} | {_cell(row.label)} | {_cell(row.basis)} | "
            f"{'<br>'.join(sources)} |"
        )
    return "\n".join(lines) + "\n"


def _prisma_boxes() -> str:
    """Each box of the PRISMA 2020 template, the nodes it shows and what the diagram of the
    shipped package shows in it (read from the placed diagram, so it cannot go stale)."""
    from msc_exos_pof.prisma.layout import ARMS, TEMPLATE
    from msc_exos_pof.prisma.svg import layout_of

    diagram = layout_of()[1]
    arms = {"previous": "Previous studies", "databases": "Databases and registers"}
    lines = [
        "| arm | template box | `prisma_flow` node(s) | shown as |",
        "|---|---|---|---|",
    ]
    for box in TEMPLATE:
        texts = [
            "(the pooled total: no template line)" if line.node == "identified_total" else line.text
            for line in box.lines
        ]
        words = f"{box.heading} " + "; ".join(texts) if box.heading else " / ".join(texts)
        updated = [line.updated for line in box.lines if line.updated]
        if updated:
            words += " (updated reviews: " + " / ".join(updated) + ")"
        placed = diagram.boxes.get(box.box)
        shown = (
            " ".join(text.text for text in placed.lines)
            if placed
            else "drawn in the template for updated reviews (a living copy's later rounds)"
        )
        nodes = ", ".join(f"`{node}`" for node in box.nodes)
        arm = arms.get(ARMS[box.column], "Other methods")
        lines.append(f"| {arm} | {_cell(words)} | {nodes} | {_cell(shown)} |")
    return "\n".join(lines) + "\n"


def _prisma_history() -> str:
    from msc_exos_pof.prisma import history

    columns = history.COLUMNS
    lines = [
        f"![The review's versions: date searched, records, new, removed and total studies]"
        f"({PRISMA_HISTORY})",
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for row in history.review_history():
        lines.append("| " + " | ".join(_cell(cell) for cell in row.cells()) + " |")
    return "\n".join(lines) + "\n"


def _figures() -> str:
    """Each figure with the numbers it plots (``<name>_table()``), then any other table."""
    from msc_exos_pof import figures

    lines: list[str] = []
    shown: set[str] = set()
    for stem, src_uri in _state["figures"]:
        caption = stem.replace("_", " ").capitalize()
        lines += [f"## {caption}", "", f"![{caption}]({src_uri})", ""]
        table = getattr(figures, f"{stem}_table", None)
        if callable(table):
            shown.add(table.__name__)
            lines += _table_section(table, f"`{stem}.svg` ([download]({src_uri})).")
        else:
            lines += [f"`{stem}.svg` ([download]({src_uri})).", ""]
    others = sorted(
        name
        for name in dir(figures)
        if name.endswith("_table")
        and not name.startswith("_")
        and name not in shown
        and callable(getattr(figures, name))
    )
    for name in others:
        lines += [f"## {name}", ""] + _table_section(getattr(figures, name), "")
    return "\n".join(lines)


def _table_section(table: Callable[[], Any], lead: str) -> list[str]:
    """The table a figure plots, in a collapsed block, named by the function that makes it."""
    name = f"msc_exos_pof.figures.{table.__name__}()"
    frame = _call(table, name)
    return [
        f"{lead} The numbers it plots come from `{name}`.".strip(),
        "",
        f'??? note "The numbers ({len(frame)} rows)"',
        "",
        *(f"    {line}" for line in _frame_table(frame).splitlines()),
        "",
    ]


# --- the Python API, from docstrings -------------------------------------------------------


class _Annotation(str):
    """An annotation kept as source text: its repr is the text, so signatures print unquoted."""

    def __repr__(self) -> str:
        return str(self)


def _signature(qualified: str, obj: Any) -> str:
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return qualified
    parameters = [
        parameter.replace(annotation=_Annotation(parameter.annotation))
        if isinstance(parameter.annotation, str)
        else parameter
        for parameter in signature.parameters.values()
    ]
    returns = signature.return_annotation
    if isinstance(returns, str):
        returns = _Annotation(returns)
    text = qualified + str(signature.replace(parameters=parameters, return_annotation=returns))
    if len(text) <= 88 or not parameters:
        return text
    # One parameter per line, as black would, so that long signatures need no scrolling.
    arrow = "" if returns is inspect.Signature.empty else f" -> {returns}"
    lines = [f"{qualified}("]
    previous_kind = None
    kinds = inspect.Parameter
    for parameter in parameters:
        if previous_kind is kinds.POSITIONAL_ONLY and parameter.kind is not kinds.POSITIONAL_ONLY:
            lines.append("    /,")
        if parameter.kind is kinds.KEYWORD_ONLY and previous_kind not in (
            kinds.KEYWORD_ONLY,
            kinds.VAR_POSITIONAL,
        ):
            lines.append("    *,")
        lines.append(f"    {parameter},")
        previous_kind = parameter.kind
    if previous_kind is kinds.POSITIONAL_ONLY:
        lines.append("    /,")
    return "\n".join(lines) + f"\n){arrow}"


def _docstring(obj: Any) -> str:
    """A reST-flavoured docstring as Markdown: literals, doctests and section headings."""
    doc = inspect.getdoc(obj) or ""
    doc = re.sub(r"``([^`]+)``", r"`\1`", doc)
    doc = re.sub(r"^(\S[^\n]*)\n-{3,}$", r"**\1**", doc, flags=re.M)
    out: list[str] = []
    in_doctest = False
    for line in doc.splitlines():
        if line.startswith(">>>") and not in_doctest:
            out += ["```pycon"]
            in_doctest = True
        elif in_doctest and not line.strip():
            out += ["```"]
            in_doctest = False
        out.append(line)
    if in_doctest:
        out.append("```")
    return "\n".join(out).strip()


def _entry(heading: str, qualified: str, obj: Any) -> list[str]:
    doc = _docstring(obj)
    return [
        f"### `{heading}`",
        "",
        "```python",
        _signature(qualified, obj),
        "```",
        "",
        doc or "*(no docstring)*",
        "",
    ]


def _members(cls: type) -> Iterable[tuple[str, Any]]:
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(value, property):
            yield name, value
        elif inspect.isfunction(value):
            yield name, value


def _class_entry(qualified: str, cls: type) -> list[str]:
    lines = _entry(cls.__name__, qualified, cls)
    for name, member in _members(cls):
        if isinstance(member, property):
            returns = inspect.signature(member.fget).return_annotation
            kind = f"property → `{returns}`" if returns is not inspect.Signature.empty else ""
            lines += [
                f"- `{name}` ({kind or 'property'})"
                + (f": {_docstring(member.fget)}" if inspect.getdoc(member.fget) else "")
            ]
        else:
            signature = _signature(name, member).replace("(self, ", "(").replace("(self)", "()")
            lines += [
                f"- `{signature}`" + (f": {_docstring(member)}" if inspect.getdoc(member) else "")
            ]
    return lines + [""]


def _module_functions(module: Any) -> list[str]:
    names = getattr(module, "__all__", None) or [
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and inspect.isfunction(value)
        and value.__module__ == module.__name__
    ]
    lines: list[str] = []
    for name in names:
        value = getattr(module, name)
        if inspect.isfunction(value):
            lines += _entry(name, f"{module.__name__}.{name}", value)
        elif inspect.isclass(value):
            lines += _class_entry(f"{module.__name__}.{name}", value)
        else:
            lines += [f"### `{name}`", "", f"`{module.__name__}.{name}` = `{value!r}`"[:400], ""]
    return lines


def _api() -> str:
    import msc_exos_pof
    from msc_exos_pof.gate.report import Finding, Report

    exported = list(msc_exos_pof.__all__)
    names = [name for name in API_ORDER if name in exported]
    names += [name for name in exported if name not in names]
    lines = ["## `msc_exos_pof`", "", _docstring(msc_exos_pof).split("\n\n")[0], ""]
    for name in names:
        if name == "__version__":
            lines += [
                "### `__version__`",
                "",
                "The package's version, read from the shipped descriptor's `version` "
                f"(this site: `{msc_exos_pof.__version__}`).",
                "",
            ]
            continue
        value = getattr(msc_exos_pof, name)
        if inspect.isclass(value):
            lines += _class_entry(f"msc_exos_pof.{name}", value)
        else:
            lines += _entry(name, f"msc_exos_pof.{name}", value)
    lines += ["## Reports", "", "What `validate` returns (`msc_exos_pof.gate.report`).", ""]
    lines += _class_entry("msc_exos_pof.gate.report.Report", Report)
    lines += _class_entry("msc_exos_pof.gate.report.Finding", Finding)
    for module_name in ("msc_exos_pof.prisma", "msc_exos_pof.figures"):
        module = importlib.import_module(module_name)
        summary = _docstring(module).split("\n\n")[0]
        lines += [f"## `{module_name}`", "", summary, ""] + _module_functions(module)
    return "\n".join(lines)


# --- the CLI, from the click group ---------------------------------------------------------


def _cli() -> str:
    import click

    from msc_exos_pof.cli import main

    def describe(command: click.Command, context: click.Context, depth: int) -> list[str]:
        lines = ["```text", command.get_help(context).rstrip(), "```", ""]
        if isinstance(command, click.Group):
            for name in command.list_commands(context):
                sub = command.get_command(context, name)
                if sub is None or sub.hidden:
                    continue
                sub_context = click.Context(sub, info_name=name, parent=context)
                lines += [
                    f"{'#' * depth} `{sub_context.command_path}`",
                    "",
                    _cell(sub.get_short_help_str(limit=300)),
                    "",
                ]
                lines += describe(sub, sub_context, depth + 1)
        return lines

    # A fixed width so that the page does not depend on the terminal that built it.
    root = click.Context(
        main,
        info_name="msc-exos-pof",
        terminal_width=100,
        max_content_width=100,
        **main.context_settings,
    )
    return "\n".join(describe(main, root, 2))


def _report_schema() -> str:
    """The keys of the JSON report and of each finding, from the shipped JSON Schema."""
    from msc_exos_pof.gate.report import report_schema

    schema = report_schema()

    def table(properties: dict[str, Any]) -> list[str]:
        rows = ["| key | type | meaning |", "|---|---|---|"]
        for key, spec in properties.items():
            kind = spec.get("type") or ("enum" if "enum" in spec else "")
            kind = " or ".join(kind) if isinstance(kind, list) else kind
            if "const" in spec:
                kind = f"`{json.dumps(spec['const'])}`"
            if "enum" in spec:
                kind = " \\| ".join(f"`{json.dumps(value)}`" for value in spec["enum"])
            if "$ref" in spec:
                kind = "array of check ids" if spec["$ref"].endswith("check_ids") else "check id"
            rows.append(f"| `{key}` | {kind} | {_cell(spec.get('description', ''))} |")
        return rows

    return "\n".join(
        ["The report:", "", *table(schema["properties"]), "", "Each finding:", ""]
        + table(schema["$defs"]["finding"]["properties"])
    )


GENERATORS: dict[str, Callable[[], str]] = {
    "quickstart": _quickstart,
    "citation": _citation,
    "errata": _errata,
    "prisma": _prisma,
    "prisma-history": _prisma_history,
    "prisma-boxes": _prisma_boxes,
    "figures": _figures,
    "api": _api,
    "cli": _cli,
    "report-schema": _report_schema,
}
